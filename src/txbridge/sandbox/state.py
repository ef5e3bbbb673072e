"""All sandbox state lives in one :class:`SandboxState` made by the app factory (never at import).

Companies are isolated: each :class:`CompanyState` holds its own tables, keyed by the spec's schema
name (``"Customer"``, ``"Order"`` …) and then by object id. Ids come from one counter per sandbox, so
an id never exists in two companies (as in Tripletex).
"""

from __future__ import annotations

import fnmatch
import itertools
import secrets
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from txbridge.sandbox.clock import SandboxClock, oslo_midnight

Row = dict[str, Any]
# (company, event name such as "customer.create", object id, rendered object or None on delete)
EventListener = Callable[["CompanyState", str, int, "Row | None"], None]

DEFAULT_RATE_LIMIT = 10_000
DEFAULT_RATE_PERIOD_SECONDS = 60.0
MAX_RESULT_SIZE = 10_000
#: Accountant clients per company the control API makes (benches need hundreds).
MAX_ACCOUNTANT_CLIENTS = 2_000


@dataclass(slots=True)
class CompanyState:
    id: int
    name: str
    # Not in the repr: rows hold write-only secrets (webhook auth header values, shared secrets).
    tables: dict[str, dict[int, Row]] = field(default_factory=dict, repr=False)
    accountant_client_ids: set[int] = field(default_factory=set)
    owner_employee_id: int = 0
    # Posting rules: VAT type number -> default income account number (Tripletex decides per line).
    default_income_account: dict[str, int] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def table(self, schema: str) -> dict[int, Row]:
        t = self.tables.get(schema)
        if t is None:
            t = self.tables[schema] = {}
        return t

    def next_number(self, name: str, start: int = 1) -> int:
        value = self.counters.get(name, start)
        self.counters[name] = value + 1
        return value


@dataclass(slots=True)
class EmployeeToken:
    token: str = field(repr=False)
    consumer_token: str = field(repr=False)
    company_id: int = 0
    employee_id: int = 0
    expiration_date: date | None = None


@dataclass(slots=True)
class Session:
    id: int
    token: str = field(repr=False)
    consumer_token: str = field(repr=False)
    employee_token: str = field(repr=False)
    company_id: int = 0
    employee_id: int = 0
    expiration_date: date = date.min

    def expired(self, now: datetime) -> bool:
        return now >= oslo_midnight(self.expiration_date)


FaultKind = Literal["status", "delay", "drop", "drop_after_commit", "delay_after_commit"]


@dataclass(slots=True)
class Fault:
    id: int
    method: str  # "*" for any
    path: str  # fnmatch pattern on the full path, e.g. "/v2/invoice*"
    kind: FaultKind
    remaining: int
    status: int = 503
    delay_seconds: float = 0.0
    #: Only requests made with this company's tokens (None: any caller). Tests that share one sandbox
    #: scope their faults, so a fault one test leaves unused never fires in another's requests.
    company_id: int | None = None

    def matches(self, method: str, path: str, company_id: int | None) -> bool:
        return (
            (self.method in ("*", method))
            and (self.company_id is None or self.company_id == company_id)
            and fnmatch.fnmatchcase(path, self.path)
        )

    def to_json(self) -> Row:
        return {
            "id": self.id,
            "method": self.method,
            "path": self.path,
            "kind": self.kind,
            "remaining": self.remaining,
            "status": self.status,
            "delaySeconds": self.delay_seconds,
            "companyId": self.company_id,
        }


@dataclass(frozen=True, slots=True)
class RateStatus:
    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int


@dataclass(slots=True)
class RateLimits:
    """Fixed windows per (consumer token, employee token); limit/period per company or global.

    Time is the sandbox clock's (seconds), so advancing the clock ends a period without waiting; a
    clock set back before a window's start begins a new window."""

    limit: int = DEFAULT_RATE_LIMIT
    period: float = DEFAULT_RATE_PERIOD_SECONDS
    per_company: dict[int, tuple[int, float]] = field(default_factory=dict)
    windows: dict[tuple[str, str], list[float]] = field(default_factory=dict)  # [start, used]

    def hit(self, key: tuple[str, str], company_id: int, now: float) -> RateStatus:
        limit, period = self.per_company.get(company_id, (self.limit, self.period))
        window = self.windows.get(key)
        if window is None or not 0 <= now - window[0] < period:
            window = self.windows[key] = [now, 0.0]
        reset = max(0, int(window[0] + period - now + 0.999))
        if window[1] >= limit:
            return RateStatus(False, limit, 0, reset)
        window[1] += 1
        return RateStatus(True, limit, int(limit - window[1]), reset)


