"""Host changes to Tripletex: deletes unlink, new objects are matched or created (claim before
write), changes are sent with ``version``; a 409 (a stale version) means fetch, merge by the
conflict rule, and send again — a newer change in Tripletex is never overwritten silently.

Never twice: a create is claimed (a ``creating`` link, committed) before the bulk call; after an
unknown outcome or a crash, the next run reads the resource and links what carries exactly the
fields it sent before it creates anything again. Updates are safe to repeat by nature (the version
check turns a repeat into a fetch and an empty merge)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from txbridge.catalog import Bilingual, render
from txbridge.flows.bulk import create_isolating
from txbridge.flows.connections import client_for
from txbridge.flows.outbound.context import detail
from txbridge.flows.sync import journal, links
from txbridge.flows.sync.apply import apply_in, customer_links, tell_host
from txbridge.flows.sync.fields import (
    HOST,
    ORDER,
    TRIPLETEX_FIELDS,
    comparable,
    digest,
    display_name,
    host_shape,
    tripletex_body,
)
from txbridge.flows.sync.held import hold
from txbridge.flows.sync.matching import Candidate, Hold, match
from txbridge.flows.sync.reader import PATHS, read_resource
from txbridge.flows.sync.rules import Merged, carries, conflict_message, label, merge, owner, stopped_by
from txbridge.settings import Settings
from txbridge.store import (
    ChangeAction,
    Connection,
    Database,
    HeldDecision,
    HeldMatch,
    HostObject,
    SyncDirection,
    SyncLink,
    SyncLinkState,
    SyncOutcome,
    SyncResource,
    TripletexObject,
)
from txbridge.store.models import utcnow
from txbridge.tripletex import (
    APIStatusError,
    NotFoundError,
    OutcomeUnknownError,
    RevisionConflictError,
    Tripletex,
)

#: Objects per bulk create.
CREATE_CHUNK = 500
#: Fetch-merge-send rounds for one object that keeps changing in Tripletex meanwhile.
CONFLICT_ROUNDS = 3
#: Markers of links that are not live: a decision to leave the object out, a wait for a reference.
SKIPPED, WAITING, CREATING = "skip:", "wait:", "create:"


#: Resources Tripletex updates in bulk (``PUT /x/list``); employees have no such endpoint.
BULK_UPDATES = frozenset({SyncResource.CUSTOMER, SyncResource.PROJECT})


@dataclass(frozen=True, slots=True)
class _Outgoing:
    link_id: int
    body: dict[str, Any]
    merged: Merged
    data_hash: str
    missing: list[tuple[str, str]]


@dataclass(slots=True)
class PushResult:
    created: int = 0
    updated: int = 0
    linked: int = 0
    unlinked: int = 0
    conflicts: int = 0
    refused: int = 0
    skipped: int = 0
    held: int = 0
    waiting: int = 0


@contextmanager
def connection_client(
    db: Database, settings: Settings, connection_id: int, client: Tripletex | None
) -> Iterator[Tripletex]:
    """The caller's client, or one for the stored connection (closed afterwards)."""
    if client is not None:
        yield client
        return
    with db.reading() as session:
        connection = session.get(Connection, connection_id)
        if connection is None:
            raise LookupError(f"no connection {connection_id}")
        own = client_for(connection, settings)
    with own:
        yield own


def push_host_changes(
    db: Database,
    settings: Settings,
    connection_id: int,
    *,
    client: Tripletex | None = None,
    resources: Sequence[SyncResource] = ORDER,
) -> PushResult:
    """Send everything the host changed since the last push (resources in dependency order)."""
    result = PushResult()
    with connection_client(db, settings, connection_id, client) as tx:
        for resource in resources:
            push_resource(db, tx, connection_id, resource, result, host_deletes=settings.sync_host_deletes)
    return result


def push_resource(
    db: Database,
    client: Tripletex,
    connection_id: int,
    resource: SyncResource,
    result: PushResult,
    *,
    host_deletes: str = "unlink",
) -> None:
    """One resource's host changes: deletes, unsettled creates, creates, updates."""
    pusher = _Pusher(db, client, connection_id, result, host_deletes)
    pusher.deletes(resource)
    pusher.settle_creating(resource)
    pusher.creates(resource)
    pusher.updates(resource)


