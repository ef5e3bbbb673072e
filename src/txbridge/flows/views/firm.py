"""Accounting firms as users see them: the firm connections, the companies a firm's token reaches,
the firm's clients and their links, what was read from each client company, the field mapping, and
the portfolio overview (every client with link state, health, last import, this month's figures
against last month's and backlog signals; sortable, filterable, CSV). Shared by the CLI, the REST API
and the web screens.

Each read takes a fixed number of queries whatever the number of clients (``tests/flows/views``
counts them). Statistic values come from one function only: firmstats'
:func:`txbridge.flows.views.firm_stats.month_values`."""

from __future__ import annotations

import csv
import enum
import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, String, cast, func, or_, select

from txbridge.catalog import Message, render
from txbridge.flows import connections as connection_flow
from txbridge.flows.firm.clients import client_of, firm_connection
from txbridge.flows.firm.fields import FIELDS, StatisticField
from txbridge.flows.views.firm_stats import month_values
from txbridge.flows.views.page import Page, window
from txbridge.store import Connection, ConnectionState, Database
from txbridge.store.models import (
    FirmClient,
    FirmClientCustomer,
    FirmClientProduct,
    FirmClientVatType,
    FirmConnection,
    FirmCustomField,
    FirmFieldMapping,
    FirmImportSettings,
    FirmInboundResource,
    FirmInboundState,
    FirmReachableCompany,
    ImportDayRule,
    MonthlyStatistic,
    StatisticClientState,
    StatisticRunClient,
    period_bounds,
)

#: The statistic fields that are backlog signals (things waiting for the firm), not work done.
BACKLOG_KEYS = ("inbox_waiting", "unmatched_bank_transactions", "overdue_customer_invoices")


# --------------------------------------------------------------------------------------------------
# Firms
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FirmRow:
    connection_id: int
    name: str
    company_name: str | None
    state: ConnectionState
    days_to_expiry: int | None
    clients: int
    linked: int
    companies: int
    companies_refreshed_at: datetime | None
    import_rule: ImportDayRule
    import_day_of_month: int | None
    #: Why the firm's token cannot be used now (error state, expired token), or None.
    blocked_by: Message | None


def list_firms(db: Database, *, today: date | None = None) -> list[FirmRow]:
    """Every firm connection, by name (one query)."""
    return _firms(db, None, today)


def firm_detail(db: Database, firm_id: int, *, today: date | None = None) -> FirmRow:
    """One firm connection; FirmError when the connection is not a firm's."""
    rows = _firms(db, firm_id, today)
    if not rows:
        with db.reading() as session:
            firm_connection(session, firm_id)  # raises the right message
    return rows[0]


def _firms(db: Database, firm_id: int | None, today: date | None) -> list[FirmRow]:
    clients = (
        select(
            FirmClient.firm_connection_id.label("firm"),
            func.count(FirmClient.id).label("clients"),
            func.count(FirmClient.tripletex_company_id).label("linked"),
        )
        .group_by(FirmClient.firm_connection_id)
        .subquery()
    )
    companies = (
        select(FirmReachableCompany.firm_connection_id.label("firm"), func.count().label("companies"))
        .group_by(FirmReachableCompany.firm_connection_id)
        .subquery()
    )
    query = (
        select(
            Connection,
            FirmConnection,
            FirmImportSettings,
            clients.c.clients,
            clients.c.linked,
            companies.c.companies,
        )
        .join(FirmConnection, FirmConnection.connection_id == Connection.id)
        .outerjoin(FirmImportSettings, FirmImportSettings.firm_connection_id == Connection.id)
        .outerjoin(clients, clients.c.firm == Connection.id)
        .outerjoin(companies, companies.c.firm == Connection.id)
        .order_by(Connection.name)
    )
    if firm_id is not None:
        query = query.where(Connection.id == firm_id)
    today = today or date.today()
    with db.reading() as session:
        rows = []
        for connection, firm, settings, n_clients, n_linked, n_companies in session.execute(query):
            expiry = connection_flow.token_expiry(connection, today)
            rows.append(
                FirmRow(
                    connection_id=connection.id,
                    name=connection.name,
                    company_name=connection.company_name,
                    state=connection.state,
                    days_to_expiry=expiry.days_left if expiry is not None else None,
                    clients=n_clients or 0,
                    linked=n_linked or 0,
                    companies=n_companies or 0,
                    companies_refreshed_at=firm.companies_refreshed_at,
                    import_rule=settings.rule if settings is not None else ImportDayRule.LAST_WORKING_DAY,
                    import_day_of_month=settings.day_of_month if settings is not None else None,
                    blocked_by=_blocked(connection, today),
                )
            )
        return rows


