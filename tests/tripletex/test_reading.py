from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import httpx
import pytest

from txbridge.tripletex import (
    APIConnectionError,
    APIResponseValidationError,
    NotFoundError,
    NotModified,
    Page,
    TooManyResultsError,
    Tripletex,
    UnsupportedOperationError,
    models,
)

from .conftest import FakeApi, error, ok, page


def serve_rows(total: int, *, cap: int | None = None) -> Callable[[httpx.Request], httpx.Response]:
    """A list endpoint over ``total`` rows that honours from/count (and refuses > cap rows)."""

    def handler(request: httpx.Request) -> httpx.Response:
        start = int(request.url.params.get("from", 0))
        count = int(request.url.params.get("count", 1000))
        rows = range(total)
        if "dateFrom" in request.url.params:
            lo = date.fromisoformat(request.url.params["dateFrom"]).toordinal()
            hi = date.fromisoformat(request.url.params["dateTo"]).toordinal()
            base = date(2026, 1, 1).toordinal()
            rows = range(max(lo - base, 0) * 10, min(max(hi - base, 0) * 10, total))  # 10 rows a day
        if cap is not None and len(rows) > cap:
            return error(422, 23000, "For mange treff")
        chunk = list(rows)[start : start + count]
        return page([{"id": i + 1, "name": f"Kunde {i + 1}"} for i in chunk], from_=start)

    return handler


def test_single_envelope_is_parsed_into_the_model(
    make_client: Callable[..., Tripletex], api: FakeApi
) -> None:
    api.on("GET", "/customer/5", ok({"id": 5, "version": 3, "name": "Ola AS", "brandNewField": {"x": 1}}))
    customer = make_client().customers.get(5, fields="id,version,name")
    assert isinstance(customer, models.Customer)
    assert (customer.id, customer.version, customer.name) == (5, 3, "Ola AS")
    assert customer.extra == {"brandNewField": {"x": 1}}
    assert api.calls("GET", "/customer/5")[0].url.params["fields"] == "id,version,name"


def test_list_sends_fields_sorting_paging_and_search(
    make_client: Callable[..., Tripletex], api: FakeApi
) -> None:
    api.on("GET", "/customer", page([{"id": 1}, {"id": 2}], from_=10))
    result = make_client().customers.list(
        fields="*,postalAddress(*)",
        sorting="-customerNumber",
        from_=10,
        count=2,
        organization_number="923609016",
        is_inactive=False,
        id=[1, 2],
        changed_since=datetime(2026, 2, 1, 8, 30),
    )
    assert isinstance(result, Page)
    assert [c.id for c in result] == [1, 2] and result.from_ == 10 and result.version_digest == "digest-1"
    params = api.calls("GET", "/customer")[0].url.params
    assert params["fields"] == "*,postalAddress(*)"
    assert params["sorting"] == "-customerNumber"
    assert (params["from"], params["count"]) == ("10", "2")
    assert params["organizationNumber"] == "923609016"
    assert params["isInactive"] == "false"
    assert params["id"] == "1,2"
    assert params["changedSince"] == "2026-02-01T08:30:00"


def test_iter_fetches_lazily_and_stops_on_a_short_page(
    make_client: Callable[..., Tripletex], api: FakeApi
) -> None:
    api.on("GET", "/customer", serve_rows(7))
    rows = make_client(page_size=3).customers.iter(fields="id,name")
    assert api.calls("GET", "/customer") == []  # nothing until asked
    first = next(rows)
    assert first.id == 1 and len(api.calls("GET", "/customer")) == 1
    rest = list(rows)
    assert [c.id for c in [first, *rest]] == list(range(1, 8))
    pages = api.calls("GET", "/customer")
    assert [(r.url.params["from"], r.url.params["count"]) for r in pages] == [
        ("0", "3"),
        ("3", "3"),
        ("6", "3"),
    ]


def test_iter_ignores_full_result_size(make_client: Callable[..., Tripletex], api: FakeApi) -> None:
    # fullResultSize says 999999 on every page: we must still stop at the first short page.
    api.on("GET", "/customer", serve_rows(4))
    assert len(list(make_client(page_size=2).customers.iter())) == 4
    assert len(api.calls("GET", "/customer")) == 3  # 2 + 2 + empty


def test_default_page_size_is_1000(make_client: Callable[..., Tripletex], api: FakeApi) -> None:
    api.on("GET", "/customer", serve_rows(5))
    list(make_client().customers.iter())
    assert api.calls("GET", "/customer")[0].url.params["count"] == "1000"


