"""Hours (timesheet entries) on the outbound engine.

* **preflight**: Tripletex's employees, projects and activities once per batch, and the activities
  usable on each project the hours name (``>forTimeSheet``); each hour resolved
  (:mod:`txbridge.flows.hours.mapping`) and checked against the same-key and 24-hour rules
  (:mod:`txbridge.flows.hours.rules`).
* **corrections**: an hour changed or deleted in the host after its export is updated (``PUT`` with
  the ``version`` last seen) or deleted (``DELETE`` with ``version``) — unless its month is approved
  in Tripletex: then the item fails saying so (``hours_correction_locked``) and the entry stays.
* **check_and_build**: the body with the marker at the end of the comment
  (:mod:`txbridge.flows.hours.marker`), or the refusal that names employee, project or activity.
* **send**: ``POST /timesheet/entry/list``, 100 per call.
* **find_by_marker**: one search of the window's entries whose comment holds the marker prefix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from txbridge.catalog import Bilingual, Message, render
from txbridge.flows.hours import remote
from txbridge.flows.hours.entries import settle_exported, signature, stored_values
from txbridge.flows.hours.mapping import Directory, Resolved, SyncLinks, resolve
from txbridge.flows.hours.marker import marker
from txbridge.flows.hours.rules import refusals
from txbridge.flows.outbound.context import RunContext
from txbridge.flows.outbound.kind import InFlightRow, ItemRow, KindPlugin, Outgoing, ReferenceRow, Refusal
from txbridge.store import (
    BatchItem,
    Connection,
    HoursEntry,
    HoursState,
    IntegrationReference,
    ItemStatus,
    LogLevel,
    OutboundKind,
    ReferenceKind,
)
from txbridge.store import queries as q
from txbridge.tripletex import APIStatusError, NotFoundError, RevisionConflictError
from txbridge.tripletex.models import TimesheetEntry


@dataclass(slots=True)
class HoursPrepared:
    directory: Directory
    #: The batch's hours (pending or in flight), by id.
    entries: dict[int, HoursEntry] = field(default_factory=dict)
    resolved: dict[int, Resolved | Message] = field(default_factory=dict)
    #: Hours the same-key or 24-hour rule keeps back, with why.
    refused: dict[int, Message] = field(default_factory=dict)


def _open_entries(session: Session, batch_id: int, statuses: Sequence[ItemStatus]) -> list[HoursEntry]:
    ids = select(BatchItem.hours_entry_id).where(
        BatchItem.batch_id == batch_id, BatchItem.status.in_(statuses)
    )
    return list(session.scalars(select(HoursEntry).where(HoursEntry.id.in_(ids)).order_by(HoursEntry.id)))


class HoursKind(KindPlugin[HoursPrepared, TimesheetEntry]):
    kind = OutboundKind.HOURS
    reference_kind = ReferenceKind.TIMESHEET_ENTRY
    max_chunk = remote.MAX_CHUNK
    object_type = "hours"
    #: The progress phase of its sends.
    phase = "hours"

    def subject_column(self) -> InstrumentedAttribute[int | None]:
        return BatchItem.hours_entry_id

    def chunk_size(self, connection: Connection) -> int:
        return max(1, min(self.max_chunk, connection.batch_size))

    def keeps_referenced(self, session: Session, subject_ids: Sequence[int]) -> set[int]:
        """Hours with an entry in Tripletex that this batch is to correct: not «already exported»."""
        if not subject_ids:
            return set()
        return set(
            session.scalars(
                select(HoursEntry.id).where(
                    HoursEntry.id.in_(list(subject_ids)),
                    HoursEntry.state.in_((HoursState.CHANGED, HoursState.DELETED)),
                )
            )
        )

    # ---- preflight ---------------------------------------------------------------------------------

    def preflight(self, run: RunContext) -> HoursPrepared:
        with run.db.transaction() as session:
            settle_exported(session, run.connection_id)
            entries = _open_entries(
                session, run.batch_id, (ItemStatus.PENDING, ItemStatus.IN_FLIGHT, ItemStatus.SKIPPED)
            )
            days = [e.work_date for e in entries]
            neighbours: list[HoursEntry] = []
            if days:
                written = select(IntegrationReference.local_id).where(
                    IntegrationReference.connection_id == run.connection_id,
                    IntegrationReference.kind == ReferenceKind.TIMESHEET_ENTRY,
                )
                neighbours = list(
                    session.scalars(
                        select(HoursEntry).where(
                            HoursEntry.connection_id == run.connection_id,
                            HoursEntry.work_date.between(min(days), max(days)),
                            HoursEntry.id.in_(written),
                        )
                    )
                )
        with run.db.transaction() as session:
            links = SyncLinks(session, run.connection_id)
        directory = run.api(lambda: remote.read_directory(run.client, [*entries, *neighbours], links))
        prepared = HoursPrepared(directory, {e.id: e for e in entries})
        prepared.resolved = {e.id: resolve(e, directory) for e in entries}
        batch_ids = set(prepared.entries)
        candidates = [
            (e, r)
            for e in entries
            if isinstance(r := prepared.resolved[e.id], Resolved) and e.state is HoursState.READY
        ]
        # What Tripletex will have once this batch's corrections are made: exported hours as they are
        # there, changed ones (of this batch) as the host has them now.
        in_tripletex: list[tuple[HoursEntry, Resolved]] = []
        for entry in neighbours:
            if entry.state is HoursState.DELETED and entry.id in batch_ids:
                continue
            found = resolve(entry, directory)
            if isinstance(found, Resolved):
                in_tripletex.append((entry, found))
        prepared.refused = refusals(candidates, in_tripletex)
        run.report("preflight")
        return prepared

    # ---- corrections -------------------------------------------------------------------------------

    def corrections(self, run: RunContext, prepared: HoursPrepared) -> None:
        """The batch's hours changed or deleted after their export: PUT or DELETE with version."""
        with run.db.transaction() as session:
            items = list(
                session.execute(
                    select(BatchItem.id, BatchItem.hours_entry_id).where(
                        BatchItem.batch_id == run.batch_id,
                        BatchItem.status.in_((ItemStatus.PENDING, ItemStatus.SKIPPED)),
                    )
                )
            )
            refs = q.references_of(
                session,
                run.connection_id,
                ReferenceKind.TIMESHEET_ENTRY,
                [e for _, e in items if e is not None],
            )
        for item_id, entry_id in items:
            entry = prepared.entries.get(entry_id) if entry_id is not None else None
            if entry is None or entry.id not in refs:
                continue
            if entry.state is HoursState.CHANGED:
                self._update(run, prepared, item_id, entry, refs[entry.id])
            elif entry.state is HoursState.DELETED:
                self._delete(run, item_id, entry, refs[entry.id])

    def _update(
        self,
        run: RunContext,
        prepared: HoursPrepared,
        item_id: int,
        entry: HoursEntry,
        ref: IntegrationReference,
    ) -> None:
        found = prepared.resolved.get(entry.id)
        if isinstance(found, Message):
            self._finish(run, item_id, entry, ItemStatus.FAILED, found)
            return
        assert found is not None and ref.tripletex_id is not None
        mark = ref.tripletex_number or marker(entry.id, item_id)
        body = remote.entry_body(entry, found, mark)
        tripletex_id, version = ref.tripletex_id, ref.tripletex_version
        try:
            try:
                changed = run.api(lambda: remote.update_entry(run.client, tripletex_id, version, body))
            except RevisionConflictError:
                # Our earlier PUT landed (its answer lost) or someone changed it there: the host wins.
                current = run.api(lambda: run.client.timesheet_entries.get(tripletex_id, fields="id,version"))
                changed = run.api(
                    lambda: remote.update_entry(run.client, tripletex_id, current.version, body)
                )
        except NotFoundError:
            self._finish(
                run, item_id, entry, ItemStatus.FAILED, render("hours_entry_gone", hours=entry.host_id)
            )
            return
        except APIStatusError as exc:
            self._refused(run, item_id, entry, exc, change=Bilingual("endret", "changed"))
            return
        with run.db.transaction() as session:
            q.upsert_references(
                session,
                run.connection_id,
                ReferenceKind.TIMESHEET_ENTRY,
                [
                    (
                        entry.id,
                        entry.host_id,
                        {
                            "tripletex_id": changed.id,
                            "tripletex_version": changed.version,
                            "tripletex_number": mark,
                        },
                    )
                ],
            )
            stored = session.get(HoursEntry, entry.id)
            assert stored is not None
            stored.sent_signature = signature(stored_values(entry))
            stored.state = (
                HoursState.EXPORTED
                if signature(stored_values(stored)) == stored.sent_signature
                else HoursState.CHANGED
            )
            # In the same transaction: a kill can never leave the hour settled and its item pending
            # (a rerun would call it «already exported» rather than corrected).
            self._record(session, run, item_id, entry, ItemStatus.EXPORTED, None)

    def _delete(self, run: RunContext, item_id: int, entry: HoursEntry, ref: IntegrationReference) -> None:
        assert ref.tripletex_id is not None
        tripletex_id, version = ref.tripletex_id, ref.tripletex_version
        try:
            try:
                run.api(lambda: remote.delete_entry(run.client, tripletex_id, version))
            except RevisionConflictError:
                run.api(lambda: remote.delete_entry(run.client, tripletex_id, None))
        except APIStatusError as exc:
            self._refused(run, item_id, entry, exc, change=Bilingual("slettet", "deleted"))
            return
        with run.db.transaction() as session:
            reference = session.get(IntegrationReference, ref.id)
            if reference is not None:
                session.delete(reference)
            stored = session.get(HoursEntry, entry.id)
            assert stored is not None
            stored.state = HoursState.GONE
            stored.sent_signature = None
            # In the same transaction: a kill can never leave the hour gone (no reference) with its
            # item pending, which a rerun would send as a new entry.
            self._record(session, run, item_id, entry, ItemStatus.EXPORTED, None)

    def _refused(
        self, run: RunContext, item_id: int, entry: HoursEntry, exc: APIStatusError, *, change: Bilingual
    ) -> None:
        if remote.is_locked_month(exc):
            month = entry.work_date.isoformat()[:7]
            message = render("hours_correction_locked", hours=entry.host_id, change=change, month=month)
        else:
            message = remote.refusal(entry, exc)
        self._finish(run, item_id, entry, ItemStatus.FAILED, message)

    def _finish(
        self, run: RunContext, item_id: int, entry: HoursEntry, status: ItemStatus, message: Message | None
    ) -> None:
        with run.db.transaction() as session:
            self._record(session, run, item_id, entry, status, message)

    def _record(
        self,
        session: Session,
        run: RunContext,
        item_id: int,
        entry: HoursEntry,
        status: ItemStatus,
        message: Message | None,
    ) -> None:
        item = session.get(BatchItem, item_id)
        assert item is not None
        item.attempts += 1
        if status is ItemStatus.EXPORTED:
            # The correction is made: the entry in Tripletex is the host's hour again.
            item.status, item.error_id, item.message = status, None, None
            item.exported_at = item.updated_at = run.now()
        else:
            q.record_outcome(
                session,
                item,
                status,
                error_id=message.id if message else None,
                message=str(message) if message else None,
            )
        if message is not None:
            run.log(
                message,
                LogLevel.ERROR,
                object_type=self.object_type,
                object_key=entry.host_id,
                session=session,
            )

    # ---- create ------------------------------------------------------------------------------------

    def check_and_build(
        self, run: RunContext, prepared: HoursPrepared, items: Sequence[ItemRow]
    ) -> list[Outgoing | Refusal]:
        built: list[Outgoing | Refusal] = []
        for item in items:
            entry = prepared.entries.get(item.subject_id) if item.subject_id is not None else None
            if entry is None:
                built.append(Refusal(item.item_id, self.missing(item.subject_key)))
                continue
            found = prepared.resolved[entry.id]
            if isinstance(found, Message):
                built.append(Refusal(item.item_id, found))
            elif entry.id in prepared.refused:
                built.append(Refusal(item.item_id, prepared.refused[entry.id]))
            else:
                mark = item.intent_marker or marker(entry.id, item.item_id)
                body = remote.entry_body(entry, found, mark)
                built.append(Outgoing(item.item_id, entry.id, item.subject_key, mark, body))
        return built

    def send(
        self, run: RunContext, prepared: HoursPrepared, chunk: Sequence[Outgoing]
    ) -> Mapping[str, TimesheetEntry]:
        created = run.api(lambda: remote.create_entries(run.client, [o.body for o in chunk]))
        return {o.marker: entry for o, entry in zip(chunk, created, strict=True)}

    def find_by_marker(
        self, run: RunContext, prepared: HoursPrepared | None, items: Sequence[InFlightRow]
    ) -> Mapping[str, TimesheetEntry]:
        ids = [i.subject_id for i in items if i.subject_id is not None]
        with run.db.transaction() as session:
            days: list[date] = list(
                session.scalars(select(HoursEntry.work_date).where(HoursEntry.id.in_(ids)))
            )
        employees: list[int] | None = None
        if prepared is not None:
            employees = [r.employee_id for i in ids if isinstance(r := prepared.resolved.get(i), Resolved)]
        wanted = {i.marker for i in items}
        found = run.api(lambda: remote.find_marked(run.client, employees, days))
        return {mark: entry for mark, entry in found.items() if mark in wanted}

    reference_label = ("Timeføring", "Timesheet entry")

    def reference_number(self, reference: IntegrationReference) -> str | None:
        """The timesheet entry's id (its ``tripletex_number`` holds the never-twice marker)."""
        return None if reference.tripletex_id is None else str(reference.tripletex_id)

    def reference_of(self, outgoing: Outgoing, found: TimesheetEntry) -> ReferenceRow:
        assert outgoing.subject_id is not None
        return ReferenceRow(
            outgoing.subject_id,
            outgoing.subject_key,
            {
                "tripletex_id": found.id,
                "tripletex_version": found.version,
                "tripletex_number": outgoing.marker,
            },
        )

    # ---- words -------------------------------------------------------------------------------------

    def label(self, subject_key: str) -> str:
        return f"time {subject_key} / hour {subject_key}"

    def missing(self, subject_key: str) -> Message:
        return render("hours_not_found", hours=subject_key)

    def already_exported(self, subject_key: str, reference: IntegrationReference) -> Message:
        return render("hours_already_exported", hours=subject_key, entry=reference.tripletex_id or "?")

    def outcome_unknown(self, subject_keys: str) -> Message:
        return render("outcome_unknown", invoice=subject_keys)

    def server_error(self, subject_key: str) -> Message:
        return render(
            "hours_rejected",
            hours=subject_key,
            reason=Bilingual("intern feil hos Tripletex (500)", "internal error at Tripletex (500)"),
        )
