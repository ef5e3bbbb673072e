"""Run one batch export in its own process: ``python -m txbridge.flows.export.runner BATCH_ID``.

Settings come from the environment (``TXBRIDGE_DATABASE_URL``, ``TXBRIDGE_SECRET_KEY`` …), never from
the command line, so no secret shows in a process list. Prints the result as one JSON line. Exit
codes: 0 exported, 1 finished with failed postings, 3 stopped early (run again later), 2 usage,
4 another export of the batch is running (nothing was touched).
The crash tests kill this process at arbitrary points and run it again."""

from __future__ import annotations

import argparse
import json
import sys

from txbridge.flows.outbound.engine import DEFAULT_IN_FLIGHT_GRACE, export_batch
from txbridge.flows.outbound.lease import ExportAlreadyRunningError
from txbridge.settings import load_settings
from txbridge.store import BatchStatus, Database

EXIT_EXPORTED = 0
EXIT_FAILED = 1
EXIT_STOPPED = 3
EXIT_ALREADY_RUNNING = 4


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m txbridge.flows.export.runner")
    parser.add_argument("batch_id", type=int)
    parser.add_argument(
        "--in-flight-grace",
        type=float,
        default=DEFAULT_IN_FLIGHT_GRACE,
        help="seconds a sent write may still be under way before it is sent again",
    )
    args = parser.parse_args(argv)
    settings = load_settings()
    db = Database(settings)
    try:
        result = export_batch(db, settings, args.batch_id, in_flight_grace=args.in_flight_grace)
    except ExportAlreadyRunningError as exc:
        print(json.dumps({"batch": args.batch_id, "stopped": exc.message.id, "holder": exc.holder.holder}))
        return EXIT_ALREADY_RUNNING
    finally:
        db.dispose()
    print(
        json.dumps(
            {
                "batch": result.batch_id,
                "status": result.status.value,
                "exported": result.exported,
                "failed": result.failed,
                "open": result.open,
                "reconciled": result.reconciled,
                "apiCalls": result.api_calls,
                "stopped": result.stopped.id if result.stopped else None,
            }
        ),
        flush=True,
    )
    if result.stopped is not None:
        return EXIT_STOPPED
    return EXIT_EXPORTED if result.status is BatchStatus.EXPORTED else EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
