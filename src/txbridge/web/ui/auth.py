"""Sign-in (throttled), sign-out and the language switch."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from txbridge.catalog import render as render_message
from txbridge.flows import accounts
from txbridge.web.deps import (
    SESSION_COOKIE,
    SIGN_IN_COOKIE,
    Db,
    User,
    optional_session,
    secure_cookies,
)
from txbridge.web.i18n import LANGUAGES
from txbridge.web.rendering import render
from txbridge.web.ui.common import safe_next, see_other

public = APIRouter()
router = APIRouter()

Session = Annotated[accounts.CurrentSession | None, Depends(optional_session)]


def _sign_in_page(request: Request, *, next_url: str, status_code: int = 200, **context: object) -> Response:
    token = secrets.token_urlsafe(32)
    response = render(
        request, "sign_in.html", status_code=status_code, sign_in_token=token, next_url=next_url, **context
    )
    response.set_cookie(
        SIGN_IN_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=secure_cookies(request),
        path="/sign-in",
    )
    return response


@public.get("/sign-in")
def sign_in_form(
    request: Request, current: Session, next: str | None = None, lang: str | None = None
) -> Response:
    if current is not None:
        return see_other(safe_next(next))
    if lang in LANGUAGES:
        request.state.language = lang
    return _sign_in_page(request, next_url=safe_next(next))


@public.post("/sign-in")
def sign_in(
    request: Request,
    db: Db,
    _current: Session,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
    lang: Annotated[str, Form()] = "",
) -> Response:
    if lang in LANGUAGES:
        request.state.language = lang
    expected = request.cookies.get(SIGN_IN_COOKIE, "")
    if not csrf_token or not expected or not secrets.compare_digest(csrf_token, expected):
        return _sign_in_page(
            request, next_url=safe_next(next), status_code=403, error=render_message("form_expired")
        )
    address = request.client.host if request.client else None
    web = request.app.state.web
    try:
        signed = accounts.sign_in(db, username, password, address=address, policy=web.session_policy)
    except accounts.AccountError as exc:
        status = 429 if exc.message.id == "sign_in_throttled" else 401
        return _sign_in_page(
            request, next_url=safe_next(next), status_code=status, error=exc.message, username=username
        )
    response = see_other(safe_next(next))
    response.set_cookie(
        SESSION_COOKIE,
        signed.token,
        max_age=int(web.session_policy.lifetime.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request),
        path="/",
    )
    response.delete_cookie(SIGN_IN_COOKIE, path="/sign-in")
    return response


@router.post("/sign-out")
def sign_out(request: Request, db: Db, _user: User) -> Response:
    accounts.sign_out(db, request.cookies.get(SESSION_COOKIE))
    response = see_other("/sign-in")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/language")
def switch_language(
    db: Db,
    user: User,
    language: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    """The signed-in user's language, kept on the user (so it follows them to any browser)."""
    if language in LANGUAGES:
        accounts.set_language(db, user.id, language)
    return see_other(safe_next(next))


@router.get("/")
def home(_user: User) -> Response:
    return see_other("/connections")
