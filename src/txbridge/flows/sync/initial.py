"""The initial sync, in Svenn's two steps, resumable at any point.

1. Pull customers, employees and projects from Tripletex (in that order), page by page — in windows
   when a list is above Tripletex's 10,000-row limit (:mod:`txbridge.flows.sync.reader`) — each page
   committed with the cursor that says how far the read got (dlt's pattern); then match what
   overlaps and link it — or hold it for a person when it is not certain (never a guess).
2. Create what exists on one side only on the other: Tripletex-only objects go to the host through
   the change feed; host-only objects are created in Tripletex with the bulk endpoints, claimed
   before the write (see :mod:`txbridge.flows.sync.push`).

Each resource's step is kept in :class:`~txbridge.store.SyncCursor` (``purpose`` ``initial``): a run
that was killed continues where it stopped and never creates anything twice."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from txbridge.flows.sync import links
from txbridge.flows.sync.apply import customer_links, stopped_to_host, tell_host, unlinked_host_objects
from txbridge.flows.sync.fields import ORDER, display_name, host_shape
from txbridge.flows.sync.held import hold
from txbridge.flows.sync.matching import match
from txbridge.flows.sync.push import PushResult, connection_client, push_resource
from txbridge.flows.sync.reader import PAGE_SIZE, read_resource, saved_windows
from txbridge.settings import Settings
from txbridge.store import (
    ChangeAction,
    Database,
    HeldMatch,
    SyncCursor,
    SyncLink,
    SyncLinkState,
    SyncResource,
    TripletexObject,
)
from txbridge.store.models import utcnow
from txbridge.tripletex import Tripletex

PURPOSE = "initial"
PULL, MATCH, CREATE, DONE = "pull", "match", "create", "done"


@dataclass(slots=True)
class InitialSyncResult:
    read: dict[str, int] = field(default_factory=dict)
    linked: dict[str, int] = field(default_factory=dict)
    held: dict[str, int] = field(default_factory=dict)
    to_host: dict[str, int] = field(default_factory=dict)
    push: PushResult = field(default_factory=PushResult)


def _cursor(session: Session, connection_id: int, resource: SyncResource) -> SyncCursor:
    cursor = session.get(SyncCursor, (connection_id, resource, PURPOSE))
    if cursor is None:
        cursor = SyncCursor(
            connection_id=connection_id, resource=resource, purpose=PURPOSE, step=PULL, after_id=0, position=0
        )
        session.add(cursor)
        session.flush()
    return cursor


def initial_step(db: Database, connection_id: int, resource: SyncResource) -> str:
    """Where the initial sync of one resource stands (``pull`` before it began)."""
    with db.reading() as session:
        cursor = session.get(SyncCursor, (connection_id, resource, PURPOSE))
        return cursor.step or PULL if cursor is not None else PULL


def run_initial_sync(
    db: Database,
    settings: Settings,
    connection_id: int,
    *,
    client: Tripletex | None = None,
    page_size: int = PAGE_SIZE,
    progress: Callable[[str, SyncResource, int], None] | None = None,
) -> InitialSyncResult:
    """Run (or continue) the initial sync of one connection; a finished one does nothing again."""
    result = InitialSyncResult()
    with connection_client(db, settings, connection_id, client) as tx:
        for resource in ORDER:
            if initial_step(db, connection_id, resource) == PULL:
                result.read[resource.value] = _pull(db, tx, connection_id, resource, page_size, progress)
            if initial_step(db, connection_id, resource) == MATCH:
                _match(db, connection_id, resource, result)
        for resource in ORDER:
            if initial_step(db, connection_id, resource) == CREATE:
                _to_host(db, connection_id, resource, result)
                push_resource(
                    db, tx, connection_id, resource, result.push, host_deletes=settings.sync_host_deletes
                )
                with db.transaction() as session:
                    cursor = _cursor(session, connection_id, resource)
                    cursor.step, cursor.completed_at = DONE, utcnow()
                if progress is not None:
                    progress(CREATE, resource, result.to_host.get(resource.value, 0))
    return result


def _pull(
    db: Database,
    client: Tripletex,
    connection_id: int,
    resource: SyncResource,
    page_size: int,
    progress: Callable[[str, SyncResource, int], None] | None,
) -> int:
    with db.reading() as session:
        cursor = session.get(SyncCursor, (connection_id, resource, PURPOSE))
        position = cursor.position if cursor is not None else 0
        windows = saved_windows(cursor.windows if cursor is not None else None)
    read = 0
    for page in read_resource(client, resource, position=position, windows=windows, page_size=page_size):
        with db.transaction() as session:
            _store_page(session, connection_id, resource, page.rows)
            cursor = _cursor(session, connection_id, resource)
            cursor.position = page.position
            cursor.windows = {"windows": page.windows} if page.windows else None
            if page.rows:
                cursor.after_id = max(cursor.after_id, max(int(r["id"]) for r in page.rows))
            if page.last:
                cursor.step = MATCH
                cursor.version_digest = page.version_digest
        read += len(page.rows)
        if progress is not None:
            progress(PULL, resource, read)
    return read


def _store_page(
    session: Session, connection_id: int, resource: SyncResource, rows: list[dict[str, Any]]
) -> None:
    ids = [int(r["id"]) for r in rows]
    known = {
        o.tripletex_id: o
        for o in session.scalars(
            select(TripletexObject).where(
                TripletexObject.connection_id == connection_id,
                TripletexObject.resource == resource,
                TripletexObject.tripletex_id.in_(ids),
            )
        )
    }
    for row in rows:
        tx_id = int(row["id"])
        stored = known.get(tx_id)
        if stored is None:
            stored = TripletexObject(connection_id=connection_id, resource=resource, tripletex_id=tx_id)
            session.add(stored)
        stored.version, stored.data, stored.deleted, stored.read_at = (
            row.get("version"),
            host_shape(resource, row),
            False,
            utcnow(),
        )


def _unlinked_tripletex(
    session: Session, connection_id: int, resource: SyncResource
) -> dict[int, dict[str, Any]]:
    taken = set(
        session.scalars(
            select(SyncLink.tripletex_id).where(
                SyncLink.connection_id == connection_id,
                SyncLink.resource == resource,
                SyncLink.tripletex_id.is_not(None),
            )
        )
    )
    for held in session.scalars(
        select(HeldMatch).where(
            HeldMatch.connection_id == connection_id,
            HeldMatch.resource == resource,
            HeldMatch.decided_at.is_(None),
        )
    ):
        taken.update(int(str(c["id"])) for c in held.candidates)
    rows = session.scalars(
        select(TripletexObject).where(
            TripletexObject.connection_id == connection_id,
            TripletexObject.resource == resource,
            TripletexObject.deleted.is_(False),
        )
    )
    return {r.tripletex_id: dict(r.data) for r in rows if r.tripletex_id not in taken}


def _match(db: Database, connection_id: int, resource: SyncResource, result: InitialSyncResult) -> None:
    with db.transaction() as session, session.no_autoflush:
        found = match(
            resource,
            unlinked_host_objects(session, connection_id, resource),
            _unlinked_tripletex(session, connection_id, resource),
            customer_links=customer_links(session, connection_id),
        )
        for host_id, tx_id, _why in found.links:
            stored = session.get(TripletexObject, (connection_id, resource, tx_id))
            session.add(
                SyncLink(
                    connection_id=connection_id,
                    resource=resource,
                    host_id=host_id,
                    tripletex_id=tx_id,
                    tripletex_version=stored.version if stored is not None else None,
                    state=SyncLinkState.LINKED,
                    name=display_name(resource, stored.data) if stored is not None else None,
                )
            )
        held = 0
        for h in found.held:
            held += hold(session, connection_id, resource, h) is not None
        result.linked[resource.value] = len(found.links)
        result.held[resource.value] = held
        _cursor(session, connection_id, resource).step = CREATE


def _to_host(db: Database, connection_id: int, resource: SyncResource, result: InitialSyncResult) -> None:
    """Tripletex-only objects to the host (the change feed), in one transaction: a rerun finds them
    linked and announces nothing twice."""
    count = 0
    with db.transaction() as session, session.no_autoflush:
        for tx_id, data in sorted(_unlinked_tripletex(session, connection_id, resource).items()):
            if stopped_to_host(session, connection_id, resource, tx_id, data):
                continue
            stored = session.get(TripletexObject, (connection_id, resource, tx_id))
            host_view, refs = links.to_host_refs(session, connection_id, resource, data)
            link = SyncLink(
                connection_id=connection_id,
                resource=resource,
                host_id=None,
                tripletex_id=tx_id,
                tripletex_version=stored.version if stored is not None else None,
                state=SyncLinkState.LINKED,
                name=display_name(resource, data),
                base=host_view,
            )
            session.add(link)
            tell_host(session, link, ChangeAction.CREATED, host_view, refs)
            count += 1
    result.to_host[resource.value] = count
