"""Fixtures of the firm's flows tests: a store and a firm with three client companies."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

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
