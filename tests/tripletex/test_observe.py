from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import httpx
import pytest

from txbridge.tripletex import APIResponseValidationError, Tripletex, models

from .conftest import FakeApi, error, ok, page


def test_stats_count_calls_per_endpoint_retries_and_429s(
    make_client: Callable[..., Tripletex], api: FakeApi
) -> None:
    api.on("GET", "/customer/1", httpx.Response(503), ok({"id": 1}))
    api.on("GET", "/customer/2", httpx.Response(429, headers={"X-Rate-Limit-Reset": "1"}), ok({"id": 2}))
    api.on("GET", "/customer", page([]))
    api.on("GET", "/customer/3", error(404, 6000))
    client = make_client()
    client.customers.get(1)
    client.customers.get(2)
    client.customers.list()
    with pytest.raises(Exception):  # noqa: B017
        client.customers.get(3)
    snap = client.stats.snapshot()
    assert snap["calls"] == 7  # session + 2 + 2 + 1 + 1
    assert snap["by_endpoint"] == {
        "PUT /token/session/:create": 1,
        "GET /customer/{id}": 5,
        "GET /customer": 1,
    }
    assert (snap["retries"], snap["rate_limited"], snap["errors"], snap["sessions_created"]) == (1, 1, 2, 1)
    assert snap["by_status"][200] == 4
    client.stats.reset()
    assert client.stats.snapshot()["calls"] == 0


def test_a_success_body_of_the_wrong_shape_is_a_clear_error(
    make_client: Callable[..., Tripletex], api: FakeApi
) -> None:
    api.on("GET", "/customer/1", ok({"id": "not-a-number"}))
    with pytest.raises(APIResponseValidationError) as info:
        make_client().customers.get(1)
    assert "value.id" in str(info.value)


def test_raw_request_serialises_models_like_resources(
    make_client: Callable[..., Tripletex], api: FakeApi
) -> None:
    api.on("POST", "/order/orderline/list", httpx.Response(201, json={"values": []}))
    line = models.OrderLine(order=models.Order.ref(3), count=Decimal("1.5"), url="x")
    make_client().request(
        "POST", "/order/orderline/list", json=[line, {"order": {"id": 3}, "date": date(2026, 1, 2)}]
    )
    sent = json.loads(api.calls("POST", "/order/orderline/list")[0].content)
    assert sent == [{"order": {"id": 3}, "count": 1.5}, {"order": {"id": 3}, "date": "2026-01-02"}]
