"""Runs of the statistics import and reload: what they cover, which clients are done, and who reads
which client now.

A run lists its clients (``statistic_run_client``, pending until done). Workers — one, or several
parts of a reload side by side — take clients one at a time under a per-client lock
(``statistic_client_lock``), so no client is read by two runs or workers at once. A client's values,
its read digests and "done" are written in one transaction that also gives the lock back; a worker
killed midway leaves its client pending and its lock without heartbeats, and the next worker takes
the client over once the lock is stale. Values are upserts on (client, month, field): a client read
twice writes the same rows twice, never a sum."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from txbridge.catalog import Message, render
from txbridge.flows.firm.mapping import mapped_fields
from txbridge.flows.firm.reads import ReadCache, Tally
from txbridge.store import Connection, Database, LogLevel
from txbridge.store import queries as q
from txbridge.store.models import (
    FirmClient,
    FirmConnection,
    MonthlyStatistic,
    StatisticClientLock,
    StatisticClientState,
    StatisticRead,
    StatisticRun,
    StatisticRunClient,
    StatisticRunKind,
    StatisticRunState,
    utcnow,
)

#: A lock not refreshed for this long belongs to a worker that died: another may take the client.
LOCK_STALE_AFTER = timedelta(seconds=30)


class StatisticsError(Exception):
    """An import or reload that cannot go on; ``message`` is the catalog message to show."""

    def __init__(self, message: Message) -> None:
        super().__init__(str(message))
        self.message = message


class LockLostError(Exception):
    """Another worker took this client over (ours was taken for dead): write nothing."""


class LinkChangedError(LockLostError):
    """The client was relinked while its values were read: they are the old company's, write nothing."""


@dataclass(frozen=True)
class ClaimedClient:
    firm_client_id: int
    name: str
    tripletex_company_id: int


def message_json(message: Message) -> str:
    return json.dumps(asdict(message) | {"params": dict(message.params)}, ensure_ascii=False, default=str)


def firm_connection(session: Session, firm_connection_id: int) -> Connection:
    connection = session.get(Connection, firm_connection_id)
    if connection is None or session.get(FirmConnection, firm_connection_id) is None:
        raise StatisticsError(render("connection_not_found", connection=firm_connection_id))
    return connection


def create_run(
    db: Database,
    firm_connection_id: int,
    kind: StatisticRunKind,
    months: Sequence[str],
    *,
    client_ids: Sequence[int] | None = None,
    requested_by: str | None = None,
) -> int:
    """A run over the firm's linked clients (or ``client_ids``); refuses when no field is mapped or no
    client is linked (the seed's «no data appears» causes, as catalog messages)."""
    if not mapped_fields(db, firm_connection_id):
        with db.reading() as session:
            firm_connection(session, firm_connection_id)
        raise StatisticsError(render("stats_no_fields_mapped"))
    with db.transaction() as session:
        firm_connection(session, firm_connection_id)
        query = select(FirmClient).where(FirmClient.firm_connection_id == firm_connection_id)
        if client_ids is not None:
            query = query.where(FirmClient.id.in_(list(client_ids)))
        clients = list(session.scalars(query.order_by(FirmClient.id)))
        if client_ids is not None:
            for wanted in client_ids:
                found = next((c for c in clients if c.id == wanted), None)
                if found is None:
                    raise StatisticsError(render("firm_client_not_found", client=wanted))
                if found.tripletex_company_id is None:
                    raise StatisticsError(render("stats_client_not_linked", client=found.name))
        linked = [c.id for c in clients if c.tripletex_company_id is not None]
        if not linked:
            raise StatisticsError(render("stats_no_linked_clients"))
        run = StatisticRun(
            firm_connection_id=firm_connection_id,
            kind=kind,
            months=list(months),
            only_client_id=client_ids[0] if client_ids is not None and len(client_ids) == 1 else None,
            state=StatisticRunState.RUNNING,
            requested_by=requested_by,
            clients_total=len(linked),
            clients_done=0,
            clients_failed=0,
            api_calls=0,
        )
        session.add(run)
        session.flush()
        session.add_all(StatisticRunClient(run_id=run.id, firm_client_id=c, api_calls=0) for c in linked)
        return run.id


