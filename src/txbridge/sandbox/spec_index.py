"""What the sandbox needs to know from the vendored Tripletex spec, computed once per app.

Only facts are kept (which properties a schema has, which are read-only, which schema a property
refers to, which paths exist), so per-request code never walks the raw spec.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
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


@dataclass(frozen=True, slots=True)
class Schema:
    name: str
    props: dict[str, Prop]
    # property name -> referenced schema, for the properties that are objects or arrays of objects
    refs: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SpecOperation:
    method: str
    template: str
    regex: re.Pattern[str]
    operation_id: str


@dataclass(slots=True)
class SpecIndex:
    schemas: dict[str, Schema]
    operations: list[SpecOperation] = field(default_factory=list)

    def find_operation(self, method: str, path: str) -> tuple[bool, SpecOperation | None]:
        """(path exists in the spec, the operation for this method if there is one)."""
        path_known = False
        for op in self.operations:
            if op.regex.fullmatch(path):
                path_known = True
                if op.method == method:
                    return True, op
        return path_known, None


def _prop(name: str, raw: dict[str, Any]) -> Prop:
    read_only = bool(raw.get("readOnly", False))
    if "$ref" in raw:
        return Prop(name, None, raw["$ref"].removeprefix(_REF_PREFIX), False, read_only)
    if raw.get("type") == "array":
        items = raw.get("items", {})
        ref = items.get("$ref")
        return Prop(name, "array", ref.removeprefix(_REF_PREFIX) if ref else None, True, read_only)
    return Prop(name, raw.get("type"), None, False, read_only)


def _template_regex(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template)
    pattern = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(pattern)


def build_index(spec: dict[str, Any]) -> SpecIndex:
    schemas: dict[str, Schema] = {}
    for name, raw in spec["components"]["schemas"].items():
        props = {k: _prop(k, v) for k, v in raw.get("properties", {}).items()}
        refs = {k: p.ref for k, p in props.items() if p.ref is not None}
        schemas[name] = Schema(name, props, refs)
    operations: list[SpecOperation] = []
    for template, ops in spec["paths"].items():
        regex = _template_regex(template)
        for method, op in ops.items():
            if isinstance(op, dict) and "responses" in op:
                operations.append(SpecOperation(method.upper(), template, regex, op.get("operationId", "")))
    return SpecIndex(schemas, operations)


def spec_text() -> str:
    return resources.files("txbridge.sandbox").joinpath("spec/openapi.json").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def load_index() -> SpecIndex:
    """The index of the vendored spec (immutable facts, so one shared copy is safe)."""
    return build_index(json.loads(spec_text()))
