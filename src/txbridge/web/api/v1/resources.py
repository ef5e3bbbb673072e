"""Connections the key covers, the integration log, jobs, and a payments refresh."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from txbridge.catalog import render
from txbridge.flows.views import connections as connection_views
from txbridge.flows.views import log as log_views
from txbridge.jobs import api as jobs
from txbridge.store import LogLevel
from txbridge.web.api.v1 import convert
from txbridge.web.api.v1.deps import ConnectionId, ExportKey, Language, ReadKey
from txbridge.web.api.v1.idempotent import IDEMPOTENT, Answer, run_once
from txbridge.web.api.v1.problems import ApiProblem
from txbridge.web.api.v1.schemas import ConnectionPublic, JobPublic, LogEntryPublic, PagePublic
from txbridge.web.deps import Config, Db

router = APIRouter()


@router.get("/connections", response_model=list[ConnectionPublic], tags=["connections"])
def list_connections(db: Db, key: ReadKey, language: Language) -> list[ConnectionPublic]:
    """The connections this key covers (tokens are never part of an answer)."""
    rows = connection_views.list_connections(db)
    return [convert.connection(row, language) for row in rows if key.allows(row.id)]


@router.get("/connections/{connection_id}", response_model=ConnectionPublic, tags=["connections"])
def get_connection(db: Db, key: ReadKey, connection_id: ConnectionId, language: Language) -> ConnectionPublic:
    return convert.connection(connection_views.connection_detail(db, connection_id), language)


@router.get("/connections/{connection_id}/log", response_model=PagePublic[LogEntryPublic], tags=["log"])
def get_log(
    db: Db,
    key: ReadKey,
    connection_id: ConnectionId,
    language: Language,
    level: LogLevel | None = None,
    invoice: str | None = None,
    batch: int | None = None,
    since: datetime | None = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> PagePublic[LogEntryPublic]:
    """The integration log, newest first; ``level`` is the lowest level shown."""
    page = log_views.list_log(
        db,
        connection_id=connection_id,
        level=level,
        invoice=invoice,
        batch_id=batch,
        since=since,
        offset=offset,
        limit=limit,
    )
    return PagePublic[LogEntryPublic](
        items=[convert.log_entry(row, language) for row in page.items],
        total=page.total,
        offset=page.offset,
        limit=page.limit,
    )


@router.post(
    "/connections/{connection_id}/payments/refresh",
    openapi_extra=IDEMPOTENT,
    response_model=JobPublic,
    status_code=202,
    tags=["payments"],
)
async def refresh_payments(
    request: Request,
    db: Db,
    settings: Config,
    key: ExportKey,
    connection_id: ConnectionId,
    language: Language,
) -> Response:
    """Start a payments refresh as a job: exported invoices' payment status is read from Tripletex
    (then shown by ``GET …/invoices/{number}``)."""

    def handle() -> Answer:
        info = jobs.start_payments_refresh(db, settings, connection_id, requested_by=key.label)
        return 202, convert.job(info, language)

    return await run_once(
        request,
        db,
        key,
        await request.body(),
        handle,
        headers=lambda body: {"Location": f"/api/v1/jobs/{body['id']}"},
    )


@router.get("/jobs/{job_id}", response_model=JobPublic, tags=["jobs"])
def get_job(db: Db, settings: Config, key: ReadKey, job_id: int, language: Language) -> JobPublic:
    """A job's progress and outcome. Jobs of connections the key does not cover are not found."""
    info = jobs.get_job(db, settings, job_id)
    if info.connection_id is None or not key.allows(info.connection_id):
        raise ApiProblem(render("job_not_found", job=job_id), 404)
    return convert.job(info, language)
