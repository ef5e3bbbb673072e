"""Export batches in the admin UI: close a period, export as a job with live progress, the batch page
(paginated, filtered), «Why?», and the administrator actions behind a confirmation."""

from __future__ import annotations

import re
import time
from datetime import date
from decimal import Decimal

from fastapi.testclient import TestClient

from tests.web.conftest import FAILING, OCTOBER, World, csrf_of
from txbridge.flows.daysales import setup as pos
from txbridge.flows.posinvoice import (
    InvoiceSale,
    SaleLine,
    close_pos_orders,
    record_sale,
    set_collective_invoice,
    set_invoicing,
)
from txbridge.flows.views import batches as views
from txbridge.settings import Settings
from txbridge.store import Database, ItemStatus


def _close(client: TestClient, world: World, period: str) -> tuple[int, str]:
    page = client.get(f"/connections/{world.connection_id}/batches")
    closed = client.post(
        f"/connections/{world.connection_id}/batches/close",
        data={"period": period, "csrf_token": csrf_of(page.text)},
    )
    found = re.search(r'href="/batches/(\d+)">Åpne bunten', closed.text)
    assert found, closed.text
    return int(found.group(1)), closed.text


def _export_and_wait(client: TestClient, batch_id: int) -> str:
    page = client.get(f"/batches/{batch_id}")
    started = client.post(f"/batches/{batch_id}/export", data={"csrf_token": csrf_of(page.text)})
    assert started.status_code == 200
    # While the job is queued or running the fragment asks to be polled again; then it stops.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        fragment = client.get(f"/batches/{batch_id}/progress", headers={"HX-Request": "true"}).text
        if "hx-trigger" not in fragment:
            return fragment
        time.sleep(0.2)
    raise AssertionError("the export job did not finish")


def test_close_a_period_lists_the_batch_and_what_was_left_out(admin_client: TestClient, world: World) -> None:
    batch_id, text = _close(admin_client, world, "2026-10")
    assert f"Bunt {batch_id} avsluttet med 12 fakturaer." in text
    assert "1 faktura utelatt" in text  # November's invoice, outside the period
    listing = admin_client.get(f"/connections/{world.connection_id}/batches").text
    assert "Ventende" in listing and 'value="0"' in listing
    empty = admin_client.post(
        f"/connections/{world.connection_id}/batches/close",
        data={"period": "2026-10", "csrf_token": csrf_of(listing)},
    )
    assert "Ingen ferdige fakturaer i perioden 2026-10 som ikke allerede er i en bunt" in empty.text
    bad = admin_client.post(
        f"/connections/{world.connection_id}/batches/close",
        data={"period": "oktober", "csrf_token": csrf_of(listing)},
    )
    assert bad.status_code == 422 and "ÅÅÅÅ-MM" in bad.text


def test_export_runs_as_a_job_and_the_progress_reaches_100(
    support_client: TestClient, world: World, worker: None, db: Database
) -> None:
    batch_id, _ = _close(support_client, world, "2026-10")
    done = _export_and_wait(support_client, batch_id)
    assert 'value="100"' in done and "Eksportert" in done and "Ferdig" in done
    assert "startet av sam" in done
    assert f"Eksport av bunt {batch_id} startet (jobb 1) (av sam)" in support_client.get("/log").text
    # Reopened later, the page shows the finished job and every posting with its Tripletex number.
    page = support_client.get(f"/batches/{batch_id}").text
    assert "12 posteringer" in page
    detail = views.batch_detail(db, batch_id)
    for posting in detail.postings.items:
        assert posting.tripletex_invoice_number
        assert f'<td data-label="Tripletex-faktura">{posting.tripletex_invoice_number}</td>' in page


def test_a_second_press_while_it_runs_starts_no_second_job(
    admin_client: TestClient, world: World, db: Database, settings: object
) -> None:
    from txbridge.jobs.api import list_jobs

    batch_id, _ = _close(admin_client, world, "2026-10")
    token = csrf_of(admin_client.get(f"/batches/{batch_id}").text)
    for _ in range(2):
        admin_client.post(f"/batches/{batch_id}/export", data={"csrf_token": token})
    jobs = [j for j in list_jobs(db, settings, connection_id=world.connection_id) if j.batch_id == batch_id]  # type: ignore[arg-type]
    assert len(jobs) == 1 and jobs[0].state == "queued"
    page = admin_client.get(f"/batches/{batch_id}").text
    assert 'hx-trigger="every 0.2s"' in page and "I kø" in page
    assert re.search(r'<button type="submit" class="primary" disabled>Eksporter</button>', page)


