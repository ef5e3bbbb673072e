"""Monthly timesheet status over real HTTP: complete, approve, reopen, unapprove, and the lock an
approved month puts on its entries.

The lock's answer, 400 with a text saying the timesheet is approved/locked («godkjent»/«låst»), is what
integrators' public code recognises as Tripletex's locked-period refusal (it checks status 400/403 and
those words); the transitions and their parameters (``id`` or ``employeeIds`` + ``monthYear``,
``approvedUntilDate`` defaulting to the end of the month) are the spec's.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

MONTH = "2026-02"


@pytest.fixture
def employee(sandbox_client: httpx.Client) -> int:
    found: int = sandbox_client.get("/employee").json()["values"][0]["id"]
    return found


def _entry(client: httpx.Client, employee: int, day: str, hours: float = 7.5) -> httpx.Response:
    activity = next(
        a["id"] for a in client.get("/activity").json()["values"] if a["name"] == "Administrasjon"
    )
    return client.post(
        "/timesheet/entry",
        json={"employee": {"id": employee}, "activity": {"id": activity}, "date": day, "hours": hours},
    )


def _month(client: httpx.Client, action: str, **params: Any) -> httpx.Response:
    return client.put(f"/timesheet/month/:{action}", params=params)


def test_states_and_transitions(sandbox_client: httpx.Client, employee: int) -> None:
    entry = _entry(sandbox_client, employee, f"{MONTH}-03").json()["value"]
    status = sandbox_client.get(
        "/timesheet/month/byMonthNumber", params={"employeeIds": employee, "monthYear": MONTH}
    ).json()["values"][0]
    assert (status["monthYear"], status["completed"], status["approved"]) == (f"{MONTH}-01", False, False)
    assert [e["id"] for e in status["timesheetEntries"]] == [entry["id"]]
    completed = _month(sandbox_client, "complete", employeeIds=employee, monthYear=MONTH).json()["values"][0]
    assert completed["id"] == status["id"] and completed["completed"] is True
    approved = _month(sandbox_client, "approve", id=status["id"]).json()["values"][0]
    assert approved["approved"] is True and approved["approvedUntilDate"] == f"{MONTH}-28"
    assert approved["approvedBy"]["id"] == employee
    refused = _month(sandbox_client, "reopen", id=status["id"])
    assert refused.status_code == 422 and "unapprove" in refused.text
    unapproved = _month(sandbox_client, "unapprove", id=status["id"]).json()["values"][0]
    assert (unapproved["approved"], unapproved["completed"]) == (False, True)
    reopened = _month(sandbox_client, "reopen", employeeIds=employee, monthYear=f"{MONTH}-01").json()[
        "values"
    ][0]
    assert reopened["completed"] is False
    assert (
        sandbox_client.get(f"/timesheet/month/{status['id']}").json()["value"]["version"]
        == reopened["version"]
    )
    assert _month(sandbox_client, "unapprove", id=status["id"]).status_code == 422


def test_approved_month_locks_its_entries(sandbox_client: httpx.Client, employee: int) -> None:
    entry = _entry(sandbox_client, employee, f"{MONTH}-10").json()["value"]
    later = _entry(sandbox_client, employee, f"{MONTH}-20").json()["value"]
    approved = _month(
        sandbox_client, "approve", employeeIds=employee, monthYear=MONTH, approvedUntilDate=f"{MONTH}-15"
    )
    assert approved.status_code == 200, approved.text
    for response in (
        _entry(sandbox_client, employee, f"{MONTH}-11", hours=1),
        sandbox_client.put(f"/timesheet/entry/{entry['id']}", json={"hours": 2}),
        sandbox_client.delete(f"/timesheet/entry/{entry['id']}"),
        sandbox_client.put(f"/timesheet/entry/{later['id']}", json={"date": f"{MONTH}-12"}),
    ):
        body = response.json()
        assert (response.status_code, body["code"]) == (400, 4000), response.text
        assert "godkjent" in body["message"] and "locked" in body["message"]
    # After approvedUntilDate the month is still open for entries; other months are untouched.
    assert sandbox_client.put(f"/timesheet/entry/{later['id']}", json={"hours": 3}).status_code == 200
    assert _entry(sandbox_client, employee, "2026-03-02").status_code == 201
    _month(sandbox_client, "unapprove", employeeIds=employee, monthYear=MONTH).raise_for_status()
    assert sandbox_client.put(f"/timesheet/entry/{entry['id']}", json={"hours": 2}).status_code == 200


def test_several_months_and_refusals(sandbox_client: httpx.Client, employee: int) -> None:
    months = sandbox_client.get(
        "/timesheet/month/byMonthNumberList",
        params={"employeeIds": employee, "monthYearList": "2026-01,2026-02"},
    ).json()
    assert [m["monthYear"] for m in months["values"]] == ["2026-01-01", "2026-02-01"]
    default_owner = sandbox_client.get(
        "/timesheet/month/byMonthNumber", params={"monthYear": "2026-01"}
    ).json()
    assert default_owner["values"][0]["id"] == months["values"][0]["id"]
    assert sandbox_client.get("/timesheet/month/byMonthNumber").status_code == 422
    assert (
        sandbox_client.get("/timesheet/month/byMonthNumber", params={"monthYear": "jan"}).status_code == 422
    )
    assert (
        _month(sandbox_client, "approve", monthYear=MONTH, approvedUntilDate="2026-03-01").status_code == 422
    )
    assert _month(sandbox_client, "complete", employeeIds=999999, monthYear=MONTH).status_code == 404
    assert _month(sandbox_client, "complete").status_code == 422
    assert sandbox_client.get("/timesheet/month/999999").status_code == 404
