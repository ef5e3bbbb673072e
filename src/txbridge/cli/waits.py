"""What the CLI tells a user while the API client waits, and the operators' log.

The client (``txbridge.tripletex``) logs its retries and rate-limit waits in English for operators.
A user of ``txbridge batch export`` should instead read, in their language, that the export is pausing and
will go on: :class:`WaitNotices` is the sleep function the export and its client get, and says why
it waits from the client's counters. :func:`configure_logging` keeps the operators' log off the
user's screen unless asked for (``--verbose`` or ``TXBRIDGE_LOG_LEVEL``), as JSON lines on stderr."""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import IO, Any

from rich.console import Console

from txbridge.catalog import Bilingual, Message, render
from txbridge.tripletex import Tripletex

#: Shorter rate-limit waits (the client spacing its calls) are not worth a line on screen; a retry
#: is always told.
MIN_NOTICE_SECONDS = 1.0
#: The log level when neither ``--verbose`` nor ``TXBRIDGE_LOG_LEVEL`` says otherwise.
QUIET_LEVEL = logging.ERROR


class WaitNotices:
    """A sleep function that first tells the user why it waits (rate limit or a retry)."""

    def __init__(self, out: Console, sleep: Callable[[float], None] = time.sleep) -> None:
        self.out = out
        self._sleep = sleep
        self._client: Tripletex | None = None
        self._seen = (0, 0)
        self.shown: list[Message] = []

    def watch(self, client: Tripletex) -> None:
        """The client whose counters tell a retry from a rate-limit wait."""
        self._client = client
        self._seen = self._counts()

    def _counts(self) -> tuple[int, int]:
        if self._client is None:
            return (0, 0)
        stats = self._client.stats
        return (stats.retries, stats.rate_limited + stats.throttle_waits)

    def __call__(self, seconds: float) -> None:
        retries, limited = self._counts()
        retried = retries > self._seen[0] and limited == self._seen[1]
        self._seen = (retries, limited)
        if retried or seconds >= MIN_NOTICE_SECONDS:
            message = render("tripletex_retry" if retried else "rate_limit_pause", seconds=_seconds(seconds))
            self.shown.append(message)
            language = getattr(self.out, "language", "nb")
            self.out.print(f"[yellow]{message.text(language)}[/]", highlight=False)
        self._sleep(seconds)


def _seconds(seconds: float) -> Bilingual:
    """``12`` or ``0,5`` / ``0.5``: whole seconds unless the wait is shorter than one."""
    if seconds >= 1:
        return Bilingual(f"{seconds:.0f}", f"{seconds:.0f}")
    return Bilingual(f"{seconds:.1f}".replace(".", ","), f"{seconds:.1f}")


class JsonLinesFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message and the client's ``tx_*`` fields."""

    def format(self, record: logging.LogRecord) -> str:
        fields: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields.update({k: v for k, v in vars(record).items() if k.startswith("tx_")})
        if record.exc_info:
            fields["exception"] = self.formatException(record.exc_info)
        return json.dumps(fields, default=str, ensure_ascii=False)


def _level(verbose: bool, level_name: str | None) -> int:
    if verbose:
        return logging.DEBUG
    if level_name:
        level = logging.getLevelName(level_name.strip().upper())
        if isinstance(level, int):
            return level
    return QUIET_LEVEL


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is when a record comes (a test runner swaps it)."""

    @property
    def stream(self) -> IO[str]:
        return sys.stderr

    @stream.setter
    def stream(self, _value: IO[str]) -> None:
        pass


def configure_logging(verbose: bool, level_name: str | None, stream: IO[str] | None = None) -> None:
    """The ``txbridge`` loggers write JSON lines to stderr at the chosen level. The handler's level
    does the quieting, so no bare English warning reaches the screen (Python's last-resort handler
    only speaks when no handler exists) and the loggers themselves stay as they were unless a lower
    level is asked for. Safe to call once per command."""
    root = logging.getLogger("txbridge")
    for old in [h for h in root.handlers if getattr(h, "txbridge_cli", False)]:
        root.removeHandler(old)
    level = _level(verbose, level_name)
    handler: logging.Handler = _StderrHandler() if stream is None else logging.StreamHandler(stream)
    handler.setFormatter(JsonLinesFormatter())
    handler.setLevel(level)
    handler.txbridge_cli = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level if level < logging.WARNING else logging.NOTSET)
