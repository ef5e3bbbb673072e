"""Timesheet entries over real HTTP: the rules Tripletex applies to hours."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest


@dataclass
class Setup:
    client: httpx.Client
    employee: int
    project: int
    project_activity: int
    general_activity: int

    def entry(self, **overrides: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "employee": {"id": self.employee},
            "project": {"id": self.project},
            "activity": {"id": self.project_activity},
            "date": "2026-02-02",
            "hours": 7.5,
        }
        body.update(overrides)
        return {k: v for k, v in body.items() if v is not None}


@pytest.fixture
def setup(sandbox_client: httpx.Client) -> Setup:
    employee = sandbox_client.get("/employee").json()["values"][0]["id"]
    project = sandbox_client.post(
        "/project",
        json={
            "name": "Hytte",
            "projectManager": {"id": employee},
            "startDate": "2026-01-01",
            "endDate": "2026-06-30",
        },
    ).json()["value"]["id"]
    activities = sandbox_client.get("/activity").json()["values"]
    by_name = {a["name"]: a["id"] for a in activities}
    return Setup(sandbox_client, employee, project, by_name["Fakturerbart arbeid"], by_name["Administrasjon"])


def field_of(response: httpx.Response) -> str:
    assert response.status_code == 422, response.text
    field_name: str = response.json()["validationMessages"][0]["field"]
    return field_name


def test_create_derives_chargeable_and_rate(setup: Setup) -> None:
    created = setup.client.post("/timesheet/entry", json=setup.entry(comment="Grunnmur"))
    assert created.status_code == 201, created.text
    entry = created.json()["value"]
    assert (entry["hours"], entry["chargeable"], entry["chargeableHours"], entry["hourlyRate"]) == (
        7.5,
        True,
        7.5,
        1200,
    )
    general = setup.client.post(
        "/timesheet/entry", json=setup.entry(project=None, activity={"id": setup.general_activity}, hours=1)
    )
    assert general.status_code == 201
    assert general.json()["value"]["chargeable"] is False


def test_search_needs_a_date_range_from_inclusive_to_exclusive(setup: Setup) -> None:
    for day in ("2026-02-01", "2026-02-02", "2026-02-03"):
        setup.client.post("/timesheet/entry", json=setup.entry(date=day)).raise_for_status()
    missing = setup.client.get("/timesheet/entry", params={"dateFrom": "2026-02-01"})
    assert (field_of(missing), missing.json()["code"]) == ("dateTo", 15000)
    found = setup.client.get("/timesheet/entry", params={"dateFrom": "2026-02-02", "dateTo": "2026-02-03"})
    assert [e["date"] for e in found.json()["values"]] == ["2026-02-02"]
    by_project = setup.client.get(
        "/timesheet/entry",
        params={"dateFrom": "2026-01-01", "dateTo": "2027-01-01", "projectId": str(setup.project)},
    )
    assert by_project.json()["fullResultSize"] == 3
    total = setup.client.get(
        "/timesheet/entry/>totalHours", params={"startDate": "2026-02-01", "endDate": "2026-02-03"}
    )
    assert total.json()["value"] == 15.0


def test_rules(setup: Setup) -> None:
    client = setup.client
    assert field_of(client.post("/timesheet/entry", json=setup.entry(employee=None))) == "employee.id"
    assert field_of(client.post("/timesheet/entry", json=setup.entry(activity=None))) == "activity.id"
    assert field_of(client.post("/timesheet/entry", json=setup.entry(date=None))) == "date"
    assert field_of(client.post("/timesheet/entry", json=setup.entry(hours=None))) == "hours"
    assert field_of(client.post("/timesheet/entry", json=setup.entry(hours=25))) == "hours"
    assert field_of(client.post("/timesheet/entry", json=setup.entry(hours=-1))) == "hours"
    assert field_of(client.post("/timesheet/entry", json=setup.entry(project=None))) == "project.id"
    assert field_of(
        client.post("/timesheet/entry", json=setup.entry(activity={"id": setup.general_activity}))
    ) == ("activity.id")
    assert field_of(client.post("/timesheet/entry", json=setup.entry(date="2025-12-31"))) == "date"
    assert field_of(client.post("/timesheet/entry", json=setup.entry(date="2026-07-01"))) == "date"
    assert field_of(client.post("/timesheet/entry", json=setup.entry(project={"id": 1}))) == "project.id"


def test_at_most_24_hours_a_day_and_no_duplicates(setup: Setup) -> None:
    client = setup.client
    first = client.post("/timesheet/entry", json=setup.entry(hours=20)).json()["value"]
    duplicate = client.post("/timesheet/entry", json=setup.entry(hours=1))
    assert (duplicate.status_code, duplicate.json()["code"]) == (409, 14000)
    too_many = client.post(
        "/timesheet/entry", json=setup.entry(project=None, activity={"id": setup.general_activity}, hours=5)
    )
    assert field_of(too_many) == "hours"
    # the same entry may be updated within the limit
    updated = client.put(f"/timesheet/entry/{first['id']}", json={"hours": 24, "version": 0})
    assert updated.json()["value"]["hours"] == 24


def test_list_update_and_delete(setup: Setup) -> None:
    client = setup.client
    created = client.post(
        "/timesheet/entry/list", json=[setup.entry(date="2026-03-02"), setup.entry(date="2026-03-03")]
    )
    assert created.status_code == 201
    a, b = created.json()["values"]
    all_or_nothing = client.post(
        "/timesheet/entry/list", json=[setup.entry(date="2026-03-04"), setup.entry(hours=99)]
    )
    assert all_or_nothing.status_code == 422
    window = {"dateFrom": "2026-03-01", "dateTo": "2026-04-01"}
    assert client.get("/timesheet/entry", params=window).json()["fullResultSize"] == 2

    changed = client.put("/timesheet/entry/list", json=[{"id": a["id"], "version": 0, "comment": "Endret"}])
    assert changed.json()["values"][0]["comment"] == "Endret"
    stale = client.delete(f"/timesheet/entry/{a['id']}", params={"version": 0})
    assert (stale.status_code, stale.json()["code"]) == (409, 8000)
    assert client.delete(f"/timesheet/entry/{a['id']}", params={"version": 1}).status_code == 204
    assert client.delete(f"/timesheet/entry/{b['id']}").status_code == 204
    assert client.get(f"/timesheet/entry/{a['id']}").status_code == 404
    # a project with hours cannot be deleted; without them it can
    client.post("/timesheet/entry", json=setup.entry()).raise_for_status()
    assert client.delete(f"/project/{setup.project}").status_code == 422


def test_list_update_refused_late_changes_nothing(setup: Setup) -> None:
    """The second item breaks the 24-hour rule: the first item's change is not kept either."""
    client = setup.client
    a, b = client.post(
        "/timesheet/entry/list", json=[setup.entry(date="2026-04-06"), setup.entry(date="2026-04-07")]
    ).json()["values"]
    refused = client.put(
        "/timesheet/entry/list",
        json=[{"id": a["id"], "hours": 2, "comment": "Endret"}, {"id": b["id"], "hours": 30}],
    )
    assert field_of(refused) == "hours"
    kept = client.get(f"/timesheet/entry/{a['id']}").json()["value"]
    assert (kept["hours"], kept["comment"], kept["version"]) == (a["hours"], a["comment"], a["version"])


