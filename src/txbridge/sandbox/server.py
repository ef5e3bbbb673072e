"""Run the sandbox over real HTTP: uvicorn in a background thread on a free (or given) port.

Used by the CLI, the test fixtures, the demo and the benchmarks::

    with SandboxServer() as server:
        httpx.get(server.base_url + "/customer", auth=(...))
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from types import TracebackType
from typing import Any

import uvicorn
from fastapi import FastAPI
from uvicorn.protocols.http.auto import AutoHTTPProtocol

from txbridge.sandbox.app import create_app
from txbridge.sandbox.faults import ConnectionRegistry
from txbridge.sandbox.state import SandboxState


def _protocol_class(registry: ConnectionRegistry) -> type[asyncio.Protocol]:
    """uvicorn's HTTP protocol, recording each connection's transport so faults can drop it."""

    base: Any = AutoHTTPProtocol

    class RecordingProtocol(base):  # type: ignore[misc]
        def connection_made(self, transport: asyncio.Transport) -> None:
            super().connection_made(transport)
            peer = transport.get_extra_info("peername")
            self._tx_peer = (str(peer[0]), int(peer[1])) if peer else None
            if self._tx_peer is not None:
                registry.add(self._tx_peer, transport)

        def connection_lost(self, exc: Exception | None) -> None:
            peer: tuple[str, int] | None = getattr(self, "_tx_peer", None)
            if peer is not None:
                registry.remove(peer)
            super().connection_lost(exc)

    return RecordingProtocol


class SandboxServer:
    """The sandbox app served by uvicorn in a daemon thread until :meth:`stop`."""

    def __init__(
        self,
        app: FastAPI | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        log_level: str = "warning",
    ) -> None:
        self.app = app or create_app()
        self.registry = ConnectionRegistry()
        self.app.state.connections = self.registry
        # proto IPPROTO_TCP, not 0: asyncio only sets TCP_NODELAY on sockets that say TCP, and without
        # it every response waits ~40 ms for a delayed ACK (Nagle).
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((host, port))
        # Listening at once lets clients connect (queued by the kernel) before uvicorn has started.
        self._sock.listen(2048)
        self.host = host
        self.port: int = self._sock.getsockname()[1]
        config = uvicorn.Config(
            self.app,
            http=_protocol_class(self.registry),
            lifespan="off",
            log_level=log_level,
            access_log=False,
            timeout_keep_alive=30,
        )
        self._server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None

    @property
    def state(self) -> SandboxState:
        state: SandboxState = self.app.state.sandbox
        return state

    @property
    def root_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """Where a Tripletex client points instead of ``https://api-test.tripletex.tech/v2``."""
        return f"{self.root_url}/v2"

    @property
    def control_url(self) -> str:
        return f"{self.root_url}/_sandbox"

    def start(self, timeout: float = 10.0) -> SandboxServer:
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, name="txbridge-sandbox", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started and self._thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.01)
        if not self._server.started:
            self.stop()
            raise RuntimeError(f"the sandbox server did not start within {timeout} s")
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread (the CLI); returns on Ctrl+C."""
        self._server.run(sockets=[self._sock])

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        self._sock.close()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
