"""The host side in: customers, projects and employees with the host's own ids, created, changed and
deleted. One entry point for the Python API, the REST API and the file import; each item is accepted
or refused on its own (a catalog message naming the item, the field and the fix)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from stdnum.no import orgnr

from txbridge.catalog import Bilingual, Message, render
from txbridge.flows.sync import links
from txbridge.flows.sync.fields import FIELDS, HOST_FIELDS, digest
from txbridge.store import Database, HostObject, SyncLink, SyncLinkState, SyncResource, TripletexObject
from txbridge.store.models import utcnow

#: How long a host id may be (the column's width).
MAX_HOST_ID = 100
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DATES = frozenset({"start_date", "end_date"})
_FLAGS = frozenset({"inactive", "closed"})
_NUMBERS = frozenset({"customer_number"})


@dataclass(frozen=True, slots=True)
class Refusal:
    host_id: str
    message: Message


@dataclass(slots=True)
class HostChangeResult:
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)


def _invalid(resource: SyncResource, host_id: str, name: str, nb: str, en: str) -> Refusal:
    return Refusal(
        host_id,
        render(
            "sync_field_invalid", object=f"{resource.value} {host_id}", field=name, reason=Bilingual(nb, en)
        ),
    )


def _clean(resource: SyncResource, host_id: str, data: Mapping[str, Any]) -> dict[str, Any] | Refusal:
    """The item's fields checked and in their stored form, or the first refusal."""
    out: dict[str, Any] = {}
    for name, value in data.items():
        if name not in HOST_FIELDS[resource]:
            return _invalid(resource, host_id, name, "ukjent felt", "unknown field")
        if value is None or value == "":
            out[name] = None
            continue
        if name in _DATES:
            try:
                out[name] = date.fromisoformat(str(value)).isoformat()
            except ValueError:
                return _invalid(resource, host_id, name, "dato må være ÅÅÅÅ-MM-DD", "date must be YYYY-MM-DD")
        elif name in _FLAGS:
            if not isinstance(value, bool):
                return _invalid(resource, host_id, name, "må være true eller false", "must be true or false")
            out[name] = value
        elif name in _NUMBERS:
            if isinstance(value, bool) or not str(value).isdigit():
                return _invalid(resource, host_id, name, "må være et heltall", "must be a whole number")
            out[name] = int(value)
        else:
            text = str(value).strip()
            if len(text) > 255:
                return _invalid(resource, host_id, name, "over 255 tegn", "over 255 characters")
            if name in ("email", "invoice_email") and not _EMAIL.match(text):
                return _invalid(resource, host_id, name, "ikke en e-postadresse", "not an e-mail address")
            if name == "organization_number" and not orgnr.is_valid(text):
                return _invalid(
                    resource,
                    host_id,
                    name,
                    "ikke et gyldig organisasjonsnummer",
                    "not a valid organisation number",
                )
            out[name] = orgnr.compact(text) if name == "organization_number" else text
    return out


def _host_id(item: Mapping[str, Any]) -> str:
    return str(item.get("host_id") or item.get("id") or "").strip()


def receive(
    db: Database,
    connection_id: int,
    resource: SyncResource,
    items: Sequence[Mapping[str, Any]],
) -> HostChangeResult:
    """Store the host's objects (``{"host_id", "tripletex_id"?, "deleted"?, **fields}``). A field
    left out is unchanged; null clears it. ``tripletex_id`` links an object the host created from the
    change feed. ``deleted: true`` deletes. Unchanged data is not a change."""
    result = HostChangeResult()
    with db.transaction() as session:
        for item in items:
            host_id = _host_id(item)
            if not host_id or len(host_id) > MAX_HOST_ID:
                result.refused.append(
                    _invalid(
                        resource,
                        host_id or "?",
                        "host_id",
                        "mangler eller er for lang",
                        "missing or too long",
                    )
                )
                continue
            if item.get("deleted") is True:
                if _delete(session, connection_id, resource, host_id):
                    result.deleted.append(host_id)
                else:
                    result.unchanged.append(host_id)
                continue
            fields = {k: v for k, v in item.items() if k not in ("host_id", "id", "tripletex_id", "deleted")}
            cleaned = _clean(resource, host_id, fields)
            if isinstance(cleaned, Refusal):
                result.refused.append(cleaned)
                continue
            tripletex_id = item.get("tripletex_id")
            if tripletex_id is not None:
                refusal = _adopt(session, connection_id, resource, host_id, tripletex_id)
                if refusal is not None:
                    result.refused.append(refusal)
                    continue
            outcome = _store(session, connection_id, resource, host_id, cleaned)
            getattr(result, outcome).append(host_id)
    return result


