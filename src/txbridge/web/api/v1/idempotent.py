"""Running a POST once per ``Idempotency-Key`` (see :mod:`txbridge.flows.idempotency`): the handler's
answer is kept with the key and replayed for the same request; a failure that is not the client's
(an unexpected exception) keeps nothing, so the client's retry runs again."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from txbridge.catalog import render
from txbridge.flows import apikeys, idempotency
from txbridge.store import Database
from txbridge.web.api.v1.problems import MEDIA_TYPE, ApiProblem, language_of, problem_body, status_of
from txbridge.web.ui.common import message_of

log = logging.getLogger(__name__)

IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"

#: ``openapi_extra`` of every POST: the header it needs, in the OpenAPI document.
IDEMPOTENT: dict[str, Any] = {
    "parameters": [
        {
            "name": IDEMPOTENCY_HEADER,
            "in": "header",
            "required": True,
            "description": "A unique value per action (e.g. a UUID); the same value when retrying it.",
            "schema": {"type": "string", "maxLength": idempotency.MAX_KEY_LENGTH},
        }
    ]
}

#: What a handler gives back: the status and the body (a schema or anything JSON-encodable).
Answer = tuple[int, Any]


async def run_once(
    request: Request,
    db: Database,
    key: apikeys.ApiKeyInfo,
    body: bytes,
    handler: Callable[[], Answer],
    *,
    headers: Callable[[Any], dict[str, str]] | None = None,
) -> Response:
    """Run ``handler`` (in a worker thread) unless this key already answered this request."""
    language = language_of(request)
    try:
        idempotency_key = idempotency.check_key(request.headers.get(IDEMPOTENCY_HEADER))
        fingerprint = idempotency.request_hash(request.method, request.url.path, body)
        claim = await run_in_threadpool(idempotency.claim_key, db, key.id, idempotency_key, fingerprint)
    except idempotency.IdempotencyError as error:
        raise ApiProblem(error.message, error.status) from None
    if isinstance(claim, idempotency.StoredAnswer):
        replay = _response(claim.status_code, claim.body, replayed=True)
        if headers is not None and claim.status_code < 400:
            replay.headers.update(headers(json.loads(claim.body)))
        return replay
    try:
        status, payload = await run_in_threadpool(handler)
        encoded = jsonable_encoder(payload, by_alias=True)
    except ApiProblem as problem:
        status = problem.status
        encoded = problem_body(problem.message, status, language, request.url.path) | problem.extra
    except Exception as error:
        message = message_of(error)
        if message is None:
            # Not the client's fault: keep nothing, so its retry with the same key runs again.
            await run_in_threadpool(idempotency.release, db, claim)
            log.exception("API request %s %s failed", request.method, request.url.path)
            raise ApiProblem(render("api_internal_error"), 500) from None
        status = status_of(message)
        encoded = problem_body(message, status, language, request.url.path)
    text = json.dumps(encoded, ensure_ascii=False)
    await run_in_threadpool(idempotency.finish, db, claim, status, text)
    response = _response(status, text, replayed=False)
    if headers is not None and status < 400:
        response.headers.update(headers(encoded))
    return response


def _response(status: int, text: str, *, replayed: bool) -> Response:
    media_type = MEDIA_TYPE if status >= 400 else "application/json"
    response = Response(text.encode(), status_code=status, media_type=media_type)
    response.headers[REPLAYED_HEADER] = "true" if replayed else "false"
    return response