def test_checksum_returns_not_modified_on_304_without_parsing(
    make_client: Callable[..., Tripletex], api: FakeApi
) -> None:
    api.on(
        "GET",
        "/customer",
        page([{"id": 1}], digest="v-1"),
        httpx.Response(304, content=b"this is not json"),
    )
    client = make_client()
    first = client.customers.list_if_changed(None)
    assert isinstance(first, Page) and first.version_digest == "v-1"
    assert "If-None-Match" not in api.calls("GET", "/customer")[0].headers
    second = client.customers.list_if_changed(first.version_digest)
    assert isinstance(second, NotModified) and second.not_modified
    assert second.version_digest == "v-1"
    assert api.calls("GET", "/customer")[1].headers["If-None-Match"] == "v-1"
    assert client.stats.not_modified == 1


def test_raw_request_reaches_any_endpoint(make_client: Callable[..., Tripletex], api: FakeApi) -> None:
    api.on("GET", "/ledger/accountingPeriod", page([{"id": 1, "number": 1}]))
    api.on("PUT", "/invoice/9/:send", httpx.Response(204))
    client = make_client()
    body = client.request("GET", "/ledger/accountingPeriod", params={"count": 1})
    assert body["values"][0]["number"] == 1
    assert client.request("PUT", "invoice/9/:send", params={"sendType": "EMAIL"}) is None
    api.on("GET", "/ledger/accountingPeriod", httpx.Response(304))
    assert isinstance(
        client.request("GET", "/ledger/accountingPeriod", headers={"If-None-Match": "d"}), NotModified
    )


def test_accounts_and_vat_types_are_found_by_number(
    make_client: Callable[..., Tripletex], api: FakeApi
) -> None:
    api.on("GET", "/ledger/account", page([{"id": 4711, "number": 3000, "vatType": {"id": 88}}]))
    api.on("GET", "/ledger/vatType", page([{"id": 31, "number": "3", "percentage": 25}]))
    client = make_client()
    account = client.ledger.accounts.by_number(3000)
    assert account.id == 4711 and account.vatType is not None and account.vatType.id == 88
    assert api.calls("GET", "/ledger/account")[0].url.params["number"] == "3000"
    vat = client.ledger.vat_types.by_number(3)
    assert vat.id == 31 and api.calls("GET", "/ledger/vatType")[0].url.params["number"] == "3"


def test_many_accounts_in_one_call(make_client: Callable[..., Tripletex], api: FakeApi) -> None:
    api.on("GET", "/ledger/account", page([{"id": 1, "number": 1500}, {"id": 2, "number": 3000}]))
    found = make_client().ledger.accounts.by_numbers([1500, 3000, 3100])
    assert sorted(found) == [1500, 3000]
    assert api.calls("GET", "/ledger/account")[0].url.params["number"] == "1500,3000,3100"
    assert len(api.calls("GET", "/ledger/account")) == 1


def test_missing_account_number_is_not_found(make_client: Callable[..., Tripletex], api: FakeApi) -> None:
    api.on("GET", "/ledger/account", page([]))
    with pytest.raises(NotFoundError, match="3999"):
        make_client().ledger.accounts.by_number(3999)


def test_posting_rules_are_a_single_object(make_client: Callable[..., Tripletex], api: FakeApi) -> None:
    api.on("GET", "/ledger/postingRules", ok({"id": 1, "accountReceivableCustomersId": {"id": 55}}))
    rules = make_client().ledger.posting_rules.get()
    assert rules.accountReceivableCustomersId is not None and rules.accountReceivableCustomersId.id == 55


def test_windowed_read_splits_a_window_refused_with_23000(
    make_client: Callable[..., Tripletex], api: FakeApi
) -> None:
    # 10 postings a day; the server refuses any search above 25 rows.
    api.on("GET", "/ledger/posting", serve_rows(10_000, cap=25))
    client = make_client(page_size=10)
    rows = list(client.ledger.postings.iter(dateFrom=date(2026, 1, 1), dateTo=date(2026, 1, 9)))
    assert [r.id for r in rows] == list(range(1, 81))  # 8 days, in order, none twice
    windows = {
        (r.url.params["dateFrom"], r.url.params["dateTo"])
        for r in api.calls("GET", "/ledger/posting")
        if r.url.params["from"] == "0"
    }
    assert ("2026-01-01", "2026-01-09") in windows  # tried whole, then halves, then quarters
    assert ("2026-01-01", "2026-01-03") in windows


def test_windowed_read_gives_up_when_a_day_is_still_too_big(
    make_client: Callable[..., Tripletex], api: FakeApi
) -> None:
    api.on("GET", "/ledger/posting", serve_rows(10_000, cap=5))
    with pytest.raises(TooManyResultsError):
        list(make_client().ledger.postings.iter(dateFrom=date(2026, 1, 1), dateTo=date(2026, 1, 3)))


