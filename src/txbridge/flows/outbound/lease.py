"""One export of a batch at a time: the batch's export lease in the store.

An export takes the lease before it touches anything and gives it back when it ends, whatever
started it (CLI, job, web). A second export of the same batch finds the lease held and raises
:class:`ExportAlreadyRunningError` naming the holder (who, host, pid, since) without writing a thing.

A holder that dies without giving the lease back (SIGKILL, power cut) must not block the batch for
ever: a background thread refreshes ``heartbeat_at`` every few seconds, and a lease whose heartbeat is
older than ``stale_after`` is taken over. On the holder's own host we can do better than wait: a
holder process that no longer exists has certainly stopped, so its lease is taken over at once."""

from __future__ import annotations

import getpass
import logging
import os
import socket
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import TracebackType

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from txbridge.catalog import Message, render
from txbridge.store import Database, ExportLease
from txbridge.store.models import utcnow

logger = logging.getLogger(__name__)

#: A lease whose heartbeat is older than this is taken over (its holder stopped without a word).
STALE_AFTER = 90.0
#: How often the holder refreshes its heartbeat (well inside ``STALE_AFTER``).
HEARTBEAT_EVERY = 10.0


@dataclass(frozen=True, slots=True)
class LeaseHolder:
    """Who holds (or asks for) a batch's export lease."""

    holder: str
    host: str
    pid: int
    since: datetime
    heartbeat_at: datetime


class ExportAlreadyRunningError(RuntimeError):
    """Another export of this batch is running; nothing was touched. ``message`` is the catalog's
    ``export_already_running``; ``holder`` says who runs it."""

    def __init__(self, batch_id: int, holder: LeaseHolder, stale_after: float = STALE_AFTER) -> None:
        self.batch_id = batch_id
        self.holder = holder
        self.message: Message = render(
            "export_already_running",
            batch=batch_id,
            holder=holder.holder,
            host=holder.host,
            pid=holder.pid,
            since=holder.since.strftime("%Y-%m-%d %H:%M:%S UTC"),
            stale_after=round(stale_after),
        )
        super().__init__(str(self.message))


def login_name() -> str:
    """Who runs this process, for a lease asked for without a name."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid {os.getuid()}"


def _process_gone(pid: int) -> bool:
    """Whether no process with ``pid`` exists on this host (a pid we may not signal still exists)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def is_stale(lease: ExportLease, now: datetime, stale_after: float, host: str) -> bool:
    if now - lease.heartbeat_at > timedelta(seconds=stale_after):
        return True
    return lease.host == host and lease.pid != os.getpid() and _process_gone(lease.pid)


class BatchLease:
    """The held lease of one batch: refreshed in the background, released on exit.

    ``lost`` turns true if the heartbeat finds the lease taken over (this process was frozen longer
    than ``stale_after``); the export then stops before its next chunk. Even without that check no
    posting goes twice: claiming a posting only succeeds while it is still pending."""

    def __init__(
        self,
        db: Database,
        batch_id: int,
        *,
        holder: str | None = None,
        stale_after: float = STALE_AFTER,
        heartbeat_every: float = HEARTBEAT_EVERY,
    ) -> None:
        self.db = db
        self.batch_id = batch_id
        self.holder = holder or login_name()
        self.host = socket.gethostname()
        self.pid = os.getpid()
        self.token = uuid.uuid4().hex
        self.stale_after = stale_after
        self.heartbeat_every = heartbeat_every
        self.lost = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def acquire(self) -> BatchLease:
        """Take the lease or raise :class:`ExportAlreadyRunningError` (touching nothing)."""
        # Two tries: on PostgreSQL two exports may both find no row and both insert; the loser's
        # primary-key violation sends it round once more, where it finds the winner's row.
        for attempt in range(2):
            try:
                self._take()
                break
            except IntegrityError:
                if attempt:
                    raise
        self._thread = threading.Thread(
            target=self._beat, name=f"txbridge-lease-{self.batch_id}", daemon=True
        )
        self._thread.start()
        return self

    def _take(self) -> None:
        with self.db.transaction() as session:
            now = utcnow()
            # FOR UPDATE: two exports taking over the same stale lease on PostgreSQL go one at a time,
            # and the second sees the first one's fresh heartbeat (SQLite's IMMEDIATE begin does this).
            current = session.get(ExportLease, self.batch_id, with_for_update=True)
            if current is not None and not is_stale(current, now, self.stale_after, self.host):
                raise ExportAlreadyRunningError(
                    self.batch_id,
                    LeaseHolder(
                        current.holder, current.host, current.pid, current.since, current.heartbeat_at
                    ),
                    self.stale_after,
                )
            if current is None:
                current = ExportLease(batch_id=self.batch_id)
                session.add(current)
            elif current.token != self.token:
                logger.warning(
                    "export lease of batch %s taken over from %s (pid %s on %s, last heartbeat %s)",
                    self.batch_id,
                    current.holder,
                    current.pid,
                    current.host,
                    current.heartbeat_at.isoformat(),
                )
            current.token = self.token
            current.holder = self.holder[:200]
            current.host = self.host[:255]
            current.pid = self.pid
            current.since = now
            current.heartbeat_at = now

    def _beat(self) -> None:
        while not self._stop.wait(self.heartbeat_every):
            try:
                self.refresh()
            except Exception:  # the store may be busy for a moment; the next beat tries again
                logger.warning("export lease heartbeat of batch %s failed", self.batch_id, exc_info=True)

    def refresh(self) -> None:
        """Move the heartbeat on; notices when the lease is no longer ours."""
        with self.db.transaction() as session:
            result = session.execute(
                update(ExportLease)
                .where(ExportLease.batch_id == self.batch_id, ExportLease.token == self.token)
                .values(heartbeat_at=utcnow())
            )
            if getattr(result, "rowcount", 1) == 0:
                self.lost = True

    def release(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        try:
            with self.db.transaction() as session:
                session.execute(
                    delete(ExportLease).where(
                        ExportLease.batch_id == self.batch_id, ExportLease.token == self.token
                    )
                )
        except SQLAlchemyError:
            # The store is gone for now: the lease goes stale by itself (no heartbeat, no process).
            logger.warning("export lease of batch %s not released", self.batch_id, exc_info=True)

    def __enter__(self) -> BatchLease:
        return self.acquire()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()


def lease_holder(db: Database, batch_id: int) -> LeaseHolder | None:
    """Who holds the batch's export lease now, if anyone (stale leases included: read models show
    them with their heartbeat)."""
    with db.reading() as session:
        lease = session.get(ExportLease, batch_id)
        if lease is None:
            return None
        return LeaseHolder(lease.holder, lease.host, lease.pid, lease.since, lease.heartbeat_at)
