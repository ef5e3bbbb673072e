"""Accounting firms: the firm connections, the portfolio, the clients with linking (search by name or
organisation number, suggestions), the field mapping («Show more» for the less common fields, a new
field on the spot) and the import settings. The same flows and read models as ``txbridge firm``.

Everyone signed in may look and read from Tripletex (companies, inbound); changing the set-up (mark a
firm, links, mapping, import day) is for administrators."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from txbridge.catalog import Message
from txbridge.flows.diagnose.statistics import StatisticsDiagnosis, diagnose_statistics
from txbridge.flows.firm import clients as flow
from txbridge.flows.firm import inbound, mapping, runs
from txbridge.flows.firm.clients import ClientIn, FirmError
from txbridge.flows.firm.runs import StatisticsError
from txbridge.flows.views import connections as connection_views
from txbridge.flows.views import firm as views
from txbridge.flows.views import firm_stats
from txbridge.jobs import api as jobs
from txbridge.jobs import relink
from txbridge.jobs.model import JobError
from txbridge.store.models import FirmInboundResource, ImportDayRule
from txbridge.web.deps import Admin, Config, Db, User
from txbridge.web.rendering import render
from txbridge.web.ui.common import is_htmx, see_other

router = APIRouter()

#: A choice in a mapping dropdown that means «make a new field with the name typed next to it».
NEW_FIELD = "__new__"


def _client_ref(client: str) -> int | str:
    return int(client) if client.isdigit() else client


@router.get("/firm")
def firms_page(request: Request, db: Db, _user: User) -> Response:
    firms = views.list_firms(db)
    firm_ids = {f.connection_id for f in firms}
    others = [c for c in connection_views.list_connections(db) if c.id not in firm_ids]
    return render(request, "firm/list.html", firms=firms, others=others, error=None)


@router.post("/firm/enable")
def enable(
    request: Request, db: Db, settings: Config, user: Admin, connection: Annotated[int, Form()]
) -> Response:
    try:
        flow.enable_firm(db, settings, connection, marked_by=user.username)
    except FirmError as exc:
        firms = views.list_firms(db)
        ids = {f.connection_id for f in firms}
        others = [c for c in connection_views.list_connections(db) if c.id not in ids]
        return render(
            request, "firm/list.html", status_code=422, firms=firms, others=others, error=exc.message
        )
    return see_other(f"/firm/{connection}/clients?done=enabled")


@router.get("/firm/{firm_id}")
def firm_home(firm_id: int, _user: User) -> Response:
    return see_other(f"/firm/{firm_id}/portfolio")


# --------------------------------------------------------------------------------------------------
# Portfolio
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _PortfolioQuery:
    """The portfolio's filters and sorting from the page's query (the same for the CSV link)."""

    firm_id: int
    month: str | None = None
    sort: views.PortfolioSort = views.PortfolioSort.NAME
    desc: bool = False
    health: str = ""
    attention: bool = False
    q: str = ""

    def view(self, db: Db) -> views.Portfolio:
        health = views.Health(self.health) if self.health in {h.value for h in views.Health} else None
        try:
            return views.portfolio(
                db,
                self.firm_id,
                month=self.month or None,
                sort=self.sort,
                descending=self.desc,
                health=health,
                attention_only=self.attention,
                search=self.q or None,
            )
        except ValueError:  # a month that is no YYYY-MM: the newest one instead
            return replace(self, month=None).view(db)


PortfolioQuery = Annotated[_PortfolioQuery, Depends()]


@router.get("/firm/{firm_id}/portfolio")
def portfolio_page(request: Request, db: Db, _user: User, query: PortfolioQuery) -> Response:
    view = query.view(db)
    firm_id, month, sort, desc, health, attention, q = (
        query.firm_id,
        query.month,
        query.sort,
        query.desc,
        query.health,
        query.attention,
        query.q,
    )
    filters = {"month": month or "", "health": health, "attention": "true" if attention else "", "q": q}
    kept = {k: v for k, v in filters.items() if v}

    def sort_link(column: views.PortfolioSort) -> str:
        flip = column is sort and not desc
        return "?" + urlencode({**kept, "sort": column.value, **({"desc": "true"} if flip else {})})

    csv_query = urlencode({**kept, "sort": sort.value, "desc": str(desc).lower()})
    csv_link = f"/firm/{firm_id}/portfolio.csv?{csv_query}"
    return render(
        request,
        "firm/portfolio.html",
        firm=view.firm,
        view=view,
        sort=sort,
        desc=desc,
        filters=filters,
        sort_link=sort_link,
        csv_link=csv_link,
        health_choices=list(views.Health),
        sorts=views.PortfolioSort,
        number=views.number_text,
        notices=firm_stats.unseen_notices(db, firm_id),
        error=None,
        tab="portfolio",
    )


@router.get("/firm/{firm_id}/portfolio.csv")
def portfolio_csv(request: Request, db: Db, _user: User, query: PortfolioQuery) -> Response:
    view = query.view(db)
    text = "\ufeff" + views.portfolio_csv(view, request.state.language)
    return Response(
        text.encode(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="portfolio-{view.month}.csv"'},
    )


# --------------------------------------------------------------------------------------------------
# Clients and links
# --------------------------------------------------------------------------------------------------


def _clients_page(
    request: Request,
    db: Db,
    firm_id: int,
    *,
    q: str = "",
    state: str = "",
    done: str | None = None,
    error: Message | None = None,
    refused: tuple[Message, ...] = (),
    status_code: int = 200,
) -> Response:
    link_state = views.LinkState(state) if state in ("linked", "unlinked") else None
    page = views.list_clients(db, firm_id, search=q or None, link_state=link_state, limit=1000)
    return render(
        request,
        "firm/clients.html",
        status_code=status_code,
        firm=views.firm_detail(db, firm_id),
        page=page,
        suggestions={s.client_id: s for s in flow.suggested_links(db, firm_id)},
        q=q,
        state=state,
        done=done,
        error=error,
        refused=refused,
        tab="clients",
    )


@router.get("/firm/{firm_id}/clients")
def clients_page(
    request: Request, db: Db, _user: User, firm_id: int, q: str = "", state: str = "", done: str | None = None
) -> Response:
    return _clients_page(request, db, firm_id, q=q, state=state, done=done)


@router.post("/firm/{firm_id}/clients")
def add_client(
    request: Request,
    db: Db,
    _user: Admin,
    firm_id: int,
    key: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    organization_number: Annotated[str, Form()] = "",
) -> Response:
    try:
        flow.add_client(db, firm_id, ClientIn(key, name, organization_number or None))
    except FirmError as exc:
        return _clients_page(request, db, firm_id, error=exc.message, status_code=422)
    return see_other(f"/firm/{firm_id}/clients?done=added")


@router.post("/firm/{firm_id}/clients/import")
def import_clients(
    request: Request, db: Db, _user: Admin, firm_id: int, rows: Annotated[str, Form()] = ""
) -> Response:
    try:
        done = flow.import_clients(db, firm_id, flow.read_clients_csv(rows))
    except FirmError as exc:
        return _clients_page(request, db, firm_id, error=exc.message, status_code=422)
    return _clients_page(
        request, db, firm_id, done=f"imported:{done.created}:{done.updated}", refused=done.refused
    )


@router.post("/firm/{firm_id}/companies/refresh")
def refresh_companies(request: Request, db: Db, settings: Config, _user: User, firm_id: int) -> Response:
    flow.refresh_companies(db, settings, firm_id)
    return see_other(f"/firm/{firm_id}/clients?done=companies")


@router.post("/firm/{firm_id}/link-suggested")
def link_suggested(request: Request, db: Db, settings: Config, user: Admin, firm_id: int) -> Response:
    linked = flow.link_suggested(db, settings, firm_id, linked_by=user.username)
    return see_other(f"/firm/{firm_id}/clients?done=linked:{len(linked)}")


@router.post("/firm/{firm_id}/inbound")
def refresh_inbound(request: Request, db: Db, settings: Config, _user: User, firm_id: int) -> Response:
    done = inbound.refresh_inbound(db, settings, firm_id)
    return see_other(
        f"/firm/{firm_id}/clients?done=inbound:{done.lists_changed}:{done.lists_unchanged}:{len(done.failures)}"
    )


def _client_page(
    request: Request,
    db: Db,
    firm_id: int,
    client: str,
    *,
    q: str = "",
    done: str | None = None,
    error: Message | None = None,
    status_code: int = 200,
    diagnosis: StatisticsDiagnosis | None = None,
    month: str = "",
) -> Response:
    row = views.client_detail(db, firm_id, _client_ref(client))
    found = views.list_companies(db, firm_id, search=q or None, limit=50) if q else []
    suggestion = next((s for s in flow.suggested_links(db, firm_id) if s.client_id == row.id), None)
    data = {r: views.list_inbound(db, firm_id, row.id, r, limit=20) for r in FirmInboundResource}
    return render(
        request,
        "firm/client.html",
        status_code=status_code,
        firm=views.firm_detail(db, firm_id),
        client=row,
        q=q,
        found=found,
        suggestion=suggestion,
        data=data,
        resources=FirmInboundResource,
        done=done,
        error=error,
        tab="clients",
        diagnosis=diagnosis,
        month=month,
    )


@router.get("/firm/{firm_id}/clients/{client}")
def client_page(
    request: Request, db: Db, _user: User, firm_id: int, client: str, q: str = "", done: str | None = None
) -> Response:
    return _client_page(request, db, firm_id, client, q=q, done=done)


@router.get("/firm/{firm_id}/clients/{client}/why")
def client_why(
    request: Request, db: Db, settings: Config, _user: User, firm_id: int, client: str, month: str = ""
) -> Response:
    """«Hvorfor? / Why?»: seed 004's troubleshooting for this client (token, link, fields, import
    day), the first failing check with its fix."""
    row = views.client_detail(db, firm_id, _client_ref(client))
    try:
        found = diagnose_statistics(db, settings, firm_id, client_id=row.id, month=month.strip() or None)
    except StatisticsError as exc:
        return _client_page(request, db, firm_id, client, error=exc.message, status_code=422, month=month)
    return _client_page(request, db, firm_id, client, diagnosis=found, month=month)


@router.post("/firm/{firm_id}/clients/{client}/reload")
def reload_client(
    request: Request, db: Db, settings: Config, user: Admin, firm_id: int, client: str
) -> Response:
    """«Reload data» for this client alone."""
    row = views.client_detail(db, firm_id, _client_ref(client))
    try:
        jobs.start_statistics_reload(db, settings, firm_id, client_id=row.id, requested_by=user.username)
    except JobError as exc:
        return _client_page(request, db, firm_id, client, error=exc.message, status_code=422)
    return see_other(f"/firm/{firm_id}/clients/{row.id}?done=reload")


@router.get("/firm/{firm_id}/clients/{client}/companies")
def company_search(request: Request, db: Db, _user: User, firm_id: int, client: str, q: str = "") -> Response:
    """The search results alone (htmx, as the user types), or the whole page without script."""
    if not is_htmx(request):
        return _client_page(request, db, firm_id, client, q=q)
    row = views.client_detail(db, firm_id, _client_ref(client))
    found = views.list_companies(db, firm_id, search=q or None, limit=50) if q.strip() else []
    return render(request, "firm/_companies.html", firm_id=firm_id, client=row, q=q, found=found)


@router.post("/firm/{firm_id}/clients/{client}/link")
def link_client(
    request: Request,
    db: Db,
    settings: Config,
    user: Admin,
    firm_id: int,
    client: str,
    company: Annotated[int, Form()],
) -> Response:
    try:
        done = relink.link_and_reload(
            db, settings, firm_id, _client_ref(client), company, linked_by=user.username
        )
    except FirmError as exc:
        return _client_page(request, db, firm_id, client, error=exc.message, status_code=422)
    outcome = "linked" if not done.relinked else "relinked" if done.reload_job_id else "relinked-later"
    return see_other(f"/firm/{firm_id}/clients/{done.client_id}?done={outcome}")


@router.post("/firm/{firm_id}/clients/{client}/unlink")
def unlink_client(request: Request, db: Db, user: Admin, firm_id: int, client: str) -> Response:
    client_id = flow.resolve_client(db, firm_id, _client_ref(client))
    flow.unlink(db, firm_id, client_id, unlinked_by=user.username)
    return see_other(f"/firm/{firm_id}/clients/{client_id}?done=unlinked")


# --------------------------------------------------------------------------------------------------
# Field mapping and import settings
# --------------------------------------------------------------------------------------------------


def _mapping_page(
    request: Request,
    db: Db,
    firm_id: int,
    *,
    done: str | None = None,
    error: Message | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "firm/mapping.html",
        status_code=status_code,
        firm=views.firm_detail(db, firm_id),
        mapping=views.field_mapping(db, firm_id),
        new_field=NEW_FIELD,
        done=done,
        error=error,
        tab="mapping",
    )


@router.get("/firm/{firm_id}/mapping")
def mapping_page(request: Request, db: Db, _user: User, firm_id: int, done: str | None = None) -> Response:
    return _mapping_page(request, db, firm_id, done=done)


@router.post("/firm/{firm_id}/mapping")
async def save_mapping(request: Request, db: Db, user: Admin, firm_id: int) -> Response:
    form = await request.form()
    wanted: dict[str, str | None] = {}
    for key in mapping.field_keys():
        chosen = form.get(f"field-{key}")
        if chosen is None:
            continue
        typed = form.get(f"new-{key}")
        name = typed if chosen == NEW_FIELD and isinstance(typed, str) else chosen
        wanted[key] = name if isinstance(name, str) and name != NEW_FIELD else None
    try:
        mapping.set_mapping(db, firm_id, wanted, changed_by=user.username)
    except FirmError as exc:
        return _mapping_page(request, db, firm_id, error=exc.message, status_code=422)
    return see_other(f"/firm/{firm_id}/mapping?done=saved")


def _settings_page(
    request: Request,
    db: Db,
    firm_id: int,
    *,
    done: str | None = None,
    error: Message | None = None,
    status_code: int = 200,
) -> Response:
    day = mapping.import_day(db, firm_id)
    return render(
        request,
        "firm/settings.html",
        status_code=status_code,
        firm=views.firm_detail(db, firm_id),
        day=day,
        coming=mapping.next_import(day, date.today()),
        runs=firm_stats.recent_runs(db, firm_id, limit=5),
        rules=ImportDayRule,
        done=done,
        error=error,
        tab="settings",
    )


@router.get("/firm/{firm_id}/settings")
def settings_page(request: Request, db: Db, _user: User, firm_id: int, done: str | None = None) -> Response:
    return _settings_page(request, db, firm_id, done=done)


@router.post("/firm/{firm_id}/reload")
def reload_data(request: Request, db: Db, settings: Config, user: Admin, firm_id: int) -> Response:
    """«Reload data»: the last 12 months for every linked client, in the background."""
    try:
        jobs.start_statistics_reload(db, settings, firm_id, client_id=None, requested_by=user.username)
    except JobError as exc:
        return _settings_page(request, db, firm_id, error=exc.message, status_code=422)
    return see_other(f"/firm/{firm_id}/settings?done=reload")


@router.post("/firm/{firm_id}/notices/{run_id}/seen")
def notice_seen(request: Request, db: Db, _user: User, firm_id: int, run_id: int) -> Response:
    runs.mark_notice_seen(db, run_id, firm_connection_id=firm_id)
    return see_other(f"/firm/{firm_id}/portfolio")


@router.post("/firm/{firm_id}/settings")
def save_settings(
    request: Request,
    db: Db,
    user: Admin,
    firm_id: int,
    rule: Annotated[str, Form()] = "",
    day_of_month: Annotated[str, Form()] = "",
) -> Response:
    try:
        chosen = ImportDayRule(rule) if rule in {r.value for r in ImportDayRule} else None
        if chosen is None:
            day = mapping.ImportDay.parse(rule or "-")
        else:
            number = int(day_of_month) if day_of_month.strip().isdigit() else None
            if chosen is ImportDayRule.DAY_OF_NEXT_MONTH and number is None:
                day = mapping.ImportDay.parse(day_of_month or "-")
            else:
                day = mapping.ImportDay.of(chosen, number)
        mapping.set_import_day(db, firm_id, day, changed_by=user.username)
    except FirmError as exc:
        return _settings_page(request, db, firm_id, error=exc.message, status_code=422)
    return see_other(f"/firm/{firm_id}/settings?done=saved")