@dataclass(frozen=True)
class Claim:
    client: ClaimedClient | None
    #: Pending clients another run holds (wait for them), and ones another part of this run holds.
    held_elsewhere: int
    held_by_run: int


def claim_next(db: Database, run_id: int, holder: str, *, stale_after: timedelta = LOCK_STALE_AFTER) -> Claim:
    """The next pending client of the run, locked for ``holder``; None when none can be taken now."""
    with db.reading() as session:
        pending = list(
            session.execute(
                select(StatisticRunClient.firm_client_id, StatisticClientLock)
                .outerjoin(
                    StatisticClientLock,
                    StatisticClientLock.firm_client_id == StatisticRunClient.firm_client_id,
                )
                .where(
                    StatisticRunClient.run_id == run_id,
                    StatisticRunClient.state == StatisticClientState.PENDING,
                )
                .order_by(StatisticRunClient.firm_client_id)
            ).all()
        )
        locks = {
            client_id: (lock.run_id, lock.holder, lock.heartbeat_at) for client_id, lock in pending if lock
        }
    elsewhere = by_run = 0
    now = utcnow()
    for client_id, _lock in pending:
        held = locks.get(client_id)
        if held is not None and held[1] != holder and now - held[2] < stale_after:
            if held[0] == run_id:
                by_run += 1
            else:
                elsewhere += 1
            continue
        taken = _take_lock(db, run_id, client_id, holder, held[2] if held else None, held is not None)
        if taken is None:
            continue
        if taken.tripletex_company_id is None:
            fail_client(db, run_id, client_id, holder, render("stats_client_not_linked", client=client_id))
            continue
        return Claim(ClaimedClient(client_id, taken.name, taken.tripletex_company_id), elsewhere, by_run)
    return Claim(None, elsewhere, by_run)


@dataclass(frozen=True)
class _Linked:
    name: str
    tripletex_company_id: int | None


def _lock_client_row(session: Session, client_id: int) -> _Linked | None:
    """The client's link, read under a row lock (PostgreSQL ``FOR UPDATE``; SQLite's ``BEGIN
    IMMEDIATE`` already serialises writers): a relink (:func:`txbridge.flows.firm.clients.link`, which
    takes the same row lock) runs wholly before or wholly after this transaction."""
    row = session.execute(
        select(FirmClient.name, FirmClient.tripletex_company_id)
        .where(FirmClient.id == client_id)
        .with_for_update()
    ).first()
    return None if row is None else _Linked(row.name, row.tripletex_company_id)


def _take_lock(
    db: Database, run_id: int, client_id: int, holder: str, seen: datetime | None, exists: bool
) -> _Linked | None:
    """The client's link when its statistics lock is now ``holder``'s, else None. The link is read
    in the transaction that takes the lock, under the client's row lock: a relink committed before
    is seen (its company is read), one after deletes the lock (nothing of the old company is stored)."""
    try:
        with db.transaction() as session:
            linked = _lock_client_row(session, client_id) or _Linked(str(client_id), None)
            if not exists:
                session.add(
                    StatisticClientLock(
                        firm_client_id=client_id, run_id=run_id, holder=holder, heartbeat_at=utcnow()
                    )
                )
                session.flush()
                return linked
            # Compare-and-set on the heartbeat we saw: of two workers taking a stale lock, one wins.
            taken = session.execute(
                update(StatisticClientLock)
                .where(
                    StatisticClientLock.firm_client_id == client_id, StatisticClientLock.heartbeat_at == seen
                )
                .values(run_id=run_id, holder=holder, heartbeat_at=utcnow())
            )
            return linked if taken.rowcount else None  # type: ignore[attr-defined]
    except IntegrityError:
        return None