def _blocked(connection: Connection, today: date) -> Message | None:
    blocked = connection_flow.blocking_message(connection, today)
    return None if blocked is not None and blocked.id == "connection_pending_approval" else blocked


# --------------------------------------------------------------------------------------------------
# Reachable companies and the firm's clients
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CompanyRow:
    company_id: int
    name: str
    organization_number: str | None
    #: The firm's client linked to it (its key), or None.
    linked_client: str | None


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_").lower() + "%"


def _digits(text: str) -> str:
    """The number a search is, when it is one («914 894 700», «914.894.700»); else empty (a name
    with a digit in it is searched as a name)."""
    compact = "".join(ch for ch in text if ch not in " .")
    return compact if compact.isdigit() else ""


def list_companies(
    db: Database, firm_id: int, *, search: str | None = None, unlinked_only: bool = False, limit: int = 1000
) -> list[CompanyRow]:
    """The companies the firm's token reaches (as last read), by name; ``search`` matches a part of
    the name or of the organisation number (one query)."""
    _, limit = window(0, limit)
    query = (
        select(FirmReachableCompany, FirmClient.key)
        .outerjoin(
            FirmClient,
            (FirmClient.firm_connection_id == FirmReachableCompany.firm_connection_id)
            & (FirmClient.tripletex_company_id == FirmReachableCompany.tripletex_company_id),
        )
        .where(FirmReachableCompany.firm_connection_id == firm_id)
        .order_by(FirmReachableCompany.name, FirmReachableCompany.tripletex_company_id)
        .limit(limit)
    )
    if search and search.strip():
        conditions: list[ColumnElement[bool]] = [
            func.lower(FirmReachableCompany.name).like(_like(search.strip()), escape="\\")
        ]
        digits = _digits(search)
        if digits:
            conditions.append(FirmReachableCompany.organization_number.like(f"%{digits}%"))
            conditions.append(cast(FirmReachableCompany.tripletex_company_id, String) == digits)
        query = query.where(or_(*conditions))
    if unlinked_only:
        query = query.where(FirmClient.id.is_(None))
    with db.reading() as session:
        firm_connection(session, firm_id)
        return [
            CompanyRow(c.tripletex_company_id, c.name, c.organization_number, key)
            for c, key in session.execute(query)
        ]


class LinkState(enum.StrEnum):
    LINKED = "linked"
    UNLINKED = "unlinked"


@dataclass(frozen=True, slots=True)
class ClientRow:
    id: int
    key: str
    name: str
    organization_number: str | None
    company_id: int | None
    company_name: str | None
    linked_at: datetime | None
    linked_by: str | None
    inbound_refreshed_at: datetime | None
    #: Why the last read of the client's company failed, or None.
    problem: Message | None

    @property
    def link_state(self) -> LinkState:
        return LinkState.LINKED if self.company_id is not None else LinkState.UNLINKED


def _problem(client: FirmClient) -> Message | None:
    if client.last_error_id == "firm_client_not_accessible":
        return render(
            "firm_client_not_accessible",
            company=client.tripletex_company_name or client.tripletex_company_id or "-",
            client=client.key,
        )
    return None


def _client_row(client: FirmClient) -> ClientRow:
    return ClientRow(
        id=client.id,
        key=client.key,
        name=client.name,
        organization_number=client.organization_number,
        company_id=client.tripletex_company_id,
        company_name=client.tripletex_company_name,
        linked_at=client.linked_at,
        linked_by=client.linked_by,
        inbound_refreshed_at=client.inbound_refreshed_at,
        problem=_problem(client),
    )


