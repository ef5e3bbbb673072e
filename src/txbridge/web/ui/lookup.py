"""Finding things: invoice search by number, the integration log with filters, and the help page
(the whole message catalog, searchable)."""

from __future__ import annotations

from datetime import UTC, datetime, time
from datetime import date as date_type

from fastapi import APIRouter, Request
from fastapi.responses import Response

from txbridge.catalog import CATALOG, Entry
from txbridge.flows.views import connections as connection_views
from txbridge.flows.views import invoices as invoice_views
from txbridge.flows.views import log as log_views
from txbridge.store import LogLevel
from txbridge.web.deps import Db, User
from txbridge.web.rendering import render
from txbridge.web.ui.common import is_htmx, message_of

router = APIRouter()


@router.get("/connections/{connection_id}/invoices")
def invoice_search(
    request: Request, db: Db, _user: User, connection_id: int, number: str = "", done: str | None = None
) -> Response:
    try:
        connection = connection_views.connection_detail(db, connection_id)
    except LookupError as exc:
        message = message_of(exc)
        if message is None:
            raise
        return render(request, "error.html", status_code=404, message=message)
    found = invoice_views.find_invoice(db, connection_id, number.strip()) if number.strip() else None
    return render(request, "invoices.html", connection=connection, number=number, found=found, done=done)


def _since(value: str) -> datetime | None:
    try:
        return datetime.combine(date_type.fromisoformat(value), time(0), tzinfo=UTC) if value else None
    except ValueError:
        return None


@router.get("/log")
def log_page(
    request: Request,
    db: Db,
    _user: User,
    connection: str = "",
    level: str = "",
    invoice: str = "",
    batch: str = "",
    since: str = "",
    offset: int = 0,
) -> Response:
    connection_id = int(connection) if connection.isdigit() else None
    batch_id = int(batch) if batch.isdigit() else None
    wanted_level = LogLevel(level) if level in {lv.value for lv in LogLevel} else None
    page = log_views.list_log(
        db,
        connection_id=connection_id,
        level=wanted_level,
        invoice=invoice.strip() or None,
        batch_id=batch_id,
        since=_since(since),
        offset=offset,
        limit=50,
    )
    filters = {"connection": connection, "level": level, "invoice": invoice, "batch": batch, "since": since}
    return render(
        request,
        "log.html",
        page=page,
        filters=filters,
        connections=connection_views.list_connections(db),
        levels=list(LogLevel),
    )


def _matches(entry: Entry, words: list[str]) -> bool:
    haystack = " ".join((entry.id, *entry.all_texts)).lower()
    return all(word in haystack for word in words)


@router.get("/help")
def help_page(request: Request, _user: User, q: str = "") -> Response:
    """Every catalog message with its cause and fix; ``q`` narrows it (every word must appear)."""
    words = q.lower().split()
    entries = [entry for entry in CATALOG.values() if _matches(entry, words)]
    template = "_help_entries.html" if is_htmx(request) else "help.html"
    return render(request, template, entries=entries, q=q, total=len(CATALOG))
