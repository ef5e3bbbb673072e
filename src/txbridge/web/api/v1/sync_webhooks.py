"""The host's webhook endpoints for the change feed through the REST API (scope ``admin``): list
them (the secret masked), add one (its signing secret in the answer, that once), remove one."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from pydantic import Field

from txbridge.flows.sync import hostwebhooks
from txbridge.flows.sync.errors import SyncError
from txbridge.web.api.v1.deps import AdminKey, ConnectionId
from txbridge.web.api.v1.idempotent import IDEMPOTENT, Answer, run_once
from txbridge.web.api.v1.problems import ApiProblem
from txbridge.web.api.v1.schemas import _Schema
from txbridge.web.deps import Config, Db

router = APIRouter(tags=["sync"])


class HostWebhookCreate(_Schema):
    url: str = Field(max_length=500, description="The host's address (http or https) for the change feed.")


class HostWebhookPublic(_Schema):
    id: int
    url: str
    #: Masked: ``whsec_…abcd``.
    secret_hint: str
    active: bool
    #: The last change-feed ``seq`` the endpoint acknowledged.
    delivered_seq: int
    created_at: datetime

    @classmethod
    def of(cls, row: hostwebhooks.EndpointRow) -> HostWebhookPublic:
        return cls(
            id=row.id,
            url=row.url,
            secret_hint=row.secret_hint,
            active=row.active,
            delivered_seq=row.delivered_seq,
            created_at=row.created_at,
        )


class HostWebhookCreated(HostWebhookPublic):
    #: The signing secret, shown in this answer only (kept encrypted; it cannot be read again).
    secret: str


class HostWebhooksPublic(_Schema):
    items: list[HostWebhookPublic]


PATH = "/connections/{connection_id}/sync/webhooks"


@router.get(PATH, response_model=HostWebhooksPublic)
def get_host_webhooks(db: Db, key: AdminKey, connection_id: ConnectionId) -> HostWebhooksPublic:
    """The host's endpoints for the change feed, the secrets masked."""
    return HostWebhooksPublic(
        items=[HostWebhookPublic.of(r) for r in hostwebhooks.list_endpoints(db, connection_id)]
    )


@router.post(PATH, response_model=HostWebhookCreated, status_code=201, openapi_extra=IDEMPOTENT)
async def post_host_webhook(
    request: Request,
    db: Db,
    settings: Config,
    key: AdminKey,
    connection_id: ConnectionId,
    data: HostWebhookCreate,
) -> Response:
    """Add an endpoint: it gets the change feed from the start, signed with the secret in this
    answer (``Txbridge-Signature``; shown once)."""
    body = await request.body()

    def handle() -> Answer:
        made = hostwebhooks.add_endpoint(db, settings, connection_id, data.url)
        row = next(r for r in hostwebhooks.list_endpoints(db, connection_id) if r.id == made.id)
        public = HostWebhookPublic.of(row)
        return 201, HostWebhookCreated(**public.model_dump(), secret=made.secret)

    return await run_once(request, db, key, body, handle)


@router.delete(PATH + "/{endpoint_id}", status_code=204)
def delete_host_webhook(
    db: Db, key: AdminKey, connection_id: ConnectionId, endpoint_id: Annotated[int, Path(ge=1)]
) -> Response:
    """Remove an endpoint: it gets nothing more (the change feed itself stays)."""
    try:
        hostwebhooks.remove_endpoint(db, connection_id, endpoint_id)
    except SyncError as exc:
        raise ApiProblem(exc.message, 404) from None
    return Response(status_code=204)
