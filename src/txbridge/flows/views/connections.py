"""Connections as users see them: state, masked tokens, expiry, last export, what blocks them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from txbridge.catalog import Message, render
from txbridge.flows import connections as flow
from txbridge.store import Batch, Connection, ConnectionState, Database, Environment


@dataclass(frozen=True, slots=True)
class ConnectionRow:
    id: int
    name: str
    company_name: str | None
    environment: Environment
    state: ConnectionState
    base_url: str
    #: 0: the token's own company; else the accountant's client company.
    tripletex_company_id: int
    token_expires: date | None
    #: Negative once the token has expired; None when its expiry is not known.
    days_to_expiry: int | None
    last_export_at: datetime | None
    #: Integration failures in a row (an authentication failure counts double).
    recent_failures: int
    #: Masked only (``test-…c3f9``); the view never decrypts a token.
    consumer_token_hint: str
    employee_token_hint: str
    #: Why the connection may not export now (error state, expired token, not approved), or None.
    blocked_by: Message | None
    #: The token expires soon (or has expired), or None.
    expiry_warning: Message | None


def _row(connection: Connection, last_export_at: datetime | None, today: date) -> ConnectionRow:
    expiry = flow.token_expiry(connection, today)
    return ConnectionRow(
        id=connection.id,
        name=connection.name,
        company_name=connection.company_name,
        environment=connection.environment,
        state=connection.state,
        base_url=connection.base_url,
        tripletex_company_id=connection.tripletex_company_id,
        token_expires=connection.token_expires_on,
        days_to_expiry=expiry.days_left if expiry is not None else None,
        last_export_at=last_export_at,
        recent_failures=connection.consecutive_failures,
        consumer_token_hint=connection.consumer_token_hint,
        employee_token_hint=connection.employee_token_hint,
        blocked_by=flow.blocking_message(connection, today),
        expiry_warning=expiry.message() if expiry is not None and expiry.warn else None,
    )


def _rows(db: Database, connection_ids: Sequence[int] | None, today: date | None) -> list[ConnectionRow]:
    # One query whatever the number of connections and batches.
    last_export = (
        select(Batch.connection_id, func.max(Batch.exported_at).label("at"))
        .group_by(Batch.connection_id)
        .subquery()
    )
    query = (
        select(Connection, last_export.c.at)
        .outerjoin(last_export, last_export.c.connection_id == Connection.id)
        .order_by(Connection.name)
    )
    if connection_ids is not None:
        query = query.where(Connection.id.in_(list(connection_ids)))
    with db.reading() as session:
        # Rows are built inside the session: its rollback at the end expires the objects.
        return [_row(connection, at, today or date.today()) for connection, at in session.execute(query)]


def list_connections(db: Database, *, today: date | None = None) -> list[ConnectionRow]:
    """Every connection, by name (there are few: one per Tripletex company)."""
    return _rows(db, None, today)


def connection_detail(db: Database, connection_id: int, *, today: date | None = None) -> ConnectionRow:
    """One connection; an unknown id raises ConnectionFlowError («Connection … does not exist»)."""
    rows = _rows(db, [connection_id], today)
    if not rows:
        raise flow.ConnectionFlowError(render("connection_not_found", connection=connection_id))
    return rows[0]
