"""Events and webhook subscriptions: `GET /event`, `GET /event/{eventType}` and `event/subscription`
CRUD (one and lists). Deliveries are sent by :mod:`txbridge.sandbox.webhooks`.

`authHeaderValue` and `hmacSharedSecret` are write-only: stored under private keys, never rendered.
Tripletex demands an absolute HTTPS target URL; the sandbox also accepts plain HTTP to loopback hosts,
so tests can receive callbacks locally.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import APIRouter, Query, Response

from txbridge.sandbox import crud, errors, webhooks
from txbridge.sandbox.context import Ctx, CtxDep, TxJSONResponse, id_list
from txbridge.sandbox.data import EVENT_TYPES, EventTypeData
from txbridge.sandbox.query import parse_fields
from txbridge.sandbox.state import Row

router = APIRouter()
SCHEMA = webhooks.SUBSCRIPTION_SCHEMA
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
CLIENT_STATUSES = (webhooks.ACTIVE, "DISABLED")
_EVENTS: dict[str, EventTypeData] = {e.name: e for e in EVENT_TYPES}


def _check_target(url: object) -> None:
    if not url:
        raise errors.validation("targetUrl", crud.REQUIRED, errors.VALUE_VALIDATION)
    parts = urlsplit(str(url))
    if not parts.scheme or not parts.hostname:
        raise errors.validation("targetUrl", "Må være en absolutt URL. Must be an absolute URL.")
    if parts.scheme != "https" and not (parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS):
        raise errors.validation("targetUrl", "Må bruke HTTPS. Must use HTTPS.")


def _apply(ctx: Ctx, row: Row, body: Row) -> Row:
    """Validate a (partial) subscription body and move write-only fields to private keys."""
    changes = dict(body)
    # Both required fields are named at once, as Tripletex reports a request's nulls (public logs of
    # real answers, 2026-03: POST /ledger/voucher without postings → 18000, «Kan ikke være null.»).
    missing = [
        errors.ValidationMessage(name, "Kan ikke være null.")
        for name in ("event", "targetUrl")
        if (name in changes or name not in row) and not changes.get(name)
    ]
    if missing:
        raise errors.TripletexError(422, 18000, "Validering feilet.", "VALIDATION_ERROR", missing)
    if "event" in changes or "event" not in row:
        event = changes.get("event")
        if event not in _EVENTS:
            raise errors.validation("event", f"Ukjent hendelse / unknown event: {event}. See GET /event.")
    if "targetUrl" in changes or "targetUrl" not in row:
        _check_target(changes.get("targetUrl"))
    status = changes.get("status")
    if status is not None and status not in CLIENT_STATUSES:
        raise errors.validation(
            "status",
            f"Status kan bare settes til {' eller '.join(CLIENT_STATUSES)}. Only ACTIVE or DISABLED.",
        )
    if status == webhooks.ACTIVE:
        changes[webhooks.FAILURES_KEY] = 0  # re-enabling forgets earlier failures
        changes[webhooks.RATE_LIMITED_KEY] = 0
    if "authHeaderValue" in changes:
        changes[webhooks.AUTH_VALUE_KEY] = changes.pop("authHeaderValue")
    if "hmacSharedSecret" in changes:
        changes[webhooks.SECRET_KEY] = changes.pop("hmacSharedSecret")
    if "fields" in changes:
        ctx.renderer.check(
            _EVENTS[str(changes.get("event", row.get("event")))].payload_model,
            parse_fields(str(changes["fields"])),
        )
    return changes


def _create(ctx: Ctx, body: Row) -> Row:
    webhooks.dispatcher_for(ctx.state)  # deliveries start with the first subscription
    changes = _apply(ctx, {}, body)
    row: Row = {"fields": "", "status": webhooks.ACTIVE, "authHeaderName": "", **changes}
    return ctx.insert(SCHEMA, row)


def _update(ctx: Ctx, object_id: int, body: Row) -> Row:
    row = ctx.get(SCHEMA, object_id)
    return ctx.update(SCHEMA, row, _apply(ctx, row, body))


# Subscriptions themselves send no events; `_apply` is also the check `PUT /list` runs before updating.
SUBSCRIPTIONS = crud.Resource(SCHEMA, _create, _update, check_change=_apply)


@router.get("/event")
async def event_types(ctx: CtxDep) -> Response:
    value = {e.name: {"description": e.description} for e in EVENT_TYPES}
    return TxJSONResponse({"value": value})


@router.get("/event/subscription")
async def search(ctx: CtxDep) -> Response:
    return ctx.listing(list(ctx.company.table(SCHEMA).values()), SCHEMA)


@router.post("/event/subscription")
async def create(ctx: CtxDep) -> Response:
    return await SUBSCRIPTIONS.create_one(ctx)


@router.post("/event/subscription/list")
async def create_list(ctx: CtxDep) -> Response:
    return await SUBSCRIPTIONS.create_list(ctx)


@router.put("/event/subscription/list")
async def update_list(ctx: CtxDep) -> Response:
    return await SUBSCRIPTIONS.update_list(ctx)


@router.delete("/event/subscription/list")
async def delete_by_ids(ctx: CtxDep, ids: str = Query()) -> Response:
    return SUBSCRIPTIONS.delete_all(ctx, sorted(id_list(ids) or set()))


@router.get("/event/subscription/{id}")
async def get(id: int, ctx: CtxDep) -> Response:
    return SUBSCRIPTIONS.get_one(ctx, id)


@router.put("/event/subscription/{id}")
async def update(id: int, ctx: CtxDep) -> Response:
    return await SUBSCRIPTIONS.update_one(ctx, id)


@router.delete("/event/subscription/{id}")
async def delete(id: int, ctx: CtxDep) -> Response:
    return SUBSCRIPTIONS.delete_all(ctx, [id])


@router.get("/event/{eventType}")
async def event_info(eventType: str, ctx: CtxDep) -> Response:
    event = _EVENTS.get(eventType)
    if event is None:
        raise errors.not_found("event", eventType)
    example = {
        "subscriptionId": 0,
        "event": event.name,
        "id": 0,
        "value": None if event.verb == "delete" else {},
    }
    value = {"name": event.name, "description": event.description, "payloadModel": event.payload_model}
    tree = parse_fields(ctx.request.query_params.get("fields"))
    ctx.renderer.check("EventInfo", tree)
    out = ctx.renderer.render(value, "EventInfo", tree)
    if "*" in tree or "examples" in tree:
        out["examples"] = [example]  # shown whole: a webhook envelope is not a stored object
    return TxJSONResponse({"value": out})
