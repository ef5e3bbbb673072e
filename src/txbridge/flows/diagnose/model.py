"""What the troubleshooter answers: seven ordered checks, each passed, failed or not run.

A failed check carries a catalog :class:`~txbridge.catalog.Message` (text, cause and fix in bokmål and
English); a passed check carries a short note saying what was found, in both languages."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, Self

from txbridge.catalog import Message


class TitledCheck(enum.IntEnum):
    """The base of every troubleshooter's checks (invoices, hours, day sales, statistics, POS
    invoicing): each member is ``NAME = number, "bokmål title", "English title"``, numbered in the
    order the checks run, so a new troubleshooter declares its checks and titles in one place."""

    title_nb: str
    title_en: str

    def __new__(cls, number: int, title_nb: str = "", title_en: str = "") -> Self:
        member = int.__new__(cls, number)
        member._value_ = number
        member.title_nb = title_nb
        member.title_en = title_en
        return member


class Check(TitledCheck):
    """The Telaris guide's checks, in the order they are run."""

    IN_BATCH = 1, "Er fakturaen i en eksportbunt?", "Is the invoice in an export batch?"
    BATCH_EXPORTED = 2, "Er bunten eksportert?", "Is the batch exported?"
    ALREADY_EXPORTED = 3, "Er fakturaen allerede eksportert?", "Is the invoice already exported?"
    CUSTOMER = 4, "Finnes kunden i Tripletex?", "Does the customer exist in Tripletex?"
    PRODUCT_ACCOUNT = (
        5,
        "Er vare- og kontooppsettet riktig?",
        "Is the product and account setup correct?",
    )
    VAT_TYPE = 6, "Er mva riktig satt opp i Tripletex?", "Is VAT correctly configured in Tripletex?"
    INTEGRATION_STATE = 7, "Er integrasjonen i feiltilstand?", "Is the integration in an error state?"


class HoursCheck(TitledCheck):
    """The troubleshooter's checks for one hour (timesheet entry), in the order they are run."""

    IN_STORE = 1, "Er timen importert?", "Is the hour imported?"
    IN_BATCH = 2, "Er timen i en eksportert bunt?", "Is the hour in an exported batch?"
    ALREADY_EXPORTED = 3, "Er timen allerede i Tripletex?", "Is the hour already in Tripletex?"
    EMPLOYEE = 4, "Finnes den ansatte i Tripletex?", "Does the employee exist in Tripletex?"
    PROJECT = 5, "Finnes prosjektet, og er det åpent?", "Does the project exist, and is it open?"
    ACTIVITY = 6, "Kan aktiviteten brukes på prosjektet?", "Can the activity be used on the project?"
    MONTH_OPEN = 7, "Er måneden åpen i Tripletex?", "Is the month open in Tripletex?"
    INTEGRATION_STATE = 8, "Er integrasjonen i feiltilstand?", "Is the integration in an error state?"


class CheckStatus(enum.StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    NOT_RUN = "not_run"

    @property
    def label_nb(self) -> str:
        return {"passed": "OK", "failed": "Feilet", "not_run": "Ikke kjørt"}[self.value]

    @property
    def label_en(self) -> str:
        return {"passed": "Passed", "failed": "Failed", "not_run": "Not run"}[self.value]


class Outcome(enum.StrEnum):
    #: The invoice is in Tripletex (check 3): no action needed.
    EXPORTED = "exported"
    #: A check failed: its message says why and what to do.
    FAILED = "failed"
    #: Every check passed but the invoice is not exported yet (e.g. its batch must be exported again).
    NO_FAULT_FOUND = "no_fault_found"


@dataclass(frozen=True, slots=True)
class Note:
    """What a check found when it did not fail, in both languages."""

    nb: str
    en: str
    #: The same in the web app's words, for a note that names a ``txbridge`` command (as a catalog
    #: entry's ``web``: the web app and the REST API show these).
    web_nb: str | None = None
    web_en: str | None = None

    def __str__(self) -> str:
        return f"{self.nb} / {self.en}"

    def for_web(self, language: str = "nb") -> str:
        if language == "en":
            return self.web_en or self.en
        return self.web_nb or self.nb


@dataclass(frozen=True, slots=True)
class CheckResult:
    check: TitledCheck
    status: CheckStatus
    #: The catalog message of a failure (or of "already exported"), with its fix.
    message: Message | None = None
    note: Note | None = None

    @property
    def passed(self) -> bool:
        return self.status is CheckStatus.PASSED

    def to_dict(self) -> dict[str, Any]:
        return {
            "check": int(self.check),
            "name": self.check.name.lower(),
            "title": {"nb": self.check.title_nb, "en": self.check.title_en},
            "status": self.status.value,
            "message": _message_dict(self.message),
            "note": _note_dict(self.note),
        }


def all_checks(results: list[CheckResult], checks: type[TitledCheck]) -> tuple[CheckResult, ...]:
    """Every check of the troubleshooter in order: those run, and ``not_run`` for the rest."""
    done = {r.check for r in results}
    rest = [CheckResult(c, CheckStatus.NOT_RUN) for c in checks if c not in done]
    return tuple(sorted([*results, *rest], key=lambda r: int(r.check)))


def _note_dict(note: Note | None) -> dict[str, str] | None:
    return None if note is None else {"nb": note.nb, "en": note.en}


def _message_dict(message: Message | None) -> dict[str, Any] | None:
    if message is None:
        return None
    return {
        "id": message.id,
        "nb": message.nb,
        "en": message.en,
        "cause": {"nb": message.cause_nb, "en": message.cause_en},
        "fix": {"nb": message.fix_nb, "en": message.fix_en},
    }


class Answered:
    """What every troubleshooter answer has: its checks and outcome, the one-sentence answer, the
    Tripletex calls it made."""

    __slots__ = ()
    connection_id: int
    checks: tuple[CheckResult, ...]
    outcome: Outcome
    answer: Message | None
    api_calls: int

    @property
    def failed_check(self) -> CheckResult | None:
        return next((c for c in self.checks if c.status is CheckStatus.FAILED), None)

    def result(self, check: TitledCheck) -> CheckResult:
        return next(c for c in self.checks if c.check is check)

    def answer_dict(self, subject: str, key: str, **extra: Any) -> dict[str, Any]:
        """The JSON of ``--json`` and the REST API: ``{subject: key, …, **extra, "apiCalls"}``."""
        return {
            subject: key,
            "connectionId": self.connection_id,
            "outcome": self.outcome.value,
            "answer": _message_dict(self.answer),
            "checks": [c.to_dict() for c in self.checks],
            **extra,
            "apiCalls": self.api_calls,
        }

    @property
    def ok(self) -> bool:
        """True when nothing is wrong: exported already, or no fault found."""
        return self.outcome is not Outcome.FAILED


@dataclass(frozen=True, slots=True)
class Diagnosis(Answered):
    """The troubleshooter's answer for one invoice: all seven checks (``not_run`` after a stop)."""

    invoice_number: str
    connection_id: int
    checks: tuple[CheckResult, ...]
    outcome: Outcome
    #: The one-sentence answer: the failed check's message, "already exported", or what to do next.
    answer: Message | None = None
    #: Tripletex calls the diagnosis made (it reads only; it never writes).
    api_calls: int = 0
    #: What to do when nothing is wrong any more: a failed posting waits for a batch reset, because an
    #: export only sends pending postings.
    next_step: Note | None = None

    def to_dict(self) -> dict[str, Any]:
        return self.answer_dict("invoice", self.invoice_number, nextStep=_note_dict(self.next_step))
