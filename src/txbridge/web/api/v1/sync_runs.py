"""Running the two-way sync through the REST API: start the initial sync (scope ``admin``, a set-up
action), push the host's pending changes now (scope ``export``: it writes to Tripletex), and read
where the sync stands (scope ``read``). Starts are jobs, never run in the request; one of each kind
runs at a time per connection, and a second start while one is queued or running answers 409 with
that job's id."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response

from txbridge.flows.views.sync import ResourceStatus, sync_status
from txbridge.jobs import api as jobs
from txbridge.settings import Settings
from txbridge.store import Database, SyncResource
from txbridge.web.api.v1 import convert
from txbridge.web.api.v1.deps import AdminKey, ConnectionId, ExportKey, Language, ReadKey
from txbridge.web.api.v1.idempotent import IDEMPOTENT, Answer, run_once
from txbridge.web.api.v1.problems import ApiProblem
from txbridge.web.api.v1.schemas import JobPublic, _Schema
from txbridge.web.deps import Config, Db

router = APIRouter(tags=["sync"])

PATH = "/connections/{connection_id}/sync"


class SyncResourceStatusPublic(_Schema):
    resource: SyncResource
    #: The initial sync's step for this resource: ``pull`` (step 1, reading Tripletex), ``match``
    #: (step 1, linking), ``create`` (step 2, creating on the other side) or ``done``.
    step: Literal["pull", "match", "create", "done"]
    read_from_tripletex: int
    host_objects: int
    linked: int
    held: int
    not_synced: int
    refused: int
    completed_at: datetime | None

    @classmethod
    def of(cls, row: ResourceStatus) -> SyncResourceStatusPublic:
        return cls(
            resource=row.resource,
            step=row.step,
            read_from_tripletex=row.read,
            host_objects=row.host_objects,
            linked=row.linked,
            held=row.held,
            not_synced=row.not_synced,
            refused=row.refused,
            completed_at=row.completed_at,
        )


class SyncStatusPublic(_Schema):
    connection_id: int
    #: ``not_started``, ``step1`` (read Tripletex and link what overlaps), ``step2`` (create what
    #: exists on one side only on the other) or ``done``.
    phase: Literal["not_started", "step1", "step2", "done"]
    completed_at: datetime | None
    resources: list[SyncResourceStatusPublic]
    #: Matches waiting for a person (``GET …/sync/held``).
    held: int
    #: Objects Tripletex refused (``GET …/sync/log?outcome=failed``).
    refused: int
    last_logged_at: datetime | None
    #: The newest initial-sync and push jobs (their state, attempts and failure message).
    initial_job: JobPublic | None
    push_job: JobPublic | None


#: A start while one of its kind is queued or running (documented on top of the shared 409).
_BUSY: dict[int | str, dict[str, Any]] = {
    409: {
        "description": "Idempotency-Key reused or in use; or one of these runs is already queued or "
        "running: `jobId` in the problem names that job.",
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/ProblemPublic"}}},
    }
}


def _job_location(body: Any) -> dict[str, str]:
    return {"Location": f"/api/v1/jobs/{body['id']}"}


async def _start(
    request: Request,
    db: Database,
    settings: Settings,
    key: Any,
    connection_id: int,
    language: str,
    start: Callable[..., jobs.JobInfo],
) -> Response:
    def handle() -> Answer:
        try:
            info = start(db, settings, connection_id, requested_by=key.label)
        except jobs.JobAlreadyActive as exc:
            raise ApiProblem(exc.message, 409, extra={"jobId": exc.job.id}) from None
        return 202, convert.job(info, language)

    return await run_once(request, db, key, await request.body(), handle, headers=_job_location)


@router.post(
    PATH + "/initial",
    openapi_extra=IDEMPOTENT,
    response_model=JobPublic,
    status_code=202,
    responses=_BUSY,
)
async def post_initial_sync(
    request: Request, db: Db, settings: Config, key: AdminKey, connection_id: ConnectionId, language: Language
) -> Response:
    """Start the initial sync as a job, both steps: read Tripletex's customers, employees and
    projects and link what overlaps (held for a person where not certain), then create what exists
    on one side only on the other. A rerun continues where a stopped one ended; a finished one does
    nothing again. Follow it at ``GET …/sync/status`` or ``GET /api/v1/jobs/{id}``."""
    return await _start(request, db, settings, key, connection_id, language, jobs.start_initial_sync)


@router.post(
    PATH + "/push",
    openapi_extra=IDEMPOTENT,
    response_model=JobPublic,
    status_code=202,
    responses=_BUSY,
)
async def post_sync_push(
    request: Request,
    db: Db,
    settings: Config,
    key: ExportKey,
    connection_id: ConnectionId,
    language: Language,
) -> Response:
    """Send the host's pending changes to Tripletex now, as a job (422 ``sync_initial_not_done``
    before the initial sync has finished)."""
    return await _start(request, db, settings, key, connection_id, language, jobs.start_sync_push)


@router.get(PATH + "/status", response_model=SyncStatusPublic)
def get_sync_status(
    db: Db, settings: Config, key: ReadKey, connection_id: ConnectionId, language: Language
) -> SyncStatusPublic:
    """Where the sync stands: the initial sync's step per resource and what is linked, held and
    refused, with the newest initial-sync and push jobs."""
    status = sync_status(db, connection_id)
    last = jobs.last_sync_jobs(db, settings, connection_id)
    return SyncStatusPublic(
        connection_id=connection_id,
        phase=status.phase,
        completed_at=status.completed_at,
        resources=[SyncResourceStatusPublic.of(r) for r in status.resources],
        held=status.held,
        refused=status.refused,
        last_logged_at=status.last_logged_at,
        initial_job=convert.job(last.initial, language) if last.initial else None,
        push_job=convert.job(last.push, language) if last.push else None,
    )
