"""The operators' log. The client (``txbridge.tripletex``) logs its retries and rate-limit waits in
English for operators; users read the export's own notices in their language instead
(``flows.export`` tells every wait through its progress callback). :func:`configure_logging` keeps the
operators' log off the user's screen unless asked for (``--verbose`` or ``TXBRIDGE_LOG_LEVEL``), as
JSON lines on stderr."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import IO, Any

#: The log level when neither ``--verbose`` nor ``TXBRIDGE_LOG_LEVEL`` says otherwise.
QUIET_LEVEL = logging.ERROR


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
