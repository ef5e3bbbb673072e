"""Shared rate-limit budget with real workers: 20 connections, each a client company of one accountant
on the accountant's one token pair, exported by 1 and then by 4 ``txbridge worker`` processes on real
PostgreSQL, the sandbox (over HTTP) limiting that token pair so tightly that the calls need many
periods. Four workers meet no more 429s than one: they pace as one process would.

The suite runs it with 8 clients (the calls still need more than ten periods, the four workers still
contend for every one of them); ``make test-long`` runs the full 20."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from tests.fixtures.jobs_world import World, build_world, run_exports
from tests.flows.export.conftest import make_settings
from txbridge.sandbox.server import SandboxServer

pytestmark = pytest.mark.postgres

#: Clients of the accountant: the suite's size, and the full size (``make test-long``).
CLIENTS = 8
ALL_CLIENTS = 20
INVOICES = 3
#: Calls per period on the accountant's token pair: the 20 exports need many periods.
LIMIT, PERIOD = 8, 1.0


def _world(database_url: str, logs: Path, sandbox: SandboxServer, clients: int) -> World:
    logs.mkdir()
    return build_world(
        make_settings(database_url, logs),
        control_url=sandbox.control_url,
        base_url=sandbox.base_url,
        connections_count=clients,
        invoices=INVOICES,
        customers=3,
        products=3,
        accountant=True,
    )


@pytest.mark.parametrize("clients", [CLIENTS, pytest.param(ALL_CLIENTS, marks=pytest.mark.long)])
def test_four_workers_on_one_accountant_token_meet_no_more_429s_than_one(
    clients: int, pg_url: str, postgres_url: str, tmp_path: Path, sandbox_server: SandboxServer
) -> None:
    # A fresh store and a fresh accountant (its own token pair, so its own budget) for each run; both
    # are built before either run, so the runs follow each other under the same conditions.
    worlds = {
        workers: _world(url, tmp_path / f"run{workers}", sandbox_server, clients)
        for workers, url in ((1, pg_url), (4, postgres_url))
    }
    runs = {
        workers: run_exports(world, workers, tmp_path / f"run{workers}", rate_limit=(LIMIT, PERIOD))
        for workers, world in worlds.items()
    }
    print({n: {k: round(v, 1) for k, v in run.items()} for n, run in runs.items()})
    for workers, run in runs.items():
        assert run["failed_jobs"] == 0, (workers, run)
        # Every invoice in Tripletex exactly once.
        assert (run["missing"], run["unexpected"], run["duplicates"]) == (0, 0, 0), (workers, run)
        # The limit bound: the calls let through needed several of the sandbox's fixed periods, so the
        # run lasted at least the periods between them (the sandbox refuses more than LIMIT in one).
        allowed = run["calls"] - run["sandbox_429s"]
        assert allowed > 4 * LIMIT, (workers, run)
        assert run["wall"] >= (math.ceil(allowed / LIMIT) - 1) * PERIOD, (workers, run)
    # Before the budget counted every call in flight off a new period (not only those sent blind into
    # it), four workers met 1, 2, 4 or 7 such 429s where one met none: calls still on their way when
    # another worker took up the next period landed in it uncounted.
    assert runs[4]["sandbox_429s"] <= runs[1]["sandbox_429s"], runs
