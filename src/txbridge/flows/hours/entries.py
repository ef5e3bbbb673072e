"""One host hour's state towards Tripletex, and what an import does to it.

An hour is READY until it is in Tripletex (EXPORTED). A change in the host after the export makes it
CHANGED (the entry is updated with its ``version``), a delete DELETED (the entry is deleted); an hour
deleted before it ever reached Tripletex is GONE. ``sent_signature`` is the digest of what was last
written, so a change that is undone again leaves nothing to correct."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from txbridge.store import HoursEntry, HoursState, IntegrationReference, ReferenceKind

#: The columns an import sets (the hour's content); the digest is over these.
CONTENT = (
    "employee_number",
    "employee_email",
    "project_number",
    "activity_number",
    "activity_name",
    "work_date",
    "hours",
    "comment",
)
#: The host's own ids of employee and project: in the digest only when set, so an hour stored before
#: they existed keeps the digest it was sent with (no correction for a change that is none).
HOST_IDS = ("employee_host_id", "project_host_id")

#: States whose hour has an entry in Tripletex (or had, until the correction is sent).
IN_TRIPLETEX = frozenset({HoursState.EXPORTED, HoursState.CHANGED, HoursState.DELETED})


def signature(values: Mapping[str, Any]) -> str:
    """A digest of an hour's content: equal for equal hours (1.5 and 1.50 are the same)."""
    parts = []
    for name in CONTENT:
        value = values.get(name)
        if isinstance(value, Decimal):
            value = format(value.normalize(), "f")
        elif isinstance(value, date):
            value = value.isoformat()
        parts.append(f"{name}={'' if value is None else value}")
    parts.extend(f"{name}={values[name]}" for name in HOST_IDS if values.get(name))
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def stored_values(entry: HoursEntry) -> dict[str, Any]:
    return {name: getattr(entry, name) for name in (*CONTENT, *HOST_IDS)}


def sent(entry: HoursEntry) -> str:
    """The digest of what Tripletex has for an exported hour. Until the first change after the
    export it is the hour as stored: an hour cannot change while it is in an open batch, so the
    stored content is what was written."""
    return entry.sent_signature or signature(stored_values(entry))


def next_state(
    entry: HoursEntry, values: Mapping[str, Any], deleted: bool, *, in_tripletex: bool
) -> HoursState:
    """The state after the host sent ``values`` (and ``deleted``) for a stored hour; ``in_tripletex``:
    the hour has a reference (an entry in Tripletex). Keeps what Tripletex has in ``sent_signature``."""
    if not in_tripletex:
        return HoursState.GONE if deleted else HoursState.READY
    entry.sent_signature = sent(entry)
    if deleted:
        return HoursState.DELETED
    return HoursState.EXPORTED if signature(values) == entry.sent_signature else HoursState.CHANGED


def in_tripletex(session: Session, connection_id: int, entry_ids: Sequence[int]) -> set[int]:
    """The hours among ``entry_ids`` that have an entry in Tripletex (a reference)."""
    if not entry_ids:
        return set()
    return set(
        session.scalars(
            select(IntegrationReference.local_id).where(
                IntegrationReference.connection_id == connection_id,
                IntegrationReference.kind == ReferenceKind.TIMESHEET_ENTRY,
                IntegrationReference.local_id.in_(list(entry_ids)),
            )
        )
    )


def settle_exported(session: Session, connection_id: int) -> None:
    """Hours the export wrote (a reference) but still READY become EXPORTED, with what was sent."""
    written = select(IntegrationReference.local_id).where(
        IntegrationReference.connection_id == connection_id,
        IntegrationReference.kind == ReferenceKind.TIMESHEET_ENTRY,
    )
    for entry in session.scalars(
        select(HoursEntry).where(
            HoursEntry.connection_id == connection_id,
            HoursEntry.state == HoursState.READY,
            HoursEntry.id.in_(written),
        )
    ):
        entry.sent_signature = sent(entry)
        entry.state = HoursState.EXPORTED
