"""The integration log, newest first, filtered by connection, level, invoice, batch and time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select

from txbridge.catalog import Message
from txbridge.flows.views.messages import log_message
from txbridge.flows.views.page import Page, window
from txbridge.store import Batch, BatchItem, Database, ItemStatus, LogEntry, LogLevel


@dataclass(frozen=True, slots=True)
class LogRow:
    id: int
    at: datetime
    level: LogLevel
    #: Who did it, when an administrator did (``None``: the integration itself).
    actor: str | None
    #: What it is about: ``invoice``, ``batch``, ``connection`` … and its number or name.
    object_type: str | None
    object_key: str | None
    message: Message
    #: The batch the entry is about (a batch entry, or an invoice entry whose invoice is in one).
    batch_id: int | None


def list_log(
    db: Database,
    *,
    connection_id: int | None = None,
    level: LogLevel | None = None,
    invoice: str | None = None,
    batch_id: int | None = None,
    since: datetime | None = None,
    offset: int = 0,
    limit: int = 50,
) -> Page[LogRow]:
    """Three queries whatever the log's length. ``level`` is the lowest level shown (``warning``:
    warnings and errors); ``batch_id`` takes the batch's own entries and those of its invoices."""
    offset, limit = window(offset, limit)
    query = select(LogEntry)
    if connection_id is not None:
        query = query.where(LogEntry.connection_id == connection_id)
    if level is not None:
        levels = list(LogLevel)[list(LogLevel).index(level) :]
        query = query.where(LogEntry.level.in_(levels))
    if invoice is not None:
        query = query.where(LogEntry.object_type == "invoice", LogEntry.object_key == invoice)
    if batch_id is not None:
        numbers = select(BatchItem.subject_key).where(BatchItem.batch_id == batch_id)
        query = query.where(
            or_(
                (LogEntry.object_type == "batch") & (LogEntry.object_key == str(batch_id)),
                (LogEntry.object_type == "invoice") & LogEntry.object_key.in_(numbers),
            )
        )
    if since is not None:
        query = query.where(LogEntry.at >= since)
    with db.reading() as session:
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        newest_first = query.order_by(LogEntry.at.desc(), LogEntry.id.desc())
        entries = list(session.scalars(newest_first.offset(offset).limit(limit)))
        invoices = {e.object_key for e in entries if e.object_type == "invoice" and e.object_key}
        batch_of: dict[str, int] = {}
        if invoices:
            # Newest posting first, so a re-batched invoice names the batch it is in now.
            postings = (
                select(BatchItem.subject_key, BatchItem.batch_id)
                .join(Batch, Batch.id == BatchItem.batch_id)
                .where(BatchItem.subject_key.in_(invoices), BatchItem.status != ItemStatus.REMOVED)
                .order_by(BatchItem.id)
            )
            if connection_id is not None:
                postings = postings.where(Batch.connection_id == connection_id)
            for number, holder in session.execute(postings):
                batch_of[number] = holder
        # Rows are built inside the session: its rollback at the end expires the objects.
        rows = []
        for entry in entries:
            message = log_message(entry.message_id, entry.message, entry.detail)
            actor = message.params.get("administrator")
            key = entry.object_key or ""
            batch: int | None = None
            if entry.object_type == "batch" and key.isdigit():
                batch = int(key)
            elif entry.object_type == "invoice":
                batch = batch_of.get(key)
            rows.append(
                LogRow(
                    id=entry.id,
                    at=entry.at,
                    level=entry.level,
                    actor=str(actor) if actor is not None else None,
                    object_type=entry.object_type,
                    object_key=entry.object_key,
                    message=message,
                    batch_id=batch,
                )
            )
        return Page(rows, total, offset, limit)
