"""The async client behaves like the sync one on the main paths (same flow, other driver)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date

import httpx
import pytest

from txbridge.tripletex import AsyncTripletex, AuthenticationError, NotModified, OutcomeUnknownError, models
from txbridge.tripletex import _retry as policy

from .conftest import FakeApi, FakeClock, basic_user, error, ok, page
from .test_reading import serve_rows
from .test_writing import echo_list


async def test_session_who_am_i_and_close(
    make_async_client: Callable[..., AsyncTripletex], api: FakeApi
) -> None:
    async with make_async_client() as client:
        info = await client.test_connection()
        await client.who_am_i()
    assert info.company_name == "Fjord AS"
    assert len(api.calls("PUT", "/token/session/:create")) == 1
    assert api.calls("DELETE")[0].url.path.endswith(api.session_tokens[0])


async def test_concurrent_tasks_share_one_session(
    make_async_client: Callable[..., AsyncTripletex], api: FakeApi
) -> None:
    client = make_async_client()
    await asyncio.gather(*(client.who_am_i() for _ in range(10)))
    assert len(api.calls("PUT", "/token/session/:create")) == 1
    await client.close()


async def test_paging_is_lazy_and_stops_on_a_short_page(
    make_async_client: Callable[..., AsyncTripletex], api: FakeApi
) -> None:
    api.on("GET", "/customer", serve_rows(5))
    client = make_async_client(page_size=2)
    ids = [c.id async for c in client.customers.iter()]
    assert ids == [1, 2, 3, 4, 5]
    assert len(api.calls("GET", "/customer")) == 3
    await client.close()


async def test_429_and_503_waits_use_the_injected_sleep(
    make_async_client: Callable[..., AsyncTripletex], api: FakeApi, clock: FakeClock
) -> None:
    api.on(
        "GET",
        "/customer/1",
        httpx.Response(429, headers={"X-Rate-Limit-Reset": "3"}),
        httpx.Response(503),
        ok({"id": 1}),
    )
    client = make_async_client()
    assert (await client.customers.get(1)).id == 1
    assert clock.sleeps == [pytest.approx(3 + policy.RESET_MARGIN), policy.backoff_delay(0, 0.5)]
    await client.close()


async def test_post_is_not_retried(make_async_client: Callable[..., AsyncTripletex], api: FakeApi) -> None:
    api.on("POST", "/invoice", httpx.RemoteProtocolError("dropped"), ok({"id": 1}))
    client = make_async_client()
    with pytest.raises(OutcomeUnknownError):
        await client.invoices.create(models.Invoice(invoiceDate="2026-03-01", invoiceDueDate="2026-03-14"))
    assert len(api.calls("POST", "/invoice")) == 1
    await client.close()


async def test_401_renews_once(make_async_client: Callable[..., AsyncTripletex], api: FakeApi) -> None:
    api.on("GET", "/customer/1", error(401, 3000))
    client = make_async_client()
    with pytest.raises(AuthenticationError):
        await client.customers.get(1)
    assert len(api.calls("PUT", "/token/session/:create")) == 2
    await client.close()


async def test_checksum_and_for_company(
    make_async_client: Callable[..., AsyncTripletex], api: FakeApi
) -> None:
    api.on("GET", "/customer", page([{"id": 1}], digest="d1"), httpx.Response(304))
    client = make_async_client()
    first = await client.customers.list_if_changed(None)
    assert not first.not_modified
    assert isinstance(await client.customers.list_if_changed("d1"), NotModified)
    child = client.for_company(42)
    await child.who_am_i()
    assert basic_user(api.calls("GET", "/token/session/>whoAmI")[-1]) == "42"
    assert child.stats is client.stats
    await child.close()
    await client.close()
    assert len(api.calls("DELETE")) == 1


async def test_bulk_and_lookups(make_async_client: Callable[..., AsyncTripletex], api: FakeApi) -> None:
    api.on("POST", "/invoice/list", lambda r: httpx.Response(201, json={"values": [{"id": 1}] * 100}))
    api.on("GET", "/ledger/vatType", page([{"id": 9, "number": "3"}]))
    client = make_async_client()
    created = await client.invoices.create_many([{"invoiceDate": "2026-03-01"}] * 150)
    assert len(api.calls("POST", "/invoice/list")) == 2 and len(created) == 200
    assert (await client.ledger.vat_types.by_number(3)).id == 9
    await client.close()


async def test_windowed_read_splits_like_the_sync_client(
    make_async_client: Callable[..., AsyncTripletex], api: FakeApi
) -> None:
    api.on("GET", "/ledger/posting", serve_rows(10_000, cap=25))
    client = make_async_client(page_size=10)
    rows = [r.id async for r in client.ledger.postings.iter(date_from="2026-01-01", date_to="2026-01-09")]
    assert rows == list(range(1, 81))
    await client.close()


async def test_order_invoicing_voucher_lists_and_client_companies(
    make_async_client: Callable[..., AsyncTripletex], api: FakeApi
) -> None:
    api.on("PUT", "/order/5/:invoice", ok({"id": 900}))
    api.on("PUT", "/order/:invoiceMultipleOrders", ok({"id": 901}))
    api.on("PUT", "/ledger/voucher/list", echo_list, httpx.Response(502))
    api.on("GET", "/company/>withLoginAccess", page([{"id": 1}, {"id": 2}]), page([]))
    client = make_async_client(page_size=2)
    assert (await client.orders.invoice(5, invoice_date=date(2026, 3, 2))).id == 900
    assert (await client.orders.invoice_multiple([5, 6], invoice_date=date(2026, 3, 2))).id == 901
    assert api.calls("PUT", "/order/:invoiceMultipleOrders")[0].url.params["id"] == "5,6"
    with pytest.raises(OutcomeUnknownError) as info:
        await client.ledger.vouchers.create_many([{"description": f"V{n}"} for n in range(3)], chunk=2)
    assert [v.description for v in info.value.completed] == ["V0", "V1"]
    assert len(api.calls("PUT", "/ledger/voucher/list")) == 2  # the 502 was not retried
    assert [c.id for c in await client.companies.with_login_access()] == [1, 2]
    await client.close()
