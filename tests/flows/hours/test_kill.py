"""Never twice, never lost, for hours: the export process (a real subprocess) SIGKILLed at many
points — in the directory reads, between intent and write, while Tripletex holds back the answer of
a committed ``POST /timesheet/entry/list`` — and run again until it finishes, on SQLite and
PostgreSQL. Every hour must be in Tripletex exactly once (counted by its marker), with its reference.
And corrections (``PUT`` with version, ``DELETE``) killed before, between and after their writes,
on both databases too (two kill points in the suite, the full set with ``make test-long``): the
changed hours hold the host's value once, the deleted ones are gone, a rerun writes nothing."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.sandbox import new_sandbox_company
from tests.flows.export.conftest import Env, connect_env, make_settings
from tests.flows.export.test_kill import calls_reached, company_calls, kill_when, run_to_end, start
from txbridge.flows.export import export_batch
from txbridge.flows.hours.batches import close_hours_batch
from txbridge.flows.intake import import_data
from txbridge.samples.hours import hours_items, make_team
from txbridge.sandbox.server import SandboxServer
from txbridge.store import BatchItem, Database, HoursEntry, HoursState, ItemStatus, ReferenceKind
from txbridge.store import queries as q

HOURS = 24
CHUNK = 4
MARKER = re.compile(r"\[TXB-H(\d+)-\d+\]")


def make_env(database_url: str, tmp_path: Path, server: SandboxServer) -> Env:
    return make_env_with_hours(database_url, tmp_path, server)[0]


def make_env_with_hours(
    database_url: str, tmp_path: Path, server: SandboxServer
) -> tuple[Env, list[dict[str, Any]]]:
    settings = make_settings(database_url, tmp_path)
    env = connect_env(Database(settings), settings, new_sandbox_company(server))
    with env.api() as api:
        team = make_team(api, employees=4, projects=3, start=date(2026, 1, 1))
    hours = hours_items(team, count=HOURS, start=date(2026, 10, 1))
    report = import_data(env.db, env.connection_id, {"hours": hours})
    assert report.all_accepted, report.rejections
    with env.db.transaction() as session:
        q.connections(session)[0].batch_size = CHUNK
    return env, hours


def entries_in_sandbox(server: SandboxServer, env: Env) -> int:
    with server.state.lock:
        return len(server.state.companies[env.company.company_id].table("TimesheetEntry"))


def assert_exactly_once(server: SandboxServer, env: Env, batch_id: int) -> None:
    with server.state.lock:
        rows = list(server.state.companies[env.company.company_id].table("TimesheetEntry").values())
    hours: Counter[str] = Counter()
    for row in rows:
        found = MARKER.findall(str(row.get("comment")))
        assert len(found) == 1, row.get("comment")
        hours[found[0]] += 1
    assert len(hours) == HOURS
    assert set(hours.values()) == {1}, {k: n for k, n in hours.items() if n > 1}
    with env.db.transaction() as session:
        statuses = Counter(i.status for i in session.query(BatchItem).filter(BatchItem.batch_id == batch_id))
        refs = q.references_of(session, env.connection_id, ReferenceKind.TIMESHEET_ENTRY)
    assert statuses == {ItemStatus.EXPORTED: HOURS}
    assert sorted(str(r.local_id) for r in refs.values()) == sorted(hours)


def kill_runs(server: SandboxServer, env: Env, batch_id: int, offsets: list[int]) -> int:
    """One export run after the other, each SIGKILLed after ``offsets[i]`` API calls of its own;
    how many were killed (a run that finished first ends the series)."""
    kills = 0
    for offset in offsets:
        target = company_calls(server, env) + offset
        process = start(env, batch_id, grace=0)
        # A generous bound: a run is ~10 s on a loaded 2-core machine, most of it starting Python.
        if not kill_when(process, calls_reached(server, env, target), timeout=90):
            assert process.returncode in (0, 1), process.stderr.read() if process.stderr else ""
            break
        kills += 1
    return kills


#: Kill after this many API calls of each run, one run after the other. A whole run is 13 calls (the
#: session, 3 listings, 3 projects' activities, 6 chunks of 4): the small offsets land in the
#: directory reads, the larger ones between intent, write and reference.
KILL_SCHEDULE = [2, 5, 8, 9, 8, 10]


def test_hours_killed_at_many_points_are_in_tripletex_once(
    database_url: str, tmp_path: Path, sandbox_server: SandboxServer
) -> None:
    env = make_env(database_url, tmp_path, sandbox_server)
    closed = close_hours_batch(env.db, env.connection_id, "2026-10")
    assert closed.batch_id is not None
    assert kill_runs(sandbox_server, env, closed.batch_id, KILL_SCHEDULE) >= 4
    output = run_to_end(env, closed.batch_id)
    assert '"stopped": null' in output
    assert_exactly_once(sandbox_server, env, closed.batch_id)
    env.db.dispose()


def test_hours_killed_while_tripletex_holds_the_answer_of_a_committed_write(
    database_url: str, tmp_path: Path, sandbox_server: SandboxServer
) -> None:
    env = make_env(database_url, tmp_path, sandbox_server)
    closed = close_hours_batch(env.db, env.connection_id, "2026-10")
    assert closed.batch_id is not None
    for round_ in range(2):
        committed = entries_in_sandbox(sandbox_server, env)
        env.add_fault(
            method="POST", path="/v2/timesheet/entry/list", kind="delay_after_commit", delaySeconds=3, count=1
        )
        process = start(env, closed.batch_id, grace=0)
        landed = lambda before=committed: entries_in_sandbox(sandbox_server, env) > before  # noqa: E731
        assert kill_when(process, landed, timeout=90), f"round {round_}"
        with env.db.transaction() as session:
            in_flight = (
                session.query(BatchItem)
                .filter(BatchItem.batch_id == closed.batch_id, BatchItem.status == ItemStatus.IN_FLIGHT)
                .count()
            )
        assert in_flight == CHUNK  # in Tripletex, unknown here: the dangerous case
    with env.control() as control:
        control.delete("/faults")
    run_to_end(env, closed.batch_id)
    assert_exactly_once(sandbox_server, env, closed.batch_id)
    env.db.dispose()


#: Hours of the first export changed (new hours) and deleted in the host before the correction run.
CHANGED = (0, 5, 10)
DELETED = (1, 6, 11)
#: Kill points of the correction runs (after this many API calls of each run): the preflight is 7
#: calls (session, 3 listings, 3 projects' activities), then one PUT or DELETE per hour, so these land
#: in the preflight, and before, between and right after the corrections' writes. The full set runs
#: with ``make test-long``; the suite keeps two points: right after a run's first write (before it is
#: recorded), and after three more writes of the next run.
CORRECTION_KILLS = [5, 8, 8, 9, 11, 12]
CORRECTION_KILLS_SHORT = [8, 10]


def sandbox_entries(server: SandboxServer, env: Env) -> dict[str, list[dict[str, Any]]]:
    """Tripletex's entries by the host hour their marker names (``svenn-N`` ↔ entry id)."""
    with server.state.lock:
        rows = list(server.state.companies[env.company.company_id].table("TimesheetEntry").values())
    with env.db.transaction() as session:
        host_of = {str(e.id): e.host_id for e in session.query(HoursEntry)}
    out: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        (entry_id,) = MARKER.findall(str(row.get("comment")))
        out.setdefault(host_of[entry_id], []).append(row)
    return out


