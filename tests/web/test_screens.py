"""Catalog fixes in the web app: every entry as the web renders it names no ``txbridge`` command, each
fix's screen is a real route, and the link is filled from what the message and the page know."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.routing import Match

from tests.test_catalog_web import names_a_command
from txbridge.catalog import CATALOG, render
from txbridge.web.rendering import environment, page_context
from txbridge.web.screens import PAGES, SCREENS, Link, link, names_in

_MESSAGE = '{% import "_labels.html" as labels %}{{ labels.message(m) }}'


def _get_route(app: FastAPI, path: str) -> dict[str, Any] | None:
    """What the app's router makes of ``GET path``: the matched route's scope, or None."""
    scope = {"type": "http", "path": path, "method": "GET", "root_path": "", "app": app}
    for route in app.routes:
        match, child = route.matches(scope)
        if match is Match.FULL:
            return child
    return None


def test_every_screen_is_a_get_route_of_the_app(app: FastAPI) -> None:
    assert _get_route(app, "/no/such/screen") is None  # the check below can fail
    assert set(PAGES) == {pattern for patterns in SCREENS.values() for pattern in patterns}
    for key, patterns in SCREENS.items():
        for pattern in patterns:
            names = names_in(pattern)
            child = _get_route(app, pattern.format_map({name: "1" for name in names}))
            assert child is not None, f"screen {key!r}: no GET route {pattern}"
            if "path_params" in child:
                assert set(child["path_params"]) == set(names), (key, pattern, child["path_params"])
        # The last pattern needs nothing, so a fix always has somewhere to send the user.
        assert not names_in(patterns[-1]), key


def test_every_screen_a_fix_names_exists_and_is_used() -> None:
    named = {e.web.screen for e in CATALOG.values() if e.web is not None and e.web.screen}
    assert named <= set(SCREENS)
    assert len(named) >= 15  # most screens are a fix's destination


@pytest.mark.parametrize("language", ["nb", "en"])
def test_no_catalog_fix_the_web_shows_names_a_command(language: str) -> None:
    """Every entry through the macro every screen uses for a catalog message (and a flash, a failure
    detail, a «Why?» answer): the «What to do» paragraph names no command."""
    page = environment(language).from_string(_MESSAGE)
    for message_id, entry in CATALOG.items():
        message = render(message_id, **{name: 7 for name in entry.required})
        html = page.render(m=message, request=None)
        fix = re.search(r'<p class="fix">(.*?)</p>', html, re.DOTALL)
        assert fix is not None, message_id
        assert not names_a_command(fix.group(1)), (message_id, fix.group(1))
        screen = message.screen
        if screen is not None:
            assert 'class="fix-link"' in fix.group(1), message_id


def test_the_link_is_filled_from_the_message_then_the_page() -> None:
    assert link("batch", {"batch": 12}) == Link("/batches/12", "Open the batch")
    # Not knowing the batch, the link goes to the connection's batches, and says so.
    assert link("batch", {}, {"connection_id": 3}) == Link("/connections/3/batches", "Open «Export batches»")
    assert link("batch", {}) == Link("/connections", "Open «Connections»")
    assert link("batch", {"batch": "?"}, {"batch_id": 4}) == Link("/batches/4", "Open the batch")  # «?»: lost
    assert link("firm_client", {"client": "K 1"}, {"firm_id": 2}) == Link(
        "/firm/2/clients/K%201", "Open the client"
    )
    assert link("pos", {"connection": "acme"}, {"connection_id": 5}) == Link(
        "/connections/5/pos", "Open «POS set-up»"
    )
    assert link(None, {"batch": 1}) is None and link("nowhere") is None


def test_a_fix_on_a_page_links_to_its_screen_in_the_pages_language() -> None:
    message = render(
        "daysales_mapping_missing", day="2026-10-01", group="betalingsmåte", key="vipps", group_key="payment"
    )
    nb = environment("nb").from_string(_MESSAGE).render(m=message, request=None)
    assert "Velg konto for betalingsmåte «vipps» under «Kasseoppsett» på tilkoblingen" in nb
    assert '<a class="fix-link" href="/connections">Åpne «Tilkoblinger»</a>' in nb
    en = environment("en").from_string(_MESSAGE).render(m=message, request=None)
    assert "Choose the account for betalingsmåte «vipps» under «POS set-up»" in en
    assert ">Open «Connections»</a>" in en and "txbridge" not in en


def test_the_help_page_shows_the_web_fix_of_every_entry(support_client: TestClient) -> None:
    page = support_client.get("/help").text
    fixes = re.findall(r"<p><span class=\"label\">Slik løser du det:</span> (.*?)</p>", page, re.DOTALL)
    assert len(fixes) == len(CATALOG)
    assert not [fix for fix in fixes if names_a_command(fix)]
    assert '<a class="fix-link" href="/sync/held">Åpne «Til avgjørelse»</a>' in page
    # The search finds the web's words too.
    found = support_client.get("/help?q=Tilbakestill bunten").text
    assert 'id="account_not_found"' in found


def test_a_fix_shown_on_its_own_screen_does_not_link_to_itself() -> None:
    message = render("pos_setting_invalid", reason="x")
    template = environment("nb").from_string(_MESSAGE)
    with page_context(_Request("/connections/4/pos", {"connection_id": 4})):
        html = template.render(m=message)
    assert "lagre oppsettet på nytt under «Kasseoppsett»" in html and "fix-link" not in html
    with page_context(_Request("/connections/4", {"connection_id": 4})):
        elsewhere = template.render(m=message)
    assert '<a class="fix-link" href="/connections/4/pos">Åpne «Kasseoppsett»</a>' in elsewhere


class _Request:
    """What the filter reads of a request: its path and path values."""

    def __init__(self, path: str, path_params: dict[str, object]) -> None:
        self.url = type("URL", (), {"path": path})()
        self.path_params = path_params
