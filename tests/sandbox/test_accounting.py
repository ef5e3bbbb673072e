"""Tripletex's bookkeeping rules in the sandbox, over real HTTP with plain httpx."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from tests.fixtures.sandbox import SandboxCompany, new_sandbox_company
from tests.sandbox.spec import spec_validator
from txbridge.sandbox.server import SandboxServer

TODAY = date.today()
D = TODAY.isoformat()
TOMORROW = (TODAY + timedelta(days=1)).isoformat()
INCL_TEXT = "Enhetspris må være med mva siden enhetspris på ordre er med mva."
EXCL_TEXT = "Enhetspris må være uten mva siden enhetspris på ordre er uten mva."

Json = dict[str, Any]


def _ok(response: httpx.Response, status: int = 200) -> Json:
    assert response.status_code == status, response.text
    value: Json = response.json()["value"]
    return value


def _refused(response: httpx.Response, code: int = 18000) -> Json:
    assert response.status_code == 422, response.text
    body: Json = response.json()
    assert body["code"] == code
    assert body["requestId"] == response.headers["x-tlx-request-id"]
    return body


def _vat_ids(client: httpx.Client) -> dict[str, int]:
    return {v["number"]: v["id"] for v in client.get("/ledger/vatType").json()["values"]}


def _account_ids(client: httpx.Client) -> dict[int, int]:
    return {a["number"]: a["id"] for a in client.get("/ledger/account").json()["values"]}


def _customer(client: httpx.Client, name: str = "Kunde AS") -> Json:
    return _ok(client.post("/customer", json={"name": name}), 201)


def _order(customer: Json, lines: list[Json], including: bool = False, **extra: Any) -> Json:
    return {
        "customer": {"id": customer["id"]},
        "orderDate": D,
        "deliveryDate": D,
        "isPrioritizeAmountsIncludingVat": including,
        "orderLines": lines,
        **extra,
    }


def _invoice(client: httpx.Client, orders: list[Json], **params: Any) -> httpx.Response:
    body = {"invoiceDate": D, "invoiceDueDate": (TODAY + timedelta(days=14)).isoformat(), "orders": orders}
    return client.post("/invoice", json=body, params={"sendToCustomer": False, **params})


def _postings(client: httpx.Client, voucher_id: int) -> list[Json]:
    fields = (
        "*,postings(row,amount,amountGross,invoiceNumber,closeGroup,account(number),customer,vatType(number))"
    )
    voucher = _ok(client.get(f"/ledger/voucher/{voucher_id}", params={"fields": fields}))
    postings: list[Json] = voucher["postings"]
    return postings


# --- VAT types -----------------------------------------------------------------------------------


def test_vat_type_ids_are_not_vat_numbers(sandbox_client: httpx.Client) -> None:
    vats = {v["number"]: v for v in sandbox_client.get("/ledger/vatType").json()["values"]}
    assert vats["3"]["percentage"] == 25 and vats["31"]["percentage"] == 15 and vats["33"]["percentage"] == 12
    assert vats["5"]["percentage"] == 0 and vats["6"]["percentage"] == 0
    assert all(str(v["id"]) != number for number, v in vats.items())
    one = sandbox_client.get("/ledger/vatType", params={"number": "3"}).json()["values"]
    assert [v["number"] for v in one] == ["3"]


def test_accounts_by_number_and_create(sandbox_client: httpx.Client) -> None:
    found = sandbox_client.get(
        "/ledger/account", params={"number": "1920", "fields": "number,bankAccountNumber"}
    )
    [bank] = found.json()["values"]
    assert bank["number"] == 1920 and bank["bankAccountNumber"]
    created = _ok(sandbox_client.post("/ledger/account", json={"number": 3010, "name": "Salg kafé"}), 201)
    assert created["number"] == 3010
    _refused(sandbox_client.post("/ledger/account", json={"number": 3010, "name": "Igjen"}))
    rules = _ok(
        sandbox_client.get("/ledger/postingRules", params={"fields": "accountReceivableCustomersId(number)"})
    )
    assert rules["accountReceivableCustomersId"]["number"] == 1500


# --- the price rule --------------------------------------------------------------------------------


def test_price_rule_texts(sandbox_client: httpx.Client) -> None:
    customer = _customer(sandbox_client)
    incl_order_excl_price = _order(
        customer, [{"description": "x", "unitPriceExcludingVatCurrency": 100}], True
    )
    body = _refused(sandbox_client.post("/order", json=incl_order_excl_price))
    assert body["validationMessages"][0]["message"] == INCL_TEXT
    excl_order_incl_price = _order(
        customer, [{"description": "x", "unitPriceIncludingVatCurrency": 125}], False
    )
    body = _refused(sandbox_client.post("/order", json=excl_order_incl_price))
    assert body["validationMessages"][0]["message"] == EXCL_TEXT
    both = _order(
        customer,
        [{"description": "x", "unitPriceIncludingVatCurrency": 125, "unitPriceExcludingVatCurrency": 100}],
        True,
    )
    assert _refused(sandbox_client.post("/order", json=both))["validationMessages"][0]["message"] == INCL_TEXT


def test_line_with_one_price_gets_the_other(sandbox_client: httpx.Client) -> None:
    customer = _customer(sandbox_client)
    order = _ok(
        sandbox_client.post(
            "/order",
            json=_order(
                customer, [{"description": "Kaffe", "unitPriceIncludingVatCurrency": 125, "count": 2}], True
            ),
            params={"fields": "*,orderLines(*)"},
        ),
        201,
    )
    [line] = order["orderLines"]
    assert line["unitPriceExcludingVatCurrency"] == 100
    assert line["amountIncludingVatCurrency"] == 250 and line["amountExcludingVatCurrency"] == 200


def test_order_requires_dates_and_a_description_or_product(sandbox_client: httpx.Client) -> None:
    customer = _customer(sandbox_client)
    no_date = {"customer": {"id": customer["id"]}, "deliveryDate": D, "orderLines": []}
    assert (
        _refused(sandbox_client.post("/order", json=no_date), 15000)["validationMessages"][0]["field"]
        == "orderDate"
    )
    empty_line = _order(customer, [{"count": 1, "unitPriceExcludingVatCurrency": 10}])
    message = _refused(sandbox_client.post("/order", json=empty_line))["validationMessages"][0]
    assert message["field"] == "orderLines[0].description"


# --- income accounts, VAT and the invoice voucher ---------------------------------------------------


def test_income_account_per_line_as_tripletex_decides(sandbox_client: httpx.Client) -> None:
    vat = _vat_ids(sandbox_client)
    acc = _account_ids(sandbox_client)
    customer = _customer(sandbox_client)
    product = _ok(
        sandbox_client.post(
            "/product",
            json={
                "name": "Vare A",
                "vatType": {"id": vat["3"]},
                "account": {"id": acc[3620]},
                "priceExcludingVatCurrency": 100,
            },
        ),
        201,
    )
    lines = [
        {"product": {"id": product["id"]}, "count": 1},  # product, line and 3620 agree on VAT 3 -> 3620
        {"product": {"id": product["id"]}, "vatType": {"id": vat["33"]}, "count": 1},  # line says 33 -> 3002
        {"description": "Uten produkt", "unitPriceExcludingVatCurrency": 10},  # VAT 3 default -> 3000
    ]
    invoice = _ok(_invoice(sandbox_client, [_order(customer, lines)]), 201)
    income = {
        p["account"]["number"]: p
        for p in _postings(sandbox_client, invoice["voucher"]["id"])
        if p["row"] > 1 and p.get("vatType")
    }
    assert {3620, 3002, 3000} <= set(income)
    assert income[3620]["amount"] == -100
    assert income[3002]["amount"] == -100 and income[3002]["amountGross"] == -112


def test_invoice_voucher_balances_and_carries_the_invoice_number(sandbox_client: httpx.Client) -> None:
    vat = _vat_ids(sandbox_client)
    customer = _customer(sandbox_client)
    lines = [
        {
            "description": "Høy sats",
            "unitPriceExcludingVatCurrency": 99.99,
            "count": 3,
            "vatType": {"id": vat["3"]},
        },
        {
            "description": "Middels",
            "unitPriceExcludingVatCurrency": 33.33,
            "count": 1,
            "vatType": {"id": vat["31"]},
        },
        {
            "description": "Fritatt",
            "unitPriceExcludingVatCurrency": 10,
            "count": 1,
            "vatType": {"id": vat["5"]},
        },
    ]
    first = _ok(_invoice(sandbox_client, [_order(customer, lines)]), 201)
    second = _ok(_invoice(sandbox_client, [_order(customer, lines[:1])]), 201)
    assert second["invoiceNumber"] == first["invoiceNumber"] + 1
    assert first["invoiceDueDate"] == (TODAY + timedelta(days=14)).isoformat()
    postings = _postings(sandbox_client, first["voucher"]["id"])
    assert round(sum(p["amount"] for p in postings), 2) == 0
    [receivable] = [p for p in postings if p["account"]["number"] == 1500]
    assert receivable["invoiceNumber"] == str(first["invoiceNumber"])
    assert receivable["customer"]["id"] == customer["id"]
    assert receivable["amount"] == first["amount"] == first["amountOutstanding"]
    vat_postings = {
        p["account"]["number"]: p["amount"] for p in postings if p["account"]["number"] in (2700, 2701)
    }
    assert vat_postings == {2700: -74.99, 2701: -5.0}
    assert first["amount"] == round(299.97 + 74.99 + 33.33 + 5.0 + 10, 2)
    assert [r["row"] for r in postings if r["account"]["number"] == 1500] == [1]


def test_payments_reduce_outstanding_and_close_the_postings(sandbox_client: httpx.Client) -> None:
    customer = _customer(sandbox_client)
    invoice = _ok(
        _invoice(
            sandbox_client, [_order(customer, [{"description": "x", "unitPriceExcludingVatCurrency": 800}])]
        ),
        201,
    )
    assert invoice["amount"] == 1000
    payment_type = sandbox_client.get("/invoice/paymentType").json()["values"][0]
    pay = {"paymentDate": D, "paymentTypeId": payment_type["id"]}
    half = _ok(sandbox_client.put(f"/invoice/{invoice['id']}/:payment", params={**pay, "paidAmount": 400}))
    assert half["amountOutstanding"] == 600
    open_posts = sandbox_client.get(
        "/ledger/posting",
        params={
            "dateFrom": D,
            "dateTo": TOMORROW,
            "customerId": customer["id"],
            "openPostings": True,
            "fields": "amount",
        },
    ).json()["values"]
    assert sorted(p["amount"] for p in open_posts) == [-400, 1000]
    rest = _ok(sandbox_client.put(f"/invoice/{invoice['id']}/:payment", params={**pay, "paidAmount": 600}))
    assert rest["amountOutstanding"] == 0
    receivables = sandbox_client.get(
        "/ledger/posting",
        params={
            "dateFrom": D,
            "dateTo": TOMORROW,
            "customerId": customer["id"],
            "accountNumberFrom": 1500,
            "accountNumberTo": 1500,
            "fields": "amount,invoiceNumber,closeGroup",
        },
    ).json()["values"]
    assert len(receivables) == 3
    assert len({p["closeGroup"]["id"] for p in receivables}) == 1
    assert all(p["invoiceNumber"] == str(invoice["invoiceNumber"]) for p in receivables)


def test_credit_note_reverses_the_invoice(sandbox_client: httpx.Client) -> None:
    customer = _customer(sandbox_client)
    invoice = _ok(
        _invoice(
            sandbox_client, [_order(customer, [{"description": "x", "unitPriceExcludingVatCurrency": 200}])]
        ),
        201,
    )
    note = _ok(sandbox_client.put(f"/invoice/{invoice['id']}/:createCreditNote", params={"date": D}))
    assert note["isCreditNote"] is True and note["creditedInvoice"] == invoice["id"]
    assert note["amount"] == -invoice["amount"]
    assert note["invoiceNumber"] == invoice["invoiceNumber"] + 1
    original = _ok(sandbox_client.get(f"/invoice/{invoice['id']}"))
    assert original["isCredited"] is True and original["amountOutstanding"] == 0
    before = {
        (p["account"]["number"], p["amount"]) for p in _postings(sandbox_client, invoice["voucher"]["id"])
    }
    after = {(p["account"]["number"], -p["amount"]) for p in _postings(sandbox_client, note["voucher"]["id"])}
    assert before == after
    again = sandbox_client.put(f"/invoice/{invoice['id']}/:createCreditNote", params={"date": D})
    _refused(again)


def _receivables(client: httpx.Client, customer: Json) -> list[Json]:
    return list(
        client.get(
            "/ledger/posting",
            params={
                "dateFrom": D,
                "dateTo": TOMORROW,
                "customerId": customer["id"],
                "accountNumberFrom": 1500,
                "accountNumberTo": 1500,
                "fields": "amount,invoiceNumber,closeGroup",
            },
        ).json()["values"]
    )


def test_credit_note_closes_the_invoice_postings(sandbox_client: httpx.Client) -> None:
    customer = _customer(sandbox_client)
    line = [{"description": "x", "unitPriceExcludingVatCurrency": 200}]
    invoice = _ok(_invoice(sandbox_client, [_order(customer, line)]), 201)
    note = _ok(sandbox_client.put(f"/invoice/{invoice['id']}/:createCreditNote", params={"date": D}))
    receivables = _receivables(sandbox_client, customer)
    assert sorted((p["invoiceNumber"], p["amount"]) for p in receivables) == sorted(
        [(str(invoice["invoiceNumber"]), 250), (str(note["invoiceNumber"]), -250)]
    )
    groups = {(p.get("closeGroup") or {}).get("id") for p in receivables}
    assert len(groups) == 1 and None not in groups
    group = _ok(sandbox_client.get(f"/ledger/closeGroup/{groups.pop()}", params={"fields": "postings"}))
    assert len(group["postings"]) == 2


def test_credit_note_after_a_part_payment_leaves_the_paid_amount_to_the_customer(
    sandbox_client: httpx.Client,
) -> None:
    customer = _customer(sandbox_client)
    line = [{"description": "x", "unitPriceExcludingVatCurrency": 200}]
    invoice = _ok(_invoice(sandbox_client, [_order(customer, line)]), 201)
    payment_type = sandbox_client.get("/invoice/paymentType").json()["values"][0]
    pay = {"paymentDate": D, "paymentTypeId": payment_type["id"], "paidAmount": 100}
    _ok(sandbox_client.put(f"/invoice/{invoice['id']}/:payment", params=pay))
    note = _ok(sandbox_client.put(f"/invoice/{invoice['id']}/:createCreditNote", params={"date": D}))
    assert note["amountOutstanding"] == -100
    assert _ok(sandbox_client.get(f"/invoice/{invoice['id']}"))["amountOutstanding"] == 0
    # 250 invoiced, 100 paid, 250 credited: -100 is still open, so nothing is closed yet.
    receivables = _receivables(sandbox_client, customer)
    assert sum(p["amount"] for p in receivables) == -100
    assert not any(p.get("closeGroup") for p in receivables)


def test_no_invoices_before_a_bank_account_number(sandbox_server: SandboxServer) -> None:
    company = new_sandbox_company(sandbox_server, bankAccount=False)
    with company.client() as client:
        customer = _customer(client)
        order = _order(customer, [{"description": "x", "unitPriceExcludingVatCurrency": 100}])
        body = _refused(_invoice(client, [order]))
        assert body["validationMessages"][0]["field"] == "bankAccountNumber"
        assert "bankkontonummer" in body["validationMessages"][0]["message"]
        assert (
            client.get("/order", params={"orderDateFrom": D, "orderDateTo": TOMORROW}).json()["values"] == []
        )
        [bank] = client.get("/ledger/account", params={"number": "1920"}).json()["values"]
        _ok(client.put(f"/ledger/account/{bank['id']}", json={"bankAccountNumber": "15035612340"}))
        assert _invoice(client, [order]).status_code == 201


def test_invoice_existing_orders_and_multiple_orders(sandbox_client: httpx.Client) -> None:
    customer = _customer(sandbox_client)
    line = [{"description": "x", "unitPriceExcludingVatCurrency": 100}]
    one = _ok(sandbox_client.post("/order", json=_order(customer, line)), 201)
    invoice = _ok(
        sandbox_client.put(f"/order/{one['id']}/:invoice", params={"invoiceDate": D, "sendToCustomer": False})
    )
    assert invoice["amount"] == 125
    _refused(sandbox_client.put(f"/order/{one['id']}/:invoice", params={"invoiceDate": D}))
    a = _ok(sandbox_client.post("/order", json=_order(customer, line)), 201)
    b = _ok(sandbox_client.post("/order", json=_order(customer, line)), 201)
    both = _ok(
        sandbox_client.put(
            "/order/:invoiceMultipleOrders", params={"id": f"{a['id']},{b['id']}", "invoiceDate": D}
        )
    )
    assert both["amount"] == 250 and len(both["orders"]) == 2


@pytest.mark.parametrize(
    ("invoice_date", "due_date"),
    [("2027-03-31", "2027-04-30"), ("2027-01-31", "2027-02-28"), ("2027-03-15", "2027-04-15")],
)
def test_due_date_in_months_from_the_customer(
    sandbox_client: httpx.Client, invoice_date: str, due_date: str
) -> None:
    customer = _ok(
        sandbox_client.post(
            "/customer", json={"name": "Måned AS", "invoicesDueIn": 1, "invoicesDueInType": "MONTHS"}
        ),
        201,
    )
    line = [{"description": "x", "unitPriceExcludingVatCurrency": 100}]
    order = _ok(sandbox_client.post("/order", json=_order(customer, line)), 201)
    invoice = _ok(
        sandbox_client.put(
            f"/order/{order['id']}/:invoice", params={"invoiceDate": invoice_date, "sendToCustomer": False}
        )
    )
    assert invoice["invoiceDueDate"] == due_date


def test_invoice_list_max_100(sandbox_client: httpx.Client) -> None:
    customer = _customer(sandbox_client)
    order = _order(customer, [{"description": "x", "unitPriceExcludingVatCurrency": 1}])
    item = {"invoiceDate": D, "invoiceDueDate": D, "orders": [order]}
    _refused(sandbox_client.post("/invoice/list", json=[item] * 101))
    created = sandbox_client.post("/invoice/list", json=[item] * 3, params={"sendToCustomer": False})
    assert created.status_code == 201
    numbers = [v["invoiceNumber"] for v in created.json()["values"]]
    assert numbers == [numbers[0], numbers[0] + 1, numbers[0] + 2]


def test_invoice_list_writes_nothing_when_one_invoice_is_refused(sandbox_client: httpx.Client) -> None:
    """A rule found while invoicing (here: no order lines) refuses the whole list, not just the rest."""
    customer = _customer(sandbox_client)
    good = {
        "invoiceDate": D,
        "invoiceDueDate": D,
        "orders": [_order(customer, [{"description": "x", "unitPriceExcludingVatCurrency": 1}])],
    }
    empty = {"invoiceDate": D, "invoiceDueDate": D, "orders": [_order(customer, [])]}
    window = {"invoiceDateFrom": D, "invoiceDateTo": (TODAY + timedelta(days=1)).isoformat()}
    before = sandbox_client.get("/invoice", params=window).json()["values"]
    refused = _refused(
        sandbox_client.post("/invoice/list", json=[good, empty], params={"sendToCustomer": False})
    )
    assert refused["validationMessages"][0]["field"].startswith("[1].")
    assert sandbox_client.get("/invoice", params=window).json()["values"] == before
    created = sandbox_client.post("/invoice/list", json=[good], params={"sendToCustomer": False})
    assert created.status_code == 201, created.text


def test_marker_found_after_a_lost_response(sandbox_company: SandboxCompany) -> None:
    control = sandbox_company.control()
    with sandbox_company.client() as client:
        customer = _customer(client)
        order = _order(
            customer, [{"description": "x", "unitPriceExcludingVatCurrency": 10}], reference="EXPORT-42"
        )
        control.post(
            "/faults",
            json={
                "method": "POST",
                "path": "/v2/invoice",
                "kind": "drop_after_commit",
                "companyId": sandbox_company.company_id,
            },
        ).raise_for_status()
        with pytest.raises(httpx.TransportError):
            _invoice(client, [order])
        found = client.get(
            "/invoice",
            params={
                "invoiceDateFrom": D,
                "invoiceDateTo": TOMORROW,
                "customerId": customer["id"],
                "fields": "*,orders(*)",
            },
        ).json()["values"]
        assert [o["reference"] for inv in found for o in inv["orders"]] == ["EXPORT-42"]
        orders = client.get(
            "/order", params={"orderDateFrom": D, "orderDateTo": TOMORROW, "fields": "id,reference"}
        )
        assert [o["reference"] for o in orders.json()["values"]] == ["EXPORT-42"]


# --- date ranges ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "names"),
    [
        ("/invoice", ("invoiceDateFrom", "invoiceDateTo")),
        ("/order", ("orderDateFrom", "orderDateTo")),
        ("/ledger/voucher", ("dateFrom", "dateTo")),
        ("/ledger/posting", ("dateFrom", "dateTo")),
    ],
)
def test_date_ranges_required_from_inclusive_to_exclusive(
    sandbox_client: httpx.Client, path: str, names: tuple[str, str]
) -> None:
    missing = _refused(sandbox_client.get(path, params={names[0]: D}), 15000)
    assert missing["validationMessages"][0]["field"] == names[1]
    customer = _customer(sandbox_client)
    _ok(
        _invoice(
            sandbox_client, [_order(customer, [{"description": "x", "unitPriceExcludingVatCurrency": 10}])]
        ),
        201,
    )
    same_day = sandbox_client.get(path, params={names[0]: D, names[1]: D}).json()["values"]
    assert same_day == []  # to is exclusive
    inclusive = sandbox_client.get(path, params={names[0]: D, names[1]: TOMORROW}).json()["values"]
    assert inclusive


# --- vouchers --------------------------------------------------------------------------------------


def _voucher(acc: dict[int, int], amount: float, **extra: Any) -> Json:
    return {
        "date": D,
        "description": "Dagsoppgjør",
        "postings": [
            {"row": 1, "account": {"id": acc[1920]}, "amountGross": amount},
            {"row": 2, "account": {"id": acc[3000]}, "amountGross": -1250},
        ],
        **extra,
    }


def test_voucher_must_balance_and_rows_start_at_1(sandbox_client: httpx.Client) -> None:
    acc = _account_ids(sandbox_client)
    unbalanced = _refused(sandbox_client.post("/ledger/voucher", json=_voucher(acc, 1000)))
    assert unbalanced["validationMessages"][0]["field"] == "postings"
    row_zero = _voucher(acc, 1250)
    row_zero["postings"][0]["row"] = 0
    assert (
        _refused(sandbox_client.post("/ledger/voucher", json=row_zero))["validationMessages"][0]["field"]
        == "postings[0].row"
    )
    voucher = _ok(
        sandbox_client.post("/ledger/voucher", json=_voucher(acc, 1250, externalVoucherNumber="Z-2024-07")),
        201,
    )
    postings = _postings(sandbox_client, voucher["id"])
    assert {p["account"]["number"]: p["amount"] for p in postings} == {1920: 1250, 3000: -1000, 2700: -250}
    found = sandbox_client.get(
        "/ledger/voucher/>externalVoucherNumber", params={"externalVoucherNumber": "Z-2024-07"}
    )
    assert [v["id"] for v in found.json()["values"]] == [voucher["id"]]


def test_voucher_with_a_vat_code_the_sandbox_cannot_book_says_so(sandbox_client: httpx.Client) -> None:
    acc = _account_ids(sandbox_client)
    vat = _vat_ids(sandbox_client)
    body = {
        "date": D,
        "postings": [
            # Import VAT (code 14) on a purchase: balanced, but needs postings the sandbox does not make.
            {"row": 1, "account": {"id": acc[4000]}, "amountGross": 1250, "vatType": {"id": vat["14"]}},
            {"row": 2, "account": {"id": acc[1920]}, "amountGross": -1250},
        ],
    }
    refused = _refused(sandbox_client.post("/ledger/voucher", json=body))
    [message] = refused["validationMessages"]
    assert message["field"] == "postings[0].vatType"
    assert "14" in message["message"]
    # Deductible input VAT at the high rate (code 1) is booked on 2710.
    body["postings"][0]["vatType"] = {"id": vat["1"]}
    voucher = _ok(sandbox_client.post("/ledger/voucher", json=body), 201)
    postings = _postings(sandbox_client, voucher["id"])
    assert {p["account"]["number"]: p["amount"] for p in postings} == {4000: 1000, 2710: 250, 1920: -1250}


def test_voucher_list_update_with_one_unbalanced_voucher_changes_none(sandbox_client: httpx.Client) -> None:
    acc = _account_ids(sandbox_client)
    first = _ok(sandbox_client.post("/ledger/voucher", json=_voucher(acc, 1250)), 201)
    second = _ok(sandbox_client.post("/ledger/voucher", json=_voucher(acc, 1250)), 201)
    refused = sandbox_client.put(
        "/ledger/voucher/list",
        json=[
            {"id": first["id"], "description": "Endret"},
            {"id": second["id"], "postings": _voucher(acc, 1)["postings"]},
        ],
    )
    assert _refused(refused)["validationMessages"][0]["field"] == "postings"
    kept = _ok(sandbox_client.get(f"/ledger/voucher/{first['id']}"))
    assert (kept["description"], kept["version"]) == (first["description"], first["version"])


def test_invoice_voucher_cannot_be_reversed_in_the_ledger(sandbox_client: httpx.Client) -> None:
    customer = _customer(sandbox_client)
    line = [{"description": "x", "unitPriceExcludingVatCurrency": 100}]
    invoice = _ok(_invoice(sandbox_client, [_order(customer, line)]), 201)
    window = {"dateFrom": D, "dateTo": TOMORROW, "fields": "id"}
    before = sandbox_client.get("/ledger/voucher", params=window).json()["values"]
    refused = sandbox_client.put(f"/ledger/voucher/{invoice['voucher']['id']}/:reverse", params={"date": D})
    assert _refused(refused)["validationMessages"][0]["field"] == "id"
    assert sandbox_client.get("/ledger/voucher", params=window).json()["values"] == before
    assert _ok(sandbox_client.get(f"/invoice/{invoice['id']}"))["amountOutstanding"] == 125


def test_customer_posting_needs_the_customer(sandbox_client: httpx.Client) -> None:
    acc = _account_ids(sandbox_client)
    body = {
        "date": D,
        "postings": [
            {"row": 1, "account": {"id": acc[1500]}, "amountGross": 100},
            {"row": 2, "account": {"id": acc[1920]}, "amountGross": -100},
        ],
    }
    assert (
        _refused(sandbox_client.post("/ledger/voucher", json=body))["validationMessages"][0]["field"]
        == "postings[0].customer"
    )


# --- products, customers ------------------------------------------------------------------------------


def test_numbers_are_unique(sandbox_client: httpx.Client) -> None:
    _ok(sandbox_client.post("/product", json={"name": "A", "number": "P-1"}), 201)
    assert (
        _refused(sandbox_client.post("/product", json={"name": "B", "number": "P-1"}))["validationMessages"][
            0
        ]["field"]
        == "number"
    )
    _ok(sandbox_client.post("/customer", json={"name": "A", "customerNumber": 5000}), 201)
    dup = _refused(sandbox_client.post("/customer", json={"name": "B", "customerNumber": 5000}))
    assert dup["validationMessages"][0]["field"] == "customerNumber"


def test_customer_searches(sandbox_client: httpx.Client) -> None:
    sandbox_client.post(
        "/customer/list",
        json=[
            {
                "name": "Fjord AS",
                "organizationNumber": "914778271",
                "email": "post@fjord.no",
                "customerNumber": 20001,
            },
            {
                "name": "Fjell AS",
                "organizationNumber": "987654325",
                "email": "post@fjell.no",
                "customerNumber": 20002,
            },
        ],
    ).raise_for_status()

    def names(**params: Any) -> list[str]:
        return [
            c["name"]
            for c in sandbox_client.get("/customer", params={**params, "fields": "name"}).json()["values"]
        ]

    assert names(customerAccountNumber="20002") == ["Fjell AS"]
    assert names(organizationNumber="914778271") == ["Fjord AS"]
    assert names(email="post@fjell.no") == ["Fjell AS"]
    assert names(customerName="fjor") == ["Fjord AS"]


def test_product_prices_follow_the_vat_type(sandbox_client: httpx.Client) -> None:
    vat = _vat_ids(sandbox_client)
    product = _ok(
        sandbox_client.post(
            "/product", json={"name": "Mat", "vatType": {"id": vat["31"]}, "priceIncludingVatCurrency": 115}
        ),
        201,
    )
    assert product["priceExcludingVatCurrency"] == 100
    groups = _ok(sandbox_client.post("/product/group", json={"name": "Drikke"}), 201)
    assert (
        sandbox_client.get("/product/group", params={"name": "Drikke"}).json()["values"][0]["id"]
        == groups["id"]
    )


def test_voucher_update_replaces_postings_and_invoice_vouchers_are_locked(
    sandbox_client: httpx.Client,
) -> None:
    checked: list[httpx.Response] = []
    sandbox_client.event_hooks["response"].append(checked.append)
    acc = _account_ids(sandbox_client)
    voucher = _ok(sandbox_client.post("/ledger/voucher", json=_voucher(acc, 1250)), 201)
    changed = _voucher(acc, 2500)
    changed["postings"][1]["amountGross"] = -2500
    updated = _ok(
        sandbox_client.put(
            f"/ledger/voucher/{voucher['id']}", json={"version": voucher["version"], **changed}
        )
    )
    assert updated["number"] == voucher["number"]
    amounts = {p["account"]["number"]: p["amount"] for p in _postings(sandbox_client, voucher["id"])}
    assert amounts == {1920: 2500, 3000: -2000, 2700: -500}
    stale = sandbox_client.put(
        f"/ledger/voucher/{voucher['id']}", json={"version": voucher["version"], "description": "x"}
    )
    assert stale.status_code == 409 and stale.json()["code"] == 8000
    customer = _customer(sandbox_client)
    invoice = _ok(
        _invoice(
            sandbox_client, [_order(customer, [{"description": "x", "unitPriceExcludingVatCurrency": 1}])]
        ),
        201,
    )
    _refused(sandbox_client.delete(f"/ledger/voucher/{invoice['voucher']['id']}"))
    assert sandbox_client.delete(f"/ledger/voucher/{voucher['id']}").status_code == 204
    assert sandbox_client.get(f"/ledger/voucher/{voucher['id']}").status_code == 404
    listed = sandbox_client.put(
        "/ledger/voucher/list", json=[{"id": invoice["voucher"]["id"], "description": "x"}]
    )
    _refused(listed)
    postings = sandbox_client.get(
        "/ledger/posting",
        params={"dateFrom": D, "dateTo": TOMORROW, "customerId": customer["id"], "fields": "closeGroup"},
    )
    assert postings.status_code == 200
    assert sandbox_client.get("/ledger/closeGroup/1").status_code == 404
    validator = spec_validator()
    for response in checked:
        response.read()
        validator.validate_response(response)


def test_send_to_customer_and_immediate_payment(sandbox_company: SandboxCompany) -> None:
    with sandbox_company.client() as client:
        customer = _ok(client.post("/customer", json={"name": "Ehf AS", "invoiceSendMethod": "EHF"}), 201)
        order = _order(customer, [{"description": "x", "unitPriceExcludingVatCurrency": 100}])
        silent = _ok(_invoice(client, [order]), 201)  # the helper sends sendToCustomer=false
        payment_type = client.get("/invoice/paymentType").json()["values"][0]
        paid = _ok(
            _invoice(client, [order], sendToCustomer=True, paymentTypeId=payment_type["id"], paidAmount=125),
            201,
        )
        assert paid["amountOutstanding"] == 0
    outbox = sandbox_company.control().get("/outbox", params={"companyId": sandbox_company.company_id}).json()
    assert [(v["invoiceId"], v["sendMethod"]) for v in outbox["values"]] == [(paid["id"], "EHF")]
    assert silent["id"] not in [v["invoiceId"] for v in outbox["values"]]


def test_customer_in_use_cannot_be_deleted(sandbox_client: httpx.Client) -> None:
    used = _customer(sandbox_client, "Brukt AS")
    unused = _customer(sandbox_client, "Ubrukt AS")
    _ok(sandbox_client.post("/order", json=_order(used, [{"description": "x"}])), 201)
    _refused(sandbox_client.delete(f"/customer/{used['id']}"))
    assert sandbox_client.delete(f"/customer/{unused['id']}").status_code == 204
    assert sandbox_client.get(f"/customer/{unused['id']}").status_code == 404


def test_sorting_by_a_referenced_objects_field(sandbox_client: httpx.Client) -> None:
    for name in ("Cecilie AS", "Anders AS", "Berit AS"):
        _ok(
            sandbox_client.post(
                "/order", json=_order(_customer(sandbox_client, name), [{"description": "x"}])
            ),
            201,
        )
    params = {
        "orderDateFrom": D,
        "orderDateTo": TOMORROW,
        "sorting": "-customer.name",
        "fields": "customer(name)",
    }
    names = [o["customer"]["name"] for o in sandbox_client.get("/order", params=params).json()["values"]]
    assert names == ["Cecilie AS", "Berit AS", "Anders AS"]
