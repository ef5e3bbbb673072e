"""The per-request toolkit every resource route uses: ``ctx: Ctx = Depends(get_ctx)``.

It knows the caller's company, reads and checks JSON bodies against the spec's schema (unknown field →
422/16000 naming it; read-only fields dropped), stamps versions, and answers Tripletex envelopes with
`fields`, `sorting`, `from`/`count`, `versionDigest` and 304.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi.responses import JSONResponse

from txbridge.sandbox import errors
from txbridge.sandbox.middleware import RequestAuth
from txbridge.sandbox.query import (
    Renderer,
    apply_sorting,
    filter_changed_since,
    parse_fields,
    parse_sorting,
    version_digest,
)
from txbridge.sandbox.spec_index import Prop, SpecIndex
from txbridge.sandbox.state import CompanyState, Row, SandboxState, Session

DEFAULT_COUNT = 1000

_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "integer": (int,),
    "number": (int, float),
    "string": (str,),
    "boolean": (bool,),
    "object": (dict,),
    "array": (list,),
}


class TxJSONResponse(JSONResponse):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class Ctx:
    """Request context for a route of an authenticated company."""

    __slots__ = ("auth", "company", "index", "renderer", "request", "session", "state")

    def __init__(self, request: Request) -> None:
        self.request = request
        self.state: SandboxState = request.app.state.sandbox
        self.index: SpecIndex = request.app.state.spec_index
        auth: RequestAuth = request.state.tx
        self.auth = auth
        if auth.company is None or auth.session is None:
            raise errors.authentication("No authenticated company for this request.")
        self.company: CompanyState = auth.company
        self.session: Session = auth.session
        host = request.headers.get("host", "localhost")
        self.renderer = Renderer(self.index, self.company, f"{host}/v2")

    # --- time -------------------------------------------------------------------------------
    def now(self) -> datetime:
        return self.state.clock.now()

    def today(self) -> date:
        return self.state.clock.today_oslo()

    # --- bodies -----------------------------------------------------------------------------
    async def json(self) -> Any:
        raw = await self.request.body()
        try:
            return json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise errors.TripletexError(
                422, 22000, "Ugyldig JSON. Invalid JSON.", f"Request body is not valid JSON: {exc}"
            ) from None

    async def body(self, schema: str) -> Row:
        data = await self.json()
        if not isinstance(data, dict):
            raise errors.validation(
                None, f"Forventet et JSON-objekt ({schema}). Expected an object.", errors.MAPPING
            )
        return self.check_body(data, schema)

    async def body_list(self, schema: str, *, max_items: int | None = None) -> list[Row]:
        data = await self.json()
        if not isinstance(data, list):
            raise errors.validation(
                None, f"Forventet en JSON-liste ({schema}). Expected an array.", errors.MAPPING
            )
        if max_items is not None and len(data) > max_items:
            raise errors.validation(
                None, f"Maks {max_items} objekter per kall. At most {max_items} objects per call."
            )
        out = []
        for item in data:
            if not isinstance(item, dict):
                raise errors.validation(
                    None, "Forventet objekter i listen. Expected objects.", errors.MAPPING
                )
            out.append(self.check_body(item, schema))
        return out

    def check_body(self, data: Row, schema: str, prefix: str = "") -> Row:
        """Known fields only (422/16000 names the first unknown one); read-only fields dropped."""
        props = self.index.schemas[schema].props
        clean: Row = {}
        for key, value in data.items():
            prop = props.get(key)
            field_name = prefix + key
            if prop is None:
                # As Tripletex: the bare name in `field`, path null (public logs, 2026-03:
                # {"field":"isDayTrip","message":"Feltet eksisterer ikke i objektet.","path":null}).
                raise errors.TripletexError(
                    422,
                    16000,
                    "Request mapping failed",
                    f'Unrecognized field "{field_name}" in {schema}',
                    [errors.ValidationMessage(key, "Feltet eksisterer ikke i objektet.")],
                )
            if prop.read_only or value is None:
                continue
            clean[key] = self._check_value(prop, value, field_name)
        return clean

    def _check_value(self, prop: Prop, value: Any, field_name: str) -> Any:
        if prop.is_array:
            if not isinstance(value, list):
                raise _mapping(field_name, "array")
            if prop.ref is not None:
                return [self._check_nested(prop.ref, item, f"{field_name}") for item in value]
            return value
        if prop.ref is not None:
            return self._check_nested(prop.ref, value, field_name)
        return coerce(prop.type, value, field_name)

    def _check_nested(self, schema: str, value: Any, field_name: str) -> Any:
        if not isinstance(value, dict):
            raise _mapping(field_name, "object")
        return self.check_body(value, schema, prefix=field_name + ".")

    # --- rows -------------------------------------------------------------------------------
    def insert(self, schema: str, row: Row) -> Row:
        row.pop("id", None)
        row.pop("version", None)
        new: Row = {"id": self.state.new_id(), "version": 0}
        new.update(row)
        new["_changed"] = _naive_utc(self.now())
        self.company.table(schema)[new["id"]] = new
        self.adopt_children(schema, new)
        return new

    def adopt_children(self, schema: str, row: Row) -> None:
        """Create the inline children sent without an id (``POST /employee`` with
        ``employments: [{startDate}]``) and keep references to them, as Tripletex does; items with
        an id stay references. Generic over the spec, so every emulated parent gets it."""
        for name, child, back in self.index.schemas[schema].children:
            items = row.get(name)
            if not isinstance(items, list):
                continue
            refs: list[Row] = []
            for item in items:
                if isinstance(item, dict) and isinstance(item.get("id"), int):
                    refs.append({"id": item["id"]})
                elif isinstance(item, dict):
                    stored = self.insert(child, {**item, back: {"id": row["id"]}})
                    refs.append({"id": stored["id"]})
            row[name] = refs

    def get(self, schema: str, object_id: int, what: str | None = None) -> Row:
        row = self.company.table(schema).get(object_id)
        if row is None:
            raise errors.not_found(what or schema, object_id)
        return row

    def ref(self, schema: str, value: Any, field_name: str) -> Row | None:
        """The stored row a body reference ``{"id": …}`` points to; 422 naming the field if missing."""
        if value is None:
            return None
        object_id = value.get("id") if isinstance(value, dict) else None
        if not isinstance(object_id, int):
            raise errors.validation(field_name, "Mangler id. The reference needs an id.")
        row = self.company.table(schema).get(object_id)
        if row is None:
            raise errors.validation(field_name, f"Objektet finnes ikke / not found: {schema} {object_id}.")
        return row

    def update(self, schema: str, row: Row, changes: Row) -> Row:
        """Apply a partial update; a sent ``version`` must be the current one (409/8000)."""
        sent = changes.pop("version", None)
        changes.pop("id", None)
        if sent is not None and sent != row["version"]:
            raise errors.stale_version(schema, row["id"], sent, row["version"])
        row.update(changes)
        self.adopt_children(schema, row)
        self.touch(row)
        return row

    def touch(self, row: Row) -> None:
        row["version"] = row.get("version", 0) + 1
        row["_changed"] = _naive_utc(self.now())

    def emit(self, event: str, schema: str, row: Row | None, object_id: int | None = None) -> None:
        if not self.state.event_listeners:
            return
        value = self.renderer.render(row, schema, {"*": None}) if row is not None else None
        self.state.emit(
            self.company, event, object_id if object_id is not None else row["id"] if row else 0, value
        )

    # --- answers ----------------------------------------------------------------------------
    def single(self, row: Row, schema: str, status: int = 200) -> Response:
        tree = parse_fields(self.request.query_params.get("fields"))
        self.renderer.check(schema, tree)
        return TxJSONResponse({"value": self.renderer.render(row, schema, tree)}, status_code=status)

    def listing(self, rows: Iterable[Row], schema: str, *, changed_since: bool = False) -> Response:
        """The list envelope: filter `changedSince` (only where the spec has it: the caller says so;
        elsewhere Tripletex ignores the parameter, as any unknown one), sort, refuse > 10,000,
        digest/304, page."""
        params = self.request.query_params
        tree = parse_fields(params.get("fields"))
        self.renderer.check(schema, tree)
        if changed_since:
            rows = filter_changed_since(rows, params.get("changedSince"))
        selected = list(rows)
        # A company may have its own limit (``/_sandbox/companies/{id}/limits``) to show windows small.
        limit = int(self.company.extra.get("max_result_size") or self.state.max_result_size)
        if len(selected) > limit:
            raise errors.TripletexError(
                422,
                23000,
                "Resultatet er for stort; avgrens søket. The result set is too large; narrow the search.",
                f"Result set too large: {len(selected)} rows (max {limit}).",
            )
        sorting = parse_sorting(params.get("sorting"), self.index, schema)
        if sorting:
            apply_sorting(selected, sorting, self.renderer, schema)
        start = _int_param(params.get("from"), "from", 0)
        count = _int_param(params.get("count"), "count", DEFAULT_COUNT)
        page = selected[start : start + count]
        digest = version_digest(selected, f"{params.get('fields')}|{params.get('sorting')}|{start}|{count}")
        if selected and self.request.headers.get("if-none-match", "").strip('"') == digest:
            return Response(status_code=304, headers={"ETag": digest})
        body: Row = {
            "fullResultSize": len(selected),
            "from": start,
            "count": len(page),
            "versionDigest": digest if selected else None,  # the spec: «null if no result»
        }
        body["values"] = [self.renderer.render(r, schema, tree) for r in page]
        return TxJSONResponse(body)

    def created_list(self, rows: list[Row], schema: str, status: int = 201) -> Response:
        tree = parse_fields(self.request.query_params.get("fields"))
        values = [self.renderer.render(r, schema, tree) for r in rows]
        return TxJSONResponse(
            {
                "fullResultSize": len(values),
                "from": 0,
                "count": len(values),
                "versionDigest": None,
                "values": values,
            },
            status_code=status,
        )


_NUMBER_TEXT = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_INTEGER_TEXT = re.compile(r"[+-]?\d+")


def coerce(kind: str | None, value: Any, field_name: str) -> Any:
    """A JSON value for a scalar property, read as Tripletex's parser (Jackson, default settings)
    reads it: a number may come as text (``"100.50"``), an integer as text (``"14"``) or with a
    fraction (truncated, Jackson's ACCEPT_FLOAT_AS_INT), a text field may get a number or a boolean
    (``organizationNumber: 123456789``), a flag may come as ``"true"``/``"false"`` or 0/1; anything
    else (an object or list for a scalar, text that is not a number) is a mapping error, 422/16000.
    """
    if kind == "string":
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return str(value)
        raise _mapping(field_name, kind)
    if kind in ("integer", "number"):
        if isinstance(value, bool | dict | list):
            raise _mapping(field_name, kind)
        if isinstance(value, str):
            text = value.strip()
            pattern = _INTEGER_TEXT if kind == "integer" else _NUMBER_TEXT
            if not pattern.fullmatch(text):
                raise _mapping(field_name, kind)
            value = int(text) if kind == "integer" else float(text)
        if kind == "integer" and isinstance(value, float):
            return int(value)
        return value
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        if isinstance(value, int) and not isinstance(value, bool):
            return value != 0
        raise _mapping(field_name, kind)
    expected = _JSON_TYPES.get(kind or "")
    if expected is not None and not isinstance(value, expected):
        raise _mapping(field_name, kind or "value")
    return value


def get_ctx(request: Request) -> Ctx:
    return Ctx(request)


def _mapping(field_name: str, expected: str) -> errors.TripletexError:
    # Tripletex: 422/16000 «Request mapping failed», the field named in both `field` and `path`,
    # «Verdien er ikke av korrekt type for dette feltet.» (public logs of POST /employee/employment/
    # details with a text for an enum-typed field, 2026-03).
    return errors.TripletexError(
        422,
        16000,
        "Request mapping failed",
        f"Field {field_name} must be {expected}",
        [
            errors.ValidationMessage(
                field_name,
                "Verdien er ikke av korrekt type for dette feltet.",
                field_name,
            )
        ],
    )


def _int_param(text: str | None, name: str, default: int) -> int:
    if text is None or text == "":
        return default
    try:
        value = int(text)
    except ValueError:
        raise errors.validation(name, "Må være et heltall. Must be an integer.", errors.PARAM) from None
    if value < 0:
        raise errors.validation(name, "Kan ikke være negativ. Cannot be negative.", errors.PARAM)
    return value


def _naive_utc(when: datetime) -> datetime:
    return when.astimezone(UTC).replace(tzinfo=None)


def parse_date_param(text: str | None, name: str, *, required: bool = False) -> date | None:
    """Dates in query parameters; a missing required one is «Kan ikke være null.» (422/15000)."""
    if text is None or text == "":
        if required:
            raise errors.validation(name, "Kan ikke være null. Cannot be null.", errors.VALUE_VALIDATION)
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise errors.validation(name, "Ugyldig dato (YYYY-MM-DD). Invalid date.", errors.PARAM) from None


def parse_date_range(start: str | None, end: str | None, start_name: str, end_name: str) -> tuple[date, date]:
    """A required from/to pair of a search, both checked before answering: each missing one is named
    in one 422/15000 «Validation failed» with «Kan ikke være null.» per field, as Tripletex answers
    (public logs of real answers, 2026-03: GET /order without orderDateFrom and orderDateTo names
    both)."""
    missing = [name for name, text in ((start_name, start), (end_name, end)) if not text]
    if missing:
        raise errors.TripletexError(
            422,
            15000,
            "Validation failed",
            None,
            [errors.ValidationMessage(name, "Kan ikke være null.") for name in missing],
        )
    first = parse_date_param(start, start_name)
    last = parse_date_param(end, end_name)
    assert first is not None and last is not None
    return first, last


def in_range(value: str | None, start: date | None, end: date | None) -> bool:
    """From-inclusive, to-exclusive, as Tripletex's date ranges."""
    if value is None:
        return start is None and end is None
    day = date.fromisoformat(value[:10])
    return (start is None or day >= start) and (end is None or day < end)


def id_list(text: str | None) -> set[int] | None:
    """Tripletex's comma-separated id filters (``id=1,2,3``)."""
    if not text:
        return None
    out = set()
    for part in text.split(","):
        part = part.strip()
        if part:
            try:
                out.add(int(part))
            except ValueError:
                raise errors.validation("id", "Må være heltall. Must be integers.", errors.PARAM) from None
    return out


# Routes declare ``ctx: CtxDep`` to receive the request context.
CtxDep = Annotated[Ctx, Depends(get_ctx)]
