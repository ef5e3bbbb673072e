"""``diagnose_invoice``: "why was invoice X not exported?", answered like the Telaris guide.

The seven checks run in the guide's order against the store and, from check 4 on, against Tripletex
(read-only calls). The first failure stops the run; later checks are ``not_run``.

Two decisions that make the order useful:

* Check 2 fails only when the invoice's posting has not been tried yet (batch pending). When the export
  ran and this posting failed, check 2 passes with the posting's message as its note, and checks 4–6
  look for the cause in Tripletex *now* — otherwise they could never be reached.
* When Tripletex does not answer during checks 4–6 (token refused, no network, rate limit), that check
  is ``not_run`` and the run jumps to check 7, which names the reason.
* Checks 4 and 6 judge with the export's own rules (``plan_customers``, ``line_problem``), so the
  troubleshooter never passes what the export refuses.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypeVar

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from txbridge.catalog import Bilingual, Message, render
from txbridge.flows.connections import blocking_message, client_for, message_for_error
from txbridge.flows.diagnose.model import (
    Check,
    CheckResult,
    CheckStatus,
    Diagnosis,
    Note,
    Outcome,
    all_checks,
)
from txbridge.flows.export.mapping import Chart, line_problem, plan_customers
from txbridge.settings import Settings
from txbridge.store import (
    Batch,
    BatchItem,
    Connection,
    Customer,
    Database,
    Invoice,
    InvoiceStatus,
    ItemStatus,
    ReferenceKind,
    TokenKeyError,
    period_of,
    queries,
)
from txbridge.tripletex import (
    APIConnectionError,
    APIStatusError,
    AuthenticationError,
    ConfigurationError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    Tripletex,
    TripletexError,
)
from txbridge.tripletex import models as m

T = TypeVar("T")

#: VAT number Tripletex puts on an account that has no VAT handling.
NO_VAT = "0"


class DiagnoseError(LookupError):
    """The diagnosis cannot start (no such connection). ``message`` is the catalog entry."""

    def __init__(self, message: Message) -> None:
        super().__init__(str(message))
        self.message = message


class _TripletexUnavailable(Exception):
    """Tripletex did not answer a read; check 7 explains why."""

    def __init__(self, error: Exception) -> None:
        super().__init__(type(error).__name__)
        self.error = error


def message_for_api_error(error: Exception, base_url: str | None = None) -> Message:
    """The catalog message for a failure to talk to Tripletex (authentication, network, limits);
    ``base_url`` names the host a network failure was about."""
    if isinstance(error, TokenKeyError):
        # The stored tokens cannot be decrypted with this key: to the user, the tokens do not work.
        return render("authentication_unsuccessful")
    return message_for_error(error, base_url)


class _Run:
    """One diagnosis: the store data it read, a lazily made client, and the results so far."""

    def __init__(
        self,
        session: Session,
        settings: Settings,
        connection: Connection,
        invoice_number: str,
        *,
        transport: httpx.BaseTransport | None,
        client: Tripletex | None,
        today: date,
    ) -> None:
        self.session = session
        self.settings = settings
        self.connection = connection
        self.invoice_number = invoice_number
        self.transport = transport
        self._client = client
        self._own_client = client is None
        self._calls_before = 0 if client is None else client.stats.calls
        self.today = today
        self.invoice: Invoice | None = None
        self.posting: BatchItem | None = None
        self.accounts: dict[int, m.Account] = {}

    # ---- Tripletex ---------------------------------------------------------------------------------

    @property
    def client(self) -> Tripletex:
        if self._client is None:
            try:
                self._client = client_for(self.connection, self.settings, transport=self.transport)
            except (ConfigurationError, TokenKeyError) as exc:
                raise _TripletexUnavailable(exc) from None
        return self._client

    def read(self, call: Callable[[Tripletex], T]) -> T:
        try:
            return call(self.client)
        except (AuthenticationError, PermissionDeniedError, RateLimitError, APIConnectionError) as exc:
            raise _TripletexUnavailable(exc) from None
        except APIStatusError as exc:
            if exc.status_code >= 500:
                raise _TripletexUnavailable(exc) from None
            raise

    def api_calls(self) -> int:
        return 0 if self._client is None else self._client.stats.calls - self._calls_before

    def close(self) -> None:
        if self._own_client and self._client is not None:
            self._client.close()

    # ---- check 1: in a batch? ------------------------------------------------------------------------

    def in_batch(self) -> CheckResult:
        connection_id = self.connection.id
        self.invoice = queries.invoice_by_number(self.session, connection_id, self.invoice_number)
        if self.invoice is None:
            return _failed(Check.IN_BATCH, render("invoice_not_found", invoice=self.invoice_number))
        invoice = self.invoice
        self.posting = queries.open_item_of_invoice(self.session, invoice.id)
        if self.posting is not None:
            batch = self.posting.batch
            return _passed(
                Check.IN_BATCH,
                f"Fakturaen er i bunt {batch.id} for {batch.period}.",
                f"The invoice is in batch {batch.id} for {batch.period}.",
            )
        if queries.reference_of(self.session, connection_id, ReferenceKind.INVOICE, invoice.id) is not None:
            return _passed(
                Check.IN_BATCH,
                "Fakturaen er ikke i noen bunt, men har allerede en referanse til Tripletex.",
                "The invoice is in no batch, but already has a reference to Tripletex.",
            )
        if invoice.status is not InvoiceStatus.READY:
            return _failed(Check.IN_BATCH, render("invoice_not_ready", invoice=invoice.number))
        own_period = period_of(invoice.invoice_date)
        closed_periods = {
            period
            for period in self.session.scalars(
                select(Batch.period).where(Batch.connection_id == connection_id).order_by(Batch.id)
            )
        }
        if closed_periods and own_period not in closed_periods:
            # A batch close ran, but for another period: say which one it was.
            closest = min(closed_periods, key=lambda period: abs(_months(period) - _months(own_period)))
            return _failed(
                Check.IN_BATCH,
                render(
                    "invoice_outside_period",
                    invoice=invoice.number,
                    invoice_period=own_period,
                    period=closest,
                ),
            )
        return _failed(
            Check.IN_BATCH, render("invoice_not_in_batch", invoice=invoice.number, period=own_period)
        )

    # ---- check 2: batch exported? ----------------------------------------------------------------------

    def batch_exported(self) -> CheckResult:
        posting = self.posting
        if posting is None:
            return _passed(Check.BATCH_EXPORTED, "Ingen bunt å eksportere.", "No batch to export.")
        batch = posting.batch
        if posting.status is ItemStatus.IN_FLIGHT:
            # Sent, answer lost: the next export looks it up in Tripletex before sending again.
            return _failed(Check.BATCH_EXPORTED, render("outcome_unknown", invoice=posting.subject_key))
        if posting.status is ItemStatus.PENDING:
            return _failed(
                Check.BATCH_EXPORTED,
                render("batch_not_exported", batch=batch.id, status=_batch_status(batch)),
            )
        status_nb = f"{batch.status.label_nb}, {batch.progress_percent} %"
        status_en = f"{batch.status.label_en}, {batch.progress_percent} %"
        if posting.status is ItemStatus.FAILED:
            reason_nb, reason_en = _stored_message(posting.message or posting.error_id or "-")
            return _passed(
                Check.BATCH_EXPORTED,
                f"Bunt {batch.id} er eksportert ({status_nb}), men posteringen feilet: {reason_nb}",
                f"Batch {batch.id} was exported ({status_en}), but the posting failed: {reason_en}",
            )
        return _passed(
            Check.BATCH_EXPORTED, f"Bunt {batch.id}: {status_nb}.", f"Batch {batch.id}: {status_en}."
        )

    # ---- check 3: already exported? --------------------------------------------------------------------

    def already_exported(self) -> tuple[CheckResult, bool]:
        invoice = self.invoice
        assert invoice is not None
        reference = queries.reference_of(self.session, self.connection.id, ReferenceKind.INVOICE, invoice.id)
        if reference is not None:
            number = reference.tripletex_number or reference.voucher_number or str(reference.tripletex_id)
            message = render("invoice_already_exported", invoice=invoice.number, tripletex_number=number)
            return CheckResult(Check.ALREADY_EXPORTED, CheckStatus.PASSED, message=message), True
        return (
            _passed(
                Check.ALREADY_EXPORTED,
                "Fakturaen har ingen referanse til Tripletex ennå, så den skal eksporteres.",
                "The invoice has no reference to Tripletex yet, so it is to be exported.",
            ),
            False,
        )

    # ---- check 4: customer -------------------------------------------------------------------------------

    def customer(self) -> CheckResult:
        invoice = self.invoice
        assert invoice is not None
        customer = invoice.customer
        if customer.tripletex_id is not None:
            return self._pos_customer(customer, customer.tripletex_id)
        label = f"{customer.number} {customer.name}".strip()
        if not customer.name.strip():
            return _failed(
                Check.CUSTOMER, render("customer_missing_data", customer=customer.number, field="navn / name")
            )
        org = customer.organization_number
        shared = {org: self._numbers_sharing(org)} if org else {}
        # The export's own matching rules decide, so the troubleshooter never disagrees with the export.
        plan = plan_customers([customer], [], shared)
        if customer.id in plan.failures:  # local duplicates: no need to ask Tripletex
            return _failed(Check.CUSTOMER, plan.failures[customer.id])
        fields = "id,name,customerNumber,organizationNumber"
        remote = self.read(
            lambda tx: (
                tx.customers.list(customerAccountNumber=str(customer.number), fields=fields, count=10).values
            )
        )
        by_number = next((c for c in remote if c.customerNumber == customer.number), None)
        if by_number is None and org:
            remote = self.read(
                lambda tx: tx.customers.list(organizationNumber=org, fields=fields, count=10).values
            )
        plan = plan_customers([customer], remote, shared)
        if customer.id in plan.failures:
            return _failed(Check.CUSTOMER, plan.failures[customer.id])
        linked = plan.tripletex_ids.get(customer.id)
        if linked is None:
            return _passed(
                Check.CUSTOMER,
                f"Kunde {label} finnes ikke i Tripletex ennå; eksporten oppretter den.",
                f"Customer {label} is not in Tripletex yet; the export creates it.",
            )
        if by_number is not None:
            return _passed(
                Check.CUSTOMER,
                f"Kunde {label} finnes i Tripletex (id {linked}).",
                f"Customer {label} exists in Tripletex (id {linked}).",
            )
        other = next(c.customerNumber for c in remote if c.id == linked)
        return _passed(
            Check.CUSTOMER,
            f"Kunde {label} finnes i Tripletex med organisasjonsnummeret (kundenummer {other}); "
            "eksporten kobler dem.",
            f"Customer {label} exists in Tripletex by organisation number (customer number {other}); "
            "the export links them.",
        )

    def _pos_customer(self, customer: Customer, tripletex_id: int) -> CheckResult:
        """POS invoicing's copy of a Tripletex customer: the export uses its id as it is."""
        label = f"{customer.shown_number} {customer.name}".strip()
        try:
            self.read(lambda tx: tx.customers.get(tripletex_id, fields="id"))
        except NotFoundError:
            assert self.invoice is not None
            gone = render("pos_customer_unknown", item=self.invoice.number, customer=tripletex_id)
            return _failed(Check.CUSTOMER, gone)
        return _passed(
            Check.CUSTOMER,
            f"Kunde {label} er valgt i kassen fra Tripletex (id {tripletex_id}).",
            f"Customer {label} was picked in the POS from Tripletex (id {tripletex_id}).",
        )

    def _numbers_sharing(self, organization_number: str) -> list[int]:
        """Local customer numbers with this organisation number (more than one is a conflict)."""
        return list(
            self.session.scalars(
                select(Customer.number)
                .where(
                    Customer.connection_id == self.connection.id,
                    Customer.organization_number == organization_number,
                    Customer.tripletex_id.is_(None),  # POS invoicing's copies are no host customers
                )
                .order_by(Customer.number)
            )
        )

    # ---- check 5: product and account -----------------------------------------------------------------

    def product_account(self) -> CheckResult:
        invoice = self.invoice
        assert invoice is not None
        wanted: list[int] = []
        for line in invoice.lines:
            product = line.product
            if product is None:
                continue
            product_class = product.product_class
            if product_class is None:
                return _failed(Check.PRODUCT_ACCOUNT, render("product_class_missing", product=product.number))
            if product_class.account_number is None:
                return _failed(
                    Check.PRODUCT_ACCOUNT,
                    render("product_class_without_account", product_class=product_class.code),
                )
            if product_class.account_number not in wanted:
                wanted.append(product_class.account_number)
        if not wanted:
            return _passed(
                Check.PRODUCT_ACCOUNT,
                "Ingen linjer med vare; Tripletex bruker standardkontoen for mva-koden.",
                "No lines with a product; Tripletex uses the default account for the VAT code.",
            )
        self.accounts = self.read(
            lambda tx: tx.ledger.accounts.by_numbers(wanted, fields="id,number,name,vatType(id,number)")
        )
        for number in wanted:
            if number not in self.accounts:
                return _failed(Check.PRODUCT_ACCOUNT, render("account_not_found", account=number))
        listed = ", ".join(str(n) for n in wanted)
        return _passed(
            Check.PRODUCT_ACCOUNT,
            f"Kontoene fra varegruppene finnes i Tripletex: {listed}.",
            f"The product classes' accounts exist in Tripletex: {listed}.",
        )

    # ---- check 6: VAT ------------------------------------------------------------------------------------

    def vat_type(self) -> CheckResult:
        invoice = self.invoice
        assert invoice is not None
        codes = sorted({line.vat_code for line in invoice.lines})
        asked = sorted(
            {*codes, *(line.product.vat_code for line in invoice.lines if line.product is not None)}
        )
        vat_types = self.read(
            lambda tx: (
                tx.ledger.vat_types.list(
                    number=",".join(str(c) for c in asked), fields="id,number", count=100
                ).values
            )
        )
        chart = Chart.build(self.accounts.values(), vat_types)
        for code in asked:
            if str(code) not in chart.vat_types_by_number:
                return _failed(Check.VAT_TYPE, render("vat_code_unknown", vat_code=code))
        for line in invoice.lines:
            product = line.product
            # The export's line rule first (a line's VAT code must be its product's), then the account.
            problem = line_problem(line, product, chart, invoice.number)
            if problem is not None:
                return _failed(Check.VAT_TYPE, problem)
            if product is None or product.product_class is None:
                continue
            number = product.product_class.account_number
            account = self.accounts.get(number) if number is not None else None
            if account is None:
                continue
            account_vat = account.vatType.number if account.vatType is not None else None
            if account_vat == str(line.vat_code):
                continue
            if account_vat in (None, NO_VAT):
                return _failed(Check.VAT_TYPE, render("vat_type_missing_on_account", account=number))
            return _failed(
                Check.VAT_TYPE,
                render(
                    "vat_code_mismatch", vat_code=line.vat_code, account_vat_code=account_vat, account=number
                ),
            )
        listed = ", ".join(str(c) for c in codes)
        return _passed(
            Check.VAT_TYPE,
            f"Mva-kodene på linjene ({listed}) stemmer med kontoene i Tripletex.",
            f"The lines' VAT codes ({listed}) match the accounts in Tripletex.",
        )

    # ---- check 7: integration state ------------------------------------------------------------------

    def integration_state(self, interrupted: _TripletexUnavailable | None) -> CheckResult:
        # Error state, expired token, not approved: the same rule the export stops on.
        blocked = blocking_message(self.connection, self.today)
        if blocked is not None:
            return _failed(Check.INTEGRATION_STATE, blocked)
        try:
            info = self.read(lambda tx: tx.test_connection())
        except _TripletexUnavailable as exc:
            return _failed(
                Check.INTEGRATION_STATE, message_for_api_error(exc.error, self.connection.base_url)
            )
        limit = self.client.rate_limit()
        if limit.remaining is not None and limit.remaining <= 0:
            return _failed(Check.INTEGRATION_STATE, render("too_many_requests"))
        if interrupted is not None:
            # It answers now but did not a moment ago: report what stopped the earlier check.
            return _failed(
                Check.INTEGRATION_STATE, message_for_api_error(interrupted.error, self.connection.base_url)
            )
        remaining = "?" if limit.remaining is None else str(limit.remaining)
        company = info.company_name or str(info.company_id)
        return _passed(
            Check.INTEGRATION_STATE,
            f"Tilkoblingen er aktiv, Tripletex svarer ({company}), {remaining} kall igjen i perioden.",
            f"The connection is active, Tripletex answers ({company}), {remaining} calls left in the period.",
        )


