"""Never twice, never lost, for the sync: the initial sync and a push of host changes are killed
(SIGKILL, a real subprocess) at several points — just before a call is sent and just after its answer
arrived, before anything of it was recorded — and run again until done, on SQLite and PostgreSQL.
Both sides converge and nothing is created or announced twice. (``bench/sync_kill.py`` sweeps every
call of a run.)"""

from __future__ import annotations

from tests.flows.export.conftest import Env
from tests.flows.sync.conftest import host_put, overlapping, tx_all
from tests.flows.sync.killing import assert_converged, kill_and_finish

INITIAL_POINTS = [("after", 3), ("before", 5), ("after", 6), ("after", 8), ("before", 9)]
PUSH_POINTS = [("after", 3), ("before", 3)]
#: PostgreSQL runs fewer points (the store's part differs, the sync's does not).
POSTGRES_POINTS = ([("after", 3), ("after", 6), ("before", 9)], [("after", 3)])


def test_initial_sync_and_push_killed_anywhere_converge(env: Env) -> None:
    overlapping(env)
    host_put(env, "customer", [{"host_id": f"c-ny-{n}", "name": f"Ny Kunde {n} AS"} for n in range(5)])
    initial, push = (INITIAL_POINTS, PUSH_POINTS) if env.db.backend == "sqlite" else POSTGRES_POINTS
    killed = kill_and_finish(env, "initial", initial)
    assert killed >= 2
    assert_converged(env)
    names = [c["name"] for c in tx_all(env, "customer", "name")]
    assert all(f"Ny Kunde {n} AS" in names for n in range(5))

    host_put(env, "customer", [{"host_id": f"c-mer-{n}", "name": f"Mer Kunde {n} AS"} for n in range(3)])
    host_put(env, "customer", [{"host_id": "c-fjord", "city": "Tromsø"}])
    assert kill_and_finish(env, "push", push) >= 1
    assert_converged(env)
    names = [c["name"] for c in tx_all(env, "customer", "name")]
    assert all(names.count(f"Mer Kunde {n} AS") == 1 for n in range(3))
    cities = [
        (c.get("postalAddress") or {}).get("city")
        for c in tx_all(env, "customer", "name,postalAddress(city)")
    ]
    assert "Tromsø" in cities