def _host_rows(session: Session, connection_id: int, resource: SyncResource) -> dict[str, HostObject]:
    rows = session.scalars(
        select(HostObject).where(HostObject.connection_id == connection_id, HostObject.resource == resource)
    )
    return {r.host_id: r for r in rows}


def _host_row(session: Session, connection_id: int, resource: SyncResource, host_id: str) -> HostObject:
    row = session.scalar(
        select(HostObject).where(
            HostObject.connection_id == connection_id,
            HostObject.resource == resource,
            HostObject.host_id == host_id,
        )
    )
    assert row is not None  # host objects are never removed, only marked deleted
    return row


def _links(session: Session, connection_id: int, resource: SyncResource) -> list[SyncLink]:
    return list(
        session.scalars(
            select(SyncLink).where(SyncLink.connection_id == connection_id, SyncLink.resource == resource)
        )
    )


def _open_holds(session: Session, connection_id: int, resource: SyncResource) -> list[HeldMatch]:
    return list(
        session.scalars(
            select(HeldMatch).where(
                HeldMatch.connection_id == connection_id,
                HeldMatch.resource == resource,
                HeldMatch.decided_at.is_(None),
            )
        )
    )


class _Pusher:
    def __init__(
        self, db: Database, client: Tripletex, connection_id: int, result: PushResult, host_deletes: str
    ) -> None:
        self.db, self.client, self.connection_id, self.result = db, client, connection_id, result
        self.host_deletes = host_deletes
        self._department: int | None = None

    # ---- deletes ---------------------------------------------------------------------------------
    def deletes(self, resource: SyncResource) -> None:
        with self.db.reading() as session:
            rows = _host_rows(session, self.connection_id, resource)
            todo = [
                (link.id, link.tripletex_id)
                for link in _links(session, self.connection_id, resource)
                if link.state is SyncLinkState.LINKED
                and link.tripletex_id is not None
                and link.host_id in rows
                and rows[link.host_id].deleted
            ]
        for link_id, tx_id in todo:
            rule = "sync_host_delete_unlinked"
            # Tripletex has no delete of employees: they are always unlinked.
            if self.host_deletes == "delete" and resource is not SyncResource.EMPLOYEE and tx_id is not None:
                rule = self._delete_in_tripletex(resource, tx_id)
            with self.db.transaction() as session:
                link = session.get(SyncLink, link_id)
                assert link is not None
                row = _host_row(session, self.connection_id, resource, link.host_id or "")
                link.state = SyncLinkState.UNLINKED
                self.result.unlinked += 1
                if rule == "":
                    stored = session.get(TripletexObject, (self.connection_id, resource, tx_id))
                    if stored is not None:
                        stored.deleted = True
                    continue
                self._log(
                    session,
                    resource,
                    row,
                    SyncOutcome.SKIPPED,
                    rule,
                    tripletex_id=tx_id,
                    tripletex_name=link.name,
                    object=label(resource, row.data, row.host_id),
                )

    def _delete_in_tripletex(self, resource: SyncResource, tripletex_id: int) -> str:
        """Delete in Tripletex (configured); the rule to log, or "" when it was simply deleted."""
        path = f"{PATHS[resource]}/{tripletex_id}"
        try:
            self.client.request("DELETE", path)
            return ""
        except NotFoundError:
            return ""
        except APIStatusError:
            if resource is not SyncResource.CUSTOMER:
                return "sync_host_delete_unlinked"
        # A customer with invoices cannot be deleted: deactivate it (with its current version).
        for _round in range(CONFLICT_ROUNDS):
            current = (self.client.request("GET", path, params={"fields": "id,version"}) or {}).get(
                "value"
            ) or {}
            try:
                self.client.request(
                    "PUT",
                    path,
                    json={"id": tripletex_id, "version": current.get("version"), "isInactive": True},
                )
                return "sync_customer_deactivated"
            except RevisionConflictError:
                continue
        return "sync_host_delete_unlinked"

    # ---- creates ---------------------------------------------------------------------------------
    def _candidates(self, session: Session, resource: SyncResource) -> dict[str, HostObject]:
        """Host objects to create or match: no link, or parked (refused or stopped at an older state,
        waiting for a reference); never one decided «skip», never one held."""
        rows = {h: r for h, r in _host_rows(session, self.connection_id, resource).items() if not r.deleted}
        for link in _links(session, self.connection_id, resource):
            if link.host_id is None or link.host_id not in rows:
                continue
            parked = link.state is SyncLinkState.UNLINKED and link.tripletex_id is None
            marker = link.marker or ""
            retry = (
                parked
                and not marker.startswith(SKIPPED)
                and (
                    marker.startswith(WAITING) or link.sent_to_tripletex_hash != rows[link.host_id].data_hash
                )
            )
            if not retry:
                rows.pop(link.host_id)
        for held in _open_holds(session, self.connection_id, resource):
            rows.pop(held.host_id or "", None)
        return rows

    def _unlinked_tripletex(self, session: Session, resource: SyncResource) -> dict[int, dict[str, Any]]:
        taken = {
            link.tripletex_id
            for link in _links(session, self.connection_id, resource)
            if link.tripletex_id is not None and link.state is not SyncLinkState.UNLINKED
        }
        for held in _open_holds(session, self.connection_id, resource):
            taken.update(int(str(c["id"])) for c in held.candidates)
        rows = session.scalars(
            select(TripletexObject).where(
                TripletexObject.connection_id == self.connection_id,
                TripletexObject.resource == resource,
                TripletexObject.deleted.is_(False),
            )
        )
        return {r.tripletex_id: dict(r.data) for r in rows if r.tripletex_id not in taken}

    def _park(self, session: Session, resource: SyncResource, row: HostObject, marker: str | None) -> None:
        link = self._link_of(session, resource, row.host_id)
        if link is None:
            link = SyncLink(connection_id=self.connection_id, resource=resource, host_id=row.host_id)
            session.add(link)
            self._remember(session, resource, link)
        link.state, link.tripletex_id, link.marker = SyncLinkState.UNLINKED, None, marker
        link.sent_to_tripletex_hash = row.data_hash
        link.name = display_name(resource, row.data)
        session.flush()

    def _log(
        self,
        session: Session,
        resource: SyncResource,
        row: HostObject,
        outcome: SyncOutcome,
        rule: str,
        **params: Any,
    ) -> None:
        journal.log(
            session,
            self.connection_id,
            resource,
            direction=SyncDirection.TO_TRIPLETEX,
            outcome=outcome,
            rule=rule,
            host_id=row.host_id,
            host_name=display_name(resource, row.data),
            **params,
        )

    def _link_of(self, session: Session, resource: SyncResource, host_id: str) -> SyncLink | None:
        """The link of a host object, from one read of the resource's links per transaction."""
        key = ("sync_links", resource)
        if key not in session.info:
            session.info[key] = {
                link.host_id: link for link in _links(session, self.connection_id, resource) if link.host_id
            }
        found: SyncLink | None = session.info[key].get(host_id)
        return found

    def _remember(self, session: Session, resource: SyncResource, link: SyncLink) -> None:
        self._link_of(session, resource, link.host_id or "")
        session.info[("sync_links", resource)][link.host_id] = link

    def _forget(self, session: Session, resource: SyncResource, link: SyncLink) -> None:
        self._link_of(session, resource, link.host_id or "")
        session.info[("sync_links", resource)].pop(link.host_id, None)
        session.delete(link)

    def _department_id(self) -> int | None:
        if self._department is None:
            answer = self.client.request(
                "GET", "/department", params={"fields": "id", "count": 1, "sorting": "id"}
            )
            values = (answer or {}).get("values") or []
            self._department = int(values[0]["id"]) if values else 0
        return self._department or None

    def _body(self, resource: SyncResource, fields: Mapping[str, Any]) -> dict[str, Any]:
        sendable = {k: v for k, v in fields.items() if owner(resource, k) == HOST or k in _CREATE_ONLY}
        body = tripletex_body(resource, sendable)
        if resource is SyncResource.EMPLOYEE:
            department = self._department_id()
            if department is not None:
                body["department"] = {"id": department}
            if fields.get("email"):
                body["email"] = fields["email"]  # given once, at creation; Tripletex owns it after
        return body

    def creates(self, resource: SyncResource) -> None:
        claimed: list[tuple[str, dict[str, Any]]] = []
        with self.db.transaction() as session, session.no_autoflush:
            rows = self._candidates(session, resource)
            decided_new = {
                h.host_id
                for h in session.scalars(
                    select(HeldMatch).where(
                        HeldMatch.connection_id == self.connection_id,
                        HeldMatch.resource == resource,
                        HeldMatch.decision == HeldDecision.CREATE_NEW,
                    )
                )
            }
            found = match(
                resource,
                {h: r.data for h, r in rows.items() if h not in decided_new},
                self._unlinked_tripletex(session, resource),
                customer_links=customer_links(session, self.connection_id),
            )
            for host_id, tx_id, _why in found.links:
                self._link(session, resource, rows.pop(host_id), tx_id)
                self.result.linked += 1
            for h in found.held:
                rows.pop(h.host_id, None)
                if hold(session, self.connection_id, resource, h) is not None:
                    self.result.held += 1
            numbers = self._customer_numbers(session) if resource is SyncResource.CUSTOMER else {}
            for host_id, row in rows.items():
                fields, missing = links.to_tripletex_refs(session, self.connection_id, resource, row.data)
                rule = stopped_by(resource, row.data, host_id)
                number = row.data.get("customer_number")
                if rule is None and number is not None and int(str(number)) in numbers:
                    rule = render(
                        "sync_customer_number_taken",
                        object=label(resource, row.data, host_id),
                        number=number,
                        other=numbers[int(str(number))],
                    )
                if rule is not None:
                    self._park(session, resource, row, None)
                    self._log(session, resource, row, SyncOutcome.SKIPPED, rule.id, message=rule.params)
                    self.result.skipped += 1
                    continue
                manager_missing = resource is SyncResource.PROJECT and not fields.get("project_manager_id")
                if missing or manager_missing:
                    link = self._link_of(session, resource, host_id)
                    if link is None or not (link.marker or "").startswith(WAITING):
                        what, ref = missing[0] if missing else ("project_manager_id", "-")
                        self._park(session, resource, row, WAITING + host_id)
                        self._log(
                            session,
                            resource,
                            row,
                            SyncOutcome.SKIPPED,
                            "sync_reference_not_linked",
                            object=label(resource, row.data, host_id),
                            what=_WHAT[what],
                            ref=ref,
                        )
                    self.result.waiting += 1
                    continue
                link = self._link_of(session, resource, host_id)
                if link is None:
                    link = SyncLink(connection_id=self.connection_id, resource=resource, host_id=host_id)
                    session.add(link)
                    self._remember(session, resource, link)
                link.state, link.tripletex_id = SyncLinkState.CREATING, None
                link.marker = CREATING + host_id
                link.sent_to_tripletex_hash = row.data_hash
                link.name = display_name(resource, row.data)
                claimed.append((host_id, self._body(resource, fields)))
        if not claimed:
            return
        # The claims are committed: from here a crash leaves «creating» links for settle_creating.
        path = PATHS[resource] + "/list"

        def post(part: Sequence[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
            answer = self.client.request(
                "POST", path, json=[body for _h, body in part], params={"fields": TRIPLETEX_FIELDS[resource]}
            )
            return list((answer or {}).get("values") or [])

        try:
            created, refused = create_isolating(claimed, post, chunk_size=CREATE_CHUNK)
        except OutcomeUnknownError:
            self.settle_creating(resource)
            return
        with self.db.transaction() as session, session.no_autoflush:
            for (host_id, _body), obj in created:
                self._record_created(session, resource, host_id, obj)
            for (host_id, _body), error in refused:
                row = _host_row(session, self.connection_id, resource, host_id)
                self._park(session, resource, row, None)
                self._log(
                    session,
                    resource,
                    row,
                    SyncOutcome.FAILED,
                    "sync_tripletex_refused",
                    object=label(resource, row.data, host_id),
                    detail=detail(error),
                )
                self.result.refused += 1

    def _customer_numbers(self, session: Session) -> dict[int, str]:
        """Customer numbers Tripletex has (as last read), with the customer's name."""
        rows = session.scalars(
            select(TripletexObject).where(
                TripletexObject.connection_id == self.connection_id,
                TripletexObject.resource == SyncResource.CUSTOMER,
                TripletexObject.deleted.is_(False),
            )
        )
        return {
            int(str(r.data["customer_number"])): label(SyncResource.CUSTOMER, r.data, r.tripletex_id)
            for r in rows
            if r.data.get("customer_number") is not None
        }

    def _link(self, session: Session, resource: SyncResource, row: HostObject, tripletex_id: int) -> SyncLink:
        link = self._link_of(session, resource, row.host_id)
        if link is None:
            link = SyncLink(connection_id=self.connection_id, resource=resource, host_id=row.host_id)
            session.add(link)
            self._remember(session, resource, link)
        stored = session.get(TripletexObject, (self.connection_id, resource, tripletex_id))
        link.state, link.tripletex_id, link.marker = SyncLinkState.LINKED, tripletex_id, None
        link.tripletex_version = stored.version if stored is not None else None
        link.sent_to_tripletex_hash = None  # nothing sent yet: the update step merges both sides
        link.name = display_name(resource, row.data)
        session.flush()
        return link

    def _record_created(
        self, session: Session, resource: SyncResource, host_id: str, obj: Mapping[str, Any]
    ) -> None:
        tx_id = int(obj["id"])
        data = host_shape(resource, obj)
        stored = session.get(TripletexObject, (self.connection_id, resource, tx_id))
        if stored is None:
            stored = TripletexObject(connection_id=self.connection_id, resource=resource, tripletex_id=tx_id)
            session.add(stored)
        stored.version, stored.data, stored.deleted = obj.get("version"), data, False
        link = self._link_of(session, resource, host_id)
        assert link is not None  # claimed before the write
        host_view, refs = links.to_host_refs(session, self.connection_id, resource, data)
        link.state, link.tripletex_id, link.marker = SyncLinkState.LINKED, tx_id, None
        link.tripletex_version = stored.version
        link.base = host_view
        link.sent_to_tripletex_at = utcnow()
        row = _host_row(session, self.connection_id, resource, host_id)
        self.result.created += 1
        # Tripletex gave what it owns (a customer number): the host hears it.
        if comparable({**row.data, **host_view}) != comparable(row.data):
            tell_host(session, link, ChangeAction.CHANGED, host_view, refs)

    def settle_creating(self, resource: SyncResource) -> None:
        """Creates whose outcome is unknown (a lost answer, a crash): link what Tripletex has with
        exactly the fields sent; release the rest to be created (again) in this run."""
        with self.db.reading() as session:
            pending = [
                link.host_id
                for link in _links(session, self.connection_id, resource)
                if link.state is SyncLinkState.CREATING and link.host_id is not None
            ]
        if not pending:
            return
        remote: list[dict[str, Any]] = []
        for page in read_resource(self.client, resource):
            remote.extend(page.rows)
        with self.db.transaction() as session:
            taken = {
                link.tripletex_id
                for link in _links(session, self.connection_id, resource)
                if link.tripletex_id is not None and link.state is not SyncLinkState.UNLINKED
            }
            rows = _host_rows(session, self.connection_id, resource)
            for host_id in pending:
                link = self._link_of(session, resource, host_id)
                if link is None or link.state is not SyncLinkState.CREATING:
                    continue
                row = rows[host_id]
                fields, _missing = links.to_tripletex_refs(session, self.connection_id, resource, row.data)
                same = [
                    obj
                    for obj in remote
                    if int(obj["id"]) not in taken and carries(resource, fields, host_shape(resource, obj))
                ]
                if len(same) == 1:
                    self._record_created(session, resource, host_id, same[0])
                    taken.add(int(same[0]["id"]))
                elif not same:
                    self._forget(session, resource, link)  # never created: the create step sends it again
                else:
                    self._forget(session, resource, link)
                    session.flush()
                    found = Hold(
                        host_id,
                        display_name(resource, row.data),
                        "sync_held_ambiguous",
                        tuple(_candidate(resource, obj) for obj in same),
                    )
                    for obj in same:
                        _store_tripletex(session, self.connection_id, resource, obj)
                    hold(session, self.connection_id, resource, found)
                    self.result.held += 1

    # ---- updates ---------------------------------------------------------------------------------
    def updates(self, resource: SyncResource) -> None:
        """Merge every pending host change; those with nothing to send are settled in one
        transaction, the rest are sent one by one (each with its version)."""
        to_send: list[_Outgoing] = []
        with self.db.transaction() as session, session.no_autoflush:
            rows = _host_rows(session, self.connection_id, resource)
            stored = {
                o.tripletex_id: o
                for o in session.scalars(
                    select(TripletexObject).where(
                        TripletexObject.connection_id == self.connection_id,
                        TripletexObject.resource == resource,
                    )
                )
            }
            for link in _links(session, self.connection_id, resource):
                row = rows.get(link.host_id or "")
                if (
                    link.state is not SyncLinkState.LINKED
                    or link.tripletex_id is None
                    or row is None
                    or row.deleted
                    or row.data_hash == link.sent_to_tripletex_hash
                ):
                    continue
                current = stored.get(link.tripletex_id)
                tx_view, _refs = links.to_host_refs(
                    session, self.connection_id, resource, current.data if current is not None else {}
                )
                merged = merge(resource, link.base, tx_view, row.data)
                fields, missing = links.to_tripletex_refs(
                    session, self.connection_id, resource, merged.to_tripletex
                )
                if fields:
                    body = {
                        **tripletex_body(resource, fields),
                        "id": link.tripletex_id,
                        "version": link.tripletex_version,
                    }
                    to_send.append(_Outgoing(link.id, body, merged, row.data_hash, missing))
                else:
                    self._settle_update(session, resource, link, row, merged, None, row.data_hash, missing)
        rest = to_send
        if resource in BULK_UPDATES:
            rest = []
            for start in range(0, len(to_send), CREATE_CHUNK):
                rest.extend(self._update_many(resource, to_send[start : start + CREATE_CHUNK]))
        for outgoing in rest:
            self._update(resource, outgoing.link_id)

    def _update_many(self, resource: SyncResource, part: list[_Outgoing]) -> list[_Outgoing]:
        """One ``PUT /x/list`` for many changes; what it could not settle (a stale version anywhere
        refuses the whole list, as does a refused object) goes one by one. Returns those."""
        sending = part
        if len(sending) < 2:
            return part
        try:
            answer = self.client.request(
                "PUT",
                PATHS[resource] + "/list",
                json=[o.body for o in sending],
                params={"fields": TRIPLETEX_FIELDS[resource]},
            )
        except (APIStatusError, OutcomeUnknownError):
            return part  # nothing written (or unknown: the one-by-one step fetches and merges)
        values = list((answer or {}).get("values") or [])
        if len(values) != len(sending):
            return part
        with self.db.transaction() as session:
            for outgoing, value in zip(sending, values, strict=True):
                link = session.get(SyncLink, outgoing.link_id)
                assert link is not None
                row = _host_row(session, self.connection_id, resource, link.host_id or "")
                self._settle_update(
                    session, resource, link, row, outgoing.merged, value, outgoing.data_hash, outgoing.missing
                )
        return []

    def _update(self, resource: SyncResource, link_id: int) -> None:
        path = PATHS[resource]
        for _round in range(CONFLICT_ROUNDS):
            with self.db.reading() as session:
                link = session.get(SyncLink, link_id)
                assert link is not None and link.tripletex_id is not None and link.host_id is not None
                row = _host_row(session, self.connection_id, resource, link.host_id)
                stored = session.get(TripletexObject, (self.connection_id, resource, link.tripletex_id))
                tx_view, _refs = links.to_host_refs(
                    session, self.connection_id, resource, stored.data if stored is not None else {}
                )
                merged = merge(resource, link.base, tx_view, row.data)
                fields, missing = links.to_tripletex_refs(
                    session, self.connection_id, resource, merged.to_tripletex
                )
                tx_id, version, data_hash = link.tripletex_id, link.tripletex_version, row.data_hash
            answer: Mapping[str, Any] | None = None
            if fields:
                body = {**tripletex_body(resource, fields), "id": tx_id, "version": version}
                try:
                    answer = (
                        self.client.request(
                            "PUT", f"{path}/{tx_id}", json=body, params={"fields": TRIPLETEX_FIELDS[resource]}
                        )
                        or {}
                    ).get("value")
                except RevisionConflictError:
                    self._refetch(resource, tx_id)
                    continue
                except NotFoundError:
                    with self.db.transaction() as session:
                        apply_in(session, self.connection_id, resource, tx_id, None)
                    return
                except APIStatusError as error:
                    with self.db.transaction() as session:
                        row = _host_row(session, self.connection_id, resource, link.host_id or "")
                        link = session.get(SyncLink, link_id)
                        assert link is not None
                        link.sent_to_tripletex_hash = data_hash  # not again until the host changes it
                        self._log(
                            session,
                            resource,
                            row,
                            SyncOutcome.FAILED,
                            "sync_tripletex_refused",
                            object=label(resource, row.data, row.host_id),
                            detail=detail(error),
                            tripletex_id=tx_id,
                            tripletex_name=link.name,
                        )
                    self.result.refused += 1
                    return
            self._record_update(resource, link_id, merged, answer, data_hash, missing)
            return

    def _refetch(self, resource: SyncResource, tripletex_id: int) -> None:
        try:
            obj = (
                self.client.request(
                    "GET", f"{PATHS[resource]}/{tripletex_id}", params={"fields": TRIPLETEX_FIELDS[resource]}
                )
                or {}
            ).get("value")
        except NotFoundError:
            obj = None
        with self.db.transaction() as session:
            apply_in(session, self.connection_id, resource, tripletex_id, obj)

    def _record_update(
        self,
        resource: SyncResource,
        link_id: int,
        merged: Merged,
        answer: Mapping[str, Any] | None,
        data_hash: str,
        missing: list[tuple[str, str]],
    ) -> None:
        with self.db.transaction() as session:
            link = session.get(SyncLink, link_id)
            assert link is not None and link.tripletex_id is not None
            row = _host_row(session, self.connection_id, resource, link.host_id or "")
            self._settle_update(session, resource, link, row, merged, answer, data_hash, missing)

    def _settle_update(
        self,
        session: Session,
        resource: SyncResource,
        link: SyncLink,
        row: HostObject,
        merged: Merged,
        answer: Mapping[str, Any] | None,
        data_hash: str,
        missing: list[tuple[str, str]],
    ) -> None:
        """Record a merged host change: Tripletex's answer, the conflicts and refusals logged, the
        new agreed state, and the host told when Tripletex's side won something."""
        assert link.tripletex_id is not None
        if answer is not None:
            apply_in(session, self.connection_id, resource, link.tripletex_id, answer)
            session.refresh(link)
            self.result.updated += 1
        name = label(resource, row.data, row.host_id)
        for conflict in merged.conflicts:
            message = conflict_message(resource, name, conflict)
            self._log(
                session,
                resource,
                row,
                SyncOutcome.CONFLICT_RESOLVED,
                message.id,
                tripletex_id=link.tripletex_id,
                tripletex_name=link.name,
                message=message.params,
            )
            self.result.conflicts += 1
        for field in merged.owned_by_tripletex:
            self._log(
                session,
                resource,
                row,
                SyncOutcome.SKIPPED,
                "sync_field_owned_by_tripletex",
                tripletex_id=link.tripletex_id,
                tripletex_name=link.name,
                object=name,
                field=field,
            )
        base = dict(merged.data)
        for name_, _host in missing:
            base.pop(name_, None)
        link.base = base
        link.sent_to_tripletex_hash = data_hash
        link.sent_to_tripletex_at = utcnow()
        # The host hears the merged state when Tripletex's side won something.
        if (
            comparable(merged.data) != comparable({**merged.data, **row.data})
            and digest(merged.data) != link.sent_to_host_hash
        ):
            stored = session.get(TripletexObject, (self.connection_id, resource, link.tripletex_id))
            _view, refs = links.to_host_refs(
                session, self.connection_id, resource, stored.data if stored is not None else {}
            )
            tell_host(session, link, ChangeAction.CHANGED, merged.data, refs)


_WHAT = {
    "customer_id": Bilingual("kunden", "the customer"),
    "project_manager_id": Bilingual("prosjektlederen", "the project manager"),
}
#: Fields Tripletex owns that a create may still carry (Tripletex takes them as the first value).
_CREATE_ONLY = frozenset({"customer_number", "invoice_email", "employee_number", "number"})


def _candidate(resource: SyncResource, obj: Mapping[str, Any]) -> Candidate:
    return Candidate(int(obj["id"]), display_name(resource, host_shape(resource, obj)), "same_fields")


def _store_tripletex(
    session: Session, connection_id: int, resource: SyncResource, obj: Mapping[str, Any]
) -> None:
    tx_id = int(obj["id"])
    stored = session.get(TripletexObject, (connection_id, resource, tx_id))
    if stored is None:
        session.add(
            TripletexObject(
                connection_id=connection_id,
                resource=resource,
                tripletex_id=tx_id,
                version=obj.get("version"),
                data=host_shape(resource, obj),
            )
        )
