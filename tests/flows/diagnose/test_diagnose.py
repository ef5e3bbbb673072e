"""The troubleshooter against the store and the sandbox over real HTTP: one test per failing check,
plus the two good endings (already exported; nothing wrong now)."""

from __future__ import annotations

from datetime import date

import httpx

from tests.flows.diagnose.world import World, add_connection, payload
from txbridge.catalog import render
from txbridge.flows.diagnose import (
    Check,
    CheckStatus,
    DiagnoseError,
    Outcome,
    diagnose_invoice,
    message_for_api_error,
)
from txbridge.flows.intake import import_data
from txbridge.store import Connection, ConnectionState, ItemStatus, TokenKeyError, queries
from txbridge.tripletex import (
    APIConnectionError,
    AuthenticationError,
    InternalServerError,
    RateLimitError,
    TransportProblem,
    Tripletex,
)


def _close(world: World, period: str = "2026-10") -> int:
    with world.database.transaction() as session:
        invoices = queries.invoices_ready_for_batch(session, world.connection_id, period)
        return queries.create_batch(session, world.connection_id, period, invoices).id


def _fail_posting(
    world: World, number: str, error_id: str = "account_not_found", message: str = "stored"
) -> None:
    with world.database.transaction() as session:
        invoice = queries.invoice_by_number(session, world.connection_id, number)
        assert invoice is not None
        posting = queries.open_item_of_invoice(session, invoice.id)
        assert posting is not None
        queries.record_outcome(session, posting, ItemStatus.FAILED, error_id=error_id, message=message)
        queries.refresh_batch(session, posting.batch)


def _statuses(diagnosis_checks: tuple[object, ...]) -> list[str]:
    return [c.status.value for c in diagnosis_checks]  # type: ignore[attr-defined]


def test_unknown_invoice_fails_check_1_with_invoice_not_found(world: World) -> None:
    diagnosis = diagnose_invoice(world.database, world.settings, world.connection_id, "NOPE-9")
    assert diagnosis.outcome is Outcome.FAILED
    failed = diagnosis.failed_check
    assert failed is not None and failed.check is Check.IN_BATCH
    assert failed.message is not None and failed.message.id == "invoice_not_found"
    assert _statuses(diagnosis.checks) == ["failed"] + ["not_run"] * 6
    assert diagnosis.api_calls == 0


def test_no_batch_close_yet_fails_check_1_with_the_command_to_run(world: World) -> None:
    diagnosis = diagnose_invoice(world.database, world.settings, world.connection_id, "OK-1")
    assert diagnosis.answer is not None and diagnosis.answer.id == "invoice_not_in_batch"
    assert "txbridge batch close --period 2026-10" in diagnosis.answer.fix_en


def test_draft_and_outside_period_are_named_after_a_batch_close(world: World) -> None:
    _close(world)
    draft = diagnose_invoice(world.database, world.settings, world.connection_id, "DRAFT-1")
    assert draft.answer is not None and draft.answer.id == "invoice_not_ready"
    september = diagnose_invoice(world.database, world.settings, world.connection_id, "SEPT-1")
    assert september.answer is not None and september.answer.id == "invoice_outside_period"
    assert "2026-09" in september.answer.en and "2026-10" in september.answer.en


def test_pending_batch_fails_check_2(world: World) -> None:
    batch_id = _close(world)
    diagnosis = diagnose_invoice(world.database, world.settings, world.connection_id, "OK-1")
    failed = diagnosis.failed_check
    assert failed is not None and failed.check is Check.BATCH_EXPORTED
    assert failed.message is not None and failed.message.id == "batch_not_exported"
    assert f"txbridge batch export {batch_id}" in failed.message.fix_en
    assert failed.message.en.endswith("(status: Pending, 0 %)")
    assert failed.message.nb.endswith("(status: Ventende, 0 %)")
    assert diagnosis.result(Check.IN_BATCH).passed


