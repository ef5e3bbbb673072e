"""The initial match: which host object is which Tripletex object. Never a guess.

Steps per resource, strongest first; an object matched or held in one step takes no part in the
next. In a step, a key shared by exactly one object on each side links them; a key shared by more
than one on either side holds every object involved for a person to decide.

* customers: organisation number, then customer number, then e-mail, then normalised name (a pair
  whose organisation numbers are both given and differ is never a candidate);
* employees: e-mail, then employee number — and a number match whose name and e-mail both differ is
  held, not linked: hours must never land on the wrong person;
* projects: number, then name within the same (linked) customer.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from txbridge.flows.sync.fields import display_name, normalised_email, normalised_name
from txbridge.store import SyncResource

HostData = Mapping[str, Any]
Key = Callable[[HostData], object]


@dataclass(frozen=True, slots=True)
class Candidate:
    tripletex_id: int
    name: str
    why: str


@dataclass(frozen=True, slots=True)
class Hold:
    host_id: str
    name: str
    rule: str
    candidates: tuple[Candidate, ...]
    #: Extra catalog parameters (the employee number and the other person's name).
    params: Mapping[str, object] = field(default_factory=dict)


@dataclass(slots=True)
class MatchResult:
    links: list[tuple[str, int, str]] = field(default_factory=list)  # host id, Tripletex id, why
    held: list[Hold] = field(default_factory=list)
    #: Tripletex objects some host object is held against: not to be created on the host either.
    held_tripletex: set[int] = field(default_factory=set)


def _digits(value: Any) -> str:
    return "".join(ch for ch in str(value or "") if ch.isdigit())


def _text(value: Any) -> str:
    return str(value or "").strip().casefold()


def _full_name(data: HostData) -> str:
    return normalised_name(display_name(SyncResource.EMPLOYEE, data))


def _orgs_differ(h: HostData, t: HostData) -> bool:
    a, b = _digits(h.get("organization_number")), _digits(t.get("organization_number"))
    return bool(a and b and a != b)


def _same_person(h: HostData, t: HostData) -> bool:
    email_h, email_t = normalised_email(h.get("email")), normalised_email(t.get("email"))
    return bool((email_h and email_h == email_t) or (_full_name(h) and _full_name(h) == _full_name(t)))


@dataclass(frozen=True, slots=True)
class Step:
    why: str
    key: Key
    #: Tripletex's key when it differs from the host's (projects: the customer is translated).
    tripletex_key: Key | None = None
    #: A pair this returns False for is no candidate at all.
    compatible: Callable[[HostData, HostData], bool] = lambda h, t: True
    #: A lone pair this returns False for is held with this step's ``hold_rule``.
    verify: Callable[[HostData, HostData], bool] | None = None
    hold_rule: str = "sync_held_ambiguous"


def steps(resource: SyncResource, customer_links: Mapping[str, int] | None = None) -> tuple[Step, ...]:
    """The match steps of a resource. ``customer_links``: host customer id → Tripletex customer id,
    for matching projects by name within their customer."""
    not_contradicting = lambda h, t: not _orgs_differ(h, t)  # noqa: E731 - a one-line predicate
    if resource is SyncResource.CUSTOMER:
        return (
            Step("organization_number", lambda d: _digits(d.get("organization_number"))),
            Step(
                "customer_number", lambda d: _digits(d.get("customer_number")), compatible=not_contradicting
            ),
            Step("email", lambda d: normalised_email(d.get("email")), compatible=not_contradicting),
            Step("name", lambda d: normalised_name(d.get("name")), compatible=not_contradicting),
        )
    if resource is SyncResource.EMPLOYEE:
        return (
            Step("email", lambda d: normalised_email(d.get("email"))),
            Step(
                "employee_number",
                lambda d: _text(d.get("employee_number")),
                verify=_same_person,
                hold_rule="sync_held_employee_number",
            ),
        )
    links = customer_links or {}

    def host_customer(d: HostData) -> object:
        customer = d.get("customer_id")
        return links.get(str(customer)) if customer is not None else None

    def named(customer: Callable[[HostData], object]) -> Key:
        def key(d: HostData) -> object:
            name, owner = normalised_name(d.get("name")), customer(d)
            return (name, owner) if name and owner is not None else ""

        return key

    return (
        Step("number", lambda d: _text(d.get("number"))),
        Step(
            "name_within_customer", named(host_customer), tripletex_key=named(lambda d: d.get("customer_id"))
        ),
    )


def match(
    resource: SyncResource,
    host: Mapping[str, HostData],
    tripletex: Mapping[int, HostData],
    *,
    customer_links: Mapping[str, int] | None = None,
) -> MatchResult:
    """Pair host objects (by host id) with Tripletex objects (by Tripletex id), both host-shaped
    (Tripletex's references as Tripletex ids)."""
    result = MatchResult()
    h_left, t_left = dict(host), dict(tripletex)
    for step in steps(resource, customer_links):
        t_key = step.tripletex_key or step.key
        by_key_t: dict[object, list[int]] = defaultdict(list)
        for tx_id, data in t_left.items():
            key = t_key(data)
            if key:
                by_key_t[key].append(tx_id)
        by_key_h: dict[object, list[str]] = defaultdict(list)
        for host_id, data in h_left.items():
            key = step.key(data)
            if key and key in by_key_t:
                by_key_h[key].append(host_id)
        for key, host_ids in by_key_h.items():
            options = {
                h: [t for t in by_key_t[key] if step.compatible(h_left[h], t_left[t])] for h in host_ids
            }
            wanted_by: dict[int, int] = defaultdict(int)
            for ts in options.values():
                for t in ts:
                    wanted_by[t] += 1
            for host_id, ts in options.items():
                if not ts:
                    continue
                name = display_name(resource, h_left[host_id])
                cands = tuple(Candidate(t, display_name(resource, t_left[t]), step.why) for t in ts)
                if len(ts) == 1 and wanted_by[ts[0]] == 1:
                    if step.verify is None or step.verify(h_left[host_id], t_left[ts[0]]):
                        result.links.append((host_id, ts[0], step.why))
                        continue
                    params = {"number": key, "other": cands[0].name}
                    result.held.append(Hold(host_id, name, step.hold_rule, cands, params))
                else:
                    result.held.append(Hold(host_id, name, "sync_held_ambiguous", cands))
                result.held_tripletex.update(ts)
        decided = {h for h, _t, _w in result.links} | {hold.host_id for hold in result.held}
        taken = {t for _h, t, _w in result.links} | result.held_tripletex
        h_left = {k: v for k, v in h_left.items() if k not in decided}
        t_left = {k: v for k, v in t_left.items() if k not in taken}
    return result
