"""``/metrics``: jobs by state and task, API calls and 429s per connection, items, latency."""

from __future__ import annotations

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.jobs.conftest import QUICK, Shop
from txbridge.jobs import api, metrics
from txbridge.jobs.runner import EmbeddedRunner


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def test_metrics_count_what_the_jobs_did(shop: Shop) -> None:
    connection = str(shop.envs[0].connection_id)
    before = samples(metrics.render(shop.db).decode())
    calls_before = before.get(("txbridge_api_calls_total", (("connection", connection),)), 0.0)
    api.start_export(shop.db, shop.settings, shop.batch_ids[0], requested_by="ola")
    api.start_export(shop.db, shop.settings, shop.batch_ids[1], requested_by="ola")
    EmbeddedRunner(shop.db, shop.settings, options=QUICK).run_until_idle()
    found = samples(metrics.render(shop.db).decode())
    assert found[("txbridge_jobs", (("state", "succeeded"), ("task", "export_batch")))] == 2
    assert found[("txbridge_export_postings", (("status", "exported"),))] == 12
    assert found[("txbridge_api_calls_total", (("connection", connection),))] > calls_before
    assert ("txbridge_api_rate_limited_total", (("connection", connection),)) in found
    assert found[("txbridge_job_duration_seconds_count", (("task", "export_batch"),))] >= 2
    assert found[("txbridge_export_items_total", (("status", "exported"),))] >= 12


@pytest.mark.asyncio
async def test_the_asgi_app_answers_prometheus_text(shop: Shop) -> None:
    api.start_export(shop.db, shop.settings, shop.batch_ids[0], requested_by="ola")
    transport = httpx.ASGITransport(app=api.metrics_app(shop.db))
    async with httpx.AsyncClient(transport=transport, base_url="http://web") as client:
        response = await client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert 'txbridge_jobs{state="queued",task="export_batch"} 1.0' in response.text