def test_exported_invoice_ends_at_check_3_without_calling_tripletex(world: World) -> None:
    _close(world)
    with world.database.transaction() as session:
        invoice = queries.invoice_by_number(session, world.connection_id, "OK-1")
        assert invoice is not None
        posting = queries.open_item_of_invoice(session, invoice.id)
        assert posting is not None
        queries.record_exported(session, posting, world.connection_id, tripletex_id=7, tripletex_number="42")
        queries.refresh_batch(session, posting.batch)
    diagnosis = diagnose_invoice(world.database, world.settings, world.connection_id, "OK-1")
    assert diagnosis.outcome is Outcome.EXPORTED and diagnosis.ok
    assert diagnosis.answer is not None and diagnosis.answer.id == "invoice_already_exported"
    assert "42" in diagnosis.answer.en
    assert _statuses(diagnosis.checks) == ["passed"] * 3 + ["not_run"] * 4
    assert diagnosis.api_calls == 0


def test_customer_number_taken_by_another_company_fails_check_4(world: World) -> None:
    _close(world)
    _fail_posting(world, "CUST-1", "customer_number_in_use")
    with world.company.client() as http:
        http.post(
            "/customer",
            json={"name": "Someone Else AS", "customerNumber": 10003, "organizationNumber": "974760673"},
        ).raise_for_status()
    diagnosis = diagnose_invoice(world.database, world.settings, world.connection_id, "CUST-1")
    failed = diagnosis.failed_check
    assert failed is not None and failed.check is Check.CUSTOMER
    assert failed.message is not None and failed.message.id == "customer_number_in_use"
    assert "Someone Else AS" in failed.message.cause_en
    assert diagnosis.result(Check.BATCH_EXPORTED).note is not None
    assert "stored" in str(diagnosis.result(Check.BATCH_EXPORTED).note)


def test_shared_organisation_number_fails_check_4(world: World) -> None:
    _close(world)
    _fail_posting(world, "TWIN-1", "duplicate_organization_number")
    diagnosis = diagnose_invoice(world.database, world.settings, world.connection_id, "TWIN-1")
    assert diagnosis.answer is not None and diagnosis.answer.id == "duplicate_organization_number"
    assert "10004, 10005" in diagnosis.answer.en


def test_missing_account_fails_check_5_by_account_number(world: World) -> None:
    _close(world)
    _fail_posting(world, "KURS-1")
    diagnosis = diagnose_invoice(world.database, world.settings, world.connection_id, "KURS-1")
    failed = diagnosis.failed_check
    assert failed is not None and failed.check is Check.PRODUCT_ACCOUNT
    assert failed.message is not None
    assert failed.message.en == "Account 3099 was not found in Tripletex"
    assert "3099" in failed.message.fix_nb
    assert diagnosis.result(Check.CUSTOMER).passed
    # The account appears later in Tripletex: the same check now passes.
    with world.company.client() as http:
        http.post("/ledger/account", json={"number": 3099, "name": "Kursinntekt"}).raise_for_status()
    again = diagnose_invoice(world.database, world.settings, world.connection_id, "KURS-1")
    assert again.result(Check.PRODUCT_ACCOUNT).passed


def test_account_with_another_vat_type_fails_check_6(world: World) -> None:
    _close(world)
    _fail_posting(world, "MVA-1")
    with world.company.client() as http:
        vat = http.get("/ledger/vatType", params={"number": "31", "fields": "id,number"}).json()["values"][0]
        http.post(
            "/ledger/account", json={"number": 3050, "name": "Feil mva", "vatType": {"id": vat["id"]}}
        ).raise_for_status()
    diagnosis = diagnose_invoice(world.database, world.settings, world.connection_id, "MVA-1")
    failed = diagnosis.failed_check
    assert failed is not None and failed.check is Check.VAT_TYPE
    assert failed.message is not None and failed.message.id == "vat_code_mismatch"
    assert "31" in failed.message.en and "3050" in failed.message.en


