"""Reading a whole resource from Tripletex in pages and, when it is too large, in windows; resumable.

A read pages by ``from`` over the list sorted by id. Tripletex refuses a search that would return
more than 10,000 rows (422, code 23000), whatever ``from`` and ``count`` say, so a larger resource is
read in **windows**: filters of the spec that split the list into parts with no row in two of them and
none left out, each part read by ``from`` on its own, a part still refused split again. The spec has
no id range on these lists and ``changedSince`` (customers only) is a lower bound — it can tell what
changed, never split the whole list — so the windows are, per resource:

- customers: ``isInactive`` false / true, then ``customerAccountNumber`` (a list of numbers in the
  spec) in runs of :data:`NUMBER_RUN` consecutive customer numbers, walked upward from 1 until
  :data:`NUMBER_GAP_RUNS` runs in a row are empty. Tripletex numbers
  customers itself, upward from the company's first number (10000 unless set), so the numbers are
  dense; a customer more than ``NUMBER_RUN × NUMBER_GAP_RUNS`` numbers above all others is not
  reached (the nightly reconcile's ``changedSince`` still finds it once it changes).
- employees: ``departmentId``, one department per window (Tripletex requires a department of every
  employee, so no employee is outside all windows).
- projects: ``startDateFrom``/``startDateTo`` («from and including, to and excluding»), halved until
  a window fits (Tripletex requires a start date of every project).

Nothing changes for a resource under the limit: the first window is the whole list. Where the read
stands — the windows still to read and the position in the first — is handed out with each page for
the caller to commit with the page's rows (dlt's pattern). Resuming steps back one page: an object
deleted meanwhile shifts the list left, and re-reading a page only re-applies rows already stored."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from txbridge.catalog import render
from txbridge.flows.sync.errors import SyncError
from txbridge.flows.sync.fields import TRIPLETEX_FIELDS
from txbridge.store import SyncResource
from txbridge.tripletex import TooManyResultsError, Tripletex

PATHS = {
    SyncResource.CUSTOMER: "/customer",
    SyncResource.EMPLOYEE: "/employee",
    SyncResource.PROJECT: "/project",
}
#: Rows per page (Tripletex answers up to 1000 per call without complaint).
PAGE_SIZE = 1000
#: Customer numbers per window of the number walk: at most this many rows, one page, ~6 KB of URL.
NUMBER_RUN = 1000
#: The number walk ends after this many empty runs in a row above the highest number seen.
NUMBER_GAP_RUNS = 20
#: The start dates a project window covers before it is halved.
FIRST_START, LAST_START = date(1900, 1, 1), date(2200, 1, 1)

#: One window: the query parameters that make it (``_``-keys are the reader's own bookkeeping).
Window = dict[str, Any]


@dataclass(frozen=True, slots=True)
class ReadPage:
    rows: list[dict[str, Any]]
    #: The position to resume from (in the first of ``windows``) once these rows are stored.
    position: int
    last: bool
    #: The list's digest: only for a read of the whole list in one window (a window's digest
    #: describes that window only).
    version_digest: str | None
    #: The windows still to read, the first being read now; None while the whole list is one.
    windows: list[Window] | None = field(default=None)


def read_resource(
    client: Tripletex,
    resource: SyncResource,
    *,
    fields: str | None = None,
    position: int = 0,
    windows: list[Window] | None = None,
    page_size: int = PAGE_SIZE,
    **search: Any,
) -> Iterator[ReadPage]:
    """Pages of one resource from ``position`` in the first of ``windows`` on (None: the whole list;
    a resumed read starts one page earlier). ``search`` filters narrow every window alike."""
    todo: list[Window] = [dict(w) for w in windows] if windows else [{}]
    params: dict[str, Any] = {"fields": fields or TRIPLETEX_FIELDS[resource], "sorting": "id", **search}
    start = max(0, position - page_size) if position else 0
    while todo:
        window = todo[0]
        query = {**params, **_query(window)}
        seen = 0
        try:
            while True:
                answer = client.request(
                    "GET", PATHS[resource], params={**query, "from": start, "count": page_size}
                )
                values = list((answer or {}).get("values") or [])
                start += len(values)
                seen += len(values)
                if len(values) < page_size:
                    break
                yield ReadPage(values, start, False, None, _state(todo))
        except TooManyResultsError:
            parts = _split(client, resource, window)
            if parts is None:
                raise SyncError(
                    render("sync_window_too_large", resource=resource.value, window=_describe(window))
                ) from None
            todo[:1], start = parts, 0
            continue
        todo[:1] = _after(window, seen)
        start = 0
        whole = not todo and window == {}
        yield ReadPage(
            values, 0, not todo, (answer or {}).get("versionDigest") if whole else None, _state(todo)
        )


def saved_windows(state: Mapping[str, Any] | None) -> list[Window] | None:
    """The windows a cursor keeps (``SyncCursor.windows``: ``{"windows": […], …}``), to resume with."""
    kept = (state or {}).get("windows")
    return [dict(w) for w in kept] if isinstance(kept, list) else None


def _state(todo: list[Window]) -> list[Window] | None:
    return [dict(w) for w in todo] if todo and todo != [{}] else None


def _query(window: Window) -> dict[str, Any]:
    query = {k: v for k, v in window.items() if not k.startswith("_")}
    if "_numbers" in window:
        low, high = window["_numbers"]
        query["customerAccountNumber"] = ",".join(str(n) for n in range(low, high))
    if "_start" in window:
        query["startDateFrom"], query["startDateTo"] = window["_start"]
    return query


def _describe(window: Window) -> str:
    return ", ".join(f"{k}={v}" for k, v in _query(window).items() if k != "customerAccountNumber") or "—"


def _split(client: Tripletex, resource: SyncResource, window: Window) -> list[Window] | None:
    """The parts of a refused window (no row in two, none left out), or None when it cannot split."""
    if resource is SyncResource.CUSTOMER:
        if "isInactive" not in window:
            return [{**window, "isInactive": False}, {**window, "isInactive": True}]
        if "_numbers" not in window:
            return [{**window, "_numbers": [1, 1 + NUMBER_RUN], "_empty": 0}]
        return None
    if resource is SyncResource.EMPLOYEE:
        if "departmentId" in window:
            return None
        return [{**window, "departmentId": str(d)} for d in _departments(client)] or None
    if "_start" not in window:
        return _halves({**window, "_start": [FIRST_START.isoformat(), LAST_START.isoformat()]})
    return _halves(window)


def _halves(window: Window) -> list[Window] | None:
    low, high = (date.fromisoformat(d) for d in window["_start"])
    days = (high - low).days
    if days < 2:
        return None
    middle = date.fromordinal(low.toordinal() + days // 2)
    return [
        {**window, "_start": [low.isoformat(), middle.isoformat()]},
        {**window, "_start": [middle.isoformat(), high.isoformat()]},
    ]


def _after(window: Window, seen: int) -> list[Window]:
    """What follows a window read to its end: the next run of the customer-number walk, or nothing."""
    if "_numbers" not in window:
        return []
    empty = 0 if seen else int(window["_empty"]) + 1
    if empty >= NUMBER_GAP_RUNS:
        return []
    high = int(window["_numbers"][1])
    return [{**window, "_numbers": [high, high + NUMBER_RUN], "_empty": empty}]


def _departments(client: Tripletex) -> list[int]:
    ids: list[int] = []
    while True:
        answer = client.request(
            "GET",
            "/department",
            params={"fields": "id", "sorting": "id", "from": len(ids), "count": PAGE_SIZE},
        )
        values = (answer or {}).get("values") or []
        ids.extend(int(v["id"]) for v in values)
        if len(values) < PAGE_SIZE:
            return ids
