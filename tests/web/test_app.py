"""Where the other parts plug into the app: the REST API router under /api/v1 (and its own answer to
flows errors there), /metrics from the jobs."""

from __future__ import annotations

import sys
import types

import pytest
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.testclient import TestClient
from pydantic import SecretStr

from txbridge.catalog import render
from txbridge.flows.connections import ConnectionFlowError
from txbridge.settings import Settings
from txbridge.store import Database
from txbridge.web import create_app
from txbridge.web.config import WebSettings


def test_the_rest_api_is_mounted_and_answers_flows_errors_its_own_way(
    monkeypatch: pytest.MonkeyPatch, settings: Settings, db: Database
) -> None:
    router = APIRouter()

    @router.get("/connections/{connection_id}")
    def missing(connection_id: int) -> dict[str, int]:
        raise ConnectionFlowError(render("connection_not_found", connection=connection_id))

    async def problem(request: Request, exc: Exception) -> Response:
        message = getattr(exc, "message")  # noqa: B009 - the flows error's catalog message
        return JSONResponse({"type": message.id, "title": message.en}, status_code=404)

    def install(app: FastAPI) -> None:
        app.state.api_error_answer = problem

    module = types.ModuleType("txbridge.web.api.v1")
    module.router = router  # type: ignore[attr-defined]
    module.install = install  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "txbridge.web.api.v1", module)
    with TestClient(create_app(settings, web=WebSettings(), db=db)) as client:
        answer = client.get("/api/v1/connections/7")
        assert answer.status_code == 404
        assert answer.json() == {"type": "connection_not_found", "title": "Connection 7 does not exist"}
        assert answer.headers["content-security-policy"]


def test_without_the_rest_api_the_ui_still_starts(
    monkeypatch: pytest.MonkeyPatch, settings: Settings, db: Database
) -> None:
    monkeypatch.setitem(sys.modules, "txbridge.web.api.v1", None)  # as if the module did not exist
    with TestClient(create_app(settings, web=WebSettings(), db=db)) as anonymous:
        assert anonymous.get("/api/v1/connections/7").status_code == 404
        assert anonymous.get("/metrics").status_code == 401


def test_metrics_are_for_a_scraper_with_the_token_or_a_signed_in_user(
    settings: Settings, db: Database
) -> None:
    web = WebSettings(metrics_token=SecretStr("scrape-me"))
    with TestClient(create_app(settings, web=web, db=db)) as client:
        refused = client.get("/metrics")
        assert refused.status_code == 401 and refused.headers["www-authenticate"].startswith("Bearer")
        assert client.get("/metrics", headers={"authorization": "Bearer wrong"}).status_code == 401
        scraped = client.get("/metrics", headers={"authorization": "Bearer scrape-me"})
        assert scraped.status_code == 200 and scraped.text.startswith("# HELP")
