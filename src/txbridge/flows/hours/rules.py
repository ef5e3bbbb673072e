"""Tripletex's two rules across hours, checked before sending so each hour gets its own message
(Tripletex would refuse the whole chunk, and bisection would cost calls to find the one):

* **one entry per employee, date, activity and project.** Hours of the same key are **refused, not
  summed**: each host hour is one Tripletex entry, so a later change or delete of one hour touches
  only its own entry, and the marker names exactly one host hour. The first hour of a key (the one
  already in Tripletex, else the one imported first) goes; the others fail naming it.
* **at most 24 hours per employee and day**, counting the hours already exported. Hours are taken in
  the order they were imported; an hour that would take the day past 24 fails, the rest go.

Tripletex enforces both itself as well (against entries made there by hand, which the store does not
know): its refusals are read by :func:`txbridge.flows.hours.remote.refusal`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from txbridge.catalog import Message, render
from txbridge.flows.hours.mapping import Resolved, employee_label
from txbridge.store import HoursEntry

MAX_HOURS_PER_DAY = Decimal(24)

Key = tuple[int, str, int, int | None]


def key_of(entry: HoursEntry, resolved: Resolved) -> Key:
    return (resolved.employee_id, entry.work_date.isoformat(), resolved.activity_id, resolved.project_id)


def _order(pair: tuple[HoursEntry, Resolved]) -> int:
    return pair[0].id


def refusals(
    candidates: Sequence[tuple[HoursEntry, Resolved]], in_tripletex: Sequence[tuple[HoursEntry, Resolved]]
) -> dict[int, Message]:
    """Hour id → why it cannot go, for the ``candidates`` (hours about to be sent), given the hours
    already in Tripletex (with their content as sent)."""
    refused: dict[int, Message] = {}
    holder: dict[Key, HoursEntry] = {}
    day_total: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    for entry, resolved in in_tripletex:
        holder.setdefault(key_of(entry, resolved), entry)
        day_total[(resolved.employee_id, entry.work_date.isoformat())] += entry.hours
    for entry, resolved in sorted(candidates, key=_order):
        key = key_of(entry, resolved)
        first = holder.get(key)
        if first is not None and first.id != entry.id:
            refused[entry.id] = render("hours_same_key", hours=entry.host_id, other=first.host_id)
            continue
        day = (resolved.employee_id, entry.work_date.isoformat())
        if day_total[day] + entry.hours > MAX_HOURS_PER_DAY:
            refused[entry.id] = render(
                "hours_over_24", hours=entry.host_id, employee=employee_label(entry), date=day[1]
            )
            continue
        holder[key] = entry
        day_total[day] += entry.hours
    return refused
