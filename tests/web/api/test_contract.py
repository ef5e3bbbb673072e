"""The API's answers agree with its own OpenAPI document (checked by openapi-core): what the document
promises a generated client is what the API sends, success and problem details alike."""

from __future__ import annotations

import json

import httpx
from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest, MockResponse

from tests.web.api.conftest import once
from tests.web.conftest import FAILING, OCTOBER, World
from txbridge.web.api.v1 import openapi


def _check(spec: OpenAPI, answer: httpx.Response) -> None:
    request = answer.request
    mock_request = MockRequest(
        "http://bridge.test",
        request.method.lower(),
        request.url.path,
        args=dict(request.url.params),
        headers=dict(request.headers),
        data=request.content or None,
        content_type="application/json",
    )
    mock_response = MockResponse(
        answer.content,
        status_code=answer.status_code,
        headers=dict(answer.headers),
        content_type=answer.headers["content-type"].split(";")[0],
    )
    spec.validate_response(mock_request, mock_response)


async def test_answers_match_the_document(world: World, api: httpx.AsyncClient) -> None:
    # Problem details are JSON under their own media type.
    config = Config(extra_media_type_deserializers={"application/problem+json": json.loads})
    spec = OpenAPI.from_dict(openapi.document(), config=config)
    base = f"/api/v1/connections/{world.connection_id}"
    closed = await api.post(f"{base}/batches", json={"period": "2026-10"}, headers=once())
    batch_id = closed.json()["batchId"]
    answers = [
        await api.get("/api/v1/connections"),
        await api.get(base),
        await api.post(
            f"{base}/customers", json=[{"number": 1, "name": "A"}, {"number": "x"}], headers=once()
        ),
        closed,
        await api.get(f"{base}/batches"),
        await api.get(f"{base}/batches/{batch_id}", params={"limit": 3}),
        await api.get(f"{base}/invoices/{OCTOBER[0]}"),
        await api.get(f"{base}/invoices/{FAILING}/diagnosis"),
        await api.get(f"{base}/log"),
        await api.get(f"{base}/batches/999"),
        await api.post(f"{base}/batches", json={"period": "2026-10"}),
    ]
    for answer in answers:
        _check(spec, answer)
