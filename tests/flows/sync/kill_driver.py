"""Runs the initial sync or a push in its own process and SIGKILLs itself at an exact point: after
the answer of its N-th API call has arrived (``after``: Tripletex did the write, nothing of it is
recorded yet) or just before the N-th call is sent (``before``). Used by the kill tests and the
bench; settings come from the environment (``TXBRIDGE_DATABASE_URL``, ``TXBRIDGE_SECRET_KEY``).

    python -m tests.flows.sync.kill_driver initial|push CONNECTION_ID [--kill-after N | --kill-before N]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys

import httpx

from txbridge.flows.connections import client_for
from txbridge.flows.sync import push_host_changes, run_initial_sync
from txbridge.settings import Settings, load_settings
from txbridge.store import Connection, Database


class KillingTransport(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport, *, after: int | None, before: int | None) -> None:
        self.inner, self.after, self.before, self.calls = inner, after, before, 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        if self.calls == self.before:
            os.kill(os.getpid(), signal.SIGKILL)
        response = self.inner.handle_request(request)
        if self.calls == self.after:
            response.read()
            os.kill(os.getpid(), signal.SIGKILL)
        return response

    def close(self) -> None:
        self.inner.close()


def run(settings: Settings, what: str, connection_id: int, *, after: int | None, before: int | None) -> int:
    """The run itself (in this process); the number of API calls it made."""
    db = Database(settings)
    transport = KillingTransport(httpx.HTTPTransport(), after=after, before=before)
    with db.reading() as session:
        connection = session.get(Connection, connection_id)
        assert connection is not None
        client = client_for(connection, settings, transport=transport)
    with client:
        if what == "initial":
            run_initial_sync(db, settings, connection_id, client=client)
        else:
            push_host_changes(db, settings, connection_id, client=client)
    db.dispose()
    return transport.calls


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=("initial", "push"))
    parser.add_argument("connection_id", type=int)
    parser.add_argument("--kill-after", type=int)
    parser.add_argument("--kill-before", type=int)
    args = parser.parse_args(argv)
    calls = run(
        load_settings(), args.what, args.connection_id, after=args.kill_after, before=args.kill_before
    )
    print(json.dumps({"calls": calls}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
