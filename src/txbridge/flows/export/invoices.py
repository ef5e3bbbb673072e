"""The invoices of a batch, chunk by chunk: check each one, commit the intent, send with
``POST /invoice/list`` (order embedded, marked), store reference and status together. A refused
chunk is bisected so every good invoice still goes; a lost answer is reconciled before any resend."""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import selectinload

from txbridge.catalog import Message, render
from txbridge.flows.export.currencies import company_currencies
from txbridge.flows.export.mapping import Chart, invoice_body, line_problem, make_marker
from txbridge.flows.export.masterdata import DATA_ERRORS, TO_SEND, MasterData
from txbridge.flows.export.reconcile import INVOICE_FIELDS, Outgoing, Reconciler
from txbridge.flows.outbound.context import RunContext, Stop, chunks, detail
from txbridge.store import Batch, BatchItem, Invoice, ItemStatus, LogLevel
from txbridge.store import queries as q
from txbridge.store.models import utcnow
from txbridge.tripletex import OutcomeUnknownError, TripletexError
from txbridge.tripletex import models as m

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
    more than isolating one bad invoice takes (every level of the bisection sent 1 + MAX_RESENDS
    times), so one invoice's 500s never stop the run."""
    return (MAX_RESENDS + 1) * (math.ceil(math.log2(max(chunk_size, 1))) + 2)


