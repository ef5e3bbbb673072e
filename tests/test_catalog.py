from __future__ import annotations

import pickle
import re
from pathlib import Path

import pytest
from typer.main import get_command

import txbridge
from txbridge.catalog import AGAIN, CATALOG, Bilingual, CatalogError, placeholders_in, render
from txbridge.cli import _register, app

SEED_IDS = {
    "account_not_found",
    "invoice_not_found",
    "invoice_already_exported",
    "authentication_unsuccessful",
    "integration_error_state",
    "too_many_requests",
    "customer_number_in_use",
}
EXPORT_IDS = {
    "duplicate_organization_number",
    "customer_missing_data",
    "product_class_missing",
    "product_class_without_account",
    "vat_type_missing_on_account",
    "vat_code_unknown",
    "no_bank_account",
    "invoice_outside_period",
    "invoice_not_ready",
    "invoice_not_in_batch",
    "batch_not_exported",
    "token_expired",
    "api_unreachable",
    "outcome_unknown",
    "tripletex_validation_error",
    "rate_limit_pause",
}


def test_catalog_has_the_seed_list_and_what_the_export_needs() -> None:
    assert set(CATALOG) >= SEED_IDS | EXPORT_IDS


@pytest.mark.parametrize("message_id", sorted(CATALOG))
def test_every_message_renders_in_both_languages(message_id: str) -> None:
    found = CATALOG[message_id]
    # Each language asks for the same facts, so one set of parameters fills both.
    assert placeholders_in(found.nb) == placeholders_in(found.en)
    assert placeholders_in(found.cause_nb) == placeholders_in(found.cause_en)
    assert placeholders_in(found.fix_nb) == placeholders_in(found.fix_en)
    params = {name: f"<{name}>" for name in found.placeholders}
    message = render(message_id, **params)
    texts = (message.nb, message.en, message.cause_nb, message.cause_en, message.fix_nb, message.fix_en)
    for text in texts:
        assert text.strip()
        assert "{" not in text and "}" not in text, text
    for name in found.placeholders:
        assert any(f"<{name}>" in text for text in texts)
    if found.nb != found.en:  # log_note carries text worded elsewhere: "{text}" in both
        assert message.nb != message.en
    assert message.fix_nb != message.fix_en
    assert str(message) == f"{message.nb} / {message.en}"


def test_render_fills_placeholders() -> None:
    message = render("account_not_found", account=3099)
    assert message.en == "Account 3099 was not found in Tripletex"
    assert message.nb == "Konto 3099 ble ikke funnet i Tripletex"
    assert "3099" in message.fix_nb and "3099" in message.fix_en
    assert message.text("en") == message.en and message.fix("nb") == message.fix_nb


def test_render_refuses_missing_unknown_and_extra_parameters() -> None:
    with pytest.raises(CatalogError):
        render("account_not_found")
    with pytest.raises(CatalogError):
        render("account_not_found", account=1, acount=2)
    with pytest.raises(CatalogError):
        render("no_such_message")


def test_every_message_is_shown_somewhere() -> None:
    # A dead entry promises users an explanation the engine never gives.
    package = Path(txbridge.__file__).parent
    sources = " ".join(
        path.read_text(encoding="utf-8") for path in package.rglob("*.py") if path.name != "catalog.py"
    )
    unused = [message_id for message_id in CATALOG if f'"{message_id}"' not in sources]
    assert not unused, unused


#: A posting that failed on these is sent again only after a reset: an export sends pending postings only.
FAILED_POSTING_IDS = {
    "account_not_found",
    "customer_number_in_use",
    "duplicate_organization_number",
    "customer_missing_data",
    "customer_not_created",
    "product_not_found",
    "product_class_missing",
    "product_class_without_account",
    "product_not_created",
    "vat_type_missing_on_account",
    "vat_code_mismatch",
    "vat_code_unknown",
    "no_bank_account",
    "tripletex_validation_error",
    "tripletex_conflict",
    "reference_cleared",
    "invoice_server_error",
}
#: These stop an export with its postings still pending (or in flight): running the export continues it.
STOPPED_EXPORT_IDS = {
    "authentication_unsuccessful",
    "integration_error_state",
    "too_many_requests",
    "api_unreachable",
    "tripletex_server_error",
    "outcome_unknown",
    "invoice_already_exported",
}
_VAGUE_RETRY = re.compile(
    r"export(?: the batch)? again|eksporter(?: bunten)? på nytt|try again", re.IGNORECASE
)