def _batch_status(batch: Batch) -> Bilingual:
    """Each language its own label: it goes into one catalog parameter."""
    percent = batch.progress_percent
    return Bilingual(f"{batch.status.label_nb}, {percent} %", f"{batch.status.label_en}, {percent} %")


def _stored_message(stored: str) -> tuple[str, str]:
    """A posting stores its catalog message as ``"bokmål / English"``; each note line wants one half."""
    parts = stored.split(" / ")
    if len(parts) == 2:
        return parts[0], parts[1]
    return stored, stored


def _months(period: str) -> int:
    return int(period[:4]) * 12 + int(period[5:7])


def _passed(check: Check, nb: str, en: str) -> CheckResult:
    return CheckResult(check, CheckStatus.PASSED, note=Note(nb, en))


def _failed(check: Check, message: Message) -> CheckResult:
    return CheckResult(check, CheckStatus.FAILED, message=message)


def _not_run(check: Check, note: Note | None = None) -> CheckResult:
    return CheckResult(check, CheckStatus.NOT_RUN, note=note)


def _finish(
    run: _Run,
    results: list[CheckResult],
    outcome: Outcome,
    answer: Message | None,
    next_step: Note | None = None,
) -> Diagnosis:
    return Diagnosis(
        invoice_number=run.invoice_number,
        connection_id=run.connection.id,
        checks=all_checks(results, Check),
        outcome=outcome,
        answer=answer,
        api_calls=run.api_calls(),
        next_step=next_step,
    )


