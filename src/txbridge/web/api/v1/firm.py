"""Accounting firms: the firm connection, the companies its token reaches, the firm's clients and
their links, what is read from each client company, the field mapping, the import day and the
portfolio (JSON or CSV).

Scopes: reads ``read``; clients in ``intake``; reading from Tripletex (companies, inbound)
``export``; what changes the firm's set-up (enable, links, mapping, import day) ``admin``. Every POST
takes an ``Idempotency-Key``."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from txbridge.flows.diagnose.statistics import diagnose_statistics
from txbridge.flows.firm import clients as flow
from txbridge.flows.firm import inbound, mapping
from txbridge.flows.firm import runs as stats_runs
from txbridge.flows.firm.clients import ClientIn
from txbridge.flows.views import firm as views
from txbridge.flows.views import firm_stats
from txbridge.jobs import api as jobs
from txbridge.jobs import relink
from txbridge.web.api.v1 import convert
from txbridge.web.api.v1.deps import AdminKey, ConnectionId, ExportKey, IntakeKey, Language, ReadKey
from txbridge.web.api.v1.firm_schemas import (
    ClientPublic,
    ClientsCreate,
    ClientsImportPublic,
    CompaniesRefreshPublic,
    CompanyPublic,
    FieldMappingPublic,
    FirmPublic,
    ImportDayPublic,
    ImportDayUpdate,
    InboundPagePublic,
    InboundRefreshCreate,
    InboundRefreshPublic,
    LinkCreate,
    LinkPublic,
    MappingUpdate,
    PortfolioPublic,
    ReloadCreate,
    StatisticRunPublic,
    StatisticsDiagnosisPublic,
    StatisticsImportCreate,
    SuggestionPublic,
    client_public,
    firm_public,
    import_day_public,
    inbound_page_public,
    mapping_public,
    portfolio_public,
    statistic_run_public,
    statistics_diagnosis_public,
)
from txbridge.web.api.v1.idempotent import IDEMPOTENT, Answer, run_once
from txbridge.web.api.v1.schemas import JobPublic, MessagePublic, PagePublic
from txbridge.web.deps import Config, Db

router = APIRouter(prefix="/firm/{connection_id}", tags=["firm"])

Offset = Annotated[int, Query(ge=0)]
Limit = Annotated[int, Query(ge=1, le=1000)]


@router.get("", response_model=FirmPublic)
def get_firm(db: Db, key: ReadKey, connection_id: ConnectionId, language: Language) -> FirmPublic:
    """The firm connection: clients, links, companies reached, import day, token health."""
    return firm_public(views.firm_detail(db, connection_id), language)


@router.post("/enable", openapi_extra=IDEMPOTENT, response_model=CompaniesRefreshPublic)
async def enable(
    request: Request, db: Db, settings: Config, key: AdminKey, connection_id: ConnectionId
) -> Response:
    """Mark the connection as an accounting firm's: its token must reach client companies."""

    def handle() -> Answer:
        done = flow.enable_firm(db, settings, connection_id, marked_by=key.label)
        return 200, CompaniesRefreshPublic(total=done.total, added=done.added, removed=done.removed)

    return await run_once(request, db, key, await request.body(), handle)


@router.get("/companies", response_model=list[CompanyPublic])
def list_companies(
    db: Db, key: ReadKey, connection_id: ConnectionId, search: str | None = None, unlinked: bool = False
) -> list[CompanyPublic]:
    """The client companies the firm's token reaches (as last read); ``search`` matches a part of the
    name or of the organisation number."""
    rows = views.list_companies(db, connection_id, search=search, unlinked_only=unlinked)
    return [
        CompanyPublic(
            company_id=r.company_id,
            name=r.name,
            organization_number=r.organization_number,
            linked_client=r.linked_client,
        )
        for r in rows
    ]


@router.post("/companies/refresh", openapi_extra=IDEMPOTENT, response_model=CompaniesRefreshPublic)
async def refresh_companies(
    request: Request, db: Db, settings: Config, key: ExportKey, connection_id: ConnectionId
) -> Response:
    """Read again which client companies the firm's token reaches (one Tripletex call)."""

    def handle() -> Answer:
        done = flow.refresh_companies(db, settings, connection_id)
        return 200, CompaniesRefreshPublic(total=done.total, added=done.added, removed=done.removed)

    return await run_once(request, db, key, await request.body(), handle)


