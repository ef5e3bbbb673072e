"""What the sandbox needs to know from the vendored Tripletex spec, computed once per app.

Only facts are kept (which properties a schema has, which are read-only, which schema a property
refers to, which paths exist), so per-request code never walks the raw spec.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from typing import Any

_REF_PREFIX = "#/components/schemas/"


@dataclass(frozen=True, slots=True)
class Prop:
    """One property of a component schema."""

    name: str
    type: str | None  # JSON type ("integer", "string", …); None for a $ref
    ref: str | None  # schema name this property (or its array items) points to
    is_array: bool
    read_only: bool
    # What a default answer shows when the object has no value: Tripletex's defaults ("" for text,
    # 0 for numbers, false for flags, [] for lists) and null for references, dates, enums, maps and
    # values the spec bounds (where "" or 0 would not be a valid value).
    default: Any = None


@dataclass(frozen=True, slots=True)
class Schema:
    name: str
    props: dict[str, Prop]
    # property name -> referenced schema, for the properties that are objects or arrays of objects
    refs: dict[str, str] = field(default_factory=dict)
    # The default answer of an object with nothing stored: every property with its default, in the
    # spec's order (copied, then overwritten by what is stored), and the list properties (their
    # default is a fresh [] per answer).
    blank: dict[str, Any] = field(default_factory=dict)
    lists: tuple[str, ...] = ()
    # Inline child lists (list property, child schema, the child's reference back to its parent):
    # ``Employee.employments`` → ``Employment.employee``. Tripletex creates children sent without an
    # id with the parent and answers references to them.
    children: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class SpecOperation:
    method: str
    template: str
    regex: re.Pattern[str]
    operation_id: str


@dataclass(slots=True)
class SpecIndex:
    schemas: dict[str, Schema]
    # Most literal first, so /customer/category is found before /customer/{id}.
    operations: list[SpecOperation] = field(default_factory=list)
    # Schema -> its path under /v2 (``Employment`` -> ``employee/employment``), from the spec's
    # ``GET /x/{id}`` operations, for the ``url`` of references.
    url_paths: dict[str, str] = field(default_factory=dict)

    def find_operation(self, method: str, path: str) -> tuple[bool, SpecOperation | None]:
        """(path exists in the spec, the operation for this method if there is one).

        The spec's own precedence: a literal segment wins over a ``{param}`` (``/customer/category``
        is not ``/customer/{id}``), and a method is looked up on the most literal path that matches.
        """
        template: str | None = None
        for op in self.operations:
            if template is not None and op.template != template:
                continue
            if op.regex.fullmatch(path):
                template = op.template
                if op.method == method:
                    return True, op
        return template is not None, None

    def template_for(self, path: str) -> str | None:
        """The spec's path template this concrete path belongs to (most literal match), or None."""
        for op in self.operations:
            if op.regex.fullmatch(path):
                return op.template
        return None


# Secrets a client writes and Tripletex never reads back: answered as null, never with a value.
WRITE_ONLY: dict[str, frozenset[str]] = {
    "Subscription": frozenset({"authHeaderValue", "hmacSharedSecret"}),
}

_PLAIN_DEFAULTS: dict[str, Any] = {"string": "", "integer": 0, "number": 0, "boolean": False}


def _is_temporal(name: str) -> bool:
    # The spec types dates as plain strings; Tripletex answers null, not "", for an unset one.
    lower = name.lower()
    return "date" in lower or lower.endswith(("time", "timestamp"))


def _default(name: str, raw: dict[str, Any]) -> Any:
    """Tripletex's value for an unset property of this shape (see :attr:`Prop.default`)."""
    kind = raw.get("type")
    if kind == "string" and _is_temporal(name):
        return None
    if kind == "array":
        return ()  # an empty list; immutable here, rendered as []
    if kind not in _PLAIN_DEFAULTS or "enum" in raw or ("format" in raw and kind == "string"):
        return None
    if raw.get("minimum", 0) > 0 or raw.get("minLength", 0) > 0 or "pattern" in raw:
        return None
    return _PLAIN_DEFAULTS[kind]


