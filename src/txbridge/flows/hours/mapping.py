"""The host's employees, projects and activities as Tripletex ids.

Read once per export (a few listings, not one call per hour): employees, projects and activities,
and for each project the hours need, the activities Tripletex offers on it for time sheets
(``GET /activity/>forTimeSheet``). Then each hour is resolved on its own:

* employee — by the host's own id (``employeeId``) through the two-way sync's link when the sync
  has linked it; else the employee number, else the e-mail;
* project — likewise by the host's project id (``projectId``) through the link, else the project
  number (none for a general activity);
* activity — the activity number, else the name (active activities only; the sync links no
  activities).

An hour whose employee, project or activity cannot be found, or whose activity cannot be used on the
project, gets the catalog message that names which one and the fix.

**Sync links.** :class:`Links` is asked first: the export passes :class:`SyncLinks` (the two-way
sync's ``SyncLink`` rows). A link on the hour's own host id decides alone: its Tripletex object is
used, or — when Tripletex no longer has it — the hour fails (``hours_employee_not_linked``,
``hours_project_not_linked``, as does a host id the sync has not linked with nothing else to go by);
a number or e-mail never overrides it, as it may be another person's there. Found by number or
e-mail instead, a Tripletex object that the sync links to *another* host id is refused
(``hours_employee_linked_elsewhere``, ``hours_project_linked_elsewhere``), and so is one the sync
holds in an open case for a person to decide, as is an hour whose own host id is held
(``hours_employee_held``, ``hours_project_held``): hours never land on the wrong person or project.
An hour without host ids (sent before they existed, or by a host that has none) asks the links with
its employee number or e-mail and project number as the host's id, as before (and is held likewise
when that key is)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from txbridge.catalog import Message, render
from txbridge.store import HeldMatch, HoursEntry, SyncLink, SyncLinkState, SyncResource

EMPLOYEE_FIELDS = "id,employeeNumber,email"
PROJECT_FIELDS = "id,number,isClosed,startDate,endDate"
ACTIVITY_FIELDS = "id,number,name,isProjectActivity,isDisabled"


class Links(Protocol):
    """The two-way sync's links: a host key → the Tripletex id it is linked to, and back."""

    def tripletex_id(self, resource: str, host_key: str) -> int | None: ...

    def host_id(self, resource: str, tripletex_id: int) -> str | None: ...

    def held(
        self, resource: str, *, host_key: str | None = None, tripletex_id: int | None = None
    ) -> int | None:
        """The sync's open case (a match held for a person) on this host object or Tripletex object."""
        ...


class _NoLinks:
    def tripletex_id(self, resource: str, host_key: str) -> int | None:
        return None

    def host_id(self, resource: str, tripletex_id: int) -> str | None:
        return None

    def held(
        self, resource: str, *, host_key: str | None = None, tripletex_id: int | None = None
    ) -> int | None:
        return None


NO_LINKS: Links = _NoLinks()


class SyncLinks:
    """The two-way sync's links of a connection (``SyncLink``, linked employees and projects), read
    once: asked with the hour's host ids of employee and project (or, for an hour without them, its
    employee number or e-mail and project number as the host's id)."""

    def __init__(self, session: Session, connection_id: int) -> None:
        self._ids: dict[tuple[str, str], int] = {
            (str(resource), str(host_id)): int(tripletex_id)
            for resource, host_id, tripletex_id in session.execute(
                select(SyncLink.resource, SyncLink.host_id, SyncLink.tripletex_id).where(
                    SyncLink.connection_id == connection_id,
                    SyncLink.resource.in_((SyncResource.EMPLOYEE, SyncResource.PROJECT)),
                    SyncLink.state == SyncLinkState.LINKED,
                    SyncLink.host_id.is_not(None),
                    SyncLink.tripletex_id.is_not(None),
                )
            )
            if host_id is not None and tripletex_id is not None
        }

        self._hosts: dict[tuple[str, int], str] = {
            (resource, tripletex_id): host_id for (resource, host_id), tripletex_id in self._ids.items()
        }

        # Matches the sync would not guess (two plausible partners, one number on two people): open
        # cases, by the host object held and by each Tripletex candidate.
        self._held_hosts: dict[tuple[str, str], int] = {}
        self._held_tripletex: dict[tuple[str, int], int] = {}
        for case in session.scalars(
            select(HeldMatch).where(
                HeldMatch.connection_id == connection_id,
                HeldMatch.resource.in_((SyncResource.EMPLOYEE, SyncResource.PROJECT)),
                HeldMatch.decided_at.is_(None),
            )
        ):
            resource = str(case.resource)
            if case.host_id is not None:
                self._held_hosts.setdefault((resource, case.host_id), case.id)
            for candidate in case.candidates or []:
                if candidate.get("side") == "tripletex" and candidate.get("id") is not None:
                    self._held_tripletex.setdefault((resource, int(str(candidate["id"]))), case.id)

    def tripletex_id(self, resource: str, host_key: str) -> int | None:
        return self._ids.get((resource, host_key))

    def host_id(self, resource: str, tripletex_id: int) -> str | None:
        return self._hosts.get((resource, tripletex_id))

    def held(
        self, resource: str, *, host_key: str | None = None, tripletex_id: int | None = None
    ) -> int | None:
        if host_key is not None and (resource, host_key) in self._held_hosts:
            return self._held_hosts[(resource, host_key)]
        return None if tripletex_id is None else self._held_tripletex.get((resource, tripletex_id))


