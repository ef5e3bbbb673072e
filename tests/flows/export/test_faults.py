"""Faults on the way to Tripletex (injected by the sandbox over real HTTP): a lost answer after the
commit, a dropped connection before it, 503 on reads, 429 storms short and long."""

from __future__ import annotations

import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.flows.export.conftest import Env, load, payload
from txbridge.catalog import Message
from txbridge.flows.export import ExportProgress, close_batch, export_batch, make_marker
from txbridge.flows.outbound.context import OUTAGE_BOUND, OUTAGE_WAITS
from txbridge.flows.outbound.sender import MAX_RESENDS
from txbridge.store import BatchStatus, ItemStatus, ReferenceKind
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


class Recorder:
    """The export's sleep and progress callback: what it waited for, and what was in Tripletex then."""

    def __init__(self, env: Env, clock: ShiftedClock | None = None) -> None:
        self.env, self.clock = env, clock
        self.slept: list[float] = []
        self.notices: list[Message] = []
        #: Per wait for a write that may still land: (invoice writes sent, invoices in Tripletex).
        self.at_grace: list[tuple[int, int]] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        if self.clock is not None:
            self.clock.sleep(seconds)

    def progress(self, step: ExportProgress) -> None:
        if step.notice is None:
            return
        self.notices.append(step.notice)
        if step.notice.id == "export_waiting_for_grace":
            self.at_grace.append((self.posts("/v2/invoice/list"), len(self.env.markers())))

    def posts(self, path: str) -> int:
        with self.env.control() as control:
            rows = control.get("/stats", params={"companyId": self.env.company.company_id}).json()["values"]
        return sum(r["count"] for r in rows if r["method"] == "POST" and r["path"] == path)

    def ids(self) -> list[str]:
        return [n.id for n in self.notices]


def test_connection_dropped_before_commit_waits_out_the_grace_in_the_same_run(env: Env) -> None:
    batch_id = closed_batch(env, invoices=9, chunk=3)
    env.add_fault(method="POST", path="/v2/invoice/list", kind="drop", count=1)
    seen = Recorder(env)

    result = export_batch(env.db, env.settings, batch_id, sleep=seen.sleep, progress=seen.progress)

    # One run: the lost chunk was not found, the other two chunks went on, then the run waited out
    # the grace of the lost one (told as a notice), looked again and only then sent it again.
    assert result.stopped is None and result.status is BatchStatus.EXPORTED and result.exported == 9
    assert "outcome_unknown" in seen.ids() and "export_waiting_for_grace" in seen.ids()
    # (The sandbox counts the writes it handled: the dropped one never reached it.)
    assert seen.at_grace == [(2, 6)]
    assert 55 < result.grace_seconds <= 60 and any(55 < s <= 60 for s in seen.slept)
    assert seen.posts("/v2/invoice/list") == 3
    assert result.stats["by_endpoint"]["GET /invoice"] == 2  # once at the loss, once after the grace
    assert_exactly_once(env, 9)


def test_a_500_on_an_invoice_write_is_looked_up_and_sent_again_in_the_same_run(env: Env) -> None:
    batch_id = closed_batch(env, invoices=9, chunk=3)
    env.add_fault(method="POST", path="/v2/invoice/list", kind="status", status=500, count=3)
    seen = Recorder(env)

    result = export_batch(env.db, env.settings, batch_id, sleep=seen.sleep, progress=seen.progress)

    # Tripletex answered: nothing of the write can still land, so no grace to wait out.
    assert result.stopped is None and result.status is BatchStatus.EXPORTED and result.exported == 9
    assert result.grace_seconds == 0 and "export_waiting_for_grace" not in seen.ids()
    assert seen.posts("/v2/invoice/list") == 3 + 3
    assert result.stats["by_endpoint"]["GET /invoice"] == 3  # each 500 looked up before the resend
    assert_exactly_once(env, 9)


def test_transient_5xx_on_reads_is_retried(env: Env) -> None:
    batch_id = closed_batch(env, invoices=4)
    env.add_fault(method="GET", path="/v2/customer", kind="status", status=503, count=2)
    env.add_fault(method="GET", path="/v2/ledger/account", kind="status", status=502, count=1)
    env.add_fault(method="GET", path="/v2/product", kind="status", status=500, count=2)

    result = export_batch(env.db, env.settings, batch_id, sleep=no_sleep)

    assert result.status is BatchStatus.EXPORTED
    assert result.stats["retries"] == 5
    assert_exactly_once(env, 4)


