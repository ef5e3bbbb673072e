"""How local host data becomes Tripletex objects, and the checks that decide whether it can.

Pure functions over what the export has read once per batch (chart of accounts, VAT types, the
company's customers and products): no I/O, so every rule is testable on its own."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from stdnum.no import kontonr

from txbridge.catalog import Message, render
from txbridge.store import Customer, Invoice, InvoiceLine, Product
from txbridge.tripletex import models as m

#: Written on the order as its ``number``: searchable, stays with the invoice, not a customer-facing
#: field of its own. Changed only by an administrator's re-export (new generation).
MARKER_PREFIX = "TXB"


def make_marker(invoice_number: str, posting_id: int, generation: int) -> str:
    return f"{MARKER_PREFIX}-{invoice_number}-{posting_id}.{generation}"


@dataclass(frozen=True, slots=True)
class Chart:
    """The company's chart of accounts and VAT types, read once per batch."""

    accounts_by_number: Mapping[int, m.Account]
    vat_types_by_number: Mapping[str, m.VatType]
    vat_numbers_by_id: Mapping[int, str]

    @classmethod
    def build(cls, accounts: Iterable[m.Account], vat_types: Iterable[m.VatType]) -> Chart:
        vats = [v for v in vat_types if v.number is not None and v.id is not None]
        return cls(
            {a.number: a for a in accounts if a.number is not None},
            {str(v.number): v for v in vats},
            {int(v.id): str(v.number) for v in vats if v.id is not None},
        )

    def has_bank_account_number(self) -> bool:
        # A number that fails the MOD11 check is a typo, not an account Tripletex can put on an invoice.
        return any(
            a.isBankAccount and kontonr.is_valid(a.bankAccountNumber or "")
            for a in self.accounts_by_number.values()
        )

    def vat_number_of_account(self, account: m.Account) -> str | None:
        vat = account.vatType
        if vat is None:
            return None
        if vat.number is not None:
            return str(vat.number)
        return self.vat_numbers_by_id.get(int(vat.id)) if vat.id is not None else None


# --- customers ---------------------------------------------------------------------------------------


def _norm(text: str | None) -> str:
    return " ".join((text or "").lower().split())


def same_customer(local: Customer, remote: m.Customer) -> bool:
    """Whether a Tripletex customer with the local customer's number is that customer: by organisation
    number when both have one, else by name."""
    if local.organization_number and remote.organizationNumber:
        return local.organization_number == remote.organizationNumber.replace(" ", "")
    return _norm(local.name) == _norm(remote.name)


@dataclass(slots=True)
class CustomerPlan:
    """Per local customer id: its Tripletex id, or why it cannot be used, or that it must be created."""

    tripletex_ids: dict[int, int] = field(default_factory=dict)
    failures: dict[int, Message] = field(default_factory=dict)
    to_create: list[Customer] = field(default_factory=list)


def plan_customers(
    customers: Iterable[Customer],
    remote: Iterable[m.Customer],
    shared_org_numbers: Mapping[str, list[int]],
) -> CustomerPlan:
    """Match by customer number, then by organisation number; conflicts become failures."""
    by_number: dict[int, m.Customer] = {}
    by_org: dict[str, list[m.Customer]] = defaultdict(list)
    for r in remote:
        if r.customerNumber is not None:
            by_number[int(r.customerNumber)] = r
        if r.organizationNumber:
            by_org[r.organizationNumber.replace(" ", "")].append(r)
    plan = CustomerPlan()
    for c in customers:
        org = c.organization_number
        if org and len(shared_org_numbers.get(org, [])) > 1:
            plan.failures[c.id] = render(
                "duplicate_organization_number",
                organization_number=org,
                customers=", ".join(str(n) for n in sorted(shared_org_numbers[org])),
            )
            continue
        match = by_number.get(c.number)
        if match is not None and match.id is not None:
            if same_customer(c, match):
                plan.tripletex_ids[c.id] = match.id
            else:
                plan.failures[c.id] = render(
                    "customer_number_in_use", number=c.number, name=c.name, tripletex_name=match.name or "?"
                )
            continue
        candidates = by_org.get(org, []) if org else []
        if len(candidates) == 1 and candidates[0].id is not None:
            plan.tripletex_ids[c.id] = candidates[0].id
        elif len(candidates) > 1:
            plan.failures[c.id] = render(
                "duplicate_organization_number",
                organization_number=org,
                customers=", ".join(f"Tripletex {r.customerNumber}" for r in candidates),
            )
        else:
            plan.to_create.append(c)
    return plan


