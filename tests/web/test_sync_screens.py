"""«Synk-logg» and «Til avgjørelse»: the sync log with its filters, held matches decided (link to one,
create new, leave out), in both languages; and the same in a real browser (Chromium via Playwright)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, expect
from sqlalchemy import select

from tests.fixtures.sandbox import SandboxCompany
from tests.web.conftest import PASSWORD, LiveApp
from tests.web.test_browser import Visitor
from txbridge.flows import accounts
from txbridge.flows import connections as flow_connections
from txbridge.flows.sync import apply_from_tripletex
from txbridge.flows.sync.held import hold
from txbridge.flows.sync.hostwebhooks import add_endpoint
from txbridge.flows.sync.matching import Candidate, Hold
from txbridge.settings import Settings
from txbridge.store import Database, HeldDecision, HeldMatch, SyncLink, SyncResource


@pytest.fixture
def synced(db: Database, settings: Settings, sandbox_company: SandboxCompany) -> int:
    """A connection whose sync log has a skipped customer and a skipped project, and two held matches."""
    connection = flow_connections.connect(
        db,
        settings,
        name="svenn",
        environment="sandbox",
        consumer_token=sandbox_company.consumer_token,
        employee_token=sandbox_company.employee_token,
        base_url=sandbox_company.base_url,
    )
    cid = connection.id
    apply_from_tripletex(
        db,
        cid,
        SyncResource.CUSTOMER,
        501,
        {"id": 501, "version": 1, "name": "Sovende AS", "isInactive": True},
    )
    apply_from_tripletex(
        db, cid, SyncResource.PROJECT, 601, {"id": 601, "version": 1, "name": "Uten start", "number": "P-1"}
    )
    for number, (host_id, name) in enumerate((("h-1", "Fjord Kafé AS"), ("h-2", "Berg Bygg AS"))):
        a, b = 700 + 2 * number, 701 + 2 * number
        with db.transaction() as session:
            hold(
                session,
                cid,
                SyncResource.CUSTOMER,
                Hold(
                    host_id,
                    name,
                    "sync_held_ambiguous",
                    (Candidate(a, name, "name"), Candidate(b, name, "name")),
                ),
            )
    return cid


def test_the_sync_log_filters_and_speaks_both_languages(admin_client: TestClient, synced: int) -> None:
    page = admin_client.get("/sync/log")
    assert page.status_code == 200
    assert "Sovende AS" in page.text and "Uten start" in page.text
    assert "sync_customer_inactive" in page.text and "Ikke synkronisert" in page.text
    assert "Slik løser du det:" in page.text
    only_projects = admin_client.get("/sync/log", params={"resource": "project"})
    assert "Uten start" in only_projects.text and "Sovende AS" not in only_projects.text
    by_rule = admin_client.get(
        "/sync/log", params={"rule": "sync_customer_inactive", "connection": str(synced)}
    )
    assert "Sovende AS" in by_rule.text and "Uten start" not in by_rule.text
    nonsense = admin_client.get("/sync/log", params={"resource": "x", "outcome": "y", "connection": "z"})
    assert nonsense.status_code == 200  # unknown filters are ignored, never a traceback
    admin_client.post(
        "/language", data={"language": "en", "next": "/sync/log", "csrf_token": _csrf(admin_client)}
    )
    english = admin_client.get("/sync/log")
    assert "Sync log" in english.text and "Not synced" in english.text
    assert "No webhook address" in english.text


def test_the_host_webhook_addresses_are_listed_masked(
    admin_client: TestClient, db: Database, settings: Settings, synced: int
) -> None:
    made = add_endpoint(db, settings, synced, "https://vert.example.no/hooks")
    page = admin_client.get("/sync/log")
    assert "Webhook-adresser i vertssystemet" in page.text and "https://vert.example.no/hooks" in page.text
    assert f"whsec_…{made.secret[-4:]}" in page.text and made.secret not in page.text


def _csrf(client: TestClient) -> str:
    from tests.web.conftest import csrf_of

    return csrf_of(client.get("/sync/held").text)


def test_held_matches_are_decided(admin_client: TestClient, db: Database, synced: int) -> None:
    page = admin_client.get("/sync/held")
    assert "Fjord Kafé AS" in page.text and "Berg Bygg AS" in page.text
    with db.reading() as session:
        held = {h.host_id: h.id for h in session.scalars(select(HeldMatch))}
    token = _csrf(admin_client)
    linked = admin_client.post(
        f"/sync/held/{held['h-1']}",
        data={"decision": "link:701", "csrf_token": token},
        follow_redirects=False,
    )
    assert linked.status_code == 303
    wrong = admin_client.post(f"/sync/held/{held['h-2']}", data={"decision": "link:999", "csrf_token": token})
    assert wrong.status_code == 422 and "999" in wrong.text
    skipped = admin_client.post(
        f"/sync/held/{held['h-2']}", data={"decision": "skip", "csrf_token": token}, follow_redirects=False
    )
    assert skipped.status_code == 303
    with db.reading() as session:
        decisions = {h.host_id: (h.decision, h.decided_by) for h in session.scalars(select(HeldMatch))}
        links = {(link.host_id, link.tripletex_id) for link in session.scalars(select(SyncLink))}
    assert decisions == {"h-1": (HeldDecision.LINK, "ada"), "h-2": (HeldDecision.SKIP, "ada")}
    assert ("h-1", 701) in links
    assert "Ingenting venter på avgjørelse." in admin_client.get("/sync/held").text
    assert (
        admin_client.post(f"/sync/held/{held['h-1']}", data={"decision": "skip"}).status_code == 403
    )  # no CSRF


@pytest.fixture(scope="module", name="chromium")
def chromium_fixture(chromium_browser: Browser) -> Browser:
    return chromium_browser  # the module's one Chromium (tests/web/conftest.py)


@pytest.mark.xdist_group("browser")
def test_in_a_browser_a_support_user_reads_the_log_and_decides(
    chromium: Browser, live_app: LiveApp, db: Database, synced: int
) -> None:
    accounts.add_user(db, "sam", PASSWORD)
    visitor = Visitor(chromium, live_app)
    page = visitor.sign_in("sam")
    page.get_by_role("link", name="Synk-logg").click()
    expect(page.get_by_role("heading", name="Synk-logg")).to_be_visible()
    expect(page.get_by_role("cell", name="Sovende AS (501)", exact=True)).to_be_visible()
    page.get_by_label("Objekttype").select_option("project")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_role("cell", name="Uten start (601)", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="Sovende AS (501)", exact=True)).to_have_count(0)

    page.get_by_role("link", name="Til avgjørelse").click()
    form = page.locator("form.held").filter(has_text="Fjord Kafé AS")
    form.get_by_label("Koble til Fjord Kafé AS (Tripletex 700)").check()
    form.get_by_role("button", name="Avgjør").click()
    expect(page.get_by_role("status")).to_contain_text("lagret")
    expect(page.locator("form.held").filter(has_text="Fjord Kafé AS")).to_have_count(0)
    expect(page.locator("form.held").filter(has_text="Berg Bygg AS")).to_have_count(1)
    visitor.close()
