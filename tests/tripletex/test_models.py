from __future__ import annotations

from datetime import date
from decimal import Decimal

from txbridge.tripletex import models
from txbridge.tripletex.models import Ref, ref


def test_unknown_fields_are_kept_but_never_sent() -> None:
    customer = models.Customer.model_validate({"id": 1, "version": 2, "name": "A", "fieldAddedIn2027": True})
    assert customer.extra == {"fieldAddedIn2027": True}
    assert customer.model_dump()["fieldAddedIn2027"] is True
    assert customer.to_api() == {"id": 1, "version": 2, "name": "A"}


def test_read_only_and_unset_fields_are_not_sent() -> None:
    invoice = models.Invoice.model_validate(
        {"id": 5, "invoiceDate": "2026-03-01", "amountOutstanding": 125.5, "url": "x", "comment": None}
    )
    assert invoice.invoiceDate == date(2026, 3, 1)
    assert invoice.amountOutstanding == Decimal("125.5")
    assert invoice.to_api() == {"id": 5, "invoiceDate": "2026-03-01"}


def test_amounts_are_exact_decimals_and_go_out_as_json_numbers() -> None:
    line = models.OrderLine.model_validate({"unitPriceExcludingVatCurrency": 0.1, "count": 3})
    assert line.unitPriceExcludingVatCurrency == Decimal("0.1")
    assert line.to_api() == {"unitPriceExcludingVatCurrency": 0.1, "count": 3}
    assert isinstance(line.to_api()["count"], int)


def test_references_are_easy_to_build() -> None:
    order = models.Order(customer=models.Customer.ref(42), project={"id": 7}, department=ref(3))  # type: ignore[arg-type]
    assert order.to_api() == {"customer": {"id": 42}, "project": {"id": 7}, "department": {"id": 3}}
    assert Ref(id=1).to_api() == {"id": 1}


def test_nested_fields_selection_parses_nested_objects() -> None:
    order = models.Order.model_validate(
        {
            "id": 1,
            "orderLines": [
                {"id": 2, "product": {"id": 3, "number": "P-3", "vatType": {"id": 9, "number": "3"}}}
            ],
        }
    )
    assert order.orderLines is not None
    product = order.orderLines[0].product
    assert product is not None and product.vatType is not None and product.vatType.number == "3"


def test_repr_shows_only_values() -> None:
    assert repr(models.Customer(id=1, name="A")) == "Customer(id=1, name='A')"


def test_all_requested_models_exist() -> None:
    for name in [
        "Company",
        "Customer",
        "Product",
        "ProductGroup",
        "Account",
        "VatType",
        "Order",
        "OrderLine",
        "Invoice",
        "Voucher",
        "Posting",
        "Employee",
        "Department",
        "Project",
        "Activity",
        "TimesheetEntry",
        "EventSubscription",
        "Currency",
    ]:
        assert issubclass(getattr(models, name), models.TripletexModel)


def test_webhook_secrets_are_masked_in_repr_but_sent() -> None:
    sub = models.EventSubscription(
        event="customer.update",
        targetUrl="https://x.example/cb",
        hmacSharedSecret="s3cr3t-hmac",
        authHeaderValue="Basic abc",
    )
    assert "s3cr3t-hmac" not in repr(sub) and "Basic abc" not in repr(sub)
    assert sub.to_api()["hmacSharedSecret"] == "s3cr3t-hmac"
