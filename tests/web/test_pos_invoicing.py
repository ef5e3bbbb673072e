"""POS invoicing in the admin UI, against the sandbox over real HTTP: the set-up's switches (only an
administrator changes them; invoicing is off until ticked, and off refuses sales), «Enable invoicing»
refused while the day sales map the «invoice» payment method (one sale, booked once) and the wizard
no longer offering «invoice» once it is on, the bank account number checked with the catalog's
message, the customers from the flow's cached list (searched, paged), the sales with their state and,
for a failed one, the message and «Hvorfor?»; «Collect now» refused while the period runs, else
closing the batches and queuing their exports as jobs; and the whole walk in a real browser."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, expect

from tests.fixtures.sandbox import SandboxCompany, new_sandbox_company
from tests.web.conftest import LiveApp, World, csrf_of
from tests.web.test_browser import Visitor, browser  # noqa: F401 - the module's browser fixture
from txbridge.flows import accounts, posinvoice
from txbridge.flows import connections as flow_connections
from txbridge.flows.daysales import setup as pos
from txbridge.flows.export import close_batch, export_batch
from txbridge.jobs import api as jobs
from txbridge.sandbox.server import SandboxServer
from txbridge.settings import Settings
from txbridge.store import Batch, Database, OutboundKind, PosAccountGroup
from txbridge.web.ui import pos_invoicing

LINES = (posinvoice.SaleLine("Lunsjbuffet", Decimal(2), Decimal("189.00"), 3),)


def _last_month() -> date:
    """A day of an ended period (collective invoices are made once the period is over)."""
    return date.today().replace(day=1) - timedelta(days=10)


def _customer(company: SandboxCompany, name: str, org: str) -> dict[str, Any]:
    with company.client() as api:
        response = api.post("/customer", json={"name": name, "organizationNumber": org})
        response.raise_for_status()
        value: dict[str, Any] = response.json()["value"]
        return value


def _sale(
    db: Database, settings: Settings, connection_id: int, host_id: str, customer: dict[str, Any]
) -> None:
    sale = posinvoice.InvoiceSale(host_id, _last_month(), int(customer["id"]), LINES, reference="Kari")
    posinvoice.record_sale(db, settings, connection_id, sale)


def _post(client: TestClient, url: str, page: str, data: dict[str, object]) -> httpx.Response:
    token = csrf_of(client.get(page).text)
    return client.post(url, data={**data, "csrf_token": token}, follow_redirects=False)


def test_the_set_up_switches_are_saved_by_an_administrator_only(
    admin_client: TestClient, support_client: TestClient, world: World, db: Database, settings: Settings
) -> None:
    base = f"/connections/{world.connection_id}/pos/invoicing"
    assert "lagre startdatoen der først" in admin_client.get(base).text
    pos.save(db, world.connection_id, start_date=date(2026, 10, 1), by="test")
    page = admin_client.get(base).text
    # Off until ticked (seed step 12 is opt-in): the page says what turning it on means for the
    # Z-reports, and checks no bank account while there is nothing to invoice.
    assert "Aktiver samlefaktura" in page and "bankkontonummer" not in page
    assert "Z-rapportene tar ikke med disse salgene" in page
    assert posinvoice.invoicing_setup(db, world.connection_id).invoicing is False
    form = {"invoicing": "true", "collective_invoice": "true", "send_to_customer": "true"}
    refused = _post(support_client, base, base, form)
    assert refused.status_code == 403
    assert posinvoice.invoicing_setup(db, world.connection_id).collective_invoice is False
    saved = _post(admin_client, base, base, form)
    assert saved.status_code == 303
    assert posinvoice.invoicing_setup(db, world.connection_id) == posinvoice.InvoicingSetup(
        True, True, True, True
    )
    assert "Selskapet har et bankkontonummer i Tripletex" in admin_client.get(base).text
    # Invoicing off: the POS's next sale is refused with the catalog's message.
    assert _post(admin_client, base, base, {"collective_invoice": "true"}).status_code == 303
    customer = _customer(world.company, "Fjordkafé AS", "923456783")
    with pytest.raises(posinvoice.PosInvoiceError) as off:
        _sale(db, settings, world.connection_id, "S-1", customer)
    assert off.value.message.id == "pos_invoicing_off"


def test_enable_invoicing_is_refused_while_the_day_sales_map_the_invoice_payment_method(
    admin_client: TestClient, world: World, db: Database
) -> None:
    pos.save(
        db,
        world.connection_id,
        start_date=date(2026, 10, 1),
        mappings={PosAccountGroup.PAYMENT_METHOD: {"card": 1920, "invoice": 1500}},
        by="test",
    )
    base = f"/connections/{world.connection_id}/pos/invoicing"
    wizard = f"/connections/{world.connection_id}/pos"
    assert "Betalingsmåten «invoice» har konto 1500 i dagsoppgjøret" in admin_client.get(base).text
    refused = _post(admin_client, base, base, {"invoicing": "true", "collective_invoice": "true"})
    assert refused.status_code == 422
    assert "Fakturering fra kassen kan ikke slås på: betalingsmåten «invoice» har konto 1500" in refused.text
    # The fix in the web's words, with a link to the wizard where the account is removed.
    assert "Velg «(ingen)» som konto for «invoice» under «Kasseoppsett»" in refused.text
    assert f'<a class="fix-link" href="{wizard}">Åpne «Kasseoppsett»</a>' in refused.text
    assert "txbridge pos" not in refused.text
    assert posinvoice.invoicing_setup(db, world.connection_id).collective_invoice is False  # nothing saved
    # «(ingen)» for «invoice» in the wizard's payment step, then invoicing turns on.
    step2 = f"{wizard}?step=2"
    assert "<code>invoice</code>" in admin_client.get(step2).text
    form = {"key": ["card", "invoice"], "account": ["1920", ""]}
    assert _post(admin_client, f"{wizard}/step/2", step2, form).status_code == 303
    assert _post(admin_client, base, base, {"invoicing": "true"}).status_code == 303
    assert posinvoice.invoicing_setup(db, world.connection_id).invoicing is True
    # While it is on, the wizard (as the CLI) no longer offers «invoice», and says why.
    page = admin_client.get(step2).text
    assert "<code>invoice</code>" not in page and "<code>vipps</code>" in page
    assert "Fakturering fra kassen er på" in page
    again = _post(admin_client, f"{wizard}/step/2", step2, {"key": ["invoice"], "account": ["1900"]})
    assert again.status_code == 422
    assert "Betalingsmåten «invoice» kan ikke få konto (1900)" in again.text
    assert f'<a class="fix-link" href="{base}">Åpne «Kassefakturering»</a>' in again.text


def test_customers_are_searched_and_paged_from_the_cached_list(
    admin_client: TestClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, org in (("Fjordkafé AS", "923456783"), ("Bakeriet Sør AS", "987654325")):
        _customer(world.company, name, org)
    base = f"/connections/{world.connection_id}/pos/customers"
    found = admin_client.get(f"{base}?q=fjord").text
    assert "Fjordkafé AS" in found and "Bakeriet Sør AS" not in found
    monkeypatch.setattr(pos_invoicing, "PER_PAGE", 1)
    first, second = admin_client.get(base).text, admin_client.get(f"{base}?offset=1").text
    assert "1–1 av 2" in first and "Fjordkafé AS" in first and "Bakeriet Sør AS" in second


def test_a_failed_sale_shows_why_and_the_bank_account_is_checked_first(
    admin_client: TestClient, db: Database, settings: Settings, sandbox_server: SandboxServer
) -> None:
    company = new_sandbox_company(sandbox_server, bankAccount=False)
    connection = flow_connections.connect(
        db,
        settings,
        name="nobank",
        environment="sandbox",
        consumer_token=company.consumer_token,
        employee_token=company.employee_token,
        base_url=company.base_url,
    )
    flow_connections.approve(db, connection.id)
    pos.save(db, connection.id, start_date=date(2026, 10, 1), by="test")
    posinvoice.set_invoicing(db, connection.id, True, by="test")
    setup = admin_client.get(f"/connections/{connection.id}/pos/invoicing").text
    assert "Selskapet har ikke noe bankkontonummer i Tripletex" in setup
    _sale(db, settings, connection.id, "S-7", _customer(company, "Fjordkafé AS", "923456783"))
    closed = close_batch(db, connection.id, _last_month().strftime("%Y-%m"))
    assert closed.batch_id is not None
    assert not export_batch(db, settings, closed.batch_id).ok
    sales = f"/connections/{connection.id}/pos/sales"
    failed = admin_client.get(f"{sales}?state=failed").text
    assert "S-7" in failed and "Selskapet har ikke noe bankkontonummer i Tripletex" in failed
    assert f"/batches/{closed.batch_id}/why/POS-S-7" in failed
    assert admin_client.get(f"/batches/{closed.batch_id}/why/POS-S-7").status_code == 200
    assert "S-7" not in admin_client.get(f"{sales}?state=invoiced").text


def test_collect_now_is_refused_while_the_period_runs_and_else_queues_the_exports(
    admin_client: TestClient, world: World, db: Database, settings: Settings
) -> None:
    pos.save(db, world.connection_id, start_date=date(2026, 10, 1), by="test")
    posinvoice.set_invoicing(db, world.connection_id, True, by="test")
    posinvoice.set_collective_invoice(db, world.connection_id, True, by="test")
    customer = _customer(world.company, "Fjordkafé AS", "923456783")
    _sale(db, settings, world.connection_id, "S-1", customer)
    base = f"/connections/{world.connection_id}/pos/collective"
    # The customer as users know it: Tripletex's number (the store's copy is numbered apart).
    number = customer["customerNumber"]
    assert f"{number} Fjordkafé AS" in admin_client.get(base).text
    sales = f"/connections/{world.connection_id}/pos/sales"
    assert "S-1" in admin_client.get(f"{sales}?customer={number}").text
    assert "S-1" not in admin_client.get(f"{sales}?customer={number + 1}").text
    running = date.today().strftime("%Y-%m")
    refused = _post(admin_client, f"{base}/collect", base, {"period": running})
    assert refused.status_code == 422 and f"Perioden {running} er ikke slutt ennå" in refused.text
    period = _last_month().strftime("%Y-%m")
    assert f"Samle {period} nå" in admin_client.get(base).text
    started = _post(admin_client, f"{base}/collect", base, {"period": period})
    assert started.status_code == 303
    queued = jobs.list_jobs(db, settings, connection_id=world.connection_id)[::-1]
    # Orders first, then the collective invoice: a connection's jobs run one at a time, in order.
    with db.reading() as session:
        kinds = [session.get(Batch, job.batch_id).kind for job in queued]  # type: ignore[union-attr]
    assert kinds == [OutboundKind.POS_ORDER, OutboundKind.COLLECTIVE_INVOICE]
    assert {job.state for job in queued} == {"queued"}
    page = admin_client.get(started.headers["location"]).text
    assert "Samlingen er startet" in page and "I en bunt" in page


@pytest.fixture
def admin_visitor(browser: Browser, live_app: LiveApp, admin: accounts.UserInfo) -> Iterator[Visitor]:  # noqa: F811
    seen = Visitor(browser, live_app)
    yield seen
    seen.close()


@pytest.mark.xdist_group("browser")
def test_set_up_customers_a_sale_and_collect_now_in_a_browser(
    admin_visitor: Visitor, world: World, db: Database, settings: Settings, worker: None
) -> None:
    pos.save(db, world.connection_id, start_date=date(2026, 10, 1), by="test")
    customer = _customer(world.company, "Fjordkafé AS", "923456783")
    page = admin_visitor.sign_in("ada")
    page.goto(f"/connections/{world.connection_id}")
    page.get_by_role("link", name="Kassefakturering").click()
    expect(page.get_by_label("Aktiver fakturering")).not_to_be_checked()  # off until ticked
    page.get_by_label("Aktiver fakturering").check()
    page.get_by_label("Aktiver samlefaktura").check()
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_role("status").first).to_contain_text("Faktureringsoppsettet er lagret.")
    expect(page.get_by_role("status").filter(has_text="Selskapet har et bankkontonummer")).to_be_visible()
    page.get_by_role("link", name="Kunder", exact=True).click()
    expect(page.locator("table")).to_contain_text("Fjordkafé AS")
    _sale(db, settings, world.connection_id, "S-1", customer)
    page.get_by_role("link", name="Fakturasalg").click()
    expect(page.locator("table.sales tbody tr")).to_contain_text("Venter")
    page.get_by_role("link", name="Samlefakturaer").click()
    period = _last_month().strftime("%Y-%m")
    page.get_by_role("button", name=f"Samle {period} nå").click()
    expect(page.get_by_role("status")).to_contain_text("Samlingen er startet")
    # The exports run as jobs; the list shows the invoice once both are done.
    sales = page.get_by_role("link", name="Fakturasalg")
    for _ in range(60):
        sales.click()
        if "Fakturert" in page.locator("table.sales tbody").inner_text():
            break
        page.wait_for_timeout(500)
    row = page.locator("table.sales tbody tr").first
    expect(row).to_contain_text("Fakturert")
    expect(row).to_contain_text(f"{period} · {customer['customerNumber']}")
