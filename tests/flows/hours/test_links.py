"""The two-way sync's links decide first: an hour's employee and project found by link."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from txbridge.catalog import Message
from txbridge.flows.hours.mapping import Resolved, SyncLinks, build_directory, resolve
from txbridge.store import Database, HeldMatch, HoursEntry, SyncLink, SyncLinkState, SyncResource


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


# ---- the host's own ids: found through the sync's links, whatever they look like --------------------

TEAM = [{"id": 1, "employeeNumber": "7", "email": "ola@firma.no"}, {"id": 2, "employeeNumber": "8"}]
PROJECTS = [
    {"id": 777, "number": "1001", "isClosed": False},
    {"id": 778, "number": "1002", "isClosed": False},
]
ACTIVITIES = [{"id": 10, "number": "10", "name": "Arbeid", "isProjectActivity": True}]


class FixedLinks:
    """The sync's links as :class:`SyncLinks` answers them (its reading is tested above)."""

    def __init__(self, links: dict[tuple[str, str], int]) -> None:
        self.links = links

    def tripletex_id(self, resource: str, host_key: str) -> int | None:
        return self.links.get((resource, host_key))

    def host_id(self, resource: str, tripletex_id: int) -> str | None:
        return next((h for (r, h), t in self.links.items() if (r, t) == (resource, tripletex_id)), None)

    def held(
        self, resource: str, *, host_key: str | None = None, tripletex_id: int | None = None
    ) -> int | None:
        return None  # open cases: see test_a_match_the_sync_holds_is_not_guessed_by_the_hours


def an_hour(**fields: str) -> HoursEntry:
    return HoursEntry(
        host_id="svenn-1", activity_number="10", work_date=date(2026, 10, 5), hours=Decimal("1"), **fields
    )


def resolved_with(links: dict[tuple[str, str], int], hour: HoursEntry) -> object:
    directory = build_directory(TEAM, PROJECTS, ACTIVITIES, FixedLinks(links))
    found = resolve(hour, directory)
    return found if isinstance(found, Resolved) else found.id


def test_an_arbitrary_host_id_finds_its_linked_employee_and_project() -> None:
    links = {("employee", "emp-7f3a"): 2, ("project", "prj-b41c"): 778}
    assert resolved_with(links, an_hour(employee_host_id="emp-7f3a", project_host_id="prj-b41c")) == (
        Resolved(2, 778, 10)
    )


def test_a_host_id_not_linked_falls_back_to_number_and_email() -> None:
    links = {("employee", "emp-7f3a"): 2}
    hour = an_hour(
        employee_host_id="emp-0001", employee_number="7", project_host_id="p", project_number="1001"
    )
    assert resolved_with(links, hour) == Resolved(1, 777, 10)
    hour = an_hour(employee_host_id="emp-0001", employee_email="OLA@firma.no")
    hour.activity_number = None
    hour.activity_name = "arbeid"
    assert resolved_with(links, hour) == "hours_activity_needs_project"  # found Ola, no project
    # A host id alone, not linked: nothing to go by, and the message says to link it.
    assert resolved_with(links, an_hour(employee_host_id="emp-0001")) == "hours_employee_not_linked"
    assert (
        resolved_with(links, an_hour(employee_number="7", project_host_id="p")) == "hours_project_not_linked"
    )
    assert resolved_with(links, an_hour(employee_host_id="emp-0001", employee_number="9")) == (
        "hours_employee_not_found"
    )


def test_the_link_wins_over_a_clashing_employee_number() -> None:
    # The host's employee emp-7f3a has number 7 in the host; in Tripletex, 7 is someone else (id 1)
    # and the sync links emp-7f3a to id 2: the hour goes to 2, never to the number's owner.
    links = {("employee", "emp-7f3a"): 2}
    hour = an_hour(employee_host_id="emp-7f3a", employee_number="7", project_number="1001")
    assert resolved_with(links, hour) == Resolved(2, 777, 10)


