"""Dependencies of the UI routes: the store, the signed-in user, the language, CSRF and roles.

Every route that changes something is a POST behind :func:`csrf_protect` (the UI routers add it to
every route), and every administrator action also behind :func:`require_admin`."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, Request

from txbridge.catalog import Message, render
from txbridge.flows import accounts
from txbridge.settings import Settings
from txbridge.store import Database
from txbridge.web.config import WebSettings
from txbridge.web.i18n import negotiate

SESSION_COOKIE = "txb_session"
#: Double-submit token for the sign-in form, before there is a session to bind a token to.
SIGN_IN_COOKIE = "txb_sign_in"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class SignInRequired(Exception):
    """No valid session: the UI answers with a redirect to the sign-in page."""


class Refused(Exception):
    """The request is understood but not allowed (403), with the catalog message to show."""

    def __init__(self, message: Message) -> None:
        super().__init__(str(message))
        self.message = message


def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_web_settings(request: Request) -> WebSettings:
    web: WebSettings = request.app.state.web
    return web


Db = Annotated[Database, Depends(get_db)]
Config = Annotated[Settings, Depends(get_settings)]


def optional_session(request: Request, db: Db) -> accounts.CurrentSession | None:
    """The session of the cookie, if any; sets the request's language (the user's, else the browser's)."""
    web: WebSettings = request.app.state.web
    current = accounts.current_session(db, request.cookies.get(SESSION_COOKIE), policy=web.session_policy)
    request.state.user = current.user if current else None
    request.state.csrf_token = current.csrf_token if current else ""
    request.state.language = (
        current.user.language if current else negotiate(request.headers.get("accept-language"))
    )
    return current


def current_session(
    current: Annotated[accounts.CurrentSession | None, Depends(optional_session)],
) -> accounts.CurrentSession:
    if current is None:
        raise SignInRequired()
    return current


async def csrf_protect(
    request: Request, current: Annotated[accounts.CurrentSession, Depends(current_session)]
) -> None:
    """A state-changing request must carry the session's CSRF token (form field or htmx header)."""
    if request.method not in _UNSAFE:
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not sent or not secrets.compare_digest(sent, current.csrf_token):
        raise Refused(render("form_expired"))


def signed_in_user(
    current: Annotated[accounts.CurrentSession, Depends(current_session)],
) -> accounts.UserInfo:
    return current.user


def require_admin(user: Annotated[accounts.UserInfo, Depends(signed_in_user)]) -> accounts.UserInfo:
    if not user.is_admin:
        raise Refused(render("admin_only"))
    return user


User = Annotated[accounts.UserInfo, Depends(signed_in_user)]
Admin = Annotated[accounts.UserInfo, Depends(require_admin)]


def secure_cookies(request: Request) -> bool:
    web: WebSettings = request.app.state.web
    return web.secure_cookies or request.url.scheme == "https"