def test_activity_must_be_usable_on_the_project(setup: Setup) -> None:
    activities = setup.client.get("/activity", params={"isProjectActivity": True}).json()["values"]
    other = next(a["id"] for a in activities if a["id"] != setup.project_activity)
    linked = setup.client.post(
        "/project",
        json={
            "name": "Kai",
            "projectManager": {"id": setup.employee},
            "startDate": "2026-01-01",
            "projectActivities": [{"activity": {"id": setup.project_activity}}],
        },
    ).json()["value"]["id"]
    usable = setup.client.get(
        "/activity/>forTimeSheet", params={"projectId": linked, "date": "2026-02-02"}
    ).json()["values"]
    assert [a["id"] for a in usable] == [setup.project_activity]
    refused = setup.client.post(
        "/timesheet/entry", json=setup.entry(project={"id": linked}, activity={"id": other})
    )
    # Tripletex's shape: 422, code 18000, the validation message on the field ``activity``.
    assert (refused.status_code, refused.json()["code"], field_of(refused)) == (422, 18000, "activity")
    assert "not linked to the project" in refused.json()["validationMessages"][0]["message"]
    accepted = setup.client.post("/timesheet/entry", json=setup.entry(project={"id": linked}))
    assert accepted.status_code == 201, accepted.text
    # A project that lists no activities takes every project activity.
    every = setup.client.get(
        "/activity/>forTimeSheet", params={"projectId": setup.project, "date": "2026-02-02"}
    ).json()["values"]
    assert {a["id"] for a in every} == {a["id"] for a in activities}


