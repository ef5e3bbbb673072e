"""Matches held for a person: recorded with their sync-log entry, decided with :func:`resolve_held`
(``txbridge sync decide``, and the web screen «Til avgjørelse»)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from txbridge.catalog import render
from txbridge.flows.sync import journal
from txbridge.flows.sync.errors import SyncError
from txbridge.flows.sync.matching import Hold
from txbridge.flows.sync.rules import label
from txbridge.store import (
    Database,
    HeldDecision,
    HeldMatch,
    HostObject,
    SyncDirection,
    SyncLink,
    SyncLinkState,
    SyncOutcome,
    SyncResource,
    TripletexObject,
)
from txbridge.store.models import utcnow


def _candidates_text(candidates: list[dict[str, Any]]) -> str:
    return ", ".join(f"{c['name']} (Tripletex {c['id']})" for c in candidates)


def hold(session: Session, connection_id: int, resource: SyncResource, found: Hold) -> HeldMatch | None:
    """Record a hold (once: an open hold of the same host object is kept as it is) and log it."""
    open_one = session.scalar(
        select(HeldMatch).where(
            HeldMatch.connection_id == connection_id,
            HeldMatch.resource == resource,
            HeldMatch.host_id == found.host_id,
            HeldMatch.decided_at.is_(None),
        )
    )
    if open_one is not None:
        return None
    candidates = [
        {"side": "tripletex", "id": c.tripletex_id, "name": c.name, "why": c.why} for c in found.candidates
    ]
    held = HeldMatch(
        connection_id=connection_id,
        resource=resource,
        host_id=found.host_id,
        name=found.name,
        rule=found.rule,
        candidates=candidates,
    )
    session.add(held)
    session.flush()
    name = f"{found.name} ({found.host_id})" if found.name else found.host_id
    params: dict[str, object] = {"object": name, "held": held.id}
    if found.rule == "sync_held_ambiguous":
        params["candidates"] = _candidates_text(candidates)
    else:
        params.update(found.params)
    journal.log(
        session,
        connection_id,
        resource,
        direction=SyncDirection.TO_TRIPLETEX,
        outcome=SyncOutcome.HELD,
        rule=found.rule,
        host_id=found.host_id,
        host_name=found.name,
        tripletex_id=found.candidates[0].tripletex_id if len(found.candidates) == 1 else None,
        tripletex_name=found.candidates[0].name if len(found.candidates) == 1 else None,
        message=params,
    )
    return held


def resolve_held(
    db: Database,
    held_id: int,
    *,
    link_to: int | None = None,
    create_new: bool = False,
    skip: bool = False,
    decided_by: str,
) -> None:
    """Decide a held match: link it to one of its candidates (a Tripletex id), have it created new on
    the other side (the next push or initial-sync run does it), or leave it out of the sync."""
    if [link_to is not None, create_new, skip].count(True) != 1:
        raise ValueError("say exactly one of link_to, create_new, skip")
    with db.transaction() as session:
        held = session.get(HeldMatch, held_id)
        if held is None or held.decided_at is not None:
            raise SyncError(render("sync_held_not_found", held=held_id))
        if link_to is not None:
            ids = [int(str(c["id"])) for c in held.candidates]
            taken = session.scalar(
                select(SyncLink).where(
                    SyncLink.connection_id == held.connection_id,
                    SyncLink.resource == held.resource,
                    SyncLink.tripletex_id == link_to,
                    SyncLink.state != SyncLinkState.UNLINKED,
                )
            )
            if link_to not in ids or taken is not None:
                raise SyncError(
                    render(
                        "sync_held_bad_choice",
                        held=held_id,
                        choice=link_to,
                        candidates=_candidates_text(held.candidates),
                    )
                )
            stored = session.get(TripletexObject, (held.connection_id, held.resource, link_to))
            session.add(
                SyncLink(
                    connection_id=held.connection_id,
                    resource=held.resource,
                    host_id=held.host_id,
                    tripletex_id=link_to,
                    tripletex_version=stored.version if stored is not None else None,
                    state=SyncLinkState.LINKED,
                    name=held.name,
                )
            )
            held.decision = HeldDecision.LINK
        elif create_new:
            held.decision = HeldDecision.CREATE_NEW
        else:
            held.decision = HeldDecision.SKIP
            host = session.scalar(
                select(HostObject).where(
                    HostObject.connection_id == held.connection_id,
                    HostObject.resource == held.resource,
                    HostObject.host_id == held.host_id,
                )
            )
            if host is not None:
                # Kept out for good: an unlinked link without a Tripletex id marks it as decided.
                session.add(
                    SyncLink(
                        connection_id=held.connection_id,
                        resource=held.resource,
                        host_id=held.host_id,
                        state=SyncLinkState.UNLINKED,
                        name=label(held.resource, host.data, held.host_id),
                    )
                )
        held.decided_at = utcnow()
        held.decided_by = decided_by
