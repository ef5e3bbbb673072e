from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fixtures.sandbox import SandboxCompany
from tests.flows.diagnose.world import World, build_world, settings_for
from txbridge.store import Database


@pytest.fixture
def world(database_url: str, sandbox_company: SandboxCompany) -> Iterator[World]:
    settings = settings_for(database_url)
    database = Database.from_url(database_url)
    try:
        yield build_world(database, settings, sandbox_company)
    finally:
        database.dispose()
