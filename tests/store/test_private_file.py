"""The SQLite store holds encrypted tokens and the business data: its file and a folder made for it
are readable by their owner only, like the key file."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from txbridge.store import Database


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_database_and_its_folder_are_private(tmp_path: Path) -> None:
    old_umask = os.umask(0o022)  # a usual umask: without care, files come out world-readable
    try:
        path = tmp_path / "store" / "txbridge.db"
        database = Database.from_url(f"sqlite:///{path}")
        database.migrate()
        database.dispose()
    finally:
        os.umask(old_umask)
    assert _mode(path.parent) == 0o700
    assert _mode(path) == 0o600
    for companion in path.parent.iterdir():  # -wal / -shm, if left
        assert _mode(companion) & 0o077 == 0, companion


def test_an_existing_file_keeps_the_mode_its_owner_gave_it(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    path.touch(mode=0o640)
    os.chmod(path, 0o640)
    database = Database.from_url(f"sqlite:///{path}")
    database.migrate()
    database.dispose()
    assert _mode(path) == 0o640