def _client_filter(query: Select[Any], search: str | None, link_state: LinkState | None) -> Select[Any]:
    if search and search.strip():
        pattern = _like(search.strip())
        conditions: list[ColumnElement[bool]] = [
            func.lower(FirmClient.name).like(pattern, escape="\\"),
            func.lower(FirmClient.key).like(pattern, escape="\\"),
        ]
        digits = _digits(search)
        if digits:
            conditions.append(FirmClient.organization_number.like(f"%{digits}%"))
        query = query.where(or_(*conditions))
    if link_state is LinkState.LINKED:
        query = query.where(FirmClient.tripletex_company_id.is_not(None))
    elif link_state is LinkState.UNLINKED:
        query = query.where(FirmClient.tripletex_company_id.is_(None))
    return query


def list_clients(
    db: Database,
    firm_id: int,
    *,
    search: str | None = None,
    link_state: LinkState | None = None,
    offset: int = 0,
    limit: int = 100,
) -> Page[ClientRow]:
    """The firm's clients by key, a page at a time (two queries)."""
    offset, limit = window(offset, limit)
    base = _client_filter(
        select(FirmClient).where(FirmClient.firm_connection_id == firm_id), search, link_state
    )
    with db.reading() as session:
        firm_connection(session, firm_id)
        total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
        rows = session.scalars(base.order_by(FirmClient.key).offset(offset).limit(limit))
        return Page([_client_row(c) for c in rows], total, offset, limit)


def client_detail(db: Database, firm_id: int, client: int | str) -> ClientRow:
    with db.reading() as session:
        firm_connection(session, firm_id)
        return _client_row(client_of(session, firm_id, client))


# --------------------------------------------------------------------------------------------------
# Inbound rows of one client
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InboundCustomer:
    tripletex_id: int
    customer_number: int | None
    name: str
    organization_number: str | None
    email: str | None
    phone: str | None
    is_inactive: bool


@dataclass(frozen=True, slots=True)
class InboundProduct:
    tripletex_id: int
    number: str | None
    name: str
    vat_type_id: int | None
    price_excluding_vat: Decimal | None
    is_inactive: bool


@dataclass(frozen=True, slots=True)
class InboundVatType:
    tripletex_id: int
    number: str | None
    name: str
    percentage: Decimal | None


InboundRow = InboundCustomer | InboundProduct | InboundVatType


@dataclass(frozen=True, slots=True)
class InboundPage:
    client: ClientRow
    resource: FirmInboundResource
    #: When the list was last read from Tripletex (None: never), and its digest.
    read_at: datetime | None
    version_digest: str | None
    page: Page[InboundRow]


class InboundList(enum.StrEnum):
    """The lists read from a client's company, as the CLI and the REST API name them."""

    CUSTOMERS = "customers"
    PRODUCTS = "products"
    VAT_TYPES = "vat-types"

    @property
    def resource(self) -> FirmInboundResource:
        return {
            InboundList.CUSTOMERS: FirmInboundResource.CUSTOMER,
            InboundList.PRODUCTS: FirmInboundResource.PRODUCT,
            InboundList.VAT_TYPES: FirmInboundResource.VAT_TYPE,
        }[self]


_INBOUND_MODELS: Mapping[FirmInboundResource, Any] = {
    FirmInboundResource.CUSTOMER: FirmClientCustomer,
    FirmInboundResource.PRODUCT: FirmClientProduct,
    FirmInboundResource.VAT_TYPE: FirmClientVatType,
}


def _inbound_row(resource: FirmInboundResource, row: Any) -> InboundRow:
    if resource is FirmInboundResource.CUSTOMER:
        return InboundCustomer(
            row.tripletex_id,
            row.customer_number,
            row.name,
            row.organization_number,
            row.email,
            row.phone,
            row.is_inactive,
        )
    if resource is FirmInboundResource.PRODUCT:
        return InboundProduct(
            row.tripletex_id, row.number, row.name, row.vat_type_id, row.price_excluding_vat, row.is_inactive
        )
    return InboundVatType(row.tripletex_id, row.number, row.name, row.percentage)


