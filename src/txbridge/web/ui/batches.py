"""Export batches: the list and «Close batch», the batch page (postings paginated and filtered by
status), «Export» as a job with live progress (htmx polling; the page can be closed and reopened),
«Hvorfor? / Why?» (the troubleshooter) and the administrator actions (reset, clear a reference),
each behind a confirmation page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from txbridge.flows import accounts
from txbridge.flows.diagnose.items import diagnose_item
from txbridge.flows.export import batches as batch_flow
from txbridge.flows.views import batches as views
from txbridge.flows.views import connections as connection_views
from txbridge.jobs import api as jobs
from txbridge.settings import Settings
from txbridge.store import Database, ItemStatus
from txbridge.web.deps import Admin, Config, Db, User
from txbridge.web.rendering import render
from txbridge.web.ui.common import message_of, see_other

router = APIRouter()

#: Jobs still to finish: the page keeps asking for progress while the batch's export is one of these.
_ACTIVE = ("queued", "running")


def _not_found(request: Request, error: LookupError) -> Response:
    message = message_of(error)
    if message is None:
        raise error
    return render(request, "error.html", status_code=404, message=message)


@router.get("/connections/{connection_id}/batches")
def list_batches(
    request: Request, db: Db, _user: User, connection_id: int, offset: int = 0, period: str | None = None
) -> Response:
    try:
        connection = connection_views.connection_detail(db, connection_id)
    except LookupError as exc:
        return _not_found(request, exc)
    page = views.list_batches(db, connection_id, offset=offset, limit=50)
    return render(
        request, "batches/list.html", connection=connection, page=page, closed=None, period=period or ""
    )


@router.post("/connections/{connection_id}/batches/close")
def close_batch(
    request: Request, db: Db, user: User, connection_id: int, period: Annotated[str, Form()] = ""
) -> Response:
    """«Close batch» for a period: the ready invoices go into a new batch; those left out are listed."""
    try:
        connection = connection_views.connection_detail(db, connection_id)
    except LookupError as exc:
        return _not_found(request, exc)
    period = period.strip()
    try:
        closed = batch_flow.close_batch(db, connection_id, period)
    except ValueError:
        closed = None
    if closed is not None and closed.batch_id is not None:
        accounts.log_action(
            db,
            user,
            nb=f"Bunt {closed.batch_id} for {period} avsluttet",
            en=f"Batch {closed.batch_id} for {period} closed",
            connection_id=connection_id,
            object_type="batch",
            object_key=str(closed.batch_id),
        )
    page = views.list_batches(db, connection_id, offset=0, limit=50)
    return render(
        request,
        "batches/list.html",
        status_code=200 if closed is not None else 422,
        connection=connection,
        page=page,
        closed=closed,
        bad_period=closed is None,
        period=period,
    )


def _export_job(
    db: Database, settings: Settings, connection_id: int, batch_id: int, job_id: int | None
) -> jobs.JobInfo | None:
    """The export job the page follows: the one named in the URL (after «Export»), else the batch's
    newest among the connection's recent jobs (a page reopened later)."""
    if job_id is not None:
        try:
            job = jobs.get_job(db, settings, job_id)
        except jobs.JobError:
            job = None
        if job is not None and job.batch_id == batch_id:
            return job
    for job in jobs.list_jobs(db, settings, connection_id=connection_id, limit=200):
        if job.batch_id == batch_id:
            return job
    return None


def _status_filter(status: str | None) -> ItemStatus | None:
    try:
        return ItemStatus(status) if status else None
    except ValueError:
        return None


@router.get("/batches/{batch_id}")
def batch_page(
    request: Request,
    db: Db,
    settings: Config,
    _user: User,
    batch_id: int,
    status: str | None = None,
    offset: int = 0,
    job: int | None = None,
) -> Response:
    limit = request.app.state.web.postings_per_page
    wanted = _status_filter(status)
    try:
        detail = views.batch_detail(db, batch_id, status=wanted, offset=offset, limit=limit)
    except LookupError as exc:
        return _not_found(request, exc)
    connection = connection_views.connection_detail(db, detail.batch.connection_id)
    found = _export_job(db, settings, connection.id, batch_id, job)
    return render(
        request,
        "batches/detail.html",
        connection=connection,
        detail=detail,
        batch=detail.batch,
        job=found,
        active=found is not None and found.state in _ACTIVE,
        status=wanted,
        statuses=[s for s in ItemStatus if s is not ItemStatus.REMOVED],
    )