@router.get("/clients", response_model=PagePublic[ClientPublic])
def list_clients(
    db: Db,
    key: ReadKey,
    connection_id: ConnectionId,
    language: Language,
    search: str | None = None,
    link_state: Annotated[views.LinkState | None, Query(alias="linkState")] = None,
    offset: Offset = 0,
    limit: Limit = 100,
) -> PagePublic[ClientPublic]:
    page = views.list_clients(
        db, connection_id, search=search, link_state=link_state, offset=offset, limit=limit
    )
    return PagePublic[ClientPublic](
        items=[client_public(r, language) for r in page.items],
        total=page.total,
        offset=page.offset,
        limit=page.limit,
    )


@router.post("/clients", openapi_extra=IDEMPOTENT, response_model=ClientsImportPublic, status_code=201)
async def post_clients(
    request: Request,
    db: Db,
    key: IntakeKey,
    connection_id: ConnectionId,
    language: Language,
    body: ClientsCreate,
) -> Response:
    """Make or update clients by their key. A client that does not pass is refused with its message
    (naming it and the field); the rest go in."""

    def handle() -> Answer:
        done = flow.import_clients(
            db, connection_id, [ClientIn(c.key, c.name, c.organization_number) for c in body.clients]
        )
        refused = [m for m in (MessagePublic.of(r, language) for r in done.refused) if m is not None]
        return 201, ClientsImportPublic(created=done.created, updated=done.updated, refused=refused)

    return await run_once(request, db, key, await request.body(), handle)


def _client(client: str) -> int | str:
    return int(client) if client.isdigit() else client


@router.get("/clients/{client}", response_model=ClientPublic)
def get_client(
    db: Db, key: ReadKey, connection_id: ConnectionId, client: str, language: Language
) -> ClientPublic:
    """One client by its number or own key."""
    return client_public(views.client_detail(db, connection_id, _client(client)), language)


@router.post("/clients/{client}/link", openapi_extra=IDEMPOTENT, response_model=LinkPublic)
async def link(
    request: Request,
    db: Db,
    settings: Config,
    key: AdminKey,
    connection_id: ConnectionId,
    client: str,
    language: Language,
    body: LinkCreate,
) -> Response:
    """Link the client to a company the firm's token reaches; a client linked elsewhere is relinked:
    what came from the old company goes and its statistics are reloaded (``reloadJobId``)."""

    def handle() -> Answer:
        done = relink.link_and_reload(
            db, settings, connection_id, _client(client), body.company_id, linked_by=key.label
        )
        return 200, _link_public(done, language)

    return await run_once(request, db, key, await request.body(), handle)


def _link_public(done: flow.LinkOutcome, language: str) -> LinkPublic:
    return LinkPublic(
        client_id=done.client_id,
        client_key=done.client_key,
        company_id=done.company_id,
        company_name=done.company_name,
        previous_company_id=done.previous_company_id,
        relinked=done.relinked,
        reload_job_id=done.reload_job_id,
        reload_message=MessagePublic.of(done.reload_message, language),
    )


@router.get("/suggestions", response_model=list[SuggestionPublic])
def suggestions(db: Db, key: ReadKey, connection_id: ConnectionId) -> list[SuggestionPublic]:
    """Unlinked clients and the one reachable, unlinked company with their organisation number."""
    return [
        SuggestionPublic(
            client_id=s.client_id,
            client_key=s.client_key,
            client_name=s.client_name,
            company_id=s.company_id,
            company_name=s.company_name,
        )
        for s in flow.suggested_links(db, connection_id)
    ]


@router.post("/suggestions/link", openapi_extra=IDEMPOTENT, response_model=list[LinkPublic])
async def link_suggestions(
    request: Request, db: Db, settings: Config, key: AdminKey, connection_id: ConnectionId, language: Language
) -> Response:
    """Link every suggestion (a client and the one company with its organisation number)."""

    def handle() -> Answer:
        done = flow.link_suggested(db, settings, connection_id, linked_by=key.label)
        return 200, [_link_public(o, language) for o in done]

    return await run_once(request, db, key, await request.body(), handle)


@router.post("/clients/{client}/unlink", openapi_extra=IDEMPOTENT, response_model=ClientPublic)
async def unlink(
    request: Request, db: Db, key: AdminKey, connection_id: ConnectionId, client: str, language: Language
) -> Response:
    def handle() -> Answer:
        flow.unlink(db, connection_id, _client(client), unlinked_by=key.label)
        return 200, client_public(views.client_detail(db, connection_id, _client(client)), language)

    return await run_once(request, db, key, await request.body(), handle)


