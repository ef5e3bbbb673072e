"""The mapping rules on their own (no I/O): customer matching, the product's account and VAT checks,
and the incl./excl. VAT price rule of the invoice body."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from txbridge.flows.export.mapping import (
    Chart,
    ProductTarget,
    invoice_body,
    line_problem,
    make_marker,
    plan_customers,
    product_target,
)
from txbridge.store import Customer, Invoice, InvoiceLine, Product, ProductClass
from txbridge.tripletex import models as m


def chart(*accounts: m.Account) -> Chart:
    vat_types = [
        m.VatType(id=101, number="3"),
        m.VatType(id=102, number="31"),
        m.VatType(id=105, number="5"),
    ]
    return Chart.build(accounts, vat_types)


def account(number: int, vat: str | None, id: int | None = None) -> m.Account:
    return m.Account(
        id=id or number, number=number, vatType=None if vat is None else m.VatType(id=0, number=vat)
    )


def product(vat_code: int = 3, account_number: int | None = 3000, with_class: bool = True) -> Product:
    klass = ProductClass(id=1, code="ARBEID", name="Arbeid", account_number=account_number)
    return Product(
        id=7, number="ARB-1", name="Time", vat_code=vat_code, product_class=klass if with_class else None
    )


def bank(number: str | None) -> m.Account:
    return m.Account(id=1920, number=1920, isBankAccount=True, bankAccountNumber=number)


def test_only_a_bank_account_number_that_passes_mod11_lets_invoices_go() -> None:
    assert chart(bank("8601 11 17947")).has_bank_account_number()  # valid MOD11 (spaces as people write it)
    assert not chart(bank("86011117948")).has_bank_account_number()  # one digit off: a typo
    assert not chart(bank("")).has_bank_account_number()
    assert not chart(bank(None)).has_bank_account_number()


def test_product_target_uses_the_account_by_number() -> None:
    target = product_target(product(), chart(account(3000, "3", id=55)))
    assert target == ProductTarget(account_id=55, vat_type_id=101, account_number=3000)


def test_product_problems_name_the_account_and_the_fix() -> None:
    missing = product_target(product(account_number=3099), chart(account(3000, "3")))
    assert not isinstance(missing, ProductTarget) and missing.id == "account_not_found"
    assert missing.en == "Account 3099 was not found in Tripletex" and "3099" in missing.fix_en
    no_vat = product_target(product(), chart(account(3000, None)))
    assert not isinstance(no_vat, ProductTarget) and no_vat.id == "vat_type_missing_on_account"
    wrong = product_target(product(), chart(account(3000, "31")))
    assert not isinstance(wrong, ProductTarget) and wrong.id == "vat_code_mismatch" and "3000" in wrong.en
    no_class = product_target(product(with_class=False), chart(account(3000, "3")))
    assert not isinstance(no_class, ProductTarget) and no_class.id == "product_class_missing"
    no_account = product_target(product(account_number=None), chart(account(3000, "3")))
    assert not isinstance(no_account, ProductTarget) and no_account.id == "product_class_without_account"
    unknown_vat = product_target(product(vat_code=99), chart(account(3000, "3")))
    assert not isinstance(unknown_vat, ProductTarget) and unknown_vat.id == "vat_code_unknown"


def test_a_line_with_another_vat_code_than_its_product_is_refused() -> None:
    line = InvoiceLine(line_no=1, vat_code=31, quantity=Decimal(1), unit_price=Decimal(10))
    problem = line_problem(line, product(vat_code=3), chart(account(3000, "3")), "F-1")
    assert problem is not None and problem.id == "vat_code_mismatch"
    assert line_problem(line, None, chart(), "F-1") is not None  # no product, no description
    line.description = "Frakt"
    assert line_problem(line, None, chart(), "F-1") is None


def local_customer(id: int, number: int, name: str, org: str | None) -> Customer:
    return Customer(id=id, number=number, name=name, organization_number=org)


def test_customers_match_by_number_then_organisation_number() -> None:
    remote = [
        m.Customer(id=900, customerNumber=10001, name="Fjord AS", organizationNumber="918033734"),
        m.Customer(id=901, customerNumber=555, name="Fjell AS", organizationNumber="926593102"),
        m.Customer(id=902, customerNumber=10003, name="Helt Annen AS", organizationNumber="974760673"),
    ]
    local = [
        local_customer(1, 10001, "Fjord AS", "918033734"),  # by number
        local_customer(2, 10002, "Fjell AS", "926593102"),  # by organisation number
        local_customer(3, 10003, "Dal AS", "981276957"),  # number taken by someone else
        local_customer(4, 10004, "Ny AS", None),  # to create
        local_customer(5, 10005, "Tvilling A", "985399077"),
        local_customer(6, 10006, "Tvilling B", "985399077"),
    ]
    plan = plan_customers(local, remote, {"985399077": [10005, 10006]})
    assert plan.tripletex_ids == {1: 900, 2: 901}
    assert plan.failures[3].id == "customer_number_in_use" and "Helt Annen AS" in plan.failures[3].cause_en
    assert plan.failures[5].id == plan.failures[6].id == "duplicate_organization_number"
    assert [c.number for c in plan.to_create] == [10004]


def test_invoice_body_obeys_the_price_rule() -> None:
    klass = ProductClass(id=1, code="A", name="A", account_number=3000)
    prod = Product(id=7, number="ARB-1", name="Time", vat_code=3, product_class=klass)
    c = chart(account(3000, "3"))
    for including, field, other in (
        (True, "unitPriceIncludingVatCurrency", "unitPriceExcludingVatCurrency"),
        (False, "unitPriceExcludingVatCurrency", "unitPriceIncludingVatCurrency"),
    ):
        invoice = Invoice(
            number="F-1",
            invoice_date=date(2026, 10, 3),
            due_date=date(2026, 10, 17),
            customer_id=1,
            currency="NOK",
            prices_include_vat=including,
            lines=[
                InvoiceLine(
                    line_no=1,
                    product_id=prod.id,
                    product=prod,
                    quantity=Decimal("2.0000"),
                    unit_price=Decimal("125.00"),
                    vat_code=3,
                    discount_percent=Decimal("10"),
                )
            ],
        )
        body = invoice_body(invoice, marker="TXB-F-1-1.1", customer_id=900, product_ids={7: 4242}, chart=c)
        order = body["orders"][0]
        assert order["isPrioritizeAmountsIncludingVat"] is including
        assert order["number"] == "TXB-F-1-1.1"
        line = order["orderLines"][0]
        assert line[field] == Decimal("125.00") and other not in line
        assert line["product"] == {"id": 4242} and line["vatType"] == {"id": 101}
        assert line["discount"] == Decimal("10") and line["count"] == Decimal("2")
        assert (body["invoiceDate"], body["invoiceDueDate"]) == ("2026-10-03", "2026-10-17")


def test_markers_differ_per_generation() -> None:
    assert make_marker("100001", 5, 1) != make_marker("100001", 5, 2)