def _row(session: Session, connection_id: int, resource: SyncResource, host_id: str) -> HostObject | None:
    return session.scalar(
        select(HostObject).where(
            HostObject.connection_id == connection_id,
            HostObject.resource == resource,
            HostObject.host_id == host_id,
        )
    )


def _store(
    session: Session, connection_id: int, resource: SyncResource, host_id: str, cleaned: dict[str, Any]
) -> str:
    row = _row(session, connection_id, resource, host_id)
    if row is None:
        data = {k: v for k, v in cleaned.items()}
        session.add(
            HostObject(
                connection_id=connection_id,
                resource=resource,
                host_id=host_id,
                data=data,
                data_hash=digest(data),
                revision=1,
            )
        )
        session.flush()
        return "created"
    data = {} if row.deleted else dict(row.data)
    data.update(cleaned)
    new_hash = digest(data)
    if new_hash == row.data_hash and not row.deleted:
        return "unchanged"
    row.data, row.data_hash, row.deleted = data, new_hash, False
    row.revision += 1
    row.changed_at = utcnow()
    return "changed"


def _delete(session: Session, connection_id: int, resource: SyncResource, host_id: str) -> bool:
    row = _row(session, connection_id, resource, host_id)
    if row is None or row.deleted:
        return False
    row.deleted = True
    row.revision += 1
    row.changed_at = utcnow()
    return True


def _adopt(
    session: Session, connection_id: int, resource: SyncResource, host_id: str, tripletex_id: Any
) -> Refusal | None:
    """Link a host object to the Tripletex object it was created from (announced in the feed)."""
    if isinstance(tripletex_id, bool) or not str(tripletex_id).isdigit():
        return _invalid(resource, host_id, "tripletex_id", "må være et heltall", "must be a whole number")
    tx_id = int(tripletex_id)
    link = links.by_tripletex(session, connection_id, resource, tx_id)
    mine = links.by_host(session, connection_id, resource, host_id)
    if link is not None and link.state is not SyncLinkState.UNLINKED:
        if link.host_id == host_id:
            return None
        if link.host_id is not None:
            other = f"{resource.value} {link.host_id}"
            return Refusal(
                host_id,
                render(
                    "sync_tripletex_id_taken",
                    object=f"{resource.value} {host_id}",
                    tripletex_id=tx_id,
                    other=other,
                ),
            )
        if mine is not None and mine is not link:
            session.delete(mine)
            session.flush()
        link.host_id = host_id
        return None
    if session.get(TripletexObject, (connection_id, resource, tx_id)) is None:
        return _invalid(
            resource, host_id, "tripletex_id", "ukjent for synkroniseringen", "not known to the sync"
        )
    if mine is not None:
        session.delete(mine)
        session.flush()
    stored = session.get(TripletexObject, (connection_id, resource, tx_id))
    session.add(
        SyncLink(
            connection_id=connection_id,
            resource=resource,
            host_id=host_id,
            tripletex_id=tx_id,
            tripletex_version=stored.version if stored else None,
            state=SyncLinkState.LINKED,
        )
    )
    session.flush()
    return None


def references_of(resource: SyncResource) -> tuple[str, ...]:
    return tuple(spec.name for spec in FIELDS[resource] if spec.refers_to is not None)
