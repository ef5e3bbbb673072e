from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.flows.intake.conftest import small_payload
from txbridge.flows.intake import ConnectionNotFoundError, ImportReport, import_data
from txbridge.store import (
    Customer,
    Database,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    ItemStatus,
    Product,
    ReferenceKind,
    queries,
)

FIXED = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def _run(database: Database, connection_id: int, payload: dict[str, Any]) -> ImportReport:
    return import_data(database, connection_id, payload, clock=lambda: FIXED)


def _ids(report: ImportReport) -> list[tuple[str, str | None, str]]:
    return [(r.item, r.field, r.message.id) for r in report.rejections]


def _count(database: Database, model: Any) -> int:
    with database.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_valid_payload_goes_in_with_defaults_filled(database: Database, connection_id: int) -> None:
    report = _run(database, connection_id, small_payload())
    assert report.all_accepted, _ids(report)
    assert {kind: counts.created for kind, counts in report.counts.items()} == {
        "productClasses": 2,
        "customers": 2,
        "products": 2,
        "invoices": 2,
        "daySales": 0,
        "hours": 0,
    }
    with database.session() as session:
        customer = queries.customer_by_number(session, connection_id, 10001)
        assert customer is not None
        assert customer.organization_number == "974760673"  # compacted
        assert customer.created_at == FIXED
        invoice = queries.invoice_by_number(session, connection_id, "F-1001")
        assert invoice is not None
        assert invoice.prices_include_vat is False  # the connection's default
        assert invoice.status is InvoiceStatus.READY and invoice.currency == "NOK"
        first, second = invoice.lines
        assert (first.line_no, first.vat_code, first.quantity) == (
            1,
            3,
            Decimal("2.5000"),
        )  # VAT from product
        assert (second.line_no, second.vat_code, second.discount_percent) == (2, 31, Decimal("10.00"))
        assert second.unit_price == Decimal("129.90")
        other = queries.invoice_by_number(session, connection_id, "F-1002")
        assert other is not None and other.prices_include_vat is True
        assert other.lines[0].product_id is None and other.lines[0].vat_code == 33


def test_bad_items_rejected_by_name_and_field_good_ones_go_in(database: Database, connection_id: int) -> None:
    payload = small_payload()
    payload["customers"].append({"number": 10003, "name": "Feil AS", "organizationNumber": "974760674"})
    payload["customers"].append({"number": 10004, "name": "Epost AS", "email": "not-an-email"})
    payload["products"].append({"number": "X-1", "name": "Ukjent mva", "vatCode": 7})
    payload["invoices"].append(
        {
            "number": "F-1003",
            "invoiceDate": "2026-10-05",
            "dueDate": "2026-10-01",
            "customerNumber": 10001,
            "lines": [{"description": "x", "quantity": 1, "unitPrice": "1.005", "vatCode": 3}],
        }
    )
    payload["invoices"].append(
        {
            "number": "F-1004",
            "invoiceDate": "2026-10-05",
            "dueDate": "2026-10-19",
            "customerNumber": 99999,
            "lines": [{"description": "x", "quantity": 1, "unitPrice": "1", "vatCode": 3}],
        }
    )
    report = _run(database, connection_id, payload)
    rejected = _ids(report)
    assert ("customers[2] 10003", "organizationNumber", "intake_invalid_organization_number") in rejected
    assert ("customers[3] 10004", "email", "intake_email_invalid") in rejected
    assert ("products[2] X-1", "vatCode", "intake_vat_code_unknown") in rejected
    assert ("invoices[2] F-1003", "dueDate", "intake_due_before_invoice_date") in rejected
    # As text, 1.005 could be 1005 with a thousands point: refused, not guessed.
    assert ("invoices[2] F-1003", "lines[0].unitPrice", "intake_number_ambiguous") in rejected
    assert ("invoices[3] F-1004", "customerNumber", "intake_unknown_reference") in rejected
    assert report.counts["invoices"].created == 2 and report.counts["invoices"].rejected == 2
    assert report.counts["customers"].created == 2 and report.counts["customers"].rejected == 2
    org = next(r for r in report.rejections if r.message.id == "intake_invalid_organization_number")
    assert "974760674" in org.message.nb and "974760674" in org.message.en
    assert "customers[2] 10003" in org.message.en
    assert org.message.fix_nb and org.message.fix_en
    assert _count(database, Invoice) == 2


