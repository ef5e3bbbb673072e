"""Kill-and-rerun for the sync (shared by the kill tests and ``bench/sync_kill.py``): run the initial
sync or a push in a subprocess that SIGKILLs itself at the given points, then to the end, and check
that both sides converged with nothing twice."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import select

from tests.flows.export.conftest import Env
from tests.flows.sync.conftest import tx_all
from tests.flows.sync.kill_driver import run
from txbridge.flows.sync import iter_changes
from txbridge.settings import Settings
from txbridge.store import HeldMatch, HostObject, SyncLink, SyncLinkState

ROOT = Path(__file__).resolve().parents[3]


def run_driver(env: Env, what: str, *, after: int | None = None, before: int | None = None) -> int:
    """One run in a forked process (it starts in milliseconds: the modules are already imported);
    its exit code, -9 when it killed itself."""
    context = multiprocessing.get_context("fork")
    process = context.Process(
        target=_child, args=(env.settings, what, env.connection_id, after, before), daemon=True
    )
    process.start()
    process.join(120)
    if process.exitcode not in (0, -9):
        raise AssertionError(f"the sync process failed with exit code {process.exitcode}")
    return int(process.exitcode or 0)


def _child(settings: Settings, what: str, connection_id: int, after: int | None, before: int | None) -> None:
    run(settings, what, connection_id, after=after, before=before)


def run_command(env: Env, what: str, *, after: int | None = None, before: int | None = None) -> int:
    """One run as a new Python process (``python -m tests.flows.sync.kill_driver``)."""
    environment = {
        **os.environ,
        "TXBRIDGE_DATABASE_URL": env.settings.database_url,
        "TXBRIDGE_SECRET_KEY": env.settings.secret_key.get_secret_value() if env.settings.secret_key else "",
    }
    command = [sys.executable, "-m", "tests.flows.sync.kill_driver", what, str(env.connection_id)]
    if after is not None:
        command += ["--kill-after", str(after)]
    if before is not None:
        command += ["--kill-before", str(before)]
    done = subprocess.run(command, env=environment, cwd=ROOT, capture_output=True, text=True, timeout=300)
    if done.returncode not in (0, -9):
        raise AssertionError(f"driver failed ({done.returncode}): {done.stderr[-3000:]}")
    return done.returncode


def kill_and_finish(env: Env, what: str, points: Iterable[tuple[str, int]]) -> int:
    """Kill at each point in turn (a run that finishes before its point ends the sweep), then run to
    the end. Returns how many runs were killed."""
    killed = 0
    for side, n in points:
        code = run_driver(env, what, **{side: n})
        if code == 0:
            break
        killed += 1
    assert run_driver(env, what) == 0
    return killed


def assert_converged(env: Env) -> None:
    """Every host object linked once (or held, or parked by a rule), nothing created twice in
    Tripletex, nothing announced twice to the host, no create left unsettled."""
    customers = [c["name"] for c in tx_all(env, "customer", "name")]
    projects = [p["name"] for p in tx_all(env, "project", "name")]
    emails = [e["email"] for e in tx_all(env, "employee", "email") if e.get("email")]
    for found in (customers, projects, emails):
        twice = [name for name, n in Counter(found).items() if n > 1]
        assert not twice, twice
    with env.db.reading() as session:
        links = [
            (link.resource, link.host_id, link.state)
            for link in session.scalars(select(SyncLink).where(SyncLink.connection_id == env.connection_id))
        ]
        held = {
            h.host_id
            for h in session.scalars(select(HeldMatch).where(HeldMatch.connection_id == env.connection_id))
        }
        hosts = [
            (h.resource, h.host_id, h.deleted)
            for h in session.scalars(select(HostObject).where(HostObject.connection_id == env.connection_id))
        ]
    assert not [link for link in links if link[2] is SyncLinkState.CREATING]
    live = Counter((r, h) for r, h, state in links if state is SyncLinkState.LINKED)
    parked = {(r, h) for r, h, state in links if state is SyncLinkState.UNLINKED}
    for resource, host_id, deleted in hosts:
        key = (resource, host_id)
        if deleted:
            continue
        assert live[key] == 1 or host_id in held or key in parked, key
    created = Counter(
        (c.resource, c.tripletex_id)
        for c in iter_changes(env.db, env.connection_id)
        if c.action.value == "created"
    )
    assert all(n == 1 for n in created.values()), created
