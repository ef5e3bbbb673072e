"""``diagnose_hours``: "why is hour X not in Tripletex?", in eight ordered checks.

The same shape as the invoice troubleshooter: the store first (imported? in a batch, exported?
already in Tripletex?), then Tripletex, read-only and with the export's own rules (the hours mapping
and the approved-month rule), so it never passes what the export refuses; the integration's state
last. The first failure stops the run."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import httpx
from sqlalchemy import select

from txbridge.catalog import Message, recover, render
from txbridge.flows.diagnose.checks import _Run, _TripletexUnavailable, run_diagnosis
from txbridge.flows.diagnose.model import (
    Answered,
    CheckResult,
    CheckStatus,
    HoursCheck,
    Note,
    Outcome,
    all_checks,
)
from txbridge.flows.hours import remote
from txbridge.flows.hours.batches import open_item_of_hours
from txbridge.flows.hours.mapping import Directory, Resolved, SyncLinks, employee_label, resolve
from txbridge.settings import Settings
from txbridge.store import Database, HoursEntry, HoursState, ReferenceKind, queries
from txbridge.tripletex import Tripletex

#: Refusals the later checks cannot find again from one hour alone (rules across hours, Tripletex's
#: own answer): the failed item's message is the diagnosis.
ACROSS_HOURS = frozenset({"hours_same_key", "hours_over_24", "hours_entry_exists", "hours_rejected"})


@dataclass(frozen=True, slots=True)
class HoursDiagnosis(Answered):
    """The troubleshooter's answer for one hour: all eight checks (``not_run`` after a stop)."""

    hours_id: str
    connection_id: int
    checks: tuple[CheckResult, ...]
    outcome: Outcome
    answer: Message | None = None
    api_calls: int = 0

    def to_dict(self) -> dict[str, Any]:
        return self.answer_dict("hours", self.hours_id)


def _passed(check: HoursCheck, nb: str, en: str) -> CheckResult:
    return CheckResult(check, CheckStatus.PASSED, note=Note(nb, en))


def _failed(check: HoursCheck, message: Message) -> CheckResult:
    return CheckResult(check, CheckStatus.FAILED, message=message)


class _HoursRun(_Run):
    entry: HoursEntry | None = None
    directory: Directory | None = None
    resolved: Resolved | None = None

    def in_store(self) -> CheckResult:
        self.entry = self.session.scalars(
            select(HoursEntry).where(
                HoursEntry.connection_id == self.connection.id, HoursEntry.host_id == self.invoice_number
            )
        ).first()
        if self.entry is None:
            return _failed(HoursCheck.IN_STORE, render("hours_not_found", hours=self.invoice_number))
        if self.entry.state is HoursState.GONE:
            return _failed(HoursCheck.IN_STORE, render("hours_deleted_in_host", hours=self.entry.host_id))
        return _passed(
            HoursCheck.IN_STORE,
            f"Timen er importert: {self.entry.work_date}, {self.entry.hours} timer.",
            f"The hour is imported: {self.entry.work_date}, {self.entry.hours} hours.",
        )

    def in_batch(self) -> CheckResult:
        assert self.entry is not None
        found = open_item_of_hours(self.session, self.entry.id)
        if found is None:
            return _passed(
                HoursCheck.IN_BATCH, "Timen er ikke i en åpen bunt.", "The hour is in no open batch."
            )
        batch_id, status, stored, error_id = found
        said = recover(error_id, stored, ("{nb} / {en}",)) if error_id in ACROSS_HOURS else None
        if said is not None:
            # A rule across hours (or Tripletex's own refusal): what the export found is the answer.
            return _failed(HoursCheck.IN_BATCH, said)
        if status == "in_flight":
            return _failed(HoursCheck.IN_BATCH, render("outcome_unknown", invoice=self.entry.host_id))
        if status == "pending":
            return _failed(
                HoursCheck.IN_BATCH,
                render("hours_batch_not_exported", hours=self.entry.host_id, batch=batch_id),
            )
        return _passed(HoursCheck.IN_BATCH, f"Bunt {batch_id}: {stored}", f"Batch {batch_id}: {stored}")

    def already_exported(self) -> tuple[CheckResult, bool]:
        assert self.entry is not None
        reference = queries.reference_of(
            self.session, self.connection.id, ReferenceKind.TIMESHEET_ENTRY, self.entry.id
        )
        if reference is None:
            return _passed(
                HoursCheck.ALREADY_EXPORTED,
                "Timen er ikke i Tripletex ennå, så den skal eksporteres.",
                "The hour is not in Tripletex yet, so it is to be exported.",
            ), False
        if self.entry.state in (HoursState.CHANGED, HoursState.DELETED):
            # In Tripletex, but a correction waits: the checks below say whether it can go.
            return _passed(
                HoursCheck.ALREADY_EXPORTED,
                f"Timen er i Tripletex (føring {reference.tripletex_id}), men er endret eller slettet siden.",
                f"The hour is in Tripletex (entry {reference.tripletex_id}), but changed or deleted since.",
            ), False
        message = render(
            "hours_already_exported", hours=self.entry.host_id, entry=reference.tripletex_id or "?"
        )
        return CheckResult(HoursCheck.ALREADY_EXPORTED, CheckStatus.PASSED, message=message), True

    def _resolve(self) -> Resolved | Message:
        assert self.entry is not None
        if self.directory is None:
            entry = self.entry
            # The export's links too, so the troubleshooter maps the hour as the export does.
            links = SyncLinks(self.session, self.connection.id)
            self.directory = self.read(lambda tx: remote.read_directory(tx, [entry], links))
        return resolve(self.entry, self.directory)

    def mapping(self, check: HoursCheck, ids: tuple[str, ...], nb: str, en: str) -> CheckResult:
        found = self._resolve()
        if isinstance(found, Message) and found.id in ids:
            return _failed(check, found)
        if isinstance(found, Resolved):
            self.resolved = found
        return _passed(check, nb, en)

    def month_open(self) -> CheckResult:
        assert self.entry is not None
        if self.resolved is None:
            return _passed(HoursCheck.MONTH_OPEN, "Ikke kontrollert.", "Not checked.")
        month = self.entry.work_date.isoformat()[:7]
        employee_id = self.resolved.employee_id
        found = self.read(
            lambda tx: tx.request(
                "GET",
                "/timesheet/month/byMonthNumber",
                params={"employeeIds": employee_id, "monthYear": month, "fields": "approved"},
            )
        )
        if any(row.get("approved") for row in found.get("values", [])):
            return _failed(
                HoursCheck.MONTH_OPEN,
                render(
                    "hours_month_locked",
                    hours=self.entry.host_id,
                    employee=employee_label(self.entry),
                    month=month,
                ),
            )
        return _passed(HoursCheck.MONTH_OPEN, f"{month} er åpen.", f"{month} is open.")


