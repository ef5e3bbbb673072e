"""The firm routes' schemas (``…Create``/``…Update`` sent, ``…Public`` answered; camelCase keys) and
their conversion from the shared read models (:mod:`txbridge.flows.views.firm`)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import Field

from txbridge.flows.diagnose.statistics import StatisticsDiagnosis
from txbridge.flows.firm.mapping import ImportDay, next_import
from txbridge.flows.views import firm as views
from txbridge.flows.views.firm_stats import RunProgress
from txbridge.store import ConnectionState
from txbridge.store.models import FirmInboundResource, ImportDayRule
from txbridge.web.api.v1.schemas import CheckPublic, MessagePublic, PagePublic, _Schema


class FirmPublic(_Schema):
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
    blocked_by: MessagePublic | None


def firm_public(row: views.FirmRow, language: str) -> FirmPublic:
    return FirmPublic(
        connection_id=row.connection_id,
        name=row.name,
        company_name=row.company_name,
        state=row.state,
        days_to_expiry=row.days_to_expiry,
        clients=row.clients,
        linked=row.linked,
        companies=row.companies,
        companies_refreshed_at=row.companies_refreshed_at,
        import_rule=row.import_rule,
        import_day_of_month=row.import_day_of_month,
        blocked_by=MessagePublic.of(row.blocked_by, language),
    )


class CompaniesRefreshPublic(_Schema):
    total: int
    added: int
    removed: int


class CompanyPublic(_Schema):
    company_id: int
    name: str
    organization_number: str | None
    #: The key of the firm's client linked to it, or null.
    linked_client: str | None


class ClientCreate(_Schema):
    key: str = Field(max_length=200)
    name: str = Field(max_length=600)
    organization_number: str | None = Field(default=None, max_length=40)


class ClientsCreate(_Schema):
    clients: list[ClientCreate] = Field(min_length=1, max_length=1000)


class ClientsImportPublic(_Schema):
    created: int
    updated: int
    #: One message per client refused (naming it and the field); the others went in.
    refused: list[MessagePublic]


class ClientPublic(_Schema):
    id: int
    key: str
    name: str
    organization_number: str | None
    link_state: views.LinkState
    company_id: int | None
    company_name: str | None
    linked_at: datetime | None
    linked_by: str | None
    inbound_refreshed_at: datetime | None
    problem: MessagePublic | None


def client_public(row: views.ClientRow, language: str) -> ClientPublic:
    return ClientPublic(
        id=row.id,
        key=row.key,
        name=row.name,
        organization_number=row.organization_number,
        link_state=row.link_state,
        company_id=row.company_id,
        company_name=row.company_name,
        linked_at=row.linked_at,
        linked_by=row.linked_by,
        inbound_refreshed_at=row.inbound_refreshed_at,
        problem=MessagePublic.of(row.problem, language),
    )


class SuggestionPublic(_Schema):
    client_id: int
    client_key: str
    client_name: str
    company_id: int
    company_name: str


class LinkCreate(_Schema):
    company_id: int = Field(ge=1)


class LinkPublic(_Schema):
    client_id: int
    client_key: str
    company_id: int
    company_name: str
    previous_company_id: int | None
    relinked: bool
    #: The statistics' reload started by a relink (follow it at /api/v1/jobs/{id}), or null.
    reload_job_id: int | None
    #: Why a relink's reload could not start (no field mapped yet …), or null.
    reload_message: MessagePublic | None


class InboundRefreshCreate(_Schema):
    client_ids: list[int] | None = Field(default=None, max_length=1000)


class InboundRefreshPublic(_Schema):
    clients: int
    lists_changed: int
    lists_unchanged: int
    api_calls: int
    #: Firm client id → why it could not be read.
    failures: dict[str, MessagePublic]


class InboundRowPublic(_Schema):
    tripletex_id: int
    name: str
    number: str | None = None
    customer_number: int | None = None
    organization_number: str | None = None
    email: str | None = None
    phone: str | None = None
    vat_type_id: int | None = None
    price_excluding_vat: Decimal | None = None
    percentage: Decimal | None = None
    is_inactive: bool | None = None


class InboundPagePublic(_Schema):
    client_id: int
    resource: FirmInboundResource
    read_at: datetime | None
    version_digest: str | None
    page: PagePublic[InboundRowPublic]


def inbound_page_public(found: views.InboundPage) -> InboundPagePublic:
    items = [
        InboundRowPublic(**{name: getattr(row, name) for name in type(row).__slots__})
        for row in found.page.items
    ]
    return InboundPagePublic(
        client_id=found.client.id,
        resource=found.resource,
        read_at=found.read_at,
        version_digest=found.version_digest,
        page=PagePublic[InboundRowPublic](
            items=items, total=found.page.total, offset=found.page.offset, limit=found.page.limit
        ),
    )


class MappingRowPublic(_Schema):
    field: str
    name: str
    definition: str
    calls: str
    common: bool
    backlog: bool
    #: The firm's own field it goes into; null: not imported.
    custom_field: str | None


class FieldMappingPublic(_Schema):
    fields: list[MappingRowPublic]
    custom_fields: list[str]


def mapping_public(found: views.FieldMapping, language: str) -> FieldMappingPublic:
    en = language == "en"
    return FieldMappingPublic(
        fields=[
            MappingRowPublic(
                field=r.field.key,
                name=r.field.en if en else r.field.nb,
                definition=r.field.definition_en if en else r.field.definition_nb,
                calls=r.field.calls,
                common=r.field.common,
                backlog=r.backlog,
                custom_field=r.custom_field,
            )
            for r in found.rows
        ],
        custom_fields=list(found.custom_fields),
    )


class MappingUpdate(_Schema):
    #: Statistic field key → the firm's own field name (made when new); null or "" unmaps.
    fields: dict[str, str | None] = Field(min_length=1, max_length=100)


class ImportDayPublic(_Schema):
    rule: ImportDayRule
    day_of_month: int | None
    #: The next month imported under the rule, and the day it is imported on.
    next_month: str
    next_import_on: date


def import_day_public(day: ImportDay, today: date) -> ImportDayPublic:
    coming = next_import(day, today)
    return ImportDayPublic(
        rule=day.rule, day_of_month=day.day_of_month, next_month=coming.month, next_import_on=coming.on
    )


class ImportDayUpdate(_Schema):
    rule: ImportDayRule
    day_of_month: int | None = None


class FigurePublic(_Schema):
    this_month: Decimal | None
    last_month: Decimal | None
    change: Decimal | None


class PortfolioRowPublic(_Schema):
    client_id: int
    key: str
    name: str
    organization_number: str | None
    company_id: int | None
    company_name: str | None
    link_state: views.LinkState
    health: views.Health
    problem: MessagePublic | None
    token_days_left: int | None
    last_import_at: datetime | None
    #: Field key → this month, last month and the change (the mapped fields only).
    figures: dict[str, FigurePublic]
    #: Backlog signal key → this month's value.
    backlog: dict[str, Decimal | None]
    needs_attention: bool


class PortfolioPublic(_Schema):
    firm: FirmPublic
    month: str
    previous_month: str
    figures: list[str]
    backlog: list[str]
    total: int
    rows: list[PortfolioRowPublic]


def portfolio_public(view: views.Portfolio, language: str) -> PortfolioPublic:
    return PortfolioPublic(
        firm=firm_public(view.firm, language),
        month=view.month,
        previous_month=view.previous_month,
        figures=[f.key for f in view.figures],
        backlog=[f.key for f in view.backlog],
        total=view.total,
        rows=[
            PortfolioRowPublic(
                client_id=r.client_id,
                key=r.key,
                name=r.name,
                organization_number=r.organization_number,
                company_id=r.company_id,
                company_name=r.company_name,
                link_state=r.link_state,
                health=r.health,
                problem=MessagePublic.of(r.problem, language),
                token_days_left=r.token_days_left,
                last_import_at=r.last_import_at,
                figures={
                    f.key: FigurePublic(
                        this_month=r.this_month.get(f.key),
                        last_month=r.last_month.get(f.key),
                        change=r.change(f.key),
                    )
                    for f in view.figures
                },
                backlog={f.key: r.this_month.get(f.key) for f in view.backlog},
                needs_attention=r.needs_attention,
            )
            for r in view.rows
        ],
    )


class StatisticsDiagnosisPublic(_Schema):
    """Why a client's figures are missing: the troubleshooting's checks in order (token, link,
    fields, import day), the first failed one's message as ``answer``; the rest ``not_run``."""

    client_id: int
    client_key: str
    month: str | None
    answer: MessagePublic | None
    checks: list[CheckPublic]
    api_calls: int


