"""Hours in through the REST API: the same item rules as the file import, the same Idempotency-Key
replay, and a change after the export becoming a correction."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from tests.web.api.conftest import once
from tests.web.conftest import World
from txbridge.store import Database, HoursEntry, HoursState


def _hour(host_id: str, **changes: object) -> dict[str, object]:
    hour: dict[str, object] = {
        "id": host_id,
        "employeeNumber": "101",
        "projectNumber": "1001",
        "activityName": "Fakturerbart arbeid",
        "date": "2026-10-07",
        "hours": "7.5",
    }
    hour.update(changes)
    return hour


async def test_hours_are_accepted_or_rejected_per_item_and_replayed_by_key(
    db: Database, world: World, api: httpx.AsyncClient
) -> None:
    items = [
        _hour("s-1"),
        _hour("s-2", hours="25"),
        _hour("s-3", employeeNumber=None),
        _hour("s-4", date="7/10/2026"),
    ]
    headers = once()
    answer = await api.post(f"/api/v1/connections/{world.connection_id}/hours", json=items, headers=headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["kind"], body["accepted"], body["rejected"]) == ("hours", 1, 3)
    problems = {r["key"]: [(p["field"], p["message"]["id"]) for p in r["problems"]] for r in body["items"]}
    assert problems == {
        "s-1": [],
        "s-2": [("hours", "intake_value_too_large")],
        "s-3": [(None, "hours_employee_missing")],
        "s-4": [("date", "intake_date_ambiguous")],
    }
    replay = await api.post(f"/api/v1/connections/{world.connection_id}/hours", json=items, headers=headers)
    assert replay.json() == body
    with db.transaction() as session:
        stored = session.scalars(select(HoursEntry)).all()
    assert [(e.host_id, str(e.hours), e.state) for e in stored] == [("s-1", "7.50", HoursState.READY)]
