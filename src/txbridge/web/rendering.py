"""Server-rendered pages: one Jinja2 environment per language, each with its gettext catalog
installed through Jinja2's i18n extension (``{% trans %}``, ``{% pluralize %}``, ``_()``)."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from txbridge.catalog import Message
from txbridge.web.i18n import gettext_for

OSLO = ZoneInfo("Europe/Oslo")


def _when(value: datetime | date | None) -> str:
    """Times are shown in Norwegian time (the store keeps UTC)."""
    if value is None:
        return "–"
    if isinstance(value, datetime):
        return value.astimezone(OSLO).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


@cache
def environment(language: str) -> Environment:
    env = Environment(
        loader=PackageLoader("txbridge.web", "templates"),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(gettext_for(language), newstyle=True)  # type: ignore[attr-defined]
    env.filters["when"] = _when
    env.globals["lang"] = language

    def text(message: Message | None) -> str:
        return "" if message is None else message.text(language)

    def fix(message: Message | None) -> str:
        return "" if message is None else message.fix(language)

    def cause(message: Message | None) -> str:
        if message is None:
            return ""
        return message.cause_en if language == "en" else message.cause_nb

    def label(value: Any) -> str:
        # Enum labels (batch and posting statuses, states) in the page's language.
        return str(getattr(value, f"label_{language}", value))

    env.filters.update(text=text, fix=fix, cause=cause, label=label)
    return env


def render(request: Request, template: str, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render ``template`` in the request's language (set by the ``language`` dependency)."""
    language: str = getattr(request.state, "language", "nb")
    page = environment(language).get_template(template)
    context.setdefault("user", getattr(request.state, "user", None))
    context.setdefault("csrf_token", getattr(request.state, "csrf_token", ""))
    context.setdefault("poll_seconds", request.app.state.web.poll_seconds)
    html = page.render(request=request, **context)
    return HTMLResponse(html, status_code=status_code)
