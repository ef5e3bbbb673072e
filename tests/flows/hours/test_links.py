"""The two-way sync's links decide first: an hour's employee and project found by link."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from txbridge.flows.hours.mapping import Resolved, SyncLinks, build_directory, resolve
from txbridge.store import Database, HoursEntry, SyncLink, SyncLinkState, SyncResource


def test_linked_employee_and_project_win(database: Database, connection_id: int) -> None:
    with database.transaction() as session:
        for resource, host_id, tripletex_id, state in (
            (SyncResource.EMPLOYEE, "E-7", 555, SyncLinkState.LINKED),
            (SyncResource.PROJECT, "P-1", 777, SyncLinkState.LINKED),
            (SyncResource.PROJECT, "P-2", 778, SyncLinkState.UNLINKED),
        ):
            session.add(
                SyncLink(
                    connection_id=connection_id,
                    resource=resource,
                    host_id=host_id,
                    tripletex_id=tripletex_id,
                    state=state,
                )
            )
    with database.transaction() as session:
        links = SyncLinks(session, connection_id)
    assert (links.tripletex_id("employee", "E-7"), links.tripletex_id("project", "P-2")) == (555, None)
    directory = build_directory(
        [{"id": 1, "employeeNumber": "7", "email": "a@b.no"}],
        [{"id": 777, "number": "99", "isClosed": False}, {"id": 778, "number": "P-2", "isClosed": False}],
        [{"id": 10, "number": "10", "name": "Arbeid", "isProjectActivity": True}],
        links,
    )
    hour = HoursEntry(
        host_id="s-1",
        employee_number="E-7",
        project_number="P-1",
        activity_number="10",
        work_date=date(2026, 10, 5),
        hours=Decimal("1"),
    )
    assert resolve(hour, directory) == Resolved(555, 777, 10)
    hour.project_number = "P-2"  # unlinked: the number decides
    assert resolve(hour, directory) == Resolved(555, 778, 10)