@pytest.mark.parametrize("message_id", sorted(CATALOG))
def test_no_fix_says_export_again_without_the_command(message_id: str) -> None:
    found = CATALOG[message_id]
    for fix in (found.fix_nb, found.fix_en):
        assert not _VAGUE_RETRY.search(fix), fix


@pytest.mark.parametrize("message_id", sorted(FAILED_POSTING_IDS))
def test_a_failed_posting_fix_names_reset_then_export(message_id: str) -> None:
    found = CATALOG[message_id]
    for fix in (found.fix_nb, found.fix_en):
        reset, export = fix.find("`txbridge batch reset "), fix.find("`txbridge batch export ")
        assert 0 <= reset < export, fix


@pytest.mark.parametrize("message_id", sorted(STOPPED_EXPORT_IDS))
def test_a_stopped_export_fix_names_the_export_command(message_id: str) -> None:
    found = CATALOG[message_id]
    for fix in (found.fix_nb, found.fix_en):
        assert "`txbridge batch export " in fix, fix


# ---- Every message as users read it: both languages, no placeholder, commands that exist and fit ----


#: Values like the ones the engine fills in (a batch number where a fix names one).
_SAMPLE = {
    "account": 3099,
    "invoice": "100018",
    "batch": 7,
    "period": "2026-10",
    "connection": "acme",
    "detail": Bilingual("tidsavbrudd mot tripletex.no", "timeout talking to tripletex.no"),
}
_COMMAND = re.compile(r"`txbridge ([^`]*)`")

#: The commands whose failures have a next step of their own; any other command's failures are the
#: export side's (batch close/export/show/reset, diagnose, log, invoice clear-reference, import).
RAISED_BY = {
    "connect": {
        "authentication_unsuccessful",
        "api_unreachable",
        "tripletex_server_error",
        "too_many_requests",
        "connection_settings_invalid",
        "client_company_not_accessible",
        "permission_denied",
        "connection_pending_approval",
        "token_expired",
        "token_expires_soon",
        "token_on_command_line",
        "invalid_date",
        "sandbox_needs_base_url",
    },
    "connection reactivate": {
        "authentication_unsuccessful",
        "api_unreachable",
        "tripletex_server_error",
        "too_many_requests",
        "token_expired",
        "connection_not_found",
    },
    "payments refresh": {
        "authentication_unsuccessful",
        "api_unreachable",
        "tripletex_server_error",
        "too_many_requests",
        "integration_error_state",
        "token_expired",
        "connection_pending_approval",
    },
}
#: What a fix may send the user to after each of those commands failed.
NEXT_STEPS = {
    "connect": {"connect", "connection approve", "connection show", "sandbox"},
    "connection reactivate": {"connect", "connection reactivate", "connection show"},
    "payments refresh": {"connect", "connection approve", "connection reactivate", "payments refresh", "log"},
}
#: Failures any command can meet (the store, files, settings, a fault in txbridge): no command.
EVERYWHERE = {
    "database_unreachable",
    "database_locked",
    "disk_full",
    "file_permission_denied",
    "file_not_found",
    "setting_invalid",
    "unexpected_error",
    "no_connections",
    "several_connections",
    "connection_not_found",
}


def _commands() -> dict[str, object]:
    _register()
    found: dict[str, object] = {}

    def walk(command: object, path: str) -> None:
        subs = getattr(command, "commands", {})
        if path and not subs:
            found[path] = command
        for name, sub in subs.items():
            walk(sub, f"{path} {name}".strip())

    walk(get_command(app), "")
    return found