def refresh_lock(db: Database, client_id: int, holder: str) -> None:
    """Say the holder still reads the client; :class:`LockLostError` if another took it over."""
    with db.transaction() as session:
        done = session.execute(
            update(StatisticClientLock)
            .where(StatisticClientLock.firm_client_id == client_id, StatisticClientLock.holder == holder)
            .values(heartbeat_at=utcnow())
        )
        if not done.rowcount:  # type: ignore[attr-defined]
            raise LockLostError(client_id)


def release_lock(db: Database, client_id: int, holder: str) -> None:
    with db.transaction() as session:
        session.execute(
            delete(StatisticClientLock).where(
                StatisticClientLock.firm_client_id == client_id, StatisticClientLock.holder == holder
            )
        )


def known_reads(db: Database, client_id: int) -> dict[str, tuple[str, Tally]]:
    with db.reading() as session:
        return {
            r.read_key: (r.version_digest, dict(r.tally))
            for r in session.scalars(select(StatisticRead).where(StatisticRead.firm_client_id == client_id))
        }


def _insert(session: Session):  # type: ignore[no-untyped-def]
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def store_client(
    db: Database,
    run_id: int,
    client_id: int,
    holder: str,
    values: Mapping[str, Mapping[str, Decimal]],
    cache: ReadCache,
    api_calls: int,
    *,
    company_id: int | None = None,
) -> None:
    """The client's values (overwriting), its read digests, and "done", in one transaction that
    gives the lock back; :class:`LockLostError` (nothing written) if the lock is no longer ours.
    With ``company_id`` (the company the values were read from) the client's link is checked under
    its row lock: if it changed meanwhile (a relink), nothing is stored, the lock is given back and
    the client stays pending, so it is read again from the company it is linked to now."""
    now = utcnow()
    with db.transaction() as session:
        linked = None if company_id is None else _lock_client_row(session, client_id)
        moved = company_id is not None and (linked is None or linked.tripletex_company_id != company_id)
        released = session.execute(
            delete(StatisticClientLock).where(
                StatisticClientLock.firm_client_id == client_id, StatisticClientLock.holder == holder
            )
        )
        if not released.rowcount:  # type: ignore[attr-defined]
            raise LockLostError(client_id)
        if not moved:
            _write_client(session, run_id, client_id, values, cache, api_calls, now)
    if moved:
        raise LinkChangedError(client_id)


def _write_client(
    session: Session,
    run_id: int,
    client_id: int,
    values: Mapping[str, Mapping[str, Decimal]],
    cache: ReadCache,
    api_calls: int,
    now: datetime,
) -> None:
    insert = _insert(session)
    rows = [
        {
            "firm_client_id": client_id,
            "month": month,
            "field_key": key,
            "value": value,
            "imported_at": now,
            "run_id": run_id,
        }
        for month, fields in values.items()
        for key, value in fields.items()
    ]
    if rows:
        statement = insert(MonthlyStatistic)
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["firm_client_id", "month", "field_key"],
                set_={k: statement.excluded[k] for k in ("value", "imported_at", "run_id")},
            ),
            rows,
        )
    reads = [
        {
            "firm_client_id": client_id,
            "read_key": key[:300],
            "version_digest": digest,
            "tally": tally,
            "read_at": now,
        }
        for key, (digest, tally) in cache.fresh.items()
    ]
    if reads:
        statement = insert(StatisticRead)
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["firm_client_id", "read_key"],
                set_={k: statement.excluded[k] for k in ("version_digest", "tally", "read_at")},
            ),
            reads,
        )
    _close_client(session, run_id, client_id, StatisticClientState.DONE, None, api_calls, now)


def _log(session: Session, run: StatisticRun, message: Message, level: LogLevel, what: str, key: int) -> None:
    q.add_log(
        session,
        run.firm_connection_id,
        message.nb,
        level=level,
        message_id=message.id,
        object_type=what,
        object_key=str(key),
        detail=message.en,
    )


