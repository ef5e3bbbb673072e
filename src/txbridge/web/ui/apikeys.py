"""API keys of the REST API (administrators only): the list, «Make a key» (shown once) and revoke.
The same flows as ``txbridge apikey``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from txbridge.catalog import Message
from txbridge.flows import accounts, apikeys
from txbridge.flows.views import connections as connection_views
from txbridge.web.deps import Admin, Db
from txbridge.web.rendering import render
from txbridge.web.ui.common import see_other

router = APIRouter()


def _page(
    request: Request,
    db: Db,
    *,
    made: apikeys.NewApiKey | None = None,
    error: Message | None = None,
    done: str | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "api_keys.html",
        status_code=status_code,
        keys=apikeys.list_keys(db),
        connections=connection_views.list_connections(db),
        scopes=apikeys.SCOPES,
        default_scopes=apikeys.DEFAULT_SCOPES,
        made=made,
        error=error,
        done=done,
    )


@router.get("/api-keys")
def api_keys_page(request: Request, db: Db, _user: Admin, done: str | None = None) -> Response:
    return _page(request, db, done=done)


@router.post("/api-keys")
def make_key(
    request: Request,
    db: Db,
    user: Admin,
    name: Annotated[str, Form()] = "",
    connection: Annotated[list[int] | None, Form()] = None,
    scope: Annotated[list[str] | None, Form()] = None,
) -> Response:
    try:
        made = apikeys.create_key(
            db, name, connection_ids=connection or [], scopes=scope or [], created_by=user.username
        )
    except apikeys.ApiKeyError as exc:
        return _page(request, db, error=exc.message, status_code=422)
    accounts.log_action(
        db,
        user,
        nb=f"API-nøkkel {made.info.name} laget",
        en=f"API key {made.info.name} made",
        object_type="api_key",
        object_key=made.info.name,
    )
    # The key is on this answer only: not in a redirect, not in the store.
    return _page(request, db, made=made, status_code=201)


@router.post("/api-keys/{prefix}/revoke")
def revoke_key(request: Request, db: Db, user: Admin, prefix: str) -> Response:
    try:
        revoked = apikeys.revoke_key(db, prefix)
    except apikeys.ApiKeyError as exc:
        return _page(request, db, error=exc.message, status_code=404)
    accounts.log_action(
        db,
        user,
        nb=f"API-nøkkel {revoked.name} trukket tilbake",
        en=f"API key {revoked.name} revoked",
        object_type="api_key",
        object_key=revoked.name,
    )
    return see_other("/api-keys?done=revoked")