def test_a_failed_posting_answers_why_with_the_failing_check(
    support_client: TestClient, world: World, worker: None
) -> None:
    batch_id, _ = _close(support_client, world, "2026-11")
    done = _export_and_wait(support_client, batch_id)
    assert "Feilet" in done
    page = support_client.get(f"/batches/{batch_id}?status=failed").text
    assert "Konto 3099 ble ikke funnet i Tripletex" in page
    why_link = f"/batches/{batch_id}/why/{FAILING}"
    assert why_link in page
    why = support_client.get(why_link).text
    assert "Er vare- og kontooppsettet riktig?" in why
    assert re.search(r'check-failed">\s*<span class="check-title">Er vare- og kontooppsettet riktig\?', why)
    assert "Opprett konto 3099 i Tripletex" in why  # the catalog's fix
    # … as a web user does it, with a link to the batch, never the CLI's commands.
    assert "trykk så «Tilbakestill bunten» og deretter «Eksporter» på bunten." in why
    assert f'<a class="fix-link" href="/batches/{batch_id}">Åpne bunten</a>' in why
    assert "txbridge" not in why
    log = support_client.get(f"/log?batch={batch_id}&connection={world.connection_id}").text
    assert "Opprett konto 3099 i Tripletex" in log and "txbridge" not in log
    assert f'<a class="fix-link" href="/batches/{batch_id}">Åpne bunten</a>' in log
    # A support user sees no reset button and is refused the action itself.
    assert f"/batches/{batch_id}/reset" not in page
    refused = support_client.post(f"/batches/{batch_id}/reset", data={"csrf_token": csrf_of(page)})
    assert refused.status_code == 403


def test_admin_resets_a_batch_after_confirming(
    admin_client: TestClient, world: World, worker: None, db: Database
) -> None:
    batch_id, _ = _close(admin_client, world, "2026-11")
    _export_and_wait(admin_client, batch_id)
    page = admin_client.get(f"/batches/{batch_id}").text
    assert f'href="/batches/{batch_id}/reset"' in page
    confirm = admin_client.get(f"/batches/{batch_id}/reset").text
    assert "Tilbakestille bunt" in confirm and "1 feilet postering blir ventende igjen" in confirm
    assert views.batch_detail(db, batch_id).batch.failed == 1  # nothing happened on the GET
    reset = admin_client.post(f"/batches/{batch_id}/reset", data={"csrf_token": csrf_of(confirm)})
    assert "De feilede posteringene venter igjen" in reset.text
    assert views.batch_detail(db, batch_id).batch.failed == 0
    assert "tilbakestilt av ada" in admin_client.get(f"/log?batch={batch_id}").text


def test_batch_page_paginates_and_filters(admin_client: TestClient, world: World) -> None:
    batch_id, _ = _close(admin_client, world, "2026-10")
    first = admin_client.get(f"/batches/{batch_id}").text
    assert all(number in first for number in OCTOBER)
    admin_client.app.state.web.postings_per_page = 10  # type: ignore[attr-defined]
    page_one = admin_client.get(f"/batches/{batch_id}").text
    assert "1–10 av 12" in page_one and 'rel="next"' in page_one
    page_two = admin_client.get(f"/batches/{batch_id}?offset=10").text
    assert "11–12 av 12" in page_two and OCTOBER[-1] in page_two and OCTOBER[0] not in page_two
    failed_only = admin_client.get(f"/batches/{batch_id}?status={ItemStatus.FAILED.value}").text
    assert OCTOBER[0] not in failed_only
    assert admin_client.get("/batches/999").status_code == 404


def test_invoice_search_and_clear_reference(admin_client: TestClient, world: World, worker: None) -> None:
    batch_id, _ = _close(admin_client, world, "2026-10")
    _export_and_wait(admin_client, batch_id)
    base = f"/connections/{world.connection_id}/invoices"
    found = admin_client.get(f"{base}?number={OCTOBER[0]}").text
    assert "Eksportert som Tripletex-faktura" in found
    assert (
        admin_client.get(f"{base}?number=nope").text.count("Det finnes ingen faktura med dette nummeret.")
        == 1
    )
    assert "Ikke i en bunt" in admin_client.get(f"{base}?number={FAILING}").text
    confirm = admin_client.get(
        f"/connections/{world.connection_id}/clear-reference?invoice={OCTOBER[0]}"
    ).text
    assert "Fjerne Tripletex-referansen til faktura" in confirm
    cleared = admin_client.post(
        f"/connections/{world.connection_id}/clear-reference",
        data={"invoice": OCTOBER[0], "csrf_token": csrf_of(confirm)},
    )
    assert "Referansen er fjernet" in cleared.text and "Feilet i bunt" in cleared.text


def test_why_on_a_pos_order_batch_runs_the_pos_checks_and_shows_the_order_column(
    support_client: TestClient, world: World, db: Database, settings: Settings
) -> None:
    pos.save(db, world.connection_id, start_date=date(2026, 10, 1), by="test")
    set_invoicing(db, world.connection_id, True, by="test")  # off until ticked (one sale, booked once)
    set_collective_invoice(db, world.connection_id, True, by="test")
    with world.company.client() as api:
        made = api.post("/customer", json={"name": "Kantina AS", "organizationNumber": "923456783"})
        customer = made.raise_for_status().json()["value"]
    line = SaleLine("Lunsj", Decimal(1), Decimal("189.00"), 3)
    record_sale(
        db, settings, world.connection_id, InvoiceSale("K-1", date(2026, 10, 6), customer["id"], [line])
    )
    closed = close_pos_orders(db, world.connection_id, "2026-10")
    page = support_client.get(f"/batches/{closed.batch_id}").text
    assert '<th scope="col">Ordre</th>' in page  # the kind's own Tripletex number column
    why = support_client.get(f"/batches/{closed.batch_id}/why/POS-K-1").text
    assert "Hvorfor? POS-K-1" in why
    assert re.search(r'check-failed">\s*<span class="check-title">Er ordrene sendt til Tripletex\?', why)
    assert f"Bunt {closed.batch_id} er ikke eksportert" in why
