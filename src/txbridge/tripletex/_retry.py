"""Retry policy as small pure functions; every number that shapes it lives here."""

from __future__ import annotations

import re

import httpx

#: Retries of a request that is safe to repeat (connection errors, timeouts, 502/503/504).
MAX_RETRIES = 4
BACKOFF_BASE = 0.5
BACKOFF_CAP = 8.0
#: Total seconds a single call may spend waiting for retries (backoff and 429 waits together).
RETRY_BUDGET = 120.0
#: A 429 is answered by waiting out the period; this many times at most per call.
MAX_RATE_LIMIT_WAITS = 5
#: The real API sometimes sends a 429 without X-Rate-Limit-Reset: then the end of the period earlier
#: answers told us is waited for; only when none is known, this, doubling, up to the (short) cap.
FALLBACK_RATE_LIMIT_WAIT = 1.0
FALLBACK_RATE_LIMIT_CAP = 5.0
#: A period longer than this is not waited out inside one call: the caller gets RateLimitError.
MAX_RATE_LIMIT_WAIT = 90.0
#: Added to X-Rate-Limit-Reset so we arrive just after the new period starts, not just before.
RESET_MARGIN = 0.25

RETRY_STATUSES = frozenset({502, 503, 504})
#: A read answered 500 is retried as well: reading again cannot do anything twice. Other requests
#: safe to repeat (PUT updates, DELETE) are not: Tripletex may have done them before it failed.
READ_RETRY_STATUSES = RETRY_STATUSES | {500}
_READS = frozenset({"GET", "HEAD", "OPTIONS"})

#: PUTs that create or act (``/:invoice``, ``/ledger/voucher/list``) are writes with side effects.
_ACTION_SEGMENT = re.compile(r"/:[A-Za-z]")
_SAFE_ACTIONS = frozenset({"/token/session/:create"})
_CREATING_PUTS = frozenset({"/ledger/voucher/list"})


def is_idempotent(method: str, path: str) -> bool:
    """Whether repeating the request cannot do something twice."""
    method = method.upper()
    if method in {"GET", "HEAD", "OPTIONS", "DELETE"}:
        return True
    if method == "PUT":
        if path in _SAFE_ACTIONS:
            return True
        return not (_ACTION_SEGMENT.search(path) or path in _CREATING_PUTS)
    return False


def retries_status(method: str, status: int) -> bool:
    """Whether an answer with ``status`` to a request safe to repeat is worth sending again."""
    return status in (READ_RETRY_STATUSES if method.upper() in _READS else RETRY_STATUSES)


def was_not_sent(exc: httpx.TransportError) -> bool:
    """Errors raised before any byte of the request left: safe to retry even a POST."""
    return isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)


def backoff_delay(retry: int, jitter: float) -> float:
    """Exponential backoff with equal jitter; ``retry`` counts from 0, ``jitter`` is in [0, 1)."""
    ceiling = min(BACKOFF_CAP, BACKOFF_BASE * (2.0**retry))
    return ceiling / 2 + ceiling / 2 * jitter


def may_retry(retries_done: int, elapsed: float, next_wait: float) -> bool:
    return retries_done < MAX_RETRIES and elapsed + next_wait <= RETRY_BUDGET


def parse_reset(value: str | None) -> float | None:
    """X-Rate-Limit-Reset is seconds left in the period; None when absent or garbled."""
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if seconds >= 0 else None


def rate_limit_wait(
    reset_seconds: float | None, waits_done: int, known_seconds: float | None = None
) -> float:
    """How long to wait after a 429: the header's reset; else what is left of the period earlier
    answers described (``known_seconds``); else a short doubling fallback (``waits_done`` counts the
    fallback waits already made)."""
    if reset_seconds is not None:
        return reset_seconds + RESET_MARGIN
    if known_seconds is not None:
        return known_seconds + RESET_MARGIN
    return min(FALLBACK_RATE_LIMIT_CAP, FALLBACK_RATE_LIMIT_WAIT * (2.0**waits_done))


def may_wait_for_rate_limit(waits_done: int, wait: float, elapsed: float) -> bool:
    return (
        waits_done < MAX_RATE_LIMIT_WAITS and wait <= MAX_RATE_LIMIT_WAIT and elapsed + wait <= RETRY_BUDGET
    )