def test_never_half_an_invoice(database: Database, connection_id: int) -> None:
    payload = small_payload()
    # The second line refers to a product nobody has: the whole invoice stays out.
    payload["invoices"][0]["lines"].append({"productNumber": "NOPE", "quantity": 1, "unitPrice": "1"})
    report = _run(database, connection_id, payload)
    assert _ids(report) == [("invoices[0] F-1001", "lines[2].productNumber", "intake_unknown_reference")]
    with database.session() as session:
        assert queries.invoice_by_number(session, connection_id, "F-1001") is None
        numbers = session.scalars(select(Invoice.number)).all()
        assert numbers == ["F-1002"]
        assert session.scalar(select(func.count()).select_from(InvoiceLine)) == 1


def test_rejection_cascades_to_what_refers_to_it(database: Database, connection_id: int) -> None:
    payload = small_payload()
    payload["productClasses"][1]["accountNumber"] = 12  # invalid: the class, its product, the invoice go
    report = _run(database, connection_id, payload)
    assert [(item, message_id) for item, _, message_id in _ids(report)] == [
        ("productClasses[1] MAT", "intake_value_too_small"),
        ("products[1] M-1", "intake_unknown_reference"),
        ("invoices[0] F-1001", "intake_unknown_reference"),
    ]
    assert report.counts["invoices"].created == 1


def test_references_to_items_already_in_the_store(database: Database, connection_id: int) -> None:
    payload = small_payload()
    first = {kind: payload[kind] for kind in ("productClasses", "customers", "products")}
    assert _run(database, connection_id, first).all_accepted
    report = _run(database, connection_id, {"invoices": payload["invoices"]})
    assert report.all_accepted and report.counts["invoices"].created == 2


def test_reimport_updates_by_number_and_counts_unchanged(database: Database, connection_id: int) -> None:
    assert _run(database, connection_id, small_payload()).all_accepted
    changed = small_payload()
    changed["customers"][0]["name"] = "Fjordkraft Service ASA"
    changed["invoices"][0]["lines"] = [{"productNumber": "A-1", "quantity": 4, "unitPrice": "900"}]
    report = _run(database, connection_id, changed)
    assert report.all_accepted
    assert (report.counts["customers"].updated, report.counts["customers"].unchanged) == (1, 1)
    assert (report.counts["invoices"].updated, report.counts["invoices"].unchanged) == (1, 1)
    assert report.counts["products"].unchanged == 2
    with database.session() as session:
        invoice = queries.invoice_by_number(session, connection_id, "F-1001")
        assert invoice is not None
        assert [(line.line_no, line.quantity) for line in invoice.lines] == [(1, Decimal("4.0000"))]
        assert session.scalar(select(func.count()).select_from(Customer)) == 2
        assert session.scalar(select(func.count()).select_from(Product)) == 2


def test_invoice_in_a_batch_is_locked_unless_unchanged(database: Database, connection_id: int) -> None:
    assert _run(database, connection_id, small_payload()).all_accepted
    with database.transaction() as session:
        invoices = queries.invoices_ready_for_batch(session, connection_id, "2026-10")
        batch = queries.create_batch(session, connection_id, "2026-10", invoices)
    same = _run(database, connection_id, small_payload())
    assert same.all_accepted and same.counts["invoices"].unchanged == 2
    changed = small_payload()
    changed["invoices"][1]["dueDate"] = "2026-10-30"
    report = _run(database, connection_id, changed)
    assert _ids(report) == [("invoices[1] F-1002", None, "intake_invoice_in_batch")]
    assert str(batch.id) in report.rejections[0].message.en
    with database.session() as session:
        invoice = queries.invoice_by_number(session, connection_id, "F-1002")
        assert invoice is not None and invoice.due_date == date(2026, 10, 18)
    # Out of the batch (administrator), it can change again.
    with database.transaction() as session:
        for posting in queries.items_of_batch(session, batch.id):
            posting.status = ItemStatus.REMOVED
    assert _run(database, connection_id, changed).counts["invoices"].updated == 1


