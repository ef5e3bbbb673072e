"""Never twice, never lost, for day sales — the export process (a real subprocess) is SIGKILLed at
many points and run again until it finishes, on SQLite and PostgreSQL: every day is one voucher in
Tripletex, exactly once (counted there by ``externalVoucherNumber``). Then the same for corrections:
days changed after export are reversed exactly once and posted again exactly once, however often the
run dies between the reversal, the new voucher and what the store notes of them."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from tests.fixtures.sandbox import new_sandbox_company
from tests.flows.daysales.conftest import MAPPING, z_report
from tests.flows.export.conftest import Env, connect_env, make_settings
from tests.flows.export.test_kill import calls_reached, company_calls, kill_when, run_to_end, start
from txbridge.flows.daysales import import_day_sales
from txbridge.flows.daysales import setup as pos
from txbridge.flows.daysales.batches import close_day_sales
from txbridge.sandbox.server import SandboxServer
from txbridge.store import Database, ItemStatus, ReferenceKind
from txbridge.store import queries as q

DAYS = 8
LOCATIONS = ("Storgata", "Torget")
MARKER = re.compile(r"^TXB-DS-(?P<day>\d+)\.(?P<revision>\d+)$")
#: Kill after this many API calls of each run: a run opens its session and reads the chart and the
#: periods first (three calls), so the small offsets land there, the larger ones between intent,
#: write and note.
KILLS = [1, 3, 5, 4, 6, 5]


def make_env(database_url: str, tmp_path: Path, server: SandboxServer) -> Env:
    settings = make_settings(database_url, tmp_path)
    env = connect_env(Database(settings), settings, new_sandbox_company(server))
    pos.save(env.db, env.connection_id, start_date=date(2026, 10, 1), mappings=MAPPING, by="test")
    days = [
        z_report(f"Z-{loc}-{n}", loc, date(2026, 10, 1) + timedelta(days=n))
        for n in range(DAYS)
        for loc in LOCATIONS
    ]
    assert import_day_sales(env.db, env.connection_id, days).all_accepted
    return env


def vouchers(server: SandboxServer, env: Env) -> list[dict[str, object]]:
    with server.state.lock:
        return list(server.state.companies[env.company.company_id].table("Voucher").values())


def kill_around(env: Env, server: SandboxServer, batch_id: int, kills_at: list[int]) -> int:
    kills = 0
    for offset in kills_at:
        process = start(env, batch_id, grace=0)
        if not kill_when(process, calls_reached(server, env, company_calls(server, env) + offset)):
            assert process.returncode in (0, 1), process.stderr.read() if process.stderr else ""
            break
        kills += 1
    return kills


def assert_days_once(server: SandboxServer, env: Env, revision: int = 1) -> Counter[str]:
    found = Counter(
        str(v.get("externalVoucherNumber")) for v in vouchers(server, env) if v.get("externalVoucherNumber")
    )
    assert set(found.values()) == {1}, {k: n for k, n in found.items() if n > 1}
    days = {MARKER.match(marker)["day"] for marker in found}  # type: ignore[index]
    assert len(days) == DAYS * len(LOCATIONS)
    with env.db.transaction() as session:
        assert len(q.references_of(session, env.connection_id, ReferenceKind.DAY_SALE)) == DAYS * len(
            LOCATIONS
        )
    return found


def test_killed_at_many_points_every_day_is_one_voucher(
    database_url: str, tmp_path: Path, sandbox_server: SandboxServer
) -> None:
    env = make_env(database_url, tmp_path, sandbox_server)
    closed = close_day_sales(env.db, env.connection_id, "2026-10")
    assert closed.batch_id is not None
    assert kill_around(env, sandbox_server, closed.batch_id, KILLS) >= 5
    assert '"stopped": null' in run_to_end(env, closed.batch_id)
    assert_days_once(sandbox_server, env)
    with env.db.transaction() as session:
        statuses = Counter(i.status for i in q.items_of_batch(session, closed.batch_id))
    assert statuses == {ItemStatus.EXPORTED: DAYS * len(LOCATIONS)}
    env.db.dispose()


def test_killed_while_correcting_each_voucher_is_reversed_once(
    database_url: str, tmp_path: Path, sandbox_server: SandboxServer
) -> None:
    env = make_env(database_url, tmp_path, sandbox_server)
    first = close_day_sales(env.db, env.connection_id, "2026-10")
    assert first.batch_id is not None
    run_to_end(env, first.batch_id)
    changed = []
    for n in range(0, DAYS, 2):  # four days of Storgata counted again
        day = z_report(f"Z-Storgata-{n}", "Storgata", date(2026, 10, 1) + timedelta(days=n))
        day["lines"][0]["amount"] = "1300.00"
        day["lines"][3]["amount"] = "1550.00"
        changed.append(day)
    assert import_day_sales(env.db, env.connection_id, changed).counts["daySales"].updated == len(changed)
    second = close_day_sales(env.db, env.connection_id, "2026-10")
    assert second.batch_id is not None and second.corrections == len(changed)
    # A correcting run starts with three calls, then reads and reverses each old voucher, then posts.
    assert kill_around(env, sandbox_server, second.batch_id, [4, 5, 6, 7]) >= 3
    run_to_end(env, second.batch_id)
    found = assert_days_once(sandbox_server, env)
    assert sum(1 for marker in found if marker.endswith(".2")) == len(changed)
    reversed_ = [v for v in vouchers(sandbox_server, env) if v.get("reverseVoucher")]
    reversals = [
        v for v in vouchers(sandbox_server, env) if str(v.get("description", "")).startswith("Reversering")
    ]
    assert len(reversed_) == len(reversals) == len(changed)
    env.db.dispose()
