"""The admin UI in a real browser: Playwright driving Debian's Chromium (/usr/bin/chromium, installed
by scripts/install-test-deps.sh; never a downloaded browser) against the app under uvicorn, with the
sandbox over real HTTP and the embedded job runner, as ``txbridge serve`` runs on SQLite.

The batch page screenshot for the README is taken on every run; with TXBRIDGE_UPDATE_SCREENSHOTS=1 it
is written to docs/batch-page.png (commit it)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect
from playwright.sync_api import Error as PlaywrightError

from tests.fixtures.sandbox import SandboxCompany
from tests.web.conftest import FAILING, PASSWORD, LiveApp, World, world_items
from txbridge.flows import accounts
from txbridge.flows.intake import import_data
from txbridge.store import Database

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-gpu",
    "--disable-quic",
]
SCREENSHOT = Path(__file__).parents[2] / "docs" / "batch-page.png"

pytestmark = pytest.mark.xdist_group("browser")


@pytest.fixture(scope="module")
def browser(chromium_browser: Browser) -> Browser:
    """The module's Chromium (``tests/web/conftest.py``), under the name the browser tests use."""
    return chromium_browser


class Visitor:
    """One browser context (own cookies) on the live app; a CSP refusal or a script error fails the test."""

    def __init__(self, browser: Browser, live: LiveApp, *, width: int = 1280, locale: str = "nb-NO") -> None:
        self.context = browser.new_context(
            base_url=live.url, viewport={"width": width, "height": 900}, locale=locale
        )
        self.page: Page = self.context.new_page()
        self.problems: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(str(error)))

    def _console(self, message: ConsoleMessage) -> None:
        # A 403 page is an answer, not a problem; a blocked script or style (CSP) or a JS error is.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(message.text)

    def sign_in(self, username: str) -> Page:
        page = self.page
        page.goto("/sign-in")
        page.get_by_label("Brukernavn").fill(username)
        page.get_by_label("Passord").fill(PASSWORD)
        page.get_by_role("button", name="Logg inn").click()
        expect(page.get_by_role("heading", name="Tilkoblinger")).to_be_visible()
        return page

    def close(self) -> None:
        self.context.close()
        assert not self.problems, self.problems


@pytest.fixture
def visitor(browser: Browser, live_app: LiveApp, admin: accounts.UserInfo) -> Iterator[Visitor]:
    seen = Visitor(browser, live_app)
    yield seen
    seen.close()


def _connect_with_the_wizard(page: Page, company: SandboxCompany) -> None:
    page.get_by_role("link", name="Koble til et Tripletex-selskap").click()
    page.get_by_label("Navn på tilkoblingen").fill("acme")
    page.get_by_role("radio", name="Sandkasse").check()
    page.get_by_label("Adresse (bare sandkasse)").fill(company.base_url)
    page.get_by_label("Forbrukernøkkel (applikasjonens)").fill(company.consumer_token)
    page.get_by_label("Ansattnøkkel", exact=True).fill(f"  {company.employee_token} ")
    page.get_by_label("Nøkkelens utløpsdato").fill("2027-03-31")
    page.get_by_role("button", name="Test tilkobling").click()
    # htmx swapped the answer in under the form (no page load): the company name and the expiry.
    result = page.locator("#test-result")
    expect(result).to_contain_text("Tilkoblet")
    expect(result).to_contain_text("Nøkkelen utløper 2027-03-31")
    page.get_by_role("button", name="Lagre", exact=True).click()
    expect(page.locator("h1 .state")).to_have_text("Til godkjenning")


