"""The API-key page in a real browser (Playwright on Debian's Chromium): an administrator makes a key
on a 360 px phone screen, every field labelled, the key readable once and working against the API."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import expect

from tests.web.conftest import LiveApp, World
from tests.web.test_browser import Visitor, browser  # noqa: F401 - the module-scoped browser fixture
from txbridge.flows import accounts

pytestmark = pytest.mark.xdist_group("browser")


def test_make_a_key_on_a_phone_and_use_it(
    browser: object,  # noqa: F811
    live_app: LiveApp,
    world: World,
    admin: accounts.UserInfo,
) -> None:
    visitor = Visitor(browser, live_app, width=360)  # type: ignore[arg-type]
    try:
        page = visitor.sign_in("ada")
        page.get_by_role("link", name="API-nøkler").first.click()
        expect(page.get_by_role("heading", name="API-nøkler", exact=True)).to_be_visible()
        page.get_by_label("Navn på leverandørsystemet").fill("nettbutikk")
        page.get_by_label("acme").check()
        page.get_by_role("button", name="Lag nøkkelen").click()
        secret = page.get_by_label("API-nøkkel", exact=True).input_value()
        assert secret.startswith("txb_")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        unlabelled = page.evaluate(
            """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
                 .filter(e => e.labels.length === 0 && !e.getAttribute('aria-label')).map(e => e.name)"""
        )
        assert unlabelled == []
        page.goto("/api-keys")
        assert secret not in page.content()
    finally:
        visitor.close()
    answer = httpx.get(
        f"{live_app.url}/api/v1/connections", headers={"Authorization": f"Bearer {secret}"}, timeout=10
    )
    assert [c["name"] for c in answer.json()] == ["acme"]
