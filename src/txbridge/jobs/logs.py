"""The job id and connection id on every log line written while a job runs.

Set with :func:`job_context`; every log record then carries ``tx_job_id`` and ``tx_connection_id``,
which the JSON-lines formatter of the operators' log writes out (secrets are kept out of records by
the client, as everywhere)."""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_job_id: contextvars.ContextVar[int | None] = contextvars.ContextVar("txbridge_job_id", default=None)
_connection_id: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "txbridge_connection_id", default=None
)
_installed = False


@contextmanager
def job_context(job_id: int, connection_id: int | None) -> Iterator[None]:
    job_token = _job_id.set(job_id)
    connection_token = _connection_id.set(connection_id)
    try:
        yield
    finally:
        _job_id.reset(job_token)
        _connection_id.reset(connection_token)


def install() -> None:
    """Wrap the log record factory once per process so every record knows its job."""
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        job_id = _job_id.get()
        if job_id is not None:
            record.tx_job_id = job_id
            connection_id = _connection_id.get()
            if connection_id is not None:
                record.tx_connection_id = connection_id
        return record

    logging.setLogRecordFactory(factory)
    _installed = True