class InvoiceSender:
    def __init__(
        self,
        run: RunContext,
        reconciler: Reconciler,
        chart: Chart,
        master: MasterData,
        *,
        send_to_customer: bool,
        chunk_size: int,
    ) -> None:
        self.run = run
        self.reconciler = reconciler
        self.chart = chart
        self.master = master
        self.send_to_customer = send_to_customer
        self.chunk_size = chunk_size
        self.currency_ids: dict[str, int | None] = {}
        #: Writes that went through in this run, and answers of 500 in a row (any other answer resets).
        self._written = 0
        self._server_errors = 0
        #: Single invoices that got 500 on every send, with ``_written`` when their chunk first got
        #: one: failed for their own data once another write went through since then, else (nothing
        #: goes through at all) Tripletex is failing and the run stops with them pending.
        self._suspects: list[tuple[Outgoing, int, OutcomeUnknownError]] = []

    def send_all(self) -> None:
        """Send every pending invoice; then settle the ones whose write may still land (wait out
        their grace, look them up, send again only what is surely not there), in this same run."""
        self._look_up_currencies()
        rounds = 0
        while True:
            self._send_pending()
            if self._suspects:
                raise self.run.stop_for(self._suspects[-1][2])
            if not self.reconciler.waiting:
                return
            rounds += 1
            if rounds > MAX_ROUNDS:
                waiting = list(self.reconciler.waiting)
                raise Stop(render("outcome_unknown", invoice=self.run.numbers(waiting)), counts=False)
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
        waiting = dict(self.reconciler.waiting)
        remaining = (max(waiting.values()) - self.run.now()).total_seconds()
        if remaining > 0:
            self.run.grace_waited += remaining
            message = render("export_waiting_for_grace", seconds=math.ceil(remaining), count=len(waiting))
            self.run.log(message, LogLevel.INFO)
            self.run.wait(remaining, message)
        self.reconciler.reconcile(list(waiting), answered=True)
        for posting_id in waiting:
            self.reconciler.waiting.pop(posting_id, None)

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
        self.run.report("invoices", counts)

    def _look_up_currencies(self) -> None:
        """Ids of the batch's foreign currencies, read before the chunks: an API call (and a rate-limit
        pause) must never run inside a store transaction, which on SQLite holds the write lock the
        sender needs to commit."""
        with self.run.db.transaction() as session:
            codes = list(
                session.scalars(
                    select(Invoice.currency)
                    .distinct()
                    .join(BatchItem, BatchItem.invoice_id == Invoice.id)
                    .where(
                        BatchItem.batch_id == self.run.batch_id,
                        BatchItem.status.in_(TO_SEND),
                        Invoice.currency != "NOK",
                    )
                )
            )
        self.currency_ids.update(company_currencies(self.run, codes))

    def _problem(self, invoice: Invoice) -> Message | None:
        failure = self.master.customer_failures.get(invoice.customer_id)
        if failure is not None:
            return failure
        if invoice.customer_id not in self.master.customer_ids:
            number = self.master.customer_numbers.get(invoice.customer_id, "-")
            return render("customer_not_created", customer=number, detail="-")
        if invoice.currency != "NOK" and self.currency_ids.get(invoice.currency) is None:
            return render("currency_not_supported", currency=invoice.currency, invoice=invoice.number)
        for line in invoice.lines:
            product = None
            if line.product_id is not None:
                failure = self.master.product_failures.get(line.product_id)
                if failure is not None:
                    return failure
                product = self.master.products.get(line.product_id)
                if product is None or line.product_id not in self.master.product_ids:
                    return render(
                        "product_not_found",
                        product=product.number if product else "-",
                        invoice=invoice.number,
                    )
            problem = line_problem(line, product, self.chart, invoice.number)
            if problem is not None:
                return problem
        return None

    def _prepare(self, chunk_ids: Sequence[int]) -> list[Outgoing]:
        """Check a chunk's invoices (failures recorded) and build their bodies and markers."""
        outgoing: list[Outgoing] = []
        with self.run.db.transaction() as session:
            rows = session.execute(
                select(
                    BatchItem.id,
                    BatchItem.invoice_id,
                    BatchItem.subject_key,
                    BatchItem.intent_marker,
                    BatchItem.attempts,
                )
                .where(BatchItem.id.in_(list(chunk_ids)), BatchItem.status == ItemStatus.PENDING)
                .order_by(BatchItem.id)
            ).all()
            invoice_ids = [r.invoice_id for r in rows if r.invoice_id is not None]
            invoices = {
                inv.id: inv
                for inv in session.scalars(
                    select(Invoice).where(Invoice.id.in_(invoice_ids)).options(selectinload(Invoice.lines))
                )
            }
            for row in rows:
                invoice = invoices.get(row.invoice_id) if row.invoice_id is not None else None
                problem = (
                    render("invoice_not_found", invoice=row.subject_key)
                    if invoice is None
                    else self._problem(invoice)
                )
                if problem is not None:
                    posting = session.get(BatchItem, row.id)
                    assert posting is not None
                    self.run.fail(session, posting, problem)
                    continue
                assert invoice is not None
                marker = row.intent_marker or make_marker(invoice.number, row.id, row.attempts + 1)
                currency = None if invoice.currency == "NOK" else self.currency_ids[invoice.currency]
                body = invoice_body(
                    invoice,
                    marker=marker,
                    customer_id=self.master.customer_ids[invoice.customer_id],
                    product_ids=self.master.product_ids,
                    chart=self.chart,
                    currency_id=currency,
                )
                outgoing.append(Outgoing(row.id, invoice.id, invoice.number, marker, body, row.attempts + 1))
        return outgoing

    def _commit_and_send(self, items: list[Outgoing]) -> None:
        """Record the intent of a chunk (committed), then send it.

        Only postings still pending are claimed: if another export of the same batch got to one
        first (two processes started by mistake), this one leaves it alone — never twice."""
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
                    claim, {"claimed_id": item.posting_id, "marker": item.marker, "attempt": item.attempts}
                )
                if getattr(result, "rowcount", 0) == 1:
                    claimed.append(item)
        if claimed:
            self._send(claimed)

    def _mark_intent(self, items: Sequence[Outgoing]) -> None:
        with self.run.db.transaction() as session:
            for item in items:
                posting = session.get(BatchItem, item.posting_id)
                assert posting is not None
                q.record_intent(session, posting, item.marker, now=self.run.now())

    def _back_to_pending(self, items: Sequence[Outgoing]) -> None:
        """The write was refused before anything was done (401, 403, 429): nothing to reconcile."""
        with self.run.db.transaction() as session:
            for item in items:
                posting = session.get(BatchItem, item.posting_id)
                if posting is not None and posting.status is ItemStatus.IN_FLIGHT:
                    q.record_outcome(session, posting, ItemStatus.PENDING, error_id=None, message=None)

    def _send(self, items: list[Outgoing]) -> None:
        """POST /invoice/list with every posting's intent already committed; bisect refusals;
        reconcile lost answers (and refusals) before sending anything again."""
        stack: Queue = [(items, 0)]
        first_error_at: int | None = None
        while stack:
            part, resends = stack.pop()
            try:
                created = self.run.api(
                    functools.partial(
                        self.run.client.invoices.create_many,
                        [item.body for item in part],
                        send_to_customer=self.send_to_customer,
                        fields=INVOICE_FIELDS,
                    )
                )
            except DATA_ERRORS as exc:
                self._server_errors = 0
                if len(part) == 1:
                    with self.run.db.transaction() as session:
                        posting = session.get(BatchItem, part[0].posting_id)
                        assert posting is not None
                        label = f"faktura {posting.subject_key} / invoice {posting.subject_key}"
                        self.run.fail(
                            session,
                            posting,
                            render("tripletex_validation_error", object=label, detail=detail(exc)),
                        )
                else:
                    self._bisect(part, stack)
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
                    again = [item for item in part if item.posting_id in set(reset)]
                    if resends < MAX_RESENDS:
                        self._mark_intent(again)
                        stack.append((again, resends + 1))
                    elif not answered:
                        self._unsent_to_pending(stack)
                        raise self.run.stop_for(exc) from None
                    elif len(again) > 1:
                        # Tripletex keeps failing on this part: isolate the invoice it fails on the
                        # way a refused list is bisected (its lookup above recorded what landed).
                        self._bisect(again, stack, looked_up=True)
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

    def _bisect(self, part: Sequence[Outgoing], stack: Queue, *, looked_up: bool = False) -> None:
        """Split what is left of a part Tripletex would not take and queue the halves (first half on
        top). A refused list should have written nothing, but it is looked up first all the same: what
        Tripletex did create is recorded, only the rest is sent again."""
        if looked_up:
            rest = list(part)
        else:
            reset, _ = self.reconciler.reconcile([item.posting_id for item in part], answered=True)
            rest = [item for item in part if item.posting_id in set(reset)]
        if rest:
            self._mark_intent(rest)
        if len(rest) == 1:
            stack.append((rest, 0))
        elif rest:
            mid = len(rest) // 2
            stack.append((rest[mid:], 0))
            stack.append((rest[:mid], 0))

    def _unsent_to_pending(self, stack: Queue) -> None:
        """The run stops: parts queued with their intent recorded but never sent go back to pending."""
        for part, _ in stack:
            self._back_to_pending(part)

    def _reconcile_lost(self, part: Sequence[Outgoing], *, answered: bool) -> list[int]:
        """Look up a write whose answer was lost or a 500: record what landed, return what is surely
        not there (back to pending); what may still land is told and settled after the grace."""
        reset, uncertain = self.reconciler.reconcile([item.posting_id for item in part], answered=answered)
        if uncertain:
            # Looked for again once the grace is over (send_all); the other chunks go on.
            message = render("outcome_unknown", invoice=self.run.numbers(uncertain))
            self.run.log(message, LogLevel.WARNING)
            self.run.report("invoices", notice=message)
        return reset

    def _fail_suspects(self) -> None:
        """Fail the single invoices Tripletex kept answering 500 for, once another write went through
        since their chunk first got one: the 500 comes from the invoice's own data."""
        keep: list[tuple[Outgoing, int, OutcomeUnknownError]] = []
        for suspect in self._suspects:
            item, since, _ = suspect
            if self._written <= since:
                keep.append(suspect)
                continue
            with self.run.db.transaction() as session:
                posting = session.get(BatchItem, item.posting_id)
                assert posting is not None
                if posting.status is not ItemStatus.PENDING:
                    continue
                # Not run.fail: the sends already counted their attempts.
                message = render("invoice_server_error", invoice=posting.subject_key)
                q.record_outcome(
                    session, posting, ItemStatus.FAILED, error_id=message.id, message=str(message)
                )
                self.run.log(
                    message,
                    LogLevel.ERROR,
                    object_type="invoice",
                    object_key=posting.subject_key,
                    session=session,
                )
        self._suspects = keep

    def _store_created(self, part: Sequence[Outgoing], created: list[m.Invoice]) -> None:
        by_marker: dict[str, m.Invoice] = {}
        for invoice in created:
            for order in invoice.orders or []:
                if order.number:
                    by_marker[order.number] = invoice
        # By marker only: pairing by position could tie a posting to another invoice's reference and
        # so call it exported while its own invoice was never made. Unmatched ones stay in flight for
        # the next run's reconciliation.
        pairs = [(item, by_marker[item.marker]) for item in part if item.marker in by_marker]
        with self.run.db.transaction() as session:
            self.reconciler.record_exported(session, pairs)
