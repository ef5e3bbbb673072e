"""The catalog's web wording (``web=W(...)``): every fix that names a ``txbridge`` command has one,
and the wording a web user (or a REST client) reads never names a command."""

from __future__ import annotations

import re

from tests.test_catalog import COMMANDS
from txbridge.catalog import CATALOG, Entry, Message, WebFix, placeholders_in, render
from txbridge.web.screens import SCREENS

_COMMANDS = [e.id for e in CATALOG.values() if any("txbridge " in t for t in (e.fix_nb, e.fix_en))]
#: A command of the CLI named in a text: «`txbridge …`» or «txbridge batch …» (not «txbridge selv»,
#: «/txbridge/hooks»: the product's name is fine).
_TOP_LEVEL = "|".join(sorted({re.escape(path.split()[0]) for path in COMMANDS}))
NAMES_A_COMMAND = re.compile(rf"`txbridge|\btxbridge (?:{_TOP_LEVEL})\b")


def names_a_command(text: str) -> bool:
    return NAMES_A_COMMAND.search(text) is not None


def _cli_texts(entry: Entry) -> tuple[str, ...]:
    return (entry.fix_nb, entry.fix_en, *(text for pair in entry.fix_for.values() for text in pair))


def _sample(entry: Entry) -> dict[str, object]:
    return {name: 7 for name in entry.required}


def test_the_catalog_names_commands_in_fixes_at_all() -> None:
    # The rule below guards something real: many fixes are worded for the command line.
    assert len(_COMMANDS) > 60
    assert all(names_a_command(CATALOG[i].fix_nb) for i in _COMMANDS)
    assert not names_a_command("send den til den som drifter txbridge.")


def test_a_fix_that_names_a_command_has_a_web_wording_without_one() -> None:
    # One walk over the whole catalog (a test per entry would cost seconds for nothing).
    for message_id, entry in CATALOG.items():
        if any(names_a_command(text) for text in _cli_texts(entry)):
            assert isinstance(entry.web, WebFix), f"{message_id}: its fix names a command; add web=W(...)"
        message = render(message_id, **_sample(entry))
        for language in ("nb", "en"):
            shown = message.web_fix(language)
            assert shown, message_id
            assert not names_a_command(shown), (message_id, shown)
            assert "{" not in shown, (message_id, shown)  # every placeholder filled


def test_every_web_wording_fits_its_entry() -> None:
    for entry in CATALOG.values():
        if entry.web is not None:
            _fits(entry, entry.web)


def _fits(entry: Entry, web: WebFix) -> None:
    message_id = entry.id
    nb, en = web.nb, web.en
    # Both languages, the same placeholders, and none the entry's other texts lack (render would then
    # demand a value no caller gives).
    assert nb != en, message_id
    assert placeholders_in(nb) == placeholders_in(en), message_id
    others = {name for text in (*entry.texts, *_cli_texts(entry)) for name in placeholders_in(text)}
    assert placeholders_in(nb) <= others, message_id
    assert web.screen is None or web.screen in SCREENS, (message_id, web.screen)
    # Names of screens and buttons are set off in «» in both languages, as the rest of the catalog does.
    assert nb.count("«") == nb.count("»") and en.count("«") == en.count("»"), message_id


def test_the_cli_keeps_its_commands_and_the_web_gets_the_buttons() -> None:
    message = render("account_not_found", account=3099)
    assert "`txbridge batch reset` og deretter `txbridge batch export`." in message.fix("nb")
    assert message.fix("en", batch=12).endswith("`txbridge batch export 12`.")
    assert message.web_fix("nb") == (
        "Opprett konto 3099 i Tripletex, eller endre kontonummeret på varegruppen; "
        "trykk så «Tilbakestill bunten» og deretter «Eksporter» på bunten."
    )
    assert message.web_fix("en").endswith("then press «Reset the batch» and then «Export» on the batch.")
    assert message.screen == "batch"


def test_an_operators_action_says_who_does_it() -> None:
    message = render("database_not_upgraded", current="0016", head="0017")
    assert "`txbridge db upgrade`" in message.fix("nb")
    assert message.web_fix("nb").startswith("Be driftsansvarlig oppgradere databasen")
    assert message.web_fix("en").startswith("Ask the operator to upgrade the database")
    assert message.screen is None


def test_a_fix_without_commands_is_the_same_everywhere() -> None:
    message = render("invoice_not_found", invoice="100001")
    assert CATALOG["invoice_not_found"].web is None
    assert message.web_fix("nb") == message.fix("nb") and message.web_fix("en") == message.fix("en")
    assert message.screen is None


def test_a_message_stored_without_its_parameters_gets_them_back_for_the_web() -> None:
    # A stored message (a statistics run's notice, a sync log entry) keeps its texts, not its values.
    rendered = render("firm_company_already_linked", company="Acme AS", client="K7")
    stored = Message(
        rendered.id,
        rendered.nb,
        rendered.en,
        rendered.cause_nb,
        rendered.cause_en,
        rendered.fix_nb,
        rendered.fix_en,
    )
    assert stored.web_fix("nb") == "Er den koblingen feil, trykk «Koble fra» på klienten K7 først."
    assert stored.web_fix("en") == rendered.web_fix("en")