def test_account_without_vat_type_fails_check_6(world: World) -> None:
    _close(world)
    _fail_posting(world, "MVA-1")
    with world.company.client() as http:
        http.post("/ledger/account", json={"number": 3050, "name": "Uten mva"}).raise_for_status()
    diagnosis = diagnose_invoice(world.database, world.settings, world.connection_id, "MVA-1")
    assert diagnosis.answer is not None and diagnosis.answer.id == "vat_type_missing_on_account"


def test_error_state_fails_check_7(world: World) -> None:
    _close(world)
    _fail_posting(world, "OK-1")
    with world.database.transaction() as session:
        connection = session.get(Connection, world.connection_id)
        assert connection is not None
        connection.state = ConnectionState.ERROR
        connection.consecutive_failures = 5
        connection.last_error_id = "authentication_unsuccessful"
    diagnosis = diagnose_invoice(world.database, world.settings, world.connection_id, "OK-1")
    failed = diagnosis.failed_check
    assert failed is not None and failed.check is Check.INTEGRATION_STATE
    assert failed.message is not None and failed.message.en == "The integration is in error state"
    assert "txbridge connection reactivate" in failed.message.fix_en
    assert [c.status for c in diagnosis.checks[3:6]] == [CheckStatus.PASSED] * 3


def test_refused_token_skips_to_check_7_with_authentication_unsuccessful(world: World) -> None:
    _close(world)
    _fail_posting(world, "OK-1")
    bad = add_connection(
        world.database, world.settings, world.company, name="bad", employee_token="wrong-employee-token-000"
    )
    # A second connection (same Tripletex company, wrong employee token) with the same host data.
    import_data(world.database, bad, payload())
    with world.database.transaction() as session:
        invoices = queries.invoices_ready_for_batch(session, bad, "2026-10")
        batch = queries.create_batch(session, bad, "2026-10", invoices)
        for posting in queries.items_of_batch(session, batch.id):
            queries.record_outcome(session, posting, ItemStatus.FAILED, error_id="x", message="x")
    diagnosis = diagnose_invoice(world.database, world.settings, bad, "OK-1")
    assert diagnosis.result(Check.CUSTOMER).status is CheckStatus.NOT_RUN
    failed = diagnosis.failed_check
    assert failed is not None and failed.check is Check.INTEGRATION_STATE
    assert (
        failed.message is not None and failed.message.en == "The integration authentication was unsuccessful"
    )


def test_expired_token_fails_check_7_before_calling_tripletex(world: World) -> None:
    _close(world)
    _fail_posting(world, "OK-1")
    with world.database.transaction() as session:
        connection = session.get(Connection, world.connection_id)
        assert connection is not None
        connection.token_expires_on = date(2026, 1, 31)
    diagnosis = diagnose_invoice(
        world.database, world.settings, world.connection_id, "OK-1", today=date(2026, 11, 1)
    )
    assert diagnosis.answer is not None and diagnosis.answer.id == "token_expired"


def test_rate_limit_reached_fails_check_7_with_too_many_requests(world: World) -> None:
    _close(world)
    _fail_posting(world, "OK-1")
    with world.company.control() as control:
        control.put(
            "/rate-limit", json={"limit": 2, "period": 3600, "companyId": world.company.company_id}
        ).raise_for_status()
    waits: list[float] = []
    client = Tripletex(
        consumer_token=world.company.consumer_token,
        employee_token=world.company.employee_token,
        base_url=world.company.base_url,
        sleep=waits.append,
    )
    with client:
        diagnosis = diagnose_invoice(
            world.database, world.settings, world.connection_id, "OK-1", client=client
        )
    assert diagnosis.answer is not None and diagnosis.answer.id == "too_many_requests"
    assert diagnosis.failed_check is not None and diagnosis.failed_check.check is Check.INTEGRATION_STATE