def _diagnose(run: _Run) -> Diagnosis:
    results: list[CheckResult] = []

    def stop(result: CheckResult) -> Diagnosis:
        results.append(result)
        return _finish(run, results, Outcome.FAILED, result.message)

    for step in (run.in_batch, run.batch_exported):
        result = step()
        if result.status is CheckStatus.FAILED:
            return stop(result)
        results.append(result)

    exported, is_exported = run.already_exported()
    results.append(exported)
    if is_exported:
        return _finish(run, results, Outcome.EXPORTED, exported.message)

    interrupted: _TripletexUnavailable | None = None
    for check, step in (
        (Check.CUSTOMER, run.customer),
        (Check.PRODUCT_ACCOUNT, run.product_account),
        (Check.VAT_TYPE, run.vat_type),
    ):
        try:
            result = step()
        except _TripletexUnavailable as exc:
            interrupted = exc
            results.append(
                _not_run(
                    check,
                    Note(
                        "Tripletex svarte ikke; se kontroll 7.",
                        "Tripletex did not answer; see check 7.",
                    ),
                )
            )
            break
        if result.status is CheckStatus.FAILED:
            return stop(result)
        results.append(result)

    state = run.integration_state(interrupted)
    if state.status is CheckStatus.FAILED:
        return stop(state)
    results.append(state)
    # Nothing wrong now: the invoice waits for its batch to be exported (again).
    posting = run.posting
    answer = next_step = None
    if posting is not None:
        batch_id = posting.batch.id
        answer = render("batch_not_exported", batch=batch_id, status=_batch_status(posting.batch))
        if posting.status is ItemStatus.FAILED:
            # An export sends pending postings only: exporting again alone would change nothing.
            next_step = Note(
                f"Posteringen feilet ved forrige eksport og prøves ikke igjen av seg selv: kjør "
                f"`txbridge batch reset {batch_id}` og deretter `txbridge batch export {batch_id}`.",
                f"The posting failed on the last export and is not retried by itself: run "
                f"`txbridge batch reset {batch_id}`, then `txbridge batch export {batch_id}`.",
                "Posteringen feilet ved forrige eksport og prøves ikke igjen av seg selv: trykk "
                "«Tilbakestill bunten» og deretter «Eksporter» på bunten.",
                "The posting failed on the last export and is not retried by itself: press "
                "«Reset the batch», then «Export» on the batch.",
            )
    return _finish(run, results, Outcome.NO_FAULT_FOUND, answer, next_step)


