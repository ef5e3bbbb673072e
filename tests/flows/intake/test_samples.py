from __future__ import annotations

import json
from collections import Counter
from typing import Any

from stdnum.no import orgnr

from txbridge.flows.intake import import_file
from txbridge.samples import DEMO_PERIOD, demo_defects, demo_path, invalid_path
from txbridge.samples.generate import build, main, render_json
from txbridge.store import Database, ReferenceKind, queries


def _demo() -> dict[str, Any]:
    return json.loads(demo_path().read_text(encoding="utf-8"))


def test_shipped_demo_is_what_the_generator_makes() -> None:
    assert main(["--check"]) == 0
    assert render_json(build()[0]) == render_json(build()[0])


def test_demo_has_the_promised_shape() -> None:
    demo = _demo()
    products = {p["number"]: p for p in demo["products"]}
    assert len(demo["invoices"]) >= 300
    assert len(demo["customers"]) >= 80
    assert len(products) == len(demo["products"]) >= 40
    assert len({p["productClassCode"] for p in products.values()}) >= 6
    assert {invoice["currency"] for invoice in demo["invoices"]} == {"NOK"}
    assert {invoice["pricesIncludeVat"] for invoice in demo["invoices"]} == {True, False}
    vat_used = Counter(
        products[line["productNumber"]]["vatCode"] for i in demo["invoices"] for line in i["lines"]
    )
    assert set(vat_used) >= {3, 31, 33, 5, 6}
    private = [c for c in demo["customers"] if c.get("isPrivatePerson")]
    companies = [c for c in demo["customers"] if not c.get("isPrivatePerson")]
    assert private and all("organizationNumber" not in c for c in private)
    assert all(orgnr.is_valid(c["organizationNumber"]) for c in companies)


def test_demo_defects_are_where_the_readme_says() -> None:
    demo = _demo()
    defects = demo_defects()
    invoices = {invoice["number"]: invoice for invoice in demo["invoices"]}
    products = {p["number"]: p for p in demo["products"]}
    classes = {c["code"]: c for c in demo["productClasses"]}
    assert classes[defects.missing_account_class]["accountNumber"] == defects.missing_account == 3099
    with_missing_account = {
        number
        for number, invoice in invoices.items()
        if any(products[line["productNumber"]]["productClassCode"] == "KURS" for line in invoice["lines"])
    }
    assert with_missing_account == set(defects.missing_account_invoices)
    sharing = [
        c["number"] for c in demo["customers"] if c.get("organizationNumber") == defects.shared_org_number
    ]
    assert tuple(sharing) == defects.shared_org_customers
    assert {n for n, i in invoices.items() if i["customerNumber"] in sharing} == set(
        defects.shared_org_invoices
    )
    assert not invoices[defects.outside_period_invoice]["invoiceDate"].startswith(DEMO_PERIOD)
    assert invoices[defects.already_exported_invoice]["tripletexInvoiceNumber"] == 9001
    assert [n for n, i in invoices.items() if i.get("status") == "draft"] == [defects.draft_invoice]
    outside = [n for n, i in invoices.items() if not i["invoiceDate"].startswith(DEMO_PERIOD)]
    assert outside == [defects.outside_period_invoice]


def test_intake_accepts_the_whole_demo(database: Database, connection_id: int) -> None:
    report = import_file(database, connection_id, demo_path())
    assert report.all_accepted, report.rejections[:3]
    demo = _demo()
    assert report.counts["invoices"].created == len(demo["invoices"])
    assert report.counts["customers"].created == len(demo["customers"])
    defects = demo_defects()
    with database.session() as session:
        ready = {i.number for i in queries.invoices_ready_for_batch(session, connection_id, DEMO_PERIOD)}
        assert len(ready) == len(demo["invoices"]) - 2
        assert defects.outside_period_invoice not in ready and defects.draft_invoice not in ready
        exported = queries.invoice_by_number(session, connection_id, defects.already_exported_invoice)
        assert exported is not None
        reference = queries.reference_of(session, connection_id, ReferenceKind.INVOICE, exported.id)
        assert reference is not None and reference.tripletex_number == "9001"
    # Importing the same file again changes nothing.
    again = import_file(database, connection_id, demo_path())
    assert again.all_accepted and again.counts["invoices"].unchanged == len(demo["invoices"])


def test_invalid_sample_rejects_exactly_the_documented_items(database: Database, connection_id: int) -> None:
    assert import_file(database, connection_id, demo_path()).all_accepted
    report = import_file(database, connection_id, invalid_path())
    rejected = sorted({(r.item, r.message.id) for r in report.rejections})
    assert rejected == [
        ("customers[0] 19001", "intake_invalid_organization_number"),
        ("invoices[0] 199001", "intake_unknown_reference"),
        ("invoices[1] 199002", "intake_due_before_invoice_date"),
        ("invoices[1] 199002", "intake_too_many_decimals"),
        ("products[0] FEIL-001", "intake_vat_code_unknown"),
        ("products[1] FEIL-002", "intake_unknown_reference"),
    ]
    assert report.counts["customers"].created == 1
    assert sum(c.rejected for c in report.counts.values()) == 5
