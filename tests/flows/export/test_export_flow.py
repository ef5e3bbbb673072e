"""The export over real HTTP against the sandbox: the happy path (SQLite and PostgreSQL) and each
defect the seed lists."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import httpx
from sqlalchemy import select

from tests.fixtures.sandbox import new_sandbox_company
from tests.flows.export.conftest import ORG_NUMBERS, Env, connect_env, load, make_settings, payload
from txbridge.flows.export import ExportProgress, close_batch, export_batch, reset_batch
from txbridge.sandbox.server import SandboxServer
from txbridge.store import (
    BatchItem,
    BatchStatus,
    Database,
    IntegrationReference,
    Invoice,
    ItemStatus,
    ReferenceKind,
)
from txbridge.store import queries as q


def postings(env: Env, batch_id: int) -> dict[str, BatchItem]:
    with env.db.transaction() as session:
        return {p.subject_key: p for p in q.items_of_batch(session, batch_id)}


def test_happy_path_exports_every_invoice_once_with_tripletex_amounts(env: Env) -> None:
    load(env, payload(invoices=12, customers=4))
    closed = close_batch(env.db, env.connection_id, "2026-10")
    assert closed.batch_id is not None and closed.invoice_count == 12
    seen: list[ExportProgress] = []

    result = export_batch(env.db, env.settings, closed.batch_id, progress=seen.append)

    assert result.stopped is None
    assert (result.status, result.progress_percent, result.exported, result.failed) == (
        BatchStatus.EXPORTED,
        100,
        12,
        0,
    )
    assert seen and seen[-1].percent == 100
    remote = env.invoices()
    markers = [o["number"] for inv in remote for o in inv["orders"]]
    assert len(remote) == 12 and len(set(markers)) == 12
    # Including-VAT invoices were sent as such (every third one).
    by_marker = {inv["orders"][0]["number"]: inv for inv in remote}
    with env.db.transaction() as session:
        rows = session.execute(
            select(BatchItem.intent_marker, Invoice.prices_include_vat, IntegrationReference.tripletex_number)
            .join(Invoice, Invoice.id == BatchItem.invoice_id)
            .join(
                IntegrationReference,
                (IntegrationReference.local_id == Invoice.id)
                & (IntegrationReference.kind == ReferenceKind.INVOICE),
            )
            .where(BatchItem.batch_id == closed.batch_id)
        ).all()
    assert len(rows) == 12
    for marker, including, number in rows:
        assert marker is not None
        invoice = by_marker[marker]
        assert invoice["orders"][0]["isPrioritizeAmountsIncludingVat"] is including
        assert str(invoice["invoiceNumber"]) == number
    # Invoice 500000 (incl. VAT): 2 × 100 on ARB-1 (25 %) + 1.5 × 80 × 0.9 on MAT-1 (15 %), gross.
    first = next(
        inv
        for marker, inc, _ in rows
        if marker and marker.startswith("TXB-500000-")
        for inv in [by_marker[marker]]
    )
    assert Decimal(str(first["amount"])) == Decimal("308.00")
    assert Decimal(str(first["amountExcludingVat"])) == Decimal("160.00") + Decimal("93.91")
    # Second run: nothing left to do, no API writes.
    again = export_batch(env.db, env.settings, closed.batch_id)
    assert again.exported == 12 and again.api_calls == 0
    assert len(env.invoices()) == 12


def test_income_accounts_follow_the_product_class_account(env: Env) -> None:
    load(env, payload(invoices=5, customers=2))
    closed = close_batch(env.db, env.connection_id, "2026-10")
    assert closed.batch_id is not None
    assert export_batch(env.db, env.settings, closed.batch_id).exported == 5
    with env.api() as api:
        postings_ = api.get(
            "/ledger/posting",
            params={
                "dateFrom": "2026-10-01",
                "dateTo": "2026-11-01",
                "fields": "account(number)",
                "count": 1000,
            },
        ).json()["values"]
    accounts = {p["account"]["number"] for p in postings_}
    # Each product class's account got the lines (3620 rent, 3001/3002 reduced rates, 3100 VAT-free).
    assert {3000, 3620, 3001, 3002, 3100} <= accounts


def test_close_leaves_out_other_periods_and_drafts_with_reasons(env: Env) -> None:
    data = payload(invoices=4, customers=2)
    data["invoices"][0]["invoiceDate"] = "2026-09-30"
    data["invoices"][1]["status"] = "draft"
    load(env, data)
    closed = close_batch(env.db, env.connection_id, "2026-10")
    assert closed.invoice_count == 2
    reasons = {left.invoice_number: left.message.id for left in closed.left_out}
    assert reasons == {"500000": "invoice_outside_period", "500001": "invoice_not_ready"}
    again = close_batch(env.db, env.connection_id, "2026-10")
    assert again.batch_id is None and again.message is not None and again.message.id == "no_invoices_ready"
    assert {left.message.id for left in again.left_out} >= {"batch_not_exported"}
    waiting = next(left.message for left in again.left_out if left.message.id == "batch_not_exported")
    assert waiting.nb.endswith("(status: Ventende)") and waiting.en.endswith("(status: Pending)")


def test_a_second_close_names_the_tripletex_invoice_of_an_exported_one(env: Env) -> None:
    load(env, payload(invoices=2, customers=1))
    closed = close_batch(env.db, env.connection_id, "2026-10")
    assert closed.batch_id is not None
    assert export_batch(env.db, env.settings, closed.batch_id).status is BatchStatus.EXPORTED
    with env.db.transaction() as session:
        numbers = dict(
            session.execute(
                select(Invoice.number, IntegrationReference.tripletex_number).join(
                    IntegrationReference,
                    (IntegrationReference.local_id == Invoice.id)
                    & (IntegrationReference.kind == ReferenceKind.INVOICE),
                )
            ).all()
        )
    again = close_batch(env.db, env.connection_id, "2026-10")
    messages = {left.invoice_number: left.message for left in again.left_out}
    assert set(messages) == set(numbers) and all(numbers.values())
    for number, message in messages.items():
        assert message.id == "invoice_already_exported"
        assert message.en == f"Invoice {number} is already exported (Tripletex invoice {numbers[number]})"


def load_with_a_missing_account(env: Env, invoices: int) -> None:
    """The host data, with invoice 500002 using a product whose class books to account 3099, which
    the Tripletex company does not have."""
    data = payload(invoices=invoices, customers=2)
    data["productClasses"].append({"code": "KURS", "name": "Kurs", "accountNumber": 3099})
    data["products"].append({"number": "KRS-1", "name": "Kurs", "productClassCode": "KURS", "vatCode": 3})
    data["invoices"][2]["lines"].append({"productNumber": "KRS-1", "quantity": 1, "unitPrice": "500"})
    load(env, data)


def test_missing_account_fails_only_its_invoices_with_the_seed_message(env: Env) -> None:
    load_with_a_missing_account(env, invoices=6)
    closed = close_batch(env.db, env.connection_id, "2026-10")
    assert closed.batch_id is not None
    result = export_batch(env.db, env.settings, closed.batch_id)
    assert (result.exported, result.failed, result.status) == (5, 1, BatchStatus.FAILED)
    failed = postings(env, closed.batch_id)["500002"]
    assert failed.error_id == "account_not_found"
    assert "Account 3099 was not found in Tripletex" in (failed.message or "")
    assert len(env.invoices()) == 5


def test_every_try_of_a_posting_counts_as_an_attempt_also_when_it_fails_before_sending(env: Env) -> None:
    load_with_a_missing_account(env, invoices=3)
    closed = close_batch(env.db, env.connection_id, "2026-10")
    assert closed.batch_id is not None
    export_batch(env.db, env.settings, closed.batch_id)
    first = postings(env, closed.batch_id)
    assert {n: (p.status, p.attempts) for n, p in first.items()} == {
        "500000": (ItemStatus.EXPORTED, 1),
        "500001": (ItemStatus.EXPORTED, 1),
        "500002": (ItemStatus.FAILED, 1),  # checked and failed: tried once, though never sent
    }
    assert reset_batch(env.db, closed.batch_id, actor="ola") == 1
    export_batch(env.db, env.settings, closed.batch_id)
    again = postings(env, closed.batch_id)["500002"]
    assert (again.status, again.attempts) == (ItemStatus.FAILED, 2)


def test_customers_sharing_an_organisation_number_fail_both(env: Env) -> None:
    data = payload(invoices=6, customers=3)
    data["customers"][1]["organizationNumber"] = data["customers"][0]["organizationNumber"]
    load(env, data)
    closed = close_batch(env.db, env.connection_id, "2026-10")
    assert closed.batch_id is not None
    result = export_batch(env.db, env.settings, closed.batch_id)
    failed = {f.subject_key: f.error_id for f in result.failures}
    # Customers 10001 and 10002 have invoices 0, 3 and 1, 4; customer 10003 (private) goes on.
    assert failed == dict.fromkeys(["500000", "500001", "500003", "500004"], "duplicate_organization_number")
    assert result.exported == 2
    with env.db.transaction() as session:
        logged = q.log_entries(session, env.connection_id, object_type="customer")
    assert {e.message_id for e in logged} == {"duplicate_organization_number"}


def test_number_used_by_another_customer_in_tripletex_is_a_conflict(env: Env) -> None:
    with env.api() as api:
        api.post(
            "/customer",
            json={"name": "Helt Annen AS", "customerNumber": 10001, "organizationNumber": "985399077"},
        ).raise_for_status()
    load(env, payload(invoices=4, customers=2))
    closed = close_batch(env.db, env.connection_id, "2026-10")
    assert closed.batch_id is not None
    result = export_batch(env.db, env.settings, closed.batch_id)
    failed = {f.subject_key: f for f in result.failures}
    assert set(failed) == {"500000", "500002"}
    assert failed["500000"].error_id == "customer_number_in_use"
    with env.db.transaction() as session:
        logged = q.log_entries(session, env.connection_id, object_type="customer", object_key="10001")
    assert logged and "Helt Annen AS" in (logged[0].detail or "")
    assert result.exported == 2


def test_existing_customer_is_linked_by_organisation_number_not_created_again(env: Env) -> None:
    with env.api() as api:
        api.post(
            "/customer",
            json={"name": "Kunde 0 AS", "customerNumber": 777, "organizationNumber": ORG_NUMBERS[0]},
        ).raise_for_status()
    load(env, payload(invoices=2, customers=2))
    closed = close_batch(env.db, env.connection_id, "2026-10")
    assert closed.batch_id is not None
    assert export_batch(env.db, env.settings, closed.batch_id).exported == 2
    with env.api() as api:
        numbers = [
            c["customerNumber"]
            for c in api.get("/customer", params={"fields": "customerNumber"}).json()["values"]
        ]
    assert sorted(numbers) == [777, 10002]


def test_already_exported_invoice_is_skipped(env: Env) -> None:
    data = payload(invoices=3, customers=2)
    data["invoices"][1]["tripletexInvoiceNumber"] = 9001
    load(env, data)
    closed = close_batch(env.db, env.connection_id, "2026-10")
    assert closed.batch_id is not None
    result = export_batch(env.db, env.settings, closed.batch_id)
    assert (result.exported, result.skipped, result.status) == (2, 1, BatchStatus.EXPORTED)
    skipped = postings(env, closed.batch_id)["500001"]
    assert skipped.status is ItemStatus.SKIPPED and skipped.error_id == "invoice_already_exported"
    assert len(env.invoices()) == 2


def test_no_bank_account_fails_the_batch_in_preflight(
    database_url: str, tmp_path: Path, sandbox_server: SandboxServer
) -> None:
    company = new_sandbox_company(sandbox_server, bankAccount=False)
    settings = make_settings(database_url, tmp_path)
    db = Database(settings)
    env = connect_env(db, settings, company)
    load(env, payload(invoices=3, customers=1))
    closed = close_batch(env.db, env.connection_id, "2026-10")
    assert closed.batch_id is not None
    result = export_batch(env.db, env.settings, closed.batch_id)
    assert result.status is BatchStatus.FAILED and result.failed == 3
    assert {f.error_id for f in result.failures} == {"no_bank_account"}
    # Preflight only: session, chart of accounts, VAT types — no customer or invoice calls.
    assert set(result.stats["by_endpoint"]) <= {
        "PUT /token/session/:create",
        "GET /ledger/account",
        "GET /ledger/vatType",
    }
    db.dispose()


def test_a_refused_invoice_is_isolated_and_the_rest_of_its_chunk_goes(env: Env) -> None:
    load(env, payload(invoices=10, customers=3))
    # An invoice Tripletex refuses (no order lines) that only Tripletex's own validation catches.
    with env.db.transaction() as session:
        invoice = q.invoice_by_number(session, env.connection_id, "500006")
        assert invoice is not None
        for line in list(invoice.lines):
            session.delete(line)
    closed = close_batch(env.db, env.connection_id, "2026-10")
    assert closed.batch_id is not None
    result = export_batch(env.db, env.settings, closed.batch_id)
    assert (result.exported, result.failed) == (9, 1)
    failure = result.failures[0]
    assert (failure.subject_key, failure.error_id) == ("500006", "tripletex_validation_error")
    assert "ordrelinjer" in failure.message or "order lines" in failure.message
    assert len(env.invoices()) == 9
    # Bisecting 10 costs a handful of extra calls, not one call per invoice.
    assert result.stats["by_endpoint"]["POST /invoice/list"] <= 9


def test_deleted_invoice_fails_with_invoice_not_found(env: Env) -> None:
    load(env, payload(invoices=2, customers=1))
    closed = close_batch(env.db, env.connection_id, "2026-10")
    assert closed.batch_id is not None
    with env.db.transaction() as session:
        invoice = q.invoice_by_number(session, env.connection_id, "500001")
        assert invoice is not None
        session.delete(invoice)
    result = export_batch(env.db, env.settings, closed.batch_id)
    assert {f.subject_key: f.error_id for f in result.failures} == {"500001": "invoice_not_found"}
    assert result.exported == 1


def test_few_calls_per_batch(env: Env) -> None:
    load(env, payload(invoices=150, customers=30))
    closed = close_batch(env.db, env.connection_id, "2026-10")
    assert closed.batch_id is not None
    before = env.stats_total()
    result = export_batch(env.db, env.settings, closed.batch_id)
    assert result.exported == 150
    by_endpoint = result.stats["by_endpoint"]
    assert by_endpoint["POST /invoice/list"] == 2
    for read in ("GET /ledger/account", "GET /ledger/vatType", "GET /customer", "GET /product"):
        assert by_endpoint[read] == 1
    # The sandbox counted the same calls: the session delete on close instead of the session create
    # (which it counts for company 0, before the company is known).
    assert env.stats_total() - before == result.api_calls
    assert result.api_calls <= 10


def test_wrong_vat_type_on_the_account_in_tripletex_fails_with_the_account_named(env: Env) -> None:
    with env.api() as api:
        rent = api.get("/ledger/account", params={"number": 3620, "fields": "id,version"}).json()["values"][0]
        vat_31 = api.get("/ledger/vatType", params={"number": "31", "fields": "id"}).json()["values"][0]
        api.put(
            f"/ledger/account/{rent['id']}",
            json={"id": rent["id"], "version": rent["version"], "vatType": vat_31},
        ).raise_for_status()
    load(env, payload(invoices=5, customers=2))
    closed = close_batch(env.db, env.connection_id, "2026-10")
    assert closed.batch_id is not None
    result = export_batch(env.db, env.settings, closed.batch_id)
    # UTL-1 (class UTLEIE → 3620) is on invoices 500001 (first line) and 500004 (second line).
    failed = {f.subject_key: f for f in result.failures}
    assert set(failed) == {"500001", "500004"}
    assert failed["500001"].error_id == "vat_code_mismatch" and "3620" in failed["500001"].message
    assert result.exported == 3


def product_on_the_wrong_account(env: Env, number: str) -> None:
    """A product already in Tripletex, on the VAT-free account 3100 instead of its class's account."""
    with env.api() as api:
        free = api.get("/ledger/account", params={"number": 3100, "fields": "id"}).json()["values"][0]
        vat_5 = api.get("/ledger/vatType", params={"number": "5", "fields": "id"}).json()["values"][0]
        api.post(
            "/product", json={"name": "Montørtime", "number": number, "account": free, "vatType": vat_5}
        ).raise_for_status()


