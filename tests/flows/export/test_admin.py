"""Error state after repeated authentication failures, reactivation, the administrator's deliberate
re-export (clear reference + reset batch), and payment status read back."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest

from tests.flows.export.conftest import Env, load, payload
from txbridge.flows import connections
from txbridge.flows.export import (
    BatchNotFoundError,
    clear_reference,
    close_batch,
    export_batch,
    refresh_payments,
    reset_batch,
)
from txbridge.flows.export.batches import batch_of_connection
from txbridge.store import (
    BatchStatus,
    Connection,
    ConnectionState,
    ItemStatus,
    PaymentStatus,
    ReferenceKind,
    TokenCipher,
)
from txbridge.store import queries as q
from txbridge.tripletex import AuthenticationError


def set_employee_token(env: Env, token: str) -> None:
    cipher = TokenCipher.from_settings(env.settings)
    with env.db.transaction() as session:
        connection = session.get(Connection, env.connection_id)
        assert connection is not None
        connection.set_tokens(cipher, consumer_token=env.company.consumer_token, employee_token=token)


def connection(env: Env) -> Connection:
    with env.db.transaction() as session:
        found = session.get(Connection, env.connection_id)
        assert found is not None
        return found


def batch_of(env: Env, invoices: int = 3) -> int:
    load(env, payload(invoices=invoices, customers=2))
    closed = close_batch(env.db, env.connection_id, "2026-10")
    assert closed.batch_id is not None
    return closed.batch_id


def test_repeated_authentication_failures_put_the_connection_in_error_state(env: Env) -> None:
    batch_id = batch_of(env)
    set_employee_token(env, "test-this-token-is-not-valid-000")
    for expected_failures in (2, 4):
        result = export_batch(env.db, env.settings, batch_id)
        assert result.stopped is not None and result.stopped.id == "authentication_unsuccessful"
        assert result.status is BatchStatus.PENDING  # never Failed because of the integration
        assert connection(env).consecutive_failures == expected_failures
        assert connection(env).state is ConnectionState.ACTIVE
    third = export_batch(env.db, env.settings, batch_id)
    assert third.stopped is not None
    assert connection(env).state is ConnectionState.ERROR

    # In error state the export stops at once, without a single API call.
    stopped = export_batch(env.db, env.settings, batch_id)
    assert stopped.stopped is not None and stopped.stopped.id == "integration_error_state"
    assert stopped.api_calls == 0 and "reactivate" in stopped.stopped.fix_en
    with env.db.transaction() as session:
        ids = [e.message_id for e in q.log_entries(session, env.connection_id, object_type="connection")]
    assert "integration_error_state" in ids and "authentication_unsuccessful" in ids

    # Reactivation needs a successful test connection.
    with pytest.raises(connections.ConnectionFlowError) as refused:
        connections.reactivate(env.db, env.settings, env.connection_id)
    assert refused.value.message.id == "authentication_unsuccessful"
    assert connection(env).state is ConnectionState.ERROR

    set_employee_token(env, env.company.employee_token)
    reactivated = connections.reactivate(env.db, env.settings, env.connection_id)
    assert reactivated.state is ConnectionState.ACTIVE and reactivated.consecutive_failures == 0
    done = export_batch(env.db, env.settings, batch_id)
    assert done.status is BatchStatus.EXPORTED and done.exported == 3


def test_secrets_stay_out_of_results_logs_and_reprs(env: Env) -> None:
    batch_id = batch_of(env, invoices=2)
    set_employee_token(env, "test-this-token-is-not-valid-000")
    result = export_batch(env.db, env.settings, batch_id)
    with env.db.transaction() as session:
        logs = q.log_entries(session, env.connection_id, limit=1000)
        texts = [f"{e.message} {e.detail}" for e in logs] + [repr(session.get(Connection, env.connection_id))]
    texts += [repr(result), str(result.stopped)]
    for secret in (env.company.employee_token, env.company.consumer_token, "this-token-is-not-valid"):
        assert not any(secret in text for text in texts)


def test_reexport_needs_clear_reference_and_reset_and_is_logged(env: Env) -> None:
    batch_id = batch_of(env)
    assert export_batch(env.db, env.settings, batch_id).exported == 3

    assert clear_reference(env.db, env.connection_id, "500001", actor="admin@vendor") is True
    cleared = export_batch(env.db, env.settings, batch_id)
    # Clearing alone sends nothing: the posting waits for the batch reset.
    assert cleared.api_calls == 0 and cleared.status is BatchStatus.FAILED
    assert {f.subject_key: f.error_id for f in cleared.failures} == {"500001": "reference_cleared"}

    assert reset_batch(env.db, batch_id, actor="admin@vendor") == 1
    again = export_batch(env.db, env.settings, batch_id)
    assert again.status is BatchStatus.EXPORTED and again.exported == 3
    markers = [m for m in env.markers() if m.startswith("TXB-500001-")]
    assert len(markers) == 2 and len(set(markers)) == 2  # the new invoice has a new marker
    with env.db.transaction() as session:
        logged = q.log_entries(session, env.connection_id, limit=1000)
    assert any(e.message_id == "reference_cleared" and "admin@vendor" in e.message for e in logged)
    assert any(e.object_type == "batch" and "admin@vendor" in e.message for e in logged)


def test_payments_refresh_marks_paid_credited_and_outstanding(env: Env) -> None:
    batch_id = batch_of(env)
    assert export_batch(env.db, env.settings, batch_id).exported == 3
    remote = sorted(env.invoices(), key=lambda inv: inv["invoiceNumber"])
    with env.api() as api:
        payment_type = api.get("/invoice/paymentType", params={"fields": "id"}).json()["values"][0]["id"]
        api.put(
            f"/invoice/{remote[0]['id']}/:payment",
            params={
                "paymentDate": "2026-10-20",
                "paymentTypeId": payment_type,
                "paidAmount": remote[0]["amount"],
            },
        ).raise_for_status()
        api.put(
            f"/invoice/{remote[1]['id']}/:createCreditNote",
            params={"date": "2026-10-21", "sendToCustomer": False},
        ).raise_for_status()

    result = refresh_payments(env.db, env.settings, env.connection_id)

    assert (result.paid, result.credited, result.outstanding, result.not_found) == (1, 1, 1, 0)
    assert result.api_calls <= 2  # the session and one listing
    with env.db.transaction() as session:
        refs = q.references_of(session, env.connection_id, ReferenceKind.INVOICE)
    statuses = Counter(r.payment_status for r in refs.values())
    assert statuses == {PaymentStatus.PAID: 1, PaymentStatus.CREDITED: 1, PaymentStatus.OUTSTANDING: 1}


def test_pending_approval_blocks_the_export(env: Env) -> None:
    batch_id = batch_of(env, invoices=1)
    with env.db.transaction() as session:
        found = session.get(Connection, env.connection_id)
        assert found is not None
        found.state = ConnectionState.PENDING_APPROVAL
    result = export_batch(env.db, env.settings, batch_id)
    assert result.stopped is not None and result.stopped.id == "connection_pending_approval"
    assert result.api_calls == 0
    with env.db.transaction() as session:
        assert {p.status for p in q.items_of_batch(session, batch_id)} == {ItemStatus.PENDING}
    assert env.invoices() == []


def test_expired_employee_token_stops_the_export_and_marks_the_connection(env: Env) -> None:
    batch_id = batch_of(env, invoices=1)
    with env.db.transaction() as session:
        found = session.get(Connection, env.connection_id)
        assert found is not None
        found.token_expires_on = date.today() - timedelta(days=1)
    result = export_batch(env.db, env.settings, batch_id)
    assert result.stopped is not None and result.stopped.id == "token_expired" and result.api_calls == 0
    assert connection(env).state is ConnectionState.TOKEN_EXPIRED
    # A new token (connect again) and approval bring it back.
    connections.connect(
        env.db,
        env.settings,
        name=connection(env).name,
        environment="sandbox",
        consumer_token=env.company.consumer_token,
        employee_token=env.company.employee_token,
        base_url=env.company.base_url,
        token_expires_on=date.today() + timedelta(days=90),
    )
    assert connection(env).state is ConnectionState.PENDING_APPROVAL
    connections.approve(env.db, env.connection_id)
    assert export_batch(env.db, env.settings, batch_id).exported == 1


def test_an_unknown_batch_is_named_with_the_catalog_message(env: Env) -> None:
    for action in (
        lambda: export_batch(env.db, env.settings, 424242),
        lambda: reset_batch(env.db, 424242, actor="admin"),
        lambda: batch_of_connection(env.db, env.connection_id, 424242),
    ):
        with pytest.raises(BatchNotFoundError) as missing:
            action()
        assert missing.value.message.id == "batch_not_found"
        assert "424242" in missing.value.message.en and "batch show" in missing.value.message.fix_en


def test_another_connections_batch_is_not_found_for_this_one(env: Env) -> None:
    load(env, payload(invoices=1, customers=1))
    batch_id = close_batch(env.db, env.connection_id, "2026-10").batch_id
    assert batch_id is not None
    assert batch_of_connection(env.db, env.connection_id, batch_id).id == batch_id
    with pytest.raises(BatchNotFoundError) as missing:
        batch_of_connection(env.db, env.connection_id + 1, batch_id)
    assert missing.value.message.id == "batch_not_found" and str(batch_id) in missing.value.message.nb


def test_a_failed_payments_refresh_counts_towards_the_error_state(env: Env) -> None:
    batch_id = batch_of(env, invoices=1)
    assert export_batch(env.db, env.settings, batch_id).exported == 1
    set_employee_token(env, "test-this-token-is-not-valid-000")
    with pytest.raises(AuthenticationError):
        refresh_payments(env.db, env.settings, env.connection_id)
    assert connection(env).consecutive_failures == 2  # an authentication failure counts double
    with env.db.transaction() as session:
        ids = [e.message_id for e in q.log_entries(session, env.connection_id, object_type="connection")]
    assert "authentication_unsuccessful" in ids
