"""One Tripletex object (or its deletion) into the store: the version check, link or hold, the
change-feed entry for the host, the sync-log entry when it did not sync. Idempotent: the same
object at the same version applied twice changes nothing the second time."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from txbridge.flows.sync import journal, links
from txbridge.flows.sync.fields import digest, display_name, host_shape
from txbridge.flows.sync.held import hold
from txbridge.flows.sync.matching import match
from txbridge.flows.sync.rules import carries, merge, stopped_by
from txbridge.store import (
    ChangeAction,
    ChangeFeedEntry,
    Database,
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

#: Tries of one apply when another writer got in first (see :func:`apply_from_tripletex`).
APPLY_ROUNDS = 3


class ApplyAction(enum.StrEnum):
    #: New in Tripletex; the host is told to create it (change feed).
    CREATED = "created"
    #: New in Tripletex and matched to a host object: linked.
    LINKED = "linked"
    CHANGED = "changed"
    DELETED = "deleted"
    #: Nothing to do (same data, or a delete already applied).
    UNCHANGED = "unchanged"
    #: Older than or as old as the version already applied: ignored.
    STALE = "stale"
    #: Stopped by a rule (sync log says which).
    SKIPPED = "skipped"
    #: Two plausible matches: held for a person.
    HELD = "held"


@dataclass(frozen=True, slots=True)
class ApplyOutcome:
    action: ApplyAction
    link_id: int | None = None
    #: The change-feed entry written, if any (its ``seq`` is given when the transaction commits).
    announced: ChangeFeedEntry | None = None


def apply_from_tripletex(
    db: Database,
    connection_id: int,
    resource: SyncResource,
    tripletex_id: int,
    obj: Mapping[str, Any] | None,
) -> ApplyOutcome:
    """Apply one Tripletex object (``obj`` None: deleted in Tripletex) in one transaction. Two
    writers meeting on one change-feed number (or one new link) make the later one apply again: the
    version check makes that safe."""
    for attempt in range(APPLY_ROUNDS):
        try:
            with db.transaction() as session:
                return apply_in(session, connection_id, resource, tripletex_id, obj)
        except IntegrityError:
            if attempt == APPLY_ROUNDS - 1:
                raise
    raise AssertionError("unreachable")


def apply_in(
    session: Session,
    connection_id: int,
    resource: SyncResource,
    tripletex_id: int,
    obj: Mapping[str, Any] | None,
) -> ApplyOutcome:
    """:func:`apply_from_tripletex` in the caller's transaction."""
    stored = session.get(TripletexObject, (connection_id, resource, tripletex_id))
    link = links.by_tripletex(session, connection_id, resource, tripletex_id)
    if obj is None:
        return _deleted(session, connection_id, resource, tripletex_id, stored, link)
    version = obj.get("version")
    if (
        stored is not None
        and stored.version is not None
        and version is not None
        and int(version) <= stored.version
    ):
        return ApplyOutcome(ApplyAction.STALE, link.id if link else None)
    data = host_shape(resource, obj)
    if stored is None:
        stored = TripletexObject(connection_id=connection_id, resource=resource, tripletex_id=tripletex_id)
        session.add(stored)
    stored.version, stored.data, stored.deleted, stored.read_at = (
        int(version) if version is not None else None,
        data,
        False,
        utcnow(),
    )
    if link is None or link.state is SyncLinkState.UNLINKED:
        return _new(session, connection_id, resource, tripletex_id, data, link)
    return _changed(session, connection_id, resource, link, data)


def _deleted(
    session: Session,
    connection_id: int,
    resource: SyncResource,
    tripletex_id: int,
    stored: TripletexObject | None,
    link: SyncLink | None,
) -> ApplyOutcome:
    if stored is None:
        session.add(
            TripletexObject(
                connection_id=connection_id,
                resource=resource,
                tripletex_id=tripletex_id,
                data={},
                deleted=True,
            )
        )
    else:
        stored.deleted = True
    if link is None or link.state is SyncLinkState.UNLINKED:
        return ApplyOutcome(ApplyAction.UNCHANGED, link.id if link else None)
    link.state = SyncLinkState.UNLINKED
    entry = journal.announce(
        session,
        connection_id,
        resource,
        ChangeAction.DELETED,
        tripletex_id=tripletex_id,
        host_id=link.host_id,
        version=link.tripletex_version,
        data=None,
    )
    return ApplyOutcome(ApplyAction.DELETED, link.id, entry)


