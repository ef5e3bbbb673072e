"""Monthly work statistics per linked client: read from Tripletex through the firm's token acting for
each client (``for_company``), counted per field and calendar month, stored per client / month /
field (overwriting), as the import of one month or «Reload data» over the last 12.

``import_month`` runs a run in this process; ``start_import`` and ``start_reload`` queue it as jobs
(:mod:`txbridge.jobs.api`), a reload in parts that workers run side by side. Every part is
:func:`work_run`: take a client (its lock), read, store, next — safe to kill at any point."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import select

from txbridge.catalog import Message, render
from txbridge.flows import connections
from txbridge.flows.firm import runs
from txbridge.flows.firm.counting import count_client
from txbridge.flows.firm.mapping import mapped_fields
from txbridge.flows.firm.reads import ClientReads, ReadCache, last_months
from txbridge.flows.firm.runs import LockLostError, StatisticsError
from txbridge.settings import Settings
from txbridge.store import Connection, Database
from txbridge.store.models import StatisticClientState, StatisticRun, StatisticRunClient, StatisticRunKind
from txbridge.tripletex import (
    APIConnectionError,
    AuthenticationError,
    PermissionDeniedError,
    Tripletex,
    TripletexError,
)

__all__ = [
    "RELOAD_MONTHS",
    "ImportResult",
    "StatisticsError",
    "import_month",
    "reload_months",
    "token_refused_message",
    "work_run",
]

#: «Reload data» reads this many months, the current one included.
RELOAD_MONTHS = 12
OSLO = ZoneInfo("Europe/Oslo")
#: How often a worker says it still reads a client (the lock goes stale after LOCK_STALE_AFTER).
LOCK_REFRESH_SECONDS = 3.0
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class ImportResult:
    run_id: int
    months: tuple[str, ...]
    clients_done: int
    clients_failed: int
    #: Values written (client × month × mapped field).
    values_written: int
    api_calls: int
    #: Of those calls, how many Tripletex answered 304 (nothing changed since the last read) …
    not_modified: int
    #: … and how many had no rows (no digest to send back: read again in full, but empty).
    empty_answers: int
    #: Per client that could not be read: its firm client id and the catalog message id.
    failures: dict[int, str] = field(default_factory=dict)


@dataclass
class WorkSummary:
    """What one worker (a part of a run) did."""

    clients: int = 0
    values_written: int = 0
    api_calls: int = 0
    not_modified: int = 0
    empty_answers: int = 0
    #: Pending clients another run held when this part stopped (it is to be tried again).
    busy: int = 0


def check_month(month: str) -> str:
    if not _MONTH.match(month):
        raise StatisticsError(render("stats_month_invalid", month=month))
    return month


def reload_months(today: date) -> list[str]:
    """The 12 months a reload reads: this month and the 11 before it."""
    return last_months(f"{today.year:04d}-{today.month:02d}", RELOAD_MONTHS)


def import_month(
    db: Database,
    settings: Settings,
    firm_connection_id: int,
    month: str,
    *,
    client_ids: Sequence[int] | None = None,
    client: Tripletex | None = None,
    transport: httpx.BaseTransport | None = None,
    requested_by: str | None = None,
) -> ImportResult:
    """Read and store one month (``YYYY-MM``) of the mapped fields for the firm's linked clients (or
    ``client_ids``), in this process. ``client``: the firm token's client (else one is made from the
    connection). Raises :class:`StatisticsError` when nothing can be read (token refused, nothing
    linked or mapped)."""
    run_id = runs.create_run(
        db,
        firm_connection_id,
        StatisticRunKind.IMPORT,
        [check_month(month)],
        client_ids=client_ids,
        requested_by=requested_by,
    )
    summary = work_run(db, settings, run_id, client=client, transport=transport)
    return result_of(db, run_id, summary)


def result_of(db: Database, run_id: int, summary: WorkSummary) -> ImportResult:
    with db.reading() as session:
        run = session.get(StatisticRun, run_id)
        assert run is not None
        failures = {
            c.firm_client_id: c.message_id or ""
            for c in session.scalars(
                select(StatisticRunClient).where(
                    StatisticRunClient.run_id == run_id,
                    StatisticRunClient.state == StatisticClientState.FAILED,
                )
            )
        }
        return ImportResult(
            run_id=run_id,
            months=tuple(run.months),
            clients_done=run.clients_done,
            clients_failed=run.clients_failed,
            values_written=summary.values_written,
            api_calls=run.api_calls,
            not_modified=summary.not_modified,
            empty_answers=summary.empty_answers,
            failures=failures,
        )


def token_refused_message(connection: Connection, today: date | None = None) -> Message:
    """Why Tripletex refuses the firm's token (401), from what we know without the token's text:
    the expiry date passed, else the environment, else the employee (seed 004's list)."""
    day = today or datetime.now(OSLO).date()
    if connection.token_expires_on is not None and connection.token_expires_on <= day:
        return render(
            "stats_token_expired",
            connection=connection.name,
            expires_on=connection.token_expires_on.isoformat(),
        )
    return render("stats_employee_deactivated")


def work_run(
    db: Database,
    settings: Settings,
    run_id: int,
    *,
    client: Tripletex | None = None,
    transport: httpx.BaseTransport | None = None,
    holder: str | None = None,
    stale_after: float | None = None,
    on_client: Callable[[int], None] | None = None,
) -> WorkSummary:
    """Take the run's pending clients one at a time, read, count and store each; close the run when
    none is left. Returns when no client can be taken (the rest are done, or held by others).
    ``on_client``: called with each client id before it is read (tests stop a worker there)."""
    holder = holder or uuid.uuid4().hex
    stale = runs.LOCK_STALE_AFTER if stale_after is None else timedelta(seconds=stale_after)
    with db.reading() as session:
        run = session.get(StatisticRun, run_id)
        if run is None:
            raise StatisticsError(render("job_not_found", job=run_id))
        months = list(run.months)
        connection = runs.firm_connection(session, run.firm_connection_id)
        session.expunge(connection)
    blocked = _blocked(connection)
    if blocked is not None:
        connections.mark_token_expired(db, connection.id)
        runs.stop_run(db, run_id, blocked)
        raise StatisticsError(blocked)
    wanted = list(mapped_fields(db, connection.id))
    if not wanted:
        message = render("stats_no_fields_mapped")
        runs.stop_run(db, run_id, message)
        raise StatisticsError(message)
    own = client is None
    firm = client or connections.client_for(connection, settings, transport=transport)
    summary = WorkSummary()
    try:
        while True:
            claim = runs.claim_next(db, run_id, holder, stale_after=stale)
            if claim.client is None:
                summary.busy = claim.held_elsewhere
                break
            if on_client is not None:
                on_client(claim.client.firm_client_id)
            _one_client(db, run_id, holder, firm, claim.client, months, wanted, summary)
    finally:
        if own:
            firm.close()
    runs.finish_if_complete(db, run_id)
    return summary


def _blocked(connection: Connection) -> Message | None:
    today = datetime.now(OSLO).date()
    if connection.token_expires_on is not None and connection.token_expires_on <= today:
        return token_refused_message(connection, today)
    return None


def _one_client(
    db: Database,
    run_id: int,
    holder: str,
    firm: Tripletex,
    claimed: runs.ClaimedClient,
    months: list[str],
    wanted: list[str],
    summary: WorkSummary,
) -> None:
    client_id = claimed.firm_client_id
    cache = ReadCache(runs.known_reads(db, client_id))
    reads = ClientReads(
        firm.for_company(claimed.tripletex_company_id), cache, before_call=_lock_keeper(db, client_id, holder)
    )
    try:
        values = count_client(reads, months, wanted)
    except LockLostError:
        return  # another worker took the client over: it writes, not us
    except AuthenticationError:
        runs.release_lock(db, client_id, holder)
        with db.reading() as session:
            connection = runs.firm_connection(session, _firm_of(db, run_id))
            message = token_refused_message(connection)
        if message.id == "stats_token_expired":
            connections.mark_token_expired(db, connection.id)
        runs.stop_run(db, run_id, message)
        raise StatisticsError(message) from None
    except PermissionDeniedError:
        message = render(
            "stats_client_unreachable", client=claimed.name, company=claimed.tripletex_company_id
        )
        runs.fail_client(db, run_id, client_id, holder, message, reads.calls)
        summary.api_calls += reads.calls
        return
    except (TripletexError, APIConnectionError, httpx.HTTPError) as exc:
        detail = getattr(exc, "status_code", None) or type(exc).__name__
        message = render("stats_client_read_failed", client=claimed.name, detail=str(detail))
        runs.fail_client(db, run_id, client_id, holder, message, reads.calls)
        summary.api_calls += reads.calls
        return
    try:
        runs.store_client(
            db, run_id, client_id, holder, values, cache, reads.calls, company_id=claimed.tripletex_company_id
        )
    except LockLostError:
        return
    summary.clients += 1
    summary.api_calls += reads.calls
    summary.not_modified += reads.not_modified
    summary.empty_answers += reads.empty
    summary.values_written += sum(len(v) for v in values.values())


def _lock_keeper(db: Database, client_id: int, holder: str) -> Callable[[], None]:
    """Refresh the client's lock before a call when the last refresh is a few seconds old (a write per
    call would cost more than the call), well inside the time after which a lock is stale."""
    last = time.monotonic()

    def keep() -> None:
        nonlocal last
        if time.monotonic() - last >= LOCK_REFRESH_SECONDS:
            runs.refresh_lock(db, client_id, holder)
            last = time.monotonic()

    return keep


def _firm_of(db: Database, run_id: int) -> int:
    with db.reading() as session:
        run = session.get(StatisticRun, run_id)
        assert run is not None
        return run.firm_connection_id
