"""The two-way sync through the REST API: the host's customers, employees and projects in (with its
own ids; created, changed, deleted), the change feed out (a cursor), the sync log and held matches."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from txbridge.catalog import Bilingual, render
from txbridge.flows.sync import changes_after, receive
from txbridge.flows.sync.fields import FIELDS
from txbridge.flows.views.sync import list_held, list_sync_log
from txbridge.store import SyncDirection, SyncOutcome, SyncResource
from txbridge.web.api.v1.deps import ConnectionId, IntakeKey, Language, ReadKey
from txbridge.web.api.v1.idempotent import IDEMPOTENT, Answer, run_once
from txbridge.web.api.v1.problems import ApiProblem
from txbridge.web.api.v1.schemas import MessagePublic, PagePublic, _Schema
from txbridge.web.deps import Db

router = APIRouter(tags=["sync"])

#: Objects per call, as for the other host data.
MAX_ITEMS = 1000
MAX_BODY_BYTES = 32 * 1024 * 1024
SEGMENTS = {
    "customers": SyncResource.CUSTOMER,
    "employees": SyncResource.EMPLOYEE,
    "projects": SyncResource.PROJECT,
}


ItemStatus = Literal["created", "changed", "unchanged", "deleted", "rejected"]


class SyncItemResultPublic(_Schema):
    index: int
    host_id: str | None
    status: ItemStatus
    problem: MessagePublic | None = None


class SyncResultPublic(_Schema):
    resource: SyncResource
    items: list[SyncItemResultPublic]


class ChangePublic(_Schema):
    seq: int
    resource: SyncResource
    action: Literal["created", "changed", "deleted"]
    tripletex_id: int
    host_id: str | None
    tripletex_version: int | None
    data: dict[str, Any] | None
    at: str


class ChangesPublic(_Schema):
    changes: list[ChangePublic]
    #: Send this as ``after`` next time (the same value when nothing changed).
    next_after: int


class SyncLogEntryPublic(_Schema):
    id: int
    at: str
    resource: SyncResource
    direction: SyncDirection
    outcome: SyncOutcome
    host_id: str | None
    host_name: str | None
    tripletex_id: int | None
    tripletex_name: str | None
    rule: str
    message: MessagePublic


class HeldMatchPublic(_Schema):
    id: int
    resource: SyncResource
    host_id: str | None
    name: str | None
    rule: str
    candidates: list[dict[str, Any]]


def _items(body: bytes) -> list[Any]:
    if len(body) > MAX_BODY_BYTES:
        reason = Bilingual(f"er over {MAX_BODY_BYTES} byte", f"is over {MAX_BODY_BYTES} bytes")
        raise ApiProblem(render("api_request_invalid", field="body", reason=reason), 413)
    try:
        items = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        items = None
    if not isinstance(items, list):
        reason = Bilingual("må være en JSON-liste av objekter", "must be a JSON array of objects")
        raise ApiProblem(render("api_request_invalid", field="body", reason=reason), 400)
    if len(items) > MAX_ITEMS:
        raise ApiProblem(render("api_too_many_items", count=len(items), limit=MAX_ITEMS), 413)
    return items


def _route(segment: str, resource: SyncResource) -> None:
    properties: dict[str, Any] = {
        "host_id": {"type": "string", "maxLength": 100},
        "tripletex_id": {"type": "integer"},
        "deleted": {"type": "boolean"},
    }
    properties.update({spec.name: {} for spec in FIELDS[resource]})

    async def post_objects(
        request: Request, db: Db, key: IntakeKey, connection_id: ConnectionId, language: Language
    ) -> Response:
        body = await request.body()

        def handle() -> Answer:
            items = _items(body)
            results: list[SyncItemResultPublic | None] = [None] * len(items)
            objects: list[tuple[int, dict[str, Any]]] = []
            for index, item in enumerate(items):
                if isinstance(item, dict):
                    objects.append((index, item))
                else:
                    reason = Bilingual("er ikke et objekt", "is not an object")
                    message = render(
                        "sync_field_invalid", object=f"{resource.value} [{index}]", field="-", reason=reason
                    )
                    results[index] = SyncItemResultPublic(
                        index=index,
                        host_id=None,
                        status="rejected",
                        problem=MessagePublic.of(message, language),
                    )
            outcome = receive(db, connection_id, resource, [o for _i, o in objects])
            status_of: dict[str, ItemStatus] = {}
            status_of.update({h: "created" for h in outcome.created})
            status_of.update({h: "changed" for h in outcome.changed})
            status_of.update({h: "unchanged" for h in outcome.unchanged})
            status_of.update({h: "deleted" for h in outcome.deleted})
            refused = {r.host_id: r.message for r in outcome.refused}
            for index, item in objects:
                host_id = str(item.get("host_id") or item.get("id") or "").strip() or None
                status = status_of.get(host_id or "")
                if host_id not in refused and status is not None:
                    results[index] = SyncItemResultPublic(index=index, host_id=host_id, status=status)
                else:
                    problem = refused.get(host_id or "?")
                    results[index] = SyncItemResultPublic(
                        index=index,
                        host_id=host_id,
                        status="rejected",
                        problem=MessagePublic.of(problem, language),
                    )
            return 200, SyncResultPublic(resource=resource, items=[r for r in results if r is not None])

        return await run_once(request, db, key, body, handle)

    post_objects.__name__ = f"post_sync_{segment}"
    router.add_api_route(
        f"/connections/{{connection_id}}/sync/{segment}",
        post_objects,
        methods=["POST"],
        summary=f"Send the host's {segment} to the sync (at most {MAX_ITEMS} per call)",
        description=(
            f"A JSON array of {segment}, each with the host's own `host_id`. A field left out is "
            "unchanged; null clears it. `deleted: true` deletes; `tripletex_id` links an object the host "
            "created from the change feed. Each item is accepted or rejected with its catalog message."
        ),
        response_model=SyncResultPublic,
        operation_id=f"post_sync_{segment}",
        openapi_extra={
            **IDEMPOTENT,
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "array",
                            "maxItems": MAX_ITEMS,
                            "items": {"type": "object", "properties": properties, "required": ["host_id"]},
                        }
                    }
                },
            },
        },
    )


for _segment, _resource in SEGMENTS.items():
    _route(_segment, _resource)


@router.get("/connections/{connection_id}/changes", response_model=ChangesPublic)
def get_changes(
    db: Db,
    key: ReadKey,
    connection_id: ConnectionId,
    after: Annotated[int, Query(ge=0, description="The last `seq` the host handled (0 at first).")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    resource: SyncResource | None = None,
) -> ChangesPublic:
    """What changed in Tripletex after the cursor, oldest first (the change feed)."""
    found = changes_after(db, connection_id, after, limit=limit, resource=resource)
    return ChangesPublic(
        changes=[ChangePublic.model_validate(c.as_json()) for c in found],
        next_after=found[-1].seq if found else after,
    )


@router.get("/connections/{connection_id}/sync/log", response_model=PagePublic[SyncLogEntryPublic])
def get_sync_log(
    db: Db,
    key: ReadKey,
    connection_id: ConnectionId,
    language: Language,
    resource: SyncResource | None = None,
    direction: SyncDirection | None = None,
    rule: str | None = None,
    outcome: SyncOutcome | None = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> PagePublic[SyncLogEntryPublic]:
    """Every object that did not sync, or synced with a conflict resolved, newest first."""
    page = list_sync_log(
        db,
        connection_id=connection_id,
        resource=resource,
        direction=direction,
        rule=rule,
        outcome=outcome,
        offset=offset,
        limit=limit,
    )
    items = []
    for row in page.items:
        message = MessagePublic.of(row.message, language)
        assert message is not None
        items.append(
            SyncLogEntryPublic(
                id=row.id,
                at=row.at.isoformat(),
                resource=row.resource,
                direction=row.direction,
                outcome=row.outcome,
                host_id=row.host_id,
                host_name=row.host_name,
                tripletex_id=row.tripletex_id,
                tripletex_name=row.tripletex_name,
                rule=row.rule,
                message=message,
            )
        )
    return PagePublic[SyncLogEntryPublic](items=items, total=page.total, offset=page.offset, limit=page.limit)


@router.get("/connections/{connection_id}/sync/held", response_model=list[HeldMatchPublic])
def get_held(db: Db, key: ReadKey, connection_id: ConnectionId) -> list[HeldMatchPublic]:
    """Matches waiting for a person's decision (decided with `txbridge sync decide`)."""
    return [
        HeldMatchPublic(
            id=h.id, resource=h.resource, host_id=h.host_id, name=h.name, rule=h.rule, candidates=h.candidates
        )
        for h in list_held(db, connection_id)
    ]