def test_a_short_outage_is_waited_out_and_the_export_finishes(env: Env) -> None:
    batch_id = closed_batch(env, invoices=4)
    # More dropped connections than one call's retries (1 + 4), fewer than the export's bound.
    env.add_fault(method="GET", path="/v2/ledger/account", kind="drop", count=8)
    seen = Recorder(env)

    result = export_batch(env.db, env.settings, batch_id, sleep=seen.sleep, progress=seen.progress)

    assert result.stopped is None and result.status is BatchStatus.EXPORTED
    assert seen.ids().count("tripletex_outage_wait") == 1 and result.outage_seconds == 5
    assert_exactly_once(env, 4)


def test_tripletex_out_of_reach_longer_than_the_bound_stops_the_export_naming_the_host(env: Env) -> None:
    batch_id = closed_batch(env, invoices=2)
    env.add_fault(method="GET", path="/v2/ledger/account", kind="drop", count=500)
    seen = Recorder(env)

    result = export_batch(env.db, env.settings, batch_id, sleep=seen.sleep, progress=seen.progress)

    host = env.company.base_url.removeprefix("http://").removesuffix("/v2")
    assert result.stopped is not None and result.stopped.id == "api_unreachable"
    assert result.stopped.en.endswith(f"the connection to {host} was dropped")
    assert result.stopped.nb.endswith(f"forbindelsen til {host} ble brutt")
    assert result.outage_seconds == OUTAGE_BOUND
    assert seen.ids().count("tripletex_outage_wait") == len(OUTAGE_WAITS)
    assert result.status is BatchStatus.PENDING and env.markers() == []


class SimulatedTime:
    """Time that moves only when the export (or its client) sleeps."""

    def __init__(self) -> None:
        self.offset = 0.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return 1000.0 + self.offset

    def now(self) -> datetime:
        return datetime.now(UTC) + timedelta(seconds=self.offset)

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.offset += seconds


class SandboxTime(SimulatedTime):
    """Simulated time, and sleeping out the sandbox's long rate-limit period is simulated by starting a
    new period (setting the limit again clears the used window)."""

    def __init__(self, env: Env, limit: dict[str, object]) -> None:
        super().__init__()
        self.env = env
        self.limit = limit

    def sleep(self, seconds: float) -> None:
        super().sleep(seconds)
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
    seen = Recorder(env)
    result = export_batch(
        env.db, env.settings, batch_id, sleep=time.sleep, clock=time, progress=seen.progress
    )
    assert result.status is BatchStatus.EXPORTED and result.stopped is None
    assert result.stats["rate_limited"] + result.stats["throttle_waits"] >= 1 and time.slept
    # The client's own waits: counted and told like the export's pauses, one notice per pause.
    assert result.rate_limit_pauses >= 1
    assert result.rate_limit_pauses == seen.ids().count("rate_limit_pause")
    assert result.rate_limit_seconds == pytest.approx(sum(time.slept))
    assert_exactly_once(env, 4)


def test_429s_without_a_reset_header_are_counted_as_the_pauses_made(env: Env) -> None:
    batch_id = closed_batch(env, invoices=6, chunk=2)
    env.add_fault(method="POST", path="/v2/invoice/list", kind="status", status=429, count=4)
    env.add_fault(method="GET", path="/v2/customer", kind="status", status=429, count=1)
    time = SimulatedTime()
    seen = Recorder(env)

    result = export_batch(
        env.db, env.settings, batch_id, sleep=time.sleep, clock=time, progress=seen.progress
    )

    assert result.stopped is None and result.status is BatchStatus.EXPORTED
    assert result.stats["rate_limited"] == 5
    # Every pause made is told once and counted once (not 5 notices and then «1 pause»).
    notices = seen.ids().count("rate_limit_pause")
    assert notices >= 5 and result.rate_limit_pauses == notices
    assert result.rate_limit_seconds == pytest.approx(sum(s for s in time.slept))
    assert_exactly_once(env, 6)


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
    assert sum(time.slept) >= 300 and result.rate_limit_seconds == pytest.approx(sum(time.slept))
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


class ShiftedClock:
    """The export's view of how long ago it sent a write: the moment the writes were left in flight,
    plus ``offset`` seconds, moved on only by the export's own sleeps (a loaded machine must not eat
    the last second of the grace before the run looks)."""

    def __init__(self) -> None:
        self.start = datetime.now(UTC)
        self.offset = 0.0

    def monotonic(self) -> float:
        return time.monotonic()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=self.offset)

    def sleep(self, seconds: float) -> None:
        self.offset += seconds