@router.post("/inbound/refresh", openapi_extra=IDEMPOTENT, response_model=InboundRefreshPublic)
async def refresh_inbound(
    request: Request,
    db: Db,
    settings: Config,
    key: ExportKey,
    connection_id: ConnectionId,
    language: Language,
    body: InboundRefreshCreate | None = None,
) -> Response:
    """Read customers, products and VAT types of the linked clients (or ``clientIds``); a list that
    did not change costs one call answered 304."""

    def handle() -> Answer:
        ids = body.client_ids if body is not None else None
        done = inbound.refresh_inbound(db, settings, connection_id, client_ids=ids)
        failures = {str(k): MessagePublic.of(m, language) for k, m in done.failures.items()}
        return 200, InboundRefreshPublic(
            clients=done.clients,
            lists_changed=done.lists_changed,
            lists_unchanged=done.lists_unchanged,
            api_calls=done.api_calls,
            failures={k: v for k, v in failures.items() if v is not None},
        )

    return await run_once(request, db, key, await request.body(), handle)


DiagnosisMonth = Annotated[str | None, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]


@router.get("/clients/{client}/diagnosis", response_model=StatisticsDiagnosisPublic)
def get_diagnosis(
    db: Db,
    settings: Config,
    key: ReadKey,
    connection_id: ConnectionId,
    client: str,
    language: Language,
    month: DiagnosisMonth = None,
) -> StatisticsDiagnosisPublic:
    """Why the client's figures are missing (seed 004's troubleshooting): the token (expired on its
    date, wrong environment, whitespace, employee deactivated — one call to Tripletex), the link, the
    field mapping and, with ``month``, whether that month's import day has come."""
    row = views.client_detail(db, connection_id, _client(client))
    found = diagnose_statistics(db, settings, connection_id, client_id=row.id, month=month)
    return statistics_diagnosis_public(found, row, month, language)


@router.get("/clients/{client}/{what}", response_model=InboundPagePublic)
def inbound_list(
    db: Db,
    key: ReadKey,
    connection_id: ConnectionId,
    client: str,
    what: views.InboundList,
    search: str | None = None,
    offset: Offset = 0,
    limit: Limit = 100,
) -> InboundPagePublic:
    """What was last read from the client's company: its customers, products or VAT types
    (``search`` matches a part of the name)."""
    found = views.list_inbound(
        db, connection_id, _client(client), what.resource, search=search, offset=offset, limit=limit
    )
    return inbound_page_public(found)


@router.get("/mapping", response_model=FieldMappingPublic)
def get_mapping(db: Db, key: ReadKey, connection_id: ConnectionId, language: Language) -> FieldMappingPublic:
    """Every statistic field (common first) with the firm's own field it is imported into (null: not
    imported), and the firm's own fields."""
    return mapping_public(views.field_mapping(db, connection_id), language)


@router.post("/mapping", openapi_extra=IDEMPOTENT, response_model=FieldMappingPublic)
async def post_mapping(
    request: Request,
    db: Db,
    key: AdminKey,
    connection_id: ConnectionId,
    language: Language,
    body: MappingUpdate,
) -> Response:
    """Map fields by the name of the firm's own field (made when new); null or "" unmaps. Fields not
    named keep their mapping."""

    def handle() -> Answer:
        mapping.set_mapping(db, connection_id, body.fields, changed_by=key.label)
        return 200, mapping_public(views.field_mapping(db, connection_id), language)

    return await run_once(request, db, key, await request.body(), handle)


@router.get("/import-day", response_model=ImportDayPublic)
def get_import_day(db: Db, key: ReadKey, connection_id: ConnectionId) -> ImportDayPublic:
    return import_day_public(mapping.import_day(db, connection_id), date.today())


@router.post("/import-day", openapi_extra=IDEMPOTENT, response_model=ImportDayPublic)
async def post_import_day(
    request: Request, db: Db, key: AdminKey, connection_id: ConnectionId, body: ImportDayUpdate
) -> Response:
    """When the month's statistics are imported: the last working day, the last calendar day, or a day
    1–28 of the following month (``dayOfMonth``)."""

    def handle() -> Answer:
        day = mapping.ImportDay.of(body.rule, body.day_of_month)
        done = mapping.set_import_day(db, connection_id, day, changed_by=key.label)
        return 200, import_day_public(done, date.today())

    return await run_once(request, db, key, await request.body(), handle)


PortfolioMonth = Annotated[str | None, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]