def _prop(name: str, raw: dict[str, Any]) -> Prop:
    read_only = bool(raw.get("readOnly", False))
    if "$ref" in raw:
        return Prop(name, None, raw["$ref"].removeprefix(_REF_PREFIX), False, read_only)
    if raw.get("type") == "array":
        items = raw.get("items", {})
        ref = items.get("$ref")
        return Prop(name, "array", ref.removeprefix(_REF_PREFIX) if ref else None, True, read_only, ())
    return Prop(name, raw.get("type"), None, False, read_only, _default(name, raw))


def _template_regex(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template)
    pattern = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(pattern)


def _literal_first(template: str) -> tuple[Any, ...]:
    """Sort key: segment by segment, a literal before a ``{param}``; then longer paths first."""
    return tuple((seg.startswith("{"), seg) for seg in template.split("/"))


def _url_path(template: str, op: dict[str, Any]) -> tuple[str, str] | None:
    """(schema, path) when ``op`` is a ``GET /x/{id}`` answering ``ResponseWrapperX``."""
    if not re.fullmatch(r"(/[A-Za-z]+)+/\{id\}", template):
        return None
    responses = op.get("responses", {})
    response = responses.get("200") or responses.get("default") or {}
    ref = response.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref", "")
    name = ref.removeprefix(_REF_PREFIX)
    if not name.startswith("ResponseWrapper"):
        return None
    return name.removeprefix("ResponseWrapper"), template[1:].removesuffix("/{id}")


def _children(schemas: dict[str, Schema], parent: Schema) -> tuple[tuple[str, str, str], ...]:
    """The writable lists of ``parent`` whose item schema points back at it by the parent's own
    name (``Order.orderLines`` → ``OrderLine.order``); other lists are values or references."""
    back = parent.name[0].lower() + parent.name[1:]
    found = []
    for prop in parent.props.values():
        child = schemas.get(prop.ref or "")
        if not prop.is_array or prop.read_only or child is None:
            continue
        back_prop = child.props.get(back)
        if back_prop is not None and back_prop.ref == parent.name and not back_prop.is_array:
            found.append((prop.name, child.name, back))
    return tuple(found)


def build_index(spec: dict[str, Any]) -> SpecIndex:
    schemas: dict[str, Schema] = {}
    for name, raw in spec["components"]["schemas"].items():
        props = {k: _prop(k, v) for k, v in raw.get("properties", {}).items()}
        for secret in WRITE_ONLY.get(name, ()):
            props[secret] = replace(props[secret], default=None)
        refs = {k: p.ref for k, p in props.items() if p.ref is not None}
        blank = {k: p.default for k, p in props.items()}
        lists = tuple(k for k, p in props.items() if p.is_array)
        schemas[name] = Schema(name, props, refs, blank=blank, lists=lists)
    for name, schema in list(schemas.items()):
        schemas[name] = replace(schema, children=_children(schemas, schema))
    operations: list[SpecOperation] = []
    url_paths: dict[str, str] = {}
    for template, ops in spec["paths"].items():
        regex = _template_regex(template)
        for method, op in ops.items():
            if isinstance(op, dict) and "responses" in op:
                operations.append(SpecOperation(method.upper(), template, regex, op.get("operationId", "")))
                found = _url_path(template, op) if method == "get" else None
                if found is not None:
                    url_paths.setdefault(*found)
    operations.sort(key=lambda o: _literal_first(o.template))
    return SpecIndex(schemas, operations, url_paths)


def spec_text() -> str:
    return resources.files("txbridge.sandbox").joinpath("spec/openapi.json").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def load_index() -> SpecIndex:
    """The index of the vendored spec (immutable facts, so one shared copy is safe)."""
    return build_index(json.loads(spec_text()))
