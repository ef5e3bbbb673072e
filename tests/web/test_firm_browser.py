"""The accounting firm's screens in a real browser (Debian's Chromium through Playwright, the app
under uvicorn, the sandbox over HTTP): mark a firm, import clients, link by suggestion and by
searching as you type, fix a wrong link, map fields behind «Vis flere» by keyboard, set the import
day, and every firm page readable at 360 px with every field labelled."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.fixtures.sandbox import new_sandbox_company
from tests.web.conftest import LiveApp
from tests.web.test_browser import Visitor, browser  # noqa: F401 - the module's browser fixture
from txbridge.flows import accounts, connections
from txbridge.flows.firm.mapping import mapped_fields
from txbridge.flows.views import firm as views
from txbridge.sandbox.server import SandboxServer
from txbridge.settings import Settings
from txbridge.store import Database

pytestmark = pytest.mark.xdist_group("browser")


def test_a_firm_set_up_in_the_browser(
    browser: Browser,  # noqa: F811
    live_app: LiveApp,
    admin: accounts.UserInfo,
    db: Database,
    settings: Settings,
    sandbox_server: SandboxServer,
) -> None:
    sandbox = new_sandbox_company(sandbox_server, name="Byrå AS", accountantClients=3)
    connection = connections.connect(
        db,
        settings,
        name="byraa",
        environment="sandbox",
        consumer_token=sandbox.consumer_token,
        employee_token=sandbox.employee_token,
        base_url=sandbox.base_url,
    )
    connections.approve(db, connection.id)
    first, second, third = sandbox.client_company_ids
    visitor = Visitor(browser, live_app)
    try:
        page = visitor.sign_in("ada")
        page.get_by_role("link", name="Regnskapsbyrå").click()
        page.get_by_label("Bruk en tilkobling som byråets").select_option(label="byraa (Byrå AS)")
        page.get_by_role("button", name="Merk som byråtilkobling").click()
        expect(page.get_by_text("Tilkoblingen er nå byråets tilkobling.")).to_be_visible()
        orgnr = next(
            c.organization_number for c in views.list_companies(db, connection.id) if c.company_id == first
        )

        page.get_by_label("Lim inn radene").fill(f"nøkkel;navn;orgnr\nK1;Alfa AS;{orgnr}\nK2;Beta AS;\n")
        page.get_by_role("button", name="Importer", exact=True).click()
        expect(page.get_by_text("Klienter importert: 2 nye, 0 endret.")).to_be_visible()
        page.get_by_role("button", name="Koble 1 foreslåtte").click()
        expect(page.get_by_text("1 klienter koblet på organisasjonsnummer.")).to_be_visible()

        # K2 by searching as you type; then the link was wrong and is fixed.
        page.get_by_role("link", name="K2", exact=True).click()
        page.get_by_label("Søk i klientselskapene").press_sequentially("klient 3", delay=20)
        page.get_by_role("button", name="Koble til Byrå AS klient 3").click()
        expect(page.get_by_text("Klienten er koblet.", exact=True)).to_be_visible()
        page.get_by_label("Søk i klientselskapene").fill(str(second))
        page.get_by_label("Søk i klientselskapene").press("Enter")  # the form works without script too
        page.get_by_role("button", name="Koble til Byrå AS klient 2").click()
        expect(page.get_by_text("Klienten er koblet til riktig selskap.", exact=False)).to_be_visible()
        assert views.client_detail(db, connection.id, "K2").company_id == second
        assert third not in {c.company_id for c in views.list_companies(db, connection.id) if c.linked_client}

        # The mapping: «Vis flere» opened from the keyboard, a new field made on the spot.
        page.get_by_role("link", name="Feltkobling").click()
        page.get_by_label("Salgsbilag", exact=True).select_option(label="Nytt felt…")
        page.get_by_label("Navn på det nye feltet for Salgsbilag").fill("Salg (antall)")
        more = page.locator("details.more > summary")
        more.focus()
        page.keyboard.press("Enter")
        inbox = page.locator("#field-inbox_waiting")
        expect(inbox).to_be_visible()
        inbox.select_option(label="Nytt felt…")
        page.locator("#new-inbox_waiting").fill("Innboks")
        page.get_by_role("button", name="Lagre").click()
        expect(page.get_by_text("Feltkoblingen er lagret.", exact=False)).to_be_visible()
        assert mapped_fields(db, connection.id) == {
            "inbox_waiting": "Innboks",
            "sale_entries": "Salg (antall)",
        }

        page.get_by_role("link", name="Importinnstillinger").click()
        page.get_by_label("En dag i måneden etter").check()
        page.get_by_label("Dag i måneden etter (1–28)").fill("5")
        page.get_by_role("button", name="Lagre").click()
        expect(page.get_by_text("Importdagen er lagret.")).to_be_visible()

        page.get_by_role("link", name="Portefølje").click()
        expect(page.get_by_role("link", name="K1 Alfa AS")).to_be_visible()
        expect(page.get_by_role("columnheader", name="Salgsbilag")).to_be_visible()
    finally:
        visitor.close()

    narrow = Visitor(browser, live_app, width=360)
    try:
        page = narrow.sign_in("ada")
        for path in (
            "/firm",
            f"/firm/{connection.id}/portfolio",
            f"/firm/{connection.id}/clients",
            f"/firm/{connection.id}/clients/K2",
            f"/firm/{connection.id}/mapping",
            f"/firm/{connection.id}/settings",
        ):
            page.goto(path)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 360, f"{path} is {width} px wide"
            unlabelled = page.evaluate(
                """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
                     .filter(e => e.labels.length === 0 && !e.getAttribute('aria-label'))
                     .map(e => e.name)"""
            )
            assert unlabelled == [], f"{path}: {unlabelled}"
    finally:
        narrow.close()
