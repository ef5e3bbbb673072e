"""Processing the webhook inbox: what Tripletex said changed is fetched and applied.

An event says only *that* an object changed (versions may skip; a delete carries only the id), so
the object is fetched as it is now and applied with the version check
(:func:`txbridge.flows.sync.apply.apply_in`: an older or equal version than stored is ignored). That
makes duplicates, reordering and skipped versions harmless: whatever order events come in, the store
ends with Tripletex's current state.

Per run, pending events are grouped by object; one ``GET /{resource}?id=…`` fetches up to
:data:`FETCH_CHUNK` objects, and an object missing from the answer (or with a delete event: ids never
come back) is deleted. Each object is applied and its events marked processed in one transaction.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from txbridge.catalog import Bilingual, render
from txbridge.flows import connections
from txbridge.flows.sync.apply import ApplyAction, apply_in
from txbridge.flows.sync.errors import SyncError
from txbridge.flows.sync.fields import TRIPLETEX_FIELDS
from txbridge.flows.sync.reader import PATHS
from txbridge.settings import Settings
from txbridge.store import Connection, Database, SyncResource
from txbridge.store.models import WebhookInboxEvent, utcnow
from txbridge.tripletex import Tripletex, TripletexError

#: Ids per ``GET /{resource}?id=…`` (a URL stays short; Tripletex pages at 1000 anyway).
FETCH_CHUNK = 100
#: Events taken per run; the job runs again for the rest.
RUN_LIMIT = 5000
IGNORED = "ignored"
RESOURCES: Mapping[str, SyncResource] = {r.value: r for r in SyncResource}


@dataclass
class InboxResult:
    events: int = 0
    objects: int = 0
    api_calls: int = 0
    #: How the objects went, by :class:`ApplyAction` value (plus ``ignored`` for other events).
    outcomes: dict[str, int] = field(default_factory=dict)
    #: Pending events left for the next run (over :data:`RUN_LIMIT`).
    left: int = 0


@dataclass(frozen=True, slots=True)
class _Pending:
    ids: list[int]
    resource: SyncResource | None
    object_id: int | None
    deleted: bool


def pending_count(db: Database, connection_id: int) -> int:
    with db.reading() as session:
        return len(
            session.scalars(
                select(WebhookInboxEvent.id).where(
                    WebhookInboxEvent.connection_id == connection_id, WebhookInboxEvent.processed_at.is_(None)
                )
            ).all()
        )


def _pending(db: Database, connection_id: int, limit: int) -> tuple[list[_Pending], int, int]:
    """Pending events grouped by object, in order of their first arrival; and how many were left."""
    with db.reading() as session:
        rows = session.execute(
            select(WebhookInboxEvent.id, WebhookInboxEvent.event, WebhookInboxEvent.object_id)
            .where(WebhookInboxEvent.connection_id == connection_id, WebhookInboxEvent.processed_at.is_(None))
            .order_by(WebhookInboxEvent.id)
            .limit(limit + 1)
        ).all()
    left = max(0, len(rows) - limit)
    rows = rows[:limit]
    groups: dict[tuple[SyncResource | None, int | None], list[tuple[int, str]]] = {}
    for event_id, event, object_id in rows:
        subject, _, verb = event.partition(".")
        resource = RESOURCES.get(subject) if object_id is not None else None
        groups.setdefault((resource, object_id if resource else event_id), []).append((event_id, verb))
    out = [
        _Pending(
            [i for i, _ in events],
            resource,
            object_id if resource else None,
            any(v == "delete" for _, v in events),
        )
        for (resource, object_id), events in groups.items()
    ]
    return out, len(rows), left


def fetch_current(client: Tripletex, resource: SyncResource, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """The objects as they are now, by id; an id missing from the answer no longer exists."""
    found: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ids), FETCH_CHUNK):
        chunk = list(ids[start : start + FETCH_CHUNK])
        answer = client.request(
            "GET",
            PATHS[resource],
            params={
                "id": ",".join(str(i) for i in chunk),
                "fields": TRIPLETEX_FIELDS[resource],
                "count": len(chunk),
            },
        )
        for value in (answer or {}).get("values") or []:
            found[int(value["id"])] = value
    return found


def process_inbox(
    db: Database,
    settings: Settings,
    connection_id: int,
    *,
    client: Tripletex | None = None,
    transport: httpx.BaseTransport | None = None,
    limit: int = RUN_LIMIT,
) -> InboxResult:
    """Fetch and apply what the pending events of a connection name (see the module). A failure to
    fetch raises :class:`SyncError` with the events still pending (the job retries; the nightly
    reconcile repairs in any case)."""
    groups, events, left = _pending(db, connection_id, limit)
    result = InboxResult(events=events, left=left)
    if not groups:
        return result
    with connection_client(db, settings, connection_id, client, transport) as (connection, api):
        _process(db, connection, api, groups, result)
    result.objects = sum(result.outcomes.values())
    return result


@contextlib.contextmanager
def connection_client(
    db: Database,
    settings: Settings,
    connection_id: int,
    client: Tripletex | None,
    transport: httpx.BaseTransport | None,
) -> Iterator[tuple[Connection, Tripletex]]:
    """The connection (detached, readable) and the client to use: the caller's, or one made here and
    closed after."""
    with db.reading() as session:
        connection = session.get(Connection, connection_id)
        if connection is None:
            raise SyncError(render("connection_not_found", connection=connection_id))
        session.expunge(connection)  # before the read-only session ends: stays readable
    api = client or connections.client_for(connection, settings, transport=transport)
    try:
        yield connection, api
    finally:
        if client is None:
            api.close()


def api_calls(api: Tripletex) -> int:
    """Calls to the API itself so far (a session token made on the way is not one)."""
    return api.stats.calls - api.stats.sessions_created


def _process(
    db: Database, connection: Connection, api: Tripletex, groups: list[_Pending], result: InboxResult
) -> None:
    connection_id = connection.id
    calls_before = api_calls(api)
    try:
        for resource in SyncResource:
            mine = [g for g in groups if g.resource is resource]
            wanted = [g.object_id for g in mine if not g.deleted and g.object_id is not None]
            try:
                current = fetch_current(api, resource, wanted)
            except (TripletexError, httpx.HTTPError) as exc:
                _failed(db, [i for g in mine for i in g.ids])
                reason = connections.message_for_error(exc, connection.base_url)
                first = mine[0]
                raise SyncError(
                    render(
                        "webhook_event_failed",
                        event=f"{resource.value}.*",
                        object=first.object_id,
                        reason=Bilingual(reason.nb, reason.en),
                    )
                ) from None
            for group in mine:
                assert group.object_id is not None
                obj = None if group.deleted else current.get(group.object_id)
                with db.transaction() as session:
                    outcome = apply_in(session, connection_id, resource, group.object_id, obj)
                    _done(session, group.ids, outcome.action.value)
                _count(result, outcome.action.value)
        for group in groups:
            if group.resource is None:  # an event we do not sync (subscribed by someone else)
                with db.transaction() as session:
                    _done(session, group.ids, IGNORED)
                _count(result, IGNORED)
    finally:
        result.api_calls = api_calls(api) - calls_before


def _count(result: InboxResult, outcome: str) -> None:
    result.outcomes[outcome] = result.outcomes.get(outcome, 0) + 1


def _done(session: Session, ids: Iterable[int], outcome: str) -> None:
    now = utcnow()
    for row in session.scalars(select(WebhookInboxEvent).where(WebhookInboxEvent.id.in_(list(ids)))):
        if row.processed_at is None:
            row.processed_at, row.outcome = now, outcome
            row.attempts += 1


def _failed(db: Database, ids: list[int]) -> None:
    with db.transaction() as session:
        for row in session.scalars(select(WebhookInboxEvent).where(WebhookInboxEvent.id.in_(ids))):
            row.attempts += 1
            row.error_id = "webhook_event_failed"


__all__ = ["ApplyAction", "InboxResult", "fetch_current", "pending_count", "process_inbox"]
