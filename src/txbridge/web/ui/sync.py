"""Two-way sync screens: «Synkronisering» (where the sync of a connection stands, with «Start første
synkronisering» and «Send endringer nå», both run as jobs; the progress refreshes while one runs),
«Synk-logg» (every object that did not sync, or synced with a conflict resolved: both ids and names,
the direction, the rule and the fix; with filters, like the seed's «Logs» tab) and «Til avgjørelse»
(matches held for a person: link to one candidate, create new, or leave out). They use the read
models in ``flows.views.sync``; the decision is ``flows.sync.resolve_held``; the runs are started
through the jobs API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from txbridge.catalog import Bilingual, Message
from txbridge.catalog import render as render_message
from txbridge.flows import accounts
from txbridge.flows.sync import SyncError, hostwebhooks, resolve_held
from txbridge.flows.views import connections as connection_views
from txbridge.flows.views import sync as views
from txbridge.jobs import api as jobs
from txbridge.store import SyncDirection, SyncOutcome, SyncResource
from txbridge.web.deps import Admin, Config, Db, User
from txbridge.web.rendering import render
from txbridge.web.ui.common import see_other

router = APIRouter()


def _choice(value: str, enum: type[SyncResource] | type[SyncDirection] | type[SyncOutcome]) -> str | None:
    return value if value in {m.value for m in enum} else None


@router.get("/sync/log")
def sync_log(
    request: Request,
    db: Db,
    _user: User,
    connection: str = "",
    resource: str = "",
    direction: str = "",
    outcome: str = "",
    rule: str = "",
    offset: int = 0,
) -> Response:
    wanted_resource = _choice(resource, SyncResource)
    wanted_direction = _choice(direction, SyncDirection)
    wanted_outcome = _choice(outcome, SyncOutcome)
    page = views.list_sync_log(
        db,
        connection_id=int(connection) if connection.isdigit() else None,
        resource=SyncResource(wanted_resource) if wanted_resource else None,
        direction=SyncDirection(wanted_direction) if wanted_direction else None,
        outcome=SyncOutcome(wanted_outcome) if wanted_outcome else None,
        rule=rule.strip() or None,
        offset=offset,
        limit=50,
    )
    filters = {
        "connection": connection,
        "resource": resource,
        "direction": direction,
        "outcome": outcome,
        "rule": rule,
    }
    known = connection_views.list_connections(db)
    endpoints = [
        (c, e)
        for c in known
        if not connection or str(c.id) == connection
        for e in hostwebhooks.list_endpoints(db, c.id)
    ]
    return render(
        request,
        "sync/log.html",
        page=page,
        filters=filters,
        endpoints=endpoints,
        connections=known,
        resources=list(SyncResource),
        directions=list(SyncDirection),
        outcomes=list(SyncOutcome),
    )


def _held_page(
    request: Request, db: Db, connection: str, *, done: str = "", error: Message | None = None
) -> Response:
    known = connection_views.list_connections(db)
    chosen = [c for c in known if not connection or str(c.id) == connection]
    groups = [(c, views.list_held(db, c.id)) for c in chosen]
    return render(
        request,
        "sync/held.html",
        status_code=422 if error else 200,
        groups=[(c, rows) for c, rows in groups if rows],
        connections=known,
        filters={"connection": connection},
        done=done,
        error=error,
    )


@router.get("/sync/held")
def held_matches(request: Request, db: Db, _user: User, connection: str = "", done: str = "") -> Response:
    return _held_page(request, db, connection, done=done)


@router.post("/sync/held/{held_id}")
def decide(
    request: Request,
    db: Db,
    user: User,
    held_id: int,
    decision: Annotated[str, Form()] = "",
    connection: Annotated[str, Form()] = "",
) -> Response:
    """One decision: ``link:<tripletex id>``, ``create_new`` or ``skip``."""
    back = f"/sync/held?connection={connection}" if connection.isdigit() else "/sync/held"
    kind, _, target = decision.partition(":")
    try:
        if kind == "link" and target.isdigit():
            resolve_held(db, held_id, link_to=int(target), decided_by=user.username)
        elif kind in ("create_new", "skip") and not target:
            resolve_held(
                db, held_id, create_new=kind == "create_new", skip=kind == "skip", decided_by=user.username
            )
        else:
            raise SyncError(
                render_message(
                    "sync_held_bad_choice",
                    held=held_id,
                    choice=decision or "—",
                    candidates=Bilingual("velg én av dem", "choose one of them"),
                )
            )
    except SyncError as exc:
        return _held_page(request, db, connection, error=exc.message)
    return see_other(f"{back}{'&' if '?' in back else '?'}done={held_id}")


# ---- «Synkronisering»: the status, the initial sync and a push ---------------------------------------


def _status_context(db: Db, settings: Config, connection_id: int) -> dict[str, Any]:
    last = jobs.last_sync_jobs(db, settings, connection_id)
    return {
        "connection": connection_views.connection_detail(db, connection_id),
        "status": views.sync_status(db, connection_id),
        "initial_job": last.initial,
        "push_job": last.push,
        "active": last.active,
    }


def _overview(
    request: Request,
    db: Db,
    settings: Config,
    connection: str,
    *,
    started: str = "",
    error: Message | None = None,
    status_code: int = 200,
) -> Response:
    known = connection_views.list_connections(db)
    chosen = next((c for c in known if str(c.id) == connection), known[0] if known else None)
    context = _status_context(db, settings, chosen.id) if chosen is not None else {}
    return render(
        request,
        "sync/overview.html",
        status_code=status_code,
        connections=known,
        chosen=chosen,
        started=started,
        error=error,
        **context,
    )


@router.get("/sync")
def overview(
    request: Request, db: Db, settings: Config, _user: User, connection: str = "", started: str = ""
) -> Response:
    return _overview(request, db, settings, connection, started=started if started.isdigit() else "")


@router.get("/sync/connections/{connection_id}/status")
def status_box(request: Request, db: Db, settings: Config, _user: User, connection_id: int) -> Response:
    """The status alone (polled by htmx while a sync job is queued or running)."""
    return render(request, "sync/_status.html", **_status_context(db, settings, connection_id))


@router.get("/sync/connections/{connection_id}/initial")
def initial_confirm(request: Request, db: Db, _user: Admin, connection_id: int) -> Response:
    """What the initial sync will do, in the seed's two steps, before it starts."""
    connection = connection_views.connection_detail(db, connection_id)
    return render(request, "sync/confirm_initial.html", connection=connection)


