"""`fields`, `sorting`, paging, checksums and the response envelopes, as Tripletex does them."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from txbridge.sandbox import errors
from txbridge.sandbox.spec_index import SpecIndex
from txbridge.sandbox.state import CompanyState, Row

# A parsed `fields` value: name -> sub-selection (None = the field itself, refs as {id, url}).
FieldTree = dict[str, "FieldTree | None"]
ALL: FieldTree = {"*": None}

# Schema name -> path under /v2, for the `url` of each object.
URL_PATHS: dict[str, str] = {
    "Customer": "customer",
    "Product": "product",
    "ProductGroup": "product/group",
    "Account": "ledger/account",
    "VatType": "ledger/vatType",
    "PostingRules": "ledger/postingRules",
    "Order": "order",
    "OrderLine": "order/orderline",
    "Invoice": "invoice",
    "PaymentType": "invoice/paymentType",
    "Voucher": "ledger/voucher",
    "VoucherType": "ledger/voucherType",
    "Posting": "ledger/posting",
    "CloseGroup": "ledger/closeGroup",
    "Company": "company",
    "Employee": "employee",
    "Department": "department",
    "Project": "project",
    "Activity": "activity",
    "TimesheetEntry": "timesheet/entry",
    "Subscription": "event/subscription",
    "Currency": "currency",
    "Address": "address",
    "SessionToken": "token/session",
    "Country": "country",
    "Contact": "contact",
    "Supplier": "supplier",
    "MonthlyStatus": "timesheet/month",
}


def parse_fields(text: str | None) -> FieldTree:
    """Parse ``*,orderLines(*,product(name))`` into a tree; empty means all fields."""
    if text is None or not text.strip():
        return ALL
    tree, pos = _parse_level(text, 0)
    if pos != len(text):
        raise errors.error(errors.ILLEGAL_FILTER, f"Ugyldig fields-filter / illegal fields filter: {text}")
    return tree


def _parse_level(text: str, pos: int) -> tuple[FieldTree, int]:
    tree: FieldTree = {}
    name = ""
    while pos < len(text):
        ch = text[pos]
        if ch == "(":
            sub, pos = _parse_level(text, pos + 1)
            if pos >= len(text) or text[pos] != ")" or not sub:
                raise errors.error(errors.ILLEGAL_FILTER, f"Ugyldig fields-filter / unbalanced: {text}")
            _put(tree, name, sub, text)
            name = ""
            pos += 1
            continue
        if ch == ")":
            break
        if ch == ",":
            if name.strip():
                _put(tree, name, None, text)
            name = ""
        else:
            name += ch
        pos += 1
    if name.strip():
        _put(tree, name, None, text)
    return tree, pos


def _put(tree: FieldTree, name: str, sub: FieldTree | None, text: str) -> None:
    key = name.strip()
    if not key:
        raise errors.error(errors.ILLEGAL_FILTER, f"Ugyldig fields-filter / illegal fields filter: {text}")
    tree[key] = sub if sub is not None else tree.get(key)


class Renderer:
    """Turns stored rows into API objects: refs become ``{id, url}`` unless expanded by `fields`."""

    __slots__ = ("company", "index", "url_base")

    def __init__(self, index: SpecIndex, company: CompanyState | None, url_base: str) -> None:
        self.index = index
        self.company = company
        self.url_base = url_base

    def lookup(self, schema: str, object_id: Any) -> Row | None:
        if self.company is None or not isinstance(object_id, int):
            return None
        table = self.company.tables.get(schema)
        return table.get(object_id) if table else None

    def stub(self, schema: str, value: Row) -> Row:
        object_id = value.get("id")
        if object_id is None:
            return self.render(value, schema, ALL)
        path = URL_PATHS.get(schema)
        if path is None:
            return {"id": object_id}
        return {"id": object_id, "url": f"{self.url_base}/{path}/{object_id}"}

    def check(self, schema: str, tree: FieldTree) -> None:
        """Refuse names the schema does not have (Tripletex answers 400/11000)."""
        props = self.index.schemas[schema].props
        for key, sub in tree.items():
            if key == "*":
                continue
            prop = props.get(key)
            if prop is None:
                raise errors.error(
                    errors.ILLEGAL_FILTER,
                    f"Ugyldig felt i fields-filter / illegal field in fields filter: {key}",
                    f"Illegal field in fields filter: {key} is not a field of {schema}",
                )
            if sub is not None and prop.ref is not None:
                self.check(prop.ref, sub)

    def render(self, row: Row, schema: str, tree: FieldTree) -> Row:
        if len(tree) == 1 and "*" in tree:
            return self._render_all(row, schema)
        props = self.index.schemas[schema].props
        out: Row = {}
        if "*" in tree:
            keys: Iterable[str] = [k for k in row if k[0] != "_"]
            if len(tree) > 1:
                keys = list(keys) + [k for k in tree if k != "*" and k not in row]
        else:
            keys = tree.keys()
        for key in keys:
            value = row.get(key)
            if value is None:
                continue
            prop = props.get(key)
            ref = prop.ref if prop is not None else None
            if ref is None:
                out[key] = value
                continue
            sub = tree.get(key)
            if isinstance(value, list):
                out[key] = [self._nested(ref, item, sub) for item in value]
            elif isinstance(value, dict):
                out[key] = self._nested(ref, value, sub)
            else:
                out[key] = value
        if "url" in props and "id" in out and ("*" in tree or "url" in tree):
            path = URL_PATHS.get(schema)
            if path is not None:
                out["url"] = f"{self.url_base}/{path}/{out['id']}"
        return out

    def _render_all(self, row: Row, schema: str) -> Row:
        """The default (``*``): every stored field, refs as ``{id, url}`` (the hot path of lists)."""
        refs = self.index.schemas[schema].refs
        out: Row = {}
        for key, value in row.items():
            if value is None or key[0] == "_":
                continue
            ref = refs.get(key)
            if ref is None:
                out[key] = value
            elif isinstance(value, dict):
                out[key] = self.stub(ref, value)
            elif isinstance(value, list):
                out[key] = [self.stub(ref, v) if isinstance(v, dict) else v for v in value]
            else:
                out[key] = value
        path = URL_PATHS.get(schema)
        if path is not None and "id" in out and "url" in self.index.schemas[schema].props:
            out["url"] = f"{self.url_base}/{path}/{out['id']}"
        return out

    def _nested(self, schema: str, value: Any, sub: FieldTree | None) -> Any:
        if not isinstance(value, dict):
            return value
        if sub is None:
            return self.stub(schema, value)
        full = self.lookup(schema, value.get("id")) or value
        return self.render(full, schema, sub)

    def value_at(self, row: Row, schema: str, path: Sequence[str]) -> Any:
        """Value of a dotted path (``customer.name``), following refs into their tables."""
        value: Any = row
        current = schema
        for i, part in enumerate(path):
            if not isinstance(value, dict):
                return None
            prop = self.index.schemas[current].props.get(part)
            value = value.get(part)
            if prop is None or prop.ref is None or i == len(path) - 1:
                continue
            current = prop.ref
            if isinstance(value, dict):
                value = self.lookup(current, value.get("id")) or value
        return value


def parse_sorting(text: str | None, index: SpecIndex, schema: str) -> list[tuple[list[str], bool]]:
    if not text or not text.strip():
        return []
    keys: list[tuple[list[str], bool]] = []
    for raw in text.split(","):
        item = raw.strip()
        if not item:
            continue
        descending = item.startswith("-")
        path = item.lstrip("-").split(".")
        if path[0] not in index.schemas[schema].props:
            raise errors.error(
                errors.SORTING,
                f"Ugyldig sortering / illegal sorting field: {item}",
                f"Illegal sorting field {item} for {schema}",
            )
        keys.append((path, descending))
    return keys


def _sort_key(value: Any) -> tuple[int, Any]:
    if value is None:
        return (0, 0)
    if isinstance(value, bool):
        return (1, int(value))
    if isinstance(value, int | float):
        return (1, value)
    if isinstance(value, dict):
        return (2, str(value.get("id", "")))
    return (2, str(value))


def apply_sorting(
    rows: list[Row], keys: list[tuple[list[str], bool]], renderer: Renderer, schema: str
) -> None:
    for path, descending in reversed(keys):
        rows.sort(key=_key_for(renderer, schema, path), reverse=descending)


def version_digest(rows: Sequence[Row], extra: str) -> str:
    h = hashlib.sha256(extra.encode())
    for row in rows:
        h.update(f"{row.get('id')}:{row.get('version')};".encode())
    return h.hexdigest()


def parse_changed_since(text: str) -> datetime:
    """As naive UTC, like the stored ``_changed``; a given offset is converted, not dropped."""
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), datetime.min.time())
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return when.astimezone(UTC).replace(tzinfo=None) if when.tzinfo is not None else when
    except ValueError:
        raise errors.validation("changedSince", "Ugyldig dato / invalid date.", errors.PARAM) from None


def filter_changed_since(rows: Iterable[Row], changed_since: str | None) -> Iterable[Row]:
    """Rows changed at or after ``changedSince`` (stored as naive UTC in ``_changed``)."""
    if not changed_since:
        return rows
    since = parse_changed_since(changed_since)
    return (r for r in rows if r.get("_changed", datetime.min) >= since)


def _key_for(renderer: Renderer, schema: str, path: list[str]) -> Callable[[Row], tuple[int, Any]]:
    def key(row: Row) -> tuple[int, Any]:
        return _sort_key(renderer.value_at(row, schema, path))

    return key