@dataclass(frozen=True, slots=True)
class ProjectInfo:
    id: int
    number: str
    closed: bool
    start: date | None
    end: date | None

    def covers(self, day: date) -> bool:
        return (
            not self.closed
            and (self.start is None or self.start <= day)
            and (self.end is None or day <= self.end)
        )


@dataclass(frozen=True, slots=True)
class ActivityInfo:
    id: int
    label: str
    project_activity: bool


@dataclass(slots=True)
class Directory:
    """What Tripletex has, keyed the way the host names things."""

    employees_by_number: dict[str, int] = field(default_factory=dict)
    employees_by_email: dict[str, int] = field(default_factory=dict)
    employee_ids: set[int] = field(default_factory=set)
    projects_by_number: dict[str, ProjectInfo] = field(default_factory=dict)
    projects_by_id: dict[int, ProjectInfo] = field(default_factory=dict)
    activities_by_number: dict[str, ActivityInfo] = field(default_factory=dict)
    activities_by_name: dict[str, ActivityInfo] = field(default_factory=dict)
    activities_by_id: dict[int, ActivityInfo] = field(default_factory=dict)
    #: Project id → the activities ``>forTimeSheet`` offers on it.
    usable: dict[int, frozenset[int]] = field(default_factory=dict)
    links: Links = NO_LINKS


@dataclass(frozen=True, slots=True)
class Resolved:
    """An hour's Tripletex ids."""

    employee_id: int
    project_id: int | None
    activity_id: int


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _get(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, Mapping) else getattr(obj, name, None)


def _day(value: Any) -> date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def build_directory(
    employees: Iterable[Any], projects: Iterable[Any], activities: Iterable[Any], links: Links = NO_LINKS
) -> Directory:
    """A :class:`Directory` from Tripletex's listings (models or plain dicts)."""
    found = Directory(links=links)
    for employee in employees:
        number, email = _text(_get(employee, "employeeNumber")), _text(_get(employee, "email")).lower()
        found.employee_ids.add(int(_get(employee, "id")))
        if number:
            found.employees_by_number.setdefault(number, int(_get(employee, "id")))
        if email:
            found.employees_by_email.setdefault(email, int(_get(employee, "id")))
    for project in projects:
        info = ProjectInfo(
            id=int(_get(project, "id")),
            number=_text(_get(project, "number")),
            closed=bool(_get(project, "isClosed")),
            start=_day(_get(project, "startDate")),
            end=_day(_get(project, "endDate")),
        )
        found.projects_by_id[info.id] = info
        if info.number:
            found.projects_by_number.setdefault(info.number, info)
    for activity in activities:
        if _get(activity, "isDisabled"):
            continue
        number, name = _text(_get(activity, "number")), _text(_get(activity, "name"))
        act = ActivityInfo(
            int(_get(activity, "id")), number or name, bool(_get(activity, "isProjectActivity"))
        )
        found.activities_by_id[act.id] = act
        if number:
            found.activities_by_number.setdefault(number, act)
        if name:
            found.activities_by_name.setdefault(name.casefold(), act)
    return found


def projects_needed(entries: Iterable[HoursEntry], directory: Directory) -> set[int]:
    """The Tripletex ids of the projects these hours name (whose activities are to be read)."""
    ids = set()
    for entry in entries:
        project = _project(entry, directory)
        if isinstance(project, ProjectInfo):
            ids.add(project.id)
    return ids


def employee_label(entry: HoursEntry) -> str:
    return entry.employee_number or entry.employee_email or entry.employee_host_id or "?"


def project_label(entry: HoursEntry) -> str:
    return entry.project_number or entry.project_host_id or "?"


def _held(entry: HoursEntry, resource: str, label: str, case: int) -> Message:
    return render(f"hours_{resource}_held", hours=entry.host_id, held=case, **{resource: label})