def list_inbound(
    db: Database,
    firm_id: int,
    client: int | str,
    resource: FirmInboundResource,
    *,
    search: str | None = None,
    offset: int = 0,
    limit: int = 100,
) -> InboundPage:
    """A page of what was read from one client's company (customers by number, products by number,
    VAT types by number); ``search`` matches a part of the name."""
    offset, limit = window(offset, limit)
    model = _INBOUND_MODELS[resource]
    order = model.customer_number if resource is FirmInboundResource.CUSTOMER else model.number
    with db.reading() as session:
        firm_connection(session, firm_id)
        found = client_of(session, firm_id, client)
        base = select(model).where(model.firm_client_id == found.id)
        if search and search.strip():
            base = base.where(func.lower(model.name).like(_like(search.strip()), escape="\\"))
        total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
        rows = session.scalars(
            base.order_by(order, model.name, model.tripletex_id).offset(offset).limit(limit)
        )
        items = [_inbound_row(resource, row) for row in rows]
        state = session.get(FirmInboundState, (found.id, resource))
        return InboundPage(
            client=_client_row(found),
            resource=resource,
            read_at=state.read_at if state is not None else None,
            version_digest=state.version_digest if state is not None else None,
            page=Page(items, total, offset, limit),
        )


# --------------------------------------------------------------------------------------------------
# Field mapping
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MappingRow:
    field: StatisticField
    #: The firm's own field it is imported into, or None (not imported).
    custom_field: str | None

    @property
    def backlog(self) -> bool:
        return self.field.key in BACKLOG_KEYS


@dataclass(frozen=True, slots=True)
class FieldMapping:
    #: Common fields first (shown at once), the rest after («show more»), each in FIELDS' order.
    rows: tuple[MappingRow, ...]
    #: The firm's own fields, by name (what the dropdowns offer).
    custom_fields: tuple[str, ...]

    @property
    def common(self) -> tuple[MappingRow, ...]:
        return tuple(r for r in self.rows if r.field.common)

    @property
    def more(self) -> tuple[MappingRow, ...]:
        return tuple(r for r in self.rows if not r.field.common)


def field_mapping(db: Database, firm_id: int) -> FieldMapping:
    """Every statistic field with the firm's own field it goes into (two queries)."""
    with db.reading() as session:
        firm_connection(session, firm_id)
        mapped = dict(
            session.execute(
                select(FirmFieldMapping.field_key, FirmCustomField.name)
                .join(FirmCustomField, FirmCustomField.id == FirmFieldMapping.custom_field_id)
                .where(FirmFieldMapping.firm_connection_id == firm_id)
            ).all()
        )
        names = tuple(
            session.scalars(
                select(FirmCustomField.name)
                .where(FirmCustomField.firm_connection_id == firm_id)
                .order_by(func.lower(FirmCustomField.name))
            )
        )
    ordered = [f for f in FIELDS if f.common] + [f for f in FIELDS if not f.common]
    return FieldMapping(tuple(MappingRow(f, mapped.get(f.key)) for f in ordered), names)


# --------------------------------------------------------------------------------------------------
# Portfolio overview
# --------------------------------------------------------------------------------------------------


class Health(enum.StrEnum):
    """A client's connection health as the portfolio shows it."""

    OK = "ok"
    #: Not linked: nothing is read for it.
    UNLINKED = "unlinked"
    #: The firm's token cannot be used (error state, expired token): nothing is read for any client.
    TOKEN = "token"  # noqa: S105 - a state name, not a secret
    #: Tripletex refused the firm's token for this client's company.
    NO_ACCESS = "no_access"


class PortfolioSort(enum.StrEnum):
    NAME = "name"
    KEY = "key"
    HEALTH = "health"
    LAST_IMPORT = "last_import"
    BACKLOG = "backlog"


@dataclass(frozen=True, slots=True)
class PortfolioRow:
    client_id: int
    key: str
    name: str
    organization_number: str | None
    company_id: int | None
    company_name: str | None
    link_state: LinkState
    health: Health
    #: Why the health is not OK (catalog message), or None.
    problem: Message | None
    #: Days until the firm's token expires (negative: expired), or None when not known.
    token_days_left: int | None
    last_import_at: datetime | None
    #: Field key → value of the portfolio's month and of the month before (absent: no value).
    this_month: Mapping[str, Decimal]
    last_month: Mapping[str, Decimal]

    def change(self, key: str) -> Decimal | None:
        """This month's value minus last month's, when both are known."""
        now, before = self.this_month.get(key), self.last_month.get(key)
        return None if now is None or before is None else now - before

    @property
    def backlog(self) -> Decimal:
        """The sum of this month's backlog signals (documents waiting, unmatched transactions,
        overdue invoices)."""
        return sum((self.this_month.get(k, Decimal(0)) for k in BACKLOG_KEYS), Decimal(0))

    @property
    def needs_attention(self) -> bool:
        return self.health is not Health.OK or self.backlog > 0


