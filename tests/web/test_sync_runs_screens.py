"""«Synkronisering»: the sync's status per connection, «Start første synkronisering» behind a
confirmation that explains the two steps, «Send endringer nå», both as jobs (admins only, CSRF as
every form), the status refreshing while a job runs; and in a real browser (Chromium via
Playwright) the initial sync started against the sandbox and seen to finish with linked objects and
a held match."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, expect
from sqlalchemy import select

from tests.fixtures.sandbox import SandboxCompany
from tests.web.conftest import LiveApp, csrf_of
from tests.web.sync_runs_data import HELD_HOST_ID, overlapping_connection
from tests.web.test_browser import Visitor
from tests.web.test_sync_screens import chromium_fixture  # noqa: F401 - the module's Chromium
from txbridge.flows import accounts
from txbridge.jobs import api as jobs
from txbridge.jobs.runner import EmbeddedRunner
from txbridge.settings import Settings
from txbridge.store import Database, SyncLink


@pytest.fixture
def connection_id(db: Database, settings: Settings, sandbox_company: SandboxCompany) -> int:
    return overlapping_connection(db, settings, sandbox_company)


def test_an_admin_starts_the_initial_sync_then_sends_changes(
    admin_client: TestClient, db: Database, settings: Settings, connection_id: int
) -> None:
    page = admin_client.get("/sync")
    assert page.status_code == 200
    assert "Synkronisering" in page.text and "Ikke startet" in page.text
    assert f'href="/sync/connections/{connection_id}/initial"' in page.text
    assert "Send endringer nå" not in page.text
    confirm = admin_client.get(f"/sync/connections/{connection_id}/initial")
    assert "Synkroniseringen skjer i to steg:" in confirm.text and "Til avgjørelse" in confirm.text
    token = csrf_of(confirm.text)
    url = f"/sync/connections/{connection_id}/initial"
    assert admin_client.post(url, data={}).status_code == 403  # no CSRF
    started = admin_client.post(url, data={"csrf_token": token}, follow_redirects=False)
    assert started.status_code == 303
    (job,) = jobs.list_jobs(db, settings, connection_id=connection_id)
    assert (job.task, job.state, job.requested_by) == ("sync_initial", "queued", "ada")
    assert started.headers["location"] == f"/sync?connection={connection_id}&started={job.id}"
    waiting = admin_client.get(started.headers["location"])
    assert f"Jobb {job.id} er startet" in waiting.text
    assert f'hx-get="/sync/connections/{connection_id}/status"' in waiting.text  # refreshes while it waits
    again = admin_client.post(url, data={"csrf_token": token})
    assert again.status_code == 409 and f"jobb {job.id}" in again.text
    early = admin_client.post(f"/sync/connections/{connection_id}/push", data={"csrf_token": token})
    assert early.status_code == 422 and "har ikke fullført den første synkroniseringen" in early.text

    EmbeddedRunner(db, settings, run_schedules=False).run_until_idle()
    box = admin_client.get(f"/sync/connections/{connection_id}/status")
    assert "Ferdig: systemene følger hverandres endringer" in box.text
    assert "hx-get" not in box.text  # nothing runs: no more polling
    assert f'href="/sync/held?connection={connection_id}">Til avgjørelse (1)' in box.text
    done = admin_client.get(f"/sync?connection={connection_id}")
    assert "Send endringer nå" in done.text and "Start første synkronisering" not in done.text
    pushed = admin_client.post(
        f"/sync/connections/{connection_id}/push", data={"csrf_token": token}, follow_redirects=False
    )
    assert pushed.status_code == 303
    assert jobs.last_sync_jobs(db, settings, connection_id).push is not None
    log = admin_client.get("/log", params={"connection": str(connection_id)})
    assert "Første synkronisering startet" in log.text  # who started it, in the integration log

    admin_client.post("/language", data={"language": "en", "next": "/sync", "csrf_token": token})
    english = admin_client.get(f"/sync?connection={connection_id}")
    assert "Synchronisation" in english.text and "Send changes — job" in english.text
    assert "Send changes now" not in english.text  # not while the push waits for the runner


def test_a_support_user_sees_the_status_but_cannot_start(
    support_client: TestClient, db: Database, settings: Settings, connection_id: int
) -> None:
    page = support_client.get(f"/sync?connection={connection_id}")
    assert page.status_code == 200 and "Ikke startet" in page.text
    assert "Start første synkronisering" not in page.text
    token = csrf_of(page.text)
    refused = support_client.post(f"/sync/connections/{connection_id}/initial", data={"csrf_token": token})
    assert refused.status_code == 403
    assert support_client.get(f"/sync/connections/{connection_id}/initial").status_code == 403
    assert jobs.list_jobs(db, settings, connection_id=connection_id) == []
    assert support_client.get("/sync/connections/999/status").status_code == 404


@pytest.mark.xdist_group("browser")
def test_in_a_browser_the_initial_sync_runs_and_finishes(
    chromium: Browser,
    live_app: LiveApp,
    db: Database,
    connection_id: int,
    admin: accounts.UserInfo,
    worker: None,
) -> None:
    visitor = Visitor(chromium, live_app)
    page = visitor.sign_in(admin.username)
    page.get_by_role("link", name="Synkronisering").click()
    expect(page.get_by_role("heading", name="Synkronisering", exact=True)).to_be_visible()
    expect(page.get_by_text("Ikke startet")).to_be_visible()
    page.get_by_role("link", name="Start første synkronisering").click()
    expect(page.get_by_text("Synkroniseringen skjer i to steg:")).to_be_visible()
    page.get_by_role("button", name="Ja, start første synkronisering").click()
    expect(page.get_by_role("status").first).to_contain_text("er startet")
    # The embedded runner does the work; the status refreshes by itself until it is done.
    expect(page.get_by_text("Ferdig: systemene følger hverandres endringer")).to_be_visible(timeout=60_000)
    customers = page.locator("table.sync-status tr", has_text="Kunde")
    expect(customers.locator("td").nth(0)).to_have_text("Ferdig")
    with db.reading() as session:
        linked = session.scalar(select(SyncLink.tripletex_id).where(SyncLink.host_id == "c-fjord"))
    assert linked is not None  # linked by organisation number, not created twice
    expect(page.get_by_role("button", name="Send endringer nå")).to_be_visible()
    page.get_by_role("link", name="Til avgjørelse (1)").click()
    expect(page.locator("form.held").filter(has_text="Dobbel")).to_have_count(1)
    expect(page.get_by_text(f"vertssystemets id {HELD_HOST_ID}")).to_be_visible()
    visitor.close()
