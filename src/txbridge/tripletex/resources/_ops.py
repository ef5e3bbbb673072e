"""Operations (a call + how to read its answer) for the resources; no I/O here.

Sync and async resources both build their requests with these functions, so the two surfaces cannot
drift apart."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, timedelta
from typing import Any, TypeVar

from .. import models as m
from .._base import Operation, make_call
from .._envelope import Page, camel, page_parser, parse_page, parse_value, value_parser
from .._exceptions import NotFoundError, TooManyResultsError, TripletexError
from ..models import TripletexModel
from ._specs import DEFAULT_BULK_CHUNK, ResourceSpec

T = TypeVar("T", bound=TripletexModel)
Bound = TypeVar("Bound", date, int)

Body = TripletexModel | Mapping[str, Any]


class UnsupportedOperationError(TripletexError):
    """The Tripletex endpoint does not offer this operation."""


def require(spec: ResourceSpec[Any], capability: str) -> None:
    if not getattr(spec, f"can_{capability}", True):
        raise UnsupportedOperationError(f"{spec.path} does not support {capability}")


def body_of(obj: Body) -> dict[str, Any]:
    return obj.to_api() if isinstance(obj, TripletexModel) else dict(obj)


def get(spec: ResourceSpec[T], id: int, fields: str | None) -> Operation[T]:
    require(spec, "get")
    call = make_call("GET", f"{spec.path}/{int(id)}", params={"fields": fields})
    return Operation(call, lambda body: parse_value(body, spec.model), parse_bytes=value_parser(spec.model))


def single(path: str, model: type[T], params: Mapping[str, Any] | None = None) -> Operation[T]:
    return Operation(make_call("GET", path, params=params), lambda body: parse_value(body, model))


def list_page(
    spec: ResourceSpec[T],
    *,
    from_: int,
    count: int,
    fields: str | None,
    sorting: str | None,
    search: Mapping[str, Any],
    if_none_match: str | None = None,
    path: str | None = None,
) -> Operation[Page[T]]:
    require(spec, "list")
    if not spec.changed_since and any(camel(k) == "changedSince" for k in search):
        # Tripletex ignores query parameters it does not know: the caller would silently get everything.
        raise UnsupportedOperationError(f"{spec.path} has no changedSince search")
    params = {**search, "from": from_, "count": count, "fields": fields, "sorting": sorting}
    headers = {"If-None-Match": if_none_match} if if_none_match else None
    call = make_call("GET", path or spec.path, params=params, headers=headers)
    return Operation(
        call,
        lambda body: parse_page(body, spec.model, from_, count),
        allow_not_modified=if_none_match is not None,
        parse_bytes=page_parser(spec.model, from_, count),
    )


def create(spec: ResourceSpec[T], obj: Body, params: Mapping[str, Any] | None = None) -> Operation[T]:
    require(spec, "create")
    call = make_call("POST", spec.path, params=params, body=body_of(obj))
    return Operation(call, lambda body: parse_value(body, spec.model), parse_bytes=value_parser(spec.model))


def update(spec: ResourceSpec[T], obj: Body, *, id: int | None, version: int | None) -> Operation[T]:
    """PUT with ``version`` passed through: a stale version comes back as RevisionConflictError."""
    require(spec, "update")
    body = body_of(obj)
    target = id if id is not None else body.get("id")
    if target is None:
        raise UnsupportedOperationError(f"update of {spec.path} needs an id")
    body["id"] = int(target)
    if version is not None:
        body["version"] = version
    call = make_call("PUT", f"{spec.path}/{int(target)}", body=body)
    return Operation(call, lambda raw: parse_value(raw, spec.model), parse_bytes=value_parser(spec.model))


def delete(spec: ResourceSpec[Any], id: int) -> Operation[None]:
    require(spec, "delete")
    return Operation(make_call("DELETE", f"{spec.path}/{int(id)}"), lambda body: None)


def _values(model: type[T]) -> Callable[[Any], list[T]]:
    def parse(body: Any) -> list[T]:
        values = body.get("values") if isinstance(body, Mapping) else None
        return [model.model_validate(v) for v in values or []]

    return parse


def create_many(
    spec: ResourceSpec[T], objs: Sequence[Body], chunk: int | None, params: Mapping[str, Any] | None = None
) -> list[Operation[list[T]]]:
    """One POST {path}/list per chunk; the caller runs them in order."""
    if not spec.bulk:
        raise UnsupportedOperationError(f"{spec.path} has no bulk /list endpoint")
    size = min(chunk or spec.bulk_chunk, spec.bulk_chunk)
    bodies = [body_of(o) for o in objs]
    parse = _values(spec.model)
    return [
        Operation(make_call("POST", f"{spec.path}/list", params=params, body=bodies[i : i + size]), parse)
        for i in range(0, len(bodies), size)
    ]


def create_vouchers(
    objs: Sequence[Body], chunk: int | None, params: Mapping[str, Any]
) -> list[Operation[list[m.Voucher]]]:
    """``PUT /ledger/voucher/list`` per chunk: a PUT that creates, so never retried blindly."""
    size = chunk or DEFAULT_BULK_CHUNK
    bodies = [body_of(o) for o in objs]
    parse = _values(m.Voucher)
    return [
        Operation(make_call("PUT", "/ledger/voucher/list", params=params, body=bodies[i : i + size]), parse)
        for i in range(0, len(bodies), size)
    ]


def vouchers_by_external_number(number: str, fields: str | None) -> Operation[list[m.Voucher]]:
    """``GET /ledger/voucher/>externalVoucherNumber``: the vouchers carrying that external number."""
    params = {"externalVoucherNumber": number, "fields": fields, "count": 100}
    call = make_call("GET", "/ledger/voucher/>externalVoucherNumber", params=params)
    return Operation(call, _values(m.Voucher))


def reverse_voucher(voucher_id: int, day: date) -> Operation[m.Voucher]:
    """``PUT /ledger/voucher/{id}/:reverse``: writes a reversing voucher, never retried blindly."""
    call = make_call(
        "PUT",
        f"/ledger/voucher/{int(voucher_id)}/:reverse",
        params={"date": day.isoformat()},
        idempotent=False,
    )
    return Operation(call, lambda body: parse_value(body, m.Voucher))


def invoice_orders(order_ids: Sequence[int] | int, params: Mapping[str, Any]) -> Operation[m.Invoice]:
    """``PUT /order/{id}/:invoice`` for one order, ``/order/:invoiceMultipleOrders`` for a list:
    writes with side effects, never retried blindly."""
    if isinstance(order_ids, int):
        call = make_call("PUT", f"/order/{int(order_ids)}/:invoice", params=params)
    else:
        ids = [int(i) for i in order_ids]
        call = make_call("PUT", "/order/:invoiceMultipleOrders", params={"id": ids, **params})
    return Operation(call, lambda body: parse_value(body, m.Invoice))


def pick_by_number(found: Sequence[T], number: int | str, what: str) -> T:
    """The object with this business number among what a ``number=`` search returned. One that shows
    another number is never taken (a wrong account or VAT type is worse than none); one without a
    number (``fields`` left it out) is taken on the search's word."""
    wanted = str(number)
    for item in found:
        got = getattr(item, "number", None)
        if got is None or str(got) == wanted:
            return item
    raise NotFoundError(status=404, code=6000, message=f"No {what} number {number}")


