"""The Tripletex reads behind the statistic fields, for one client company and a range of months.

Each read is made once per client and run, whatever number of fields and months needs it, and gives
back a *tally*: what it counted per month (``{"2026-01": {"all": 17, …}}``) or, for the reads that
describe the company (voucher types, statements, VAT terms), a small extract. Tallies are kept with
Tripletex's ``versionDigest`` (:class:`ReadCache`); the next run sends it as ``If-None-Match`` and a
304 gives the kept tally without reading a row. Only single-page answers are kept: a digest covers
one page.

A search that would return more than 10,000 rows is refused by Tripletex (code 23000); a date range
is then split in two and each half read on its own."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from txbridge.flows.firm.fields import (
    OVERDUE_LOOKBACK_MONTHS,
    PURCHASE_VOUCHER_TYPE,
    SALE_VOUCHER_TYPE,
)
from txbridge.tripletex import NotModified, Tripletex
from txbridge.tripletex._exceptions import TooManyResultsError

PAGE = 1000
#: Reads of dated lists span at most this many months (smaller pieces if Tripletex refuses one).
MAX_WINDOW_MONTHS = 12

Tally = dict[str, Any]


def month_start(month: str) -> date:
    return date(int(month[:4]), int(month[5:7]), 1)


def next_month_start(month: str) -> date:
    start = month_start(month)
    return date(start.year + (start.month == 12), start.month % 12 + 1, 1)


def month_of(day: str | date) -> str:
    text = day.isoformat() if isinstance(day, date) else day
    return text[:7]


def shift_month(month: str, delta: int) -> str:
    index = int(month[:4]) * 12 + int(month[5:7]) - 1 + delta
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def last_months(last: str, count: int) -> list[str]:
    """``count`` months ending with ``last``, oldest first."""
    return [shift_month(last, -i) for i in range(count - 1, -1, -1)]


class ReadCache:
    """Digests and tallies of one client's earlier reads, and the ones this run made (to store)."""

    def __init__(self, known: Mapping[str, tuple[str, Tally]] | None = None) -> None:
        self.known: dict[str, tuple[str, Tally]] = dict(known or {})
        self.fresh: dict[str, tuple[str, Tally]] = {}

    def digest(self, key: str) -> str | None:
        found = self.known.get(key)
        return found[0] if found else None

    def tally(self, key: str) -> Tally:
        return self.known[key][1]

    def keep(self, key: str, digest: str | None, tally: Tally) -> None:
        if digest:
            self.known[key] = (digest, tally)
            self.fresh[key] = (digest, tally)


