"""Stored texts back into catalog messages (the store keeps rendered text, see
:func:`txbridge.catalog.recover`)."""

from __future__ import annotations

from txbridge.catalog import Bilingual, Message, recover, render

#: How the export stores a posting's message: ``str(message)``.
POSTING_LAYOUTS = ("{nb} / {en}",)
#: How log entries are written (``message`` and ``detail`` joined by a newline here): the export's
#: run log, the connection's errors, an administrator's action with its time, a stopped run's summary.
LOG_LAYOUTS = (
    "{nb}\n{en} — {cause_en} / {cause_nb}",
    "{nb}\n{en} (at {rest})",
    "{nb}\n{en}",
    "{nb} — {rest}\n{en}",
)


def _plain(text: str) -> Message:
    # Text written without a catalog id is "bokmål / English" by convention.
    nb, sep, en = text.partition(" / ")
    return render("log_note", text=Bilingual(nb, en) if sep else text)


def posting_message(error_id: str | None, text: str | None) -> Message | None:
    if not text:
        return None
    return recover(error_id, text, POSTING_LAYOUTS) or _plain(text)


def log_message(message_id: str | None, text: str, detail: str | None) -> Message:
    return recover(message_id, f"{text}\n{detail or ''}", LOG_LAYOUTS) or _plain(text)