def customer_body(c: Customer) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": c.name,
        "customerNumber": c.number,
        "isPrivateIndividual": c.is_private_person,
    }
    if c.organization_number:
        body["organizationNumber"] = c.organization_number
    if c.email:
        body["email"] = c.email
    if c.invoice_email:
        body["invoiceEmail"] = c.invoice_email
    if c.phone:
        body["phoneNumber"] = c.phone
    address = {
        k: v
        for k, v in (
            ("addressLine1", c.address_line1),
            ("addressLine2", c.address_line2),
            ("postalCode", c.postal_code),
            ("city", c.city),
        )
        if v
    }
    if address:
        body["postalAddress"] = address
    return body


# --- products ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProductTarget:
    """What a product must look like in Tripletex: its income account and VAT type (ids of this company)."""

    account_id: int
    vat_type_id: int
    account_number: int


def product_target(product: Product, chart: Chart) -> ProductTarget | Message:
    """The account of the product's class **by number**, with the VAT checks of the seed's checks 5 and 6."""
    klass = product.product_class
    if klass is None:
        return render("product_class_missing", product=product.number)
    if klass.account_number is None:
        return render("product_class_without_account", product_class=klass.code)
    account = chart.accounts_by_number.get(klass.account_number)
    if account is None or account.id is None:
        return render("account_not_found", account=klass.account_number)
    vat = chart.vat_types_by_number.get(str(product.vat_code))
    if vat is None or vat.id is None:
        return render("vat_code_unknown", vat_code=product.vat_code)
    account_vat = chart.vat_number_of_account(account)
    if account_vat is None:
        return render("vat_type_missing_on_account", account=klass.account_number)
    if account_vat != str(product.vat_code):
        return render(
            "vat_code_mismatch",
            vat_code=product.vat_code,
            account_vat_code=account_vat,
            account=klass.account_number,
        )
    return ProductTarget(account.id, vat.id, klass.account_number)


def product_body(product: Product, target: ProductTarget) -> dict[str, Any]:
    return {
        "name": product.name,
        "number": product.number,
        "vatType": {"id": target.vat_type_id},
        "account": {"id": target.account_id},
    }


def needs_update(remote: m.Product, target: ProductTarget) -> bool:
    account_id = remote.account.id if remote.account is not None else None
    vat_id = remote.vatType.id if remote.vatType is not None else None
    return account_id != target.account_id or vat_id != target.vat_type_id


# --- invoices ----------------------------------------------------------------------------------------


def _amount(value: Decimal) -> Decimal:
    return value.normalize() if value == value.to_integral_value() else value


def line_problem(
    line: InvoiceLine, product: Product | None, chart: Chart, invoice_number: str
) -> Message | None:
    """A line's own VAT code must exist, and match its product's (else Tripletex posts it to the
    default account of that VAT code instead of the product class's account)."""
    if str(line.vat_code) not in chart.vat_types_by_number:
        return render("vat_code_unknown", vat_code=line.vat_code)
    if product is not None and product.vat_code != line.vat_code:
        account = product.product_class.account_number if product.product_class else None
        return render(
            "vat_code_mismatch",
            vat_code=line.vat_code,
            account_vat_code=product.vat_code,
            account=account if account is not None else "-",
        )
    if product is None and not line.description:
        return render("product_not_found", product="-", invoice=invoice_number)
    return None


def invoice_body(
    invoice: Invoice,
    *,
    marker: str,
    customer_id: int,
    product_ids: Mapping[int, int],
    chart: Chart,
    currency_id: int | None = None,
) -> dict[str, Any]:
    """``POST /invoice/list`` item: the invoice with its one order embedded, marked with ``marker``.

    The price rule: the order says whether its amounts include VAT, and every line gives only the
    matching unit price field."""
    including = invoice.prices_include_vat
    price_field = "unitPriceIncludingVatCurrency" if including else "unitPriceExcludingVatCurrency"
    lines: list[dict[str, Any]] = []
    for line in invoice.lines:
        vat = chart.vat_types_by_number[str(line.vat_code)]
        body: dict[str, Any] = {
            "count": _amount(line.quantity),
            price_field: line.unit_price,
            "vatType": {"id": vat.id},
        }
        if line.product_id is not None:
            body["product"] = {"id": product_ids[line.product_id]}
        if line.description:
            body["description"] = line.description
        if line.discount_percent:
            body["discount"] = line.discount_percent
        lines.append(body)
    day = invoice.invoice_date.isoformat()
    order: dict[str, Any] = {
        "number": marker,
        "customer": {"id": customer_id},
        "orderDate": day,
        "deliveryDate": day,
        "isPrioritizeAmountsIncludingVat": including,
        "orderLines": lines,
    }
    if currency_id is not None:
        order["currency"] = {"id": currency_id}
    if invoice.reference:
        order["reference"] = invoice.reference
    body_out: dict[str, Any] = {
        "invoiceDate": day,
        "invoiceDueDate": invoice.due_date.isoformat(),
        "customer": {"id": customer_id},
        "orders": [order],
    }
    if invoice.comment:
        body_out["comment"] = invoice.comment
    return body_out