def portfolio_view(
    db: Db,
    key: ReadKey,
    connection_id: ConnectionId,
    month: PortfolioMonth = None,
    sort: views.PortfolioSort = views.PortfolioSort.NAME,
    descending: bool = False,
    health: views.Health | None = None,
    link_state: Annotated[views.LinkState | None, Query(alias="linkState")] = None,
    attention: bool = False,
    search: str | None = None,
) -> views.Portfolio:
    """The portfolio the query asks for (the same parameters for JSON and CSV)."""
    return views.portfolio(
        db,
        connection_id,
        month=month,
        sort=sort,
        descending=descending,
        health=health,
        link_state=link_state,
        attention_only=attention,
        search=search,
    )


PortfolioView = Annotated[views.Portfolio, Depends(portfolio_view)]


@router.get("/portfolio", response_model=PortfolioPublic)
def portfolio(view: PortfolioView, language: Language) -> PortfolioPublic:
    """Every client with link state, connection health, token expiry, last successful import, this
    month's figures against last month's and backlog signals. Sortable and filterable; the same as
    CSV at ``/portfolio.csv``."""
    return portfolio_public(view, language)


@router.get("/portfolio.csv", response_class=Response, responses={200: {"content": {"text/csv": {}}}})
def portfolio_csv(view: PortfolioView, language: Language) -> Response:
    """The portfolio as CSV (semicolon-separated, UTF-8 with a byte-order mark for spreadsheets)."""
    text = "\ufeff" + views.portfolio_csv(view, language)
    return Response(
        text.encode(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="portfolio-{view.month}.csv"'},
    )


def _job_location(body: Any) -> dict[str, str]:
    return {"Location": f"/api/v1/jobs/{body['id']}"}


@router.post("/reload", openapi_extra=IDEMPOTENT, response_model=JobPublic, status_code=202)
async def reload_data(
    request: Request,
    db: Db,
    settings: Config,
    key: AdminKey,
    connection_id: ConnectionId,
    language: Language,
    body: ReloadCreate,
) -> Response:
    """«Reload data»: the last 12 months for every linked client (or ``client``), overwriting, as a
    job (the firm's running reload if there is one). Progress: ``GET …/runs``; the finished notice:
    ``GET …/notices``."""

    def handle() -> Answer:
        client_id = None
        if body.client is not None:
            client_id = views.client_detail(db, connection_id, _client(body.client)).id
        info = jobs.start_statistics_reload(
            db, settings, connection_id, client_id=client_id, requested_by=key.label
        )
        return 202, convert.job(info, language)

    return await run_once(request, db, key, await request.body(), handle, headers=_job_location)


@router.post("/imports", openapi_extra=IDEMPOTENT, response_model=JobPublic, status_code=202)
async def import_statistics(
    request: Request,
    db: Db,
    settings: Config,
    key: ExportKey,
    connection_id: ConnectionId,
    language: Language,
    body: StatisticsImportCreate,
) -> Response:
    """Import one month's statistics for every linked client, as a job (that month's import already
    queued or running if there is one)."""

    def handle() -> Answer:
        info = jobs.start_statistics_import(db, settings, connection_id, body.month, requested_by=key.label)
        return 202, convert.job(info, language)

    return await run_once(request, db, key, await request.body(), handle, headers=_job_location)


@router.get("/runs", response_model=list[StatisticRunPublic])
def list_runs(
    db: Db,
    key: ReadKey,
    connection_id: ConnectionId,
    language: Language,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> list[StatisticRunPublic]:
    """The latest imports and reloads, newest first, with their progress."""
    views.firm_detail(db, connection_id)
    return [statistic_run_public(r, language) for r in firm_stats.recent_runs(db, connection_id, limit=limit)]


@router.get("/notices", response_model=list[StatisticRunPublic])
def list_notices(
    db: Db, key: ReadKey, connection_id: ConnectionId, language: Language
) -> list[StatisticRunPublic]:
    """Finished runs whose notice («the reload is done») nobody has marked seen yet."""
    views.firm_detail(db, connection_id)
    return [statistic_run_public(r, language) for r in firm_stats.unseen_notices(db, connection_id)]


@router.post("/notices/{run_id}/seen", openapi_extra=IDEMPOTENT, response_model=list[StatisticRunPublic])
async def notice_seen(
    request: Request, db: Db, key: ReadKey, connection_id: ConnectionId, run_id: int, language: Language
) -> Response:
    """Mark a finished run's notice seen; answers the notices still unseen."""

    def handle() -> Answer:
        stats_runs.mark_notice_seen(db, run_id, firm_connection_id=connection_id)
        return 200, [statistic_run_public(r, language) for r in firm_stats.unseen_notices(db, connection_id)]

    return await run_once(request, db, key, await request.body(), handle)
