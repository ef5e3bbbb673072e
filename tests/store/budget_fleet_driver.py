"""One process of the shared-budget fleet test: ``python -m tests.store.budget_fleet_driver NAME CALLS``.

Builds the client of stored connection NAME the way every flow does (``connections.client_for``, so on
PostgreSQL it gets the shared budget), says ``ready``, waits for a line on stdin so all processes start
together, makes CALLS calls and prints the client's counters as one JSON line. Settings come from the
environment (``TXBRIDGE_DATABASE_URL``, ``TXBRIDGE_SECRET_KEY``); ``FLEET_DEBUG=1`` logs every answer."""

from __future__ import annotations

import json
import logging
import os
import sys
import time

from txbridge.flows import connections
from txbridge.settings import load_settings
from txbridge.store import Database
from txbridge.store import queries as q
from txbridge.tripletex import SystemClock


def main(name: str, calls: int, *, in_process: bool = False) -> None:

    if os.environ.get("FLEET_DEBUG"):
        logging.basicConfig(level=logging.DEBUG, format=f"%(created).3f {name} %(message)s")
        logging.getLogger("sqlalchemy").setLevel(logging.WARNING)
        logging.getLogger("httpcore").setLevel(logging.WARNING)
        logging.getLogger("httpx").setLevel(logging.WARNING)
    settings = load_settings()
    db = Database(settings)
    with db.transaction() as session:
        connection = q.connection_by_name(session, name)
    assert connection is not None, name
    # ``--in-process`` (benchmarks' comparison): a clock given to client_for keeps the process's own
    # limiter, as every process had before the shared budget.
    clock = SystemClock() if in_process else None
    with connections.client_for(connection, settings, clock=clock) as client:
        print("ready", flush=True)
        sys.stdin.readline()
        started = time.monotonic()
        for _ in range(calls):
            client.who_am_i(fields="companyId")
        stats = client.stats
        print(
            json.dumps(
                {
                    "calls": stats.calls,
                    "rateLimited": stats.rate_limited,
                    "throttleWaits": stats.throttle_waits,
                    "throttleSeconds": round(stats.throttle_seconds, 2),
                    "seconds": round(time.monotonic() - started, 2),
                }
            ),
            flush=True,
        )
    db.dispose()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), in_process="--in-process" in sys.argv[3:])
