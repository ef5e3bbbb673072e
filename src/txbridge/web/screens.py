"""The web screens a catalog fix can send a user to (``Entry.web.screen``), and how one becomes a link.

A screen is a list of pages (URL patterns), most specific first: ``/batches/{batch_id}`` when the
batch is known, else the connection's batches, else the list of connections; each page has its link
text («Åpne bunten», «Åpne «Eksportbunter»»). The values come from the message's
own parameters (``batch`` → ``batch_id``, ``client`` → ``client``), the page's path (a fix shown on
``/batches/7`` links to batch 7) and the page's context; the first pattern whose values are all known
is the link. Every pattern is a GET route of the web app (``tests/web/test_screens.py``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from string import Formatter
from urllib.parse import quote


def N_(message: str) -> str:
    """Marks a UI string for extraction; translated where it is shown."""
    return message


#: Every page a fix can link to, with the link's text (a gettext msgid).
PAGES: Mapping[str, str] = {
    "/connections": N_("Open «Connections»"),
    "/connections/new": N_("Open «Connect a Tripletex company»"),
    "/connections/{connection_id}": N_("Open the connection"),
    "/connections/{connection_id}/rotate": N_("Open «Rotate the token»"),
    "/connections/{connection_id}/batches": N_("Open «Export batches»"),
    "/batches/{batch_id}": N_("Open the batch"),
    "/connections/{connection_id}/invoices": N_("Open «Find an invoice»"),
    "/connections/{connection_id}/pos": N_("Open «POS set-up»"),
    "/connections/{connection_id}/pos/invoicing": N_("Open «POS invoicing»"),
    "/connections/{connection_id}/pos/customers": N_("Open «POS invoicing: Customers»"),
    "/connections/{connection_id}/pos/sales": N_("Open «POS invoicing: Invoice sales»"),
    "/connections/{connection_id}/pos/collective": N_("Open «POS invoicing: Collective invoices»"),
    "/log": N_("Open «Integration log»"),
    "/sync": N_("Open «Synchronisation»"),
    "/sync/held": N_("Open «To decide»"),
    "/sync/log": N_("Open «Sync log»"),
    "/users": N_("Open «Users»"),
    "/api-keys": N_("Open «API keys»"),
    "/firm": N_("Open «Accounting firm»"),
    "/firm/{firm_id}/clients": N_("Open «Clients»"),
    "/firm/{firm_id}/clients/{client}": N_("Open the client"),
    "/firm/{firm_id}/mapping": N_("Open «Field mapping»"),
    "/firm/{firm_id}/settings": N_("Open «Import settings»"),
    "/help": N_("Open «Help»"),
}

#: A screen: its pages, most specific first; the last one needs no value.
SCREENS: Mapping[str, tuple[str, ...]] = {
    "connections": ("/connections",),
    "connect": ("/connections/new",),
    "connection": ("/connections/{connection_id}", "/connections"),
    "rotate": ("/connections/{connection_id}/rotate", "/connections"),
    "batches": ("/connections/{connection_id}/batches", "/connections"),
    "batch": ("/batches/{batch_id}", "/connections/{connection_id}/batches", "/connections"),
    "invoices": ("/connections/{connection_id}/invoices", "/connections"),
    "pos": ("/connections/{connection_id}/pos", "/connections"),
    "pos_invoicing": ("/connections/{connection_id}/pos/invoicing", "/connections"),
    "pos_customers": ("/connections/{connection_id}/pos/customers", "/connections"),
    "pos_sales": ("/connections/{connection_id}/pos/sales", "/connections"),
    "pos_collective": ("/connections/{connection_id}/pos/collective", "/connections"),
    "log": ("/log",),
    "sync": ("/sync",),
    "sync_held": ("/sync/held",),
    "sync_log": ("/sync/log",),
    "users": ("/users",),
    "api_keys": ("/api-keys",),
    "firm": ("/firm",),
    "firm_clients": ("/firm/{firm_id}/clients", "/firm"),
    "firm_client": ("/firm/{firm_id}/clients/{client}", "/firm/{firm_id}/clients", "/firm"),
    "firm_mapping": ("/firm/{firm_id}/mapping", "/firm"),
    "firm_settings": ("/firm/{firm_id}/settings", "/firm"),
    "help": ("/help",),
}


@dataclass(frozen=True, slots=True)
class Link:
    href: str
    #: The link's text (a gettext msgid: translate it where it is shown).
    label: str


#: A message parameter that names a path value (``batch`` in a fix is the batch's number).
PARAM_ALIASES = {"batch": "batch_id"}


def names_in(pattern: str) -> list[str]:
    return [name for _, name, _, _ in Formatter().parse(pattern) if name]


def _usable(value: object) -> str | None:
    # Only what can stand in a path: numbers and plain keys (a client key like «K-17»), never «?».
    text = str(value).strip()
    if not text or text == "?" or "/" in text:
        return None
    return text


def link(screen: str | None, *sources: Mapping[str, object]) -> Link | None:
    """The link to ``screen`` filled from ``sources`` (earlier ones win), or None for no screen."""
    patterns = SCREENS.get(screen or "")
    if patterns is None:
        return None
    values: dict[str, str] = {}
    for source in reversed(sources):
        for name, value in source.items():
            usable = None if value is None else _usable(value)
            if usable is not None:
                values[PARAM_ALIASES.get(name, name)] = usable
    for pattern in patterns:
        names = names_in(pattern)
        if all(name in values for name in names):
            href = pattern.format_map({name: quote(values[name], safe="") for name in names})
            return Link(href, PAGES[pattern])
    return Link(patterns[-1], PAGES[patterns[-1]])
