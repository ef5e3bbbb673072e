"""The firm's own fields and which statistic field lands in which of them.

A statistic field without a mapping is not imported (seed 004: «Fields left blank are not
imported»). The import reads the mapping through :func:`mapped_fields` only."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from txbridge.catalog import render
from txbridge.flows.firm.clients import FirmError, firm_connection
from txbridge.flows.firm.fields import FIELDS
from txbridge.flows.firm.schedule import import_day as day_of
from txbridge.store import Database
from txbridge.store import queries as q
from txbridge.store.models import FirmCustomField, FirmFieldMapping, FirmImportSettings, ImportDayRule


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


# --------------------------------------------------------------------------------------------------
# Changing the mapping, the firm's own fields and the import settings
# --------------------------------------------------------------------------------------------------

#: Longest name of one of the firm's own fields (see :class:`FirmCustomField`).
FIELD_NAME_MAX = 100


def field_keys() -> tuple[str, ...]:
    """The statistic fields a firm can map, in the order the mapping screen shows them."""
    return tuple(f.key for f in FIELDS)


def custom_field(db: Database, firm_connection_id: int, name: str) -> int:
    """The id of the firm's own field with this name (spaces tidied; the same name in other
    capitals is the same field), made on the spot when there is none (seed 004: «New custom field»)."""
    tidy = " ".join(name.split())
    if not tidy or len(tidy) > FIELD_NAME_MAX:
        raise FirmError(render("firm_custom_field_invalid", name=name.strip()[:40], limit=FIELD_NAME_MAX))
    with db.transaction() as session:
        firm_connection(session, firm_connection_id)
        return _find_or_make_field(session, firm_connection_id, tidy)


def _find_or_make_field(session: Session, firm_connection_id: int, name: str) -> int:
    found = session.scalars(
        select(FirmCustomField).where(
            FirmCustomField.firm_connection_id == firm_connection_id,
            func.lower(FirmCustomField.name) == name.lower(),
        )
    ).first()
    if found is None:
        found = FirmCustomField(firm_connection_id=firm_connection_id, name=name)
        session.add(found)
        session.flush()
    return found.id


def set_mapping(
    db: Database, firm_connection_id: int, mapping: Mapping[str, str | None], *, changed_by: str
) -> dict[str, str]:
    """Map statistic fields to the firm's own fields by name (made when new); ``None`` or an empty
    name unmaps the field. Fields not named keep their mapping. Returns the whole mapping after."""
    known = set(field_keys())
    for key in mapping:
        if key not in known:
            raise FirmError(render("firm_field_unknown", field=key))
    for name in mapping.values():
        tidy = " ".join((name or "").split())
        if len(tidy) > FIELD_NAME_MAX:
            raise FirmError(render("firm_custom_field_invalid", name=tidy[:40], limit=FIELD_NAME_MAX))
    with db.transaction() as session:
        firm_connection(session, firm_connection_id)
        for key, name in mapping.items():
            tidy = " ".join((name or "").split())
            row = session.get(FirmFieldMapping, (firm_connection_id, key))
            if not tidy:
                if row is not None:
                    session.delete(row)
                continue
            field_id = _find_or_make_field(session, firm_connection_id, tidy)
            if row is None:
                session.add(
                    FirmFieldMapping(
                        firm_connection_id=firm_connection_id, field_key=key, custom_field_id=field_id
                    )
                )
            else:
                row.custom_field_id = field_id
        shown = ", ".join(f"{k}={' '.join((v or '').split()) or '-'}" for k, v in sorted(mapping.items()))
        q.add_log(
            session,
            firm_connection_id,
            f"Feltkobling endret av {changed_by}: {shown} / Field mapping changed by {changed_by}: {shown}",
            object_type="firm",
            object_key="mapping",
        )
    return mapped_fields(db, firm_connection_id)


@dataclass(frozen=True, slots=True)
class ImportDay:
    """When the firm's monthly statistics are imported."""

    rule: ImportDayRule
    #: 1–28 with ``day_of_next_month``, else None.
    day_of_month: int | None = None

    @classmethod
    def parse(cls, text: str) -> ImportDay:
        """``last-working-day``, ``last-calendar-day`` (either spelling with _ or -) or a day 1–28."""
        cleaned = text.strip().lower().replace("-", "_")
        if cleaned.isdigit():
            return cls.of(ImportDayRule.DAY_OF_NEXT_MONTH, int(cleaned))
        try:
            rule = ImportDayRule(cleaned)
        except ValueError:
            raise FirmError(render("firm_import_day_invalid", day=text.strip()[:40] or "-")) from None
        return cls.of(rule, None)

    @classmethod
    def of(cls, rule: ImportDayRule, day_of_month: int | None) -> ImportDay:
        if rule is ImportDayRule.DAY_OF_NEXT_MONTH:
            if day_of_month is None or not 1 <= day_of_month <= 28:
                raise FirmError(
                    render("firm_import_day_invalid", day=day_of_month if day_of_month is not None else "-")
                )
            return cls(rule, day_of_month)
        return cls(rule, None)


def import_day(db: Database, firm_connection_id: int) -> ImportDay:
    """The firm's import day (the last working day when it never chose)."""
    with db.reading() as session:
        firm_connection(session, firm_connection_id)
        row = session.get(FirmImportSettings, firm_connection_id)
        if row is None:
            return ImportDay(ImportDayRule.LAST_WORKING_DAY)
        return ImportDay(row.rule, row.day_of_month)


def set_import_day(db: Database, firm_connection_id: int, day: ImportDay, *, changed_by: str) -> ImportDay:
    checked = ImportDay.of(day.rule, day.day_of_month)
    with db.transaction() as session:
        firm_connection(session, firm_connection_id)
        row = session.get(FirmImportSettings, firm_connection_id)
        if row is None:
            row = FirmImportSettings(firm_connection_id=firm_connection_id)
            session.add(row)
        row.rule, row.day_of_month, row.updated_by = checked.rule, checked.day_of_month, changed_by
        shown = checked.rule.value + (f" {checked.day_of_month}" if checked.day_of_month else "")
        q.add_log(
            session,
            firm_connection_id,
            f"Importdag satt til {shown} av {changed_by} / Import day set to {shown} by {changed_by}",
            object_type="firm",
            object_key="import_day",
        )
    return checked


@dataclass(frozen=True, slots=True)
class NextImport:
    """The next month the firm's figures are imported for, and the day."""

    month: str
    on: date


def next_import(day: ImportDay, today: date) -> NextImport:
    """The first import day on or after ``today`` under the firm's rule (this month's, else the
    month after's; with a day of the following month, last month's may still be ahead)."""
    first = date(today.year, today.month, 1)
    for back in (-1, 0, 1):
        start = _shift(first, back)
        month = f"{start.year:04d}-{start.month:02d}"
        on = day_of(day.rule, day.day_of_month, month)
        if on >= today:
            return NextImport(month, on)
    raise AssertionError("a month's import day is at most a month after it")  # pragma: no cover


def _shift(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)