COMMANDS = _commands()


def _named(text: str) -> list[str]:
    """The txbridge commands a text names; each must exist and take what the text gives it."""
    named = []
    for written in _COMMAND.findall(text):
        words = written.split()
        path = next((" ".join(words[:n]) for n in (2, 1) if " ".join(words[:n]) in COMMANDS), None)
        assert path is not None, f"no command `txbridge {written}`"
        command = COMMANDS[path]
        rest = words[len(path.split()) :]
        options = {o for p in command.params for o in getattr(p, "opts", [])}  # type: ignore[attr-defined]
        arguments = [p for p in command.params if not getattr(p, "opts", [""])[0].startswith("-")]  # type: ignore[attr-defined]
        positional = []
        skip = False
        for word in rest:
            if skip:
                skip = False
            elif word.startswith("-"):
                assert word in options, f"`txbridge {written}`: no option {word}"
                skip = True
            else:
                positional.append(word)
        assert len(positional) <= len(arguments), f"`txbridge {written}`: too many arguments"
        named.append(path)
    return named


def _message(message_id: str) -> object:
    found = CATALOG[message_id]
    return render(
        message_id,
        **{name: _SAMPLE.get(name, f"x-{name}") for name in found.required},
    )


@pytest.mark.parametrize("message_id", sorted(CATALOG))
def test_every_message_reads_whole_in_each_language_and_names_real_commands(message_id: str) -> None:
    message = _message(message_id)
    commands = [None, *CATALOG[message_id].fix_for]
    for language in ("nb", "en"):
        texts = [message.text(language), message.cause(language)]  # type: ignore[attr-defined]
        for command in commands:
            for batch in (None, 7):
                texts.append(message.fix(language, batch=batch, command=command))  # type: ignore[attr-defined]
        for text in texts:
            assert text.strip() and not placeholders_in(text), text
            assert not re.search(r"\b(BUNT|BATCH|NUMMER|NUMBER)\b", text), text
            _named(text)


@pytest.mark.parametrize(
    ("command", "message_id"),
    sorted((command, message_id) for command, ids in RAISED_BY.items() for message_id in ids),
)
def test_the_fix_fits_the_command_that_failed(command: str, message_id: str) -> None:
    assert command in COMMANDS
    message = _message(message_id)
    for language in ("nb", "en"):
        fix = message.fix(language, command=command)  # type: ignore[attr-defined]
        named = set(_named(fix))
        assert named <= NEXT_STEPS[command], (command, message_id, fix)


@pytest.mark.parametrize("message_id", sorted(EVERYWHERE))
def test_failures_of_any_command_send_nowhere_in_particular(message_id: str) -> None:
    message = _message(message_id)
    for language in ("nb", "en"):
        assert set(_named(message.fix(language))) <= {"connect", "connection show"}  # type: ignore[attr-defined]


def test_a_fix_without_the_batch_still_reads_right() -> None:
    message = render("account_not_found", account=3099)
    assert "`txbridge batch reset` og deretter `txbridge batch export`." in message.fix("nb")
    assert "`txbridge batch reset 12` and then `txbridge batch export 12`." in message.fix("en", batch=12)
    # Every retry command tail has a fix per command.
    assert set(AGAIN) <= set(CATALOG["api_unreachable"].fix_for)


def test_a_message_keeps_its_parameters_and_survives_pickling() -> None:
    # Jobs and the web may store or send a message: it must travel whole.
    message = render("api_unreachable", detail=Bilingual("tidsavbrudd", "timeout"))
    again = pickle.loads(pickle.dumps(message))  # noqa: S301 - our own bytes
    assert again == message and hash(again) == hash(message)
    assert again.fix("en", command="connect") == message.fix("en", command="connect")
    assert again.params == {"detail": Bilingual("tidsavbrudd", "timeout")}
