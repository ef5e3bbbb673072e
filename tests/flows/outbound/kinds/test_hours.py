"""The hours kind's own steps against the sandbox (real HTTP), driven by hand in the engine's order:
preflight (few reads), check and build (refusals name what is wrong), one bulk send per chunk, the
marker lookup, the reference, and corrections with version — and an approved month refusing one."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.fixtures.sandbox import SandboxCompany
from tests.flows.export.conftest import Env, connect_env, make_settings
from txbridge.flows import connections
from txbridge.flows.hours.batches import close_hours_batch
from txbridge.flows.intake import import_data
from txbridge.flows.outbound.context import RunContext
from txbridge.flows.outbound.kind import InFlightRow, ItemRow, Outgoing, Refusal
from txbridge.flows.outbound.kinds.hours import HoursKind
from txbridge.samples.hours import Team, hours_items, make_team
from txbridge.store import BatchItem, Connection, Database, HoursEntry, HoursState, ItemStatus, ReferenceKind
from txbridge.store import queries as q


@pytest.fixture
def env(database_url: str, tmp_path: Path, sandbox_company: SandboxCompany) -> Iterator[Env]:
    settings = make_settings(database_url, tmp_path)
    db = Database(settings)
    yield connect_env(db, settings, sandbox_company)
    db.dispose()


@pytest.fixture
def team(env: Env) -> Team:
    with env.api() as api:
        return make_team(api, employees=3, projects=3, start=date(2026, 1, 1))


def run_for(env: Env, batch_id: int) -> RunContext:
    run = RunContext(env.db, env.settings, batch_id, env.connection_id, None, time.sleep)
    with env.db.transaction() as session:
        connection = session.get(Connection, env.connection_id)
        assert connection is not None
        run.tx = connections.client_for(connection, env.settings)
    return run


def pending(env: Env, batch_id: int) -> list[ItemRow]:
    with env.db.transaction() as session:
        return [
            ItemRow(i.id, i.hours_entry_id, i.subject_key, i.intent_marker, i.attempts)
            for i in session.scalars(
                select(BatchItem).where(
                    BatchItem.batch_id == batch_id, BatchItem.status == ItemStatus.PENDING
                )
            )
        ]


def record(env: Env, kind: HoursKind, sent: dict[str, object], outgoing: list[Outgoing]) -> None:
    """What the engine does after a send: the references and the items' status, together."""
    with env.db.transaction() as session:
        rows = []
        for o in outgoing:
            ref = kind.reference_of(o, sent[o.marker])  # type: ignore[arg-type]
            rows.append((ref.local_id, ref.local_number, ref.values))
            item = session.get(BatchItem, o.item_id)
            assert item is not None
            item.status = ItemStatus.EXPORTED  # as the engine records a sent item
        q.upsert_references(session, env.connection_id, ReferenceKind.TIMESHEET_ENTRY, rows)


def test_build_send_find_and_correct(env: Env, team: Team) -> None:
    hours = hours_items(team, count=8, start=date(2026, 10, 1))
    bad = {**hours[0], "id": "bad-project", "projectNumber": "404"}
    import_data(env.db, env.connection_id, {"hours": [*hours, bad]})
    closed = close_hours_batch(env.db, env.connection_id, "2026-10")
    assert closed.batch_id is not None
    kind = HoursKind()
    run = run_for(env, closed.batch_id)
    calls = run.client.stats.calls
    prepared = kind.preflight(run)
    # Employees, projects, activities, and >forTimeSheet for each project the hours name (≤ 3), plus
    # the session.
    assert run.client.stats.calls - calls <= 1 + 3 + 3
    built = kind.check_and_build(run, prepared, pending(env, closed.batch_id))
    refusals = [b for b in built if isinstance(b, Refusal)]
    assert [r.message.id for r in refusals] == ["hours_project_not_found"]
    outgoing = [b for b in built if isinstance(b, Outgoing)]
    assert all(o.body["comment"].endswith(o.marker) and o.marker.startswith("[TXB-H") for o in outgoing)
    calls = run.client.stats.calls
    sent = dict(kind.send(run, prepared, outgoing))
    assert run.client.stats.calls - calls == 1 and set(sent) == {o.marker for o in outgoing}
    # After an unknown outcome: found again by marker, in one search, before or after a preflight.
    in_flight = [InFlightRow(o.item_id, o.subject_id, o.subject_key, o.marker, None) for o in outgoing]
    for ready in (None, prepared):
        calls = run.client.stats.calls
        found = kind.find_by_marker(run, ready, in_flight)
        assert {m: e.id for m, e in found.items()} == {m: e.id for m, e in sent.items()}
        assert run.client.stats.calls - calls == 1
    record(env, kind, sent, outgoing)

    # The host changes one hour, deletes one, changes one whose month gets approved in Tripletex.
    changed, deleted, locked = hours[0], hours[1], hours[2]
    import_data(
        env.db,
        env.connection_id,
        {"hours": [{**changed, "hours": "3.5"}, {**deleted, "deleted": True}, {**locked, "hours": "1"}]},
    )
    locked_marker = next(o.marker for o in outgoing if o.subject_key == locked["id"])
    with env.api() as api:
        api.put(
            "/timesheet/month/:approve",
            params={"employeeIds": sent[locked_marker].employee.id, "monthYear": "2026-10"},  # type: ignore[union-attr]
        ).raise_for_status()
    second = close_hours_batch(env.db, env.connection_id, "2026-10")
    assert second.batch_id is not None and second.corrections == 3
    run = run_for(env, second.batch_id)
    prepared = kind.preflight(run)
    kind.corrections(run, prepared)
    with env.db.transaction() as session:
        items = {
            i.subject_key: (i.status, i.error_id)
            for i in session.scalars(select(BatchItem).where(BatchItem.batch_id == second.batch_id))
        }
        states = {e.host_id: e.state for e in session.scalars(select(HoursEntry))}
        refs = q.references_of(session, env.connection_id, ReferenceKind.TIMESHEET_ENTRY)
    assert items == {
        changed["id"]: (ItemStatus.EXPORTED, None),
        deleted["id"]: (ItemStatus.EXPORTED, None),
        locked["id"]: (ItemStatus.FAILED, "hours_correction_locked"),
    }
    assert (states[changed["id"]], states[deleted["id"]], states[locked["id"]]) == (
        HoursState.EXPORTED,
        HoursState.GONE,
        HoursState.CHANGED,
    )
    assert len(refs) == 7  # the deleted hour's reference went with its entry
    with env.api() as api:
        entries = api.get(
            "/timesheet/entry",
            params={"dateFrom": "2026-10-01", "dateTo": "2026-11-01", "fields": "id,hours,comment"},
        ).json()["values"]
    assert len(entries) == 7
    mark = next(o.marker for o in outgoing if o.subject_key == changed["id"])
    moved = next(e for e in entries if e["id"] == sent[mark].id)
    assert moved["hours"] == 3.5 and moved["comment"].endswith(mark)
    run.client.close()