@router.get("/batches/{batch_id}/progress")
def progress(
    request: Request, db: Db, settings: Config, _user: User, batch_id: int, job: int | None = None
) -> Response:
    """The progress bar and the job's state (polled by htmx while the export job is queued or running)."""
    try:
        detail = views.batch_detail(db, batch_id, limit=1)
    except LookupError as exc:
        return _not_found(request, exc)
    found = _export_job(db, settings, detail.batch.connection_id, batch_id, job)
    return render(
        request,
        "batches/_progress.html",
        batch=detail.batch,
        job=found,
        active=found is not None and found.state in _ACTIVE,
    )


@router.post("/batches/{batch_id}/export")
def export(request: Request, db: Db, settings: Config, user: User, batch_id: int) -> Response:
    """Start the export as a job (a second press while one runs returns the same job)."""
    try:
        views.batch_detail(db, batch_id, limit=1)
        started = jobs.start_export(db, settings, batch_id, requested_by=user.username)
    except LookupError as exc:
        return _not_found(request, exc)
    accounts.log_action(
        db,
        user,
        nb=f"Eksport av bunt {batch_id} startet (jobb {started.id})",
        en=f"Export of batch {batch_id} started (job {started.id})",
        connection_id=started.connection_id,
        object_type="batch",
        object_key=str(batch_id),
    )
    return see_other(f"/batches/{batch_id}?job={started.id}")


@router.get("/batches/{batch_id}/why/{invoice_number}")
def why(
    request: Request, db: Db, settings: Config, _user: User, batch_id: int, invoice_number: str
) -> Response:
    """«Hvorfor? / Why?»: the troubleshooter's checks for one posting, those of the batch's kind (an
    invoice, an hour, a day's sales, a POS sale or collective invoice)."""
    try:
        detail = views.batch_detail(db, batch_id, limit=1)
        batch = detail.batch
        diagnosis = diagnose_item(db, settings, batch.connection_id, batch.kind, invoice_number)
    except LookupError as exc:
        return _not_found(request, exc)
    return render(request, "batches/why.html", batch=batch, diagnosis=diagnosis, key=invoice_number)


@router.get("/batches/{batch_id}/reset")
def reset_confirm(request: Request, db: Db, _user: Admin, batch_id: int) -> Response:
    try:
        detail = views.batch_detail(db, batch_id, status=ItemStatus.FAILED, limit=1)
    except LookupError as exc:
        return _not_found(request, exc)
    return render(request, "batches/confirm_reset.html", batch=detail.batch)


@router.post("/batches/{batch_id}/reset")
def reset(request: Request, db: Db, user: Admin, batch_id: int) -> Response:
    try:
        batch_flow.reset_batch(db, batch_id, actor=user.username)
    except LookupError as exc:
        return _not_found(request, exc)
    return see_other(f"/batches/{batch_id}?done=reset")


@router.get("/connections/{connection_id}/clear-reference")
def clear_reference_confirm(
    request: Request, db: Db, _user: Admin, connection_id: int, invoice: str
) -> Response:
    connection = connection_views.connection_detail(db, connection_id)
    return render(request, "batches/confirm_clear.html", connection=connection, invoice=invoice)


@router.post("/connections/{connection_id}/clear-reference")
def clear_reference(
    request: Request, db: Db, user: Admin, connection_id: int, invoice: Annotated[str, Form()]
) -> Response:
    try:
        batch_flow.clear_reference(db, connection_id, invoice, actor=user.username)
    except LookupError as exc:
        return _not_found(request, exc)
    return see_other(f"/connections/{connection_id}/invoices?number={invoice}&done=cleared")
