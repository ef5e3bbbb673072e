"""Every error of the API in one shape: RFC 9457 problem details (``application/problem+json``)
carrying the catalog id, in the client's language (``Accept-Language``; bokmål by default).

    {"type": "urn:txbridge:message:batch_not_found", "id": "batch_not_found", "status": 404,
     "title": "Bunt 9 finnes ikke", "detail": "…the cause…", "fix": "…what to do…",
     "instance": "/api/v1/connections/1/batches/9"}

``fix`` is the catalog's web wording (:meth:`txbridge.catalog.Message.web_fix`), never a ``txbridge``
command: the client is a program on another machine, and the person it shows the problem to acts in
the web app (the screen and the button), not in a terminal on the server. ``id`` is what a program
branches on."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from txbridge.catalog import Message
from txbridge.web.i18n import negotiate

MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:txbridge:message:"


class ApiProblem(Exception):
    """Raised by API code: answered as problem details with this status."""

    def __init__(
        self,
        message: Message,
        status: int,
        *,
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(str(message))
        self.message = message
        self.status = status
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})


def language_of(request: Request) -> str:
    return negotiate(request.headers.get("accept-language"))


#: Catalog ids that refuse because something already exists or is busy: the request was right, the
#: state conflicts with it (409). By rule, so a new «… taken» / «already …» refusal needs no entry.
CONFLICT_SUFFIXES = ("_taken", "_already_linked", "_already_running", "_busy")


def status_of(message: Message) -> int:
    """The HTTP status of a flows error, from its catalog id."""
    if message.id.endswith("_not_found"):
        return 404
    if message.id.endswith(CONFLICT_SUFFIXES):
        return 409
    return 422


def problem_body(message: Message, status: int, language: str, instance: str) -> dict[str, Any]:
    return {
        "type": TYPE_PREFIX + message.id,
        "id": message.id,
        "status": status,
        "title": message.text(language),
        "detail": message.cause(language),
        "fix": message.web_fix(language),
        "instance": instance,
    }


def problem_response(
    request: Request,
    message: Message,
    status: int,
    *,
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Response:
    body = problem_body(message, status, language_of(request), request.url.path) | dict(extra or {})
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=dict(headers or {}))


def problem_json(message: Message, status: int, language: str, instance: str) -> str:
    """The body as text (kept as an idempotent request's answer)."""
    return json.dumps(problem_body(message, status, language, instance), ensure_ascii=False)