def test_admin_connects_approves_closes_exports_and_asks_why(
    visitor: Visitor,
    sandbox_company: SandboxCompany,
    db: Database,
    worker: None,
    tmp_path: Path,
) -> None:
    page = visitor.sign_in("ada")
    _connect_with_the_wizard(page, sandbox_company)
    page.get_by_role("button", name="Godkjenn").click()
    expect(page.get_by_role("status").first).to_contain_text("Tilkoblingen er godkjent.")
    expect(page.locator("h1 .state")).to_have_text("Aktiv")
    connection_id = int(page.url.rstrip("/").split("/")[-1].split("?")[0])

    # Host data in through the flows' intake (the REST API is another part's).
    report = import_data(db, connection_id, world_items())
    assert not report.rejections

    page.get_by_role("link", name="Eksportbunter").click()
    page.get_by_label("Periode (ÅÅÅÅ-MM)").fill("2026-10")
    page.get_by_role("button", name="Avslutt bunt").click()
    expect(page.get_by_role("status")).to_contain_text("avsluttet med 12 fakturaer")
    page.get_by_role("link", name="Åpne bunten").click()
    page.get_by_role("button", name="Eksporter").click()
    # Live progress by htmx polling, until the bar is full and the job has finished.
    expect(page.locator("#progress progress")).to_have_attribute("value", "100", timeout=60_000)
    expect(page.locator("#progress .job-state")).to_have_text("Ferdig")
    page.get_by_role("link", name="Vis posteringene").click()
    expect(page.locator("table.postings tbody tr")).to_have_count(12)
    shot = tmp_path / "batch-page.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    if os.environ.get("TXBRIDGE_UPDATE_SCREENSHOTS") == "1":
        SCREENSHOT.parent.mkdir(exist_ok=True)
        shutil.copyfile(shot, SCREENSHOT)

    # The page can be left and reopened: it shows the finished export.
    page.goto(f"/connections/{connection_id}/batches")
    page.get_by_label("Periode (ÅÅÅÅ-MM)").fill("2026-11")
    page.get_by_role("button", name="Avslutt bunt").click()
    page.get_by_role("link", name="Åpne bunten").click()
    page.get_by_role("button", name="Eksporter").click()
    expect(page.locator("#progress .job-state")).to_have_text("Ferdig", timeout=60_000)
    page.reload()
    page.get_by_role("link", name=f"Hvorfor? Faktura {FAILING}").click()
    failed = page.locator("ol.checks li.check-failed")
    expect(failed).to_have_count(1)
    expect(failed).to_contain_text("Er vare- og kontooppsettet riktig?")
    expect(failed).to_contain_text("Konto 3099 ble ikke funnet i Tripletex")
    expect(failed).to_contain_text("Opprett konto 3099 i Tripletex")

    # Switch language: the same page, now in English, and the choice sticks.
    page.get_by_role("button", name="English").click()
    expect(page.locator("ol.checks li.check-failed")).to_contain_text(
        "Account 3099 was not found in Tripletex"
    )
    expect(page.locator("html")).to_have_attribute("lang", "en")
    # The fix is the web's (buttons, not `txbridge` commands) and its link leads to the batch.
    fix = page.locator("ol.checks li.check-failed p.fix")
    expect(fix).to_contain_text("then press «Reset the batch» and then «Export» on the batch.")
    expect(fix).not_to_contain_text("txbridge")
    fix.get_by_role("link", name="Open the batch").click()
    expect(page.get_by_role("button", name="Export")).to_be_visible()
    page.goto("/connections")
    expect(page.get_by_role("heading", name="Connections")).to_be_visible()


def test_support_cannot_reset_and_a_post_without_csrf_is_refused(
    browser: Browser, live_app: LiveApp, world: World, support: accounts.UserInfo, db: Database
) -> None:
    from txbridge.flows.export.batches import close_batch

    closed = close_batch(db, world.connection_id, "2026-10")
    visitor = Visitor(browser, live_app)
    try:
        page = visitor.sign_in("sam")
        page.goto(f"/batches/{closed.batch_id}")
        expect(page.get_by_role("link", name="Tilbakestill bunten")).to_have_count(0)
        page.goto(f"/batches/{closed.batch_id}/reset")
        expect(page.get_by_role("alert")).to_contain_text("Bare en administrator kan gjøre dette")
        # A form whose CSRF token is taken out is refused.
        page.goto(f"/connections/{world.connection_id}/batches")
        page.locator("form.inline-form input[name=csrf_token]").evaluate("input => input.remove()")
        page.get_by_label("Periode (ÅÅÅÅ-MM)").fill("2026-11")
        page.get_by_role("button", name="Avslutt bunt").click()
        expect(page.get_by_role("alert")).to_contain_text("sikkerhetsnøkkelen mangler eller er utløpt")
        # The browser enforces the policy: an inline script put into the page does not run.
        with pytest.raises(PlaywrightError):
            page.add_script_tag(content="document.title = 'injected'")
        assert page.title() != "injected"
        assert any("Content Security Policy" in problem for problem in visitor.problems)
        visitor.problems.clear()
    finally:
        visitor.close()


def test_readable_at_360_px_and_usable_with_labels_and_keyboard(
    browser: Browser, live_app: LiveApp, world: World, admin: accounts.UserInfo, db: Database
) -> None:
    from txbridge.flows.export.batches import close_batch

    closed = close_batch(db, world.connection_id, "2026-10")
    visitor = Visitor(browser, live_app, width=360)
    try:
        page = visitor.sign_in("ada")
        for path in (
            "/connections",
            f"/connections/{world.connection_id}",
            "/connections/new",
            f"/batches/{closed.batch_id}",
            "/log",
            "/help",
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
        # The first Tab reaches the skip link, which moves focus to the content.
        page.goto("/connections")
        page.keyboard.press("Tab")
        expect(page.get_by_role("link", name="Gå til innholdet")).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.locator("main")).to_be_focused()
    finally:
        visitor.close()
