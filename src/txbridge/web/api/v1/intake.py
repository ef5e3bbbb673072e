"""Host data in: customers, product classes, products and invoices as JSON arrays, through the same
reader and validation as the file import (:mod:`txbridge.flows.intake`), one result per item."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel

from txbridge.catalog import Bilingual, Message, render
from txbridge.flows.intake import (
    CustomerIn,
    DaySaleIn,
    HoursIn,
    ImportReport,
    InvoiceIn,
    ProductClassIn,
    ProductIn,
    import_data,
)
from txbridge.flows.intake.files import IntakeFileError, decode, parse_json
from txbridge.web.api.v1.deps import ConnectionId, IntakeKey, Language
from txbridge.web.api.v1.idempotent import IDEMPOTENT, Answer, run_once
from txbridge.web.api.v1.problems import ApiProblem
from txbridge.web.api.v1.schemas import IntakeResultPublic, ItemProblemPublic, ItemResultPublic, MessagePublic
from txbridge.web.deps import Db

router = APIRouter(tags=["host data"])

#: Items per call: one answer stays small and one call short.
MAX_ITEMS = 1000
#: Bytes per call: 1,000 invoices of a few lines each fit many times over.
MAX_BODY_BYTES = 32 * 1024 * 1024
_ITEM_INDEX = re.compile(r"^\w+\[(\d+)\]")

#: Path segment → (intake kind, the intake's Create schema, the item's key field).
RESOURCES: dict[str, tuple[str, type[BaseModel], str]] = {
    "product-classes": ("productClasses", ProductClassIn, "code"),
    "customers": ("customers", CustomerIn, "number"),
    "products": ("products", ProductIn, "number"),
    "invoices": ("invoices", InvoiceIn, "number"),
    "day-sales": ("daySales", DaySaleIn, "hostId"),
    "hours": ("hours", HoursIn, "id"),
}


def _too_big() -> Message:
    reason = Bilingual(f"er over {MAX_BODY_BYTES} byte", f"is over {MAX_BODY_BYTES} bytes")
    return render("api_request_invalid", field="body", reason=reason)


def _source(language: str) -> str:
    return "request body" if language == "en" else "forespørselen"


def read_items(body: bytes, kind: str, language: str) -> list[dict[str, Any]]:
    """The body's items, read as the file import reads a JSON file (exact decimals, depth limit,
    non-objects kept for a per-item rejection). The body must be a JSON array."""
    source = _source(language)
    if len(body) > MAX_BODY_BYTES:
        raise ApiProblem(_too_big(), 413)
    try:
        text, _encoding = decode(body, source)
        if not text.lstrip().startswith("["):
            reason = Bilingual("må være en JSON-liste av elementer", "must be a JSON array of items")
            raise ApiProblem(render("api_request_invalid", field="body", reason=reason), 400)
        items = parse_json(text, source, kind)[kind]
    except IntakeFileError as error:
        raise ApiProblem(error.message, 400) from None
    if len(items) > MAX_ITEMS:
        raise ApiProblem(render("api_too_many_items", count=len(items), limit=MAX_ITEMS), 413)
    return items


def results(
    kind: str, key_field: str, items: list[dict[str, Any]], report: ImportReport, language: str
) -> IntakeResultPublic:
    """One result per item, in the order sent."""
    problems: dict[int, list[ItemProblemPublic]] = defaultdict(list)
    for rejection in report.rejections_of(kind):
        found = _ITEM_INDEX.match(rejection.item)
        if found is not None:
            message = MessagePublic.of(rejection.message, language)
            assert message is not None
            problems[int(found.group(1))].append(ItemProblemPublic(field=rejection.field, message=message))
    counts = report.counts[kind]
    return IntakeResultPublic(
        kind=kind,
        accepted=counts.accepted,
        rejected=counts.rejected,
        created=counts.created,
        updated=counts.updated,
        unchanged=counts.unchanged,
        items=[
            ItemResultPublic(
                index=index,
                key=_key(item, key_field),
                status="rejected" if index in problems else "accepted",
                problems=problems.get(index, []),
            )
            for index, item in enumerate(items)
        ],
    )


def _key(item: Mapping[str, Any], key_field: str) -> str | None:
    value = item.get(key_field)
    return None if value is None or isinstance(value, (dict, list)) else str(value)[:100]


def _route(segment: str, kind: str, schema: type[BaseModel], key_field: str) -> None:
    item_schema = schema.model_json_schema(by_alias=True, ref_template="#/components/schemas/{model}")
    definitions = item_schema.pop("$defs", {})

    async def post_items(
        request: Request, db: Db, key: IntakeKey, connection_id: ConnectionId, language: Language
    ) -> Response:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            # Refused before reading: a huge body must not fill the memory first.
            raise ApiProblem(_too_big(), 413)
        body = await request.body()

        def handle() -> Answer:
            items = read_items(body, kind, language)
            report = import_data(db, connection_id, {kind: items})
            return 200, results(kind, key_field, items, report, language)

        return await run_once(request, db, key, body, handle)

    post_items.__name__ = f"post_{kind}"
    router.add_api_route(
        f"/connections/{{connection_id}}/{segment}",
        post_items,
        methods=["POST"],
        summary=f"Send {segment.replace('-', ' ')} (at most {MAX_ITEMS} per call)",
        description=(
            f"A JSON array of {segment.replace('-', ' ')}, validated as the file import validates them. "
            "Each item is accepted (created, updated or unchanged) or rejected with its catalog message; "
            "the rest go on. Re-sending an item updates it by its number."
        ),
        response_model=IntakeResultPublic,
        operation_id=f"post_{kind}",
        openapi_extra={
            **IDEMPOTENT,
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {"type": "array", "maxItems": MAX_ITEMS, "items": {"$ref": _ref(schema)}}
                    }
                },
            },
            "x-schemas": {schema.__name__: item_schema, **definitions},
        },
    )


def _ref(schema: type[BaseModel]) -> str:
    return f"#/components/schemas/{schema.__name__}"


for _segment, (_kind, _schema, _key_field) in RESOURCES.items():
    _route(_segment, _kind, _schema, _key_field)
