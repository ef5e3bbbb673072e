"""The items of a batch, chunk by chunk, whatever their kind: check and build each one (the kind),
commit the intent, send the chunk with ONE bulk call (the kind), store reference and status together.
A refused chunk is split (bisected) so every good item still goes; a lost answer is reconciled before
any resend; a write that may still land is waited out before it is looked for again."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Generic

from sqlalchemy import Table, bindparam, select, update

from txbridge.catalog import render
from txbridge.flows.bulk import DATA_ERRORS
from txbridge.flows.outbound.context import RunContext, Stop, chunks, detail
from txbridge.flows.outbound.kind import FoundT, ItemRow, KindPlugin, Outgoing, PreparedT, Refusal
from txbridge.flows.outbound.reconcile import Reconciler
from txbridge.store import Batch, BatchItem, ItemStatus, LogLevel
from txbridge.store import queries as q
from txbridge.store.models import utcnow
from txbridge.tripletex import (
    OutcomeUnknownError,
    TripletexError,
)

#: Re-sends of one chunk after a lost answer in one run (each preceded by a reconciliation).
MAX_RESENDS = 3
#: Rounds of "wait out the grace of uncertain writes, look them up, send the rest again" in one run.
MAX_ROUNDS = 3
#: Statuses a gateway in front of Tripletex answers with while the write may still be under way.
GATEWAY_STATUSES = frozenset({502, 503, 504})

#: Parts of a chunk still to send, each with how many times it has been sent again.
Queue = list[tuple[Sequence[Outgoing], int]]


def server_error_bound(chunk_size: int) -> int:
    """Answers of 500 in a row after which Tripletex itself is taken to be failing (the run stops):
    more than isolating one bad item takes (every level of the bisection sent 1 + MAX_RESENDS
    times), so one item's 500s never stop the run."""
    return (MAX_RESENDS + 1) * (math.ceil(math.log2(max(chunk_size, 1))) + 2)


