"""The client's English log lines stay in the operators' log (JSON lines, shown only with --verbose or
TXBRIDGE_LOG_LEVEL); users read the export's own notices (tested with the export)."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from txbridge.cli import _register, app
from txbridge.cli.waits import configure_logging


@pytest.fixture
def quiet_logging_afterwards() -> Iterator[None]:
    yield
    configure_logging(False, None)


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
