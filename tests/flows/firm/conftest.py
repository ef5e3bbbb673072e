"""Fixtures of the firm's tests: a store and a firm of three client companies (``firm``, for the
clients, links and inbound), and ``firm_on``, a firm on both sides (sandbox and store) for the
statistics tests."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.firm_world import Firm as StatisticsFirm
from tests.fixtures.firm_world import build_firm
from tests.flows.export.conftest import make_settings
from tests.flows.firm.world import Firm, make_firm
from txbridge.sandbox.server import SandboxServer
from txbridge.settings import Settings
from txbridge.store import Database, TokenCipher


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, secret_key=TokenCipher.generate_key().decode())


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    database = Database(settings)
    yield database
    database.dispose()


@pytest.fixture
def firm(db: Database, settings: Settings, sandbox_server: SandboxServer) -> Firm:
    return make_firm(db, settings, sandbox_server, 3)


@contextlib.contextmanager
def firm_on(
    database_url: str, tmp_path: Path, server: SandboxServer, **kwargs: Any
) -> Iterator[StatisticsFirm]:
    """``build_firm`` on a database of its own, disposed after."""
    settings = make_settings(database_url, tmp_path)
    db = Database(settings)
    try:
        yield build_firm(db, settings, control_url=server.control_url, base_url=server.base_url, **kwargs)
    finally:
        db.dispose()