def test_an_existing_product_gets_its_product_class_account(env: Env) -> None:
    product_on_the_wrong_account(env, "ARB-1")
    load(env, payload(invoices=2, customers=1))
    closed = close_batch(env.db, env.connection_id, "2026-10")
    assert closed.batch_id is not None
    result = export_batch(env.db, env.settings, closed.batch_id)
    assert result.exported == 2 and result.stats["by_endpoint"]["PUT /product/list"] == 1
    with env.api() as api:
        products = api.get("/product", params={"fields": "number,account(number)"}).json()["values"]
    assert {p["number"]: p["account"]["number"] for p in products}["ARB-1"] == 3000
    assert [p["number"] for p in products].count("ARB-1") == 1


def test_foreign_currencies_are_looked_up_once_and_an_unknown_one_fails_its_invoice(env: Env) -> None:
    data = payload(invoices=4, customers=2)
    data["invoices"][0]["currency"] = "EUR"
    data["invoices"][2]["currency"] = "EUR"
    data["invoices"][3]["currency"] = "CHF"  # ISO 4217, but the company has no CHF
    load(env, data)
    closed = close_batch(env.db, env.connection_id, "2026-10")
    assert closed.batch_id is not None
    result = export_batch(env.db, env.settings, closed.batch_id)
    assert {f.subject_key: f.error_id for f in result.failures} == {"500003": "currency_not_supported"}
    assert result.exported == 3
    assert result.stats["by_endpoint"]["GET /currency"] == 2  # one look-up per currency, not per invoice