def fail_client(
    db: Database, run_id: int, client_id: int, holder: str, message: Message, api_calls: int = 0
) -> None:
    """The client could not be read: failed with the message (logged), its lock given back."""
    now = utcnow()
    with db.transaction() as session:
        session.execute(
            delete(StatisticClientLock).where(
                StatisticClientLock.firm_client_id == client_id, StatisticClientLock.holder == holder
            )
        )
        if _close_client(session, run_id, client_id, StatisticClientState.FAILED, message.id, api_calls, now):
            run = session.get(StatisticRun, run_id)
            assert run is not None
            _log(session, run, message, LogLevel.WARNING, "firm_client", client_id)


def _close_client(
    session: Session,
    run_id: int,
    client_id: int,
    state: StatisticClientState,
    message_id: str | None,
    api_calls: int,
    now: datetime,
) -> bool:
    closed = session.execute(
        update(StatisticRunClient)
        .where(
            StatisticRunClient.run_id == run_id,
            StatisticRunClient.firm_client_id == client_id,
            StatisticRunClient.state == StatisticClientState.PENDING,
        )
        .values(state=state, message_id=message_id, api_calls=api_calls, finished_at=now)
    )
    if not closed.rowcount:  # type: ignore[attr-defined]
        return False
    counter = StatisticRun.clients_done if state is StatisticClientState.DONE else StatisticRun.clients_failed
    session.execute(
        update(StatisticRun)
        .where(StatisticRun.id == run_id)
        .values({counter: counter + 1, StatisticRun.api_calls: StatisticRun.api_calls + api_calls})
    )
    return True


def finish_if_complete(db: Database, run_id: int) -> bool:
    """Close the run once no client is pending: its state, the log entry and the notice, once."""
    with db.transaction() as session:
        pending = session.scalar(
            select(func.count())
            .select_from(StatisticRunClient)
            .where(
                StatisticRunClient.run_id == run_id, StatisticRunClient.state == StatisticClientState.PENDING
            )
        )
        run = session.get(StatisticRun, run_id)
        if run is None or pending or run.finished_at is not None:
            return False
        state = StatisticRunState.SUCCEEDED if not run.clients_failed else StatisticRunState.PARTLY
        closed = session.execute(
            update(StatisticRun)
            .where(StatisticRun.id == run_id, StatisticRun.finished_at.is_(None))
            .values(state=state, finished_at=utcnow())
        )
        if not closed.rowcount:  # type: ignore[attr-defined]
            return False
        months = run.months
        if run.kind is StatisticRunKind.IMPORT:
            message = render(
                "stats_import_finished", month=months[0], done=run.clients_done, total=run.clients_total
            )
        else:
            span = f"{months[0]}–{months[-1]}"
            message = render(
                "stats_reload_finished", months=span, done=run.clients_done, total=run.clients_total
            )
        session.execute(
            update(StatisticRun)
            .where(StatisticRun.id == run_id)
            .values(message_id=message.id, message=message_json(message))
        )
        level = LogLevel.INFO if state is StatisticRunState.SUCCEEDED else LogLevel.WARNING
        _log(session, run, message, level, "statistic_run", run_id)
        return True


def stop_run(db: Database, run_id: int, message: Message) -> None:
    """The run cannot go on (the firm's token refused): failed with the message, logged once."""
    with db.transaction() as session:
        run = session.get(StatisticRun, run_id)
        if run is None or run.finished_at is not None:
            return
        run.state = StatisticRunState.FAILED
        run.finished_at = utcnow()
        run.message_id = message.id
        run.message = message_json(message)
        _log(session, run, message, LogLevel.ERROR, "statistic_run", run_id)


def mark_notice_seen(db: Database, run_id: int, *, firm_connection_id: int | None = None) -> None:
    """The user has seen the run's closing notice (the web stops showing it). With
    ``firm_connection_id``, a run of another firm (or none) is refused with ``stats_run_not_found``."""
    with db.transaction() as session:
        if firm_connection_id is not None:
            run = session.get(StatisticRun, run_id)
            if run is None or run.firm_connection_id != firm_connection_id:
                raise StatisticsError(render("stats_run_not_found", run=run_id))
        session.execute(
            update(StatisticRun)
            .where(StatisticRun.id == run_id, StatisticRun.notice_seen_at.is_(None))
            .values(notice_seen_at=utcnow())
        )
