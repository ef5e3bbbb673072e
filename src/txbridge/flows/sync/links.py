"""Links between host ids and Tripletex ids, and references translated between the two."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from txbridge.flows.sync.fields import FIELDS
from txbridge.store import SyncLink, SyncLinkState, SyncResource


def by_tripletex(
    session: Session, connection_id: int, resource: SyncResource, tripletex_id: int
) -> SyncLink | None:
    return session.scalar(
        select(SyncLink).where(
            SyncLink.connection_id == connection_id,
            SyncLink.resource == resource,
            SyncLink.tripletex_id == tripletex_id,
        )
    )


def by_host(session: Session, connection_id: int, resource: SyncResource, host_id: str) -> SyncLink | None:
    return session.scalar(
        select(SyncLink).where(
            SyncLink.connection_id == connection_id,
            SyncLink.resource == resource,
            SyncLink.host_id == host_id,
        )
    )


def _live(link: SyncLink | None) -> SyncLink | None:
    return link if link is not None and link.state is not SyncLinkState.UNLINKED else None


def to_host_refs(
    session: Session, connection_id: int, resource: SyncResource, data: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, int]]:
    """Tripletex ids in reference fields → the host's ids (None where the referred object has no
    host id yet); the Tripletex ids come back beside, so the host can still tell what is meant."""
    out = dict(data)
    refs: dict[str, int] = {}
    for spec in FIELDS[resource]:
        if spec.refers_to is None or data.get(spec.name) is None:
            continue
        tx_id = int(data[spec.name])
        refs[spec.name] = tx_id
        link = _live(by_tripletex(session, connection_id, spec.refers_to, tx_id))
        out[spec.name] = link.host_id if link is not None else None
    return out, refs


def to_tripletex_refs(
    session: Session, connection_id: int, resource: SyncResource, data: Mapping[str, Any]
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Host ids in reference fields → Tripletex ids; the references not linked (yet) come back as
    ``(field, host id)``."""
    out = dict(data)
    missing: list[tuple[str, str]] = []
    for spec in FIELDS[resource]:
        if spec.refers_to is None or spec.name not in data or data[spec.name] is None:
            continue
        host_id = str(data[spec.name])
        link = _live(by_host(session, connection_id, spec.refers_to, host_id))
        if link is None or link.tripletex_id is None:
            missing.append((spec.name, host_id))
            out.pop(spec.name)
        else:
            out[spec.name] = link.tripletex_id
    return out, missing