def _start(
    request: Request,
    db: Db,
    settings: Config,
    user: User,
    connection_id: int,
    start: Callable[..., jobs.JobInfo],
    what: tuple[str, str],
) -> Response:
    connection_views.connection_detail(db, connection_id)
    try:
        job = start(db, settings, connection_id, requested_by=user.username)
    except jobs.JobAlreadyActive as exc:
        return _overview(request, db, settings, str(connection_id), error=exc.message, status_code=409)
    except jobs.JobError as exc:
        return _overview(request, db, settings, str(connection_id), error=exc.message, status_code=422)
    accounts.log_action(
        db,
        user,
        nb=f"{what[0]} startet (jobb {job.id})",
        en=f"{what[1]} started (job {job.id})",
        connection_id=connection_id,
        object_type="sync",
        object_key=job.task,
    )
    return see_other(f"/sync?connection={connection_id}&started={job.id}")


@router.post("/sync/connections/{connection_id}/initial")
def start_initial(request: Request, db: Db, settings: Config, user: Admin, connection_id: int) -> Response:
    return _start(
        request,
        db,
        settings,
        user,
        connection_id,
        jobs.start_initial_sync,
        ("Første synkronisering", "The initial sync"),
    )


@router.post("/sync/connections/{connection_id}/push")
def start_push(request: Request, db: Db, settings: Config, user: Admin, connection_id: int) -> Response:
    return _start(
        request,
        db,
        settings,
        user,
        connection_id,
        jobs.start_sync_push,
        ("Sending av endringer til Tripletex", "Sending the changes to Tripletex"),
    )
