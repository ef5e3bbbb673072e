"""The host's employees, projects and activities as Tripletex ids.

Read once per export (a few listings, not one call per hour): employees, projects and activities,
and for each project the hours need, the activities Tripletex offers on it for time sheets
(``GET /activity/>forTimeSheet``). Then each hour is resolved on its own:

* employee — the two-way sync's link when there is one, else the employee number, else the e-mail;
* project — the link, else the project number (none for a general activity);
* activity — the activity number, else the name (active activities only).

An hour whose employee, project or activity cannot be found, or whose activity cannot be used on the
project, gets the catalog message that names which one and the fix.

**Sync links.** :class:`Links` is asked first: the export passes :class:`SyncLinks` (the two-way
sync's ``SyncLink`` rows); a link whose project or employee Tripletex does not have is not used."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from txbridge.catalog import Message, render
from txbridge.store import HoursEntry, SyncLink, SyncLinkState, SyncResource

EMPLOYEE_FIELDS = "id,employeeNumber,email"
PROJECT_FIELDS = "id,number,isClosed,startDate,endDate"
ACTIVITY_FIELDS = "id,number,name,isProjectActivity,isDisabled"


class Links(Protocol):
    """The two-way sync's links: a host key → the Tripletex id it is linked to, or None."""

    def tripletex_id(self, resource: str, host_key: str) -> int | None: ...


class _NoLinks:
    def tripletex_id(self, resource: str, host_key: str) -> int | None:
        return None


NO_LINKS: Links = _NoLinks()


class SyncLinks:
    """The two-way sync's links of a connection (``SyncLink``, linked employees and projects), read
    once: asked with the hour's employee number or e-mail and its project number as the host's id,
    so they decide when the host's own ids are those (the hours carry no other employee id)."""

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

    def tripletex_id(self, resource: str, host_key: str) -> int | None:
        return self._ids.get((resource, host_key))


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
        if project is not None:
            ids.add(project.id)
    return ids


def employee_label(entry: HoursEntry) -> str:
    return entry.employee_number or entry.employee_email or "?"


def _project(entry: HoursEntry, directory: Directory) -> ProjectInfo | None:
    if not entry.project_number:
        return None
    linked = directory.links.tripletex_id("project", entry.project_number)
    if linked is not None and linked in directory.projects_by_id:
        return directory.projects_by_id[linked]
    return directory.projects_by_number.get(entry.project_number)


def _employee(entry: HoursEntry, directory: Directory) -> int | None:
    for key in (entry.employee_number, entry.employee_email):
        if key:
            linked = directory.links.tripletex_id("employee", key)
            if linked is not None:
                return linked
    if entry.employee_number and entry.employee_number in directory.employees_by_number:
        return directory.employees_by_number[entry.employee_number]
    if entry.employee_email:
        return directory.employees_by_email.get(entry.employee_email.lower())
    return None


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
    if employee_id is None:
        return render("hours_employee_not_found", hours=hours, employee=employee_label(entry))
    project = _project(entry, directory)
    if entry.project_number and project is None:
        return render("hours_project_not_found", hours=hours, project=entry.project_number)
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