class ChangedMeanwhile(httpx.HTTPTransport):
    """Someone edits the product in Tripletex just before the export's update reaches it."""

    def __init__(self, env: Env, number: str) -> None:
        super().__init__()
        self.env, self.number, self.done = env, number, False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not self.done and request.method == "PUT" and request.url.path.endswith("/product/list"):
            self.done = True
            with self.env.api() as api:
                found = api.get("/product", params={"number": self.number, "fields": "id,version"})
                product = found.json()["values"][0]
                api.put(
                    f"/product/{product['id']}",
                    json={"id": product["id"], "version": product["version"], "name": "Endret"},
                ).raise_for_status()
        return super().handle_request(request)


def test_a_product_changed_in_tripletex_meanwhile_fails_with_the_conflict_message(env: Env) -> None:
    product_on_the_wrong_account(env, "ARB-1")
    load(env, payload(invoices=2, customers=1))
    closed = close_batch(env.db, env.connection_id, "2026-10")
    assert closed.batch_id is not None
    result = export_batch(env.db, env.settings, closed.batch_id, transport=ChangedMeanwhile(env, "ARB-1"))
    # Invoice 500000 has ARB-1 on its first line; 500001 does not use it.
    assert {f.subject_key: f.error_id for f in result.failures} == {"500000": "tripletex_conflict"}
    assert result.exported == 1
    # The next run reads the product again and updates it.
    assert reset_batch(env.db, closed.batch_id, actor="test") == 1
    assert export_batch(env.db, env.settings, closed.batch_id).status is BatchStatus.EXPORTED