def diagnose_invoice(
    db: Database,
    settings: Settings,
    connection_id: int,
    invoice_number: str,
    *,
    transport: httpx.BaseTransport | None = None,
    client: Tripletex | None = None,
    today: date | None = None,
) -> Diagnosis:
    """Run the seven checks for one invoice and return the structured answer.

    Reads only (store and Tripletex). ``client`` replaces the one built from the stored connection
    (its calls are still counted); ``today`` decides whether the token has expired."""

    def refused(run: _Run, message: Message) -> Diagnosis:
        return _finish(run, [_failed(Check.INTEGRATION_STATE, message)], Outcome.FAILED, message)

    return run_diagnosis(
        db,
        settings,
        connection_id,
        invoice_number,
        _Run,
        _diagnose,
        refused,
        transport=transport,
        client=client,
        today=today,
    )


RunT = TypeVar("RunT", bound=_Run)
AnswerT = TypeVar("AnswerT")


def run_diagnosis(
    db: Database,
    settings: Settings,
    connection_id: int,
    key: str,
    run_type: type[RunT],
    diagnose: Callable[[RunT], AnswerT],
    refused: Callable[[RunT, Message], AnswerT],
    *,
    transport: httpx.BaseTransport | None,
    client: Tripletex | None,
    today: date | None,
) -> AnswerT:
    """One troubleshooter run for the subject ``key`` (an invoice number, a host's hour id): its store
    session and client, and a refusal not about reaching Tripletex (a 422 on a search) reported
    through ``refused`` rather than raised."""
    with db.session() as session:
        connection = session.get(Connection, connection_id)
        if connection is None:
            raise DiagnoseError(render("connection_not_found", connection=connection_id))
        run = run_type(
            session,
            settings,
            connection,
            str(key),
            transport=transport,
            client=client,
            today=today or date.today(),
        )
        try:
            return diagnose(run)
        except TripletexError as exc:
            detail = getattr(exc, "message", None) or type(exc).__name__
            return refused(run, render("tripletex_validation_error", object=key, detail=detail))
        finally:
            run.close()
