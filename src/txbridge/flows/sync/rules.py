"""The written sync rules, enforced: what is not synced and why, and how a conflict between edits on
both sides is resolved (the README and the help page publish the same rules from the catalog)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from txbridge.catalog import Bilingual, Message, render
from txbridge.flows.sync.fields import FIELDS, HOST, TRIPLETEX, canonical, comparable, display_name, same
from txbridge.store import SyncResource

#: The rules of what is not synced, per resource (catalog ids; the README lists them in this order).
NOT_SYNCED = {
    SyncResource.CUSTOMER: ("sync_customer_inactive", "sync_customer_number_taken"),
    SyncResource.EMPLOYEE: ("sync_employee_no_last_name",),
    SyncResource.PROJECT: ("sync_project_no_start_date", "sync_reference_not_linked"),
}


HOST_SYSTEM = Bilingual("vertssystemet", "the host system")


def label(resource: SyncResource, data: Mapping[str, Any], key: object) -> str:
    """How the log and the screens name an object: its name and the id it is known by."""
    name = display_name(resource, data)
    return f"{name} ({key})" if name else str(key)


def stopped_by(resource: SyncResource, data: Mapping[str, Any], key: object) -> Message | None:
    """The rule that keeps this object (host-shaped fields) out of the sync, or None."""
    name = label(resource, data, key)
    if resource is SyncResource.CUSTOMER and data.get("inactive"):
        return render("sync_customer_inactive", object=name)
    if resource is SyncResource.EMPLOYEE and not str(data.get("last_name") or "").strip():
        return render("sync_employee_no_last_name", object=name)
    if resource is SyncResource.PROJECT and not data.get("start_date"):
        return render("sync_project_no_start_date", object=name)
    return None


@dataclass(frozen=True, slots=True)
class Conflict:
    field: str
    winner: str
    kept: Any
    lost: Any


@dataclass(frozen=True, slots=True)
class Merged:
    data: dict[str, Any]
    conflicts: tuple[Conflict, ...]
    #: Fields where the merged value differs from what Tripletex has: what a push must send.
    to_tripletex: dict[str, Any]
    #: Fields the host changed that Tripletex owns: not sent (``sync_field_owned_by_tripletex``).
    owned_by_tripletex: tuple[str, ...] = ()


def owner(resource: SyncResource, name: str) -> str:
    for spec in FIELDS[resource]:
        if spec.name == name:
            return spec.owner
    return HOST


def merge(
    resource: SyncResource,
    base: Mapping[str, Any] | None,
    tripletex: Mapping[str, Any],
    host: Mapping[str, Any] | None,
) -> Merged:
    """The conflict rule. Per field: changed on one side since ``base`` (the last agreed state) →
    that side's value; changed on both sides to different values → the owner's value; a field the
    host changed but Tripletex owns is never sent (Tripletex's value stands). Without ``host`` (no
    pending host change), Tripletex's state is taken as it is."""
    b, t = canonical(base or {}), canonical(tripletex)
    # A field the host left out is unchanged; one it sent as null or "" is cleared.
    h = {k: (None if v == "" else v) for k, v in host.items()} if host is not None else None
    data: dict[str, Any] = {}
    conflicts: list[Conflict] = []
    to_tripletex: dict[str, Any] = {}
    owned: list[str] = []
    for spec in FIELDS[resource]:
        name = spec.name
        tv = t.get(name)
        if h is None:
            data[name] = tv
            continue
        bv = b.get(name)
        hv = h.get(name, bv if base is not None else tv)
        host_changed = not same(name, hv, bv) and (base is not None or hv is not None)
        tx_changed = not same(name, tv, bv)
        if not host_changed or same(name, hv, tv):
            value = tv
        elif spec.owner == TRIPLETEX:
            value = tv
            if tx_changed:
                conflicts.append(Conflict(name, TRIPLETEX, tv, hv))
            else:
                owned.append(name)
        else:
            value = hv
            if tx_changed:
                conflicts.append(Conflict(name, HOST, hv, tv))
        data[name] = value
        if not same(name, value, tv):
            to_tripletex[name] = value
    return Merged(data, tuple(conflicts), to_tripletex, tuple(owned))


def carries(resource: SyncResource, sent: Mapping[str, Any], found: Mapping[str, Any]) -> bool:
    """Whether a Tripletex object (host-shaped, references as Tripletex ids) carries exactly the
    host-owned fields a create sent: how a create whose answer was lost is recognised."""
    got = comparable(found)
    return all(
        got.get(name) == value for name, value in comparable(sent).items() if owner(resource, name) == HOST
    )


def conflict_message(resource: SyncResource, name: str, conflict: Conflict) -> Message:
    winner = Bilingual("Tripletex", "Tripletex") if conflict.winner == TRIPLETEX else HOST_SYSTEM
    return render(
        "sync_conflict_resolved",
        object=name,
        field=conflict.field,
        winner=winner,
        kept="" if conflict.kept is None else conflict.kept,
    )
