"""The web screens a catalog fix can send a user to (``Entry.web.screen``), and how one becomes a link.

A screen is a list of URL patterns, most specific first: ``/batches/{batch_id}`` when the batch is
known, else the connection's batches, else the list of connections. The values come from the message's
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


@dataclass(frozen=True, slots=True)
class Screen:
    #: The link's text («Open «POS set-up»»), a gettext msgid.
    label: str
    #: URL patterns, most specific first; the last one needs nothing.
    paths: tuple[str, ...]


SCREENS: Mapping[str, Screen] = {
    "connections": Screen(N_("Open «Connections»"), ("/connections",)),
    "connect": Screen(N_("Open «Connect a Tripletex company»"), ("/connections/new",)),
    "connection": Screen(N_("Open the connection"), ("/connections/{connection_id}", "/connections")),
    "rotate": Screen(N_("Open «Rotate the token»"), ("/connections/{connection_id}/rotate", "/connections")),
    "batches": Screen(N_("Open «Export batches»"), ("/connections/{connection_id}/batches", "/connections")),
    "batch": Screen(
        N_("Open the batch"),
        ("/batches/{batch_id}", "/connections/{connection_id}/batches", "/connections"),
    ),
    "invoices": Screen(
        N_("Open «Find an invoice»"), ("/connections/{connection_id}/invoices", "/connections")
    ),
    "pos": Screen(N_("Open «POS set-up»"), ("/connections/{connection_id}/pos", "/connections")),
    "log": Screen(N_("Open «Integration log»"), ("/log",)),
    "sync_held": Screen(N_("Open «To decide»"), ("/sync/held",)),
    "sync_log": Screen(N_("Open «Sync log»"), ("/sync/log",)),
    "users": Screen(N_("Open «Users»"), ("/users",)),
    "api_keys": Screen(N_("Open «API keys»"), ("/api-keys",)),
    "firm": Screen(N_("Open «Accounting firm»"), ("/firm",)),
    "firm_clients": Screen(N_("Open «Clients»"), ("/firm/{firm_id}/clients", "/firm")),
    "firm_client": Screen(
        N_("Open the client"), ("/firm/{firm_id}/clients/{client}", "/firm/{firm_id}/clients", "/firm")
    ),
    "firm_mapping": Screen(N_("Open «Field mapping»"), ("/firm/{firm_id}/mapping", "/firm")),
    "firm_settings": Screen(N_("Open «Import settings»"), ("/firm/{firm_id}/settings", "/firm")),
    "help": Screen(N_("Open «Help»"), ("/help",)),
}

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


def link(screen: str | None, *sources: Mapping[str, object]) -> str | None:
    """The URL of ``screen`` filled from ``sources`` (earlier ones win), or None for no screen."""
    found = SCREENS.get(screen or "")
    if found is None:
        return None
    values: dict[str, str] = {}
    for source in reversed(sources):
        for name, value in source.items():
            usable = None if value is None else _usable(value)
            if usable is not None:
                values[PARAM_ALIASES.get(name, name)] = usable
    for pattern in found.paths:
        names = names_in(pattern)
        if all(name in values for name in names):
            return pattern.format_map({name: quote(values[name], safe="") for name in names})
    return found.paths[-1]