class SandboxState:
    """Everything one sandbox app knows. Guard mutations with ``lock``."""

    def __init__(self, clock: SandboxClock) -> None:
        self.clock = clock
        self.lock = threading.RLock()
        self._ids = itertools.count(1001)
        self._company_ids = itertools.count(100_001)
        self.companies: dict[int, CompanyState] = {}
        self.consumer_tokens: set[str] = set()
        self.employee_tokens: dict[str, EmployeeToken] = {}
        self.sessions: dict[str, Session] = {}
        self.rate_limits = RateLimits()
        self.faults: list[Fault] = []
        self.stats: Counter[tuple[int, str, str]] = Counter()
        #: Calls the rate limiter refused with 429, by the company whose tokens made them.
        self.rate_limited: Counter[int] = Counter()
        self.webhook_deliveries: list[Row] = []
        self.event_listeners: list[EventListener] = []
        self.max_result_size = MAX_RESULT_SIZE
        # Free-form room for other modules (e.g. webhooks) to keep their own per-sandbox state.
        self.extensions: dict[str, Any] = {}
        #: Employees deactivated in Tripletex: their employee tokens no longer work (401).
        self.inactive_employees: set[int] = set()
        #: The most client companies one accountant company may get from the control API.
        self.max_accountant_clients = MAX_ACCOUNTANT_CLIENTS

    def new_id(self) -> int:
        return next(self._ids)

    def new_company_id(self) -> int:
        return next(self._company_ids)

    @staticmethod
    def new_token(prefix: str = "test-") -> str:
        return prefix + secrets.token_urlsafe(24)

    def reset(self) -> None:
        with self.lock:
            self.companies.clear()
            self.consumer_tokens.clear()
            self.employee_tokens.clear()
            self.sessions.clear()
            self.rate_limits = RateLimits()
            self.faults.clear()
            self.stats.clear()
            self.rate_limited.clear()
            self.webhook_deliveries.clear()
            self.extensions.clear()
            self.inactive_employees.clear()
            self.clock.reset()

    def snapshot(self) -> dict[str, Any]:
        """The data Tripletex would keep (companies, tokens, sessions, id counters), for
        :mod:`txbridge.sandbox.snapshot`; faults, limits, stats and extensions are left out."""
        with self.lock:
            next_id, next_company_id = next(self._ids), next(self._company_ids)
            self._ids, self._company_ids = itertools.count(next_id), itertools.count(next_company_id)
            return {
                "companies": self.companies,
                "consumer_tokens": self.consumer_tokens,
                "employee_tokens": self.employee_tokens,
                "sessions": self.sessions,
                "inactive_employees": self.inactive_employees,
                "next_id": next_id,
                "next_company_id": next_company_id,
            }

    def restore(self, data: dict[str, Any]) -> None:
        """Take over a :meth:`snapshot` (this state's own companies and tokens are replaced)."""
        with self.lock:
            self.companies = data["companies"]
            self.consumer_tokens = data["consumer_tokens"]
            self.employee_tokens = data["employee_tokens"]
            self.sessions = data["sessions"]
            self.inactive_employees = data["inactive_employees"]
            self._ids = itertools.count(data["next_id"])
            self._company_ids = itertools.count(data["next_company_id"])

    def take_fault(self, method: str, path: str, company_id: int | None = None) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.matches(method, path, company_id):
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self.faults.remove(fault)
                    return fault
        return None

    def emit(self, company: CompanyState, event: str, object_id: int, value: Row | None) -> None:
        for listener in list(self.event_listeners):
            listener(company, event, object_id, value)
