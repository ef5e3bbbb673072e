"""What every step of one export run shares: the batch and the store, the API client with the
export's own rate-limit pause, the integration log, and progress reports."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from txbridge.catalog import Message, render
from txbridge.flows import connections
from txbridge.settings import Settings
from txbridge.store import Database, LogLevel, Posting, PostingStatus
from txbridge.store import queries as q
from txbridge.store.models import utcnow
from txbridge.tripletex import APIStatusError, RateLimitError, Tripletex

T = TypeVar("T")
R = TypeVar("R")

#: Total seconds one export may pause for the rate limit before it stops (the batch stays pending).
MAX_RATE_LIMIT_PAUSE = 3600.0
FALLBACK_RATE_LIMIT_PAUSE = 10.0


@dataclass(frozen=True, slots=True)
class ExportProgress:
    """Handed to the ``progress`` callback after every step (for the CLI's progress bar)."""

    batch_id: int
    phase: str
    total: int
    exported: int
    skipped: int
    failed: int

    @property
    def done(self) -> int:
        return self.exported + self.skipped + self.failed

    @property
    def percent(self) -> int:
        return 100 if not self.total else (100 * (self.exported + self.skipped)) // self.total


class Stop(Exception):
    """Stop this export now; the batch stays pending and the next run continues."""

    def __init__(self, message: Message, error: BaseException | None = None, *, counts: bool = True) -> None:
        super().__init__(str(message))
        self.message = message
        self.error = error
        self.counts = counts


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def detail(exc: APIStatusError) -> str:
    parts = [exc.message] + [str(v) for v in exc.validation_messages]
    return "; ".join(p for p in parts if p)


class RunContext:
    """One run of one batch's export. ``tx`` is None until the run has a client (a run stopped before
    any API call, e.g. in error state, still reports and logs)."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        batch_id: int,
        connection_id: int,
        progress: Callable[[ExportProgress], None] | None,
        sleep: Callable[[float], None],
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.settings = settings
        self.batch_id = batch_id
        self.connection_id = connection_id
        self.progress = progress
        self.sleep = sleep
        #: When an intent is recorded and when the in-flight grace is measured (injected in tests).
        self.now = now
        self.paused = 0.0
        self.pauses = 0
        self.tx: Tripletex | None = None

    @property
    def client(self) -> Tripletex:
        assert self.tx is not None
        return self.tx

    def api(self, call: Callable[[], R]) -> R:
        """Run one API step; a 429 that outlasted the client's own waits pauses the export and
        resumes it (the batch never fails because of the rate limit)."""
        while True:
            try:
                return call()
            except RateLimitError as exc:
                wait = exc.retry_after if exc.retry_after is not None else FALLBACK_RATE_LIMIT_PAUSE
                wait = max(wait, 0.5)
                if self.paused + wait > MAX_RATE_LIMIT_PAUSE:
                    raise Stop(render("too_many_requests"), exc, counts=False) from None
                self.pauses += 1
                self.paused += wait
                self.log(render("rate_limit_pause", seconds=round(wait)), LogLevel.WARNING)
                self.sleep(wait)

    def stop_for(self, exc: BaseException) -> Stop:
        base_url = self.tx.config.base_url if self.tx is not None else None
        return Stop(connections.message_for_error(exc, base_url), exc)

    def log(
        self,
        message: Message,
        level: LogLevel,
        *,
        object_type: str = "batch",
        object_key: str | None = None,
        session: Session | None = None,
    ) -> None:
        def write(s: Session) -> None:
            q.add_log(
                s,
                self.connection_id,
                message.nb,
                level=level,
                message_id=message.id,
                object_type=object_type,
                object_key=object_key or str(self.batch_id),
                detail=f"{message.en} — {message.cause_en} / {message.cause_nb}",
            )

        if session is not None:
            write(session)
        else:
            with self.db.transaction() as s:
                write(s)

    def open_ids(self, status: PostingStatus = PostingStatus.PENDING) -> list[int]:
        with self.db.transaction() as session:
            return list(
                session.scalars(
                    select(Posting.id)
                    .where(Posting.batch_id == self.batch_id, Posting.status == status)
                    .order_by(Posting.id)
                )
            )

    def fail(self, session: Session, posting: Posting, message: Message) -> None:
        q.record_outcome(session, posting, PostingStatus.FAILED, error_id=message.id, message=str(message))
        self.log(
            message, LogLevel.ERROR, object_type="invoice", object_key=posting.invoice_number, session=session
        )

    def counts(self, session: Session) -> dict[PostingStatus, int]:
        counts: dict[PostingStatus, int] = defaultdict(int)
        for status, n in session.execute(
            select(Posting.status, func.count())
            .where(Posting.batch_id == self.batch_id, Posting.status != PostingStatus.REMOVED)
            .group_by(Posting.status)
        ):
            counts[status] = int(n)
        return counts

    def report(self, phase: str, counts: dict[PostingStatus, int] | None = None) -> None:
        if self.progress is None:
            return
        if counts is None:
            with self.db.transaction() as session:
                counts = self.counts(session)
        self.progress(
            ExportProgress(
                self.batch_id,
                phase,
                sum(counts.values()),
                counts[PostingStatus.EXPORTED],
                counts[PostingStatus.SKIPPED],
                counts[PostingStatus.FAILED],
            )
        )

    def numbers(self, posting_ids: Sequence[int]) -> str:
        with self.db.transaction() as session:
            numbers = session.scalars(select(Posting.invoice_number).where(Posting.id.in_(list(posting_ids))))
            return ", ".join(sorted(numbers))
