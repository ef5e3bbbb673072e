"""Sign-in, sessions, CSRF, roles and headers of the admin web app."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from tests.web.conftest import PASSWORD, csrf_of, sign_in
from txbridge.flows import accounts
from txbridge.web.app import CONTENT_SECURITY_POLICY

#: UI routes only an administrator may use (GET ones show a form or a confirmation).
ADMIN_ROUTES = [
    ("POST", "/connections/1/approve"),
    ("POST", "/connections/1/reactivate"),
    ("POST", "/connections/1/settings"),
    ("GET", "/connections/1/rotate"),
    ("POST", "/connections/1/rotate/test"),
    ("POST", "/connections/1/rotate"),
    ("GET", "/batches/1/reset"),
    ("POST", "/batches/1/reset"),
    ("GET", "/connections/1/clear-reference?invoice=100001"),
    ("POST", "/connections/1/clear-reference"),
    ("GET", "/users"),
    ("POST", "/users"),
    ("POST", "/users/1/active"),
]


def _routes(routes: list[object]) -> list[APIRoute]:
    # Included routers keep their routes on the router they came from (the UI adds no prefixes).
    found: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):
            found.extend(_routes(route.original_router.routes))
    return found


def _post_routes(app: FastAPI) -> list[str]:
    return [
        re.sub(r"\{[^}]+\}", "1", route.path)
        for route in _routes(list(app.routes))
        if "POST" in route.methods
        and route.path != "/sign-in"
        # The REST API's routes take no cookie or form (tests/web/api test them).
        and not route.endpoint.__module__.startswith("txbridge.web.api")
        # Nor do the webhook receivers: each checks its caller's signature (tests/web/webhooks).
        and not route.endpoint.__module__.startswith("txbridge.web.webhooks")
    ]


def test_pages_need_a_session(anonymous: TestClient) -> None:
    for path in ("/", "/connections", "/batches/1", "/log", "/help", "/users"):
        response = anonymous.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/sign-in?next=")
    htmx = anonymous.get("/batches/1/progress", headers={"HX-Request": "true"}, follow_redirects=False)
    assert htmx.headers["HX-Redirect"].startswith("/sign-in")


def test_session_cookie_is_httponly_samesite_and_secure_behind_tls(
    app: FastAPI, admin: accounts.UserInfo
) -> None:
    with TestClient(app) as plain:
        page = plain.get("/sign-in")
        signed = plain.post(
            "/sign-in",
            data={"username": "ada", "password": PASSWORD, "csrf_token": csrf_of(page.text)},
            follow_redirects=False,
        )
        cookie = signed.headers["set-cookie"]
        assert "txb_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
        assert "Secure" not in cookie.split(", txb_sign_in")[0]
    with TestClient(app, base_url="https://bridge.example.no") as tls:
        page = tls.get("/sign-in")
        signed = tls.post(
            "/sign-in",
            data={"username": "ada", "password": PASSWORD, "csrf_token": csrf_of(page.text)},
            follow_redirects=False,
        )
        assert "Secure" in signed.headers["set-cookie"].split(", txb_sign_in")[0]


def test_every_form_post_without_its_csrf_token_is_refused(app: FastAPI, admin_client: TestClient) -> None:
    routes = _post_routes(app)
    assert {"/connections", "/batches/1/export", "/batches/1/reset", "/language", "/sign-out"} <= set(routes)
    for path in routes:
        response = admin_client.post(path, data={"period": "2026-10", "language": "en"})
        assert response.status_code == 403, path
        assert "sikkerhetsnøkkelen mangler eller er utløpt" in response.text, path
        wrong = admin_client.post(path, data={"csrf_token": "forged"})
        assert wrong.status_code == 403, path
    # The session is still good, and nothing changed: the language is still bokmål.
    assert "Tilkoblinger" in admin_client.get("/connections").text


def test_sign_in_form_needs_its_own_token(anonymous: TestClient, admin: accounts.UserInfo) -> None:
    refused = anonymous.post(
        "/sign-in", data={"username": "ada", "password": PASSWORD}, follow_redirects=False
    )
    assert refused.status_code == 403
    assert "txb_session" not in refused.headers.get("set-cookie", "")


def test_wrong_passwords_are_throttled(anonymous: TestClient, admin: accounts.UserInfo) -> None:
    for _ in range(accounts.FREE_FAILURES):
        page = anonymous.get("/sign-in")
        wrong = anonymous.post(
            "/sign-in",
            data={"username": "ada", "password": "not the password", "csrf_token": csrf_of(page.text)},
        )
        assert wrong.status_code == 401 and "Feil brukernavn eller passord" in wrong.text
    page = anonymous.get("/sign-in")
    right = anonymous.post(
        "/sign-in",
        data={"username": "ada", "password": PASSWORD, "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert right.status_code == 429
    assert "For mange mislykkede innlogginger" in right.text
    assert "txb_session" not in right.headers.get("set-cookie", "")


@pytest.mark.parametrize(("method", "path"), ADMIN_ROUTES)
def test_admin_routes_are_refused_for_support_users(
    support_client: TestClient, method: str, path: str
) -> None:
    token = csrf_of(support_client.get("/connections").text)
    if method == "GET":
        response = support_client.get(path)
    else:
        response = support_client.post(
            path, data={"csrf_token": token, "batch_size": "10", "invoice": "100001", "username": "eve"}
        )
    assert response.status_code == 403
    assert "Bare en administrator kan gjøre dette" in response.text


def test_every_answer_has_a_strict_content_security_policy(admin_client: TestClient) -> None:
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY and "unsafe-eval" not in CONTENT_SECURITY_POLICY
    for path in ("/connections", "/connections/new", "/log", "/help", "/users", "/static/app.css"):
        response = admin_client.get(path)
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY, path
        assert response.headers["x-frame-options"] == "DENY"
        if path.startswith("/static"):
            continue
        assert response.headers["cache-control"] == "no-store"
        # Nothing the policy would block: no inline script, no inline style, no event handler attributes.
        assert not re.search(r"<script(?![^>]*\bsrc=)", response.text), path
        assert not re.search(r"\sstyle=|\son[a-z]+=", response.text), path


def test_sign_in_redirects_only_within_the_site(anonymous: TestClient, admin: accounts.UserInfo) -> None:
    for target, expected in (
        ("//evil.example/x", "/"),
        ("https://evil.example/", "/"),
        ("/log?level=error", "/log?level=error"),
    ):
        page = anonymous.get("/sign-in")
        response = anonymous.post(
            "/sign-in",
            data={"username": "ada", "password": PASSWORD, "csrf_token": csrf_of(page.text), "next": target},
            follow_redirects=False,
        )
        assert response.headers["location"] == expected
        anonymous.cookies.clear()


def test_sign_out_ends_the_session(admin_client: TestClient) -> None:
    token = csrf_of(admin_client.get("/connections").text)
    assert (
        admin_client.post("/sign-out", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    )
    assert admin_client.get("/connections", follow_redirects=False).status_code == 303


def test_admin_can_add_users_and_it_is_logged(admin_client: TestClient, db: object) -> None:
    token = csrf_of(admin_client.get("/users").text)
    added = admin_client.post(
        "/users",
        data={"csrf_token": token, "username": "nina", "password": "a long enough one", "role": "support"},
    )
    assert added.status_code == 200 and "nina" in added.text
    short = admin_client.post("/users", data={"csrf_token": token, "username": "per", "password": "short"})
    assert short.status_code == 422 and "minst 10 tegn" in short.text
    log = admin_client.get("/log").text
    assert "Bruker nina (support) lagt til (av ada)" in log
    admin_client.cookies.clear()
    sign_in(admin_client, "nina", "a long enough one")


def test_htmx_requests_carry_the_token_in_a_header(admin_client: TestClient) -> None:
    page = admin_client.get("/connections")
    assert f'hx-headers=\'{{"X-CSRF-Token": "{csrf_of(page.text)}"}}\'' in page.text
    switched = admin_client.post(
        "/language", data={"language": "en", "next": "/help"}, headers={"X-CSRF-Token": csrf_of(page.text)}
    )
    assert switched.status_code == 200 and "Help: every message" in switched.text
    forged = admin_client.post("/language", data={"language": "nb"}, headers={"X-CSRF-Token": "forged"})
    assert forged.status_code == 403


def test_admin_deactivates_a_user_whose_session_ends_at_once(
    app: FastAPI, admin_client: TestClient, support: accounts.UserInfo, admin: accounts.UserInfo
) -> None:
    with TestClient(app) as sam:
        sign_in(sam, "sam")
        assert sam.get("/connections", follow_redirects=False).status_code == 200
        page = admin_client.get("/users")
        assert f'action="/users/{admin.id}/active"' not in page.text  # nobody switches themselves off
        stopped = admin_client.post(
            f"/users/{support.id}/active", data={"active": "false", "csrf_token": csrf_of(page.text)}
        )
        assert "Brukeren kan ikke lenger logge inn." in stopped.text
        assert sam.get("/connections", follow_redirects=False).status_code == 303
        sam.cookies.clear()
        login = sam.get("/sign-in")
        refused = sam.post(
            "/sign-in", data={"username": "sam", "password": PASSWORD, "csrf_token": csrf_of(login.text)}
        )
        assert refused.status_code == 401
        self_off = admin_client.post(
            f"/users/{admin.id}/active", data={"active": "false", "csrf_token": csrf_of(page.text)}
        )
        assert self_off.status_code == 422 and "du kan ikke deaktivere deg selv" in self_off.text
        assert "Bruker sam deaktivert (av ada)" in admin_client.get("/log").text
