"""Batches: list, one with its postings, close (a new batch for a period), export (a job), and the
administrator's reset (keys with the ``admin`` scope only)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from txbridge.flows.export.batches import batch_of_connection, close_batch, reset_batch
from txbridge.flows.views import batches as views
from txbridge.jobs import api as jobs
from txbridge.store import ItemStatus
from txbridge.web.api.v1 import convert
from txbridge.web.api.v1.deps import AdminKey, ConnectionId, ExportKey, Language, ReadKey
from txbridge.web.api.v1.idempotent import IDEMPOTENT, Answer, run_once
from txbridge.web.api.v1.schemas import (
    BatchClosePublic,
    BatchCreate,
    BatchDetailPublic,
    BatchPublic,
    BatchResetPublic,
    JobPublic,
    PagePublic,
)
from txbridge.web.deps import Config, Db

router = APIRouter(tags=["batches"])

Offset = Annotated[int, Query(ge=0)]
Limit = Annotated[int, Query(ge=1, le=1000)]


@router.get("/connections/{connection_id}/batches", response_model=PagePublic[BatchPublic])
def list_batches(
    db: Db, key: ReadKey, connection_id: ConnectionId, offset: Offset = 0, limit: Limit = 50
) -> PagePublic[BatchPublic]:
    """The connection's batches, newest first."""
    page = views.list_batches(db, connection_id, offset=offset, limit=limit)
    return PagePublic[BatchPublic](
        items=[convert.batch(row) for row in page.items],
        total=page.total,
        offset=page.offset,
        limit=page.limit,
    )


@router.get("/connections/{connection_id}/batches/{batch_id}", response_model=BatchDetailPublic)
def get_batch(
    db: Db,
    key: ReadKey,
    connection_id: ConnectionId,
    batch_id: int,
    language: Language,
    status: ItemStatus | None = None,
    offset: Offset = 0,
    limit: Limit = 100,
) -> BatchDetailPublic:
    """One batch and a page of its postings (filtered by posting status)."""
    detail = views.batch_detail(
        db, batch_id, connection_id=connection_id, status=status, offset=offset, limit=limit
    )
    return convert.batch_detail(detail, language)


@router.post(
    "/connections/{connection_id}/batches",
    openapi_extra=IDEMPOTENT,
    response_model=BatchClosePublic,
    status_code=201,
    responses={200: {"model": BatchClosePublic, "description": "No invoice was ready: no batch made."}},
)
async def post_batch(
    request: Request,
    db: Db,
    key: ExportKey,
    connection_id: ConnectionId,
    language: Language,
    batch: BatchCreate,
) -> Response:
    """Close a batch: the ready invoices of the period, in no batch yet, go into a new pending batch.
    The invoices left out come back with their reason."""

    def handle() -> Answer:
        result = close_batch(db, connection_id, batch.period)
        return (201 if result.batch_id is not None else 200), convert.batch_close(result, language)

    def location(body: Any) -> dict[str, str]:
        made = body.get("batchId")
        return {"Location": f"{request.url.path}/{made}"} if made is not None else {}

    return await run_once(request, db, key, await request.body(), handle, headers=location)


@router.post(
    "/connections/{connection_id}/batches/{batch_id}/export",
    openapi_extra=IDEMPOTENT,
    response_model=JobPublic,
    status_code=202,
)
async def export_batch(
    request: Request,
    db: Db,
    settings: Config,
    key: ExportKey,
    connection_id: ConnectionId,
    batch_id: int,
    language: Language,
) -> Response:
    """Start the batch's export as a job (or answer the batch's queued or running export job).
    Follow it at ``GET /api/v1/jobs/{id}``."""

    def handle() -> Answer:
        batch_of_connection(db, connection_id, batch_id)
        info = jobs.start_export(db, settings, batch_id, requested_by=key.label)
        return 202, convert.job(info, language)

    def location(body: Any) -> dict[str, str]:
        return {"Location": f"/api/v1/jobs/{body['id']}"}

    return await run_once(request, db, key, await request.body(), handle, headers=location)


@router.post(
    "/connections/{connection_id}/batches/{batch_id}/reset",
    openapi_extra=IDEMPOTENT,
    response_model=BatchResetPublic,
)
async def reset(
    request: Request, db: Db, key: AdminKey, connection_id: ConnectionId, batch_id: int
) -> Response:
    """Administrator action (scope ``admin``): the batch's failed postings go back to pending, for
    the next export. Logged with the key's name."""

    def handle() -> Answer:
        batch_of_connection(db, connection_id, batch_id)
        count = reset_batch(db, batch_id, actor=key.label)
        return 200, BatchResetPublic(batch_id=batch_id, reset=count)

    return await run_once(request, db, key, await request.body(), handle)
