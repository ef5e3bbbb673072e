"""The sync's read models, shared by the CLI (``txbridge sync log`` / ``held``) and the web app's
screens «Synk-logg» and «Til avgjørelse»."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from txbridge.catalog import CatalogError, Message, render
from txbridge.flows.views.page import Page, window
from txbridge.store import (
    Database,
    HeldMatch,
    SyncDirection,
    SyncLogEntry,
    SyncOutcome,
    SyncResource,
)


@dataclass(frozen=True, slots=True)
class SyncLogRow:
    id: int
    at: datetime
    connection_id: int
    resource: SyncResource
    direction: SyncDirection
    outcome: SyncOutcome
    host_id: str | None
    host_name: str | None
    tripletex_id: int | None
    tripletex_name: str | None
    #: The rule (catalog id) and its message: text, cause and fix in both languages.
    rule: str
    message: Message


@dataclass(frozen=True, slots=True)
class HeldMatchRow:
    id: int
    connection_id: int
    resource: SyncResource
    host_id: str | None
    tripletex_id: int | None
    name: str | None
    rule: str
    #: ``{"side", "id", "name", "why"}`` per plausible partner.
    candidates: list[dict[str, Any]]
    created_at: datetime


def _message(entry: SyncLogEntry) -> Message:
    try:
        return render(entry.rule, **(entry.params or {}))
    except CatalogError:
        # A stored entry whose parameters no longer fit: still shown, with the rule's own words.
        from txbridge.catalog import entry as catalog_entry

        found = catalog_entry(entry.rule)
        return Message(
            found.id, found.nb, found.en, found.cause_nb, found.cause_en, found.fix_nb, found.fix_en
        )


def list_sync_log(
    db: Database,
    *,
    connection_id: int | None = None,
    resource: SyncResource | None = None,
    direction: SyncDirection | None = None,
    rule: str | None = None,
    outcome: SyncOutcome | None = None,
    offset: int = 0,
    limit: int = 50,
) -> Page[SyncLogRow]:
    """Newest first; two queries whatever the log's length."""
    offset, limit = window(offset, limit)
    query = select(SyncLogEntry)
    if connection_id is not None:
        query = query.where(SyncLogEntry.connection_id == connection_id)
    if resource is not None:
        query = query.where(SyncLogEntry.resource == resource)
    if direction is not None:
        query = query.where(SyncLogEntry.direction == direction)
    if rule is not None:
        query = query.where(SyncLogEntry.rule == rule)
    if outcome is not None:
        query = query.where(SyncLogEntry.outcome == outcome)
    with db.reading() as session:
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = session.scalars(
            query.order_by(SyncLogEntry.at.desc(), SyncLogEntry.id.desc()).offset(offset).limit(limit)
        )
        items = [
            SyncLogRow(
                e.id,
                e.at,
                e.connection_id,
                e.resource,
                e.direction,
                e.outcome,
                e.host_id,
                e.host_name,
                e.tripletex_id,
                e.tripletex_name,
                e.rule,
                _message(e),
            )
            for e in rows
        ]
    return Page(items, total, offset, limit)


def list_held(db: Database, connection_id: int) -> list[HeldMatchRow]:
    """Open held matches, oldest first (the order they wait in)."""
    with db.reading() as session:
        rows = session.scalars(
            select(HeldMatch)
            .where(HeldMatch.connection_id == connection_id, HeldMatch.decided_at.is_(None))
            .order_by(HeldMatch.id)
        )
        return [
            HeldMatchRow(
                h.id,
                h.connection_id,
                h.resource,
                h.host_id,
                h.tripletex_id,
                h.name,
                h.rule,
                list(h.candidates),
                h.created_at,
            )
            for h in rows
        ]