def unlinked_host_objects(
    session: Session, connection_id: int, resource: SyncResource
) -> dict[str, dict[str, Any]]:
    """Host objects with no live link and no open hold: what a new Tripletex object may match."""
    linked = select(SyncLink.host_id).where(
        SyncLink.connection_id == connection_id,
        SyncLink.resource == resource,
        SyncLink.host_id.is_not(None),
        SyncLink.state != SyncLinkState.UNLINKED,
    )
    held = select(HeldMatch.host_id).where(
        HeldMatch.connection_id == connection_id,
        HeldMatch.resource == resource,
        HeldMatch.decided_at.is_(None),
        HeldMatch.host_id.is_not(None),
    )
    rows = session.scalars(
        select(HostObject).where(
            HostObject.connection_id == connection_id,
            HostObject.resource == resource,
            HostObject.deleted.is_(False),
            HostObject.host_id.not_in(linked),
            HostObject.host_id.not_in(held),
        )
    )
    return {row.host_id: dict(row.data) for row in rows}


def customer_links(session: Session, connection_id: int) -> dict[str, int]:
    """Host customer id → Tripletex customer id, for live links."""
    rows = session.execute(
        select(SyncLink.host_id, SyncLink.tripletex_id).where(
            SyncLink.connection_id == connection_id,
            SyncLink.resource == SyncResource.CUSTOMER,
            SyncLink.state != SyncLinkState.UNLINKED,
            SyncLink.host_id.is_not(None),
            SyncLink.tripletex_id.is_not(None),
        )
    )
    return {str(h): int(t) for h, t in rows if t is not None}


def _new(
    session: Session,
    connection_id: int,
    resource: SyncResource,
    tripletex_id: int,
    data: dict[str, Any],
    old_link: SyncLink | None,
) -> ApplyOutcome:
    creating = _our_create(session, connection_id, resource, data)
    if creating is not None:
        # Our own create, announced before its answer was recorded: it is that host object.
        creating.state, creating.tripletex_id, creating.marker = SyncLinkState.LINKED, tripletex_id, None
        creating.tripletex_version = _version(session, connection_id, resource, tripletex_id)
        creating.base, _refs = links.to_host_refs(session, connection_id, resource, data)
        return ApplyOutcome(ApplyAction.LINKED, creating.id)
    if stopped_to_host(session, connection_id, resource, tripletex_id, data):
        return ApplyOutcome(ApplyAction.SKIPPED)
    result = match(
        resource,
        unlinked_host_objects(session, connection_id, resource),
        {tripletex_id: data},
        customer_links=customer_links(session, connection_id) if resource is SyncResource.PROJECT else None,
    )
    if result.held:
        for h in result.held:
            hold(session, connection_id, resource, h)
        return ApplyOutcome(ApplyAction.HELD)
    if old_link is not None:
        session.delete(old_link)
        session.flush()
    host_view, refs = links.to_host_refs(session, connection_id, resource, data)
    if result.links:
        host_id = result.links[0][0]
        link = SyncLink(
            connection_id=connection_id,
            resource=resource,
            host_id=host_id,
            tripletex_id=tripletex_id,
            tripletex_version=_version(session, connection_id, resource, tripletex_id),
            state=SyncLinkState.LINKED,
            name=display_name(resource, data),
        )
        session.add(link)
        session.flush()
        # The host's fields are merged in by the next push (the link has nothing sent yet).
        return ApplyOutcome(ApplyAction.LINKED, link.id)
    link = SyncLink(
        connection_id=connection_id,
        resource=resource,
        host_id=None,
        tripletex_id=tripletex_id,
        tripletex_version=_version(session, connection_id, resource, tripletex_id),
        state=SyncLinkState.LINKED,
        name=display_name(resource, data),
        base=host_view,
    )
    session.add(link)
    session.flush()
    entry = tell_host(session, link, ChangeAction.CREATED, host_view, refs)
    return ApplyOutcome(ApplyAction.CREATED, link.id, entry)


