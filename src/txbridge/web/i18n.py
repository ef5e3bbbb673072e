"""UI strings through gettext: English msgids in the templates and routes, bokmål in
``locales/nb/LC_MESSAGES/messages.po`` (English is the msgids themselves).

The ``.po`` files are the only source: they are compiled to ``.mo`` in memory (Babel) the first time a
language is used, so a clean clone, an editable install and a wheel all work with no build step and no
compiled file to keep in step. ``tests/web/test_i18n.py`` extracts every string and fails when one
lacks its bokmål translation."""

from __future__ import annotations

import gettext
from functools import cache
from io import BytesIO
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALES_DIR = Path(__file__).parent / "locales"
LANGUAGES = ("nb", "en")
DEFAULT_LANGUAGE = "nb"
DOMAIN = "messages"


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The compiled catalog of a language (English: the msgids, with English plural rules)."""
    po = LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if language == "en" or not po.exists():
        return gettext.NullTranslations()
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=language, domain=DOMAIN)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


def gettext_for(language: str) -> gettext.NullTranslations:
    return translations(language if language in LANGUAGES else DEFAULT_LANGUAGE)


def negotiate(accept_language: str | None) -> str:
    """The language for a visitor who has not signed in: the first of ``Accept-Language`` we speak
    (Norwegian in any form — nb, no, nn — is bokmål), else bokmål."""
    if not accept_language:
        return DEFAULT_LANGUAGE
    weighted: list[tuple[float, str]] = []
    for part in accept_language.split(","):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag:
            weighted.append((quality, tag.strip()))
    for _, tag in sorted(weighted, key=lambda item: -item[0]):
        try:
            language = Locale.parse(tag, sep="-").language
        except (ValueError, UnknownLocaleError):
            continue
        if language in ("nb", "no", "nn"):
            return "nb"
        if language == "en":
            return "en"
    return DEFAULT_LANGUAGE


# --------------------------------------------------------------------------------------------------
# Maintaining the catalog: ``python -m txbridge.web.update_messages`` extracts the UI strings and
# updates nb.po (new strings get an empty translation, which the test suite then reports).
# --------------------------------------------------------------------------------------------------

PACKAGE_DIR = Path(__file__).parent
METHOD_MAP = [("**.py", "python"), ("templates/**.html", "jinja2")]
OPTIONS_MAP = {"templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "false"}}


def extract() -> Catalog:
    """Every UI string of the web package (templates and routes), as a Babel catalog."""
    from babel.messages.extract import extract_from_dir

    catalog = Catalog(domain=DOMAIN)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(PACKAGE_DIR), METHOD_MAP, OPTIONS_MAP
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def update(language: str = "nb") -> Path:
    from babel.messages.pofile import write_po

    po = LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    with po.open("rb") as handle:
        existing = read_po(handle, locale=language, domain=DOMAIN)
    existing.update(extract(), no_fuzzy_matching=True, update_header_comment=False)
    with po.open("wb") as handle:
        write_po(handle, existing, width=110, omit_header=False, ignore_obsolete=True, include_lineno=False)
    return po