@dataclass
class ClientReads:
    """The reads of one client company through the firm's token acting for it."""

    api: Tripletex
    cache: ReadCache
    #: Called before each call (the run refreshes its lock on the client).
    before_call: Callable[[], None] = lambda: None
    calls: int = 0
    not_modified: int = 0
    #: Answers with no rows: Tripletex gives them no digest (null), so they are read again in full.
    empty: int = 0
    _memo: dict[str, Any] = field(default_factory=dict)

    # ---- plumbing ----------------------------------------------------------------------------

    def _get(self, path: str, params: dict[str, Any], digest: str | None) -> dict[str, Any] | NotModified:
        self.before_call()
        self.calls += 1
        headers = {"If-None-Match": digest} if digest else None
        result = self.api.request("GET", path, params=params, headers=headers)
        if isinstance(result, NotModified):
            self.not_modified += 1
            return result
        assert isinstance(result, dict)
        return result

    def _rows(self, path: str, params: dict[str, Any], start: int) -> Iterator[dict[str, Any]]:
        while True:
            page = self._get(path, {**params, "from": start, "count": PAGE}, None)
            assert isinstance(page, dict)
            values: list[dict[str, Any]] = page.get("values") or []
            yield from values
            if len(values) < PAGE:
                return
            start += PAGE

    def _tallied(
        self,
        path: str,
        params: dict[str, Any],
        count: Callable[[list[dict[str, Any]]], Tally],
        counted_for: str = "",
    ) -> Tally:
        """One list read, counted; a 304 on its kept digest gives the kept tally. ``counted_for``
        names what the tally depends on besides the answer (the months it was counted for)."""
        key = f"GET {path}?" + "&".join(f"{k}={v}" for k, v in sorted(params.items()) if k != "fields")
        key += f"#{counted_for}" if counted_for else ""
        if key in self._memo:
            tally: Tally = self._memo[key]
            return tally
        first = self._get(path, {**params, "from": 0, "count": PAGE}, self.cache.digest(key))
        if isinstance(first, NotModified):
            tally = self.cache.tally(key)
        else:
            values: list[dict[str, Any]] = first.get("values") or []
            self.empty += not values
            if len(values) < PAGE:
                tally = count(values)
                self.cache.keep(key, first.get("versionDigest"), tally)
            else:
                tally = count([*values, *self._rows(path, params, PAGE)])
        self._memo[key] = tally
        return tally

    def _windowed(
        self,
        path: str,
        names: tuple[str, str],
        start: date,
        end: date,
        extra: dict[str, Any],
        count: Callable[[list[dict[str, Any]]], Tally],
        counted_for: str = "",
    ) -> list[Tally]:
        """A dated list over ``[start, end)`` in windows of at most 12 months, halved when refused."""
        out: list[Tally] = []
        for low, high in _windows(start, end):
            out.extend(self._window(path, names, low, high, extra, count, counted_for))
        return out

    def _window(
        self,
        path: str,
        names: tuple[str, str],
        low: date,
        high: date,
        extra: dict[str, Any],
        count: Callable[[list[dict[str, Any]]], Tally],
        counted_for: str,
    ) -> list[Tally]:
        params = {names[0]: low.isoformat(), names[1]: high.isoformat(), **extra}
        try:
            return [self._tallied(path, params, count, counted_for)]
        except TooManyResultsError:
            if (high - low).days <= 1:
                raise
            middle = low + (high - low) // 2
            return [
                *self._window(path, names, low, middle, extra, count, counted_for),
                *self._window(path, names, middle, high, extra, count, counted_for),
            ]

    # ---- the reads ---------------------------------------------------------------------------

    def voucher_types(self) -> Tally:
        """``{"sale": [ids], "purchase": [ids]}``: the types that make sale and purchase entries."""

        def count(rows: list[dict[str, Any]]) -> Tally:
            return {
                "sale": [r["id"] for r in rows if r.get("name") == SALE_VOUCHER_TYPE],
                "purchase": [r["id"] for r in rows if r.get("name") == PURCHASE_VOUCHER_TYPE],
            }

        return self._tallied("/ledger/voucherType", {"fields": "id,name"}, count)

    def vouchers(self, months: Sequence[str]) -> dict[str, Counter[str]]:
        """Per month: ``all``, ``doc`` (with a document or attachment) and ``type:<id>`` counts."""

        def count(rows: list[dict[str, Any]]) -> Tally:
            tally: dict[str, Counter[str]] = {}
            for r in rows:
                c = tally.setdefault(month_of(r["date"]), Counter())
                c["all"] += 1
                if r.get("document") or r.get("attachment"):
                    c["doc"] += 1
                type_id = (r.get("voucherType") or {}).get("id")
                if type_id is not None:
                    c[f"type:{type_id}"] += 1
            return {m: dict(c) for m, c in tally.items()}

        fields = "id,date,voucherType(id),document(id),attachment(id)"
        parts = self._windowed(
            "/ledger/voucher", ("dateFrom", "dateTo"), *_span(months), {"fields": fields}, count
        )
        return _merge(parts)

    def reception(self, months: Sequence[str]) -> dict[str, Counter[str]]:
        """Per month: ``waiting`` (vouchers in the voucher reception dated in it)."""

        def count(rows: list[dict[str, Any]]) -> Tally:
            tally: Counter[str] = Counter(month_of(r["date"]) for r in rows if r.get("date"))
            return {m: {"waiting": n} for m, n in tally.items()}

        parts = self._windowed(
            "/ledger/voucher/>voucherReception",
            ("dateFrom", "dateTo"),
            *_span(months),
            {"fields": "id,date"},
            count,
        )
        return _merge(parts)

    def bank(self, months: Sequence[str]) -> dict[str, Counter[str]]:
        """Per month: ``tx`` and ``unmatched``, from every statement whose period overlaps the months
        (statements first, then the transactions of each; Tripletex has no date filter on them)."""

        def statements(rows: list[dict[str, Any]]) -> Tally:
            return {"statements": [[r["id"], r.get("fromDate"), r.get("toDate")] for r in rows]}

        listed = self._tallied("/bank/statement", {"fields": "id,fromDate,toDate"}, statements)
        low, high = _span(months)

        def count(rows: list[dict[str, Any]]) -> Tally:
            tally: dict[str, Counter[str]] = {}
            for r in rows:
                if not r.get("postedDate"):
                    continue
                c = tally.setdefault(month_of(r["postedDate"]), Counter())
                c["tx"] += 1
                if not r.get("matched"):
                    c["unmatched"] += 1
            return {m: dict(c) for m, c in tally.items()}

        parts = []
        for statement_id, first, last in listed["statements"]:
            if _overlaps(first, last, low, high):
                params = {"bankStatementId": statement_id, "fields": "id,postedDate,matched"}
                parts.append(self._tallied("/bank/statement/transaction", params, count))
        return _merge(parts)

    def open_items(self, month: str) -> int:
        """Open posts at the month's end: ``date`` is exclusive («to and excl.» in the spec), so the
        first day of the next month asks for the ledger as it stood at the end of the month."""
        tally = self._tallied(
            "/ledger/posting/openPost",
            {"date": next_month_start(month).isoformat(), "fields": "id"},
            lambda rows: {"open": len(rows)},
        )
        return int(tally["open"])

    def overdue_invoices(self, months: Sequence[str]) -> dict[str, int]:
        """Per month: invoices dated from 12 months before it to its end, due by its last day and
        still unpaid (``amountOutstanding`` > 0)."""
        wanted = sorted(months)

        def count(rows: list[dict[str, Any]]) -> Tally:
            tally: Counter[str] = Counter()
            for r in rows:
                if not (r.get("amountOutstanding") or 0) > 0 or not r.get("invoiceDueDate"):
                    continue
                issued, due = month_of(r["invoiceDate"]), month_of(r["invoiceDueDate"])
                for m in wanted:
                    if shift_month(m, -OVERDUE_LOOKBACK_MONTHS) <= issued <= m and due <= m:
                        tally[m] += 1
            return dict(tally)

        start = month_start(shift_month(wanted[0], -OVERDUE_LOOKBACK_MONTHS))
        parts = self._windowed(
            "/invoice",
            ("invoiceDateFrom", "invoiceDateTo"),
            start,
            next_month_start(wanted[-1]),
            {"fields": "id,invoiceDate,invoiceDueDate,amountOutstanding"},
            count,
            f"{wanted[0]}..{wanted[-1]}",
        )
        out: Counter[str] = Counter()
        for part in parts:
            out.update({m: int(n) for m, n in part.items()})
        return dict(out)

    def employees_paid(self, months: Sequence[str]) -> dict[str, int]:
        """Per month: distinct employees with a payslip for it (its year and month)."""
        wanted = sorted(months)

        def count(rows: list[dict[str, Any]]) -> Tally:
            seen: dict[str, set[int]] = {}
            for r in rows:
                employee = (r.get("employee") or {}).get("id")
                if employee is not None and r.get("year") and r.get("month"):
                    seen.setdefault(f"{r['year']:04d}-{r['month']:02d}", set()).add(employee)
            return {m: len(ids) for m, ids in seen.items()}

        params = {
            "yearFrom": int(wanted[0][:4]),
            "yearTo": int(wanted[-1][:4]) + 1,
            "fields": "id,year,month,employee(id)",
        }
        tally = self._tallied("/salary/payslip", params, count)
        return {m: int(tally.get(m, 0)) for m in wanted}

    def vat_terms(self) -> list[tuple[str, str]]:
        """(fromDate, termSize) of the company's VAT term size settings, oldest first."""

        def count(rows: list[dict[str, Any]]) -> Tally:
            return {
                "terms": sorted(
                    [r.get("fromDate") or "0000-01-01", r.get("termSize") or "TWO_MONTHS"] for r in rows
                )
            }

        tally = self._tallied("/vatTermSizeSettings", {"fields": "id,reportType,fromDate,termSize"}, count)
        return [(first, size) for first, size in tally["terms"]]


