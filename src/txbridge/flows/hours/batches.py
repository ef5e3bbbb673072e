"""Hours batches: which hours a batch takes, and where an hour is."""

from __future__ import annotations

from sqlalchemy.orm import Session


def open_item_of_hours(session: Session, entry_id: int) -> tuple[int, str, str] | None:
    """The hour's latest batch item: (batch id, item status, stored message or status)."""
    return None
