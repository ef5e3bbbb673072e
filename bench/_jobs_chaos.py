"""The chaos scenario, shared by the test (about a minute) and the soak (``make soak``).

Real PostgreSQL, real ``txbridge worker`` processes, the sandbox over HTTP with injected faults (5xx
bursts, answers dropped after the write was committed, 429 storms, slow calls). Each connection has
two export batches and a payments refresh queued at once, so its jobs contend for its lock. Every few
seconds one worker is SIGKILLed and a new one started. The report says what the tasks recorded
themselves (their attempts, with the process that ran each), so the caller can check: every invoice
in Tripletex exactly once, every job finished, no two runs of one connection overlapping in time."""

from __future__ import annotations

import itertools
import random
import socket
import subprocess
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
from bench._jobs_world import World, build_world, invoices_in_tripletex, kill, start_worker, stop
from sqlalchemy import select

from txbridge.jobs import api, engine, records
from txbridge.settings import Settings
from txbridge.store import Connection
from txbridge.store.models import JobAttempt

WORKER_ARGS = ("--heartbeat", "1", "--stalled-after", "6", "--retry-base", "1", "--in-flight-grace", "2")


@dataclass
class ChaosReport:
    invoices: int
    jobs: int
    states: Counter[str]
    #: How many times each local invoice is in Tripletex (``connection:number`` → count).
    in_tripletex: Counter[str]
    expected: set[str]
    #: Pairs of runs of one connection that overlapped in time: (connection, run a, run b).
    overlaps: list[tuple[int | None, str, str]]
    kills: int
    #: Runs that died with their worker (no end recorded) and were taken up again.
    interrupted_runs: int
    runs: int
    seconds: float
    engine_states: Counter[str] = field(default_factory=Counter)

    @property
    def duplicates(self) -> int:
        return sum(n - 1 for n in self.in_tripletex.values() if n > 1)

    @property
    def missing(self) -> set[str]:
        return self.expected - set(self.in_tripletex)


#: The faults a company may get; each company gets two of them (and some a tight rate limit).
FAULTS = (
    {"method": "GET", "path": "/v2/ledger/account*", "kind": "delay", "delaySeconds": 0.5, "count": 3},
    {"method": "GET", "path": "/v2/customer*", "kind": "status", "status": 503, "count": 3},
    {"method": "POST", "path": "/v2/invoice/list", "kind": "drop_after_commit", "count": 1},
    # A 429 without X-Rate-Limit-Reset: the client waits its fallback.
    {"method": "GET", "path": "/v2/product*", "kind": "status", "status": 429, "count": 1},
    {"method": "GET", "path": "/v2/invoice*", "kind": "status", "status": 500, "count": 1},
    {"method": "POST", "path": "/v2/invoice/list", "kind": "status", "status": 500, "count": 1},
)


def _faults(world: World, rng: random.Random) -> None:
    """Per company: two of the faults above; a third of them also a tight rate limit (real 429s, with
    the headers, whenever the pace is too fast)."""
    with httpx.Client(base_url=world.control_url, timeout=30) as control:
        for _, company_id, _ in world.connections:
            for fault in rng.sample(FAULTS, 2):
                control.post("/faults", json={**fault, "companyId": company_id}).raise_for_status()
            if rng.random() < 0.33:
                body = {"limit": 6, "period": 1, "companyId": company_id}
                control.put("/rate-limit", json=body).raise_for_status()