def test_a_comment_marker_is_found_by_search(setup: Setup) -> None:
    # The hours export's never-twice marker lives in the comment: Tripletex's `comment` search
    # ("containing") finds it inside the host's own text.
    setup.client.post("/timesheet/entry", json=setup.entry(comment="Grunnmur [TXB-H17-3]")).raise_for_status()
    found = setup.client.get(
        "/timesheet/entry",
        params={"dateFrom": "2026-02-01", "dateTo": "2026-03-01", "comment": "[txb-h17-3]"},
    ).json()["values"]
    assert [e["comment"] for e in found] == ["Grunnmur [TXB-H17-3]"]


def test_for_time_sheet_honours_the_employee_and_the_day(setup: Setup) -> None:
    """An activity is offered only where that employee may register hours that day: within the
    project's dates, on an open project, and on a participants-only project for its participants."""
    client = setup.client
    other, outsider = (_new_employee(client, name) for name in ("Deltager", "Utenfor"))
    members = client.post(
        "/project",
        json={
            "name": "Lukket krets",
            "projectManager": {"id": setup.employee},
            "startDate": "2026-01-01",
            "endDate": "2026-06-30",
            "forParticipantsOnly": True,
            "participants": [{"employee": {"id": other}}],
        },
    ).json()["value"]["id"]

    def offered(project: int, day: str, employee: int | None = None) -> set[int]:
        params: dict[str, Any] = {"projectId": project, "date": day}
        if employee is not None:
            params["employeeId"] = employee
        response = client.get("/activity/>forTimeSheet", params=params)
        assert response.status_code == 200, response.text
        return {a["id"] for a in response.json()["values"]}

    assert setup.project_activity in offered(setup.project, "2026-02-02")
    assert offered(setup.project, "2025-12-31") == set()  # before the project's start
    assert offered(setup.project, "2026-07-01") == set()  # after its end
    assert setup.project_activity in offered(members, "2026-02-02", other)  # a participant
    assert setup.project_activity in offered(members, "2026-02-02", setup.employee)  # the manager
    assert offered(members, "2026-02-02", outsider) == set()
    # The write agrees with what is offered.
    refused = client.post(
        "/timesheet/entry", json=setup.entry(project={"id": members}, employee={"id": outsider})
    )
    assert field_of(refused) == "employee"
    taken = client.post("/timesheet/entry", json=setup.entry(project={"id": members}, employee={"id": other}))
    assert taken.status_code == 201, taken.text
    # A closed project offers nothing.
    client.put(f"/project/{setup.project}", json={"isClosed": True}).raise_for_status()
    assert offered(setup.project, "2026-02-02") == set()
    bad = client.get("/activity/>forTimeSheet", params={"projectId": setup.project, "date": "2. feb"})
    assert (bad.status_code, bad.json()["validationMessages"][0]["field"]) == (422, "date")


def _new_employee(client: httpx.Client, last_name: str) -> int:
    department = client.get("/department", params={"fields": "id", "count": 1}).json()["values"][0]["id"]
    body = {"firstName": "Ola", "lastName": last_name, "department": {"id": department}}
    employee: int = client.post("/employee", json=body).json()["value"]["id"]
    return employee