class Sender(Generic[PreparedT, FoundT]):
    def __init__(
        self,
        run: RunContext,
        kind: KindPlugin[PreparedT, FoundT],
        reconciler: Reconciler[PreparedT, FoundT],
        prepared: PreparedT,
        *,
        chunk_size: int,
    ) -> None:
        self.run = run
        self.kind = kind
        self.reconciler = reconciler
        self.prepared = prepared
        self.chunk_size = chunk_size
        #: Writes that went through in this run, and answers of 500 in a row (any other answer resets).
        self._written = 0
        self._server_errors = 0
        #: Single items that got 500 on every send, with ``_written`` when their chunk first got one:
        #: failed for their own data once another write went through since then, else (nothing goes
        #: through at all) Tripletex is failing and the run stops with them pending.
        self._suspects: list[tuple[Outgoing, int, OutcomeUnknownError]] = []

    def send_all(self) -> None:
        """Send every pending item; then settle the ones whose write may still land (wait out their
        grace, look them up, send again only what is surely not there), in this same run."""
        rounds = 0
        while True:
            self._send_pending()
            if self._suspects:
                raise self.run.stop_for(self._suspects[-1][2])
            if not self.run.waiting:
                return
            rounds += 1
            if rounds > MAX_ROUNDS:
                waiting = list(self.run.waiting)
                raise Stop(self.kind.outcome_unknown(self.run.numbers(waiting)), counts=False)
            self._settle_waiting()

    def _send_pending(self) -> None:
        """Chunk by chunk, streamed from the store: check, record the intent (committed), send.

        The next chunk is read and checked while the previous one is on its way, so the store's work
        hides behind Tripletex's. Its intent is committed just before it is sent (by the sender), so a
        crash leaves in flight only what may really have been sent."""
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="txbridge-export") as sender:
            on_the_way: Future[None] | None = None
            for chunk_ids in chunks(self.run.open_ids(), self.chunk_size):
                self.run.check_lease()
                prepared = self._prepare(chunk_ids)
                if on_the_way is not None:
                    on_the_way.result()
                    self._progress_step()
                    on_the_way = None
                if prepared:
                    on_the_way = sender.submit(self._commit_and_send, prepared)
                else:
                    self._progress_step()
            if on_the_way is not None:
                on_the_way.result()
                self._progress_step()

    def _settle_waiting(self) -> None:
        """Wait until the grace of every uncertain write is over (with a notice), then look them up
        once: found ones are exported, the rest go back to pending for the next round."""
        waiting = dict(self.run.waiting)
        remaining = (max(waiting.values()) - self.run.now()).total_seconds()
        if remaining > 0:
            self.run.grace_waited += remaining
            message = render("export_waiting_for_grace", seconds=math.ceil(remaining), count=len(waiting))
            self.run.log(message, LogLevel.INFO)
            self.run.wait(remaining, message)
        self.reconciler.reconcile(list(waiting), answered=True)
        for item_id in waiting:
            self.run.waiting.pop(item_id, None)

    def _progress_step(self) -> None:
        """Progress % after a chunk from one grouped count (the full status refresh is at the end)."""
        with self.run.db.transaction() as session:
            counts = self.run.counts(session)
            batch = session.get(Batch, self.run.batch_id)
            assert batch is not None
            total = sum(counts.values())
            done = counts[ItemStatus.EXPORTED] + counts[ItemStatus.SKIPPED]
            batch.progress_percent = 100 if not total else (100 * done) // total
            batch.updated_at = utcnow()
        self.run.report(self.kind.phase, counts)

    def _prepare(self, chunk_ids: Sequence[int]) -> list[Outgoing]:
        """Check a chunk's items and build their bodies and markers (the kind); refusals recorded."""
        subject = self.kind.subject_column()
        with self.run.db.transaction() as session:
            rows = [
                ItemRow(item_id, subject_id, key, marker, attempts)
                for item_id, subject_id, key, marker, attempts in session.execute(
                    select(
                        BatchItem.id,
                        subject,
                        BatchItem.subject_key,
                        BatchItem.intent_marker,
                        BatchItem.attempts,
                    )
                    .where(BatchItem.id.in_(list(chunk_ids)), BatchItem.status == ItemStatus.PENDING)
                    .order_by(BatchItem.id)
                )
            ]
        built = self.kind.check_and_build(self.run, self.prepared, rows)
        refused = [b for b in built if isinstance(b, Refusal)]
        if refused:
            with self.run.db.transaction() as session:
                for refusal in refused:
                    item = session.get(BatchItem, refusal.item_id)
                    assert item is not None
                    self.run.fail(session, item, refusal.message)
        return [b for b in built if isinstance(b, Outgoing)]

    def _commit_and_send(self, items: list[Outgoing]) -> None:
        """Record the intent of a chunk (committed), then send it.

        Only items still pending are claimed: if another export of the same batch got to one first
        (two processes started by mistake), this one leaves it alone — never twice."""
        moment = self.run.now()
        table = BatchItem.__table__
        assert isinstance(table, Table)  # the Core table: a WHERE on the status as well as the id
        claim = (
            update(table)
            .where(table.c.id == bindparam("claimed_id"), table.c.status == ItemStatus.PENDING)
            .values(
                status=ItemStatus.IN_FLIGHT,
                intent_marker=bindparam("marker"),
                intent_at=moment,
                attempts=bindparam("attempt"),
                updated_at=moment,
            )
        )
        claimed: list[Outgoing] = []
        with self.run.db.transaction() as session:
            for item in items:
                result = session.execute(
                    claim, {"claimed_id": item.item_id, "marker": item.marker, "attempt": item.attempts}
                )
                if getattr(result, "rowcount", 0) == 1:
                    claimed.append(item)
        if claimed:
            self._send(claimed)

    def _mark_intent(self, items: Sequence[Outgoing]) -> None:
        with self.run.db.transaction() as session:
            for item in items:
                row = session.get(BatchItem, item.item_id)
                assert row is not None
                q.record_intent(session, row, item.marker, now=self.run.now())

    def _back_to_pending(self, items: Sequence[Outgoing]) -> None:
        """The write was refused before anything was done (401, 403, 429): nothing to reconcile."""
        with self.run.db.transaction() as session:
            for item in items:
                row = session.get(BatchItem, item.item_id)
                if row is not None and row.status is ItemStatus.IN_FLIGHT:
                    q.record_outcome(session, row, ItemStatus.PENDING, error_id=None, message=None)

    def _send(self, items: list[Outgoing]) -> None:
        """One bulk call per part with every item's intent already committed; split refusals;
        reconcile lost answers (and refusals) before sending anything again."""
        stack: Queue = [(items, 0)]
        first_error_at: int | None = None
        while stack:
            part, resends = stack.pop()
            try:
                created = self.kind.send(self.run, self.prepared, part)
            except DATA_ERRORS as exc:
                self._server_errors = 0
                if len(part) == 1:
                    with self.run.db.transaction() as session:
                        row = session.get(BatchItem, part[0].item_id)
                        assert row is not None
                        message = render(
                            "tripletex_validation_error",
                            object=self.kind.label(row.subject_key),
                            detail=detail(exc),
                        )
                        self.run.fail(session, row, message)
                else:
                    self._split(part, stack)
                continue
            except OutcomeUnknownError as exc:
                # An answer from Tripletex itself (a 500, an unreadable body) ends the write: what is
                # not found now never will be. No answer, or a gateway's, may leave it still under way.
                answered = exc.status is not None and exc.status not in GATEWAY_STATUSES
                if answered:
                    self._server_errors += 1
                    if first_error_at is None:
                        first_error_at = self._written
                    if self._server_errors > server_error_bound(len(items)):
                        # Every send answered 500, whatever it held: Tripletex itself is failing.
                        self._reconcile_lost(part, answered=True)
                        self._unsent_to_pending(stack)
                        raise self.run.stop_for(exc) from None
                reset = self._reconcile_lost(part, answered=answered)
                if reset:
                    again = [item for item in part if item.item_id in set(reset)]
                    if resends < MAX_RESENDS:
                        self._mark_intent(again)
                        stack.append((again, resends + 1))
                    elif not answered:
                        self._unsent_to_pending(stack)
                        raise self.run.stop_for(exc) from None
                    elif len(again) > 1:
                        # Tripletex keeps failing on this part: isolate the item it fails on the way
                        # a refused list is split (its lookup above recorded what landed).
                        self._split(again, stack, looked_up=True)
                    else:
                        assert first_error_at is not None
                        self._suspects.append((again[0], first_error_at, exc))
                continue
            except (TripletexError, Stop):
                # Refused before anything was done (401, 403, a rate limit that outlasted the pause).
                self._back_to_pending(part)
                self._unsent_to_pending(stack)
                raise
            self._server_errors = 0
            self._store_created(part, created)
            self._written += 1
            self._fail_suspects()
        self._fail_suspects()

    def _split(self, part: Sequence[Outgoing], stack: Queue, *, looked_up: bool = False) -> None:
        """Split what is left of a part Tripletex would not take and queue the pieces (the first on
        top). A refused list should have written nothing, but it is looked up first all the same: what
        Tripletex did create is recorded, only the rest is sent again."""
        if looked_up:
            rest = list(part)
        else:
            reset, _ = self.reconciler.reconcile([item.item_id for item in part], answered=True)
            rest = [item for item in part if item.item_id in set(reset)]
        if rest:
            self._mark_intent(rest)
        if len(rest) == 1:
            stack.append((rest, 0))
        elif rest:
            for piece in reversed(self.kind.split(rest)):
                if piece:
                    stack.append((piece, 0))

    def _unsent_to_pending(self, stack: Queue) -> None:
        """The run stops: parts queued with their intent recorded but never sent go back to pending."""
        for part, _ in stack:
            self._back_to_pending(part)

    def _reconcile_lost(self, part: Sequence[Outgoing], *, answered: bool) -> list[int]:
        """Look up a write whose answer was lost or a 500: record what landed, return what is surely
        not there (back to pending); what may still land is told and settled after the grace."""
        reset, uncertain = self.reconciler.reconcile([item.item_id for item in part], answered=answered)
        if uncertain:
            # Looked for again once the grace is over (send_all); the other chunks go on.
            message = self.kind.outcome_unknown(self.run.numbers(uncertain))
            self.run.log(message, LogLevel.WARNING)
            self.run.report(self.kind.phase, notice=message)
        return reset

    def _fail_suspects(self) -> None:
        """Fail the single items Tripletex kept answering 500 for, once another write went through
        since their chunk first got one: the 500 comes from the item's own data."""
        keep: list[tuple[Outgoing, int, OutcomeUnknownError]] = []
        for suspect in self._suspects:
            item, since, _ = suspect
            if self._written <= since:
                keep.append(suspect)
                continue
            with self.run.db.transaction() as session:
                row = session.get(BatchItem, item.item_id)
                assert row is not None
                if row.status is not ItemStatus.PENDING:
                    continue
                # Not run.fail: the sends already counted their attempts.
                message = self.kind.server_error(row.subject_key)
                q.record_outcome(session, row, ItemStatus.FAILED, error_id=message.id, message=str(message))
                self.run.log(
                    message,
                    LogLevel.ERROR,
                    object_type=self.run.object_type,
                    object_key=row.subject_key,
                    session=session,
                )
        self._suspects = keep

    def _store_created(self, part: Sequence[Outgoing], created: Mapping[str, FoundT]) -> None:
        # By marker only: pairing by position could tie an item to another document's reference and
        # so call it exported while its own document was never made. Unmatched ones stay in flight for
        # the next run's reconciliation.
        pairs = [(item, created[item.marker]) for item in part if item.marker in created]
        with self.run.db.transaction() as session:
            self.reconciler.record_exported(session, pairs)
