"""Bulk creates through Tripletex's ``/…/list`` endpoints, written once for the export's master
data and the sync: chunked, and a refused chunk halved until the refused items stand alone (the
rest is created)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import TypeVar

from txbridge.tripletex import (
    APIStatusError,
    BadRequestError,
    ConflictError,
    NotFoundError,
    UnprocessableEntityError,
)

T = TypeVar("T")
R = TypeVar("R")

#: Answers that mean "this data was refused, nothing was written": isolate the culprit.
DATA_ERRORS = (BadRequestError, NotFoundError, ConflictError, UnprocessableEntityError)


def _direct(call: Callable[[], list[R]]) -> list[R]:
    return call()


def create_isolating(
    items: Sequence[T],
    post: Callable[[Sequence[T]], list[R]],
    *,
    chunk_size: int,
    key: Callable[[T], str] | None = None,
    remote_key: Callable[[R], str] | None = None,
    call: Callable[[Callable[[], list[R]]], list[R]] = _direct,
) -> tuple[list[tuple[T, R]], list[tuple[T, APIStatusError]]]:
    """Create ``items`` with ``post`` (one bulk call per chunk, through ``call``: the export's rate and
    outage handling). Answers pair with items by ``key``/``remote_key``, or by position when no key is
    given (Tripletex answers a bulk create in the order it was sent). Anything but a data refusal
    (an unknown outcome above all) goes up to the caller."""
    created: list[tuple[T, R]] = []
    refused: list[tuple[T, APIStatusError]] = []
    stack: list[Sequence[T]] = [items[i : i + chunk_size] for i in range(0, len(items), chunk_size)][::-1]
    while stack:
        part = stack.pop()
        try:
            result = call(functools.partial(post, part))
        except DATA_ERRORS as exc:
            if len(part) == 1:
                refused.append((part[0], exc))
            else:
                mid = len(part) // 2
                stack.append(part[mid:])
                stack.append(part[:mid])
            continue
        if key is None or remote_key is None:
            created.extend(zip(part, result, strict=False))
        else:
            by_key = {remote_key(r): r for r in result}
            created.extend((item, by_key[key(item)]) for item in part if key(item) in by_key)
    return created, refused
