"""A firm on both sides (sandbox and store) for the statistics tests."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench._firm_world import Firm, build_firm

from tests.flows.export.conftest import make_settings
from txbridge.sandbox.server import SandboxServer
from txbridge.store import Database


@contextlib.contextmanager
def firm_on(database_url: str, tmp_path: Path, server: SandboxServer, **kwargs: Any) -> Iterator[Firm]:
    """``build_firm`` on a database of its own, disposed after."""
    settings = make_settings(database_url, tmp_path)
    db = Database(settings)
    try:
        yield build_firm(db, settings, control_url=server.control_url, base_url=server.base_url, **kwargs)
    finally:
        db.dispose()
