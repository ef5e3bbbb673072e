"""The help page (the whole catalog, searchable, also as an htmx fragment) and the integration log's
filters and paging."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.conftest import World
from txbridge.catalog import CATALOG
from txbridge.flows import accounts
from txbridge.store import Database


def test_help_lists_every_catalog_message_with_cause_and_fix(support_client: TestClient) -> None:
    page = support_client.get("/help").text
    for entry in CATALOG.values():
        assert f'id="{entry.id}"' in page
    assert f"{len(CATALOG)} av {len(CATALOG)} meldinger" in page
    assert "Årsak:" in page and "Slik løser du det:" in page


def test_help_search_narrows_and_answers_htmx_with_a_fragment(support_client: TestClient) -> None:
    found = support_client.get("/help?q=konto 3099").text
    assert 'id="account_not_found"' not in found  # «3099» is not in the entry's text
    found = support_client.get("/help?q=kontoplanen").text
    assert 'id="account_not_found"' in found and 'id="sign_in_failed"' not in found
    fragment = support_client.get("/help?q=kontoplanen", headers={"HX-Request": "true"}).text
    assert "<html" not in fragment and 'id="account_not_found"' in fragment


def test_log_filters_by_connection_level_and_page(
    admin_client: TestClient, world: World, db: Database, admin: accounts.UserInfo
) -> None:
    for n in range(60):
        accounts.log_action(
            db, admin, nb=f"Handling {n}", en=f"Action {n}", connection_id=world.connection_id
        )
    page = admin_client.get(f"/log?connection={world.connection_id}").text
    assert "Handling 59 (av ada)" in page and "Handling 9 (av ada)" not in page  # newest first, 50 a page
    assert 'rel="next"' in page
    second = admin_client.get(f"/log?connection={world.connection_id}&offset=50").text
    assert "Handling 9 (av ada)" in second
    errors = admin_client.get("/log?level=error").text
    assert "Handling" not in errors and "Ingenting i loggen passer." in errors
    assert admin_client.get("/log?connection=999").text.count("Ingenting i loggen passer.") == 1
    english = admin_client.get("/log?since=2000-01-01&level=nonsense&batch=x").text
    assert "Handling 59" in english