def test_unreachable_tripletex_fails_check_7(world: World) -> None:
    _close(world)
    _fail_posting(world, "OK-1")

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    client = Tripletex(
        consumer_token="c" * 20,
        employee_token="e" * 20,
        base_url="http://127.0.0.1:9/v2",
        transport=httpx.MockTransport(refuse),
        sleep=lambda _s: None,
    )
    diagnosis = diagnose_invoice(world.database, world.settings, world.connection_id, "OK-1", client=client)
    assert diagnosis.answer is not None and diagnosis.answer.id == "api_unreachable"
    assert "e" * 20 not in repr(diagnosis.to_dict())


def test_nothing_wrong_now_says_export_the_batch_again(world: World) -> None:
    batch_id = _close(world)
    _fail_posting(world, "OK-1")
    diagnosis = diagnose_invoice(world.database, world.settings, world.connection_id, "OK-1")
    assert diagnosis.outcome is Outcome.NO_FAULT_FOUND and diagnosis.ok
    assert _statuses(diagnosis.checks) == ["passed"] * 7
    assert diagnosis.answer is not None and diagnosis.answer.id == "batch_not_exported"
    assert str(batch_id) in diagnosis.answer.en
    assert 0 < diagnosis.api_calls <= 8
    # An export sends pending postings only, so the way on is a reset first.
    assert diagnosis.next_step is not None
    assert f"txbridge batch reset {batch_id}" in diagnosis.next_step.en
    assert f"txbridge batch reset {batch_id}" in diagnosis.next_step.nb
    # The web app (and the REST API) says it with the batch's buttons instead.
    assert "trykk «Tilbakestill bunten» og deretter «Eksporter»" in diagnosis.next_step.for_web("nb")
    assert "txbridge" not in diagnosis.next_step.for_web("en")
    as_json = diagnosis.to_dict()
    assert [c["check"] for c in as_json["checks"]] == [1, 2, 3, 4, 5, 6, 7]
    assert as_json["nextStep"] == {"nb": diagnosis.next_step.nb, "en": diagnosis.next_step.en}


def test_unknown_connection_raises_with_a_catalog_message(world: World) -> None:
    try:
        diagnose_invoice(world.database, world.settings, 9999, "OK-1")
    except DiagnoseError as exc:
        assert exc.message.id == "connection_not_found"
    else:
        raise AssertionError("expected DiagnoseError")


def test_in_flight_posting_fails_check_2_saying_the_export_will_reconcile(world: World) -> None:
    _close(world)
    with world.database.transaction() as session:
        invoice = queries.invoice_by_number(session, world.connection_id, "OK-1")
        assert invoice is not None
        posting = queries.open_item_of_invoice(session, invoice.id)
        assert posting is not None
        queries.record_intent(session, posting, "TXB-OK-1-1.0")
    diagnosis = diagnose_invoice(world.database, world.settings, world.connection_id, "OK-1")
    assert diagnosis.failed_check is not None and diagnosis.failed_check.check is Check.BATCH_EXPORTED
    assert diagnosis.answer is not None and diagnosis.answer.id == "outcome_unknown"


def test_failed_posting_note_gives_each_language_its_own_half_of_the_stored_message(world: World) -> None:
    _close(world)
    stored = render("account_not_found", account=3099)
    _fail_posting(world, "KURS-1", stored.id, str(stored))
    diagnosis = diagnose_invoice(world.database, world.settings, world.connection_id, "KURS-1")
    note = diagnosis.result(Check.BATCH_EXPORTED).note
    assert note is not None
    assert note.nb.endswith(stored.nb) and stored.en not in note.nb and "Failed" not in note.nb
    assert note.en.endswith(stored.en) and stored.nb not in note.en and "Feilet" not in note.en