def _our_create(
    session: Session, connection_id: int, resource: SyncResource, data: Mapping[str, Any]
) -> SyncLink | None:
    """The one «creating» link whose host object this Tripletex object carries exactly, if any."""
    creating = list(
        session.scalars(
            select(SyncLink).where(
                SyncLink.connection_id == connection_id,
                SyncLink.resource == resource,
                SyncLink.state == SyncLinkState.CREATING,
            )
        )
    )
    found = []
    for link in creating:
        host = session.scalar(
            select(HostObject).where(
                HostObject.connection_id == connection_id,
                HostObject.resource == resource,
                HostObject.host_id == link.host_id,
            )
        )
        if host is None:
            continue
        sent, _missing = links.to_tripletex_refs(session, connection_id, resource, host.data)
        if carries(resource, sent, data):
            found.append(link)
    return found[0] if len(found) == 1 else None


def stopped_to_host(
    session: Session, connection_id: int, resource: SyncResource, tripletex_id: int, data: Mapping[str, Any]
) -> bool:
    """True (and logged) when a rule keeps this Tripletex object from the host."""
    rule = stopped_by(resource, data, tripletex_id)
    if rule is None:
        return False
    journal.log(
        session,
        connection_id,
        resource,
        direction=SyncDirection.TO_HOST,
        outcome=SyncOutcome.SKIPPED,
        rule=rule.id,
        tripletex_id=tripletex_id,
        tripletex_name=display_name(resource, data),
        message=rule.params,
    )
    return True


def _version(session: Session, connection_id: int, resource: SyncResource, tripletex_id: int) -> int | None:
    stored = session.get(TripletexObject, (connection_id, resource, tripletex_id))
    return stored.version if stored is not None else None


def pending_host_data(session: Session, link: SyncLink) -> dict[str, Any] | None:
    """The host's state when it changed since it was last sent to Tripletex, else None."""
    if link.host_id is None:
        return None
    host = session.scalar(
        select(HostObject).where(
            HostObject.connection_id == link.connection_id,
            HostObject.resource == link.resource,
            HostObject.host_id == link.host_id,
        )
    )
    if host is None or host.deleted or host.data_hash == link.sent_to_tripletex_hash:
        return None
    return dict(host.data)


def _changed(
    session: Session, connection_id: int, resource: SyncResource, link: SyncLink, data: dict[str, Any]
) -> ApplyOutcome:
    host_view, refs = links.to_host_refs(session, connection_id, resource, data)
    link.tripletex_version = _version(session, connection_id, resource, link.tripletex_id or 0)
    link.name = display_name(resource, data) or link.name
    pending = pending_host_data(session, link)
    if pending is None:
        # No host change waits: Tripletex's state is the agreed one.
        link.base = host_view
        told = host_view
    else:
        # A host change waits for the push, which resolves the conflict (and logs it); meanwhile the
        # host hears the merged state, so its own winning edits are not undone on its side.
        told = merge(resource, link.base, host_view, pending).data
    if digest(told) == link.sent_to_host_hash:
        return ApplyOutcome(ApplyAction.UNCHANGED, link.id)
    entry = tell_host(session, link, ChangeAction.CHANGED, told, refs)
    return ApplyOutcome(ApplyAction.CHANGED, link.id, entry)


def tell_host(
    session: Session,
    link: SyncLink,
    action: ChangeAction,
    data: Mapping[str, Any],
    refs: Mapping[str, int],
) -> ChangeFeedEntry:
    link.sent_to_host_hash = digest(data)
    link.sent_to_host_at = utcnow()
    payload = dict(data)
    if refs:
        payload["tripletex_refs"] = dict(refs)
    return journal.announce(
        session,
        link.connection_id,
        link.resource,
        action,
        tripletex_id=link.tripletex_id or 0,
        host_id=link.host_id,
        version=link.tripletex_version,
        data=payload,
    )


__all__ = ["ApplyAction", "ApplyOutcome", "apply_from_tripletex", "apply_in"]