def writes(server: SandboxServer, env: Env) -> int:
    company = env.company.company_id
    with server.state.lock:
        return sum(n for (c, method, _), n in server.state.stats.items() if c == company and method != "GET")


@pytest.mark.parametrize(
    ("kill_points", "at_least"),
    [
        pytest.param(CORRECTION_KILLS_SHORT, 2, id="short"),
        pytest.param(CORRECTION_KILLS, 4, id="full", marks=pytest.mark.long),
    ],
)
def test_hours_corrections_killed_at_many_points_update_and_delete_once(
    database_url: str, tmp_path: Path, sandbox_server: SandboxServer, kill_points: list[int], at_least: int
) -> None:
    """On SQLite and PostgreSQL (``database_url``): the store's one transaction per correction is
    what a kill must not split, and each database holds its own locks and isolation."""
    env, hours = make_env_with_hours(database_url, tmp_path, sandbox_server)
    first = close_hours_batch(env.db, env.connection_id, "2026-10")
    assert first.batch_id is not None
    assert export_batch(env.db, env.settings, first.batch_id).exported == HOURS
    changed = [{**hours[i], "hours": "11.5"} for i in CHANGED]
    deleted = [{**hours[i], "deleted": True} for i in DELETED]
    assert import_data(env.db, env.connection_id, {"hours": changed + deleted}).all_accepted
    second = close_hours_batch(env.db, env.connection_id, "2026-10")
    assert second.batch_id is not None and second.corrections == len(CHANGED) + len(DELETED)

    assert kill_runs(sandbox_server, env, second.batch_id, kill_points) >= at_least
    assert '"stopped": null' in run_to_end(env, second.batch_id)

    entries = sandbox_entries(sandbox_server, env)
    assert all(len(rows) == 1 for rows in entries.values()), entries
    assert sorted(entries) == sorted(h["id"] for i, h in enumerate(hours) if i not in DELETED)
    assert {h["id"]: entries[h["id"]][0]["hours"] for h in changed} == {h["id"]: 11.5 for h in changed}
    with env.db.transaction() as session:
        statuses = Counter(
            i.status for i in session.query(BatchItem).filter(BatchItem.batch_id == second.batch_id)
        )
        states = Counter(e.state for e in session.query(HoursEntry))
    assert statuses == {ItemStatus.EXPORTED: len(CHANGED) + len(DELETED)}
    assert states == {HoursState.EXPORTED: HOURS - len(DELETED), HoursState.GONE: len(DELETED)}
    # A rerun does nothing more: no batch to close, and the finished batch writes nothing again.
    assert close_hours_batch(env.db, env.connection_id, "2026-10").batch_id is None
    before = writes(sandbox_server, env)
    again = export_batch(env.db, env.settings, second.batch_id)
    assert (again.exported, again.open, again.stopped) == (len(CHANGED) + len(DELETED), 0, None)
    assert writes(sandbox_server, env) == before
    env.db.dispose()
