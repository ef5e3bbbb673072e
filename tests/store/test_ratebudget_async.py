"""The shared budget under the async client: while a budget question waits on PostgreSQL (another
process holds the token pair's row), the event loop keeps running other tasks."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import Engine, create_engine, text

from tests.tripletex.conftest import BASE, CONSUMER, EMPLOYEE, FakeApi
from txbridge.store.ratebudget import SharedRateBudget
from txbridge.tripletex import AsyncTripletex, token_pair_key

pytestmark = pytest.mark.postgres

KEY = token_pair_key(CONSUMER, EMPLOYEE)
HELD_SECONDS = 1.0


@pytest.fixture
def engine(postgres_url: str) -> Iterator[Engine]:
    made = create_engine(postgres_url)
    yield made
    made.dispose()


async def test_a_budget_waiting_on_its_row_leaves_the_event_loop_free(engine: Engine) -> None:
    budget = SharedRateBudget(engine, KEY, lease_calls=1)
    budget.update({"x-rate-limit-remaining": "90", "x-rate-limit-reset": "60"}, 0.0)
    # Another process holds the row (its own reservation in a long transaction) for a second.
    holder = engine.connect()
    transaction = holder.begin()
    holder.execute(text("SELECT 1 FROM rate_limit_budget WHERE token_pair = :k FOR UPDATE"), {"k": KEY})
    release = threading.Timer(HELD_SECONDS, transaction.rollback)
    release.start()
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    api = FakeApi()
    try:
        async with AsyncTripletex(
            consumer_token=CONSUMER,
            employee_token=EMPLOYEE,
            base_url=BASE,
            transport=httpx.MockTransport(api),
            rate_budget=budget,
        ) as client:
            ticker = asyncio.create_task(tick())
            call = asyncio.create_task(client.who_am_i())
            await asyncio.sleep(HELD_SECONDS / 2)
            waiting, ticks_while_waiting, sent = not call.done(), ticks, len(api.requests)
            who = await call
            ticker.cancel()
    finally:
        release.join()
        holder.close()
    assert waiting and sent == 0  # the call was still waiting for its budget
    # Other tasks ran all the while (a blocked loop would have let the ticker run once at most).
    assert ticks_while_waiting >= 10
    assert who.company is not None and len(api.calls("GET")) == 1
