from __future__ import annotations

import re
from pathlib import Path

import pytest

import txbridge
from txbridge.catalog import CATALOG, CatalogError, placeholders_in, render

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
