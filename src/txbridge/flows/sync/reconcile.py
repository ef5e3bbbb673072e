"""The nightly reconcile: Tripletex's customers, employees and projects checked against the store,
cheaply when nothing changed. It repairs what webhooks missed (dropped, reordered, a subscription
Tripletex disabled) and finds deletes.

Per resource (customers, employees, projects: a project needs its customer and manager first):

1. **one checksum call**: ``GET /{resource}?fields=id,version&sorting=id&count=1`` with
   ``If-None-Match: <versionDigest stored last time>``. 304: nothing changed, done (one call).
2. Otherwise the new digest is kept (from *before* the read: anything that changes during the read
   changes the live digest, so the next reconcile reads again) and
   - customers, which have ``changedSince`` in the spec: the customers changed since the last run
     (minus a margin for clocks), whole, are applied;
   - every resource: the whole list, ``id,version`` only, paged in id order — in windows when it is
     above Tripletex's 10,000-row limit (:mod:`txbridge.flows.sync.reader`; such a list has no
     checksum either, the checksum call being refused, so it is read every night); an object whose
     version differs from the stored one is fetched whole (``?id=…``, 100 per call) and applied (the
     version check ignores an older one); a stored object the read did not see is fetched once more
     at the end, and applied as deleted if it is really gone.
3. Each page's rows, the cursor's position and windows, and at the end the digest and
   ``changedSince`` are committed in one transaction with the rows they describe (dlt's pattern): a
   crash re-reads at most a page and never skips a change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from txbridge.flows import connections
from txbridge.flows.sync.apply import apply_in
from txbridge.flows.sync.errors import SyncError
from txbridge.flows.sync.fields import ORDER
from txbridge.flows.sync.reader import PAGE_SIZE, PATHS, read_resource, saved_windows
from txbridge.flows.sync.realtime import api_calls, connection_client, fetch_current
from txbridge.settings import Settings
from txbridge.store import Database, SyncCursor, SyncResource, TripletexObject
from txbridge.store.models import utcnow
from txbridge.tripletex import NotModified, TooManyResultsError, Tripletex, TripletexError

PURPOSE = "reconcile"
CHECK_FIELDS = "id,version"
#: The digest we keep for an empty list (Tripletex gives none).
EMPTY = "empty"
#: ``changedSince`` is asked from this long before the previous run began: clocks differ.
CLOCK_MARGIN = timedelta(minutes=10)
#: Ids per store query (``IN``) and per stamp.
ID_CHUNK = 500


@dataclass
class ResourceReconcile:
    resource: SyncResource
    api_calls: int = 0
    unchanged: bool = False
    applied: int = 0
    deleted: int = 0
    #: Outcomes of applied objects, by action.
    outcomes: dict[str, int] = field(default_factory=dict)


@dataclass
class ReconcileResult:
    connection_id: int
    resources: list[ResourceReconcile] = field(default_factory=list)

    @property
    def api_calls(self) -> int:
        return sum(r.api_calls for r in self.resources)

    def of(self, resource: SyncResource) -> ResourceReconcile:
        return next(r for r in self.resources if r.resource is resource)


def reconcile_connection(
    db: Database,
    settings: Settings,
    connection_id: int,
    *,
    client: Tripletex | None = None,
    transport: httpx.BaseTransport | None = None,
    resources: Sequence[SyncResource] = ORDER,
    page_size: int = PAGE_SIZE,
) -> ReconcileResult:
    """Reconcile every resource of one connection (see the module). Failures to reach Tripletex raise
    :class:`SyncError` with what is committed so far kept."""
    result = ReconcileResult(connection_id)
    with connection_client(db, settings, connection_id, client, transport) as (connection, api):
        try:
            for resource in resources:
                before = api_calls(api)
                done = ResourceReconcile(resource)
                result.resources.append(done)
                try:
                    _reconcile(db, api, connection_id, resource, done, page_size)
                finally:
                    done.api_calls = api_calls(api) - before
        except (TripletexError, httpx.HTTPError) as exc:
            raise SyncError(connections.message_for_error(exc, connection.base_url)) from None
    return result


def _cursor(session: Session, connection_id: int, resource: SyncResource) -> SyncCursor:
    cursor = session.get(SyncCursor, (connection_id, resource, PURPOSE))
    if cursor is None:
        cursor = SyncCursor(
            connection_id=connection_id, resource=resource, purpose=PURPOSE, position=0, after_id=0
        )
        session.add(cursor)
        session.flush()
    return cursor


def _checksum(api: Tripletex, resource: SyncResource, digest: str | None) -> str | NotModified | None:
    """The list's digest now, or NotModified. Tripletex gives an empty list no digest (and so no 304):
    :data:`EMPTY` stands for it, so an empty list costs one call too. A list above Tripletex's
    10,000-row limit has no digest (the search is refused): None, and it is read in windows."""
    headers = {"If-None-Match": digest} if digest and digest != EMPTY else None
    try:
        answer = api.request(
            "GET",
            PATHS[resource],
            params={"fields": CHECK_FIELDS, "sorting": "id", "from": 0, "count": 1},
            headers=headers,
        )
    except TooManyResultsError:
        return None
    if isinstance(answer, NotModified):
        return answer
    if not (answer or {}).get("values"):
        return NotModified(EMPTY) if digest == EMPTY else EMPTY
    found: str | None = (answer or {}).get("versionDigest")
    return found


def _reconcile(
    db: Database,
    api: Tripletex,
    connection_id: int,
    resource: SyncResource,
    done: ResourceReconcile,
    page_size: int,
) -> None:
    with db.transaction() as session:
        cursor = _cursor(session, connection_id, resource)
        digest, since, position = cursor.version_digest, cursor.changed_since, cursor.position
        read = dict(cursor.windows or {})
    started = utcnow()
    checked = _checksum(api, resource, digest)
    if isinstance(checked, NotModified):
        done.unchanged = True
        return
    new_digest = checked
    if resource is SyncResource.CUSTOMER and since is not None and not read:
        _changed_customers(db, api, connection_id, since, done, page_size)
    _compare_full(db, api, connection_id, resource, position, read, done, page_size)
    with db.transaction() as session:
        cursor = _cursor(session, connection_id, resource)
        cursor.version_digest = new_digest
        cursor.changed_since = started - CLOCK_MARGIN if resource is SyncResource.CUSTOMER else None
        cursor.position, cursor.after_id, cursor.completed_at = 0, 0, utcnow()
        cursor.windows = None


def _changed_customers(
    db: Database, api: Tripletex, connection_id: int, since: datetime, done: ResourceReconcile, page_size: int
) -> None:
    """Customers changed since the last run, whole: applied as they come (the compare pass then finds
    their versions already stored and fetches nothing more for them)."""
    # Naive UTC: exact where it is read as UTC, earlier (more rows, never fewer) where read as Oslo time.
    stamp = since.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds")
    for page in read_resource(api, SyncResource.CUSTOMER, page_size=page_size, changedSince=stamp):
        with db.transaction() as session:
            for row in page.rows:
                _apply(session, connection_id, SyncResource.CUSTOMER, int(row["id"]), row, done)


def _compare_full(
    db: Database,
    api: Tripletex,
    connection_id: int,
    resource: SyncResource,
    position: int,
    read: dict[str, Any],
    done: ResourceReconcile,
    page_size: int,
) -> None:
    """The whole list (in windows when it is above 10,000 rows), ids and versions only, compared with
    the store page by page. Every stored object the read sees is stamped (``read_at``) in the page's
    transaction; what is stored, not deleted and not stamped since the read began is gone from
    Tripletex's list, fetched once more and applied as deleted if it really is. The read's start and
    its windows are kept on the cursor, so a resumed read still knows what it saw before the crash."""
    began = _began(read) or utcnow()
    windows = saved_windows(read)
    for page in read_resource(
        api, resource, fields=CHECK_FIELDS, position=position, windows=windows, page_size=page_size
    ):
        seen = {int(r["id"]): r.get("version") for r in page.rows}
        with db.transaction() as session:
            stored = _stored(session, connection_id, resource, list(seen))
        changed = [i for i, v in seen.items() if stored.get(i) != (v, False)]
        # Fetched outside the transaction (no database lock held over a network call).
        current = fetch_current(api, resource, sorted(changed)) if changed else {}
        with db.transaction() as session:
            _stamp(session, connection_id, resource, [i for i in seen if i not in changed])
            for object_id in changed:
                _apply(session, connection_id, resource, object_id, current.get(object_id), done)
            cursor = _cursor(session, connection_id, resource)
            cursor.position = page.position
            cursor.windows = {"began": began.isoformat(), "windows": page.windows}
    _gone(db, api, connection_id, resource, began, done)


def _began(read: dict[str, Any]) -> datetime | None:
    began = read.get("began")
    return datetime.fromisoformat(began) if isinstance(began, str) else None


def _stored(
    session: Session, connection_id: int, resource: SyncResource, ids: list[int]
) -> dict[int, tuple[int | None, bool]]:
    """Stored objects among ``ids``: id → (version, deleted)."""
    found: dict[int, tuple[int | None, bool]] = {}
    for start in range(0, len(ids), ID_CHUNK):
        query = select(TripletexObject.tripletex_id, TripletexObject.version, TripletexObject.deleted).where(
            TripletexObject.connection_id == connection_id,
            TripletexObject.resource == resource,
            TripletexObject.tripletex_id.in_(ids[start : start + ID_CHUNK]),
        )
        found.update({int(i): (v, bool(deleted)) for i, v, deleted in session.execute(query)})
    return found


def _stamp(session: Session, connection_id: int, resource: SyncResource, ids: list[int]) -> None:
    """Mark stored objects as seen by this read."""
    now = utcnow()
    for start in range(0, len(ids), ID_CHUNK):
        session.execute(
            update(TripletexObject)
            .where(
                TripletexObject.connection_id == connection_id,
                TripletexObject.resource == resource,
                TripletexObject.tripletex_id.in_(ids[start : start + ID_CHUNK]),
            )
            .values(read_at=now)
        )


def _gone(
    db: Database,
    api: Tripletex,
    connection_id: int,
    resource: SyncResource,
    began: datetime,
    done: ResourceReconcile,
) -> None:
    """Stored objects the read did not see: fetched once more (an object made or changed meanwhile is
    kept), applied as deleted when Tripletex has them no more."""
    with db.reading() as session:
        missing = list(
            session.scalars(
                select(TripletexObject.tripletex_id).where(
                    TripletexObject.connection_id == connection_id,
                    TripletexObject.resource == resource,
                    TripletexObject.deleted.is_(False),
                    TripletexObject.read_at < began,
                )
            )
        )
    for start in range(0, len(missing), ID_CHUNK):
        chunk = sorted(missing[start : start + ID_CHUNK])
        current = fetch_current(api, resource, chunk)
        with db.transaction() as session:
            for object_id in chunk:
                _apply(session, connection_id, resource, object_id, current.get(object_id), done)


def _apply(
    session: Session,
    connection_id: int,
    resource: SyncResource,
    object_id: int,
    obj: dict[str, Any] | None,
    done: ResourceReconcile,
) -> None:
    outcome = apply_in(session, connection_id, resource, object_id, obj)
    action = outcome.action.value
    done.outcomes[action] = done.outcomes.get(action, 0) + 1
    if obj is None:
        done.deleted += action == "deleted"
    else:
        done.applied += 1


__all__ = ["CHECK_FIELDS", "PURPOSE", "ReconcileResult", "ResourceReconcile", "reconcile_connection"]
