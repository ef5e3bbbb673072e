"""What every step of one export run shares, whatever the kind of document: the batch and the store,
the API client with the export's own rate-limit pause, the integration log, and progress reports."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from txbridge.catalog import Bilingual, Message, render
from txbridge.flows import connections
from txbridge.flows.outbound.lease import BatchLease, ExportAlreadyRunningError, lease_holder
from txbridge.settings import Settings
from txbridge.store import BatchItem, Database, ItemStatus, LogLevel
from txbridge.store import queries as q
from txbridge.store.models import utcnow
from txbridge.tripletex import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    InternalServerError,
    RateLimitError,
    Tripletex,
)

T = TypeVar("T")
R = TypeVar("R")

#: Total seconds one export may pause for the rate limit before it stops (the batch stays pending).
MAX_RATE_LIMIT_PAUSE = 3600.0
FALLBACK_RATE_LIMIT_PAUSE = 10.0
#: Shorter waits (the client spacing its calls) get no notice and do not count as pauses.
MIN_NOTICE_SECONDS = 1.0
#: How long Tripletex may stay out of reach (no answer, or 5xx on a read after the client's own
#: retries) before the export stops with the batch pending; waited out in these growing steps.
OUTAGE_BOUND = 120.0
OUTAGE_WAITS = (5.0, 10.0, 20.0, 40.0, 45.0)


@dataclass(frozen=True, slots=True)
class ExportProgress:
    """Handed to the ``progress`` callback after every step (for the CLI's progress bar)."""

    batch_id: int
    phase: str
    total: int
    exported: int
    skipped: int
    failed: int
    #: Why the export waits right now (a rate-limit pause, a retry, the grace of a write that may still
    #: land, Tripletex out of reach), for the CLI to show; None on ordinary progress steps.
    notice: Message | None = None

    @property
    def done(self) -> int:
        return self.exported + self.skipped + self.failed

    @property
    def percent(self) -> int:
        return 100 if not self.total else (100 * (self.exported + self.skipped)) // self.total


class BatchNotFoundError(LookupError):
    def __init__(self, batch_id: int) -> None:
        self.message = render("batch_not_found", batch=batch_id)
        super().__init__(str(self.message))
        self.batch_id = batch_id


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
        *,
        object_type: str = "invoice",
    ) -> None:
        self.db = db
        self.settings = settings
        self.batch_id = batch_id
        self.connection_id = connection_id
        self.progress = progress
        self.sleep = sleep
        #: When an intent is recorded and when the in-flight grace is measured (injected in tests).
        self.now = now
        #: Rate-limit waits of the run, the client's and its own: seconds, and pauses of a second or
        #: more (the ones a notice told the user about).
        self.paused = 0.0
        self.pauses = 0
        #: The export's own rate-limit pauses (bounded by MAX_RATE_LIMIT_PAUSE).
        self.export_paused = 0.0
        self.outage_waited = 0.0
        self.grace_waited = 0.0
        self.tx: Tripletex | None = None
        #: ``object_type`` of the integration-log entries about one item (the kind's).
        self.object_type = object_type
        #: Uncertain items (item id → when their grace ends): their write may still land, so they are
        #: never sent again before it is over (kept by the reconciler, read by every step).
        self.waiting: dict[int, datetime] = {}
        #: The batch's export lease this run holds (None for a run that never got that far).
        self.lease: BatchLease | None = None
        self._retries_seen = 0
        self._counts: dict[ItemStatus, int] | None = None

    @property
    def client(self) -> Tripletex:
        assert self.tx is not None
        return self.tx

    def api(self, call: Callable[[], R]) -> R:
        """Run one API step. A 429 that outlasted the client's own waits pauses the export and resumes
        it (the batch never fails because of the rate limit). No answer, or a 5xx on a read after the
        client's retries, is waited out up to ``OUTAGE_BOUND`` seconds before the run stops: a step
        that raised one of those was not carried out (a write whose fate is unknown raises
        ``OutcomeUnknownError`` instead), so running it again is safe."""
        outage = 0.0
        while True:
            try:
                return call()
            except RateLimitError as exc:
                wait = exc.retry_after if exc.retry_after is not None else FALLBACK_RATE_LIMIT_PAUSE
                wait = max(wait, 0.5)
                if self.export_paused + wait > MAX_RATE_LIMIT_PAUSE:
                    raise Stop(render("too_many_requests"), exc, counts=False) from None
                self.export_paused += wait
                self._count_rate_limit_wait(wait, told=True)
                message = render("rate_limit_pause", seconds=round(wait))
                self.log(message, LogLevel.WARNING)
                self.wait(wait, message)
            except (APIConnectionError, InternalServerError) as exc:
                if isinstance(exc, APIResponseValidationError) or outage >= OUTAGE_BOUND:
                    raise
                step = min(_next_outage_wait(outage), OUTAGE_BOUND - outage)
                outage += step
                self.outage_waited += step
                message = render(
                    "tripletex_outage_wait",
                    detail=self._outage_detail(exc),
                    seconds=round(step),
                    bound=round(OUTAGE_BOUND),
                    batch=self.batch_id,
                )
                self.log(message, LogLevel.WARNING)
                self.wait(step, message)

    def _outage_detail(self, exc: BaseException) -> Bilingual:
        base_url = self.tx.config.base_url if self.tx is not None else None
        if isinstance(exc, InternalServerError):
            host = connections.host_of(base_url)
            return Bilingual(f"HTTP {exc.status} fra {host}", f"HTTP {exc.status} from {host}")
        return connections.transport_problem(exc, base_url)

    def watch_retries(self) -> None:
        """Start telling retries apart from here (the client may have retried before the run)."""
        self._retries_seen = self.tx.stats.retries if self.tx is not None else 0

    def client_sleep(self, seconds: float) -> None:
        """The sleep the run's client gets: every wait of the client is counted and told. A wait right
        after the client counted a retry is that retry's backoff; any other is a rate-limit wait (after
        a 429, or spacing calls ahead of the limit)."""
        retries = self.tx.stats.retries if self.tx is not None else 0
        retried = retries > self._retries_seen
        self._retries_seen = retries
        if retried:
            self.wait(seconds, render("tripletex_retry", seconds=_seconds(seconds)))
            return
        told = seconds >= MIN_NOTICE_SECONDS
        self._count_rate_limit_wait(seconds, told=told)
        self.wait(seconds, render("rate_limit_pause", seconds=_seconds(seconds)) if told else None)

    def _count_rate_limit_wait(self, seconds: float, *, told: bool) -> None:
        """Seconds all count; a pause is a wait the user is told about."""
        self.paused += seconds
        if told:
            self.pauses += 1

    def wait(self, seconds: float, notice: Message | None) -> None:
        """Tell the progress callback why the run waits (if it is worth telling), then wait."""
        if notice is not None:
            self.report("waiting", self._counts, notice=notice)
        self.sleep(seconds)

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

    def open_ids(self, status: ItemStatus = ItemStatus.PENDING) -> list[int]:
        with self.db.transaction() as session:
            return list(
                session.scalars(
                    select(BatchItem.id)
                    .where(BatchItem.batch_id == self.batch_id, BatchItem.status == status)
                    .order_by(BatchItem.id)
                )
            )

    def has_work(self) -> bool:
        """Items left to send, or uncertain writes to settle."""
        return bool(self.waiting) or bool(self.open_ids())

    def fail(self, session: Session, item: BatchItem, message: Message) -> None:
        if item.status is ItemStatus.PENDING:
            # Failed before it was sent (the check found the problem): still an attempt of this run.
            item.attempts += 1
        q.record_outcome(session, item, ItemStatus.FAILED, error_id=message.id, message=str(message))
        self.log(
            message,
            LogLevel.ERROR,
            object_type=self.object_type,
            object_key=item.subject_key,
            session=session,
        )

    def fail_pending(self, message: Message) -> None:
        """Fail every pending item of the batch with one message (a preflight found the company not
        ready: no bank account number …), logged once."""
        with self.db.transaction() as session:
            for item in session.scalars(
                select(BatchItem).where(
                    BatchItem.batch_id == self.batch_id, BatchItem.status == ItemStatus.PENDING
                )
            ):
                item.attempts += 1
                q.record_outcome(session, item, ItemStatus.FAILED, error_id=message.id, message=str(message))
            self.log(message, LogLevel.ERROR, session=session)

    def counts(self, session: Session) -> dict[ItemStatus, int]:
        counts: dict[ItemStatus, int] = defaultdict(int)
        for status, n in session.execute(
            select(BatchItem.status, func.count())
            .where(BatchItem.batch_id == self.batch_id, BatchItem.status != ItemStatus.REMOVED)
            .group_by(BatchItem.status)
        ):
            counts[status] = int(n)
        return counts

    def report(
        self, phase: str, counts: dict[ItemStatus, int] | None = None, *, notice: Message | None = None
    ) -> None:
        if self.progress is None:
            return
        if counts is None:
            with self.db.transaction() as session:
                counts = self.counts(session)
        self._counts = counts
        self.progress(
            ExportProgress(
                self.batch_id,
                phase,
                sum(counts.values()),
                counts[ItemStatus.EXPORTED],
                counts[ItemStatus.SKIPPED],
                counts[ItemStatus.FAILED],
                notice,
            )
        )

    def numbers(self, item_ids: Sequence[int], *, limit: int = 5) -> str:
        """The subject keys of some items (invoice numbers …), for a message: the first ``limit`` and
        how many more."""
        with self.db.transaction() as session:
            numbers = sorted(
                session.scalars(select(BatchItem.subject_key).where(BatchItem.id.in_(list(item_ids))))
            )
        shown = ", ".join(numbers[:limit])
        return shown if len(numbers) <= limit else f"{shown} … (+{len(numbers) - limit})"

    def check_lease(self) -> None:
        """Stop before the next chunk if another export has taken this batch's lease over."""
        if self.lease is not None and self.lease.lost:
            holder = lease_holder(self.db, self.batch_id)
            if holder is not None:
                raise Stop(ExportAlreadyRunningError(self.batch_id, holder).message, counts=False)


def _next_outage_wait(waited: float) -> float:
    """The next step of an outage wait: the first of ``OUTAGE_WAITS`` not used yet, then the last."""
    total = 0.0
    for step in OUTAGE_WAITS:
        if total >= waited:
            return step
        total += step
    return OUTAGE_WAITS[-1]


def _seconds(seconds: float) -> Bilingual:
    """``12`` or ``0,5`` / ``0.5``: whole seconds unless the wait is shorter than one."""
    if seconds >= 1:
        return Bilingual(f"{seconds:.0f}", f"{seconds:.0f}")
    return Bilingual(f"{seconds:.1f}".replace(".", ","), f"{seconds:.1f}")