def date_window(spec: ResourceSpec[Any], search: dict[str, Any]) -> tuple[Bound, Bound] | None:
    """Take the resource's required date range out of ``search`` when both ends are given (by spec
    name or snake_case), so the read can be windowed; None when there is nothing to window."""
    if spec.date_range is None:
        return None
    names = {camel(k): k for k in search}
    start, end = (names.get(n) for n in spec.date_range)
    if start is None or end is None:
        return None
    return as_bound(search.pop(start)), as_bound(search.pop(end))


def as_bound(value: Any) -> Any:
    """Window ends are dates or numbers; ISO date text (``"2026-03-01"``) is read as a date."""
    return date.fromisoformat(value) if isinstance(value, str) else value


#: Tripletex refuses a search of more than this many rows (code 23000).
MAX_RESULT_ROWS = 10_000


def check_within_cap(spec: ResourceSpec[Any], rows_read: int) -> None:
    """Paging past the cap means the server is not paging (it ignores ``from``): stop rather than
    loop forever, with the error that makes ``iter_windowed`` narrow the window."""
    if rows_read > MAX_RESULT_ROWS:
        raise TooManyResultsError(
            status=422,
            code=23000,
            message=f"{spec.path}: more than {MAX_RESULT_ROWS} rows read without a short page",
        )


def windows(start: Bound, end: Bound, step: timedelta | int) -> Iterator[tuple[Bound, Bound]]:
    """Half-open windows [a, b) covering [start, end) — Tripletex ranges are from-incl., to-excl."""
    a = start
    while a < end:
        b = min(a + step, end)  # type: ignore[operator]
        yield a, b
        a = b


def split(a: Bound, b: Bound) -> tuple[tuple[Bound, Bound], tuple[Bound, Bound]] | None:
    """Halve a window that hit the 10,000-row cap; None when it cannot shrink further."""
    if isinstance(a, date) and isinstance(b, date):
        days = (b - a).days
        if days < 2:
            return None
        mid_date = a + timedelta(days=days // 2)
        return (a, mid_date), (mid_date, b)
    width = int(b) - int(a)
    if width < 2:
        return None
    mid = int(a) + width // 2
    return (a, mid), (mid, b)
