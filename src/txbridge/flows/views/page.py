"""One page of a long list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

#: The most rows one page may ask for: a view never loads a whole table.
MAX_LIMIT = 1000


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: Sequence[T]
    #: Rows matching the filters, on all pages.
    total: int
    offset: int
    limit: int

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.items) < self.total


def window(offset: int, limit: int) -> tuple[int, int]:
    """``offset`` and ``limit`` made safe: not negative, at least one row, at most MAX_LIMIT."""
    return max(offset, 0), min(max(limit, 1), MAX_LIMIT)
