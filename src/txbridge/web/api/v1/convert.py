"""Read models (:mod:`txbridge.flows.views`, jobs, the troubleshooter) into the API's Public schemas,
in the client's language."""

from __future__ import annotations

from txbridge.flows.diagnose import Diagnosis
from txbridge.flows.export.batches import BatchCloseResult
from txbridge.flows.views.batches import BatchDetail, BatchRow, PostingRow
from txbridge.flows.views.connections import ConnectionRow
from txbridge.flows.views.invoices import InvoiceWhereabouts
from txbridge.flows.views.log import LogRow
from txbridge.jobs.api import JobInfo
from txbridge.web.api.v1.schemas import (
    BatchClosePublic,
    BatchDetailPublic,
    BatchPublic,
    CheckPublic,
    ConnectionPublic,
    DiagnosisPublic,
    InvoiceStatusPublic,
    JobPublic,
    LeftOutPublic,
    LogEntryPublic,
    MessagePublic,
    PagePublic,
    PostingPublic,
)


def _required(message: MessagePublic | None) -> MessagePublic:
    assert message is not None
    return message


def connection(row: ConnectionRow, language: str) -> ConnectionPublic:
    return ConnectionPublic(
        id=row.id,
        name=row.name,
        company_name=row.company_name,
        environment=row.environment.value,
        state=row.state.value,
        token_expires=row.token_expires.isoformat() if row.token_expires else None,
        days_to_expiry=row.days_to_expiry,
        last_export_at=row.last_export_at,
        recent_failures=row.recent_failures,
        blocked_by=MessagePublic.of(row.blocked_by, language),
    )


def batch(row: BatchRow) -> BatchPublic:
    return BatchPublic(
        id=row.id,
        connection_id=row.connection_id,
        period=row.period,
        status=row.status.value,
        percent=row.percent,
        counts={status.value: n for status, n in row.counts.items()},
        created_at=row.created_at,
        closed_at=row.closed_at,
        exported_at=row.exported_at,
    )


def posting(row: PostingRow, language: str) -> PostingPublic:
    return PostingPublic(
        id=row.id,
        invoice_number=row.invoice_number,
        status=row.status.value,
        tripletex_invoice_number=row.tripletex_invoice_number,
        attempts=row.attempts,
        message=MessagePublic.of(row.message, language),
        updated_at=row.updated_at,
    )


def batch_detail(detail: BatchDetail, language: str) -> BatchDetailPublic:
    page = detail.postings
    return BatchDetailPublic(
        batch=batch(detail.batch),
        postings=PagePublic[PostingPublic](
            items=[posting(row, language) for row in page.items],
            total=page.total,
            offset=page.offset,
            limit=page.limit,
        ),
    )


def batch_close(result: BatchCloseResult, language: str) -> BatchClosePublic:
    return BatchClosePublic(
        period=result.period,
        batch_id=result.batch_id,
        invoice_count=result.invoice_count,
        left_out=[
            LeftOutPublic(
                invoice_number=left.invoice_number,
                message=_required(MessagePublic.of(left.message, language)),
            )
            for left in result.left_out
        ],
        message=MessagePublic.of(result.message, language),
    )


def invoice(where: InvoiceWhereabouts, language: str) -> InvoiceStatusPublic:
    return InvoiceStatusPublic(
        number=where.number,
        where=where.where.value,
        status=where.status.value if where.status else None,
        period=where.period,
        batch_id=where.batch_id,
        posting_status=where.posting_status.value if where.posting_status else None,
        attempts=where.attempts,
        tripletex_invoice_number=where.tripletex_invoice_number,
        payment_status=where.payment_status.value if where.payment_status else None,
        message=MessagePublic.of(where.message, language),
    )


def diagnosis(found: Diagnosis, language: str) -> DiagnosisPublic:
    english = language == "en"
    return DiagnosisPublic(
        invoice=found.invoice_number,
        connection_id=found.connection_id,
        outcome=found.outcome.value,
        answer=MessagePublic.of(found.answer, language),
        checks=[
            CheckPublic(
                check=int(result.check),
                name=result.check.name.lower(),
                title=result.check.title_en if english else result.check.title_nb,
                status=result.status.value,
                message=MessagePublic.of(result.message, language),
                note=None if result.note is None else (result.note.en if english else result.note.nb),
            )
            for result in found.checks
        ],
        next_step=None if found.next_step is None else found.next_step.for_web("en" if english else "nb"),
        api_calls=found.api_calls,
    )


def job(info: JobInfo, language: str) -> JobPublic:
    return JobPublic(
        id=info.id,
        task=info.task,
        connection_id=info.connection_id,
        batch_id=info.batch_id,
        state=info.state,
        requested_by=info.requested_by,
        queued_at=info.queued_at,
        started_at=info.started_at,
        finished_at=info.finished_at,
        attempts=info.attempts,
        message=MessagePublic.of(info.message, language),
    )


def log_entry(row: LogRow, language: str) -> LogEntryPublic:
    return LogEntryPublic(
        id=row.id,
        at=row.at,
        level=row.level.value,
        actor=row.actor,
        object_type=row.object_type,
        object_key=row.object_key,
        batch_id=row.batch_id,
        message=_required(MessagePublic.of(row.message, language)),
    )
