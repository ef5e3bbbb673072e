"""The never-twice marker of an hour in Tripletex.

A timesheet entry has no external id or number field, so the marker goes where it survives and can
be searched: the end of the entry's ``comment`` (``Grunnmur [TXB-H17-3]``: hour 17, batch item 3).
``GET /timesheet/entry`` searches ``comment`` by «containing» within a date window
(``dateFrom``/``dateTo`` are required) and for a list of employees, so after an unknown outcome one
search per chunk finds what landed. If someone edits the marker away in Tripletex, Tripletex's own
rule (one entry per employee, date, activity and project) still refuses a second entry (409)."""

from __future__ import annotations

import re

#: What every marker starts with (the search for a chunk's markers asks for this).
PREFIX = "[TXB-H"
_MARKER = re.compile(r"\[TXB-H(\d+)-(\d+)\]", re.IGNORECASE)


def marker(entry_id: int, item_id: int) -> str:
    return f"{PREFIX}{entry_id}-{item_id}]"


def with_marker(comment: str | None, mark: str) -> str:
    """The host's comment with the marker at the end."""
    text = without_marker(comment)
    return f"{text} {mark}" if text else mark


def without_marker(comment: str | None) -> str:
    return _MARKER.sub("", comment or "").strip()


def markers_in(comment: str | None) -> list[str]:
    return [marker(int(hour), int(item)) for hour, item in _MARKER.findall(comment or "")]
