"""Dependencies of the API routes: the API key (``Authorization: Bearer``), its scopes and
connections, and the client's language. A signed-in browser's cookie counts for nothing here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Path, Request
from starlette.concurrency import run_in_threadpool

from txbridge.catalog import render
from txbridge.flows import apikeys
from txbridge.web.api.v1.problems import ApiProblem, language_of
from txbridge.web.deps import Db

_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="txbridge"'}


async def api_key(request: Request, db: Db) -> apikeys.ApiKeyInfo:
    """The active key of the request, else 401 with a problem (the key itself is never echoed)."""
    scheme, _, presented = (request.headers.get("authorization") or "").partition(" ")
    if scheme.lower() != "bearer" or not presented.strip():
        raise ApiProblem(render("api_key_missing"), 401, headers=_CHALLENGE)
    try:
        key = await run_in_threadpool(apikeys.authenticate, db, presented)
    except apikeys.ApiKeyError as error:
        raise ApiProblem(error.message, 401, headers=_CHALLENGE) from None
    if apikeys.needs_touch(key):
        await run_in_threadpool(apikeys.touch, db, key.id)
    request.state.api_key = key
    return key


Key = Annotated[apikeys.ApiKeyInfo, Depends(api_key)]


def scope(name: str) -> Callable[[apikeys.ApiKeyInfo], apikeys.ApiKeyInfo]:
    """A dependency: the key must have the scope ``name`` (403 otherwise)."""

    def check(key: Key) -> apikeys.ApiKeyInfo:
        if name not in key.scopes:
            raise ApiProblem(render("api_key_scope_missing", scope=name), 403)
        return key

    check.__name__ = f"scope_{name}"
    return check


ReadKey = Annotated[apikeys.ApiKeyInfo, Depends(scope("read"))]
IntakeKey = Annotated[apikeys.ApiKeyInfo, Depends(scope("intake"))]
ExportKey = Annotated[apikeys.ApiKeyInfo, Depends(scope("export"))]
AdminKey = Annotated[apikeys.ApiKeyInfo, Depends(scope("admin"))]


def connection_of(key: Key, connection_id: Annotated[int, Path(ge=1)]) -> int:
    """The connection in the path, if the key covers it (403 otherwise)."""
    if not key.allows(connection_id):
        raise ApiProblem(render("api_key_connection_refused", connection=connection_id), 403)
    return connection_id


ConnectionId = Annotated[int, Depends(connection_of)]


def language(request: Request) -> str:
    return language_of(request)


Language = Annotated[str, Depends(language)]
