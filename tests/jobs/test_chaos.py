"""Chaos: real PostgreSQL, three real ``txbridge worker`` processes of which one is SIGKILLed every few
seconds and replaced, the sandbox over HTTP injecting 5xx bursts, lost answers and 429 storms.

Sized to run in about a minute; ``make soak`` runs the long version (``bench/jobs_soak.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures.jobs_chaos import run_chaos
from tests.flows.export.conftest import make_settings
from txbridge.sandbox.server import SandboxServer

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def test_killed_workers_lose_nothing_and_never_double_up(
    pg_url: str, tmp_path: Path, sandbox_server: SandboxServer
) -> None:
    # Injected faults stop runs now and then; the error state must not end the test's connections.
    settings = make_settings(pg_url, tmp_path).model_copy(update={"error_state_threshold": 50})
    report = run_chaos(
        settings,
        control_url=sandbox_server.control_url,
        base_url=sandbox_server.base_url,
        logs=tmp_path,
        connections=10,
        invoices=60,
        kill_every=4.0,
        chaos_seconds=30.0,
        progress=True,
    )
    assert report.states == {"succeeded": report.jobs}, report.states
    assert report.engine_states == {"succeeded": report.jobs}, report.engine_states
    assert not report.missing, sorted(report.missing)[:10]
    assert report.duplicates == 0, [k for k, n in report.in_tripletex.items() if n > 1][:10]
    assert len(report.in_tripletex) == report.invoices == 600
    assert report.overlaps == []
    assert report.kills >= 5
    # Some kills landed while a job ran, and those jobs were taken up by another worker.
    assert report.interrupted_runs >= 1, report