def test_windowed_read_by_number(make_client: Callable[..., Tripletex], api: FakeApi) -> None:
    api.on("GET", "/ledger/voucher", page([]))
    list(
        make_client().ledger.vouchers.iter_windowed(
            1,
            30_001,
            step=10_000,
            params=("numberFrom", "numberTo"),
            dateFrom=date(2026, 1, 1),
            dateTo=date(2027, 1, 1),
        )
    )
    spans = [
        (r.url.params["numberFrom"], r.url.params["numberTo"]) for r in api.calls("GET", "/ledger/voucher")
    ]
    assert spans == [("1", "10001"), ("10001", "20001"), ("20001", "30001")]


def test_with_login_access_pages_the_client_list(make_client: Callable[..., Tripletex], api: FakeApi) -> None:
    api.on("GET", "/company/>withLoginAccess", page([{"id": 1}, {"id": 2}]), page([{"id": 3}]))
    companies = make_client(page_size=2).companies.with_login_access()
    assert [c.id for c in companies] == [1, 2, 3]


def test_unreadable_answer_to_a_read_is_a_response_error(
    make_client: Callable[..., Tripletex], api: FakeApi
) -> None:
    api.on("GET", "/customer/1", httpx.Response(200, json={"value": {"id": "not-a-number"}}))
    api.on("GET", "/customer/2", httpx.Response(200, content=b"<html></html>"))
    api.on("GET", "/ledger/accountingPeriod", httpx.Response(200, content=b"<html></html>"))
    client = make_client()
    with pytest.raises(APIResponseValidationError, match=r"first at value\.id"):
        client.customers.get(1)
    with pytest.raises(APIResponseValidationError, match="first at the body"):
        client.customers.get(2)
    with pytest.raises(APIConnectionError, match="not JSON") as info:
        client.request("GET", "/ledger/accountingPeriod")
    assert not isinstance(info.value, APIResponseValidationError)


def test_changed_since_only_where_the_endpoint_has_it(
    make_client: Callable[..., Tripletex], api: FakeApi
) -> None:
    api.on("GET", "/customer", page([]))
    client = make_client()
    client.customers.list(changed_since=datetime(2026, 2, 1))
    # /product has no changedSince in the spec: Tripletex would ignore it and return every product.
    with pytest.raises(UnsupportedOperationError, match="changedSince"):
        client.products.list(changedSince="2026-02-01T00:00:00")
    assert api.calls("GET", "/product") == []


def test_date_range_given_as_text_or_snake_case_is_windowed(
    make_client: Callable[..., Tripletex], api: FakeApi
) -> None:
    api.on("GET", "/ledger/posting", serve_rows(10_000, cap=25))
    client = make_client(page_size=10)
    by_text = list(client.ledger.postings.iter(date_from="2026-01-01", date_to="2026-01-05"))
    assert [r.id for r in by_text] == list(range(1, 41))
    assert all("date_from" not in r.url.params for r in api.calls("GET", "/ledger/posting"))


def test_a_lookup_by_number_never_takes_another_number(
    make_client: Callable[..., Tripletex], api: FakeApi
) -> None:
    # Should a search ever come back unfiltered, the first row is not "the" VAT type or account.
    api.on("GET", "/ledger/vatType", page([{"id": 1, "number": "0"}, {"id": 31, "number": "3"}]))
    api.on("GET", "/ledger/account", page([{"id": 7, "number": 1000}]))
    client = make_client()
    assert client.ledger.vat_types.by_number(3).id == 31
    with pytest.raises(NotFoundError):
        client.ledger.vat_types.by_number(5)
    with pytest.raises(NotFoundError):
        client.ledger.accounts.by_number(3000)
    # Without the number among the fields, the search's own filter is trusted.
    api.on("GET", "/ledger/account", page([{"id": 8}]))
    assert client.ledger.accounts.by_number(3000, fields="id").id == 8


def test_paging_that_never_ends_is_stopped_at_the_row_cap(
    make_client: Callable[..., Tripletex], api: FakeApi
) -> None:
    # A server (or proxy) that ignores `from` answers the same full page for ever.
    api.on("GET", "/customer", page([{"id": n} for n in range(1000)]))
    with pytest.raises(TooManyResultsError):
        for _ in make_client().customers.iter():
            pass
    assert len(api.calls("GET", "/customer")) == 11  # 10,000 rows is the most a search may give


def test_exactly_the_row_cap_is_read_whole(make_client: Callable[..., Tripletex], api: FakeApi) -> None:
    api.on("GET", "/customer", serve_rows(10_000))
    assert sum(1 for _ in make_client().customers.iter(fields="id")) == 10_000