def test_a_number_owned_by_another_linked_employee_is_refused() -> None:
    # emp-0001 is not linked; its number 8 belongs in Tripletex to id 2, which the sync links to
    # emp-7f3a: another person, so the hour fails rather than land on them.
    links = {("employee", "emp-7f3a"): 2, ("project", "prj-b41c"): 778}
    hour = an_hour(employee_host_id="emp-0001", employee_number="8", project_number="1001")
    assert resolved_with(links, hour) == "hours_employee_linked_elsewhere"
    hour = an_hour(employee_host_id="emp-7f3a", project_host_id="prj-0002", project_number="1002")
    assert resolved_with(links, hour) == "hours_project_linked_elsewhere"
    # Without host ids the hour cannot tell, and is found as before (the number as the host's id).
    assert resolved_with(links, an_hour(employee_number="8", project_number="1002")) == Resolved(2, 778, 10)


def test_a_link_to_an_employee_gone_from_tripletex_is_not_guessed_by_number() -> None:
    links = {("employee", "emp-7f3a"): 99, ("project", "prj-b41c"): 999}
    hour = an_hour(employee_host_id="emp-7f3a", employee_number="7", project_number="1001")
    directory = build_directory(TEAM, PROJECTS, ACTIVITIES, FixedLinks(links))
    found = resolve(hour, directory)
    assert not isinstance(found, Resolved) and found.id == "hours_employee_not_linked"
    assert (
        found.en
        == "Hour svenn-1: employee emp-7f3a of the time system is not linked to an employee in Tripletex"
    )
    hour = an_hour(employee_number="7", project_host_id="prj-b41c", project_number="1001")
    assert resolved_with(links, hour) == "hours_project_not_linked"


def test_a_match_the_sync_holds_is_not_guessed_by_the_hours(database: Database, connection_id: int) -> None:
    # The sync holds emp-0003 (its number 7 is Ola's in Tripletex, with another name) in an open
    # case; emp-0004's case (against id 2) is decided.
    with database.transaction() as session:
        session.add(
            SyncLink(
                connection_id=connection_id,
                resource=SyncResource.EMPLOYEE,
                host_id="emp-7f3a",
                tripletex_id=2,
                state=SyncLinkState.LINKED,
            )
        )
        open_case = HeldMatch(
            connection_id=connection_id,
            resource=SyncResource.EMPLOYEE,
            host_id="emp-0003",
            rule="sync_held_employee_number",
            candidates=[{"side": "tripletex", "id": 1, "name": "Ola", "why": "number"}],
        )
        decided = HeldMatch(
            connection_id=connection_id,
            resource=SyncResource.EMPLOYEE,
            host_id="emp-0004",
            rule="sync_held_ambiguous",
            candidates=[{"side": "tripletex", "id": 2, "name": "Kari", "why": "name"}],
            decided_at=datetime(2026, 10, 1, tzinfo=UTC),
        )
        session.add_all([open_case, decided])
        session.flush()
        case = open_case.id
    with database.transaction() as session:
        directory = build_directory(TEAM, PROJECTS, ACTIVITIES, SyncLinks(session, connection_id))

    held = resolve(an_hour(employee_host_id="emp-0003", employee_number="7"), directory)
    assert isinstance(held, Message) and held.id == "hours_employee_held"
    assert (
        held.en == f"Hour svenn-1: employee emp-0003 waits for a decision in the two-way sync (case {case})"
    )
    # Another unlinked host id whose number finds Ola: Ola is a candidate of the open case.
    other = resolve(an_hour(employee_host_id="emp-0005", employee_number="7"), directory)
    assert isinstance(other, Message) and other.id == "hours_employee_held"
    # A decided case holds nothing (emp-0004 is then just not linked); the link still decides.
    decided_hour = resolve(an_hour(employee_host_id="emp-0004"), directory)
    assert isinstance(decided_hour, Message) and decided_hour.id == "hours_employee_not_linked"
    linked = an_hour(employee_host_id="emp-7f3a", employee_number="7", project_number="1001")
    assert resolve(linked, directory) == Resolved(2, 777, 10)
