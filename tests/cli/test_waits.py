"""The CLI tells the user, bokmål first, why an export waits; the client's English log lines stay in
the operators' log (JSON lines, shown only with --verbose or TXBRIDGE_LOG_LEVEL)."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from rich.console import Console
from typer.testing import CliRunner

from tests.fixtures.sandbox import SandboxCompany
from txbridge.cli import _register, app
from txbridge.cli.waits import WaitNotices, configure_logging
from txbridge.tripletex import Tripletex


class SimulatedTime:
    """The client's clock, moved on by its sleeps (no real waiting)."""

    def __init__(self) -> None:
        self.elapsed = 0.0
        self.start = datetime.now(UTC)

    def monotonic(self) -> float:
        return self.elapsed

    def now(self) -> datetime:
        return self.start + timedelta(seconds=self.elapsed)

    def sleep(self, seconds: float) -> None:
        self.elapsed += seconds


@pytest.fixture
def quiet_logging_afterwards() -> Iterator[None]:
    yield
    configure_logging(False, None)


def test_rate_limit_waits_and_retries_are_told_in_both_languages(sandbox_company: SandboxCompany) -> None:
    screen = io.StringIO()
    time = SimulatedTime()
    notices = WaitNotices(Console(file=screen, width=200), sleep=time.sleep)
    with Tripletex(
        consumer_token=sandbox_company.consumer_token,
        employee_token=sandbox_company.employee_token,
        base_url=sandbox_company.base_url,
        sleep=notices,
        clock=time,
        jitter=lambda: 1.0,
    ) as client:
        notices.watch(client)
        client.test_connection()
        with sandbox_company.control() as control:
            for status in (429, 503):
                fault = {
                    "method": "GET",
                    "path": "/v2/customer*",
                    "kind": "status",
                    "status": status,
                    "count": 1,
                    "companyId": sandbox_company.company_id,
                }
                control.post("/faults", json=fault).raise_for_status()
                client.customers.list(count=1)
    assert [m.id for m in notices.shown] == ["rate_limit_pause", "tripletex_retry"]
    assert time.elapsed >= 5  # the waits themselves still happen
    text = screen.getvalue()
    for message in notices.shown:
        assert message.nb in text and message.en in text
        assert text.index(message.nb) < text.index(message.en)
    # No reset header on the injected 429: the client waits out what the first answers said was left
    # of the sandbox's 60 s period (not a blind guess).
    waited = re.search(r"API-grensen er nådd; eksporten venter (\d+) sekunder", text)
    assert waited is not None and 1 <= int(waited.group(1)) <= 61
    assert "forsøker på nytt om 0,5 sekunder" in text and "trying once more in 0.5 seconds" in text


def test_short_spacing_waits_are_not_shown() -> None:
    screen = io.StringIO()
    slept: list[float] = []
    notices = WaitNotices(Console(file=screen), sleep=slept.append)
    notices(0.2)
    assert slept == [0.2] and screen.getvalue() == "" and notices.shown == []


@pytest.mark.usefixtures("quiet_logging_afterwards")
def test_the_client_log_is_quiet_by_default_and_json_lines_when_asked() -> None:
    client_log = logging.getLogger("txbridge.tripletex")
    stream = io.StringIO()
    configure_logging(False, None, stream)
    client_log.warning("GET /customer hit the rate limit; waiting %.1f s", 3.0)
    assert stream.getvalue() == ""

    configure_logging(False, "warning", stream)
    client_log.warning("GET /customer hit the rate limit; waiting %.1f s", 3.0)
    client_log.info("not at this level")
    (line,) = stream.getvalue().splitlines()
    record = json.loads(line)
    assert record["level"] == "WARNING" and record["logger"] == "txbridge.tripletex"
    assert record["message"] == "GET /customer hit the rate limit; waiting 3.0 s"

    verbose = io.StringIO()
    configure_logging(True, None, verbose)
    client_log.debug("GET /customer -> 200", extra={"tx_status": 200})
    assert json.loads(verbose.getvalue())["tx_status"] == 200
    ours = [h for h in logging.getLogger("txbridge").handlers if getattr(h, "txbridge_cli", False)]
    assert len(ours) == 1  # reconfiguring replaces, never stacks


@pytest.mark.usefixtures("quiet_logging_afterwards")
def test_verbose_and_the_log_level_setting_reach_the_operators_log() -> None:
    _register()
    assert CliRunner().invoke(app, ["--verbose", "version"]).exit_code == 0
    assert logging.getLogger("txbridge").getEffectiveLevel() == logging.DEBUG
    assert CliRunner().invoke(app, ["version"], env={"TXBRIDGE_LOG_LEVEL": "info"}).exit_code == 0
    assert logging.getLogger("txbridge").getEffectiveLevel() == logging.INFO
