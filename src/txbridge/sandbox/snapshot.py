"""A sandbox's data kept in a file and served again, at the same address when it is free.

``make demo`` keeps its sandbox this way (``.txbridge/demo/sandbox.state``), so the web app opened on
the demo's data (``python -m txbridge.web.demo --serve``) reaches the same companies with the same
tokens: export, test connection and «Why?» work there as they did in the demo. The file holds the
companies' tokens as the sandbox itself does: it is written readable by its owner only."""

from __future__ import annotations

import errno
import os
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from txbridge.sandbox.server import SandboxServer

#: Bumped when what :meth:`SandboxState.snapshot` holds changes; an older file is refused.
FORMAT = 1


@dataclass(frozen=True)
class Snapshot:
    port: int
    base_url: str
    state: dict[str, Any]


def save(server: SandboxServer, path: Path) -> None:
    data = {
        "format": FORMAT,
        "port": server.port,
        "base_url": server.base_url,
        "state": server.state.snapshot(),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        pickle.dump(data, handle, protocol=pickle.HIGHEST_PROTOCOL)


def load(path: Path) -> Snapshot:
    """Read a file :func:`save` wrote (on this machine, for this user: pickle is fine for that)."""
    with path.open("rb") as handle:
        data = pickle.load(handle)  # noqa: S301 - the demo's own file, mode 0600
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"{path}: not a sandbox state of format {FORMAT}: run `make demo` again")
    return Snapshot(int(data["port"]), str(data["base_url"]), data["state"])


def serve_again(snapshot: Snapshot) -> SandboxServer:
    """A started sandbox with the snapshot's data, on its old port if that is free (else on a free
    one: then its ``base_url`` differs from ``snapshot.base_url`` and connections must follow)."""
    try:
        server = SandboxServer(port=snapshot.port)
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            raise
        server = SandboxServer()
    server.state.restore(snapshot.state)
    return server.start()