def run_chaos(
    settings: Settings,
    *,
    control_url: str,
    base_url: str,
    logs: Path,
    connections: int,
    invoices: int,
    workers: int = 3,
    kill_every: float = 4.0,
    chaos_seconds: float = 40.0,
    min_kills: int = 5,
    timeout: float = 300.0,
    seed: int = 9,
    progress: bool = False,
) -> ChaosReport:
    rng = random.Random(seed)
    world = build_world(
        settings,
        control_url=control_url,
        base_url=base_url,
        connections_count=connections,
        invoices=invoices,
        batches=2,
    )
    with world.db.transaction() as session:
        for connection in session.scalars(select(Connection)):
            connection.batch_size = 10  # more writes, more places for a kill to land
    engine.apply_schema(world.db, settings)
    _faults(world, rng)
    job_ids = [api.start_export(world.db, settings, b, requested_by="chaos").id for b in world.batch_ids]
    job_ids += [
        api.start_payments_refresh(world.db, settings, cid, requested_by="chaos").id
        for cid, _, _ in world.connections
    ]
    started = time.monotonic()
    deaths: dict[int, float] = {}
    pool = [start_worker(settings, *WORKER_ARGS, log=logs / f"worker-{i}.log") for i in range(workers)]
    spawned = workers
    next_kill = started + kill_every

    last_said = [started]

    def finished() -> bool:
        states = Counter(j.state for j in api.list_jobs(world.db, settings, limit=len(job_ids) + 10))
        if progress and time.monotonic() - last_said[0] > 5:
            last_said[0] = time.monotonic()
            print(f"  {time.monotonic() - started:5.0f} s  {dict(states)}  kills {len(deaths)}", flush=True)
        return set(states) <= {"succeeded", "failed", "cancelled"}

    try:
        while not finished():
            now = time.monotonic()
            if now - started > timeout:
                break
            if now >= next_kill and (now - started < chaos_seconds or len(deaths) < min_kills):
                victim = _victim(world, pool, rng)
                if victim is None:
                    time.sleep(0.2)
                    continue
                pool.remove(victim)
                deaths[victim.pid] = kill(victim)
                pool.append(start_worker(settings, *WORKER_ARGS, log=logs / f"worker-{spawned}.log"))
                spawned += 1
                next_kill = now + kill_every * rng.uniform(0.7, 1.3)
            time.sleep(0.2)
    finally:
        for worker in pool:
            stop(worker)
    seconds = time.monotonic() - started
    return ChaosReport(
        invoices=world.invoice_count,
        jobs=len(job_ids),
        states=Counter(api.get_job(world.db, settings, i).state for i in job_ids),
        in_tripletex=invoices_in_tripletex(world),
        expected={f"{cid}:{n}" for cid, _, numbers in world.connections for n in numbers},
        overlaps=_overlaps(world, deaths),
        kills=len(deaths),
        interrupted_runs=_interrupted(world),
        runs=_runs(world),
        seconds=seconds,
        engine_states=Counter(j["status"] for j in engine.engine_jobs(settings)),
    )


def _victim(
    world: World, pool: list[subprocess.Popen[bytes]], rng: random.Random
) -> subprocess.Popen[bytes] | None:
    """A worker in the middle of a job: each kill interrupts work (killing a worker that is still
    starting up proves little). None while no worker runs a job."""
    here = socket.gethostname()
    busy = {w for w in records.running_workers(world.db) if w.startswith(f"{here}:")}
    working = [p for p in pool if f"{here}:{p.pid}" in busy]
    return rng.choice(working) if working else None


def _attempts(world: World) -> list[tuple[int | None, str, int, datetime, datetime | None]]:
    with world.db.reading() as session:
        return [
            (row.connection_id, row.host, row.pid, row.started_at, row.finished_at)
            for row in session.scalars(select(JobAttempt).order_by(JobAttempt.started_at))
        ]


def _overlaps(world: World, deaths: dict[int, float]) -> list[tuple[int | None, str, str]]:
    """A run without an end lasted until its process was killed (or, if it was not, until now)."""
    here = socket.gethostname()
    by_connection: dict[int | None, list[tuple[datetime, datetime, str]]] = {}
    for connection_id, host, pid, begun, ended in _attempts(world):
        if ended is None:
            death = deaths.get(pid) if host == here else None
            ended = datetime.fromtimestamp(death, UTC) if death is not None else datetime.now(UTC)
        by_connection.setdefault(connection_id, []).append(
            (begun, ended, f"{host}:{pid}@{begun.isoformat()}")
        )
    found = []
    for connection_id, runs in by_connection.items():
        if connection_id is None:
            continue
        runs.sort()
        for (_, end_a, name_a), (begin_b, _, name_b) in itertools.pairwise(runs):
            if begin_b < end_a:
                found.append((connection_id, name_a, name_b))
    return found


def _interrupted(world: World) -> int:
    return sum(1 for *_, ended in _attempts(world) if ended is None)


def _runs(world: World) -> int:
    return len(_attempts(world))
