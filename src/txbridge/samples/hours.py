"""A time-tracking host's world for the hours export: a team and its projects in a Tripletex company
(made through the API, so it works against the sandbox and a test company alike), and approved
hours for them as the host would send them. Used by the demo, the tests and ``bench/hours_export.py``.

Deterministic: the same arguments give the same team, projects and hours."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import httpx

#: The sandbox's standard project activities (number → name); a project lists some of them.
PROJECT_ACTIVITIES = {"10": "Fakturerbart arbeid", "11": "Prosjektledelse", "12": "Reisetid"}
#: A general activity (no project): internal time.
GENERAL_ACTIVITY = "Administrasjon"
FIRST_EMPLOYEE_NUMBER = 101
FIRST_PROJECT_NUMBER = 1001


@dataclass(frozen=True, slots=True)
class Team:
    """The employees (number, e-mail) and projects (number → usable activity numbers)."""

    employees: tuple[tuple[str, str], ...]
    projects: dict[str, tuple[str, ...]]

    @property
    def project_numbers(self) -> list[str]:
        return sorted(self.projects)


def session_client(base_url: str, consumer_token: str, employee_token: str) -> httpx.Client:
    """An HTTP client on ``…/v2`` with a fresh session (what :func:`make_team` talks through)."""
    session = httpx.put(
        f"{base_url}/token/session/:create",
        params={
            "consumerToken": consumer_token,
            "employeeToken": employee_token,
            "expirationDate": "2099-01-01",
        },
        timeout=60,
    )
    session.raise_for_status()
    return httpx.Client(base_url=base_url, auth=("0", session.json()["value"]["token"]), timeout=60)


def _values(response: httpx.Response) -> list[dict[str, Any]]:
    response.raise_for_status()
    values: list[dict[str, Any]] = response.json()["values"]
    return values


def make_team(api: httpx.Client, *, employees: int, projects: int, start: date) -> Team:
    """Employees and projects in the Tripletex company, in a few bulk calls. Every third project lists
    only «Fakturerbart arbeid» among its activities; the others all three."""
    department = _values(api.get("/department", params={"fields": "id", "count": 1}))[0]["id"]
    people = [
        (str(FIRST_EMPLOYEE_NUMBER + i), f"ansatt{FIRST_EMPLOYEE_NUMBER + i}@svenn-demo.no")
        for i in range(employees)
    ]
    for part in range(0, len(people), 100):
        _values(
            api.post(
                "/employee/list",
                json=[
                    {
                        "firstName": f"Ansatt {number}",
                        "lastName": "Timesen",
                        "employeeNumber": number,
                        "email": email,
                        "department": {"id": department},
                    }
                    for number, email in people[part : part + 100]
                ],
            )
        )
    activities = {
        str(a["number"]): a["id"]
        for a in _values(api.get("/activity", params={"fields": "id,number", "count": 1000}))
    }
    manager = _values(api.get("/employee", params={"fields": "id", "count": 1}))[0]["id"]
    plan: dict[str, tuple[str, ...]] = {}
    for i in range(projects):
        number = str(FIRST_PROJECT_NUMBER + i)
        plan[number] = ("10",) if i % 3 == 2 else tuple(PROJECT_ACTIVITIES)
    ordered = sorted(plan)
    for part in range(0, len(ordered), 100):
        _values(
            api.post(
                "/project/list",
                json=[
                    {
                        "name": f"Prosjekt {number}",
                        "number": number,
                        "projectManager": {"id": manager},
                        "startDate": start.isoformat(),
                        "projectActivities": [{"activity": {"id": activities[a]}} for a in plan[number]],
                    }
                    for number in ordered[part : part + 100]
                ],
            )
        )
    return Team(tuple(people), plan)


def working_days(start: date) -> Iterator[date]:
    day = start
    while True:
        if day.weekday() < 5:
            yield day
        day += timedelta(days=1)


def hours_items(
    team: Team, *, count: int, start: date, per_day: int = 1, seed: int = 7, prefix: str = "svenn"
) -> list[dict[str, Any]]:
    """``count`` approved hours from ``start``: ``per_day`` per employee and working day, each on its
    own project and activity (so no two share an employee, date, activity and project), 0.5–10 hours
    for one a day, 0.5–2 hours for several (a day stays under 24)."""
    rng = random.Random(seed)
    items: list[dict[str, Any]] = []
    pairs = [(project, activity) for project in team.project_numbers for activity in team.projects[project]]
    days = working_days(start)
    while len(items) < count:
        day = next(days)
        for number, email in team.employees:
            for project, activity in rng.sample(pairs, per_day):
                if len(items) == count:
                    return items
                hours = Decimal(rng.randint(1, 20 if per_day == 1 else 4)) / 2
                who = {"employeeNumber": number} if rng.random() < 0.8 else {"employeeEmail": email}
                items.append(
                    {
                        "id": f"{prefix}-{len(items) + 1}",
                        **who,
                        "projectNumber": project,
                        "activityNumber": activity,
                        "date": day.isoformat(),
                        "hours": str(hours),
                        "comment": f"Arbeid på prosjekt {project}",
                    }
                )
    return items