def test_api_failures_map_to_catalog_messages_by_meaning() -> None:
    assert message_for_api_error(TokenKeyError("wrong key")).id == "authentication_unsuccessful"
    assert message_for_api_error(AuthenticationError(status=401, code=3000, message="x")).id == (
        "authentication_unsuccessful"
    )
    assert message_for_api_error(RateLimitError(status=429, code=None, message="x")).id == "too_many_requests"
    unreachable = message_for_api_error(
        APIConnectionError("x", method="GET", path="/customer", problem=TransportProblem.REFUSED),
        "https://api-test.tripletex.tech/v2",
    )
    assert unreachable.id == "api_unreachable"
    assert unreachable.en == "Cannot reach Tripletex: api-test.tripletex.tech refused the connection"
    assert unreachable.nb == "Får ikke kontakt med Tripletex: api-test.tripletex.tech avviste tilkoblingen"
    server = message_for_api_error(InternalServerError(status=503, code=None, message="x", request_id="r-9"))
    assert server.id == "tripletex_server_error" and "r-9" in server.fix_en


def test_two_tripletex_customers_with_the_organisation_number_fail_check_4_as_the_export_would(
    world: World,
) -> None:
    _close(world)
    _fail_posting(world, "CUST-1", "duplicate_organization_number")
    with world.company.client() as http:
        for number, name in ((50001, "Bryggen Kjøkken AS"), (50002, "Bryggen Kjøkken Vest AS")):
            http.post(
                "/customer", json={"name": name, "customerNumber": number, "organizationNumber": "965651845"}
            ).raise_for_status()
    diagnosis = diagnose_invoice(world.database, world.settings, world.connection_id, "CUST-1")
    failed = diagnosis.failed_check
    assert failed is not None and failed.check is Check.CUSTOMER
    assert failed.message is not None and failed.message.id == "duplicate_organization_number"
    assert "Tripletex 50001, Tripletex 50002" in failed.message.en


def test_customer_found_by_organisation_number_passes_check_4_naming_its_number(world: World) -> None:
    _close(world)
    _fail_posting(world, "CUST-1")
    with world.company.client() as http:
        http.post(
            "/customer",
            json={"name": "Bryggen Kjøkken AS", "customerNumber": 50001, "organizationNumber": "965651845"},
        ).raise_for_status()
    diagnosis = diagnose_invoice(world.database, world.settings, world.connection_id, "CUST-1")
    customer = diagnosis.result(Check.CUSTOMER)
    assert customer.passed and customer.note is not None
    assert "customer number 50001" in customer.note.en and "kundenummer 50001" in customer.note.nb


def test_line_vat_code_other_than_its_products_fails_check_6_as_the_export_would(world: World) -> None:
    # Account 3001 has VAT 31 and so does the line, but the product is VAT 3: the export refuses the
    # line (Tripletex would post it to the default account for 31), so the troubleshooter must too.
    extra = {
        "productClasses": [{"code": "SERV", "name": "Servering", "accountNumber": 3001}],
        "products": [{"number": "S-1", "name": "Lunsj", "productClassCode": "SERV", "vatCode": 3}],
        "invoices": [
            {
                "number": "LINE-1",
                "invoiceDate": "2026-10-10",
                "dueDate": "2026-10-30",
                "customerNumber": 10001,
                "lines": [{"productNumber": "S-1", "quantity": 1, "unitPrice": "100.00", "vatCode": 31}],
            }
        ],
    }
    assert import_data(world.database, world.connection_id, extra).all_accepted
    _close(world)
    _fail_posting(world, "LINE-1", "vat_code_mismatch")
    diagnosis = diagnose_invoice(world.database, world.settings, world.connection_id, "LINE-1")
    failed = diagnosis.failed_check
    assert failed is not None and failed.check is Check.VAT_TYPE
    assert failed.message is not None and failed.message.id == "vat_code_mismatch"
    assert diagnosis.result(Check.PRODUCT_ACCOUNT).passed
