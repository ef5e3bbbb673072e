"""Users (administrators only): the list and «Add user»."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from txbridge.flows import accounts
from txbridge.store import UserRole
from txbridge.web.deps import Admin, Db
from txbridge.web.rendering import render
from txbridge.web.ui.common import see_other

router = APIRouter()


@router.get("/users")
def users_page(request: Request, db: Db, _user: Admin, done: str | None = None) -> Response:
    return render(request, "users.html", users=accounts.list_users(db), error=None, done=done)


@router.post("/users")
def add_user(
    request: Request,
    db: Db,
    user: Admin,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "support",
    language: Annotated[str, Form()] = "nb",
) -> Response:
    try:
        added = accounts.add_user(
            db,
            username,
            password,
            role=UserRole.ADMIN if role == "admin" else UserRole.SUPPORT,
            language=language,
        )
    except accounts.AccountError as exc:
        return _refused(request, db, exc)
    accounts.log_action(
        db,
        user,
        nb=f"Bruker {added.username} ({added.role.value}) lagt til",
        en=f"User {added.username} ({added.role.value}) added",
        object_type="user",
        object_key=added.username,
    )
    return see_other("/users?done=added")


def _refused(request: Request, db: Db, error: accounts.AccountError) -> Response:
    """The users page again, with the catalog's reason the change was refused."""
    return render(
        request, "users.html", status_code=422, users=accounts.list_users(db), error=error.message, done=None
    )


@router.post("/users/{user_id}/active")
def set_active(
    request: Request, db: Db, user: Admin, user_id: int, active: Annotated[bool, Form()] = False
) -> Response:
    try:
        changed = accounts.set_active(db, user_id, active, by=user)
    except accounts.AccountError as exc:
        return _refused(request, db, exc)
    accounts.log_action(
        db,
        user,
        nb=f"Bruker {changed.username} {'aktivert' if active else 'deaktivert'}",
        en=f"User {changed.username} {'activated' if active else 'deactivated'}",
        object_type="user",
        object_key=changed.username,
    )
    return see_other("/users?done=" + ("activated" if active else "deactivated"))
