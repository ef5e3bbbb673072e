"""The host's own ids over the sandbox (real HTTP): an hour naming its employee by an arbitrary host
id («emp-7f3a») lands on the Tripletex employee the two-way sync links it to — even when its employee
number is another person's there — an unlinked host id falls back to the number, and a number whose
Tripletex employee the sync links to someone else is refused, by the export and the troubleshooter
alike."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from tests.fixtures.sandbox import SandboxCompany
from tests.flows.export.conftest import Env, connect_env, make_settings
from tests.flows.hours.test_export import items, sandbox_entries
from txbridge.flows.diagnose.hours import diagnose_hours
from txbridge.flows.export import export_batch
from txbridge.flows.hours.batches import close_hours_batch
from txbridge.flows.intake import import_data
from txbridge.samples.hours import make_team
from txbridge.store import Database, HoursEntry, ItemStatus, SyncLink, SyncLinkState, SyncResource


@pytest.fixture
def env(tmp_path: Path, sandbox_company: SandboxCompany) -> Iterator[Env]:
    # SQLite: the mapping does not depend on the database (the store's links are read the same way).
    settings = make_settings(f"sqlite:///{tmp_path / 'links.db'}", tmp_path)
    db = Database.open(settings)
    yield connect_env(db, settings, sandbox_company)
    db.dispose()


def link(env: Env, resource: SyncResource, host_id: str, tripletex_id: int) -> None:
    with env.db.transaction() as session:
        session.add(
            SyncLink(
                connection_id=env.connection_id,
                resource=resource,
                host_id=host_id,
                tripletex_id=tripletex_id,
                state=SyncLinkState.LINKED,
            )
        )


def test_hours_follow_the_sync_links_by_the_hosts_own_ids(env: Env) -> None:
    with env.api() as api:
        team = make_team(api, employees=3, projects=2, start=date(2026, 1, 1))
        employees = {
            e["employeeNumber"]: e["id"]
            for e in api.get("/employee", params={"fields": "id,employeeNumber", "count": 1000}).json()[
                "values"
            ]
        }
        projects = {
            p["number"]: p["id"]
            for p in api.get("/project", params={"fields": "id,number", "count": 1000}).json()["values"]
        }
    (ola, _), (kari, _), (per, _) = team.employees
    # The host calls Kari «emp-7f3a» and — wrongly, or by its own numbering — gives her Ola's number.
    link(env, SyncResource.EMPLOYEE, "emp-7f3a", employees[kari])
    link(env, SyncResource.PROJECT, "prj-b41c", projects["1002"])
    day = {"activityNumber": "10", "hours": "2", "comment": "Arbeid"}
    hours = [
        {**day, "id": "h-linked", "employeeId": "emp-7f3a", "projectId": "prj-b41c", "date": "2026-10-05"},
        {**day, "id": "h-clash", "employeeId": "emp-7f3a", "employeeNumber": ola, "projectNumber": "1001",
         "date": "2026-10-06"},
        {**day, "id": "h-fallback", "employeeId": "emp-unlinked", "employeeNumber": per,
         "projectNumber": "1001", "date": "2026-10-05"},
        {**day, "id": "h-elsewhere", "employeeId": "emp-9c2d", "employeeNumber": kari,
         "projectNumber": "1001", "date": "2026-10-07"},
    ]  # fmt: skip
    report = import_data(env.db, env.connection_id, {"hours": hours})
    assert report.all_accepted, report.rejections
    with env.db.transaction() as session:
        stored = session.query(HoursEntry).filter(HoursEntry.host_id == "h-linked").one()
        assert (stored.employee_host_id, stored.project_host_id) == ("emp-7f3a", "prj-b41c")

    closed = close_hours_batch(env.db, env.connection_id, "2026-10")
    assert closed.batch_id is not None
    result = export_batch(env.db, env.settings, closed.batch_id)
    assert (result.exported, result.failed) == (3, 1)
    outcome = {k: (i.status, i.error_id) for k, i in items(env, closed.batch_id).items()}
    assert outcome["h-elsewhere"] == (ItemStatus.FAILED, "hours_employee_linked_elsewhere")

    landed = sandbox_entries(env)
    on = {(e["date"], e["employee"]["id"], e["project"]["id"]) for e in landed}
    assert len(landed) == 3 and on == {
        ("2026-10-05", employees[kari], projects["1002"]),  # by link, employee and project
        ("2026-10-06", employees[kari], projects["1001"]),  # the link, never Ola's number
        ("2026-10-05", employees[per], projects["1001"]),  # not linked: by number
    }
    assert not any(e["employee"]["id"] == employees[ola] for e in landed)

    # The troubleshooter maps as the export does (the same links).
    diagnosis = diagnose_hours(env.db, env.settings, env.connection_id, "h-elsewhere")
    assert diagnosis.answer is not None and diagnosis.answer.id == "hours_employee_linked_elsewhere"
    assert "emp-9c2d" in diagnosis.answer.en and "emp-7f3a" in diagnosis.answer.en
