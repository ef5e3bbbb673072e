"""The hours export's calls against the sandbox over real HTTP: the directory read once, each hour
resolved or refused naming what is missing, entries written in bulk with the marker, found again by
it, corrected with their version, and Tripletex's refusals read as the catalog's messages."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import httpx
import pytest

from tests.fixtures.sandbox import SandboxCompany
from txbridge.flows.hours import remote
from txbridge.flows.hours.mapping import Resolved, resolve
from txbridge.flows.hours.marker import marker
from txbridge.samples.hours import Team, make_team
from txbridge.store import HoursEntry
from txbridge.tripletex import APIStatusError, Tripletex


@pytest.fixture
def tx(sandbox_company: SandboxCompany) -> Iterator[Tripletex]:
    with Tripletex(
        consumer_token=sandbox_company.consumer_token,
        employee_token=sandbox_company.employee_token,
        base_url=sandbox_company.base_url,
    ) as client:
        yield client


@pytest.fixture
def team(sandbox_client: httpx.Client) -> Team:
    return make_team(sandbox_client, employees=3, projects=3, start=date(2026, 1, 1))


def entry(entry_id: int, **values: object) -> HoursEntry:
    fields: dict[str, object] = {
        "host_id": f"s-{entry_id}",
        "employee_number": "101",
        "project_number": "1001",
        "activity_number": "10",
        "work_date": date(2026, 10, 5),
        "hours": Decimal("7.50"),
        "comment": "Grunnmur",
    }
    fields.update(values)
    hour = HoursEntry(**fields)
    hour.id = entry_id
    return hour


def test_each_hour_resolves_or_names_what_is_missing(tx: Tripletex, team: Team) -> None:
    hours = [
        entry(1),
        entry(
            2,
            employee_number=None,
            employee_email="ANSATT102@svenn-demo.no",
            activity_number=None,
            activity_name="prosjektledelse",
        ),
        entry(3, employee_number="999"),
        entry(4, project_number="77"),
        entry(5, activity_number="99"),
        entry(6, project_number="1003", activity_number="11"),  # 1003 lists only activity 10
        entry(7, project_number=None, activity_number="10"),
        entry(8, project_number="1001", activity_number="1"),  # a general activity on a project
        entry(9, project_number=None, activity_number="1"),
    ]
    directory = remote.read_directory(tx, hours)
    calls = {k: n for k, n in tx.stats.snapshot()["by_endpoint"].items() if "token" not in k}
    assert sum(calls.values()) == 3 + 2, calls  # three listings, >forTimeSheet for the two projects found
    found = {h.host_id: resolve(h, directory) for h in hours}
    assert isinstance(found["s-1"], Resolved) and isinstance(found["s-2"], Resolved)
    assert isinstance(found["s-9"], Resolved) and found["s-9"].project_id is None
    ids = {key: value.id for key, value in found.items() if not isinstance(value, Resolved)}
    assert ids == {
        "s-3": "hours_employee_not_found",
        "s-4": "hours_project_not_found",
        "s-5": "hours_activity_not_found",
        "s-6": "hours_activity_not_on_project",
        "s-7": "hours_activity_needs_project",
        "s-8": "hours_activity_not_on_project",
    }
    message = found["s-6"]
    assert not isinstance(message, Resolved)
    assert "11" in message.nb and "1003" in message.en and "batch reset" in message.fix_en


def test_written_found_by_marker_corrected_and_refused(
    tx: Tripletex, team: Team, sandbox_client: httpx.Client
) -> None:
    hours = [entry(1), entry(2, employee_number="102", hours=Decimal("23.50"))]
    directory = remote.read_directory(tx, hours)
    resolved = [resolve(h, directory) for h in hours]
    assert all(isinstance(r, Resolved) for r in resolved)
    bodies = [
        remote.entry_body(h, r, marker(h.id, 40 + h.id))
        for h, r in zip(hours, resolved, strict=True)
        if isinstance(r, Resolved)
    ]
    created = remote.create_entries(tx, bodies)
    assert [c.comment for c in created] == ["Grunnmur [TXB-H1-41]", "Grunnmur [TXB-H2-42]"]

    found = remote.find_marked(
        tx, [r.employee_id for r in resolved if isinstance(r, Resolved)], [date(2026, 10, 5)]
    )
    assert sorted(found) == ["[TXB-H1-41]", "[TXB-H2-42]"]
    first = found["[TXB-H1-41]"]
    assert first.id is not None

    changed = remote.update_entry(tx, first.id, first.version, {**bodies[0], "hours": "6.00"})
    assert changed.hours == Decimal("6") and changed.version != first.version
    with pytest.raises(APIStatusError) as stale:
        remote.update_entry(tx, first.id, first.version, {**bodies[0], "hours": "5.00"})
    assert stale.value.status == 409

    # The same employee, date, activity and project again: Tripletex's one-entry rule.
    with pytest.raises(APIStatusError) as duplicate:
        remote.create_entries(tx, [bodies[0]])
    assert remote.refusal(hours[0], duplicate.value).id == "hours_entry_exists"
    # 23.5 + 1 hours on one day.
    extra = {**bodies[1], "activity": {"id": directory.activities_by_number["11"].id}, "hours": "1.00"}
    with pytest.raises(APIStatusError) as over:
        remote.create_entries(tx, [extra])
    assert remote.refusal(hours[1], over.value).id == "hours_over_24"

    # An approved month locks its entries: changes and deletes are refused as Tripletex does.
    employee = resolved[0]
    assert isinstance(employee, Resolved)
    sandbox_client.put(
        "/timesheet/month/:approve", params={"employeeIds": employee.employee_id, "monthYear": "2026-10"}
    ).raise_for_status()
    with pytest.raises(APIStatusError) as locked:
        remote.delete_entry(tx, first.id, changed.version)
    assert remote.is_locked_month(locked.value)
    assert remote.refusal(hours[0], locked.value).id == "hours_month_locked"
    sandbox_client.put(
        "/timesheet/month/:unapprove", params={"employeeIds": employee.employee_id, "monthYear": "2026-10"}
    ).raise_for_status()
    remote.delete_entry(tx, first.id, changed.version)
    remote.delete_entry(tx, first.id, changed.version)  # already gone: done
    assert sorted(remote.find_marked(tx, [employee.employee_id], [date(2026, 10, 5)])) == []


def test_a_project_closed_to_the_token_owner_is_left_to_tripletex_per_hour(
    tx: Tripletex, team: Team, sandbox_client: httpx.Client
) -> None:
    """``>forTimeSheet`` answers for the token's owner: on a participants-only project they are not on,
    it offers nothing. That is not «no activities»: the hour resolves, and Tripletex's refusal of an
    activity the project does not list still reads as the catalog's message."""
    project = sandbox_client.get("/project", params={"number": "1003", "fields": "id"}).json()["values"][0]
    member = sandbox_client.get("/employee", params={"employeeNumber": "101", "fields": "id"}).json()
    owner = sandbox_client.get("/token/session/>whoAmI").json()["value"]["employeeId"]
    only = {"id": member["values"][0]["id"]}
    assert only["id"] != owner
    changes = {"forParticipantsOnly": True, "projectManager": only, "participants": [{"employee": only}]}
    sandbox_client.put(f"/project/{project['id']}", json=changes).raise_for_status()
    hour = entry(6, project_number="1003", activity_number="11")  # 1003 lists only activity 10
    directory = remote.read_directory(tx, [hour])
    resolved = resolve(hour, directory)
    assert isinstance(resolved, Resolved)
    with pytest.raises(APIStatusError) as refused:
        remote.create_entries(tx, [remote.entry_body(hour, resolved, marker(6, 1))])
    assert remote.refusal(hour, refused.value).id == "hours_activity_not_on_project"
