"""Small helpers the UI routes share."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import RedirectResponse

from txbridge.catalog import Message


def message_of(error: BaseException) -> Message | None:
    """The catalog message a flows error carries (every flows error has one as ``message``)."""
    message = getattr(error, "message", None)
    return message if isinstance(message, Message) else None


def safe_next(target: str | None, default: str = "/") -> str:
    """Only a path on this site (no scheme, no host, no ``//``): an open redirect helps phishing."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"