def statistics_diagnosis_public(
    found: StatisticsDiagnosis, client: views.ClientRow, month: str | None, language: str
) -> StatisticsDiagnosisPublic:
    english = language == "en"
    failed = found.failed
    return StatisticsDiagnosisPublic(
        client_id=client.id,
        client_key=client.key,
        month=month,
        answer=MessagePublic.of(None if failed is None else failed.message, language),
        checks=[
            CheckPublic(
                check=int(result.check),
                name=result.check.name.lower(),
                title=result.check.title_en if english else result.check.title_nb,
                status=result.status.value,
                message=MessagePublic.of(result.message, language),
                note=None if result.note is None else (result.note.en if english else result.note.nb),
            )
            for result in found.checks
        ],
        api_calls=found.api_calls,
    )


class ReloadCreate(_Schema):
    """«Reload data»: the last 12 months of every linked client, or of one (its number or own key)."""

    client: str | None = None


class StatisticsImportCreate(_Schema):
    """Import one month's statistics for every linked client."""

    month: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", examples=["2026-10"])


class StatisticRunPublic(_Schema):
    """An import or reload: its progress, and its closing notice once finished."""

    id: int
    kind: str
    months: list[str]
    state: str
    clients_total: int
    clients_done: int
    clients_failed: int
    percent: int
    api_calls: int
    requested_by: str | None
    created_at: datetime
    finished_at: datetime | None
    message: MessagePublic | None
    notice_seen: bool


def statistic_run_public(run: RunProgress, language: str) -> StatisticRunPublic:
    return StatisticRunPublic(
        id=run.run_id,
        kind=run.kind,
        months=list(run.months),
        state=run.state,
        clients_total=run.clients_total,
        clients_done=run.clients_done,
        clients_failed=run.clients_failed,
        percent=run.percent,
        api_calls=run.api_calls,
        requested_by=run.requested_by,
        created_at=run.created_at,
        finished_at=run.finished_at,
        message=MessagePublic.of(run.message, language),
        notice_seen=run.notice_seen,
    )
