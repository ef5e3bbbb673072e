"""Validate captured sandbox exchanges against the official Tripletex OpenAPI spec (v2.72, vendored).

Built once per test process (`spec_validator()` is cached): the 2 MB spec is parsed once, openapi-core
checks each body against the operation's response schema, and a small strict walk adds what the spec
cannot say by itself.

Quirks of the spec and how they are handled here (each one is a deliberate, documented choice):

- Every operation declares only a `default` response with the *success* schema, so an error body would
  pass as, say, `ResponseWrapperCustomer` (no property is required anywhere). Error responses (status
  ≥ 400) are therefore validated against `ApiError` instead, and more strictly than the schema: `status`
  equals the HTTP status, `code` belongs to that status in the spec's `info.description` table,
  `message` is a non-empty string and `requestId` equals the `x-tlx-request-id` header.
- No schema sets `additionalProperties: false`, so openapi-core accepts any extra property. A client
  generated from the spec would silently drop it, so the strict walk rejects properties the schema does
  not declare (maps, i.e. schemas with `additionalProperties`, are exempt).
- No property is marked `nullable`, yet Tripletex answers `null` for unset references and the webhook
  envelope's `value` is null on delete. Nulls are removed before schema validation (a null stands for
  "absent", which every property may be, since none is required).
- Rate-limit headers are demanded on every response except 401 (no valid session, so no caller to
  count); a 429 may lack `X-Rate-Limit-Reset`, as observed on Tripletex.
- 204 and 304 carry no body although the operation declares `application/json`: only the empty body is
  checked.
- The spec's `servers` entry is `https://tripletex.no/v2`; captured paths are matched under `/v2`
  whatever host served them.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx
from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest, MockResponse

SPEC_PATH = Path(__file__).resolve().parents[2] / "src" / "txbridge" / "sandbox" / "spec" / "openapi.json"
SPEC_HOST = "https://tripletex.no"
API_PREFIX = "/v2"

# The spec's info.description: which internal codes each error status may carry.
ERROR_CODES_BY_STATUS: dict[int, frozenset[int]] = {
    400: frozenset({4000, 11000, 12000, 24000}),
    401: frozenset({3000}),
    403: frozenset({9000}),
    404: frozenset({6000}),
    409: frozenset({7000, 8000, 10000, 14000}),
    422: frozenset({15000, 16000, 17000, 18000, 21000, 22000, 23000}),
    429: frozenset({429}),
    500: frozenset({1000}),
}
RATE_LIMIT_HEADERS = ("x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset")


@dataclass(frozen=True, slots=True)
class Operation:
    """One operation of the spec: its method (upper case), path template and operationId."""

    method: str
    template: str
    operation_id: str

    def __str__(self) -> str:
        return f"{self.method} {self.template} ({self.operation_id})"


@dataclass(frozen=True, slots=True)
class Exchange:
    """One captured request/response pair; `path` includes the `/v2` prefix, `query` is decoded."""

    method: str
    path: str
    status: int
    headers: Mapping[str, str]
    body: bytes
    query: Mapping[str, str] = field(default_factory=dict)
    request_body: bytes | None = None

    @classmethod
    def from_httpx(cls, response: httpx.Response) -> Exchange:
        request = response.request
        url = urlsplit(str(request.url))
        return cls(
            method=request.method.upper(),
            path=unquote(url.path),
            query=dict(request.url.params),
            request_body=request.content or None,
            status=response.status_code,
            headers={k.lower(): v for k, v in response.headers.items()},
            body=response.content,
        )

    def describe(self) -> str:
        query = "&".join(f"{k}={v}" for k, v in self.query.items())
        return f"{self.method} {self.path}{'?' + query if query else ''} → {self.status}"


class SpecConformanceError(AssertionError):
    """A response does not conform to the spec; the message names the exchange and the rule."""


def _template_regex(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^/}]+\})", template)
    pattern = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(f"^{pattern}$")


class SpecValidator:
    """Finds the spec operation of a request and validates its response; see the module docstring."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self._schemas: dict[str, Any] = spec["components"]["schemas"]
        # The spec itself is trusted: skip openapi-spec-validator's slow whole-document check.
        self._openapi = OpenAPI.from_dict(spec, config=Config(spec_validator_cls=None))
        self._routes: list[tuple[int, re.Pattern[str], str]] = []
        self.operations: dict[tuple[str, str], Operation] = {}
        for template, item in spec["paths"].items():
            for method, op in item.items():
                if method == "parameters":
                    continue
                operation = Operation(method.upper(), template, op.get("operationId", ""))
                self.operations[(operation.method, template)] = operation
            # Literal segments win over parameters, as in Tripletex (`/customer/list` vs `/customer/{id}`).
            literal_segments = sum(1 for s in template.split("/") if s and not s.startswith("{"))
            self._routes.append((literal_segments, _template_regex(template), template))
        self._routes.sort(key=lambda r: -r[0])

    # -- operations -----------------------------------------------------------------------------------

    def find_operation(self, method: str, path: str) -> Operation:
        """The operation for a request path (with or without the `/v2` prefix)."""
        spec_path = path[len(API_PREFIX) :] if path.startswith(API_PREFIX + "/") else path
        method = method.upper()
        path_matches = False
        for _, regex, template in self._routes:
            if regex.match(spec_path):
                path_matches = True
                operation = self.operations.get((method, template))
                if operation is not None:
                    return operation
        reason = "has no such method" if path_matches else "has no such path"
        raise SpecConformanceError(f"{method} {path}: the spec {reason}")

    # -- validation -----------------------------------------------------------------------------------

    def validate_response(self, response: httpx.Response, *, rate_limited: bool | None = None) -> Operation:
        """Validate an httpx response (request included) against the spec; returns its operation."""
        return self.validate(Exchange.from_httpx(response), rate_limited=rate_limited)

    def validate(self, exchange: Exchange, *, rate_limited: bool | None = None) -> Operation:
        """Validate one exchange. `rate_limited` (default: status ≠ 401) demands the rate-limit headers."""
        operation = self.find_operation(exchange.method, exchange.path)
        where = f"{exchange.describe()} [{operation}]"
        headers = {k.lower(): v for k, v in exchange.headers.items()}
        request_id = headers.get("x-tlx-request-id")
        if not request_id:
            raise SpecConformanceError(f"{where}: no x-tlx-request-id header")
        if rate_limited is None:
            # Refused before the rate limiter knows the caller: no valid session.
            rate_limited = exchange.status != 401
        if rate_limited:
            missing = [h for h in RATE_LIMIT_HEADERS if h not in headers]
            # Tripletex may omit X-Rate-Limit-Reset on a 429; the other two are always there.
            if exchange.status == 429 and missing == ["x-rate-limit-reset"]:
                missing = []
            if missing:
                raise SpecConformanceError(f"{where}: missing rate-limit headers {missing}")

        if exchange.status in (204, 304):
            if exchange.body.strip():
                raise SpecConformanceError(f"{where}: status {exchange.status} must have no body")
            return operation
        body = self._json_body(exchange, where, headers)
        if exchange.status >= 400:
            self._validate_error(body, exchange.status, request_id, where)
            return operation
        if not 200 <= exchange.status < 300:
            raise SpecConformanceError(f"{where}: unexpected status {exchange.status}")
        schema = self._response_schema(operation)
        if schema is None:
            return operation
        cleaned = _without_nulls(body)
        request = MockRequest(SPEC_HOST, exchange.method.lower(), exchange.path)
        response = MockResponse(json.dumps(cleaned).encode(), exchange.status, headers=None)
        try:
            self._openapi.validate_response(request, response)
        except Exception as error:  # openapi-core raises several unrelated types; all mean "invalid"
            raise SpecConformanceError(f"{where}: {_describe(error)}") from error
        unknown = list(self.unknown_properties(cleaned, schema))
        if unknown:
            raise SpecConformanceError(f"{where}: properties the spec does not declare: {unknown[:10]}")
        return operation

    def _json_body(self, exchange: Exchange, where: str, headers: Mapping[str, str]) -> Any:
        if not headers.get("content-type", "").startswith("application/json"):
            raise SpecConformanceError(f"{where}: content-type {headers.get('content-type')!r}, not JSON")
        try:
            return json.loads(exchange.body)
        except ValueError as error:
            raise SpecConformanceError(f"{where}: body is not JSON: {exchange.body[:200]!r}") from error

    def _validate_error(self, body: Any, status: int, request_id: str, where: str) -> None:
        if not isinstance(body, dict):
            raise SpecConformanceError(f"{where}: error body is not an object: {body!r}")
        problems: list[str] = []
        if body.get("status") != status:
            problems.append(f"status {body.get('status')!r} ≠ HTTP {status}")
        allowed = ERROR_CODES_BY_STATUS.get(status)
        if allowed is None:
            problems.append(f"HTTP {status} is not an error status of the spec")
        elif body.get("code") not in allowed:
            problems.append(f"code {body.get('code')!r} not one of {sorted(allowed)} for {status}")
        if not isinstance(body.get("message"), str) or not body["message"]:
            problems.append("message missing or empty")
        if body.get("requestId") != request_id:
            problems.append(f"requestId {body.get('requestId')!r} ≠ header {request_id!r}")
        for message in body.get("validationMessages") or []:
            if not isinstance(message, dict) or not isinstance(message.get("message"), str):
                problems.append(f"bad validation message {message!r}")
        problems += [f"{p}" for p in self.schema_errors(body, {"$ref": "#/components/schemas/ApiError"})]
        if problems:
            raise SpecConformanceError(f"{where}: error body {body!r}: " + "; ".join(problems))

    def schema_errors(self, value: Any, schema: dict[str, Any]) -> Iterator[str]:
        """Undeclared properties and wrong JSON types of `value` under `schema` (nulls ignored)."""
        for path in self.unknown_properties(_without_nulls(value), schema):
            yield f"undeclared property {path}"
        yield from self._type_errors(_without_nulls(value), schema, "$")

    def _type_errors(self, value: Any, schema: dict[str, Any], where: str) -> Iterator[str]:
        schema = self._resolve(schema)
        kind = schema.get("type")
        expected: dict[str, tuple[type, ...]] = {
            "integer": (int,),
            "number": (int, float),
            "string": (str,),
            "boolean": (bool,),
            "array": (list,),
            "object": (dict,),
        }
        if kind in expected and (
            not isinstance(value, expected[kind])
            or (kind in ("integer", "number") and isinstance(value, bool))
        ):
            yield f"{where} is {type(value).__name__}, the spec says {kind}"
            return
        if isinstance(value, dict):
            for name, item in value.items():
                sub = schema.get("properties", {}).get(name)
                if sub is not None:
                    yield from self._type_errors(item, sub, f"{where}.{name}")
        elif isinstance(value, list) and "items" in schema:
            for index, item in enumerate(value):
                yield from self._type_errors(item, schema["items"], f"{where}[{index}]")

    def _response_schema(self, operation: Operation) -> dict[str, Any] | None:
        op = self.spec["paths"][operation.template][operation.method.lower()]
        for response in op.get("responses", {}).values():
            for media in response.get("content", {}).values():
                if "schema" in media:
                    return dict(media["schema"])
        return None

    def _resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            schema = self._schemas[schema["$ref"].rsplit("/", 1)[1]]
        return schema

    def unknown_properties(self, value: Any, schema: dict[str, Any], where: str = "$") -> Iterator[str]:
        """Paths of object properties in `value` that `schema` does not declare."""
        schema = self._resolve(schema)
        if isinstance(value, dict):
            if "additionalProperties" in schema:
                extra = schema["additionalProperties"]
                if isinstance(extra, dict):
                    for key, item in value.items():
                        yield from self.unknown_properties(item, extra, f"{where}.{key}")
                return
            properties = schema.get("properties")
            if properties is None:  # a free-form object (e.g. the webhook example's `value`)
                return
            for key, item in value.items():
                if key not in properties:
                    yield f"{where}.{key}"
                else:
                    yield from self.unknown_properties(item, properties[key], f"{where}.{key}")
        elif isinstance(value, list) and "items" in schema:
            for index, item in enumerate(value):
                yield from self.unknown_properties(item, schema["items"], f"{where}[{index}]")

    def schema(self, name: str) -> dict[str, Any]:
        """A component schema by name (for tests that check webhook payloads and the like)."""
        return dict(self._schemas[name])


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def _describe(error: Exception) -> str:
    # openapi-core wraps the jsonschema errors; show those, they name the failing value.
    causes: list[str] = []
    seen: BaseException | None = error
    while seen is not None:
        for schema_error in getattr(seen, "schema_errors", ()) or ():
            location = "/".join(str(p) for p in getattr(schema_error, "absolute_path", ()))
            causes.append(f"{location or '$'}: {getattr(schema_error, 'message', schema_error)}")
        seen = seen.__cause__
    return f"{type(error).__name__}: {'; '.join(causes) if causes else error}"


@functools.cache
def spec_validator() -> SpecValidator:
    """The validator, built once per test process."""
    with SPEC_PATH.open(encoding="utf-8") as spec_file:
        return SpecValidator(json.load(spec_file))