@dataclass(frozen=True, slots=True)
class Portfolio:
    firm: FirmRow
    month: str
    previous_month: str
    #: The figures shown: the mapped statistic fields that are not backlog signals, in FIELDS' order.
    figures: tuple[StatisticField, ...]
    #: The backlog signals shown (those mapped).
    backlog: tuple[StatisticField, ...]
    rows: tuple[PortfolioRow, ...]
    #: Clients before filtering.
    total: int


def previous_month(month: str) -> str:
    start, _ = period_bounds(month)
    return f"{start.year - 1:04d}-12" if start.month == 1 else f"{start.year:04d}-{start.month - 1:02d}"


def portfolio(
    db: Database,
    firm_id: int,
    *,
    month: str | None = None,
    today: date | None = None,
    sort: PortfolioSort = PortfolioSort.NAME,
    descending: bool = False,
    link_state: LinkState | None = None,
    health: Health | None = None,
    attention_only: bool = False,
    search: str | None = None,
) -> Portfolio:
    """The whole firm on one screen. ``month`` (``YYYY-MM``) defaults to the newest month with
    imported values (this month when there are none); it is compared with the month before.

    Queries: the firm (1), its clients with their last successful import (1), the newest month when
    not given (1), the mapping (1) and firmstats' ``month_values`` — the same whatever the number
    of clients."""
    today = today or date.today()
    firm = firm_detail(db, firm_id, today=today)
    if month is not None:
        period_bounds(month)  # a ValueError for anything but YYYY-MM
    last_import = (
        select(
            StatisticRunClient.firm_client_id.label("client"),
            func.max(StatisticRunClient.finished_at).label("at"),
        )
        .where(StatisticRunClient.state == StatisticClientState.DONE)
        .group_by(StatisticRunClient.firm_client_id)
        .subquery()
    )
    query = _client_filter(
        select(FirmClient, last_import.c.at)
        .outerjoin(last_import, last_import.c.client == FirmClient.id)
        .where(FirmClient.firm_connection_id == firm_id),
        search,
        link_state,
    )
    with db.reading() as session:
        clients = [(_client_row(client), at) for client, at in session.execute(query)]
        total = (
            session.scalar(select(func.count(FirmClient.id)).where(FirmClient.firm_connection_id == firm_id))
            or 0
        )
        if month is None:
            month = (
                session.scalar(
                    select(func.max(MonthlyStatistic.month)).where(
                        MonthlyStatistic.firm_client_id.in_(
                            select(FirmClient.id).where(FirmClient.firm_connection_id == firm_id)
                        )
                    )
                )
                or f"{today.year:04d}-{today.month:02d}"
            )
        mapped = set(
            session.scalars(
                select(FirmFieldMapping.field_key).where(FirmFieldMapping.firm_connection_id == firm_id)
            )
        )
    before = previous_month(month)
    values = month_values(db, firm_id, [month, before])
    rows = [
        _portfolio_row(client, at, firm, values.get(client.id, {}), month, before) for client, at in clients
    ]
    if health is not None:
        rows = [r for r in rows if r.health is health]
    if attention_only:
        rows = [r for r in rows if r.needs_attention]
    rows.sort(key=_sort_key(sort), reverse=descending)
    figures = tuple(f for f in FIELDS if f.key in mapped and f.key not in BACKLOG_KEYS)
    backlog = tuple(f for f in FIELDS if f.key in mapped and f.key in BACKLOG_KEYS)
    return Portfolio(firm, month, before, figures, backlog, tuple(rows), total)