def test_earlier_export_becomes_a_reference_and_locks_the_invoice(
    database: Database, connection_id: int
) -> None:
    payload = small_payload()
    payload["invoices"][0]["tripletexInvoiceNumber"] = 5501
    assert _run(database, connection_id, payload).all_accepted
    with database.session() as session:
        invoice = queries.invoice_by_number(session, connection_id, "F-1001")
        assert invoice is not None
        reference = queries.reference_of(session, connection_id, ReferenceKind.INVOICE, invoice.id)
        assert reference is not None
        assert (reference.tripletex_number, reference.tripletex_id, reference.local_number) == (
            "5501",
            None,
            "F-1001",
        )
    again = _run(database, connection_id, copy.deepcopy(payload))
    assert again.all_accepted and again.counts["invoices"].unchanged == 2
    payload["invoices"][0]["comment"] = "endret"
    report = _run(database, connection_id, payload)
    assert _ids(report) == [("invoices[0] F-1001", None, "intake_invoice_exported")]
    assert "5501" in report.rejections[0].message.nb


def test_duplicates_in_one_file_are_rejected(database: Database, connection_id: int) -> None:
    payload = small_payload()
    payload["customers"].append(dict(payload["customers"][1], name="Kari N."))
    report = _run(database, connection_id, payload)
    assert [(item, message_id) for item, _, message_id in _ids(report)] == [
        ("customers[1] 10002", "intake_duplicate_in_file"),
        ("customers[2] 10002", "intake_duplicate_in_file"),
        ("invoices[1] F-1002", "intake_unknown_reference"),
    ]


def test_unknown_field_and_non_object_items(database: Database, connection_id: int) -> None:
    payload: dict[str, Any] = {"customers": [{"number": 1, "name": "A", "nickname": "x"}, {"__invalid__": 5}]}
    report = _run(database, connection_id, payload)
    assert _ids(report) == [
        ("customers[0] 1", "nickname", "intake_field_unknown"),
        ("customers[1]", None, "intake_not_an_object"),
    ]


def test_unknown_connection_is_a_clear_error(database: Database) -> None:
    with pytest.raises(ConnectionNotFoundError) as info:
        import_data(database, 4242, small_payload())
    assert "4242" in str(info.value) and "finnes ikke" in str(info.value)


def test_many_invoices_over_several_chunks(database: Database, connection_id: int) -> None:
    from txbridge.flows.intake import Intake

    payload = small_payload()
    template = payload["invoices"][1]
    payload["invoices"] = [dict(template, number=f"F-{n}") for n in range(25)]
    payload["invoices"][7]["customerNumber"] = 5  # one bad item in the middle of a chunk
    report = Intake(database, connection_id, chunk_size=10).run(payload)
    assert report.counts["invoices"].created == 24
    assert _ids(report) == [("invoices[7] F-7", "customerNumber", "intake_unknown_reference")]
    assert _count(database, Invoice) == 24


def _refuse_customers_named(database: Database, name: str) -> None:
    # A rule only the database knows: proves an item the database refuses is rejected alone.
    with database.engine.begin() as conn:
        if database.backend == "sqlite":
            conn.exec_driver_sql(
                "CREATE TRIGGER refuse BEFORE INSERT ON customer "
                f"WHEN NEW.name = '{name}' BEGIN SELECT RAISE(ABORT, 'refused'); END"
            )
        else:
            conn.exec_driver_sql(
                "CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN "
                f"IF NEW.name = '{name}' THEN RAISE EXCEPTION 'refused' USING ERRCODE = 'check_violation'; "
                "END IF; RETURN NEW; END $$ LANGUAGE plpgsql"
            )
            conn.exec_driver_sql(
                "CREATE TRIGGER refuse BEFORE INSERT ON customer FOR EACH ROW EXECUTE FUNCTION refuse()"
            )


def test_item_the_database_refuses_is_rejected_alone(database: Database, connection_id: int) -> None:
    _refuse_customers_named(database, "Nekt AS")
    payload = small_payload()
    payload["customers"].insert(1, {"number": 10009, "name": "Nekt AS"})
    report = _run(database, connection_id, payload)
    assert _ids(report) == [("customers[1] 10009", None, "intake_refused_by_store")]
    assert report.counts["customers"].created == 2 and report.counts["invoices"].created == 2
    assert _count(database, Customer) == 2


def test_line_numbers_must_not_collide_with_positions(database: Database, connection_id: int) -> None:
    payload = small_payload()
    payload["invoices"][0]["lines"][1]["lineNo"] = 1  # the first line is line 1 by position
    payload["customers"][1]["name"] = "Kari\x00Nordmann"
    report = _run(database, connection_id, payload)
    assert [(item, field) for item, field, _ in _ids(report)] == [
        ("customers[1] 10002", "name"),
        ("invoices[0] F-1001", None),
        ("invoices[1] F-1002", "customerNumber"),
    ]