def left_in_flight(env: Env, batch_id: int) -> ShiftedClock:
    """As a run leaves it when its request never reached Tripletex and it could not tell: three
    postings in flight with their markers, sent "now" as far as the returned clock knows."""
    clock = ShiftedClock()
    with env.db.transaction() as session:
        for posting in q.items_of_batch(session, batch_id)[:3]:
            q.record_intent(
                session, posting, make_marker(posting.subject_key, posting.id, 1), now=clock.now()
            )
    return clock


def test_a_write_that_may_still_land_is_not_resent_before_the_60_second_grace(env: Env) -> None:
    batch_id = closed_batch(env, invoices=6, chunk=3)
    clock = left_in_flight(env, batch_id)
    clock.offset = 59
    seen = Recorder(env, clock)

    result = export_batch(
        env.db, env.settings, batch_id, sleep=seen.sleep, progress=seen.progress, clock=clock
    )

    # The other three went first; the three that may still land waited out the last second of their
    # grace inside this run, were not found, and only then were sent.
    assert seen.at_grace == [(1, 3)]
    assert 0 < result.grace_seconds <= 1
    assert result.stopped is None and result.status is BatchStatus.EXPORTED
    assert_exactly_once(env, 6)


def test_a_write_sent_longer_ago_than_the_grace_is_looked_up_once_and_sent(env: Env) -> None:
    batch_id = closed_batch(env, invoices=6, chunk=3)
    clock = left_in_flight(env, batch_id)
    clock.offset = 61
    seen = Recorder(env, clock)
    result = export_batch(
        env.db, env.settings, batch_id, sleep=seen.sleep, progress=seen.progress, clock=clock
    )
    assert result.stopped is None and result.status is BatchStatus.EXPORTED
    assert seen.at_grace == [] and result.grace_seconds == 0
    assert_exactly_once(env, 6)


class FailsOnOneInvoice(httpx.HTTPTransport):
    """Tripletex answering 500 to every invoice write that holds one invoice (something in its data
    it cannot handle), and doing its job for all others: the sandbox cannot aim a fault at one invoice."""

    def __init__(self, number: str) -> None:
        super().__init__()
        self.needle = f'"TXB-{number}-'.encode()
        self.refused = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        invoice_write = request.method == "POST" and request.url.path.endswith("/invoice/list")
        if invoice_write and self.needle in request.read():
            self.refused += 1
            return httpx.Response(500, json={"status": 500, "message": "Internal error"}, request=request)
        return super().handle_request(request)


# The first invoice sent of all (chunk of 4, its half, itself), and the last of the last chunk (8, 9).
@pytest.mark.parametrize(("number", "levels"), [("500000", 3), ("500009", 2)])
def test_an_invoice_tripletex_always_answers_500_for_is_isolated_and_fails_alone(
    env: Env, number: str, levels: int
) -> None:
    batch_id = closed_batch(env, invoices=10, chunk=4)
    transport = FailsOnOneInvoice(number)

    result = export_batch(env.db, env.settings, batch_id, sleep=no_sleep, transport=transport)

    # Not a stop: the chunk was bisected down to the invoice, which fails with its own message.
    assert result.stopped is None and result.exported == 9
    assert {f.subject_key: f.error_id for f in result.failures} == {number: "invoice_server_error"}
    assert result.status is BatchStatus.FAILED
    with env.db.transaction() as session:
        failed = {p.subject_key: p for p in q.items_of_batch(session, batch_id)}[number]
        assert failed.message is not None and f"faktura {number} hver gang" in failed.message
        assert f"invoice {number} every time" in failed.message
    # Every send holding it was answered 500, each sent 1 + MAX_RESENDS times (looked up before each
    # resend): its chunk, each half on the way down, then itself.
    assert transport.refused == (1 + MAX_RESENDS) * levels
    assert_exactly_once(env, 9)
    assert not [m for m in env.markers() if m.startswith(f"TXB-{number}-")]


def test_500_on_every_invoice_write_still_stops_the_export(env: Env) -> None:
    batch_id = closed_batch(env, invoices=6, chunk=3)
    env.add_fault(method="POST", path="/v2/invoice/list", kind="status", status=500, count=200)

    result = export_batch(env.db, env.settings, batch_id, sleep=no_sleep)

    # Tripletex itself is failing: nothing is failed for it, everything is left pending for later.
    assert result.stopped is not None and result.stopped.id == "api_unreachable"
    assert "answered 500 after the request was sent" in result.stopped.en
    assert result.failures == [] and result.status is BatchStatus.PENDING
    with env.db.transaction() as session:
        assert {p.status for p in q.items_of_batch(session, batch_id)} == {ItemStatus.PENDING}
    assert env.markers() == []