def _portfolio_row(
    client: ClientRow,
    last_import_at: datetime | None,
    firm: FirmRow,
    values: Mapping[str, Mapping[str, Decimal]],
    month: str,
    before: str,
) -> PortfolioRow:
    problem = firm.blocked_by or client.problem
    if client.company_id is None:
        health = Health.UNLINKED
        problem = render("firm_client_not_linked", client=client.key)
    elif firm.blocked_by is not None:
        health = Health.TOKEN
    elif problem is not None:
        health = Health.NO_ACCESS
    else:
        health = Health.OK
    return PortfolioRow(
        client_id=client.id,
        key=client.key,
        name=client.name,
        organization_number=client.organization_number,
        company_id=client.company_id,
        company_name=client.company_name,
        link_state=client.link_state,
        health=health,
        problem=problem,
        token_days_left=firm.days_to_expiry,
        last_import_at=last_import_at,
        this_month=dict(values.get(month, {})),
        last_month=dict(values.get(before, {})),
    )


_HEALTH_ORDER = {Health.TOKEN: 0, Health.NO_ACCESS: 1, Health.UNLINKED: 2, Health.OK: 3}
_EPOCH = datetime(1970, 1, 1).astimezone()


def _sort_key(sort: PortfolioSort) -> Any:
    if sort is PortfolioSort.KEY:
        return lambda r: (r.key.lower(), r.client_id)
    if sort is PortfolioSort.HEALTH:
        return lambda r: (_HEALTH_ORDER[r.health], r.name.lower(), r.client_id)
    if sort is PortfolioSort.LAST_IMPORT:
        return lambda r: (r.last_import_at or _EPOCH, r.name.lower(), r.client_id)
    if sort is PortfolioSort.BACKLOG:
        return lambda r: (r.backlog, r.name.lower(), r.client_id)
    return lambda r: (r.name.lower(), r.key.lower(), r.client_id)


def number_text(value: Decimal | None) -> str:
    """A value as users read it: whole numbers without decimals; empty for no value."""
    if value is None:
        return ""
    return str(value.quantize(Decimal(1))) if value == value.to_integral_value() else str(value)


_HEALTH_WORDS = {
    Health.OK: ("ok", "ok"),
    Health.UNLINKED: ("ikke koblet", "not linked"),
    Health.TOKEN: ("nøkkelfeil", "token problem"),
    Health.NO_ACCESS: ("ingen tilgang", "no access"),
}


def health_label(health: Health, language: str) -> str:
    nb, en = _HEALTH_WORDS[health]
    return en if language == "en" else nb


def portfolio_csv(view: Portfolio, language: str = "nb") -> str:
    """The portfolio as CSV (semicolon-separated, as Norwegian spreadsheets read it): one line per
    client, each figure with this month's value, last month's and the change."""
    en = language == "en"
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    header = [
        "key" if en else "nøkkel",
        "name" if en else "navn",
        "organisation number" if en else "organisasjonsnummer",
        "Tripletex company" if en else "Tripletex-selskap",
        "link" if en else "kobling",
        "health" if en else "helse",
        "problem",
        "token days left" if en else "dager til nøkkelen utløper",
        "last import" if en else "siste import",
    ]
    for f in view.figures:
        name = f.en if en else f.nb
        header += [f"{name} {view.month}", f"{name} {view.previous_month}", f"{name} ±"]
    header += [f"{f.en if en else f.nb} {view.month}" for f in view.backlog]
    writer.writerow(header)
    for row in view.rows:
        line = [
            row.key,
            row.name,
            row.organization_number or "",
            f"{row.company_name} ({row.company_id})" if row.company_id is not None else "",
            row.link_state.value,
            health_label(row.health, language),
            row.problem.text(language) if row.problem is not None else "",
            "" if row.token_days_left is None else str(row.token_days_left),
            row.last_import_at.isoformat(timespec="seconds") if row.last_import_at else "",
        ]
        for f in view.figures:
            line += [
                number_text(row.this_month.get(f.key)),
                number_text(row.last_month.get(f.key)),
                number_text(row.change(f.key)),
            ]
        line += [number_text(row.this_month.get(f.key)) for f in view.backlog]
        writer.writerow([_safe_cell(cell) for cell in line])
    return out.getvalue()


def _safe_cell(cell: str) -> str:
    # A cell a spreadsheet would run as a formula (a client named «=HYPERLINK(…)») is quoted as text.
    return "'" + cell if cell[:1] in ("=", "+", "-", "@") and not _isnumber_text(cell) else cell


def _isnumber_text(cell: str) -> bool:
    try:
        Decimal(cell)
    except ArithmeticError:
        return False
    return True
