"""The Tripletex envelopes, parsed into typed results, and the paging arithmetic."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T", bound=BaseModel)


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list answer. ``full_result_size`` is deprecated by Tripletex: do not page by it."""

    values: list[T]
    from_: int
    count: int
    version_digest: str | None = None
    full_result_size: int | None = None

    def __iter__(self) -> Iterator[T]:
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)

    @property
    def not_modified(self) -> bool:
        return False


@dataclass(frozen=True)
class NotModified:
    """The list did not change since ``version_digest`` (a 304: no body was read or parsed)."""

    version_digest: str

    @property
    def not_modified(self) -> bool:
        return True


@dataclass(frozen=True)
class ConnectionInfo:
    """Answer of "Test connection": which company the tokens reach, and as whom."""

    company_id: int
    company_name: str | None
    employee_id: int | None = None
    environment: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


class _ValueEnvelope(BaseModel, Generic[T]):
    model_config = ConfigDict(extra="ignore")
    value: T | None = None


class _ListEnvelope(BaseModel, Generic[T]):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)
    fullResultSize: int | None = None
    from_: int | None = Field(None, alias="from")
    count: int | None = None
    versionDigest: str | None = None
    values: list[T] | None = None


_value_envelopes: dict[type[Any], type[_ValueEnvelope[Any]]] = {}
_list_envelopes: dict[type[Any], type[_ListEnvelope[Any]]] = {}


def value_parser(model: type[T]) -> Callable[[bytes], T]:
    """Parse ``{"value": …}`` straight from bytes (one pass in pydantic-core, no json.loads first)."""
    envelope = _value_envelopes.get(model)
    if envelope is None:
        envelope = _value_envelopes[model] = _ValueEnvelope[model]  # type: ignore[valid-type]

    def parse(content: bytes) -> T:
        value = envelope.model_validate_json(content).value
        return value if value is not None else model()

    return parse


def page_parser(model: type[T], requested_from: int, requested_count: int) -> Callable[[bytes], Page[T]]:
    """Parse a list envelope straight from bytes into a :class:`Page`."""
    envelope = _list_envelopes.get(model)
    if envelope is None:
        envelope = _list_envelopes[model] = _ListEnvelope[model]  # type: ignore[valid-type]

    def parse(content: bytes) -> Page[T]:
        parsed = envelope.model_validate_json(content)
        values = parsed.values or []
        return Page(
            values=values,
            from_=parsed.from_ if parsed.from_ is not None else requested_from,
            count=parsed.count if parsed.count is not None else len(values),
            version_digest=parsed.versionDigest,
            full_result_size=parsed.fullResultSize,
        )

    return parse


def parse_value(body: Any, model: type[T]) -> T:
    envelope = body if isinstance(body, Mapping) else {}
    return model.model_validate(envelope.get("value") or {})


def parse_page(body: Any, model: type[T], requested_from: int, requested_count: int) -> Page[T]:
    envelope = body if isinstance(body, Mapping) else {}
    values = [model.model_validate(v) for v in envelope.get("values") or []]
    return Page(
        values=values,
        from_=int(envelope.get("from", requested_from) or 0),
        count=int(envelope.get("count", len(values)) or 0),
        version_digest=envelope.get("versionDigest"),
        full_result_size=envelope.get("fullResultSize"),
    )


def is_last_page(received: int, requested: int) -> bool:
    """A page shorter than asked for is the last one (never trust ``fullResultSize``)."""
    return received < requested or received == 0


def camel(name: str) -> str:
    """``changed_since`` → ``changedSince``; spec-style names pass unchanged."""
    if "_" not in name.strip("_"):
        return name.rstrip("_")
    head, *rest = name.strip("_").split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def query_value(value: Any) -> str:
    """Tripletex query syntax: booleans lower-case, lists comma-separated, dates ISO, objects by id."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.replace(microsecond=0, tzinfo=None).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, BaseModel):
        return str(getattr(value, "id", ""))
    if isinstance(value, list | tuple | set | frozenset):
        return ",".join(query_value(v) for v in value)
    return str(value)


def build_params(params: Mapping[str, Any] | None) -> dict[str, str]:
    """Query parameters with ``None`` dropped and snake_case names accepted."""
    if not params:
        return {}
    return {camel(k): query_value(v) for k, v in params.items() if v is not None}
