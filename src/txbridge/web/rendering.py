"""Server-rendered pages: one Jinja2 environment per language, each with its gettext catalog
installed through Jinja2's i18n extension (``{% trans %}``, ``{% pluralize %}``, ``_()``)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from functools import cache
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup, escape

from txbridge.catalog import Entry, Message
from txbridge.web import screens
from txbridge.web.i18n import gettext_for

OSLO = ZoneInfo("Europe/Oslo")
#: The page being rendered (its request and context): a macro imported without context (every
#: ``labels.message``) still links a fix to what the page is about.
_PAGE: ContextVar[Mapping[str, Any]] = ContextVar("page", default=MappingProxyType({}))


@contextmanager
def page_context(request: object, **context: Any) -> Iterator[None]:
    """While a page is rendered: what it is about, for the links of the fixes it shows."""
    token = _PAGE.set({"request": request, **context})
    try:
        yield
    finally:
        _PAGE.reset(token)


def _when(value: datetime | date | None) -> str:
    """Times are shown in Norwegian time (the store keeps UTC)."""
    if value is None:
        return "–"
    if isinstance(value, datetime):
        return value.astimezone(OSLO).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def _values_of(page: Mapping[str, Any] | Context) -> dict[str, object]:
    values: dict[str, object] = {}
    request = page.get("request")
    if request is not None:
        values.update(getattr(request, "path_params", {}))
    for name, key in (("connection", "connection_id"), ("batch", "batch_id")):
        found = getattr(page.get(name), "id", None)
        if isinstance(found, int):
            values.setdefault(key, found)
    firm = getattr(page.get("firm"), "connection_id", None)
    if isinstance(firm, int):
        values.setdefault("firm_id", firm)
    return values


def _page_values(context: Context) -> dict[str, object]:
    """What the page knows that a fix's link may need: its path values and the objects it shows."""
    return _values_of(_PAGE.get()) | _values_of(context)


def _here(context: Context) -> str | None:
    request = context.get("request") or _PAGE.get().get("request")
    path = getattr(getattr(request, "url", None), "path", None)
    return path if isinstance(path, str) else None


def _with_link(text: str, to: screens.Link | None, language: str, context: Context) -> Markup:
    if not text or to is None or to.href == _here(context):
        return escape(text)
    label = gettext_for(language).gettext(to.label)
    return escape(text) + Markup(' <a class="fix-link" href="{}">{}</a>').format(to.href, label)


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

    @pass_context
    def fix(context: Context, message: Message | None, **values: object) -> Markup:
        """The fix as a web user does it (never a ``txbridge`` command), with a link to its screen;
        ``values`` name what the row knows (``batch_id``, ``connection_id``)."""
        if message is None:
            return Markup("")
        to = screens.link(message.screen, values, message.params, _page_values(context))
        return _with_link(message.web_fix(language), to, language, context)

    @pass_context
    def entry_fix(context: Context, entry: Entry) -> Markup:
        """An unfilled entry's web fix (the help page), linked to the screen's general page."""
        to = screens.link(None if entry.web is None else entry.web.screen)
        return _with_link(entry.web_fix(language), to, language, context)

    def cause(message: Message | None) -> str:
        if message is None:
            return ""
        return message.cause_en if language == "en" else message.cause_nb

    def label(value: Any) -> str:
        # Enum labels (batch and posting statuses, states) in the page's language.
        return str(getattr(value, f"label_{language}", value))

    env.filters.update(text=text, fix=fix, entry_fix=entry_fix, cause=cause, label=label)
    return env


def render(request: Request, template: str, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render ``template`` in the request's language (set by the ``language`` dependency)."""
    language: str = getattr(request.state, "language", "nb")
    page = environment(language).get_template(template)
    context.setdefault("user", getattr(request.state, "user", None))
    context.setdefault("csrf_token", getattr(request.state, "csrf_token", ""))
    context.setdefault("poll_seconds", request.app.state.web.poll_seconds)
    with page_context(request, **context):
        html = page.render(request=request, **context)
    return HTMLResponse(html, status_code=status_code)
