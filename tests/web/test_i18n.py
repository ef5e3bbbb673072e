"""UI strings: every one extracted from the templates and routes has its bokmål translation (this test
fails when one lacks it), plural forms work, and the sign-in page follows Accept-Language."""

from __future__ import annotations

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from txbridge.web.i18n import LOCALES_DIR, extract, gettext_for, negotiate
from txbridge.web.rendering import environment


def _nb_catalog() -> Catalog:
    with (LOCALES_DIR / "nb" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale="nb")


def untranslated(extracted: Catalog, translated: Catalog) -> list[object]:
    """The extracted strings that have no complete, non-fuzzy translation."""
    missing = []
    for message in extracted:
        if not message.id:
            continue
        found = translated.get(message.id)
        if found is None or found.fuzzy:
            missing.append(message.id)
            continue
        strings = list(found.string) if found.pluralizable else [found.string]
        if not all(strings) or len(strings) != (2 if message.pluralizable else 1):
            missing.append(message.id)
    return missing


def test_every_ui_string_has_a_bokmal_translation() -> None:
    missing = untranslated(extract(), _nb_catalog())
    assert not missing, (
        f"UI strings without a bokmål translation (python -m txbridge.web.update_messages): {missing}"
    )


def test_the_check_catches_a_new_string_and_an_empty_plural() -> None:
    extracted = extract()
    extracted.add("A sentence nobody translated", None)
    extracted.add(("%(count)s new thing", "%(count)s new things"), None)
    translated = _nb_catalog()
    translated.add(("%(count)s new thing", "%(count)s new things"), ("%(count)s ny ting", ""))
    assert untranslated(extracted, translated) == [
        "A sentence nobody translated",
        ("%(count)s new thing", "%(count)s new things"),
    ]


def test_the_catalog_has_no_stale_entries() -> None:
    used = {
        message.id if isinstance(message.id, str) else message.id[0] for message in extract() if message.id
    }
    stale = [m.id for m in _nb_catalog() if m.id and (m.id if isinstance(m.id, str) else m.id[0]) not in used]
    assert not stale, stale


def test_the_po_file_is_compiled_when_first_used() -> None:
    assert gettext_for("nb").gettext("Sign in") == "Logg inn"
    assert gettext_for("nb").ngettext("%(count)s batch", "%(count)s batches", 3) == "%(count)s bunter"
    assert gettext_for("en").gettext("Sign in") == "Sign in"


def test_plural_forms_in_both_languages() -> None:
    source = "{% trans count=n %}{{ count }} posting{% pluralize %}{{ count }} postings{% endtrans %}"
    nb, en = environment("nb").from_string(source), environment("en").from_string(source)
    assert [nb.render(n=n) for n in (0, 1, 2)] == ["0 posteringer", "1 postering", "2 posteringer"]
    assert [en.render(n=n) for n in (0, 1, 2)] == ["0 postings", "1 posting", "2 postings"]


def test_accept_language_picks_the_sign_in_language() -> None:
    assert negotiate(None) == "nb"
    assert negotiate("en-GB,en;q=0.9") == "en"
    assert negotiate("nn-NO,en;q=0.5") == "nb"
    assert negotiate("de-DE,en;q=0.8,nb;q=0.9") == "nb"
    assert negotiate("de-DE,fr;q=0.8") == "nb"
    assert negotiate("garbage;;,") == "nb"


def test_sign_in_page_in_the_browsers_language(anonymous: TestClient) -> None:
    english = anonymous.get("/sign-in", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert '<html lang="en">' in english.text and "Sign in" in english.text and "Password" in english.text
    norwegian = anonymous.get("/sign-in", headers={"Accept-Language": "nb-NO"})
    assert (
        '<html lang="nb">' in norwegian.text and "Logg inn" in norwegian.text and "Passord" in norwegian.text
    )
    chosen = anonymous.get("/sign-in?lang=en", headers={"Accept-Language": "nb-NO"})
    assert "Password" in chosen.text


def test_a_signed_in_user_switches_language_and_keeps_it(admin_client: TestClient) -> None:
    page = admin_client.get("/connections")
    assert "Tilkoblinger" in page.text
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    switched = admin_client.post("/language", data={"language": "en", "next": "/help", "csrf_token": token})
    assert switched.status_code == 200 and "Help: every message and what to do" in switched.text
    # Error texts come from the engine's catalog in the same language.
    assert "was not found in Tripletex" in switched.text
    assert "ble ikke funnet i Tripletex" not in switched.text
    assert "Connections" in admin_client.get("/connections").text
