"""Dropping a connection for real: the server registers each socket's transport by peer address.

uvicorn gives the ASGI app no handle on the socket, so :mod:`txbridge.sandbox.server` runs uvicorn with
a protocol class that records its transport here; the middleware aborts it to make the client see a
connection reset instead of a response.
"""

from __future__ import annotations

import asyncio
import threading


class ConnectionDropped(Exception):
    """Raised when no real socket is at hand (ASGI transport in tests): the client sees an error."""


class ConnectionRegistry:
    def __init__(self) -> None:
        self._transports: dict[tuple[str, int], asyncio.BaseTransport] = {}
        self._lock = threading.Lock()

    def add(self, peer: tuple[str, int], transport: asyncio.BaseTransport) -> None:
        with self._lock:
            self._transports[peer] = transport

    def remove(self, peer: tuple[str, int]) -> None:
        with self._lock:
            self._transports.pop(peer, None)

    def abort(self, peer: tuple[str, int] | None) -> bool:
        """Close the client's socket at once (RST, no response bytes). False if unknown."""
        if peer is None:
            return False
        with self._lock:
            transport = self._transports.get((peer[0], peer[1]))
        if transport is None:
            return False
        if isinstance(transport, asyncio.Transport):
            transport.abort()
        else:
            transport.close()
        return True