#: Months per VAT term, by Tripletex's termSize.
TERM_MONTHS = {
    "ONE_MONTH": 1,
    "TWO_MONTHS": 2,
    "THREE_MONTHS": 3,
    "FOUR_MONTHS": 4,
    "SIX_MONTHS": 6,
    "YEAR": 12,
}


def vat_returns_due(terms: Sequence[tuple[str, str]], month: str) -> int:
    """VAT returns whose deadline falls in ``month``: a term ending in month *e* is due in *e* + 2
    (the 10th; the May–June term on 31 August), a yearly one in March of the next year (*e* + 3).
    Terms follow the calendar: a term of *k* months ends in a month divisible by *k*."""
    due = 0
    for lag in (2, 3):
        term_end = shift_month(month, -lag)
        last_day = (next_month_start(term_end) - timedelta(days=1)).isoformat()
        size = "TWO_MONTHS"
        for first, term_size in terms:
            if first <= last_day:
                size = term_size
        k = TERM_MONTHS.get(size)
        if k is None:  # NOT_REGISTERED
            continue
        if (k == 12) == (lag == 3) and int(term_end[5:7]) % k == 0:
            due += 1
    return due


def _span(months: Sequence[str]) -> tuple[date, date]:
    ordered = sorted(months)
    return month_start(ordered[0]), next_month_start(ordered[-1])


def _windows(start: date, end: date) -> Iterator[tuple[date, date]]:
    low = start
    while low < end:
        month = month_of(low)
        high = min(end, month_start(shift_month(month, MAX_WINDOW_MONTHS)))
        yield low, high
        low = high


def _overlaps(first: str | None, last: str | None, low: date, high: date) -> bool:
    """A statement ``[first, last]`` (both included) overlaps ``[low, high)``; unknown ends overlap."""
    return (first is None or first < high.isoformat()) and (last is None or last >= low.isoformat())


def _merge(parts: Sequence[Tally]) -> dict[str, Counter[str]]:
    out: dict[str, Counter[str]] = {}
    for part in parts:
        for month, counts in part.items():
            out.setdefault(month, Counter()).update(counts)
    return out
