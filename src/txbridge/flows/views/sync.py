"""The sync's read models, shared by the CLI (``txbridge sync log`` / ``held``), the REST API and the
web app's screens «Synkronisering», «Synk-logg» and «Til avgjørelse»."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from txbridge.catalog import CatalogError, Message, render
from txbridge.flows.sync import initial
from txbridge.flows.sync.fields import ORDER
from txbridge.flows.views.page import Page, window
from txbridge.store import (
    Database,
    HeldMatch,
    HostObject,
    SyncCursor,
    SyncDirection,
    SyncLink,
    SyncLinkState,
    SyncLogEntry,
    SyncOutcome,
    SyncResource,
    TripletexObject,
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


# --------------------------------------------------------------------------------------------------
# The sync's status: which step of the initial sync each resource has reached and what the store
# holds of it. The jobs that run it (last run, failures) are the jobs API's to tell.
# --------------------------------------------------------------------------------------------------

#: The initial sync as a whole: not begun, in step 1 (read and match), in step 2 (create on the
#: other side), done.
InitialPhase = Literal["not_started", "step1", "step2", "done"]


@dataclass(frozen=True, slots=True)
class ResourceStatus:
    resource: SyncResource
    #: ``pull``, ``match``, ``create`` or ``done`` (``pull`` before it began).
    step: str
    #: Objects read from Tripletex and kept (not deleted there).
    read: int
    #: The host's objects (not deleted).
    host_objects: int
    #: Pairs known on both sides.
    linked: int
    #: Matches waiting for a person.
    held: int
    #: Sync log entries: stopped by a rule, and refused by Tripletex.
    not_synced: int
    refused: int
    completed_at: datetime | None


@dataclass(frozen=True, slots=True)
class SyncStatus:
    connection_id: int
    phase: InitialPhase
    resources: list[ResourceStatus]
    #: When the last resource finished step 2 (None until then).
    completed_at: datetime | None
    #: The newest sync log entry's time.
    last_logged_at: datetime | None

    @property
    def held(self) -> int:
        return sum(r.held for r in self.resources)

    @property
    def refused(self) -> int:
        return sum(r.refused for r in self.resources)

    @property
    def percent(self) -> int:
        """How far the initial sync has come: each resource's steps behind it, of all steps."""
        order = (initial.PULL, initial.MATCH, initial.CREATE, initial.DONE)
        behind = sum(order.index(r.step) if r.step in order else 0 for r in self.resources)
        return round(100 * behind / (3 * len(self.resources))) if self.resources else 0


def _initial_cursors(session: Session, connection_id: int) -> dict[SyncResource, SyncCursor]:
    return {
        c.resource: c
        for c in session.scalars(
            select(SyncCursor).where(
                SyncCursor.connection_id == connection_id, SyncCursor.purpose == initial.PURPOSE
            )
        )
    }


def initial_sync_done(db: Database, connection_id: int) -> bool:
    """Every resource has been through both steps of the initial sync."""
    with db.reading() as session:
        steps = {r: c.step for r, c in _initial_cursors(session, connection_id).items()}
    return all(steps.get(resource) == initial.DONE for resource in SyncResource)


def _counts(session: Session, model: Any, connection_id: int, *where: Any) -> dict[SyncResource, int]:
    query = (
        select(model.resource, func.count())
        .where(model.connection_id == connection_id, *where)
        .group_by(model.resource)
    )
    return {SyncResource(resource): int(count) for resource, count in session.execute(query)}


def sync_status(db: Database, connection_id: int) -> SyncStatus:
    """Where the connection's sync stands, per resource in the order the sync takes them."""
    with db.reading() as session:
        cursors = _initial_cursors(session, connection_id)
        read = _counts(session, TripletexObject, connection_id, TripletexObject.deleted.is_(False))
        hosted = _counts(session, HostObject, connection_id, HostObject.deleted.is_(False))
        linked = _counts(
            session,
            SyncLink,
            connection_id,
            SyncLink.state == SyncLinkState.LINKED,
            SyncLink.host_id.is_not(None),
            SyncLink.tripletex_id.is_not(None),
        )
        held = _counts(session, HeldMatch, connection_id, HeldMatch.decided_at.is_(None))
        skipped = _counts(session, SyncLogEntry, connection_id, SyncLogEntry.outcome == SyncOutcome.SKIPPED)
        refused = _counts(session, SyncLogEntry, connection_id, SyncLogEntry.outcome == SyncOutcome.FAILED)
        last_logged = session.scalar(
            select(func.max(SyncLogEntry.at)).where(SyncLogEntry.connection_id == connection_id)
        )
        rows = []
        for resource in ORDER:
            cursor = cursors.get(resource)
            rows.append(
                ResourceStatus(
                    resource=resource,
                    step=(cursor.step or initial.PULL) if cursor is not None else initial.PULL,
                    read=read.get(resource, 0),
                    host_objects=hosted.get(resource, 0),
                    linked=linked.get(resource, 0),
                    held=held.get(resource, 0),
                    not_synced=skipped.get(resource, 0),
                    refused=refused.get(resource, 0),
                    completed_at=cursor.completed_at if cursor is not None else None,
                )
            )
    steps = {r.step for r in rows}
    if not cursors:
        phase: InitialPhase = "not_started"
    elif steps & {initial.PULL, initial.MATCH}:
        phase = "step1"
    elif steps == {initial.DONE}:
        phase = "done"
    else:
        phase = "step2"
    done_at = [r.completed_at for r in rows if r.completed_at is not None]
    return SyncStatus(
        connection_id=connection_id,
        phase=phase,
        resources=rows,
        completed_at=max(done_at) if phase == "done" and done_at else None,
        last_logged_at=last_logged,
    )