def _linked_elsewhere(
    entry: HoursEntry, directory: Directory, resource: str, host_id: str | None, tripletex_id: int
) -> Message | None:
    """Found by number or e-mail: refused when the sync links that Tripletex object to another of
    the host's ids (it is someone else there, whatever the number says), or holds it in an open
    case for a person to decide who it is."""
    if host_id is None:
        return None
    case = directory.links.held(resource, tripletex_id=tripletex_id)
    if case is not None:
        return _held(entry, resource, host_id, case)
    other = directory.links.host_id(resource, tripletex_id)
    if other is None or other == host_id:
        return None
    label = employee_label(entry) if resource == "employee" else project_label(entry)
    return render(
        f"hours_{resource}_linked_elsewhere",
        hours=entry.host_id,
        host_id=host_id,
        linked=other,
        **{resource: label},
    )


def _not_linked(entry: HoursEntry, resource: str, host_id: str) -> Message:
    """Named by the host's id only (or linked to what Tripletex no longer has): the sync must link it."""
    return render(f"hours_{resource}_not_linked", hours=entry.host_id, **{resource: host_id})


def _project(entry: HoursEntry, directory: Directory) -> ProjectInfo | Message | None:
    host_id = entry.project_host_id
    if host_id:
        linked = directory.links.tripletex_id("project", host_id)
        if linked is not None:
            # The link decides alone: a project gone from Tripletex is not guessed by number.
            return directory.projects_by_id.get(linked) or _not_linked(entry, "project", host_id)
        case = directory.links.held("project", host_key=host_id)
        if case is not None:
            return _held(entry, "project", host_id, case)
        if not entry.project_number:
            return _not_linked(entry, "project", host_id)
    if not entry.project_number:
        return None
    if not host_id:
        case = directory.links.held("project", host_key=entry.project_number)
        if case is not None:
            return _held(entry, "project", entry.project_number, case)
        linked = directory.links.tripletex_id("project", entry.project_number)
        if linked is not None and linked in directory.projects_by_id:
            return directory.projects_by_id[linked]
    found = directory.projects_by_number.get(entry.project_number)
    if found is None:
        return None
    return _linked_elsewhere(entry, directory, "project", host_id, found.id) or found


def _employee(entry: HoursEntry, directory: Directory) -> int | Message | None:
    host_id = entry.employee_host_id
    if host_id:
        linked = directory.links.tripletex_id("employee", host_id)
        if linked is not None:
            # The link decides alone: never a number or e-mail that may be another person's.
            return linked if linked in directory.employee_ids else _not_linked(entry, "employee", host_id)
        case = directory.links.held("employee", host_key=host_id)
        if case is not None:
            # The sync would not guess who this is: neither does the hours export.
            return _held(entry, "employee", host_id, case)
        if not entry.employee_number and not entry.employee_email:
            return _not_linked(entry, "employee", host_id)
    else:
        for key in (entry.employee_number, entry.employee_email):
            if key:
                case = directory.links.held("employee", host_key=key)
                if case is not None:
                    return _held(entry, "employee", key, case)
                linked = directory.links.tripletex_id("employee", key)
                if linked is not None:
                    return linked
    found = None
    if entry.employee_number and entry.employee_number in directory.employees_by_number:
        found = directory.employees_by_number[entry.employee_number]
    elif entry.employee_email:
        found = directory.employees_by_email.get(entry.employee_email.lower())
    if found is None:
        return None
    return _linked_elsewhere(entry, directory, "employee", host_id, found) or found


def _activity(entry: HoursEntry, directory: Directory) -> ActivityInfo | None:
    if entry.activity_number and entry.activity_number in directory.activities_by_number:
        return directory.activities_by_number[entry.activity_number]
    if entry.activity_name:
        return directory.activities_by_name.get(entry.activity_name.casefold())
    return None


def resolve(entry: HoursEntry, directory: Directory) -> Resolved | Message:
    """The hour's Tripletex ids, or the catalog message that says which one is missing and why."""
    hours = entry.host_id
    employee_id = _employee(entry, directory)
    if isinstance(employee_id, Message):
        return employee_id
    if employee_id is None:
        return render("hours_employee_not_found", hours=hours, employee=employee_label(entry))
    project = _project(entry, directory)
    if isinstance(project, Message):
        return project
    if (entry.project_number or entry.project_host_id) and project is None:
        return render("hours_project_not_found", hours=hours, project=project_label(entry))
    activity = _activity(entry, directory)
    activity_label = entry.activity_number or entry.activity_name or "?"
    if activity is None:
        return render("hours_activity_not_found", hours=hours, activity=activity_label)
    if project is None:
        if activity.project_activity:
            return render("hours_activity_needs_project", hours=hours, activity=activity_label)
        return Resolved(employee_id, None, activity.id)
    usable = directory.usable.get(project.id)
    if not activity.project_activity or (usable is not None and activity.id not in usable):
        return render(
            "hours_activity_not_on_project", hours=hours, activity=activity_label, project=project.number
        )
    if not project.covers(entry.work_date):
        return render(
            "hours_project_closed", hours=hours, project=project.number, date=entry.work_date.isoformat()
        )
    return Resolved(employee_id, project.id, activity.id)
