"""The firm's own fields and which statistic field lands in which of them.

A statistic field without a mapping is not imported (seed 004: «Fields left blank are not
imported»). The import reads the mapping through :func:`mapped_fields` only."""

from __future__ import annotations

from sqlalchemy import select

from txbridge.store import Database
from txbridge.store.models import FirmCustomField, FirmFieldMapping


def mapped_fields(db: Database, firm_connection_id: int) -> dict[str, str]:
    """Statistic field key → name of the firm's own field it is imported into (mapped fields only)."""
    with db.session() as session:
        rows = session.execute(
            select(FirmFieldMapping.field_key, FirmCustomField.name)
            .join(FirmCustomField, FirmCustomField.id == FirmFieldMapping.custom_field_id)
            .where(FirmFieldMapping.firm_connection_id == firm_connection_id)
            .order_by(FirmFieldMapping.field_key)
        ).all()
    return {key: name for key, name in rows}
