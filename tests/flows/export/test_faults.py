"""Faults on the way to Tripletex (injected by the sandbox over real HTTP): a lost answer after the
commit, a dropped connection before it, 503 on reads, 429 storms short and long."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import httpx

from tests.flows.export.conftest import Env, load, payload
from txbridge.flows.export import close_batch, export_batch, make_marker
from txbridge.store import BatchStatus, PostingStatus, ReferenceKind
from txbridge.store import queries as q


def no_sleep(_seconds: float) -> None:
    return None


def closed_batch(env: Env, invoices: int, customers: int = 3, chunk: int | None = None) -> int:
    load(env, payload(invoices=invoices, customers=customers))
    if chunk is not None:
        with env.db.transaction() as session:
            connection = q.connections(session)[0]
            connection.batch_size = chunk
    closed = close_batch(env.db, env.connection_id, "2026-10")
    assert closed.batch_id is not None
    return closed.batch_id


def assert_exactly_once(env: Env, expected: int) -> None:
    markers = env.markers()
    duplicates = [m for m, n in Counter(markers).items() if n > 1]
    assert not duplicates, duplicates
    assert len(markers) == expected


def test_answer_lost_after_commit_is_reconciled_not_sent_again(env: Env) -> None:
    batch_id = closed_batch(env, invoices=12, chunk=5)
    env.add_fault(method="POST", path="/v2/invoice/list", kind="drop_after_commit", count=1)

    result = export_batch(env.db, env.settings, batch_id, sleep=no_sleep)

    assert result.stopped is None and result.status is BatchStatus.EXPORTED
    assert result.reconciled == 5  # the first chunk, found by its markers
    assert result.stats["by_endpoint"]["GET /invoice"] == 1
    assert_exactly_once(env, 12)
    with env.db.transaction() as session:
        refs = q.references_of(session, env.connection_id, ReferenceKind.INVOICE)
    assert len(refs) == 12 and all(r.tripletex_number and r.voucher_id for r in refs.values())


def test_connection_dropped_before_commit_waits_for_the_grace_then_resends(env: Env) -> None:
    batch_id = closed_batch(env, invoices=6, chunk=3)
    env.add_fault(method="POST", path="/v2/invoice/list", kind="drop", count=1)

    first = export_batch(env.db, env.settings, batch_id, sleep=no_sleep)
    # Not found yet, but the write may still be under way: stop rather than risk a duplicate.
    assert first.stopped is not None and first.stopped.id == "outcome_unknown"
    assert first.status is BatchStatus.PENDING
    with env.db.transaction() as session:
        statuses = Counter(p.status for p in q.postings_of_batch(session, batch_id))
    assert statuses[PostingStatus.IN_FLIGHT] == 3

    second = export_batch(env.db, env.settings, batch_id, sleep=no_sleep, in_flight_grace=0)
    assert second.stopped is None and second.status is BatchStatus.EXPORTED
    assert_exactly_once(env, 6)


def test_503_on_reads_is_retried(env: Env) -> None:
    batch_id = closed_batch(env, invoices=4)
    env.add_fault(method="GET", path="/v2/customer", kind="status", status=503, count=2)
    env.add_fault(method="GET", path="/v2/ledger/account", kind="status", status=502, count=1)

    result = export_batch(env.db, env.settings, batch_id, sleep=no_sleep)

    assert result.status is BatchStatus.EXPORTED
    assert result.stats["retries"] == 3
    assert_exactly_once(env, 4)


def test_tripletex_out_of_reach_stops_the_export_naming_the_host_and_what_failed(env: Env) -> None:
    batch_id = closed_batch(env, invoices=2)
    # More dropped connections than the client's retries: the read gives up.
    env.add_fault(method="GET", path="/v2/ledger/account", kind="drop", count=20)

    result = export_batch(env.db, env.settings, batch_id, sleep=no_sleep)

    host = env.company.base_url.removeprefix("http://").removesuffix("/v2")
    assert result.stopped is not None and result.stopped.id == "api_unreachable"
    assert result.stopped.en.endswith(f"the connection to {host} was dropped")
    assert result.stopped.nb.endswith(f"forbindelsen til {host} ble brutt")
    assert result.status is BatchStatus.PENDING and env.markers() == []


class SandboxTime:
    """Time that moves only when the export sleeps. Sleeping out the sandbox's long rate-limit period
    is simulated by starting a new period (setting the limit again clears the used window)."""

    def __init__(self, env: Env, limit: dict[str, object]) -> None:
        self.env = env
        self.limit = limit
        self.offset = 0.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return 1000.0 + self.offset

    def now(self) -> datetime:
        return datetime.now(UTC) + timedelta(seconds=self.offset)

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.offset += seconds
        with httpx.Client(base_url=self.env.company.control_url) as control:
            control.put("/rate-limit", json=self.limit).raise_for_status()


def test_short_429_storm_is_waited_out_by_the_client(env: Env) -> None:
    batch_id = closed_batch(env, invoices=4, chunk=2)
    # A period the client waits out inside one call (under its 90 s cap), on simulated time: the
    # storm happens whatever the machine's speed, and nobody really waits.
    limit: dict[str, object] = {"limit": 6, "period": 30, "companyId": env.company.company_id}
    with env.control() as control:
        control.put("/rate-limit", json=limit).raise_for_status()
    time = SandboxTime(env, limit)
    result = export_batch(env.db, env.settings, batch_id, sleep=time.sleep, clock=time)
    assert result.status is BatchStatus.EXPORTED and result.stopped is None
    assert result.stats["rate_limited"] + result.stats["throttle_waits"] >= 1 and time.slept
    assert result.rate_limit_pauses == 0  # the client's own wait; the export never had to pause
    assert_exactly_once(env, 4)


def test_long_429_storm_pauses_the_export_and_it_finishes(env: Env) -> None:
    batch_id = closed_batch(env, invoices=8, chunk=2)
    # A period longer than the client waits inside one call: the export itself pauses.
    limit: dict[str, object] = {"limit": 6, "period": 300, "companyId": env.company.company_id}
    with env.control() as control:
        control.put("/rate-limit", json=limit).raise_for_status()
    time = SandboxTime(env, limit)
    result = export_batch(env.db, env.settings, batch_id, sleep=time.sleep, clock=time)
    assert result.stopped is None and result.status is BatchStatus.EXPORTED
    assert result.rate_limit_pauses >= 1
    assert sum(time.slept) >= 300
    assert_exactly_once(env, 8)
    with env.db.transaction() as session:
        logged = q.log_entries(session, env.connection_id, object_type="batch")
    assert any(e.message_id == "rate_limit_pause" for e in logged)


def test_lost_answer_of_a_bulk_customer_create_is_matched_not_created_twice(env: Env) -> None:
    batch_id = closed_batch(env, invoices=6, customers=3)
    env.add_fault(method="POST", path="/v2/customer/list", kind="drop_after_commit", count=1)
    env.add_fault(method="POST", path="/v2/product/list", kind="drop_after_commit", count=1)

    result = export_batch(env.db, env.settings, batch_id, sleep=no_sleep)

    assert result.status is BatchStatus.EXPORTED and result.exported == 6
    assert result.stats["by_endpoint"]["GET /customer"] == 2  # read again after the lost answer
    with env.control() as control:
        rows = control.get("/stats", params={"companyId": env.company.company_id}).json()["values"]
    posts = {r["path"]: r["count"] for r in rows if r["method"] == "POST"}
    assert posts["/v2/customer/list"] == 1 and posts["/v2/product/list"] == 1  # never sent twice
    with env.api() as api:
        customers = api.get("/customer", params={"fields": "customerNumber"}).json()["values"]
        products = api.get("/product", params={"fields": "number"}).json()["values"]
    assert sorted(c["customerNumber"] for c in customers) == [10001, 10002, 10003]
    assert len(products) == len({p["number"] for p in products}) == 5


def test_two_exports_of_one_batch_at_once_send_each_invoice_once(env: Env) -> None:
    batch_id = closed_batch(env, invoices=40, customers=4, chunk=5)
    # Slow the invoice writes so the two runs overlap on every chunk.
    env.add_fault(method="POST", path="/v2/invoice/list", kind="delay", delaySeconds=0.05, count=20)
    results: list[object] = []

    def run() -> None:
        results.append(export_batch(env.db, env.settings, batch_id, sleep=no_sleep))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == 2
    final = export_batch(env.db, env.settings, batch_id, sleep=no_sleep, in_flight_grace=0)
    assert final.status is BatchStatus.EXPORTED and final.exported == 40
    assert_exactly_once(env, 40)


class ShiftedClock:
    """Real time shifted by ``offset`` seconds: the export's view of how long ago it sent a write."""

    def __init__(self) -> None:
        self.offset = 0.0

    def monotonic(self) -> float:
        return time.monotonic()

    def now(self) -> datetime:
        return datetime.now(UTC) + timedelta(seconds=self.offset)


def test_a_write_that_may_still_land_is_not_resent_before_the_60_second_grace(env: Env) -> None:
    batch_id = closed_batch(env, invoices=6, chunk=3)
    clock = ShiftedClock()
    # As a run leaves it when its request never reached Tripletex and it could not tell: three
    # postings in flight with their markers, sent "now" as far as the export's clock knows.
    with env.db.transaction() as session:
        for posting in q.postings_of_batch(session, batch_id)[:3]:
            q.record_intent(
                session, posting, make_marker(posting.invoice_number, posting.id, 1), now=clock.now()
            )

    clock.offset = 59
    early = export_batch(env.db, env.settings, batch_id, sleep=no_sleep, clock=clock)
    assert early.stopped is not None and early.stopped.id == "outcome_unknown"
    assert early.exported == 3 and early.open == 3  # the other three went; the uncertain ones wait
    assert len(env.markers()) == 3

    clock.offset = 61
    late = export_batch(env.db, env.settings, batch_id, sleep=no_sleep, clock=clock)
    assert late.stopped is None and late.status is BatchStatus.EXPORTED
    assert_exactly_once(env, 6)
