"""The POS set-up wizard in the admin UI, against the sandbox over real HTTP: the steps of the seed,
accounts offered from the company's chart and saved by number, an account not in the chart refused
with the catalog's message; support staff may look but not change; and the same wizard in a real
browser (Playwright on Debian's Chromium)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, expect

from tests.web.conftest import LiveApp, World, csrf_of
from tests.web.test_browser import Visitor, browser  # noqa: F401 - the module's browser fixture
from txbridge.flows import accounts
from txbridge.flows.daysales import setup as pos
from txbridge.store import Database, PosAccountGroup


def _post(client: TestClient, url: str, page: str, data: dict[str, object]) -> object:
    token = csrf_of(client.get(page).text)
    return client.post(url, data={**data, "csrf_token": token}, follow_redirects=False)


def test_the_wizard_saves_each_step_and_refuses_an_account_not_in_the_chart(
    admin_client: TestClient, world: World, db: Database
) -> None:
    base = f"/connections/{world.connection_id}/pos"
    first = admin_client.get(base)
    assert first.status_code == 200 and "Startdato for eksport av salgsdata til Tripletex" in first.text
    # Before a start date nothing else is offered.
    assert "Velg regnskapskontoer" not in admin_client.get(f"{base}?step=3").text
    saved = _post(admin_client, f"{base}/start", base, {"start_date": "2026-10-01"})
    assert saved.status_code == 303 and saved.headers["location"].endswith("?step=2")  # type: ignore[attr-defined]
    step2 = admin_client.get(f"{base}?step=2").text
    # The company's chart: 1920 with its name, 3001 with VAT 31 (15 %).
    assert "1920 Bankinnskudd" in step2 and "vipps" in step2
    answer = _post(
        admin_client, f"{base}/step/2", f"{base}?step=2",
        {"key": ["cash", "card", "vipps", "gift_card", "invoice", "", "", ""],
         "account": ["1900", "1920", "1570", "", "", "", "", ""]},
    )  # fmt: skip
    assert answer.status_code == 303  # type: ignore[attr-defined]
    step4 = admin_client.get(f"{base}?step=4").text
    assert "3001 Salgsinntekt, avgiftspliktig, middels sats (mva/VAT 31: 15 %)" in step4
    refused = _post(admin_client, f"{base}/step/4", f"{base}?step=4", {"key": ["food"], "account": ["3999"]})
    assert refused.status_code == 422  # type: ignore[attr-defined]
    assert "Konto 3999 finnes ikke i kontoplanen i Tripletex (food)" in refused.text  # type: ignore[attr-defined]
    _post(admin_client, f"{base}/step/4", f"{base}?step=4", {"key": ["food"], "account": ["3001"]})
    view = pos.show(db, world.connection_id)
    assert view.accounts(PosAccountGroup.PAYMENT_METHOD) == {"card": 1920, "cash": 1900, "vipps": 1570}
    assert view.accounts(PosAccountGroup.TAKEAWAY_GROUP) == {"food": 3001}
    summary = admin_client.get(f"{base}?step=6").text
    assert "2026-10-01" in summary and "Varegrupper (takeaway)" in summary


def test_support_sees_the_set_up_but_cannot_change_it(
    support_client: TestClient, world: World, db: Database
) -> None:
    base = f"/connections/{world.connection_id}/pos"
    assert support_client.get(base).status_code == 200
    answer = _post(support_client, f"{base}/start", base, {"start_date": "2026-10-01"})
    assert answer.status_code == 403  # type: ignore[attr-defined]
    assert not pos.show(db, world.connection_id).configured


@pytest.fixture
def admin_visitor(browser: Browser, live_app: LiveApp, admin: accounts.UserInfo) -> Iterator[Visitor]:  # noqa: F811
    seen = Visitor(browser, live_app)
    yield seen
    seen.close()


@pytest.mark.xdist_group("browser")
def test_the_wizard_in_a_browser(admin_visitor: Visitor, world: World, db: Database) -> None:
    page = admin_visitor.sign_in("ada")
    page.goto(f"/connections/{world.connection_id}")
    page.get_by_role("link", name="Kasseoppsett").click()
    page.get_by_label("Startdato for eksport av salgsdata til Tripletex").fill("2026-10-01")
    page.get_by_role("button", name="Neste").click()
    expect(page.get_by_text("Velg regnskapskontoer for betalingsmåtene dine.")).to_be_visible()
    page.get_by_label("Konto for card", exact=True).select_option("1920")
    page.get_by_label("Ny kode 1", exact=True).fill("bankaxept")
    page.get_by_label("Konto for ny kode 1").select_option("1920")
    page.get_by_role("button", name="Neste").click()
    page.get_by_label("Ny kode 1", exact=True).fill("mat")
    page.get_by_label("Konto for ny kode 1").select_option("3000")
    page.get_by_role("button", name="Neste").click()
    page.get_by_label("Ny kode 1", exact=True).fill("mat")
    page.get_by_label("Konto for ny kode 1").select_option("3001")
    page.get_by_role("button", name="Neste").click()
    page.get_by_label("Konto for tips", exact=True).select_option("2915")
    page.get_by_role("button", name="Neste").click()
    expect(page.get_by_text("Dagsoppgjør fra startdatoen eksporteres med disse kontoene.")).to_be_visible()
    page.get_by_role("link", name="Fullfør").click()
    view = pos.show(db, world.connection_id)
    assert view.accounts(PosAccountGroup.PAYMENT_METHOD) == {"bankaxept": 1920, "card": 1920}
    assert view.accounts(PosAccountGroup.PRODUCT_GROUP) == {"mat": 3000}
    assert view.accounts(PosAccountGroup.TAKEAWAY_GROUP) == {"mat": 3001}
    assert view.accounts(PosAccountGroup.EVENT) == {"tips": 2915}