def _finish(
    run: _HoursRun, results: list[CheckResult], outcome: Outcome, answer: Message | None
) -> HoursDiagnosis:
    return HoursDiagnosis(
        hours_id=run.invoice_number,
        connection_id=run.connection.id,
        checks=all_checks(results, HoursCheck),
        outcome=outcome,
        answer=answer,
        api_calls=run.api_calls(),
    )


def _diagnose(run: _HoursRun) -> HoursDiagnosis:
    results: list[CheckResult] = []

    def stop(result: CheckResult) -> HoursDiagnosis:
        results.append(result)
        return _finish(run, results, Outcome.FAILED, result.message)

    for step in (run.in_store, run.in_batch):
        result = step()
        if result.status is CheckStatus.FAILED:
            return stop(result)
        results.append(result)
    exported, is_exported = run.already_exported()
    results.append(exported)
    if is_exported:
        return _finish(run, results, Outcome.EXPORTED, exported.message)
    interrupted: _TripletexUnavailable | None = None
    steps = (
        (
            HoursCheck.EMPLOYEE,
            lambda: run.mapping(
                HoursCheck.EMPLOYEE,
                (
                    "hours_employee_not_found",
                    "hours_employee_not_linked",
                    "hours_employee_linked_elsewhere",
                    "hours_employee_held",
                ),
                "Den ansatte finnes i Tripletex.",
                "The employee exists in Tripletex.",
            ),
        ),
        (
            HoursCheck.PROJECT,
            lambda: run.mapping(
                HoursCheck.PROJECT,
                (
                    "hours_project_not_found",
                    "hours_project_not_linked",
                    "hours_project_closed",
                    "hours_project_linked_elsewhere",
                    "hours_project_held",
                ),
                "Prosjektet finnes og er åpent.",
                "The project exists and is open.",
            ),
        ),
        (
            HoursCheck.ACTIVITY,
            lambda: run.mapping(
                HoursCheck.ACTIVITY,
                ("hours_activity_not_found", "hours_activity_not_on_project", "hours_activity_needs_project"),
                "Aktiviteten kan brukes.",
                "The activity can be used.",
            ),
        ),
        (HoursCheck.MONTH_OPEN, run.month_open),
    )
    for check, step in steps:
        try:
            result = step()
        except _TripletexUnavailable as exc:
            interrupted = exc
            results.append(
                CheckResult(
                    check,
                    CheckStatus.NOT_RUN,
                    note=Note(
                        "Tripletex svarte ikke; se kontroll 8.", "Tripletex did not answer; see check 8."
                    ),
                )
            )
            break
        if result.status is CheckStatus.FAILED:
            return stop(result)
        results.append(result)
    state = replace(run.integration_state(interrupted), check=HoursCheck.INTEGRATION_STATE)
    if state.status is CheckStatus.FAILED:
        return stop(state)
    results.append(state)
    return _finish(run, results, Outcome.NO_FAULT_FOUND, None)


def diagnose_hours(
    db: Database,
    settings: Settings,
    connection_id: int,
    hours_id: str,
    *,
    transport: httpx.BaseTransport | None = None,
    client: Tripletex | None = None,
    today: date | None = None,
) -> HoursDiagnosis:
    """Run the eight checks for the host's hour ``hours_id``. Reads only (store and Tripletex)."""

    def refused(run: _HoursRun, message: Message) -> HoursDiagnosis:
        return _finish(run, [_failed(HoursCheck.INTEGRATION_STATE, message)], Outcome.FAILED, message)

    return run_diagnosis(
        db,
        settings,
        connection_id,
        hours_id,
        _HoursRun,
        _diagnose,
        refused,
        transport=transport,
        client=client,
        today=today,
    )
