"""Request log lines and counters. Paths are logged without query strings; session tokens in paths
are replaced, and httpx' own request log is filtered because it prints full URLs."""

from __future__ import annotations

import functools
import logging
import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger("txbridge.tripletex")

_TOKEN_IN_PATH = re.compile(r"(/token/session/)(?![:>])[^/?\s\"']+")
_TOKEN_IN_QUERY = re.compile(r"((?:consumerToken|employeeToken|token)=)[^&\s\"']+", re.IGNORECASE)
_NUMERIC_SEGMENT = re.compile(r"/\d+(?=/|$)")


def redact(text: str) -> str:
    """Remove session/consumer/employee tokens from a path or URL."""
    return _TOKEN_IN_QUERY.sub(r"\1***", _TOKEN_IN_PATH.sub(r"\1***", text))


@functools.lru_cache(maxsize=4096)
def path_template(path: str) -> str:
    """``/customer/123`` → ``/customer/{id}``, so counters group by endpoint."""
    return _NUMERIC_SEGMENT.sub("/{id}", _TOKEN_IN_PATH.sub(r"\1{token}", path))


class _RedactHttpxFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            record.args = tuple(redact(str(a)) if "token" in str(a).lower() else a for a in args)
        elif isinstance(record.msg, str) and "token" in record.msg.lower():
            record.msg = redact(record.msg)
        return True


_filter_lock = threading.Lock()


def install_httpx_redaction() -> None:
    """httpx logs 'HTTP Request: PUT https://…?consumerToken=…' at INFO: scrub it. Idempotent."""
    with _filter_lock:
        for name in ("httpx", "httpcore"):
            target = logging.getLogger(name)
            if not any(isinstance(f, _RedactHttpxFilter) for f in target.filters):
                target.addFilter(_RedactHttpxFilter())


@dataclass
class RequestStats:
    """Counters shared by a client and the clients it derives; read by benchmarks and export reports."""

    calls: int = 0
    retries: int = 0
    rate_limited: int = 0
    throttle_waits: int = 0
    throttle_seconds: float = 0.0
    not_modified: int = 0
    errors: int = 0
    sessions_created: int = 0
    by_endpoint: Counter[str] = field(default_factory=Counter)
    by_status: Counter[int] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def record(self, method: str, template: str, status: int) -> None:
        with self._lock:
            self.calls += 1
            self.by_endpoint[f"{method} {template}"] += 1
            self.by_status[status] += 1
            if status == 429:
                self.rate_limited += 1
            elif status == 304:
                self.not_modified += 1
            elif status >= 400:
                self.errors += 1

    def add(self, name: str, amount: float = 1) -> None:
        with self._lock:
            setattr(self, name, getattr(self, name) + amount)

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "calls": self.calls,
                "retries": self.retries,
                "rate_limited": self.rate_limited,
                "throttle_waits": self.throttle_waits,
                "throttle_seconds": round(self.throttle_seconds, 3),
                "not_modified": self.not_modified,
                "errors": self.errors,
                "sessions_created": self.sessions_created,
                "by_endpoint": dict(self.by_endpoint),
                "by_status": dict(self.by_status),
            }

    def reset(self) -> None:
        with self._lock:
            self.calls = self.retries = self.rate_limited = self.throttle_waits = 0
            self.not_modified = self.errors = self.sessions_created = 0
            self.throttle_seconds = 0.0
            self.by_endpoint.clear()
            self.by_status.clear()


def log_response(
    method: str,
    path: str,
    status: int,
    duration: float,
    request_id: str | None,
    remaining: str | None,
) -> None:
    level = logging.DEBUG if status < 400 else logging.INFO
    if not logger.isEnabledFor(level):
        return
    safe_path = redact(path)
    logger.log(
        level,
        "%s %s -> %s in %.0f ms (request id %s, rate limit remaining %s)",
        method,
        safe_path,
        status,
        duration * 1000,
        request_id or "-",
        remaining if remaining is not None else "-",
        extra={
            "tx_method": method,
            "tx_path": safe_path,
            "tx_status": status,
            "tx_duration_ms": round(duration * 1000, 1),
            "tx_request_id": request_id,
            "tx_rate_limit_remaining": remaining,
        },
    )
