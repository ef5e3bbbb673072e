"""The PostgreSQL test fixture cleans up after sessions that were killed, and only after those."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fixtures.postgres import OWNER_FILE, ROOT_PREFIX, _sweep_leftovers


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


@pytest.fixture
def server_dirs() -> Iterator[tuple[Path, Path]]:
    dead = Path(tempfile.mkdtemp(prefix=ROOT_PREFIX))
    (dead / OWNER_FILE).write_text(str(dead_pid()))
    (dead / "data").mkdir()
    alive = Path(tempfile.mkdtemp(prefix=ROOT_PREFIX))
    (alive / OWNER_FILE).write_text(str(os.getpid()))
    yield dead, alive
    for path in (dead, alive):
        shutil.rmtree(path, ignore_errors=True)


def test_leftovers_of_killed_sessions_are_removed_and_live_ones_kept(
    server_dirs: tuple[Path, Path], tmp_path: Path
) -> None:
    dead, alive = server_dirs
    _sweep_leftovers(tmp_path)  # no server runs in the dead one, so pg_ctl is never needed
    assert not dead.exists()
    assert alive.exists()
