"""``POST /webhooks/tripletex/{connection_id}``: Tripletex's event callbacks.

The flow checks the auth header and the HMAC-SHA512 signature and keeps the event in the inbox; the
route answers at once (Tripletex disables a subscription whose target is slow or failing) and queues
the connection's ``webhook_event`` job, which fetches and applies the object. A duplicate delivery is
acknowledged (200) and ignored; a forged or unsigned call gets 401 and nothing is stored."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from txbridge.flows.sync import inbox
from txbridge.jobs import api as jobs
from txbridge.web.deps import Config, Db

router = APIRouter()
#: Larger bodies are refused before they are read whole: a callback with ``fields=id,version`` is tiny.
MAX_BODY_BYTES = 256 * 1024


@router.post("/webhooks/tripletex/{connection_id}", include_in_schema=False)
async def tripletex_event(connection_id: int, request: Request, db: Db, settings: Config) -> JSONResponse:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        return JSONResponse({"status": "refused", "reason": "body too large"}, status_code=413)
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        return JSONResponse({"status": "refused", "reason": "body too large"}, status_code=413)
    headers = {name.lower(): value for name, value in request.headers.items()}
    received = await run_in_threadpool(inbox.receive, db, settings, connection_id, headers=headers, body=body)
    if received.verdict == "refused":
        reason = received.message.en if received.message is not None else "refused"
        return JSONResponse({"status": "refused", "reason": reason}, status_code=401)
    if received.new:
        await run_in_threadpool(
            jobs.start_webhook_processing, db, settings, connection_id, requested_by="webhook"
        )
    return JSONResponse({"status": received.verdict})
