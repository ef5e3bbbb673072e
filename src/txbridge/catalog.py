"""Every message the engine shows a user, in one place.

Each entry has a stable id (used in postings, the integration log and the troubleshooter), a text in
Norwegian (bokmål) and English, the cause and the fix in both languages, and named placeholders
(``{account}``) filled in by :func:`render`. Ids never change meaning once released: stored postings
and log entries refer to them.

The first entries are the ones Telaris-style users already know (the seed's error list); the rest are
what the export, the intake and the troubleshooter need.

Fixes in the web app (and the REST API)
---------------------------------------
A fix (``fix_nb``/``fix_en``, ``fix_for``) is worded for the command line: it names ``txbridge …``
commands. A user in the browser cannot run those, so an entry whose fix names a ``txbridge`` command
also carries ``web=W(nb, en, screen)``: the same fix as a web user does it, naming the screen and the
button in «» («Velg konto for varegruppen under «Kasseoppsett»», «trykk «Tilbakestill bunten» og
deretter «Eksporter» på bunten»), with the entry's own placeholders (no new ones). ``screen`` is the
web screen where it is done, a key of :data:`txbridge.web.screens.SCREENS` (``"pos"``, ``"batch"``,
``"connection"`` …) that the web turns into a link; ``None`` where no screen fits. A fix the web
cannot do (an operator's action such as upgrading the database) says who does it («Be driftsansvarlig
oppgradere databasen») rather than naming the command. Shared tails have web twins: ``RETRY_NB`` →
``WEB_RETRY_NB``, ``WEB_UPGRADE_NB``.

Who reads which wording: the CLI shows :meth:`Message.fix` (commands); the web app and the REST API
show :meth:`Message.web_fix`, which never names a ``txbridge`` command (an API client is a program or
the person behind it, who uses the web app, not a terminal on the server); it is the CLI fix for an
entry that names no command. ``tests/test_catalog_web.py`` renders every entry for the web and fails
when a fix names a ``txbridge`` command or a screen key has no route.

Adding an entry: if its fix names a ``txbridge`` command, give it ``web=W(...)`` with a screen key
(add a screen to ``txbridge.web.screens`` when the web has a new one)."""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

#: Placeholders that only a fix may use and that a caller may leave out: the batch a command acts
#: on. Left out, the command's argument goes with it (``txbridge batch reset`` without a number acts
#: on the latest unfinished batch), so the sentence still reads right.
OPTIONAL_IN_FIX = frozenset({"batch"})
#: Shown for a parameter a stored message no longer carries (see :func:`recover`).
UNKNOWN_VALUE = "?"
#: A message's texts joined (a layout for :func:`recover`), to read back its parameters.
_ALL_TEXTS = "{nb}\n{en}\n{cause_nb}\n{cause_en}"


@dataclass(frozen=True, slots=True)
class Message:
    """One rendered catalog message. ``params`` are the values it was rendered with, so a command
    can re-render its fix for itself (:meth:`fix` with ``batch``/``command``)."""

    id: str
    nb: str
    en: str
    cause_nb: str
    cause_en: str
    fix_nb: str
    fix_en: str
    params: Mapping[str, object] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def __str__(self) -> str:
        return f"{self.nb} / {self.en}"

    def text(self, language: str = "nb") -> str:
        return self.en if language == "en" else self.nb

    def cause(self, language: str = "nb") -> str:
        return self.cause_en if language == "en" else self.cause_nb

    def fix(self, language: str = "nb", *, batch: int | None = None, command: str | None = None) -> str:
        """The fix in one language; with the batch the user is working on, its commands name that
        batch, and with the command that failed (``"connect"``), the fix says what to do for it."""
        found = CATALOG.get(self.id)
        if found is None or (batch is None and (command is None or command not in found.fix_for)):
            return self.fix_en if language == "en" else self.fix_nb
        pair = found.fix_for.get(command or "", (found.fix_nb, found.fix_en))
        params = dict(self.params)
        if batch is not None:
            params.setdefault("batch", batch)
        return _fill(pair[1] if language == "en" else pair[0], params, language)

    def web_fix(self, language: str = "nb") -> str:
        """The fix as a user of the web app (or a REST client) does it: no ``txbridge`` command."""
        found = CATALOG.get(self.id)
        if found is None or found.web is None:
            return self.fix(language)
        template = found.web_fix(language)
        params: Mapping[str, object] = self.params
        if not placeholders_in(template) <= set(params):
            # A message stored as text (its parameters not kept): read them back from its texts.
            again = recover(self.id, _ALL_TEXTS.format_map(self._texts()), (_ALL_TEXTS,))
            params = {**(again.params if again else {}), **params}
        return _fill(template, params, language)

    def _texts(self) -> dict[str, str]:
        return {"nb": self.nb, "en": self.en, "cause_nb": self.cause_nb, "cause_en": self.cause_en}

    @property
    def screen(self) -> str | None:
        """The web screen where the fix is done (a key of ``txbridge.web.screens.SCREENS``)."""
        found = CATALOG.get(self.id)
        return None if found is None or found.web is None else found.web.screen


@dataclass(frozen=True, slots=True)
class WebFix:
    """An entry's fix as a user of the web app does it (see the module docstring): bokmål, English,
    and the key of the web screen where it is done (:data:`txbridge.web.screens.SCREENS`)."""

    nb: str
    en: str
    screen: str | None = None


W = WebFix


@dataclass(frozen=True, slots=True)
class Entry:
    """A catalog entry before its placeholders are filled in. ``fix_for`` holds the fix for a command
    whose next step differs from the usual one (a failed ``connect`` is not retried by an export)."""

    id: str
    nb: str
    en: str
    cause_nb: str
    cause_en: str
    fix_nb: str
    fix_en: str
    fix_for: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    #: The fix in the web app's words (screens and buttons, no ``txbridge`` command).
    web: WebFix | None = None

    @property
    def texts(self) -> tuple[str, ...]:
        return (self.nb, self.en, self.cause_nb, self.cause_en, self.fix_nb, self.fix_en)

    @property
    def all_texts(self) -> tuple[str, ...]:
        web = () if self.web is None else (self.web.nb, self.web.en)
        return self.texts + tuple(text for pair in self.fix_for.values() for text in pair) + web

    def web_fix(self, language: str = "nb") -> str:
        """The fix a web user reads, placeholders unfilled (the help page lists these)."""
        if self.web is None:
            return self.fix_en if language == "en" else self.fix_nb
        return self.web.en if language == "en" else self.web.nb

    @property
    def placeholders(self) -> frozenset[str]:
        """Names used anywhere in the entry."""
        return frozenset(name for text in self.all_texts for name in placeholders_in(text))

    @property
    def required(self) -> frozenset[str]:
        """Names :func:`render` must be given: all but a batch named only in a fix."""
        if CATALOG.get(self.id) is self:
            return _required(self.id)
        return _required_of(self)


@dataclass(frozen=True, slots=True)
class Bilingual:
    """A parameter worded per language (a reason from the client, a network failure): the bokmål
    texts get ``nb``, the English texts ``en``."""

    nb: str
    en: str


class CatalogError(LookupError):
    """A message id that is not in the catalog, or parameters that do not fit it (a programming error)."""


def placeholders_in(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def _entries(*entries: Entry) -> Mapping[str, Entry]:
    by_id: dict[str, Entry] = {}
    for entry in entries:
        if entry.id in by_id:
            raise CatalogError(f"duplicate catalog id {entry.id!r}")
        by_id[entry.id] = entry
    return MappingProxyType(by_id)


@functools.lru_cache(maxsize=1024)
def _required(message_id: str) -> frozenset[str]:
    return _required_of(CATALOG[message_id])


def _required_of(entry: Entry) -> frozenset[str]:
    stated = {name for text in entry.texts[:4] for name in placeholders_in(text)}
    return frozenset(name for name in entry.placeholders if name not in OPTIONAL_IN_FIX or name in stated)


class _Values(dict[str, str]):
    """Parameter values for one language; one a stored message lost reads as ``?``."""

    def __missing__(self, key: str) -> str:
        return UNKNOWN_VALUE


def _fill(template: str, params: Mapping[str, object], language: str) -> str:
    for name in OPTIONAL_IN_FIX - set(params):
        template = template.replace(" {" + name + "}", "")
    values = _Values(
        {
            name: (value.en if language == "en" else value.nb) if isinstance(value, Bilingual) else str(value)
            for name, value in params.items()
        }
    )
    return template.format_map(values)


E = Entry

#: A failed posting is only sent again after a reset: an export sends pending postings only.
RETRY_NB = "kjør så `txbridge batch reset {batch}` og deretter `txbridge batch export {batch}`."
RETRY_EN = "then run `txbridge batch reset {batch}` and then `txbridge batch export {batch}`."

#: How the commands other than an export are tried again (bokmål, English): the tail of the fixes in
#: ``fix_for`` of the failures they share with an export.
AGAIN = {
    "connect": ("kjør `txbridge connect` på nytt", "run `txbridge connect` again"),
    "connection reactivate": (
        "kjør `txbridge connection reactivate` på nytt",
        "run `txbridge connection reactivate` again",
    ),
    "payments refresh": ("kjør `txbridge payments refresh` på nytt", "run `txbridge payments refresh` again"),
}


#: The web twins of the tails above (see the module docstring): the buttons on the batch's screen.
WEB_RETRY_NB = "trykk så «Tilbakestill bunten» og deretter «Eksporter» på bunten."
WEB_RETRY_EN = "then press «Reset the batch» and then «Export» on the batch."
#: An operator's action the web cannot do: who does it.
WEB_UPGRADE_NB = (
    "Be driftsansvarlig oppgradere databasen (én gang, fra én maskin) og starte arbeiderne igjen."
)
WEB_UPGRADE_EN = (
    "Ask the operator to upgrade the database (once, from one machine) and start the workers again."
)


def _again(nb: str, en: str, commands: tuple[str, ...] = tuple(AGAIN)) -> dict[str, tuple[str, str]]:
    """A fix per command: ``nb``/``en`` with ``{again}`` standing for how that command is retried."""
    return {c: (nb.replace("{again}", AGAIN[c][0]), en.replace("{again}", AGAIN[c][1])) for c in commands}


CATALOG: Mapping[str, Entry] = _entries(
    # ---- The seed's list -----------------------------------------------------------------------
    E(
        "account_not_found",
        "Konto {account} ble ikke funnet i Tripletex",
        "Account {account} was not found in Tripletex",
        "Kontonummeret fra varegruppen finnes ikke i kontoplanen i Tripletex.",
        "The account number from the product class does not exist in Tripletex's chart of accounts.",
        "Opprett konto {account} i Tripletex, eller endre kontonummeret på varegruppen; " + RETRY_NB,
        "Add account {account} in Tripletex, or change the account number on the product class; " + RETRY_EN,
        web=W(
            "Opprett konto {account} i Tripletex, eller endre kontonummeret på varegruppen; " + WEB_RETRY_NB,
            "Add account {account} in Tripletex, or change the account number on the product class; "
            + WEB_RETRY_EN,
            "batch",
        ),
    ),
    E(
        "invoice_not_found",
        "Faktura {invoice} finnes ikke",
        "Invoice {invoice} is not found",
        "Posteringen viser til en faktura som ikke lenger finnes her.",
        "The posting refers to an invoice that no longer exists here.",
        "Sjekk innholdet i bunten, og om fakturaen er slettet eller endret.",
        "Check the contents of the batch and whether the invoice has been deleted or changed.",
    ),
    E(
        "invoice_already_exported",
        "Faktura {invoice} er allerede eksportert (Tripletex-faktura {tripletex_number})",
        "Invoice {invoice} is already exported (Tripletex invoice {tripletex_number})",
        "Fakturaen har allerede en integrasjonsreferanse til Tripletex, så den sendes ikke igjen.",
        "The invoice already has an integration reference to Tripletex, so it is not sent again.",
        "Ingen handling trengs hvis fakturaen er i Tripletex. Skal den eksporteres på nytt, krediter den i "
        "Tripletex; en administrator kjører så `txbridge invoice clear-reference {invoice}` (tilbakestiller "
        "bunten) og `txbridge batch export {batch}`.",
        "No action is needed if the invoice is in Tripletex. To export it again, credit it in Tripletex; "
        "an administrator then runs `txbridge invoice clear-reference {invoice}` (resets the batch) and "
        "`txbridge batch export {batch}`.",
        web=W(
            "Ingen handling trengs hvis fakturaen er i Tripletex. Skal den eksporteres på nytt, krediter "
            "den i Tripletex; en administrator trykker så «Fjern referansen» på fakturaen under «Finn en "
            "faktura» (det tilbakestiller bunten) og «Eksporter» på bunten.",
            "No action is needed if the invoice is in Tripletex. To export it again, credit it in "
            "Tripletex; an administrator then presses «Clear the reference» on the invoice under «Find an "
            "invoice» (this resets the batch) and «Export» on the batch.",
            "invoices",
        ),
    ),
    E(
        "authentication_unsuccessful",
        "Autentiseringen mot Tripletex mislyktes",
        "The integration authentication was unsuccessful",
        "Ansattnøkkelen (employee token) eller forbrukernøkkelen er feil eller utløpt, eller hører til et "
        "annet miljø (test/produksjon).",
        "The employee token or consumer token is wrong or expired, or belongs to another environment "
        "(test/production).",
        "Sjekk nøklene under API-tilgang i Tripletex; lim inn en ny ansattnøkkel med `txbridge connect`, "
        "kjør `txbridge connection reactivate` og så `txbridge batch export {batch}`.",
        "Check the tokens under API access in Tripletex; paste a new employee token with `txbridge connect`, "
        "run `txbridge connection reactivate`, then `txbridge batch export {batch}`.",
        fix_for={
            "connect": (
                "Sjekk nøklene under API-tilgang i Tripletex, og at de hører til miljøet du valgte (-e test "
                "eller production); kjør `txbridge connect` på nytt.",
                "Check the tokens under API access in Tripletex, and that they belong to the environment "
                "you chose (-e test or production); run `txbridge connect` again.",
            ),
            **_again(
                "Sjekk nøklene under API-tilgang i Tripletex; lim inn en ny ansattnøkkel med "
                "`txbridge connect`, og {again}.",
                "Check the tokens under API access in Tripletex; paste a new employee token with "
                "`txbridge connect`, and {again}.",
                ("connection reactivate", "payments refresh"),
            ),
        },
        web=W(
            "Sjekk nøklene under API-tilgang i Tripletex; lim inn en ny ansattnøkkel under «Bytt nøkkel» på "
            "tilkoblingen, trykk «Test og aktiver igjen» og så «Eksporter» på bunten.",
            "Check the tokens under API access in Tripletex; paste a new employee token under «Rotate the "
            "token» on the connection, press «Test and reactivate», then «Export» on the batch.",
            "rotate",
        ),
    ),
    E(
        "integration_error_state",
        "Integrasjonen er i feiltilstand",
        "The integration is in error state",
        "Integrasjonen ble stoppet etter {failures} feil på rad (siste: {last_error}).",
        "The integration was stopped after {failures} errors in a row (last: {last_error}).",
        "Se loggen (`txbridge log`), rett feilen, kjør `txbridge connection reactivate` og så "
        "`txbridge batch export {batch}`.",
        "Check the log (`txbridge log`), fix the error, run `txbridge connection reactivate`, then "
        "`txbridge batch export {batch}`.",
        fix_for=_again(
            "Se loggen (`txbridge log`), rett feilen, kjør `txbridge connection reactivate` og så "
            "`txbridge payments refresh`.",
            "Check the log (`txbridge log`), fix the error, run `txbridge connection reactivate`, then "
            "`txbridge payments refresh`.",
            ("payments refresh",),
        ),
        web=W(
            "Se «Integrasjonslogg», rett feilen, trykk «Test og aktiver igjen» på tilkoblingen og så "
            "«Eksporter» på bunten.",
            "Check the «Integration log», fix the error, press «Test and reactivate» on the connection, "
            "then «Export» on the batch.",
            "connection",
        ),
    ),
    E(
        "too_many_requests",
        "Tripletex svarte med for mange forespørsler",
        "Integration returned with too many requests",
        "API-grensen i Tripletex er nådd for denne ansattnøkkelen.",
        "The Tripletex API limit is reached for this employee token.",
        "Vent til grensen nullstilles og kjør `txbridge batch export {batch}`; bunten feiler ikke av dette, "
        "eksporten fortsetter der den slapp.",
        "Wait until the limit resets and run `txbridge batch export {batch}`; the batch does not fail "
        "because of this, the export continues where it stopped.",
        fix_for=_again(
            "Vent til grensen nullstilles og {again}.", "Wait until the limit resets and {again}."
        ),
        web=W(
            "Vent til grensen nullstilles og trykk «Eksporter» på bunten; bunten feiler ikke av dette, "
            "eksporten fortsetter der den slapp.",
            "Wait until the limit resets and press «Export» on the batch; the batch does not fail because "
            "of this, the export continues where it stopped.",
            "batch",
        ),
    ),
    E(
        "customer_number_in_use",
        "Kundenummer {number} er allerede i bruk",
        "The customer number {number} is already in use",
        "Kunde {number} ({name}) er ikke riktig koblet: kundenummeret tilhører en annen kunde i Tripletex "
        "({tripletex_name}).",
        "Customer {number} ({name}) is not linked correctly: the number belongs to another customer in "
        "Tripletex ({tripletex_name}).",
        "Slå opp kunden i Tripletex og se hvilket kundenummer den har; rett kundenummeret her eller i "
        "Tripletex; " + RETRY_NB,
        "Look up the customer in Tripletex and see which customer number it has; correct the number here "
        "or in Tripletex; " + RETRY_EN,
        web=W(
            "Slå opp kunden i Tripletex og se hvilket kundenummer den har; rett kundenummeret her eller i "
            "Tripletex; " + WEB_RETRY_NB,
            "Look up the customer in Tripletex and see which customer number it has; correct the number "
            "here or in Tripletex; " + WEB_RETRY_EN,
            "batch",
        ),
    ),
    # ---- Customers -------------------------------------------------------------------------------
    E(
        "duplicate_organization_number",
        "Organisasjonsnummer {organization_number} brukes av flere kunder ({customers})",
        "Organisation number {organization_number} is used by several customers ({customers})",
        "Flere kunder har samme organisasjonsnummer, så det er uklart hvilken kunde i Tripletex de "
        "hører til.",
        "Several customers share one organisation number, so it is unclear which Tripletex customer they "
        "belong to.",
        "Slå sammen kundene eller rett organisasjonsnummeret på den som er feil; " + RETRY_NB,
        "Merge the customers or correct the organisation number on the wrong one; " + RETRY_EN,
        web=W(
            "Slå sammen kundene eller rett organisasjonsnummeret på den som er feil; " + WEB_RETRY_NB,
            "Merge the customers or correct the organisation number on the wrong one; " + WEB_RETRY_EN,
            "batch",
        ),
    ),
    E(
        "customer_missing_data",
        "Kunde {customer} mangler {field}",
        "Customer {customer} is missing {field}",
        "Tripletex trenger {field} for å opprette kunden.",
        "Tripletex needs {field} to create the customer.",
        "Fyll inn {field} på kunden; " + RETRY_NB,
        "Fill in {field} on the customer; " + RETRY_EN,
        web=W(
            "Fyll inn {field} på kunden; " + WEB_RETRY_NB,
            "Fill in {field} on the customer; " + WEB_RETRY_EN,
            "batch",
        ),
    ),
    E(
        "customer_not_created",
        "Kunde {customer} kunne ikke opprettes i Tripletex: {detail}",
        "Customer {customer} could not be created in Tripletex: {detail}",
        "Tripletex avviste kunden.",
        "Tripletex refused the customer.",
        "Rett kundedataene etter meldingen fra Tripletex; " + RETRY_NB,
        "Correct the customer data as Tripletex's message says; " + RETRY_EN,
        web=W(
            "Rett kundedataene etter meldingen fra Tripletex; " + WEB_RETRY_NB,
            "Correct the customer data as Tripletex's message says; " + WEB_RETRY_EN,
            "batch",
        ),
    ),
    # ---- Products, accounts and VAT ---------------------------------------------------------------
    E(
        "product_not_found",
        "Vare {product} på faktura {invoice} finnes ikke",
        "Product {product} on invoice {invoice} is not found",
        "Fakturalinjen viser til en vare som ikke er registrert.",
        "The invoice line refers to a product that is not registered.",
        "Registrer varen; " + RETRY_NB,
        "Register the product; " + RETRY_EN,
        web=W(
            "Registrer varen; " + WEB_RETRY_NB,
            "Register the product; " + WEB_RETRY_EN,
            "batch",
        ),
    ),
    E(
        "product_class_missing",
        "Vare {product} har ingen varegruppe",
        "Product {product} has no product class",
        "Kontoen en fakturalinje føres på hentes fra varens varegruppe.",
        "The account an invoice line is posted to comes from the product's product class.",
        "Gi varen en varegruppe; " + RETRY_NB,
        "Give the product a product class; " + RETRY_EN,
        web=W(
            "Gi varen en varegruppe; " + WEB_RETRY_NB,
            "Give the product a product class; " + WEB_RETRY_EN,
            "batch",
        ),
    ),
    E(
        "product_class_without_account",
        "Varegruppe {product_class} har ikke noe kontonummer",
        "Product class {product_class} has no account number",
        "Uten kontonummer vet ikke integrasjonen hvilken konto i Tripletex linjen skal føres på.",
        "Without an account number the integration cannot tell which Tripletex account to post the line to.",
        "Sett kontonummeret på varegruppen (det må finnes i kontoplanen i Tripletex); " + RETRY_NB,
        "Set the account number on the product class (it must exist in Tripletex's chart of accounts); "
        + RETRY_EN,
        web=W(
            "Sett kontonummeret på varegruppen (det må finnes i kontoplanen i Tripletex); " + WEB_RETRY_NB,
            "Set the account number on the product class (it must exist in Tripletex's chart of accounts); "
            + WEB_RETRY_EN,
            "batch",
        ),
    ),
    E(
        "product_not_created",
        "Vare {product} kunne ikke opprettes i Tripletex: {detail}",
        "Product {product} could not be created in Tripletex: {detail}",
        "Tripletex avviste varen.",
        "Tripletex refused the product.",
        "Rett varedataene etter meldingen fra Tripletex; " + RETRY_NB,
        "Correct the product data as Tripletex's message says; " + RETRY_EN,
        web=W(
            "Rett varedataene etter meldingen fra Tripletex; " + WEB_RETRY_NB,
            "Correct the product data as Tripletex's message says; " + WEB_RETRY_EN,
            "batch",
        ),
    ),
    E(
        "vat_type_missing_on_account",
        "Konto {account} har ingen mva-kode i Tripletex",
        "Account {account} has no VAT type in Tripletex",
        "Mva på en postering arves fra mva-koden på kontoen i Tripletex; integrasjonen sender ikke "
        "mva-sats selv.",
        "The VAT of a posting is inherited from the VAT type on the account in Tripletex; the integration "
        "does not send a VAT rate itself.",
        "Sett riktig mva-kode på konto {account} i Tripletex (Kontoplan); " + RETRY_NB,
        "Set the right VAT type on account {account} in Tripletex (chart of accounts); " + RETRY_EN,
        web=W(
            "Sett riktig mva-kode på konto {account} i Tripletex (Kontoplan); " + WEB_RETRY_NB,
            "Set the right VAT type on account {account} in Tripletex (chart of accounts); " + WEB_RETRY_EN,
            "batch",
        ),
    ),
    E(
        "vat_code_mismatch",
        "Mva-kode {vat_code} på linjen passer ikke med mva-kode {account_vat_code} på konto {account}",
        "VAT code {vat_code} on the line does not match VAT code {account_vat_code} on account {account}",
        "Tripletex fører da linjen på standardkontoen for mva-kode {vat_code}, ikke på konto {account}.",
        "Tripletex then posts the line to the default account for VAT code {vat_code}, not to account "
        "{account}.",
        "Bruk en varegruppe med en konto som har mva-kode {vat_code}, eller rett mva-koden på kontoen "
        "i Tripletex; " + RETRY_NB,
        "Use a product class whose account has VAT code {vat_code}, or correct the VAT type on the "
        "account in Tripletex; " + RETRY_EN,
        web=W(
            "Bruk en varegruppe med en konto som har mva-kode {vat_code}, eller rett mva-koden på kontoen i "
            "Tripletex; " + WEB_RETRY_NB,
            "Use a product class whose account has VAT code {vat_code}, or correct the VAT type on the "
            "account in Tripletex; " + WEB_RETRY_EN,
            "batch",
        ),
    ),
    E(
        "vat_code_unknown",
        "Mva-kode {vat_code} finnes ikke i Tripletex",
        "VAT code {vat_code} does not exist in Tripletex",
        "Mva-koden på varen eller linjen er ikke en utgående mva-kode Tripletex kjenner.",
        "The VAT code on the product or line is not an output VAT code Tripletex knows.",
        "Bruk en gyldig utgående mva-kode på varen (for eksempel 3, 31, 33, 5 eller 6); " + RETRY_NB,
        "Use a valid output VAT code on the product (for example 3, 31, 33, 5 or 6); " + RETRY_EN,
        web=W(
            "Bruk en gyldig utgående mva-kode på varen (for eksempel 3, 31, 33, 5 eller 6); " + WEB_RETRY_NB,
            "Use a valid output VAT code on the product (for example 3, 31, 33, 5 or 6); " + WEB_RETRY_EN,
            "batch",
        ),
    ),
    # ---- Company and invoice rules ------------------------------------------------------------------
    E(
        "no_bank_account",
        "Selskapet har ikke noe bankkontonummer i Tripletex",
        "The company has no bank account number in Tripletex",
        "Tripletex lager ikke fakturaer før selskapet har et bankkontonummer på bankkontoen (1920).",
        "Tripletex does not create invoices until the company has a bank account number on its bank "
        "ledger account (1920).",
        "Registrer bankkontonummeret i Tripletex (Kontoplan, konto 1920); " + RETRY_NB,
        "Enter the bank account number in Tripletex (chart of accounts, account 1920); " + RETRY_EN,
        web=W(
            "Registrer bankkontonummeret i Tripletex (Kontoplan, konto 1920); " + WEB_RETRY_NB,
            "Enter the bank account number in Tripletex (chart of accounts, account 1920); " + WEB_RETRY_EN,
            "batch",
        ),
    ),
    E(
        "currency_not_supported",
        "Valuta {currency} på faktura {invoice} finnes ikke i Tripletex",
        "Currency {currency} on invoice {invoice} does not exist in Tripletex",
        "Fakturaen bruker en valutakode Tripletex ikke kjenner.",
        "The invoice uses a currency code Tripletex does not know.",
        "Bruk en ISO-valutakode som Tripletex støtter (for eksempel NOK, EUR, SEK).",
        "Use an ISO currency code Tripletex supports (for example NOK, EUR, SEK).",
    ),
    # ---- Batches (the troubleshooter's first checks) ---------------------------------------------------
    E(
        "invoice_not_in_batch",
        "Faktura {invoice} er ikke i noen eksportbunt",
        "Invoice {invoice} is not in any export batch",
        "Fakturaer sendes bare til Tripletex som del av en bunt, og buntavslutning er ikke kjørt for "
        "perioden den hører til.",
        "Invoices only go to Tripletex as part of a batch, and batch close has not been run for its period.",
        "Kjør buntavslutning for perioden {period}: `txbridge batch close --period {period}`.",
        "Run batch close for period {period}: `txbridge batch close --period {period}`.",
        web=W(
            "Avslutt perioden {period} under «Eksportbunter» på tilkoblingen: skriv perioden og trykk "
            "«Avslutt bunt».",
            "Close the period {period} under «Export batches» on the connection: enter the period and press "
            "«Close batch».",
            "batches",
        ),
    ),
    E(
        "invoice_not_ready",
        "Faktura {invoice} er ikke klar for regnskapseksport",
        "Invoice {invoice} is not ready for accounting export",
        "Fakturaen er et utkast; buntavslutning tar bare med ferdige fakturaer.",
        "The invoice is a draft; batch close only takes invoices that are ready.",
        "Ferdigstill fakturaen (status «ready») og kjør buntavslutning på nytt.",
        "Finish the invoice (status \u201cready\u201d) and run batch close again.",
    ),
    E(
        "invoice_outside_period",
        "Faktura {invoice} er datert i {invoice_period}, utenfor perioden {period}",
        "Invoice {invoice} is dated in {invoice_period}, outside the period {period}",
        "Buntavslutning tar bare med fakturaer med fakturadato i perioden som eksporteres.",
        "Batch close only takes invoices whose invoice date is inside the period being exported.",
        "Kjør buntavslutning for {invoice_period}, eller rett fakturadatoen.",
        "Run batch close for {invoice_period}, or correct the invoice date.",
    ),
    E(
        "batch_not_exported",
        "Bunt {batch} er ikke eksportert (status: {status})",
        "Batch {batch} is not exported (status: {status})",
        "En faktura i en bunt sendes ikke til Tripletex før bunten eksporteres.",
        "An invoice in a batch is not sent to Tripletex until the batch is exported.",
        "Eksporter bunten: `txbridge batch export {batch}`; har den feilet, se feilmeldingen på posteringen.",
        "Export the batch: `txbridge batch export {batch}`; if it failed, look at the error message on "
        "the posting.",
        web=W(
            "Trykk «Eksporter» på bunten; har den feilet, se feilmeldingen på posteringen.",
            "Press «Export» on the batch; if it failed, see the message on the posting.",
            "batch",
        ),
    ),
    E(
        "no_invoices_ready",
        "Ingen ferdige fakturaer i perioden {period} som ikke allerede er i en bunt",
        "No ready invoices in period {period} that are not already in a batch",
        "Alle fakturaene i perioden er utkast, ligger i en bunt fra før, eller har dato i en annen periode.",
        "Every invoice in the period is a draft, is already in a batch, or is dated in another period.",
        "Sjekk hver faktura med `txbridge diagnose invoice` og fakturanummeret.",
        "Check each invoice with `txbridge diagnose invoice` and its number.",
        web=W(
            "Sjekk hver faktura under «Finn en faktura»: skriv fakturanummeret og trykk «Hvorfor?».",
            "Check each invoice under «Find an invoice»: enter the invoice number and press «Why?».",
            "invoices",
        ),
    ),
    E(
        "batch_not_found",
        "Bunt {batch} finnes ikke",
        "Batch {batch} does not exist",
        "Det er ingen eksportbunt med dette nummeret for tilkoblingen.",
        "There is no export batch with this number for the connection.",
        "Se buntene med `txbridge batch show`.",
        "List the batches with `txbridge batch show`.",
        web=W(
            "Se buntene under «Eksportbunter» på tilkoblingen.",
            "See the batches under «Export batches» on the connection.",
            "batches",
        ),
    ),
    E(
        "reference_cleared",
        "Referansen til faktura {invoice} er fjernet og bunt {batch} tilbakestilt av {administrator}",
        "The reference of invoice {invoice} was cleared and batch {batch} reset by {administrator}",
        "En administrator ba om at fakturaen skal eksporteres på nytt.",
        "An administrator asked for the invoice to be exported again.",
        "Pass på at den gamle fakturaen er kreditert i Tripletex, og kjør `txbridge batch reset {batch}` og "
        "deretter `txbridge batch export {batch}`.",
        "Make sure the old invoice is credited in Tripletex, then run `txbridge batch reset {batch}` and "
        "then `txbridge batch export {batch}`.",
        web=W(
            "Pass på at den gamle fakturaen er kreditert i Tripletex, og trykk «Tilbakestill bunten» og "
            "deretter «Eksporter» på bunten.",
            "Make sure the old invoice is credited in Tripletex, and press «Reset the batch» and then "
            "«Export» on the batch.",
            "batch",
        ),
    ),
    # ---- Connection and the API ----------------------------------------------------------------------
    E(
        "token_expired",
        "Ansattnøkkelen utløp {expires_on}",
        "The employee token expired on {expires_on}",
        "Ansattnøkler i Tripletex har en fast utløpsdato; etter den stopper integrasjonen.",
        "Tripletex employee tokens have a fixed expiry date; after it the integration stops.",
        "Lag en ny ansattnøkkel i Tripletex (API-tilgang), lim den inn med `txbridge connect` og test "
        "tilkoblingen.",
        "Make a new employee token in Tripletex (API access), paste it with `txbridge connect` and test "
        "the connection.",
        web=W(
            "Lag en ny ansattnøkkel i Tripletex (API-tilgang), lim den inn under «Bytt nøkkel» på "
            "tilkoblingen og trykk «Test tilkobling».",
            "Make a new employee token in Tripletex (API access), paste it under «Rotate the token» on the "
            "connection and press «Test connection».",
            "rotate",
        ),
    ),
    E(
        "token_expires_soon",
        "Ansattnøkkelen utløper {expires_on} (om {days_left} dager)",
        "The employee token expires on {expires_on} ({days_left} days left)",
        "Ansattnøkler i Tripletex har en fast utløpsdato; etter den stopper integrasjonen.",
        "Tripletex employee tokens have a fixed expiry date; after it the integration stops.",
        "Lag en ny ansattnøkkel i Tripletex (API-tilgang) før {expires_on} og lim den inn med "
        "`txbridge connect`.",
        "Make a new employee token in Tripletex (API access) before {expires_on} and paste it with "
        "`txbridge connect`.",
        web=W(
            "Lag en ny ansattnøkkel i Tripletex (API-tilgang) før {expires_on} og lim den inn under «Bytt "
            "nøkkel» på tilkoblingen.",
            "Make a new employee token in Tripletex (API access) before {expires_on} and paste it under "
            "«Rotate the token» on the connection.",
            "rotate",
        ),
    ),
    E(
        "connection_pending_approval",
        "Tilkoblingen {connection} venter på godkjenning",
        "Connection {connection} is waiting for approval",
        "En ny tilkobling sender ingenting før den er testet og godkjent.",
        "A new connection sends nothing until it has been tested and approved.",
        "Godkjenn tilkoblingen med `txbridge connection approve -c {connection}`.",
        "Approve the connection with `txbridge connection approve -c {connection}`.",
        web=W(
            "En administrator godkjenner tilkoblingen med «Godkjenn» på tilkoblingens side.",
            "An administrator approves the connection with «Approve» on the connection's page.",
            "connection",
        ),
    ),
    E(
        "connection_not_found",
        "Tilkoblingen {connection} finnes ikke",
        "Connection {connection} does not exist",
        "Det er ikke satt opp noen tilkobling med dette navnet.",
        "No connection with this name has been set up.",
        "Koble til med `txbridge connect`, eller bruk et navn fra `txbridge connection show`.",
        "Connect with `txbridge connect`, or use a name from `txbridge connection show`.",
        web=W(
            "Velg en tilkobling under «Tilkoblinger», eller koble til med «Koble til et Tripletex-selskap».",
            "Choose a connection under «Connections», or connect with «Connect a Tripletex company».",
            "connections",
        ),
    ),
    E(
        "client_company_not_accessible",
        "Ansattnøkkelen gir ikke tilgang til selskap {company_id}",
        "The employee token gives no access to company {company_id}",
        "Tilkoblingen bruker et klientselskap som brukeren bak nøkkelen ikke har innloggingstilgang til.",
        "The connection uses a client company that the token's user has no login access to.",
        "Velg et selskap brukeren har tilgang til (0 = eget selskap), eller gi tilgang i Tripletex.",
        "Pick a company the user can access (0 = own company), or grant access in Tripletex.",
    ),
    E(
        "permission_denied",
        "Tripletex nektet tilgang: {detail}",
        "Tripletex denied access: {detail}",
        "Brukeren som eier ansattnøkkelen mangler rettigheter, eller selskapet mangler modulen.",
        "The user who owns the employee token lacks the rights, or the company lacks the module.",
        "Gi brukeren rettighetene (eller lag nøkkelen med «Alle tilganger») i Tripletex.",
        "Give the user the rights (or make the token with \u201cAll entitlements\u201d) in Tripletex.",
    ),
    E(
        "api_unreachable",
        "Får ikke kontakt med Tripletex: {detail}",
        "Cannot reach Tripletex: {detail}",
        "Nettverket eller Tripletex svarer ikke.",
        "The network or Tripletex does not answer.",
        "Sjekk nettverket og kjør `txbridge batch export {batch}` igjen senere; ingenting sendes dobbelt, "
        "eksporten fortsetter der den slapp.",
        "Check the network and run `txbridge batch export {batch}` again later; nothing is sent twice, the "
        "export continues where it stopped.",
        fix_for=_again(
            "Sjekk nettverket og adressen (--base-url), og {again}.",
            "Check the network and the address (--base-url), and {again}.",
        ),
        web=W(
            "Sjekk nettverket og trykk «Eksporter» på bunten igjen senere; ingenting sendes dobbelt, "
            "eksporten fortsetter der den slapp.",
            "Check the network and press «Export» on the batch again later; nothing is sent twice, the "
            "export continues where it stopped.",
            "batch",
        ),
    ),
    E(
        "connection_base_url_not_allowed",
        "Adressen {url} er ikke en Tripletex-adresse denne installasjonen kan bruke",
        "The address {url} is not a Tripletex address this installation may use",
        "Bare Tripletex' egne adresser, sandkassen på denne maskinen og vertene i "
        "TXBRIDGE_ALLOWED_API_HOSTS godtas, så en tilkobling ikke kan få serveren til å kalle vilkårlige "
        "adresser.",
        "Only Tripletex's own addresses, the sandbox on this machine and the hosts in "
        "TXBRIDGE_ALLOWED_API_HOSTS are accepted, so a connection cannot make the server call arbitrary "
        "addresses.",
        "Bruk miljøet uten egen adresse, eller be driftsansvarlig legge verten til i "
        "TXBRIDGE_ALLOWED_API_HOSTS.",
        "Use the environment without an address of your own, or ask the operator to add the host to "
        "TXBRIDGE_ALLOWED_API_HOSTS.",
    ),
    E(
        "connection_settings_invalid",
        "Tilkoblingen kan ikke brukes: {reason}",
        "The connection cannot be used: {reason}",
        "Innstillingene ble kontrollert før noe ble sendt til Tripletex (ofte en nøkkel som er limt inn "
        "med mellomrom eller bare delvis).",
        "The settings were checked before anything was sent to Tripletex (often a token pasted with "
        "spaces or only in part).",
        "Rett det meldingen sier, og kjør `txbridge connect` igjen; kopier hele nøkkelen fra API-tilgang i "
        "Tripletex.",
        "Correct what the message says and run `txbridge connect` again; copy the whole token from API "
        "access in Tripletex.",
        web=W(
            "Rett det meldingen sier, og lagre tilkoblingen på nytt; kopier hele nøkkelen fra API-tilgang i "
            "Tripletex.",
            "Correct what the message says and save the connection again; copy the whole token from API "
            "access in Tripletex.",
            "connections",
        ),
    ),
    E(
        "tripletex_server_error",
        "Tripletex svarte med en intern feil ({status})",
        "Tripletex answered with an internal error ({status})",
        "Feil hos Tripletex, ikke i dataene.",
        "An error at Tripletex, not in the data.",
        "Kjør `txbridge batch export {batch}` igjen senere; gjentar det seg, kontakt Tripletex med "
        "forespørsels-id {request_id}.",
        "Run `txbridge batch export {batch}` again later; if it keeps happening, contact Tripletex with "
        "request id {request_id}.",
        fix_for=_again(
            "Vent litt og {again}; gjentar det seg, kontakt Tripletex med forespørsels-id {request_id}.",
            "Wait a moment and {again}; if it keeps happening, contact Tripletex with request id "
            "{request_id}.",
        ),
        web=W(
            "Trykk «Eksporter» på bunten igjen senere; gjentar det seg, kontakt Tripletex med "
            "forespørsels-id {request_id}.",
            "Press «Export» on the batch again later; if it happens again, contact Tripletex with request "
            "id {request_id}.",
            "batch",
        ),
    ),
    E(
        "outcome_unknown",
        "Usikkert om faktura {invoice} kom fram til Tripletex; avstemmer",
        "Unsure whether invoice {invoice} reached Tripletex; reconciling",
        "Forbindelsen ble brutt eller prosessen stoppet etter at fakturaen ble sendt, før svaret kom.",
        "The connection broke or the process stopped after the invoice was sent, before the answer came.",
        "Kjør `txbridge batch export {batch}` igjen om litt: den søker etter fakturaen i Tripletex før den "
        "sender noe på nytt.",
        "Run `txbridge batch export {batch}` again in a moment: it looks for the invoice in Tripletex before "
        "it sends anything again.",
        web=W(
            "Trykk «Eksporter» på bunten igjen om litt: den søker etter fakturaen i Tripletex før den "
            "sender noe på nytt.",
            "Press «Export» on the batch again in a while: it looks for the invoice in Tripletex before it "
            "sends anything again.",
            "batch",
        ),
    ),
    E(
        "tripletex_validation_error",
        "Tripletex avviste {object}: {detail}",
        "Tripletex refused {object}: {detail}",
        "Dataene bryter en regel i Tripletex.",
        "The data breaks a rule in Tripletex.",
        "Rett dataene etter meldingen fra Tripletex; " + RETRY_NB,
        "Correct the data as Tripletex's message says; " + RETRY_EN,
        web=W(
            "Rett dataene etter meldingen fra Tripletex; " + WEB_RETRY_NB,
            "Correct the data as Tripletex's message says; " + WEB_RETRY_EN,
            "batch",
        ),
    ),
    E(
        "invoice_server_error",
        "Tripletex svarte med en intern feil (500) for faktura {invoice} hver gang",
        "Tripletex answered with an internal error (500) for invoice {invoice} every time",
        "Tripletex tok imot de andre fakturaene, men feiler på noe i dataene til denne (en verdi Tripletex "
        "ikke håndterer).",
        "Tripletex accepted the other invoices but fails on something in this one's data (a value Tripletex "
        "does not handle).",
        "Sjekk fakturaen (kunde, linjer, tekster, beløp) mot Tripletex, og kontakt Tripletex-support om den "
        "ser riktig ut; " + RETRY_NB,
        "Check the invoice (customer, lines, texts, amounts) against Tripletex, and contact Tripletex "
        "support if it looks right; " + RETRY_EN,
        web=W(
            "Sjekk fakturaen (kunde, linjer, tekster, beløp) mot Tripletex, og kontakt Tripletex-support om "
            "den ser riktig ut; " + WEB_RETRY_NB,
            "Check the invoice (customer, lines, texts, amounts) against Tripletex, and contact Tripletex "
            "support if it looks right; " + WEB_RETRY_EN,
            "batch",
        ),
    ),
    E(
        "tripletex_conflict",
        "{object} ble endret i Tripletex samtidig",
        "{object} was changed in Tripletex at the same time",
        "Versjonen i Tripletex er nyere enn den integrasjonen kjente.",
        "The version in Tripletex is newer than the one the integration knew.",
        "Ingenting å rette: kjør `txbridge batch reset {batch}` og deretter `txbridge batch export {batch}`; "
        "integrasjonen henter siste versjon først.",
        "Nothing to correct: run `txbridge batch reset {batch}` and then `txbridge batch export {batch}`; "
        "the integration fetches the latest version first.",
        web=W(
            "Ingenting å rette: trykk «Tilbakestill bunten» og deretter «Eksporter» på bunten; "
            "integrasjonen henter siste versjon først.",
            "Nothing to correct: press «Reset the batch» and then «Export» on the batch; the integration "
            "fetches the latest version first.",
            "batch",
        ),
    ),
    E(
        "tripletex_retry",
        "Tripletex svarte ikke som ventet; forsøker på nytt om {seconds} sekunder",
        "Tripletex did not answer as expected; trying once more in {seconds} seconds",
        "Et nettverksbrudd eller en midlertidig feil hos Tripletex; bare forespørsler som trygt kan "
        "gjentas sendes igjen.",
        "A network break or a passing error at Tripletex; only requests that are safe to repeat are sent "
        "again.",
        "Ingenting å gjøre; ingenting sendes dobbelt.",
        "Nothing to do; nothing is sent twice.",
    ),
    E(
        "rate_limit_pause",
        "API-grensen er nådd; eksporten venter {seconds} sekunder og fortsetter",
        "API limit reached; the export waits {seconds} seconds and resumes",
        "Tripletex begrenser antall kall per ansattnøkkel per periode.",
        "Tripletex limits the number of calls per employee token per period.",
        "Ingenting å gjøre; bunten feiler ikke av dette.",
        "Nothing to do; the batch does not fail because of this.",
    ),
    # ---- One export at a time, and waits inside one export run --------------------------------------
    E(
        "export_already_running",
        "En annen eksport av bunt {batch} kjører allerede ({holder}, prosess {pid} på {host}, siden {since})",
        "Another export of batch {batch} is already running ({holder}, process {pid} on {host}, "
        "since {since})",
        "To eksporter av samme bunt samtidig kunne sende samme faktura to ganger, så denne startet ikke og "
        "endret ingenting.",
        "Two exports of one batch at once could send an invoice twice, so this one did not start and "
        "changed nothing.",
        "Vent til den andre eksporten er ferdig; `txbridge batch show {batch}` viser framdriften. Er den "
        "andre prosessen stoppet, kan `txbridge batch export {batch}` overta bunten etter "
        "{stale_after} sekunder.",
        "Wait for the other export to finish; `txbridge batch show {batch}` shows its progress. If the other "
        "process has stopped, `txbridge batch export {batch}` can take the batch over after "
        "{stale_after} seconds.",
        web=W(
            "Vent til den andre eksporten er ferdig; bunten viser framdriften. Er den andre prosessen "
            "stoppet, kan «Eksporter» på bunten overta etter {stale_after} sekunder.",
            "Wait until the other export has finished; the batch shows its progress. If the other process "
            "has stopped, «Export» on the batch can take over after {stale_after} seconds.",
            "batch",
        ),
    ),
    E(
        "export_waiting_for_grace",
        "Venter {seconds} sekunder på {count} fakturaer som kanskje fortsatt er på vei til Tripletex",
        "Waiting {seconds} seconds for {count} invoices that may still be on their way to Tripletex",
        "Svaret på en sending uteble; før noe sendes på nytt må det være sikkert at den første sendingen "
        "ikke kom fram. De andre fakturaene sendes i mellomtiden.",
        "The answer to a send did not come; before anything is sent again it must be certain that the "
        "first send did not arrive. The other invoices go meanwhile.",
        "Ingenting å gjøre; eksporten slår dem opp i Tripletex og sender bare det som mangler.",
        "Nothing to do; the export looks them up in Tripletex and sends only what is missing.",
    ),
    E(
        "tripletex_outage_wait",
        "Tripletex kan ikke nås nå ({detail}); eksporten prøver igjen om {seconds} sekunder",
        "Tripletex cannot be reached now ({detail}); the export tries again in {seconds} seconds",
        "Et brudd i nettet eller en forbigående feil hos Tripletex.",
        "A network break or a passing fault at Tripletex.",
        "Ingenting å gjøre ennå; varer bruddet mer enn {bound} sekunder, stopper eksporten, og "
        "`txbridge batch export {batch}` fortsetter der den slapp.",
        "Nothing to do yet; if the break lasts more than {bound} seconds the export stops, and "
        "`txbridge batch export {batch}` continues where it stopped.",
        web=W(
            "Ingenting å gjøre ennå; varer bruddet mer enn {bound} sekunder, stopper eksporten, og "
            "«Eksporter» på bunten fortsetter der den slapp.",
            "Nothing to do yet; if the outage lasts more than {bound} seconds, the export stops, and "
            "«Export» on the batch continues where it stopped.",
            "batch",
        ),
    ),
    # ---- Intake -----------------------------------------------------------------------------------------
    E(
        "intake_invalid_field",
        "{item}: feltet {field} er ugyldig ({reason})",
        "{item}: field {field} is invalid ({reason})",
        "Verdien følger ikke formatet integrasjonen trenger.",
        "The value does not have the format the integration needs.",
        "Rett {field} på {item} og importer på nytt.",
        "Correct {field} on {item} and import again.",
    ),
    E(
        "intake_invalid_organization_number",
        "{item}: organisasjonsnummer {value} er ikke gyldig",
        "{item}: organisation number {value} is not valid",
        "Et norsk organisasjonsnummer har ni sifre, begynner på 8 eller 9 og har kontrollsiffer (mod 11).",
        "A Norwegian organisation number has nine digits, starts with 8 or 9 and has a check digit (mod 11).",
        "Slå opp riktig nummer i Enhetsregisteret (brreg.no), eller la feltet stå tomt for privatpersoner.",
        "Look up the right number in the Central Coordinating Register (brreg.no), or leave it empty for "
        "private persons.",
    ),
    E(
        "intake_unknown_reference",
        "{item}: {field} {reference} finnes ikke",
        "{item}: {field} {reference} does not exist",
        "Elementet viser til noe som verken er i filen eller allerede registrert.",
        "The item refers to something that is neither in the file nor already registered.",
        "Importer {reference} først, eller rett {field}.",
        "Import {reference} first, or correct {field}.",
    ),
    E(
        "intake_vat_code_unknown",
        "{item}: mva-kode {vat_code} er ikke en utgående mva-kode",
        "{item}: VAT code {vat_code} is not an output VAT code",
        "Salg må ha en utgående mva-kode fra Tripletex (mva-nummeret, ikke id-en).",
        "Sales need an output VAT code from Tripletex (its VAT number, not its id).",
        "Bruk en av {allowed}.",
        "Use one of {allowed}.",
    ),
    E(
        "intake_invoice_in_batch",
        "{item}: fakturaen kan ikke endres fordi den er i bunt {batch}",
        "{item}: the invoice cannot be changed because it is in batch {batch}",
        "En faktura i en bunt er låst, så det som eksporteres er det som ble avsluttet.",
        "An invoice in a batch is locked, so what is exported is what was closed.",
        "Lag en ny faktura i stedet, eller be en administrator ta den ut av bunt {batch}.",
        "Make a new invoice instead, or ask an administrator to take it out of batch {batch}.",
    ),
    E(
        "intake_invoice_exported",
        "{item}: fakturaen kan ikke endres fordi den er eksportert (Tripletex-faktura {tripletex_number})",
        "{item}: the invoice cannot be changed because it is exported (Tripletex invoice {tripletex_number})",
        "En eksportert faktura er bokført i Tripletex og endres ikke herfra.",
        "An exported invoice is booked in Tripletex and is not changed from here.",
        "Krediter fakturaen i Tripletex og lag en ny faktura med et nytt nummer.",
        "Credit the invoice in Tripletex and make a new invoice with a new number.",
    ),
    E(
        "intake_duplicate_in_file",
        "{item}: finnes flere ganger i filen",
        "{item}: appears more than once in the file",
        "Samme nummer står to ganger i filen; det er uklart hvilken som gjelder.",
        "The same number appears twice in the file; it is unclear which one is meant.",
        "Fjern duplikatet og importer på nytt.",
        "Remove the duplicate and import again.",
    ),
    # ---- Running many workers: the token key and the database schema -----------------------------
    E(
        "secret_key_required",
        "Nøkkelen for tokens må settes i TXBRIDGE_SECRET_KEY ({reason})",
        "The token key must be set in TXBRIDGE_SECRET_KEY ({reason})",
        "Flere prosesser, kanskje på flere maskiner, deler databasen; en nøkkelfil laget på den maskinen "
        "som startet først ville ikke passe for de andre.",
        "Several processes, perhaps on several machines, share the database; a key file made on whichever "
        "machine started first would not fit the others.",
        "Lag en nøkkel med `txbridge secrets new-key`, og sett den som TXBRIDGE_SECRET_KEY for alle "
        "prosessene (flytter du fra SQLite, bruk innholdet i .txbridge/secret.key).",
        "Make a key with `txbridge secrets new-key` and set it as TXBRIDGE_SECRET_KEY for every process "
        "(moving from SQLite, use the contents of .txbridge/secret.key).",
        web=W(
            "Be driftsansvarlig lage en nøkkel for tokens og sette den som TXBRIDGE_SECRET_KEY for alle "
            "prosessene.",
            "Ask the operator to make a key for tokens and set it as TXBRIDGE_SECRET_KEY for every process.",
            None,
        ),
    ),
    E(
        "secret_key_does_not_fit",
        "Tokenene til tilkoblingen {connection} kan ikke dekrypteres med noen av nøklene",
        "The tokens of connection {connection} cannot be decrypted with any of the keys",
        "Tokenene ble kryptert med en nøkkel som verken er TXBRIDGE_SECRET_KEY eller i "
        "TXBRIDGE_OLD_SECRET_KEYS.",
        "The tokens were encrypted with a key that is neither TXBRIDGE_SECRET_KEY nor in "
        "TXBRIDGE_OLD_SECRET_KEYS.",
        "Legg den gamle nøkkelen til i TXBRIDGE_OLD_SECRET_KEYS og kjør `txbridge secrets rotate` igjen, "
        "eller lim inn tokenene på nytt med `txbridge connect`.",
        "Add the old key to TXBRIDGE_OLD_SECRET_KEYS and run `txbridge secrets rotate` again, or paste "
        "the tokens again with `txbridge connect`.",
        web=W(
            "Be driftsansvarlig legge den gamle nøkkelen til i TXBRIDGE_OLD_SECRET_KEYS og bytte nøklene på "
            "nytt, eller lim inn tokenene igjen under «Bytt nøkkel» på tilkoblingen.",
            "Ask the operator to add the old key to TXBRIDGE_OLD_SECRET_KEYS and rotate the keys again, or "
            "paste the tokens again under «Rotate the token» on the connection.",
            "rotate",
        ),
    ),
    E(
        "secrets_rotated",
        "Tokenene til {count} tilkoblinger er kryptert på nytt med den nye nøkkelen",
        "The tokens of {count} connections are encrypted again with the new key",
        "`txbridge secrets rotate` leser med alle nøklene og skriver med TXBRIDGE_SECRET_KEY.",
        "`txbridge secrets rotate` reads with every key and writes with TXBRIDGE_SECRET_KEY.",
        "Når alle prosessene bruker den nye nøkkelen, kan TXBRIDGE_OLD_SECRET_KEYS fjernes.",
        "Once every process uses the new key, TXBRIDGE_OLD_SECRET_KEYS can be removed.",
    ),
    E(
        "database_not_upgraded",
        "Databasen har ikke skjemaet denne versjonen trenger (den er på {current}, trenger {head})",
        "The database does not have the schema this version needs (it is at {current}, needs {head})",
        "På PostgreSQL oppgraderes databasen bare med en egen kommando, så ikke mange prosesser gjør det "
        "samtidig.",
        "On PostgreSQL the database is upgraded only by a command of its own, so that many processes do "
        "not do it at once.",
        "Kjør `txbridge db upgrade` én gang (fra én maskin), og start så kommandoen eller arbeiderne igjen.",
        "Run `txbridge db upgrade` once (from one machine), then start the command or the workers again.",
        web=W(
            WEB_UPGRADE_NB,
            WEB_UPGRADE_EN,
            None,
        ),
    ),
    E(
        "database_schema_unknown",
        "Databasen er på en skjemaversjon ({current}) som denne versjonen ikke kjenner",
        "The database is at a schema version ({current}) this version does not know",
        "En nyere versjon av Tripletex Bridge har oppgradert databasen.",
        "A newer version of Tripletex Bridge has upgraded the database.",
        "Oppgrader Tripletex Bridge på denne maskinen til samme versjon som de andre.",
        "Upgrade Tripletex Bridge on this machine to the same version as the others.",
    ),
    E(
        "database_upgraded",
        "Databasen er oppgradert til {head} (var {previous})",
        "The database is upgraded to {head} (was {previous})",
        "`txbridge db upgrade` har kjørt migreringene som manglet.",
        "`txbridge db upgrade` ran the migrations that were missing.",
        "Start kommandoene og arbeiderne.",
        "Start the commands and the workers.",
    ),
    E(
        "intake_bad_file",
        "Filen {path} kan ikke leses: {reason}",
        "The file {path} cannot be read: {reason}",
        "Filen er ikke gyldig JSON eller CSV i formatet importen forventer.",
        "The file is not valid JSON or CSV in the format the import expects.",
        "Se eksempelfilen src/txbridge/samples/demo.json og formatet i README.",
        "See the sample file src/txbridge/samples/demo.json and the format in the README.",
    ),
    # ---- The admin web app: users and sign-in ----------------------------------------------------
    E(
        "sign_in_failed",
        "Feil brukernavn eller passord",
        "Wrong username or password",
        "Brukernavnet finnes ikke, brukeren er deaktivert, eller passordet er feil.",
        "The username does not exist, the user is deactivated, or the password is wrong.",
        "Sjekk brukernavn og passord. En administrator kan sette nytt passord med "
        "`txbridge user add BRUKER --password-reset`.",
        "Check the username and password. An administrator can set a new password with "
        "`txbridge user add USER --password-reset`.",
        web=W(
            "Sjekk brukernavn og passord. Har du glemt passordet, be driftsansvarlig sette et nytt.",
            "Check the user name and password. If you forgot the password, ask the operator to set a new "
            "one.",
            None,
        ),
    ),
    E(
        "sign_in_throttled",
        "For mange mislykkede innlogginger; prøv igjen om {seconds} sekunder",
        "Too many failed sign-ins; try again in {seconds} seconds",
        "Innlogging er bremset etter flere feil passord på rad for denne brukeren eller adressen.",
        "Sign-in is slowed down after several wrong passwords in a row for this user or address.",
        "Vent til tiden har gått, og logg inn med riktig passord.",
        "Wait until the time has passed, and sign in with the right password.",
    ),
    E(
        "user_exists",
        "Brukeren {username} finnes allerede",
        "The user {username} already exists",
        "Brukernavn er unike.",
        "Usernames are unique.",
        "Velg et annet brukernavn, eller sett nytt passord med "
        "`txbridge user add {username} --password-reset`.",
        "Pick another username, or set a new password with `txbridge user add {username} --password-reset`.",
        web=W(
            "Velg et annet brukernavn; skal {username} få nytt passord, be driftsansvarlig sette det.",
            "Choose another user name; if {username} needs a new password, ask the operator to set it.",
            "users",
        ),
    ),
    E(
        "user_not_found",
        "Brukeren {username} finnes ikke",
        "The user {username} does not exist",
        "Det er ingen bruker med dette navnet.",
        "There is no user with this name.",
        "Lag brukeren med `txbridge user add {username}`.",
        "Make the user with `txbridge user add {username}`.",
        web=W(
            "Legg til brukeren under «Brukere» («Legg til en bruker»).",
            "Add the user under «Users» («Add a user»).",
            "users",
        ),
    ),
    E(
        "user_invalid",
        "Brukeren kan ikke lagres: {reason}",
        "The user cannot be saved: {reason}",
        "Brukernavn eller passord oppfyller ikke kravene.",
        "The username or password does not meet the requirements.",
        "Brukernavn: 1–100 tegn uten mellomrom. Passord: minst {min_length} tegn.",
        "Username: 1–100 characters without spaces. Password: at least {min_length} characters.",
    ),
    E(
        "form_expired",
        "Skjemaet ble avvist fordi sikkerhetsnøkkelen mangler eller er utløpt",
        "The form was refused because its security token is missing or has expired",
        "Hvert skjema bærer en nøkkel som hører til innloggingen (vern mot forfalskede forespørsler); "
        "den manglet eller passet ikke.",
        "Every form carries a token that belongs to the sign-in (protection against forged requests); "
        "it was missing or did not match.",
        "Last siden på nytt og send skjemaet igjen; logg inn på nytt om det ikke hjelper.",
        "Reload the page and send the form again; sign in again if that does not help.",
    ),
    E(
        "admin_only",
        "Bare en administrator kan gjøre dette",
        "Only an administrator can do this",
        "Handlingen (godkjenne, rotere nøkler, tilbakestille bunter, fjerne referanser, styre brukere) "
        "er forbeholdt rollen admin.",
        "The action (approve, rotate tokens, reset batches, clear references, manage users) is kept for "
        "the admin role.",
        "Be en administrator om å gjøre det, eller om å gi deg rollen admin.",
        "Ask an administrator to do it, or to give you the admin role.",
    ),
    E(
        "web_action",
        "{action} (av {administrator})",
        "{action} (by {administrator})",
        "En handling gjort i admin-nettappen, logget med hvem som gjorde den.",
        "An action done in the admin web app, logged with who did it.",
        "Ingenting å gjøre.",
        "Nothing to do.",
    ),
    E(
        "connection_name_taken",
        "Det finnes allerede en tilkobling som heter {connection}",
        "There is already a connection named {connection}",
        "Veiviseren lager nye tilkoblinger; nøklene til en som finnes byttes på dens egen side.",
        "The wizard makes new connections; the tokens of an existing one are replaced on its own page.",
        "Velg et annet navn, eller la en administrator bytte nøkkel på tilkoblingens side.",
        "Pick another name, or let an administrator rotate the token on the connection's page.",
    ),
    # ---- Intake: reading the file (the whole file is refused; nothing is imported) ----------------
    E(
        "intake_file_unreadable",
        "Filen {path} kan ikke åpnes: {reason}",
        "The file {path} cannot be opened: {reason}",
        "Filen finnes ikke der, er en mappe, eller brukeren som kjører txbridge har ikke lesetilgang.",
        "The file is not there, is a folder, or the user running txbridge may not read it.",
        "Sjekk stien og tilgangen til {path}, og kjør `txbridge import` på nytt.",
        "Check the path of {path} and the permission to read it, and run `txbridge import` again.",
        web=W(
            "Sjekk filen og tilgangen til {path}, og importer den på nytt.",
            "Check the file and the access to {path}, and import it again.",
            None,
        ),
    ),
    E(
        "intake_file_too_large",
        "Filen {path} er for stor ({size}; grensen er {limit})",
        "The file {path} is too large ({size}; the limit is {limit})",
        "Hele filen leses inn i minnet, så en fil over grensen avvises før den leses.",
        "The whole file is read into memory, so a file beyond the limit is refused before it is read.",
        "Del filen i flere mindre filer (for eksempel én per måned) og importer dem hver for seg.",
        "Split the file into smaller files (for example one per month) and import each of them.",
    ),
    E(
        "intake_file_not_text",
        "Filen {path} er ikke tekst i {encoding} (byte {offset} kan ikke leses)",
        "The file {path} is not text in {encoding} (byte {offset} cannot be read)",
        "Importen leser UTF-8 (med eller uten BOM) og UTF-16 med BOM; annen tekst leses som "
        "Windows-1252, og noen byte finnes ikke der. Filen er trolig ikke en tekstfil.",
        "The import reads UTF-8 (with or without BOM) and UTF-16 with BOM; other text is read as "
        "Windows-1252, where some bytes do not exist. The file is probably not a text file.",
        "Lagre filen som «CSV UTF-8» eller JSON fra programmet som laget den, og importer på nytt.",
        "Save the file as «CSV UTF-8» or JSON from the program that made it, and import again.",
    ),
    E(
        "intake_file_binary",
        "Filen {path} er ikke en tekstfil (NUL-tegn ved tegn {offset})",
        "The file {path} is not a text file (a NUL character at character {offset})",
        "En tekstfil inneholder aldri NUL-tegn; dette er trolig et regneark (.xlsx), et bilde eller "
        "UTF-16 uten BOM.",
        "A text file never holds NUL characters; this is probably a workbook (.xlsx), a picture or "
        "UTF-16 without a BOM.",
        "Lagre regnearket som CSV (helst «CSV UTF-8») og importer CSV-filen.",
        "Save the spreadsheet as CSV (preferably «CSV UTF-8») and import the CSV file.",
    ),
    E(
        "intake_file_too_deep",
        "Filen {path} har JSON nøstet dypere enn {limit} nivåer",
        "The file {path} has JSON nested deeper than {limit} levels",
        "Importformatet trenger bare noen få nivåer; så dyp nøsting er en feil eller en fiendtlig fil.",
        "The import format needs only a few levels; nesting this deep is a mistake or a hostile file.",
        "Lag filen i formatet som er beskrevet i README (importformat), og importer på nytt.",
        "Make the file in the format the README describes (import format), and import again.",
    ),
    E(
        "intake_json_invalid",
        "Filen {path} er ikke gyldig JSON (linje {line}, tegn {column})",
        "The file {path} is not valid JSON (line {line}, character {column})",
        "JSON-teksten stopper eller har et tegn som ikke hører hjemme der (ofte komma eller anførselstegn).",
        "The JSON text ends early or has a character that does not belong there (often a comma or quote).",
        "Rett linje {line} i {path} og importer på nytt.",
        "Correct line {line} of {path} and import again.",
    ),
    E(
        "intake_json_shape",
        "Filen {path} har ikke formen importen forventer",
        "The file {path} does not have the shape the import expects",
        "En JSON-fil er ett objekt med listene productClasses, customers, products og invoices "
        "(eller én liste med --kind).",
        "A JSON file is one object with the lists productClasses, customers, products and invoices "
        "(or one list with --kind).",
        "Se formatet i README (importformat) og eksempelfilen src/txbridge/samples/demo.json.",
        "See the format in the README (import format) and the sample src/txbridge/samples/demo.json.",
    ),
    E(
        "intake_json_list_needs_kind",
        "Filen {path} er én liste, og da må typen oppgis",
        "The file {path} is a single list, so its kind must be given",
        "En liste alene sier ikke om den inneholder kunder, varer, varegrupper eller fakturaer.",
        "A list alone does not say whether it holds customers, products, product classes or invoices.",
        "Kjør `txbridge import {path} --kind customers` (eller products, productClasses, invoices).",
        "Run `txbridge import {path} --kind customers` (or products, productClasses, invoices).",
        web=W(
            "Oppgi typen (customers, products, productClasses eller invoices) når filen importeres.",
            "Give the kind (customers, products, productClasses or invoices) when the file is imported.",
            None,
        ),
    ),
    E(
        "intake_json_unknown_kinds",
        "Filen {path} har ukjente lister: {keys}",
        "The file {path} has unknown lists: {keys}",
        "Importen kjenner bare listene {allowed} (navnene skilles på store og små bokstaver).",
        "The import knows only the lists {allowed} (the names are case-sensitive).",
        "Gi listene navnene {allowed}, eller fjern {keys}.",
        "Name the lists {allowed}, or remove {keys}.",
    ),
    E(
        "intake_kind_unknown",
        "Typen «{value}» er ukjent ({path})",
        "The kind «{value}» is unknown ({path})",
        "--kind sier hva filen inneholder, og må være en av {allowed}.",
        "--kind says what the file holds, and must be one of {allowed}.",
        "Kjør `txbridge import {path} --kind invoices` (eller en annen av {allowed}).",
        "Run `txbridge import {path} --kind invoices` (or another of {allowed}).",
        web=W(
            "Oppgi en av typene {allowed} når filen importeres.",
            "Give one of the kinds {allowed} when the file is imported.",
            None,
        ),
    ),
    E(
        "intake_csv_empty",
        "Filen {path} er tom",
        "The file {path} is empty",
        "Filen har verken overskrift eller rader.",
        "The file has neither a header nor rows.",
        "Lagre regnearket på nytt med overskriftsraden og radene, og importer på nytt.",
        "Save the spreadsheet again with its header row and rows, and import again.",
    ),
    E(
        "intake_csv_header_invalid",
        "Overskriften i {path} har tomme eller gjentatte kolonnenavn: {columns}",
        "The header of {path} has empty or repeated column names: {columns}",
        "Hver kolonne må ha et eget navn fra importformatet, ellers er det uklart hva en celle betyr.",
        "Each column needs its own name from the import format, or it is unclear what a cell means.",
        "Rett overskriftsraden (rad 1) i {path} og importer på nytt.",
        "Correct the header row (row 1) of {path} and import again.",
    ),
    E(
        "intake_csv_kind_unclear",
        "Det går ikke fram av overskriften i {path} hva filen inneholder ({columns})",
        "The header of {path} does not tell what the file holds ({columns})",
        "Typen leses av kolonnenavnene (invoiceDate: fakturaer, vatCode: varer, accountNumber: "
        "varegrupper, organizationNumber eller email: kunder).",
        "The kind is read from the column names (invoiceDate: invoices, vatCode: products, "
        "accountNumber: product classes, organizationNumber or email: customers).",
        "Kjør `txbridge import {path} --kind customers` (eller products, productClasses, invoices).",
        "Run `txbridge import {path} --kind customers` (or products, productClasses, invoices).",
        web=W(
            "Oppgi typen (customers, products, productClasses eller invoices) når filen importeres.",
            "Give the kind (customers, products, productClasses or invoices) when the file is imported.",
            None,
        ),
    ),
    E(
        "intake_csv_invalid",
        "Filen {path} kan ikke leses som CSV (ved rad {row})",
        "The file {path} cannot be read as CSV (at row {row})",
        "Et anførselstegn som aldri lukkes, eller en celle over 128 kB, gjør resten av filen uleselig.",
        "A quote that is never closed, or a cell over 128 kB, makes the rest of the file unreadable.",
        "Rett rad {row} i {path} (lukk anførselstegnet) og importer på nytt.",
        "Correct row {row} of {path} (close the quote) and import again.",
    ),
    E(
        "intake_encoding_used",
        "Filen ble lest som {encoding}",
        "The file was read as {encoding}",
        "Importen leser UTF-8 (med eller uten BOM) og UTF-16 med BOM; annen tekst leses som "
        "Windows-1252, slik norsk Excel lagrer CSV.",
        "The import reads UTF-8 (with or without BOM) and UTF-16 with BOM; other text is read as "
        "Windows-1252, as Norwegian Excel saves CSV.",
        "Ser æ, ø eller å feil ut, lagre filen som «CSV UTF-8» i Excel og importer på nytt.",
        "If æ, ø or å look wrong, save the file as «CSV UTF-8» in Excel and import again.",
    ),
    # ---- Intake: one CSV item (rejected alone; the rest of the file goes in) --------------------
    E(
        "intake_csv_cell_count",
        "{item}: rad {row} har {cells} celler, men overskriften har {columns}",
        "{item}: row {row} has {cells} cells, but the header has {columns}",
        "En celle for mye eller for lite flytter verdier til feil kolonne; ofte står skilletegnet i en "
        "verdi uten anførselstegn rundt.",
        "A cell too many or too few moves values into the wrong column; often the separator is inside "
        "a value without quotes around it.",
        "Rett rad {row}: sett anførselstegn rundt verdier med skilletegn, eller fjern de ekstra cellene.",
        "Correct row {row}: put quotes around values with the separator in them, or remove the extra cells.",
    ),
    E(
        "intake_csv_rows_disagree",
        "{item}: radene {rows} er samme faktura, men {column} er ulik ({values})",
        "{item}: rows {rows} are one invoice, but {column} differs ({values})",
        "Rader med samme fakturanummer er linjer i én faktura og må ha like fakturakolonner; importen "
        "slår aldri sammen ulike verdier.",
        "Rows with the same invoice number are lines of one invoice and must have the same invoice "
        "columns; the import never merges different values.",
        "Gi radene {rows} samme {column}, eller gi fakturaene hvert sitt nummer.",
        "Give rows {rows} the same {column}, or give the invoices a number each.",
    ),
    E(
        "intake_csv_invoice_split",
        "{item}: fakturanummeret står på rader som ikke henger sammen ({rows})",
        "{item}: the invoice number is on rows that are not together ({rows})",
        "Linjene i en faktura må stå rett etter hverandre; ellers er det uklart om det er én faktura "
        "eller to med samme nummer.",
        "An invoice's lines must follow each other; otherwise it is unclear whether this is one invoice "
        "or two with the same number.",
        "Flytt radene {rows} sammen hvis de er én faktura, eller gi den ene fakturaen et nytt nummer.",
        "Move rows {rows} together if they are one invoice, or give one of the invoices a new number.",
    ),
    # ---- Intake: one field of one item -----------------------------------------------------------
    E(
        "intake_field_missing",
        "{item}: {field} mangler",
        "{item}: {field} is missing",
        "Feltet må være med for denne typen element.",
        "The field is required for this kind of item.",
        "Fyll inn {field} på {item} og importer på nytt.",
        "Fill in {field} on {item} and import again.",
    ),
    E(
        "intake_field_unknown",
        "{item}: ukjent felt {field}",
        "{item}: unknown field {field}",
        "Importformatet har ikke dette feltet (navnene skilles på store og små bokstaver).",
        "The import format has no such field (names are case-sensitive).",
        "Fjern {field} eller bruk feltnavnet fra importformatet i README.",
        "Remove {field} or use the field name from the import format in the README.",
    ),
    E(
        "intake_not_an_object",
        "{item}: {field} er ikke et JSON-objekt",
        "{item}: {field} is not a JSON object",
        "Hvert element (og hver fakturalinje) er et objekt med feltnavn og verdier.",
        "Each item (and each invoice line) is an object of field names and values.",
        "Skriv {field} på {item} som et objekt, som i eksempelet i README.",
        "Write {field} of {item} as an object, as in the example in the README.",
    ),
    E(
        "intake_number_invalid",
        "{item}: {field} «{value}» er ikke et tall",
        "{item}: {field} «{value}» is not a number",
        "Et tall skrives med sifre, eventuelt minus foran, desimalkomma eller -punktum og mellomrom "
        "eller punktum mellom tusener; valutanavn eller andre tegn kan ikke stå i cellen.",
        "A number is written in digits, with a minus in front if needed, a decimal comma or point, and "
        "a space or point between thousands; no currency names or other signs in the cell.",
        "Skriv {field} som et tall, f.eks. 1234,50, 1 234,50 eller 1234.50.",
        "Write {field} as a number, e.g. 1234,50, 1 234,50 or 1234.50.",
    ),
    E(
        "intake_number_ambiguous",
        "{item}: {field} «{value}» kan leses på to måter",
        "{item}: {field} «{value}» can be read two ways",
        "Ett skilletegn fulgt av nøyaktig tre sifre kan være både tusenskille og desimaltegn "
        "(1,234 kan være 1234 eller 1,234); importen gjetter ikke.",
        "One separator followed by exactly three digits can be a thousands separator or a decimal sign "
        "(1,234 can be 1234 or 1.234); the import does not guess.",
        "Skriv {field} uten tusenskille (1234) eller med en annen desimalsats (1,2340 eller 1,23).",
        "Write {field} without a thousands separator (1234) or with other decimals (1,2340 or 1,23).",
    ),
    E(
        "intake_whole_number_invalid",
        "{item}: {field} «{value}» er ikke et heltall",
        "{item}: {field} «{value}» is not a whole number",
        "Feltet er et nummer eller en kode uten desimaler, mellomrom eller bokstaver.",
        "The field is a number or code without decimals, spaces or letters.",
        "Skriv {field} som et heltall med bare sifre, f.eks. 10001.",
        "Write {field} as a whole number in digits only, e.g. 10001.",
    ),
    E(
        "intake_number_too_many_digits",
        "{item}: {field} {value} har flere enn {digits} sifre",
        "{item}: {field} {value} has more than {digits} digits",
        "Beløp og antall lagres med høyst {digits} sifre; et så langt tall er nesten alltid en tastefeil.",
        "Amounts and quantities are stored with at most {digits} digits; a number this long is almost "
        "always a typing error.",
        "Rett {field} på {item} og importer på nytt.",
        "Correct {field} on {item} and import again.",
    ),
    E(
        "intake_too_many_decimals",
        "{item}: {field} {value} har flere enn {places} desimaler",
        "{item}: {field} {value} has more than {places} decimals",
        "Tripletex regner beløp i øre (to desimaler) og antall med høyst fire desimaler; importen "
        "runder ikke av på egen hånd.",
        "Tripletex counts amounts in øre (two decimals) and quantities with at most four decimals; the "
        "import does not round on its own.",
        "Rund av {field} til høyst {places} desimaler og importer på nytt.",
        "Round {field} to at most {places} decimals and import again.",
    ),
    E(
        "intake_value_too_small",
        "{item}: {field} {value} er mindre enn {limit}",
        "{item}: {field} {value} is less than {limit}",
        "Feltet har en nedre grense i importformatet.",
        "The field has a lower bound in the import format.",
        "Rett {field} på {item} til minst {limit}.",
        "Correct {field} on {item} to at least {limit}.",
    ),
    E(
        "intake_value_too_large",
        "{item}: {field} {value} er større enn {limit}",
        "{item}: {field} {value} is greater than {limit}",
        "Feltet har en øvre grense i importformatet.",
        "The field has an upper bound in the import format.",
        "Rett {field} på {item} til høyst {limit}.",
        "Correct {field} on {item} to at most {limit}.",
    ),
    E(
        "intake_text_empty",
        "{item}: {field} er tom",
        "{item}: {field} is empty",
        "Feltet må ha en verdi.",
        "The field needs a value.",
        "Fyll inn {field} på {item}.",
        "Fill in {field} on {item}.",
    ),
    E(
        "intake_text_too_long",
        "{item}: {field} er lengre enn {limit} tegn",
        "{item}: {field} is longer than {limit} characters",
        "Tripletex tar ikke imot lengre tekst i dette feltet.",
        "Tripletex does not accept a longer text in this field.",
        "Kort ned {field} på {item} til {limit} tegn.",
        "Shorten {field} on {item} to {limit} characters.",
    ),
    E(
        "intake_text_expected",
        "{item}: {field} {value} må være tekst",
        "{item}: {field} {value} must be text",
        "Fakturanumre, varenumre og koder er tekst i importformatet, også når de bare har sifre.",
        "Invoice numbers, product numbers and codes are text in the import format, even when all digits.",
        'Sett {field} i anførselstegn i JSON-filen: "{value}".',
        'Put {field} in quotes in the JSON file: "{value}".',
    ),
    E(
        "intake_text_has_nul",
        "{item}: {field} inneholder et NUL-tegn",
        "{item}: {field} contains a NUL character",
        "Et NUL-tegn kan ikke lagres i tekst og kommer som regel fra en feil i systemet som laget filen.",
        "A NUL character cannot be stored in text and usually comes from a fault in the system that "
        "made the file.",
        "Fjern tegnet fra {field} på {item}, eller lag filen på nytt.",
        "Remove the character from {field} on {item}, or make the file again.",
    ),
    E(
        "intake_date_invalid",
        "{item}: {field} «{value}» er ikke en dato",
        "{item}: {field} «{value}» is not a date",
        "En dato skrives 05.10.2026 eller 2026-10-05, og må finnes i kalenderen; tall (som Excels "
        "dagnummer) leses ikke som datoer.",
        "A date is written 05.10.2026 or 2026-10-05 and must exist in the calendar; numbers (like "
        "Excel's day count) are not read as dates.",
        "Skriv {field} som 05.10.2026 eller 2026-10-05 (formater cellen som tekst eller dato i Excel).",
        "Write {field} as 05.10.2026 or 2026-10-05 (format the cell as text or date in Excel).",
    ),
    E(
        "intake_date_ambiguous",
        "{item}: {field} «{value}» kan leses som mer enn én dato",
        "{item}: {field} «{value}» can be read as more than one date",
        "Med / eller - mellom dag og måned kan rekkefølgen være begge veier (amerikansk eller norsk), "
        "og et tosifret år kan høre til to århundrer; importen gjetter ikke.",
        "With / or - between day and month the order can be either way (American or Norwegian), and a "
        "two-digit year can belong to two centuries; the import does not guess.",
        "Skriv {field} som 05.10.2026 (dag.måned.år) eller 2026-10-05 (år-måned-dag).",
        "Write {field} as 05.10.2026 (day.month.year) or 2026-10-05 (year-month-day).",
    ),
    E(
        "intake_due_before_invoice_date",
        "{item}: forfallsdato {value} er før fakturadato {invoice_date}",
        "{item}: due date {value} is before invoice date {invoice_date}",
        "En faktura kan ikke forfalle før den er skrevet.",
        "An invoice cannot fall due before it is written.",
        "Rett dueDate eller invoiceDate på {item}.",
        "Correct dueDate or invoiceDate on {item}.",
    ),
    E(
        "intake_boolean_invalid",
        "{item}: {field} «{value}» er verken ja eller nei",
        "{item}: {field} «{value}» is neither yes nor no",
        "Feltet er ja/nei og leser true/false, ja/nei, yes/no og 1/0.",
        "The field is yes/no and reads true/false, ja/nei, yes/no and 1/0.",
        "Skriv true eller false i {field} på {item}.",
        "Write true or false in {field} on {item}.",
    ),
    E(
        "intake_choice_invalid",
        "{item}: {field} «{value}» er ikke et av valgene",
        "{item}: {field} «{value}» is not one of the choices",
        "Feltet har faste verdier: {allowed}.",
        "The field has fixed values: {allowed}.",
        "Bruk en av {allowed} i {field} på {item}.",
        "Use one of {allowed} in {field} on {item}.",
    ),
    E(
        "intake_email_invalid",
        "{item}: {field} «{value}» er ikke en e-postadresse",
        "{item}: {field} «{value}» is not an e-mail address",
        "En e-postadresse har formen navn@domene.no.",
        "An e-mail address has the form name@domain.com.",
        "Rett {field} på {item}, eller la feltet stå tomt.",
        "Correct {field} on {item}, or leave the field empty.",
    ),
    E(
        "intake_country_unknown",
        "{item}: {field} «{value}» er ikke en landkode",
        "{item}: {field} «{value}» is not a country code",
        "Land oppgis med to bokstaver etter ISO 3166 (NO for Norge, SE for Sverige).",
        "Countries are given as two letters by ISO 3166 (NO for Norway, SE for Sweden).",
        "Skriv landkoden med to bokstaver i {field} på {item}.",
        "Write the two-letter country code in {field} on {item}.",
    ),
    E(
        "intake_currency_unknown",
        "{item}: {field} «{value}» er ikke en valutakode",
        "{item}: {field} «{value}» is not a currency code",
        "Valuta oppgis med koden på tre bokstaver etter ISO 4217 (NOK, EUR, SEK, USD …); den sjekkes "
        "ved import, ikke først ved eksport.",
        "Currency is given as the three-letter ISO 4217 code (NOK, EUR, SEK, USD …); it is checked at "
        "import, not only at export.",
        "Skriv valutakoden i {field} på {item}, f.eks. NOK eller EUR.",
        "Write the currency code in {field} on {item}, e.g. NOK or EUR.",
    ),
    E(
        "intake_quantity_zero",
        "{item}: {field} er 0",
        "{item}: {field} is 0",
        "En linje med antall 0 fakturerer ingenting.",
        "A line with quantity 0 bills nothing.",
        "Fjern linjen fra {item}, eller skriv riktig antall i {field}.",
        "Remove the line from {item}, or write the right quantity in {field}.",
    ),
    E(
        "intake_line_needs_product_or_description",
        "{item}: {field} har verken productNumber eller description",
        "{item}: {field} has neither productNumber nor description",
        "Tripletex trenger en vare eller en tekst på hver ordrelinje.",
        "Tripletex needs a product or a text on each order line.",
        "Fyll inn productNumber eller description på {field} i {item}.",
        "Fill in productNumber or description on {field} of {item}.",
    ),
    E(
        "intake_line_vat_code_missing",
        "{item}: {field} mangler fordi linjen ikke har vare",
        "{item}: {field} is missing because the line has no product",
        "En linje uten vare får ikke mva-koden fra varen, så den må oppgis på linjen.",
        "A line without a product does not get the VAT code from the product, so the line must give it.",
        "Fyll inn {field} (f.eks. 3 for 25 %) eller productNumber på {item}.",
        "Fill in {field} (e.g. 3 for 25 %) or productNumber on {item}.",
    ),
    E(
        "intake_line_number_repeats",
        "{item}: linjenummer {line_no} brukes mer enn én gang",
        "{item}: line number {line_no} is used more than once",
        "Linjer uten lineNo får plassen sin som nummer (1, 2, …), og sammen må numrene være ulike.",
        "Lines without lineNo get their position as number (1, 2, …), and together the numbers must differ.",
        "Gi linjene i {item} ulike lineNo, eller fjern lineNo fra alle linjene.",
        "Give the lines of {item} different lineNo, or remove lineNo from all of them.",
    ),
    E(
        "intake_lines_missing",
        "{item}: fakturaen har ingen linjer",
        "{item}: the invoice has no lines",
        "En faktura uten linjer fakturerer ingenting.",
        "An invoice without lines bills nothing.",
        "Legg til minst én linje i {item}, eller ta fakturaen ut av filen.",
        "Add at least one line to {item}, or take the invoice out of the file.",
    ),
    E(
        "intake_too_many_lines",
        "{item}: fakturaen har flere enn {limit} linjer",
        "{item}: the invoice has more than {limit} lines",
        "En faktura med så mange linjer er nesten alltid flere fakturaer slått sammen ved en feil.",
        "An invoice with this many lines is almost always several invoices merged by mistake.",
        "Del {item} i flere fakturaer med høyst {limit} linjer hver.",
        "Split {item} into several invoices of at most {limit} lines each.",
    ),
    E(
        "intake_list_expected",
        "{item}: {field} er ikke en liste",
        "{item}: {field} is not a list",
        "Fakturalinjene står i en liste, også når det bare er én.",
        "Invoice lines are given as a list, even when there is only one.",
        "Skriv {field} på {item} som en liste av linjer, som i eksempelet i README.",
        "Write {field} of {item} as a list of lines, as in the example in the README.",
    ),
    E(
        "intake_refused_by_store",
        "{item}: kan ikke lagres fordi det strider mot data som allerede er lagret",
        "{item}: cannot be stored because it conflicts with data already stored",
        "Databasen avviste elementet, for eksempel fordi et nummer som må være unikt allerede er brukt.",
        "The database refused the item, for example because a number that must be unique is taken.",
        "Sjekk numrene på {item} mot det som er importert før, og importer på nytt.",
        "Check the numbers of {item} against what was imported before, and import again.",
    ),
    # ---- Intake: sanity, before anything can reach Tripletex -------------------------------------
    E(
        "intake_invoice_total_negative",
        "{item}: summen {total} {currency} er negativ",
        "{item}: the total {total} {currency} is negative",
        "En faktura med negativ sum er en kreditnota; den krediterer en faktura som allerede er sendt.",
        "An invoice with a negative total is a credit note; it credits an invoice already sent.",
        "Lag en kreditnota for den opprinnelige fakturaen i Tripletex, og ta {item} ut av filen (eller "
        "rett linjene hvis fortegnet er feil).",
        "Make a credit note for the original invoice in Tripletex and take {item} out of the file (or "
        "correct the lines if the sign is wrong).",
    ),
    E(
        "intake_invoice_total_zero",
        "{item}: summen er 0 {currency}",
        "{item}: the total is 0 {currency}",
        "En faktura på 0 fakturerer ingenting, men får et fakturanummer og kan sendes til kunden.",
        "An invoice of 0 bills nothing, yet gets an invoice number and may be sent to the customer.",
        "Rett linjene i {item}, eller ta fakturaen ut av filen.",
        "Correct the lines of {item}, or take the invoice out of the file.",
    ),
    E(
        "intake_invoice_total_too_large",
        "{item}: summen {total} {currency} er over grensen {limit}",
        "{item}: the total {total} {currency} is above the limit {limit}",
        "Grensen for én faktura fanger tastefeil og feil i systemet som laget filen før noe når "
        "Tripletex; standard er 100 millioner.",
        "The limit for one invoice catches typing errors and faults in the system that made the file "
        "before anything reaches Tripletex; the default is 100 million.",
        "Rett beløpene i {item}; er summen riktig, hev grensen med `txbridge import-limits "
        "--max-invoice-total` og importer på nytt.",
        "Correct the amounts of {item}; if the total is right, raise the limit with `txbridge "
        "import-limits --max-invoice-total` and import again.",
        web=W(
            "Rett beløpene i {item}; er summen riktig, be driftsansvarlig heve grensen for fakturasum, og "
            "importer på nytt.",
            "Correct the amounts in {item}; if the total is right, ask the operator to raise the invoice "
            "total limit, and import again.",
            None,
        ),
    ),
    E(
        "intake_limit_exceeded",
        "{item}: {field} {value} er over grensen {limit}",
        "{item}: {field} {value} is above the limit {limit}",
        "Grensene for antall og enhetspris fanger tastefeil før noe når Tripletex (standard: 100 "
        "millioner for hver).",
        "The limits on quantity and unit price catch typing errors before anything reaches Tripletex "
        "(default: 100 million each).",
        "Rett {field} på {item}; er verdien riktig, hev grensen med `txbridge import-limits` og "
        "importer på nytt.",
        "Correct {field} on {item}; if the value is right, raise the limit with `txbridge "
        "import-limits` and import again.",
        web=W(
            "Rett {field} på {item}; er verdien riktig, be driftsansvarlig heve grensen, og importer på "
            "nytt.",
            "Correct {field} on {item}; if the value is right, ask the operator to raise the limit, and "
            "import again.",
            None,
        ),
    ),
    E(
        "intake_limit_invalid",
        "Grensen {name} kan ikke være {value}",
        "The limit {name} cannot be {value}",
        "En grense er et positivt tall.",
        "A limit is a positive number.",
        "Kjør `txbridge import-limits` på nytt med et tall over 0.",
        "Run `txbridge import-limits` again with a number above 0.",
        web=W(
            "Be driftsansvarlig sette grensen til et tall over 0.",
            "Ask the operator to set the limit to a number above 0.",
            None,
        ),
    ),
    # ---- Read models and the CLI ---------------------------------------------------------------------
    E(
        "log_note",
        "{text}",
        "{text}",
        "En hendelse i integrasjonen, logget uten egen katalogmelding.",
        "An event in the integration, logged without a catalog message of its own.",
        "Ingenting å gjøre.",
        "Nothing to do.",
    ),
    E(
        "no_connections",
        "Ingen tilkobling er satt opp ennå",
        "No connection has been set up yet",
        "Kommandoen trenger en tilkobling til et Tripletex-selskap.",
        "The command needs a connection to a Tripletex company.",
        "Koble til med `txbridge connect`.",
        "Connect with `txbridge connect`.",
        web=W(
            "Koble til under «Tilkoblinger» med «Koble til et Tripletex-selskap».",
            "Connect under «Connections» with «Connect a Tripletex company».",
            "connect",
        ),
    ),
    E(
        "several_connections",
        "Flere tilkoblinger ({names}), og ingen er valgt",
        "Several connections ({names}), and none is chosen",
        "Kommandoen vet ikke hvilket Tripletex-selskap den skal bruke.",
        "The command cannot tell which Tripletex company to use.",
        "Velg én med --connection og navnet, eller sett TXBRIDGE_CONNECTION; `txbridge connection show` "
        "viser dem.",
        "Pick one with --connection and its name, or set TXBRIDGE_CONNECTION; `txbridge connection show` "
        "lists them.",
        web=W(
            "Velg tilkoblingen under «Tilkoblinger».",
            "Choose the connection under «Connections».",
            "connections",
        ),
    ),
    E(
        "invalid_period",
        "Ugyldig periode: {period}",
        "Invalid period: {period}",
        "En regnskapsperiode skrives som år og måned.",
        "An accounting period is written as year and month.",
        "Skriv perioden som ÅÅÅÅ-MM, for eksempel `txbridge batch close --period 2026-10`.",
        "Write the period as YYYY-MM, for example `txbridge batch close --period 2026-10`.",
        web=W(
            "Skriv perioden som ÅÅÅÅ-MM, for eksempel 2026-10.",
            "Write the period as YYYY-MM, for example 2026-10.",
            "batches",
        ),
    ),
    E(
        "invalid_date",
        "Ugyldig dato: {value}",
        "Invalid date: {value}",
        "Datoer skrives som år, måned og dag.",
        "Dates are written as year, month and day.",
        "Skriv datoen som ÅÅÅÅ-MM-DD, for eksempel 2027-03-31.",
        "Write the date as YYYY-MM-DD, for example 2027-03-31.",
    ),
    E(
        "sandbox_needs_base_url",
        "Sandkassen trenger en adresse",
        "The sandbox needs an address",
        "Sandkassen kjører lokalt, og kommandoen vet ikke hvor.",
        "The sandbox runs locally, and the command cannot tell where.",
        "Start den med `txbridge sandbox`, og gi adressen den skriver med --base-url (for eksempel "
        "http://127.0.0.1:8080/v2).",
        "Start it with `txbridge sandbox`, and give the address it prints with --base-url (for example "
        "http://127.0.0.1:8080/v2).",
        web=W(
            "Be driftsansvarlig starte sandkassen og oppgi adressen den skriver (for eksempel "
            "http://127.0.0.1:8080/v2).",
            "Ask the operator to start the sandbox and give the address it prints (for example "
            "http://127.0.0.1:8080/v2).",
            None,
        ),
    ),
    E(
        "no_batches_yet",
        "Ingen bunter ennå",
        "No batches yet",
        "Fakturaer sendes til Tripletex i bunter, og ingen buntavslutning er kjørt for tilkoblingen.",
        "Invoices go to Tripletex in batches, and no batch close has been run for the connection.",
        "Lag en bunt av en periode, for eksempel `txbridge batch close --period 2026-10`.",
        "Make a batch of a period, for example `txbridge batch close --period 2026-10`.",
        web=W(
            "Lag en bunt av en periode under «Eksportbunter»: skriv perioden og trykk «Avslutt bunt».",
            "Make a batch of a period under «Export batches»: enter the period and press «Close batch».",
            "batches",
        ),
    ),
    E(
        "postings_failed",
        "{count} av fakturaene i bunt {batch} feilet",
        "{count} of the invoices in batch {batch} failed",
        "Hver feilet faktura har sin egen melding over; de andre er sendt.",
        "Each failed invoice has its own message above; the others went.",
        "Rett feilene over, og kjør så `txbridge batch reset {batch}` og deretter "
        "`txbridge batch export {batch}`; `txbridge diagnose invoice` med fakturanummeret forklarer hver.",
        "Fix the errors above, then run `txbridge batch reset {batch}` and then "
        "`txbridge batch export {batch}`; `txbridge diagnose invoice` with the invoice number explains each.",
        web=W(
            "Rett feilene over, og trykk så «Tilbakestill bunten» og deretter «Eksporter» på bunten; "
            "«Hvorfor?» ved hver faktura forklarer feilen.",
            "Correct the errors above, then press «Reset the batch» and then «Export» on the batch; «Why?» "
            "by each invoice explains its error.",
            "batch",
        ),
    ),
    E(
        "token_on_command_line",
        "Nøkler skrevet på kommandolinjen kan ses av andre i prosesslisten og i skallhistorikken",
        "Tokens typed on the command line can be seen by others in the process list and the shell history",
        "--consumer-token og --employee-token ble gitt som argumenter.",
        "--consumer-token and --employee-token were given as arguments.",
        "Utelat dem, så spør `txbridge connect` etter dem uten å vise dem, eller bruk "
        "TXBRIDGE_CONSUMER_TOKEN og TXBRIDGE_EMPLOYEE_TOKEN; lag nye nøkler i Tripletex hvis andre kan ha "
        "sett dem.",
        "Leave them out and `txbridge connect` asks for them without showing them, or use "
        "TXBRIDGE_CONSUMER_TOKEN and TXBRIDGE_EMPLOYEE_TOKEN; make new tokens in Tripletex if others may "
        "have seen them.",
        web=W(
            "Lag nye nøkler i Tripletex hvis andre kan ha sett dem, og lim dem inn under «Bytt nøkkel» på "
            "tilkoblingen.",
            "Make new tokens in Tripletex if others may have seen them, and paste them under «Rotate the "
            "token» on the connection.",
            "rotate",
        ),
    ),
    E(
        "database_unreachable",
        "Får ikke åpnet databasen {database}",
        "Cannot open the database {database}",
        "Databasetjeneren svarer ikke, adressen er feil, eller mappen finnes ikke eller kan ikke skrives "
        "til.",
        "The database server does not answer, the address is wrong, or the folder is missing or not "
        "writable.",
        "Sjekk --database-url (eller TXBRIDGE_DATABASE_URL), at databasetjeneren kjører og at mappen finnes; "
        "kjør så kommandoen igjen.",
        "Check --database-url (or TXBRIDGE_DATABASE_URL), that the database server runs and that the folder "
        "exists; then run the command again.",
    ),
    E(
        "database_locked",
        "Databasen {database} er opptatt av en annen prosess",
        "The database {database} is held by another process",
        "En annen txbridge-kommando skriver til databasen, og ventetiden gikk ut.",
        "Another txbridge command is writing to the database, and the wait ran out.",
        "Vent til den andre kommandoen er ferdig, og kjør kommandoen igjen; ingenting sendes dobbelt.",
        "Wait until the other command is done, then run the command again; nothing is sent twice.",
    ),
    E(
        "disk_full",
        "Disken er full",
        "The disk is full",
        "Det er ikke plass til å skrive databasen eller en fil.",
        "There is no room to write the database or a file.",
        "Frigjør plass på disken og kjør kommandoen igjen; ingenting sendes dobbelt.",
        "Free space on the disk and run the command again; nothing is sent twice.",
    ),
    E(
        "file_permission_denied",
        "Ingen tilgang til {path}",
        "Permission denied: {path}",
        "Brukeren som kjører txbridge får ikke lese eller skrive filen eller mappen.",
        "The user running txbridge may not read or write the file or folder.",
        "Gi brukeren tilgang til {path}, eller kjør kommandoen som eieren av filen.",
        "Give the user access to {path}, or run the command as the file's owner.",
    ),
    E(
        "file_not_found",
        "Finner ikke {path}",
        "Cannot find {path}",
        "Filen eller mappen finnes ikke.",
        "The file or folder does not exist.",
        "Sjekk stien og kjør kommandoen igjen.",
        "Check the path and run the command again.",
    ),
    E(
        "setting_invalid",
        "Innstillingen {setting} har en ugyldig verdi: {value}",
        "The setting {setting} has an invalid value: {value}",
        "Verdien kommer fra en miljøvariabel, .env-filen eller et valg på kommandolinjen.",
        "The value comes from an environment variable, the .env file or a command-line option.",
        "Rett {setting} og kjør kommandoen igjen.",
        "Correct {setting} and run the command again.",
    ),
    E(
        "unexpected_error",
        "Uventet feil: {error}",
        "Unexpected error: {error}",
        "En feil i txbridge selv, ikke i dataene eller oppsettet.",
        "An error in txbridge itself, not in the data or the setup.",
        "Hele rapporten er skrevet til {report}; send den til den som drifter txbridge.",
        "The full report is written to {report}; send it to whoever runs txbridge.",
    ),
    # ---- REST API: keys, idempotency, requests -----------------------------------------------------
    E(
        "api_key_missing",
        "Forespørselen mangler API-nøkkel",
        "The request has no API key",
        "REST-API-et svarer bare forespørsler med en API-nøkkel i «Authorization: Bearer …»; "
        "innlogging i nettappen gjelder ikke for API-et.",
        "The REST API answers only requests with an API key in «Authorization: Bearer …»; a sign-in to "
        "the web app does not count for the API.",
        "Send nøkkelen som «Authorization: Bearer txb_…»; en administrator lager den med "
        "`txbridge apikey add`.",
        "Send the key as «Authorization: Bearer txb_…»; an administrator makes one with "
        "`txbridge apikey add`.",
        web=W(
            "Send nøkkelen som «Authorization: Bearer txb_…»; en administrator lager den under «API-nøkler».",
            "Send the key as «Authorization: Bearer txb_…»; an administrator makes it under «API keys».",
            "api_keys",
        ),
    ),
    E(
        "api_key_invalid",
        "API-nøkkelen er ukjent eller trukket tilbake",
        "The API key is unknown or revoked",
        "Nøkkelen finnes ikke, er skrevet feil, eller en administrator har trukket den tilbake.",
        "The key does not exist, is mistyped, or an administrator has revoked it.",
        "Sjekk at hele nøkkelen sendes; be ellers en administrator om en ny (`txbridge apikey add`).",
        "Check that the whole key is sent; otherwise ask an administrator for a new one "
        "(`txbridge apikey add`).",
        web=W(
            "Sjekk at hele nøkkelen sendes; be ellers en administrator om en ny (under «API-nøkler»).",
            "Check that the whole key is sent; otherwise ask an administrator for a new one (under «API "
            "keys»).",
            "api_keys",
        ),
    ),
    E(
        "api_key_scope_missing",
        "API-nøkkelen har ikke tillatelsen {scope}",
        "The API key lacks the scope {scope}",
        "Hver nøkkel har bare tillatelsene en administrator ga den (read, intake, export, admin).",
        "Each key has only the scopes an administrator gave it (read, intake, export, admin).",
        "Be en administrator om en nøkkel med tillatelsen {scope} (`txbridge apikey add --scope {scope}`).",
        "Ask an administrator for a key with the scope {scope} (`txbridge apikey add --scope {scope}`).",
        web=W(
            "Be en administrator om en nøkkel med tillatelsen {scope} (under «API-nøkler»).",
            "Ask an administrator for a key with the scope {scope} (under «API keys»).",
            "api_keys",
        ),
    ),
    E(
        "api_key_connection_refused",
        "API-nøkkelen gjelder ikke tilkobling {connection}",
        "The API key does not cover connection {connection}",
        "En nøkkel gjelder bare tilkoblingene en administrator knyttet den til.",
        "A key covers only the connections an administrator tied it to.",
        "Bruk en tilkobling nøkkelen gjelder (GET /api/v1/connections viser dem), eller be en "
        "administrator om en nøkkel for {connection}.",
        "Use a connection the key covers (GET /api/v1/connections lists them), or ask an administrator "
        "for a key for {connection}.",
    ),
    E(
        "apikey_not_found",
        "Det finnes ingen API-nøkkel {key}",
        "There is no API key {key}",
        "Nøkler finnes ved navn eller prefiks; denne fantes ikke.",
        "Keys are found by name or prefix; this one was not found.",
        "Se nøklene med `txbridge apikey list`.",
        "See the keys with `txbridge apikey list`.",
        web=W(
            "Se nøklene under «API-nøkler».",
            "See the keys under «API keys».",
            "api_keys",
        ),
    ),
    E(
        "apikey_invalid",
        "API-nøkkelen kan ikke lages: {reason}",
        "The API key cannot be made: {reason}",
        "Navnet, tillatelsene eller tilkoblingene oppfyller ikke kravene.",
        "The name, scopes or connections do not meet the requirements.",
        "Navn: 1–100 tegn, ikke brukt før. Tillatelser: read, intake, export, admin. Minst én tilkobling.",
        "Name: 1–100 characters, not used before. Scopes: read, intake, export, admin. At least one "
        "connection.",
    ),
    E(
        "idempotency_key_missing",
        "Forespørselen mangler Idempotency-Key",
        "The request has no Idempotency-Key",
        "Hver POST til API-et må ha en Idempotency-Key, så et nytt forsøk etter et brudd aldri gjør noe "
        "to ganger.",
        "Every POST to the API must carry an Idempotency-Key, so a retry after a break never does "
        "anything twice.",
        "Send en ny, unik verdi (f.eks. en UUID) i overskriften Idempotency-Key for hver ny handling, og "
        "den samme når du prøver den samme handlingen igjen.",
        "Send a new unique value (e.g. a UUID) in the Idempotency-Key header for each new action, and the "
        "same one when you retry the same action.",
    ),
    E(
        "idempotency_key_invalid",
        "Idempotency-Key er ugyldig: {reason}",
        "The Idempotency-Key is invalid: {reason}",
        "En nøkkel er 1–255 synlige ASCII-tegn.",
        "A key is 1–255 visible ASCII characters.",
        "Bruk for eksempel en UUID som Idempotency-Key.",
        "Use, for example, a UUID as the Idempotency-Key.",
    ),
    E(
        "idempotency_key_reused",
        "Idempotency-Key {key} ble brukt før med en annen forespørsel",
        "The Idempotency-Key {key} was used before with another request",
        "Samme nøkkel med samme innhold gir det første svaret på nytt; med annet innhold eller en annen "
        "adresse er det trolig en ny handling som har fått en gammel nøkkel.",
        "The same key with the same body replays the first answer; with another body or another address "
        "it is most likely a new action given an old key.",
        "Send den nye handlingen med en ny Idempotency-Key.",
        "Send the new action with a new Idempotency-Key.",
    ),
    E(
        "idempotency_key_in_use",
        "En forespørsel med Idempotency-Key {key} kjøres allerede",
        "A request with the Idempotency-Key {key} is already running",
        "Den første forespørselen med nøkkelen er ikke ferdig ennå; den andre kjøres ikke i tillegg.",
        "The first request with the key has not finished yet; the second is not run as well.",
        "Vent litt og send den samme forespørselen igjen: da kommer svaret på den første.",
        "Wait a moment and send the same request again: it then gets the first one's answer.",
    ),
    E(
        "api_too_many_items",
        "Forespørselen har {count} elementer; høyst {limit} per kall",
        "The request has {count} items; at most {limit} per call",
        "Et kall tar høyst {limit} elementer, så ett svar holder seg lite og raskt.",
        "One call takes at most {limit} items, so one answer stays small and quick.",
        "Del elementene i kall på høyst {limit}.",
        "Split the items into calls of at most {limit}.",
    ),
    E(
        "api_request_invalid",
        "Forespørselen er ugyldig: {field} {reason}",
        "The request is invalid: {field} {reason}",
        "En parameter i adressen, spørringen eller innholdet passer ikke med API-beskrivelsen.",
        "A parameter in the path, query or body does not fit the API description.",
        "Rett {field} etter API-beskrivelsen (/api/v1/openapi.json).",
        "Correct {field} as the API description says (/api/v1/openapi.json).",
    ),
    E(
        "api_not_found",
        "Adressen {path} finnes ikke i API-et",
        "The address {path} does not exist in the API",
        "Det finnes ingen ressurs eller metode på denne adressen.",
        "There is no resource or method at this address.",
        "Se adressene i API-beskrivelsen (/api/v1/docs).",
        "See the addresses in the API description (/api/v1/docs).",
    ),
    E(
        "api_internal_error",
        "Forespørselen stoppet på en intern feil",
        "The request stopped on an internal error",
        "Noe uventet skjedde i Tripletex Bridge; ingenting halvveis er lagret for denne forespørselen.",
        "Something unexpected happened in Tripletex Bridge; nothing half-done is stored for this request.",
        "Send samme forespørsel med samme Idempotency-Key; hjelper det ikke, send tidspunktet til den "
        "som drifter broen (driftsloggen har detaljene).",
        "Send the same request with the same Idempotency-Key; if that does not help, send the time to "
        "whoever runs the bridge (the operators' log has the details).",
    ),
    # ---- Jobs (txbridge.jobs) ---------------------------------------------------------------------
    E(
        "job_not_found",
        "Jobb {job} finnes ikke",
        "Job {job} does not exist",
        "Det finnes ingen jobb med dette nummeret.",
        "There is no job with this number.",
        "Se `txbridge jobs list` for jobbene som finnes.",
        "See `txbridge jobs list` for the jobs there are.",
        web=W(
            "Sjekk jobbnummeret; framdriften til en eksport vises på bunten.",
            "Check the job number; an export's progress is shown on its batch.",
            None,
        ),
    ),
    E(
        "job_not_cancellable",
        "Jobb {job} kan ikke avbrytes: den er {state}",
        "Job {job} cannot be cancelled: it is {state}",
        "Bare en jobb som venter i køen kan avbrytes; en jobb som kjører, gjør ferdig det den holder på med "
        "(en eksport kan trygt kjøres på nytt).",
        "Only a job waiting in the queue can be cancelled; a running job finishes what it is doing (an "
        "export is safe to run again).",
        "Vent til jobben er ferdig (`txbridge jobs show {job}`).",
        "Wait for the job to finish (`txbridge jobs show {job}`).",
        web=W(
            "Vent til jobben er ferdig; framdriften til en eksport vises på bunten.",
            "Wait until the job has finished; an export's progress is shown on its batch.",
            None,
        ),
    ),
    E(
        "job_not_retryable",
        "Jobb {job} kan ikke kjøres på nytt: den er {state}",
        "Job {job} cannot be retried: it is {state}",
        "Bare en jobb som har feilet eller er avbrutt, kan startes på nytt.",
        "Only a job that failed or was cancelled can be started again.",
        "Vent til jobben er ferdig; se `txbridge jobs show {job}`.",
        "Wait for the job to finish; see `txbridge jobs show {job}`.",
        web=W(
            "Vent til jobben er ferdig; framdriften til en eksport vises på bunten.",
            "Wait until the job has finished; an export's progress is shown on its batch.",
            None,
        ),
    ),
    E(
        "job_task_not_available",
        "Oppgaven {task} finnes ikke i denne versjonen",
        "The task {task} is not available in this version",
        "Jobben ber om en oppgave denne versjonen av Tripletex Bridge ikke kan utføre ennå.",
        "The job asks for a task this version of Tripletex Bridge cannot carry out yet.",
        "Oppgrader Tripletex Bridge på alle maskiner som kjører `txbridge worker`.",
        "Upgrade Tripletex Bridge on every machine that runs `txbridge worker`.",
        web=W(
            "Be driftsansvarlig oppgradere Tripletex Bridge på alle maskiner som kjører arbeidere.",
            "Ask the operator to upgrade Tripletex Bridge on every machine that runs workers.",
            None,
        ),
    ),
    E(
        "job_crashed",
        "Jobb {job} stoppet på grunn av en intern feil ({error})",
        "Job {job} stopped because of an internal error ({error})",
        "En feil i programmet, ikke i dataene eller hos Tripletex; driftsloggen har detaljene.",
        "A fault in the program, not in the data or at Tripletex; the operators' log has the details.",
        "Meld feilen med driftsloggen; kjør så `txbridge jobs retry {job}`.",
        "Report the fault with the operators' log; then run `txbridge jobs retry {job}`.",
        web=W(
            "Meld feilen til driftsansvarlig med driftsloggen, og be om at jobb {job} kjøres på nytt.",
            "Report the error to the operator with the operations log, and ask for job {job} to be run "
            "again.",
            None,
        ),
    ),
    E(
        "job_still_running",
        "Jobb {job} kjøres allerede av {worker}",
        "Job {job} is already being run by {worker}",
        "En annen prosess kjører jobben og har gitt livstegn nylig.",
        "Another process runs the job and has shown signs of life recently.",
        "Ingen handling trengs; jobben prøves igjen om den prosessen stopper.",
        "No action is needed; the job is tried again if that process stops.",
    ),
    E(
        "jobs_schema_missing",
        "Jobbtabellene til procrastinate mangler i databasen",
        "procrastinate's job tables are missing from the database",
        "Databasen er PostgreSQL, men procrastinates skjema er ikke lagt inn.",
        "The database is PostgreSQL, but procrastinate's schema has not been applied.",
        "Kjør `txbridge db upgrade` én gang (fra én maskin), og start så arbeiderne.",
        "Run `txbridge db upgrade` once (from one machine), then start the workers.",
        web=W(
            WEB_UPGRADE_NB,
            WEB_UPGRADE_EN,
            None,
        ),
    ),
    # ---- POS day sales (set-up, Z-report intake, vouchers, corrections) ----------------------------
    E(
        "pos_setup_missing",
        "Salgseksporten fra kassen er ikke satt opp for {connection}",
        "The POS sales export is not set up for {connection}",
        "Dagsoppgjør sendes ikke før startdato og kontoer er valgt.",
        "Day sales are not sent before a start date and accounts have been chosen.",
        "Kjør `txbridge pos setup --start-date ÅÅÅÅ-MM-DD`, eller velg «Kasseoppsett» på tilkoblingen i "
        "webappen.",
        "Run `txbridge pos setup --start-date YYYY-MM-DD`, or choose «POS set-up» on the connection in the "
        "web app.",
        web=W(
            "Velg «Kasseoppsett» på tilkoblingen, og sett startdato og kontoer.",
            "Choose «POS set-up» on the connection, and set the start date and the accounts.",
            "pos",
        ),
    ),
    E(
        "pos_account_not_in_chart",
        "Konto {account} finnes ikke i kontoplanen i Tripletex ({key})",
        "Account {account} is not in Tripletex's chart of accounts ({key})",
        "Kontoer velges fra kontoplanen til det tilkoblede selskapet, etter nummer.",
        "Accounts are chosen from the connected company's chart of accounts, by number.",
        "Velg en konto som finnes (`txbridge pos accounts` viser dem), eller opprett konto {account} i "
        "Tripletex først.",
        "Choose an account that exists (`txbridge pos accounts` lists them), or add account {account} in "
        "Tripletex first.",
        web=W(
            "Velg en konto som finnes i kontoplanen (listen under «Kasseoppsett»), eller opprett konto "
            "{account} i Tripletex først.",
            "Choose an account that exists in the chart (the list under «POS set-up»), or add account "
            "{account} in Tripletex first.",
            "pos",
        ),
    ),
    E(
        "pos_setting_invalid",
        "Ugyldig oppsett for kassen: {reason}",
        "Invalid POS set-up: {reason}",
        "En verdi i oppsettet har feil form eller er ukjent.",
        "A value of the set-up has the wrong form or is unknown.",
        "Rett verdien og lagre oppsettet på nytt (`txbridge pos show` viser det som er lagret).",
        "Correct the value and save the set-up again (`txbridge pos show` shows what is stored).",
        web=W(
            "Rett verdien og lagre oppsettet på nytt under «Kasseoppsett».",
            "Correct the value and save the set-up again under «POS set-up».",
            "pos",
        ),
    ),
    E(
        "pos_invoice_payment_mapped",
        "Betalingsmåten «invoice» kan ikke få konto ({account}) når fakturering fra kassen er på",
        "The «invoice» payment method cannot get an account ({account}) while POS invoicing is on",
        "Med fakturering fra kassen bokføres salg på faktura av fakturaene i Tripletex, og dagsoppgjøret "
        "skal ikke ta dem med; en konto for betalingsmåten ville ført inntekten to ganger.",
        "With POS invoicing, sales by invoice are booked by their invoices in Tripletex and the Z-report "
        "leaves them out; an account for the payment method would book the revenue twice.",
        "La «invoice» stå uten konto. Skal fakturasalg heller føres i dagsoppgjøret, slå av fakturering "
        "fra kassen først (`txbridge pos invoicing off`).",
        "Leave «invoice» without an account. To book sales by invoice in the day sales instead, turn POS "
        "invoicing off first (`txbridge pos invoicing off`).",
        web=W(
            "La «invoice» stå uten konto under «Kasseoppsett». Skal fakturasalg heller føres i "
            "dagsoppgjøret, fjern først krysset for «Aktiver fakturering» under «Kassefakturering».",
            "Leave «invoice» without an account under «POS set-up». To book sales by invoice in the day "
            "sales instead, first untick «Enable invoicing» under «POS invoicing».",
            "pos_invoicing",
        ),
    ),
    E(
        "pos_invoicing_invoice_payment_mapped",
        "Fakturering fra kassen kan ikke slås på: betalingsmåten «invoice» har konto {account} i "
        "dagsoppgjøret",
        "POS invoicing cannot be turned on: the «invoice» payment method has account {account} in the day "
        "sales",
        "Med fakturering fra kassen bokføres salg på faktura av fakturaene i Tripletex; dagsoppgjøret som "
        "fører dem på konto {account}, ville ført den samme inntekten en gang til.",
        "With POS invoicing, sales by invoice are booked by their invoices in Tripletex; the day sales that "
        "book them on account {account} would book the same revenue once more.",
        "Fjern kontoen for «invoice» (`txbridge pos unmap payment_method invoice`), sørg for at kassen "
        "sender Z-rapportene uten fakturasalg, og slå så på fakturering (`txbridge pos invoicing on`).",
        "Remove the account of «invoice» (`txbridge pos unmap payment_method invoice`), make the POS send "
        "its Z-reports without invoice sales, then turn invoicing on (`txbridge pos invoicing on`).",
        web=W(
            "Velg «(ingen)» som konto for «invoice» under «Kasseoppsett» (betalingsmåter), sørg for at "
            "kassen sender Z-rapportene uten fakturasalg, og kryss så av for «Aktiver fakturering» igjen.",
            "Choose «(none)» as the account of «invoice» under «POS set-up» (payment methods), make the "
            "POS send its Z-reports without invoice sales, then tick «Enable invoicing» again.",
            "pos",
        ),
    ),
    E(
        "daysales_mapping_missing",
        "Dagsoppgjør {day}: ingen konto for {group} «{key}»",
        "Day sales {day}: no account for {group} «{key}»",
        "Hver betalingsmåte, varegruppe (også takeaway) og hendelse i dagsoppgjøret må ha en konto i "
        "oppsettet for kassen.",
        "Every payment method, product group (takeaway too) and event of the day needs an account in the "
        "POS set-up.",
        "Velg konto med `txbridge pos map {group_key} {key} KONTO` (eller under «Kasseoppsett» i webappen); "
        + RETRY_NB,
        "Choose the account with `txbridge pos map {group_key} {key} ACCOUNT` (or under «POS set-up» in the "
        "web app); " + RETRY_EN,
        web=W(
            "Velg konto for {group} «{key}» under «Kasseoppsett» på tilkoblingen; " + WEB_RETRY_NB,
            "Choose the account for {group} «{key}» under «POS set-up» on the connection; " + WEB_RETRY_EN,
            "pos",
        ),
    ),
    E(
        "daysales_invoice_payment_with_pos_invoicing",
        "Dagsoppgjør {day}: {amount} kr er betalt med faktura, men salg på faktura bokføres av fakturaene "
        "fra kassen",
        "Day sales {day}: {amount} NOK is paid by invoice, but sales by invoice are booked by the POS's "
        "invoices",
        "Fakturering fra kassen er slått på: et salg på faktura bokføres bare av sin faktura i Tripletex "
        "(inntekt, mva og kundefordring). Et dagsoppgjør som også tar med fakturasalgene, ville ført den "
        "samme inntekten to ganger, så denne dagen er ikke sendt (heller ikke reversert).",
        "POS invoicing is on: a sale by invoice is booked only by its invoice in Tripletex (revenue, VAT "
        "and receivable). A Z-report that also lists the invoice sales would book the same revenue twice, "
        "so this day is not sent (nor reversed).",
        "Send dagens Z-rapport for stedet igjen uten salgene betalt med faktura — verken salget eller "
        "betalingen «invoice»; de bokføres av fakturaene. " + RETRY_NB[0].upper() + RETRY_NB[1:],
        "Send the day's Z-report for the location again without the sales paid by invoice — neither the "
        "sale nor the «invoice» payment; they are booked by their invoices. "
        + RETRY_EN[0].upper()
        + RETRY_EN[1:],
        web=W(
            "Send dagens Z-rapport for stedet igjen fra kassen uten salgene betalt med faktura — verken "
            "salget eller betalingen «invoice»; de bokføres av fakturaene. "
            + WEB_RETRY_NB[0].upper()
            + WEB_RETRY_NB[1:],
            "Send the day's Z-report for the location again from the POS without the sales paid by "
            "invoice — neither the sale nor the «invoice» payment; they are booked by their invoices. "
            + WEB_RETRY_EN[0].upper()
            + WEB_RETRY_EN[1:],
            "batch",
        ),
    ),
    E(
        "daysales_account_not_found",
        "Dagsoppgjør {day}: konto {account} for «{key}» finnes ikke i Tripletex",
        "Day sales {day}: account {account} for «{key}» does not exist in Tripletex",
        "Kontoen i oppsettet for kassen er slettet eller finnes ikke i kontoplanen.",
        "The account in the POS set-up was deleted or is not in the chart of accounts.",
        "Velg en annen konto med `txbridge pos map` eller opprett den i Tripletex; " + RETRY_NB,
        "Choose another account with `txbridge pos map` or add it in Tripletex; " + RETRY_EN,
        web=W(
            "Velg en annen konto under «Kasseoppsett», eller opprett kontoen i Tripletex; " + WEB_RETRY_NB,
            "Choose another account under «POS set-up», or add the account in Tripletex; " + WEB_RETRY_EN,
            "pos",
        ),
    ),
    E(
        "daysales_vat_rate_mismatch",
        "Dagsoppgjør {day}: «{key}» er solgt med {rate} % mva, men konto {account} har {account_rate} %",
        "Day sales {day}: «{key}» was sold at {rate} % VAT, but account {account} has {account_rate} %",
        "Mva på en salgsrad følger mva-koden på kontoen i Tripletex; spisested (25 %) og takeaway (15 %) "
        "trenger hver sin konto.",
        "VAT on a sales row follows the VAT type of the account in Tripletex; eat-in (25 %) and takeaway "
        "(15 %) each need their own account.",
        "Velg en konto med {rate} % mva for varegruppen (takeaway: `txbridge pos map takeaway_group`), "
        "eller rett mva-koden på konto {account} i Tripletex; " + RETRY_NB,
        "Choose an account with {rate} % VAT for the group (takeaway: `txbridge pos map takeaway_group`), "
        "or correct the VAT type of account {account} in Tripletex; " + RETRY_EN,
        web=W(
            "Velg en konto med {rate} % mva for varegruppen under «Kasseoppsett» (takeaway har egne "
            "kontoer), eller rett mva-koden på konto {account} i Tripletex; " + WEB_RETRY_NB,
            "Choose an account with {rate} % VAT for the product group under «POS set-up» (takeaway has its "
            "own accounts), or correct the VAT code on account {account} in Tripletex; " + WEB_RETRY_EN,
            "pos",
        ),
    ),
    E(
        "daysales_vat_on_settlement_account",
        "Dagsoppgjør {day}: konto {account} for «{key}» har mva ({account_rate} %)",
        "Day sales {day}: account {account} for «{key}» carries VAT ({account_rate} %)",
        "Betalinger og hendelser (tips, avrunding, kassedifferanse, gavekort) føres uten mva; en konto "
        "med mva-kode ville beregnet mva en gang til.",
        "Payments and events (tips, rounding, cash differences, gift cards) are posted without VAT; an "
        "account with a VAT type would charge VAT again.",
        "Velg en konto uten mva med `txbridge pos map`; " + RETRY_NB,
        "Choose an account without VAT with `txbridge pos map`; " + RETRY_EN,
        web=W(
            "Velg en konto uten mva under «Kasseoppsett»; " + WEB_RETRY_NB,
            "Choose an account without VAT under «POS set-up»; " + WEB_RETRY_EN,
            "pos",
        ),
    ),
    E(
        "daysales_customer_account",
        "Dagsoppgjør {day}: «{key}» er koblet til kundereskontro (konto {account})",
        "Day sales {day}: «{key}» is mapped to the customer ledger (account {account})",
        "En postering på kundefordringer krever en kunde, og et dagsoppgjør nevner ingen.",
        "A posting on the customer ledger needs a customer, and a day's Z-report names none.",
        "Velg en mellomkonto (for eksempel 1570) med `txbridge pos map`; " + RETRY_NB,
        "Choose a clearing account (for example 1570) with `txbridge pos map`; " + RETRY_EN,
        web=W(
            "Velg en mellomkonto (for eksempel 1570) under «Kasseoppsett»; " + WEB_RETRY_NB,
            "Choose an interim account (for example 1570) under «POS set-up»; " + WEB_RETRY_EN,
            "pos",
        ),
    ),
    E(
        "daysales_not_balanced",
        "Dagsoppgjør {day} går ikke i balanse (differanse {difference})",
        "Day sales {day} do not balance (difference {difference})",
        "Betalinger og hendelser må til sammen være lik salget, på øret.",
        "Payments and events must add up to the sales, to the øre.",
        "Send dagen på nytt fra kassen med avrunding eller kassedifferanse som hendelse; " + RETRY_NB,
        "Send the day again from the POS with a rounding or cash difference event; " + RETRY_EN,
        web=W(
            "Send dagen på nytt fra kassen med avrunding eller kassedifferanse som hendelse; " + WEB_RETRY_NB,
            "Send the day again from the POS with a rounding or cash difference event; " + WEB_RETRY_EN,
            "batch",
        ),
    ),
    E(
        "daysales_empty",
        "Dagsoppgjør {day} har ingen beløp",
        "Day sales {day} have no amounts",
        "Alle linjene i dagsoppgjøret er 0, så det er ikke noe å bokføre.",
        "Every line of the day is 0, so there is nothing to post.",
        "Ingen handling trengs; skal dagen likevel bokføres, send den på nytt fra kassen med beløp, "
        + RETRY_NB,
        "No action is needed; to post the day anyway, send it again from the POS with amounts, " + RETRY_EN,
        web=W(
            "Ingen handling trengs; skal dagen likevel bokføres, send den på nytt fra kassen med beløp, "
            + WEB_RETRY_NB,
            "No action is needed; to post the day anyway, send it again from the POS with amounts, "
            + WEB_RETRY_EN,
            "batch",
        ),
    ),
    E(
        "daysales_before_start",
        "Dagsoppgjør {day} er før startdatoen for salgseksport ({start})",
        "Day sales {day} are before the sales export's start date ({start})",
        "Dager før startdatoen i oppsettet for kassen sendes aldri til Tripletex.",
        "Days before the start date of the POS set-up are never sent to Tripletex.",
        "Ingen handling trengs; skal dagen med, flytt startdatoen med `txbridge pos setup --start-date`.",
        "No action is needed; to include the day, move the start date with "
        "`txbridge pos setup --start-date`.",
        web=W(
            "Ingen handling trengs; skal dagen med, flytt startdatoen under «Kasseoppsett».",
            "No action is needed; to include the day, move the start date under «POS set-up».",
            "pos",
        ),
    ),
    E(
        "daysales_dated_into_open_period",
        "Dagsoppgjør {day} er ført {voucher_date}: {reason}",
        "Day sales {day} are posted on {voucher_date}: {reason}",
        "En periode som er stengt, eller der mva allerede er rapportert, tar ikke imot nye bilag; bilaget "
        "er datert til første åpne dag etter.",
        "A period that is closed, or whose VAT is already reported, takes no new vouchers; the voucher "
        "is dated on the first open day after it.",
        "Ingen handling trengs; sjekk neste mva-melding, der korrigeringen kommer med.",
        "No action is needed; check the next VAT return, which includes the correction.",
    ),
    E(
        "daysales_reversed",
        "Dagsoppgjør {day} ble endret etter eksport: bilag {voucher} er reversert med bilag {reversal}",
        "Day sales {day} changed after export: voucher {voucher} is reversed by voucher {reversal}",
        "Kassen sendte dagen på nytt med andre tall etter at den var bokført.",
        "The POS sent the day again with other figures after it was posted.",
        "Ingen handling trengs; den nye versjonen av dagen bokføres i samme eksport.",
        "No action is needed; the new version of the day is posted in the same export.",
    ),
    E(
        "daysales_not_in_tripletex",
        "Bilag {voucher} for dagsoppgjør {day} finnes ikke lenger i Tripletex",
        "Voucher {voucher} of day sales {day} no longer exists in Tripletex",
        "Bilaget som skulle reverseres er slettet i Tripletex.",
        "The voucher to be reversed was deleted in Tripletex.",
        "Ingen handling trengs; den nye versjonen av dagen bokføres uten reversering.",
        "No action is needed; the new version of the day is posted without a reversal.",
    ),
    E(
        "daysales_no_days",
        "Ingen dagsoppgjør å eksportere for {period}",
        "No day sales to export for {period}",
        "Alle dagene i perioden er eksportert, er i en bunt, eller er før startdatoen.",
        "Every day of the period is exported, in a batch, or before the start date.",
        "Ingen handling trengs; importer dagsoppgjør fra kassen og kjør `txbridge pos close {period}`.",
        "No action is needed; import day sales from the POS and run `txbridge pos close {period}`.",
        web=W(
            "Ingen handling trengs; importer dagsoppgjør fra kassen, og be driftsansvarlig avslutte "
            "dagsoppgjørene for {period}.",
            "No action is needed; import day sales from the POS, and ask the operator to close the day "
            "sales of {period}.",
            None,
        ),
    ),
    E(
        "daysales_intake_not_balanced",
        "{item}: dagen går ikke i balanse (differanse {difference})",
        "{item}: the day does not balance (difference {difference})",
        "Betalinger og hendelser må til sammen være lik salget, på øret.",
        "Payments and events must add up to the sales, to the øre.",
        "Legg til avrunding («rounding») eller kassedifferanse («cash_difference») som hendelse på "
        "{difference}, og importer dagen på nytt.",
        "Add a rounding («rounding») or cash difference («cash_difference») event of {difference} and "
        "import the day again.",
    ),
    E(
        "daysales_intake_line_invalid",
        "{item}: {field} — {reason}",
        "{item}: {field} — {reason}",
        "En linje i dagsoppgjøret passer ikke med typen sin (salg, betaling eller hendelse).",
        "A line of the day does not fit its type (sale, payment or event).",
        "Rett linjen i kassens eksport og importer dagen på nytt.",
        "Correct the line in the POS's export and import the day again.",
    ),
    E(
        "daysales_csv_rows_disagree",
        "{item}: radene {rows} er samme dag, men {column} er ulik ({values})",
        "{item}: rows {rows} are one day, but {column} differs ({values})",
        "Rader med samme hostId er linjer i ett dagsoppgjør og må ha like sted og dato; importen slår "
        "aldri sammen ulike verdier.",
        "Rows with the same hostId are lines of one Z-report and must have the same location and date; "
        "the import never merges different values.",
        "Gi radene {rows} samme {column}, eller gi dagene hver sin hostId.",
        "Give rows {rows} the same {column}, or give the days a hostId each.",
    ),
    E(
        "daysales_csv_split",
        "{item}: hostId står på rader som ikke henger sammen ({rows})",
        "{item}: the hostId is on rows that are not together ({rows})",
        "Linjene i et dagsoppgjør må stå rett etter hverandre; ellers er det uklart om det er én dag "
        "eller to med samme id.",
        "A day's lines must follow each other; otherwise it is unclear whether this is one day or two "
        "with the same id.",
        "Flytt radene {rows} sammen hvis de er én dag, eller gi den ene dagen en ny hostId.",
        "Move rows {rows} together if they are one day, or give one of the days a new hostId.",
    ),
    E(
        "daysales_intake_in_batch",
        "{item}: dagen eksporteres i bunt {batch} og kan ikke endres nå",
        "{item}: the day is being exported in batch {batch} and cannot change now",
        "En dag i en bunt som ikke er ferdig eksportert ville endret det bunten sender.",
        "A day in a batch that has not finished exporting would change what the batch sends.",
        "Vent til bunten er eksportert (`txbridge batch show {batch}`), og importer dagen på nytt; da "
        "blir den reversert og ført på nytt.",
        "Wait until the batch is exported (`txbridge batch show {batch}`), then import the day again; it "
        "is then reversed and posted again.",
        web=W(
            "Vent til bunten er eksportert (bunten viser framdriften), og importer dagen på nytt; da blir "
            "den reversert og ført på nytt.",
            "Wait until the batch is exported (the batch shows its progress), and import the day again; it "
            "is then reversed and posted again.",
            "batch",
        ),
    ),
    E(
        "daysales_not_found",
        "Dagsoppgjør {day} finnes ikke",
        "Day sales {day} are not found",
        "Elementet i bunten viser til en dag som er slettet her etter at bunten ble avsluttet.",
        "The batch item refers to a day that was deleted here after the batch was closed.",
        "Sjekk innholdet i bunten (`txbridge batch show {batch}`), og send dagen fra kassen igjen om den "
        "skal med.",
        "Check the contents of the batch (`txbridge batch show {batch}`), and send the day from the POS "
        "again if it belongs there.",
        web=W(
            "Sjekk innholdet i bunten, og send dagen fra kassen igjen om den skal med.",
            "Check the contents of the batch, and send the day from the POS again if it belongs there.",
            "batch",
        ),
    ),
    E(
        "daysales_already_exported",
        "Dagsoppgjør {day} er allerede bokført (bilag {voucher})",
        "Day sales {day} are already posted (voucher {voucher})",
        "Dagen har allerede en integrasjonsreferanse til et bilag i Tripletex, så den sendes ikke igjen.",
        "The day already has an integration reference to a voucher in Tripletex, so it is not sent again.",
        "Ingen handling trengs; endrer kassen dagen, blir bilaget reversert og dagen ført på nytt ved neste "
        "`txbridge pos close`.",
        "No action is needed; if the POS changes the day, its voucher is reversed and the day posted again "
        "at the next `txbridge pos close`.",
        web=W(
            "Ingen handling trengs; endrer kassen dagen, blir bilaget reversert og dagen ført på nytt neste "
            "gang dagsoppgjørene avsluttes.",
            "No action is needed; if the POS changes the day, the voucher is reversed and the day posted "
            "again the next time the day sales are closed.",
            None,
        ),
    ),
    E(
        "daysales_outcome_unknown",
        "Usikkert om dagsoppgjør {day} kom fram til Tripletex; avstemmer",
        "Unsure whether day sales {day} reached Tripletex; reconciling",
        "Forbindelsen ble brutt eller prosessen stoppet etter at bilaget ble sendt, før svaret kom.",
        "The connection broke or the process stopped after the voucher was sent, before the answer came.",
        "Kjør `txbridge batch export {batch}` igjen om litt: den søker etter bilagets eksterne nummer i "
        "Tripletex før den sender noe på nytt.",
        "Run `txbridge batch export {batch}` again in a moment: it looks for the voucher's external number "
        "in Tripletex before it sends anything again.",
        web=W(
            "Trykk «Eksporter» på bunten igjen om litt: den søker etter bilagets eksterne nummer i "
            "Tripletex før den sender noe på nytt.",
            "Press «Export» on the batch again in a while: it looks for the voucher's external number in "
            "Tripletex before it sends anything again.",
            "batch",
        ),
    ),
    E(
        "daysales_server_error",
        "Tripletex svarte med en intern feil (500) for dagsoppgjør {day} hver gang",
        "Tripletex answered with an internal error (500) for day sales {day} every time",
        "Tripletex tok imot de andre bilagene, men feiler på noe i dataene til denne dagen.",
        "Tripletex accepted the other vouchers but fails on something in this day's data.",
        "Sjekk dagens linjer og kontoer mot Tripletex, og kontakt Tripletex-support om de ser riktige ut; "
        + RETRY_NB,
        "Check the day's lines and accounts against Tripletex, and contact Tripletex support if they look "
        "right; " + RETRY_EN,
        web=W(
            "Sjekk dagens linjer og kontoer mot Tripletex, og kontakt Tripletex-support om de ser riktige "
            "ut; " + WEB_RETRY_NB,
            "Check the day's lines and accounts against Tripletex, and contact Tripletex support if they "
            "look right; " + WEB_RETRY_EN,
            "batch",
        ),
    ),
    E(
        "daysales_day_unknown",
        "Dagsoppgjør {day} finnes ikke her",
        "Day sales {day} are not here",
        "Kassen har ikke sendt et dagsoppgjør for dette stedet og denne dagen.",
        "The POS has not sent a Z-report for this location and day.",
        "Sjekk sted og dato (`txbridge pos days` viser dagene), eller send dagen fra kassen.",
        "Check the location and date (`txbridge pos days` lists the days), or send the day from the POS.",
        web=W(
            "Sjekk sted og dato, eller send dagen fra kassen.",
            "Check the location and the date, or send the day from the POS.",
            None,
        ),
    ),
    E(
        "daysales_not_in_batch",
        "Dagsoppgjør {day} er ikke i en eksportbunt",
        "Day sales {day} are not in an export batch",
        "Dager sendes når perioden deres avsluttes i en bunt.",
        "Days are sent when their period is closed into a batch.",
        "Kjør `txbridge pos close {period}` og så `txbridge batch export`.",
        "Run `txbridge pos close {period}`, then `txbridge batch export`.",
        web=W(
            "Be driftsansvarlig avslutte dagsoppgjørene for {period}, og trykk så «Eksporter» på bunten.",
            "Ask the operator to close the day sales of {period}, then press «Export» on the batch.",
            "batches",
        ),
    ),
    E(
        "daysales_no_fault",
        "Ingen feil funnet for dagsoppgjør {day}",
        "No fault found for day sales {day}",
        "Oppsett, kontoer, mva og periode er i orden; dagen venter bare på eksporten.",
        "Set-up, accounts, VAT and period are in order; the day only waits for its export.",
        "Kjør `txbridge batch export`.",
        "Run `txbridge batch export`.",
        web=W(
            "Trykk «Eksporter» på bunten.",
            "Press «Export» on the batch.",
            "batch",
        ),
    ),
    E(
        "daysales_intake_day_taken",
        "{item}: {location} {date} finnes allerede med en annen id ({host_id})",
        "{item}: {location} {date} already exists with another id ({host_id})",
        "Én sted og én dag er ett dagsoppgjør; to id-er for samme dag ville gitt to bilag.",
        "One location and one day are one Z-report; two ids for one day would make two vouchers.",
        "Send dagen med id {host_id}, eller rett sted eller dato.",
        "Send the day with id {host_id}, or correct the location or date.",
    ),
    # ---- Hours (timesheet entries from a time-tracking host) ---------------------------------------
    E(
        "hours_employee_missing",
        "{item}: mangler ansatt (employeeId, employeeNumber eller employeeEmail)",
        "{item}: no employee (employeeId, employeeNumber or employeeEmail)",
        "En time må si hvem som jobbet: timesystemets egen id for den ansatte (koblet av "
        "toveissynkroniseringen), eller ansattnummer eller e-post slik de står i Tripletex.",
        "An hour must say who worked: the time system's own id of the employee (linked by the two-way "
        "sync), or employee number or e-mail as Tripletex has them.",
        "Fyll inn employeeId, employeeNumber eller employeeEmail på {item} og importer på nytt.",
        "Fill in employeeId, employeeNumber or employeeEmail on {item} and import again.",
    ),
    E(
        "hours_activity_missing",
        "{item}: mangler aktivitet (activityNumber eller activityName)",
        "{item}: no activity (activityNumber or activityName)",
        "Tripletex fører timer på en aktivitet; timen må si hvilken.",
        "Tripletex records hours on an activity; the hour must say which.",
        "Fyll inn activityNumber eller activityName på {item} og importer på nytt.",
        "Fill in activityNumber or activityName on {item} and import again.",
    ),
    E(
        "hours_in_batch",
        "{item}: timen er i bunt {batch}, som ikke er ferdig eksportert",
        "{item}: the hour is in batch {batch}, which has not finished exporting",
        "En time kan ikke endres mens den er på vei til Tripletex.",
        "An hour cannot change while it is on its way to Tripletex.",
        "Eksporter bunten med `txbridge batch export {batch}`, og importer endringen etterpå; "
        "den sendes da som en retting.",
        "Export the batch with `txbridge batch export {batch}` and import the change afterwards; "
        "it is then sent as a correction.",
        web=W(
            "Trykk «Eksporter» på bunten, og importer endringen etterpå; den sendes da som en retting.",
            "Press «Export» on the batch, and import the change afterwards; it is then sent as a correction.",
            "batch",
        ),
    ),
    E(
        "hours_employee_not_found",
        "Time {hours}: ansatt {employee} finnes ikke i Tripletex",
        "Hour {hours}: employee {employee} was not found in Tripletex",
        "Verken ansattnummeret eller e-posten fra timesystemet finnes på en ansatt i Tripletex.",
        "Neither the employee number nor the e-mail from the time system is on an employee in Tripletex.",
        "Opprett den ansatte i Tripletex med samme ansattnummer eller e-post, eller rett den ansatte "
        "i timesystemet; " + RETRY_NB,
        "Add the employee in Tripletex with the same employee number or e-mail, or correct the employee "
        "in the time system; " + RETRY_EN,
        web=W(
            "Opprett den ansatte i Tripletex med samme ansattnummer eller e-post, eller rett den ansatte i "
            "timesystemet; " + WEB_RETRY_NB,
            "Add the employee in Tripletex with the same employee number or e-mail, or correct the employee "
            "in the time system; " + WEB_RETRY_EN,
            "batch",
        ),
    ),
    E(
        "hours_project_not_found",
        "Time {hours}: prosjekt {project} finnes ikke i Tripletex",
        "Hour {hours}: project {project} was not found in Tripletex",
        "Prosjektnummeret fra timesystemet finnes ikke på et prosjekt i Tripletex.",
        "The project number from the time system is not on a project in Tripletex.",
        "Opprett prosjekt {project} i Tripletex (samme nummer), eller rett prosjektet i timesystemet; "
        + RETRY_NB,
        "Add project {project} in Tripletex (same number), or correct the project in the time system; "
        + RETRY_EN,
        web=W(
            "Opprett prosjekt {project} i Tripletex (samme nummer), eller rett prosjektet i timesystemet; "
            + WEB_RETRY_NB,
            "Add project {project} in Tripletex (same number), or correct the project in the time system; "
            + WEB_RETRY_EN,
            "batch",
        ),
    ),
    E(
        "hours_employee_not_linked",
        "Time {hours}: ansatt {employee} i timesystemet er ikke koblet til en ansatt i Tripletex",
        "Hour {hours}: employee {employee} of the time system is not linked to an employee in Tripletex",
        "Timen nevner den ansatte med timesystemets egen id, og toveissynkroniseringen har ingen kobling "
        "fra den til en ansatt som finnes i Tripletex.",
        "The hour names the employee by the time system's own id, and the two-way sync has no link "
        "from it to an employee Tripletex has.",
        "Synkroniser den ansatte til Tripletex med toveissynkroniseringen (eller avgjør koblingen der), "
        "eller send også employeeNumber eller employeeEmail med timen; " + RETRY_NB,
        "Sync the employee to Tripletex with the two-way sync (or decide its link there), or also send "
        "employeeNumber or employeeEmail with the hour; " + RETRY_EN,
        web=W(
            "Synkroniser den ansatte til Tripletex under «Synkronisering» (eller avgjør koblingen under "
            "«Til avgjørelse»), eller send også employeeNumber eller employeeEmail med timen; "
            + WEB_RETRY_NB,
            "Sync the employee to Tripletex under «Synchronisation» (or decide its link under «To decide»), "
            "or also send employeeNumber or employeeEmail with the hour; " + WEB_RETRY_EN,
            "sync",
        ),
    ),
    E(
        "hours_project_not_linked",
        "Time {hours}: prosjekt {project} i timesystemet er ikke koblet til et prosjekt i Tripletex",
        "Hour {hours}: project {project} of the time system is not linked to a project in Tripletex",
        "Timen nevner prosjektet med timesystemets egen id, og toveissynkroniseringen har ingen kobling "
        "fra det til et prosjekt som finnes i Tripletex.",
        "The hour names the project by the time system's own id, and the two-way sync has no link from "
        "it to a project Tripletex has.",
        "Synkroniser prosjektet til Tripletex med toveissynkroniseringen (eller avgjør koblingen der), "
        "eller send også projectNumber med timen; " + RETRY_NB,
        "Sync the project to Tripletex with the two-way sync (or decide its link there), or also send "
        "projectNumber with the hour; " + RETRY_EN,
        web=W(
            "Synkroniser prosjektet til Tripletex under «Synkronisering» (eller avgjør koblingen under "
            "«Til avgjørelse»), eller send også projectNumber med timen; " + WEB_RETRY_NB,
            "Sync the project to Tripletex under «Synchronisation» (or decide its link under «To decide»), "
            "or also send projectNumber with the hour; " + WEB_RETRY_EN,
            "sync",
        ),
    ),
    E(
        "hours_employee_held",
        "Time {hours}: ansatt {employee} venter på en avgjørelse i toveissynkroniseringen (sak {held})",
        "Hour {hours}: employee {employee} waits for a decision in the two-way sync (case {held})",
        "Synkroniseringen er ikke sikker på hvem den ansatte er i Tripletex (to mulige treff, eller samme "
        "nummer på to personer); timen føres ikke før det er avgjort, så den aldri havner på feil person.",
        "The sync is not sure who the employee is in Tripletex (two plausible matches, or one number on "
        "two people); the hour is not recorded until that is decided, so it never lands on the wrong "
        "person.",
        "Avgjør sak {held} med `txbridge sync decide {held} --link ID` (eller på skjermen «Til "
        "avgjørelse»); " + RETRY_NB,
        "Decide case {held} with `txbridge sync decide {held} --link ID` (or on the «To decide» "
        "screen); " + RETRY_EN,
        web=W(
            "Avgjør sak {held} under «Til avgjørelse»; " + WEB_RETRY_NB,
            "Decide case {held} under «To decide»; " + WEB_RETRY_EN,
            "sync_held",
        ),
    ),
    E(
        "hours_project_held",
        "Time {hours}: prosjekt {project} venter på en avgjørelse i toveissynkroniseringen (sak {held})",
        "Hour {hours}: project {project} waits for a decision in the two-way sync (case {held})",
        "Synkroniseringen er ikke sikker på hvilket prosjekt i Tripletex dette er (to mulige treff); "
        "timen føres ikke før det er avgjort, så den aldri havner på feil prosjekt.",
        "The sync is not sure which project in Tripletex this is (two plausible matches); the hour is "
        "not recorded until that is decided, so it never lands on the wrong project.",
        "Avgjør sak {held} med `txbridge sync decide {held} --link ID` (eller på skjermen «Til "
        "avgjørelse»); " + RETRY_NB,
        "Decide case {held} with `txbridge sync decide {held} --link ID` (or on the «To decide» "
        "screen); " + RETRY_EN,
        web=W(
            "Avgjør sak {held} under «Til avgjørelse»; " + WEB_RETRY_NB,
            "Decide case {held} under «To decide»; " + WEB_RETRY_EN,
            "sync_held",
        ),
    ),
    E(
        "hours_employee_linked_elsewhere",
        "Time {hours}: ansatt {employee} er i Tripletex koblet til en annen ansatt ({linked}) enn "
        "timens ({host_id})",
        "Hour {hours}: employee {employee} is linked in Tripletex to another employee ({linked}) than "
        "the hour's ({host_id})",
        "Toveissynkroniseringen kobler den ansatte med dette ansattnummeret eller denne e-posten i "
        "Tripletex til en annen ansatt i timesystemet; timen føres ikke på feil person.",
        "The two-way sync links the Tripletex employee with this employee number or e-mail to another "
        "employee of the time system; the hour is not put on the wrong person.",
        "Koble ansatt {host_id} til riktig ansatt i Tripletex i toveissynkroniseringen, eller rett "
        "ansattnummeret eller e-posten på timen i timesystemet; " + RETRY_NB,
        "Link employee {host_id} to the right Tripletex employee in the two-way sync, or correct the "
        "hour's employee number or e-mail in the time system; " + RETRY_EN,
        web=W(
            "Koble ansatt {host_id} til riktig ansatt i Tripletex i toveissynkroniseringen (se "
            "«Synkronisering»), eller rett ansattnummeret eller e-posten på timen i timesystemet; "
            + WEB_RETRY_NB,
            "Link employee {host_id} to the right Tripletex employee in the two-way sync (see "
            "«Synchronisation»), or correct the hour's employee number or e-mail in the time system; "
            + WEB_RETRY_EN,
            "sync",
        ),
    ),
    E(
        "hours_project_linked_elsewhere",
        "Time {hours}: prosjekt {project} er i Tripletex koblet til et annet prosjekt ({linked}) enn "
        "timens ({host_id})",
        "Hour {hours}: project {project} is linked in Tripletex to another project ({linked}) than the "
        "hour's ({host_id})",
        "Toveissynkroniseringen kobler prosjektet med dette nummeret i Tripletex til et annet prosjekt "
        "i timesystemet; timen føres ikke på feil prosjekt.",
        "The two-way sync links the Tripletex project with this number to another project of the time "
        "system; the hour is not put on the wrong project.",
        "Koble prosjekt {host_id} til riktig prosjekt i Tripletex i toveissynkroniseringen, eller rett "
        "prosjektnummeret på timen i timesystemet; " + RETRY_NB,
        "Link project {host_id} to the right Tripletex project in the two-way sync, or correct the "
        "hour's project number in the time system; " + RETRY_EN,
        web=W(
            "Koble prosjekt {host_id} til riktig prosjekt i Tripletex i toveissynkroniseringen (se "
            "«Synkronisering»), eller rett prosjektnummeret på timen i timesystemet; " + WEB_RETRY_NB,
            "Link project {host_id} to the right Tripletex project in the two-way sync (see "
            "«Synchronisation»), or correct the hour's project number in the time system; " + WEB_RETRY_EN,
            "sync",
        ),
    ),
    E(
        "hours_activity_not_found",
        "Time {hours}: aktivitet {activity} finnes ikke i Tripletex",
        "Hour {hours}: activity {activity} was not found in Tripletex",
        "Verken aktivitetsnummeret eller navnet fra timesystemet finnes på en aktiv aktivitet i Tripletex.",
        "Neither the activity number nor the name from the time system is on an active activity in "
        "Tripletex.",
        "Opprett aktiviteten i Tripletex (Prosjekt → Aktiviteter) med samme nummer eller navn, eller "
        "rett aktiviteten i timesystemet; " + RETRY_NB,
        "Add the activity in Tripletex (Project → Activities) with the same number or name, or correct "
        "the activity in the time system; " + RETRY_EN,
        web=W(
            "Opprett aktiviteten i Tripletex (Prosjekt → Aktiviteter) med samme nummer eller navn, eller "
            "rett aktiviteten i timesystemet; " + WEB_RETRY_NB,
            "Add the activity in Tripletex (Project → Activities) with the same number or name, or correct "
            "the activity in the time system; " + WEB_RETRY_EN,
            "batch",
        ),
    ),
    E(
        "hours_activity_not_on_project",
        "Time {hours}: aktivitet {activity} kan ikke føres på prosjekt {project}",
        "Hour {hours}: activity {activity} cannot be used on project {project}",
        "Tripletex godtar bare timer på aktiviteter som er lagt til prosjektet (og generelle aktiviteter "
        "bare uten prosjekt).",
        "Tripletex only takes hours on activities added to the project (and general activities only "
        "without a project).",
        "Legg aktiviteten til prosjektet i Tripletex (Prosjekt → Aktiviteter), eller før timen på en "
        "annen aktivitet i timesystemet; " + RETRY_NB,
        "Add the activity to the project in Tripletex (Project → Activities), or put the hour on "
        "another activity in the time system; " + RETRY_EN,
        web=W(
            "Legg aktiviteten til prosjektet i Tripletex (Prosjekt → Aktiviteter), eller før timen på en "
            "annen aktivitet i timesystemet; " + WEB_RETRY_NB,
            "Add the activity to the project in Tripletex (Project → Activities), or put the hour on "
            "another activity in the time system; " + WEB_RETRY_EN,
            "batch",
        ),
    ),
    E(
        "hours_activity_needs_project",
        "Time {hours}: aktivitet {activity} er en prosjektaktivitet, men timen har ikke prosjekt",
        "Hour {hours}: activity {activity} is a project activity, but the hour has no project",
        "Tripletex fører timer på prosjektaktiviteter bare med et prosjekt.",
        "Tripletex records hours on project activities only with a project.",
        "Sett prosjekt på timen i timesystemet, eller før den på en generell aktivitet; " + RETRY_NB,
        "Put a project on the hour in the time system, or record it on a general activity; " + RETRY_EN,
        web=W(
            "Sett prosjekt på timen i timesystemet, eller før den på en generell aktivitet; " + WEB_RETRY_NB,
            "Put a project on the hour in the time system, or record it on a general activity; "
            + WEB_RETRY_EN,
            "batch",
        ),
    ),
    E(
        "hours_project_closed",
        "Time {hours}: prosjekt {project} er avsluttet eller gjelder ikke {date}",
        "Hour {hours}: project {project} is closed or does not cover {date}",
        "Tripletex tar ikke timer på et avsluttet prosjekt eller utenfor prosjektets start- og sluttdato.",
        "Tripletex takes no hours on a closed project or outside the project's start and end date.",
        "Åpne prosjektet eller endre datoene i Tripletex, eller rett timen i timesystemet; " + RETRY_NB,
        "Reopen the project or change its dates in Tripletex, or correct the hour in the time system; "
        + RETRY_EN,
        web=W(
            "Åpne prosjektet eller endre datoene i Tripletex, eller rett timen i timesystemet; "
            + WEB_RETRY_NB,
            "Reopen the project or change its dates in Tripletex, or correct the hour in the time system; "
            + WEB_RETRY_EN,
            "batch",
        ),
    ),
    E(
        "hours_over_24",
        "Time {hours}: {employee} får mer enn 24 timer {date}",
        "Hour {hours}: {employee} would have more than 24 hours on {date}",
        "Tripletex tar høyst 24 timer per ansatt og dag, medregnet timer som alt er ført.",
        "Tripletex takes at most 24 hours per employee and day, counting hours already there.",
        "Rett timene for dagen i timesystemet (eller i Tripletex); " + RETRY_NB,
        "Correct the day's hours in the time system (or in Tripletex); " + RETRY_EN,
        web=W(
            "Rett timene for dagen i timesystemet (eller i Tripletex); " + WEB_RETRY_NB,
            "Correct the day's hours in the time system (or in Tripletex); " + WEB_RETRY_EN,
            "batch",
        ),
    ),
    E(
        "hours_same_key",
        "Time {hours}: samme ansatt, dato, aktivitet og prosjekt som time {other}",
        "Hour {hours}: same employee, date, activity and project as hour {other}",
        "Tripletex har én timeføring per ansatt, dato, aktivitet og prosjekt; Tripletex Bridge legger ikke "
        "sammen timer, så hver time i timesystemet svarer til én føring og kan rettes og slettes alene.",
        "Tripletex has one entry per employee, date, activity and project; Tripletex Bridge does not add "
        "hours together, so each hour in the time system is one entry and can be corrected and deleted "
        "on its own.",
        "Slå sammen de to timene i timesystemet (eller før dem på hver sin aktivitet); " + RETRY_NB,
        "Merge the two hours in the time system (or put them on different activities); " + RETRY_EN,
        web=W(
            "Slå sammen de to timene i timesystemet (eller før dem på hver sin aktivitet); " + WEB_RETRY_NB,
            "Merge the two hours in the time system (or put them on different activities); " + WEB_RETRY_EN,
            "batch",
        ),
    ),
    E(
        "hours_entry_exists",
        "Time {hours}: Tripletex har alt en føring for {employee} {date} på samme aktivitet og prosjekt",
        "Hour {hours}: Tripletex already has an entry for {employee} on {date} on the same activity "
        "and project",
        "Noen har ført timer direkte i Tripletex på samme ansatt, dato, aktivitet og prosjekt.",
        "Someone recorded hours directly in Tripletex on the same employee, date, activity and project.",
        "Slett eller flytt føringen i Tripletex (timen fra timesystemet skal stå der), eller slett timen "
        "i timesystemet; " + RETRY_NB,
        "Delete or move the entry in Tripletex (the hour from the time system belongs there), or delete "
        "the hour in the time system; " + RETRY_EN,
        web=W(
            "Slett eller flytt føringen i Tripletex (timen fra timesystemet skal stå der), eller slett "
            "timen i timesystemet; " + WEB_RETRY_NB,
            "Delete or move the entry in Tripletex (the hour from the time system belongs there), or delete "
            "the hour in the time system; " + WEB_RETRY_EN,
            "batch",
        ),
    ),
    E(
        "hours_month_locked",
        "Time {hours}: timelisten til {employee} for {month} er godkjent og låst i Tripletex",
        "Hour {hours}: {employee}'s timesheet for {month} is approved and locked in Tripletex",
        "En godkjent måned i Tripletex kan ikke få nye, endrede eller slettede timer.",
        "An approved month in Tripletex takes no new, changed or deleted hours.",
        "Be den som godkjenner timer om å oppheve godkjenningen av måneden i Tripletex (Timeliste → "
        "Måned), og " + RETRY_NB.replace("kjør så", "kjør"),
        "Ask whoever approves hours to unapprove the month in Tripletex (Timesheet → Month), " + RETRY_EN,
        web=W(
            "Be den som godkjenner timer om å oppheve godkjenningen av måneden i Tripletex (Timeliste → "
            "Måned), og trykk «Tilbakestill bunten» og deretter «Eksporter» på bunten.",
            "Ask whoever approves hours to reopen the month in Tripletex (Timesheet → Month), and press "
            "«Reset the batch» and then «Export» on the batch.",
            "batch",
        ),
    ),
    E(
        "hours_correction_locked",
        "Time {hours} er {change} etter eksporten, men {month} er godkjent i Tripletex; "
        "rettingen er ikke sendt",
        "Hour {hours} was {change} after the export, but {month} is approved in Tripletex; the "
        "correction was not sent",
        "Føringen i Tripletex ligger i en godkjent og låst måned, så den kan ikke endres eller slettes.",
        "The entry in Tripletex is in an approved and locked month, so it cannot be changed or deleted.",
        "Be den som godkjenner timer om å oppheve godkjenningen av {month} i Tripletex, og "
        + RETRY_NB.replace("kjør så", "kjør")
        + " Eller gjør rettingen for hånd i en åpen måned i Tripletex.",
        "Ask whoever approves hours to unapprove {month} in Tripletex, "
        + RETRY_EN
        + " Or make the correction by hand in an open month in Tripletex.",
        web=W(
            "Be den som godkjenner timer om å oppheve godkjenningen av {month} i Tripletex, og trykk "
            "«Tilbakestill bunten» og deretter «Eksporter» på bunten. Eller gjør rettingen for hånd i en "
            "åpen måned i Tripletex.",
            "Ask whoever approves hours to reopen {month} in Tripletex, and press «Reset the batch» and "
            "then «Export» on the batch. Or make the correction by hand in an open month in Tripletex.",
            "batch",
        ),
    ),
    E(
        "hours_entry_gone",
        "Time {hours} er endret etter eksporten, men føringen er slettet i Tripletex",
        "Hour {hours} was changed after the export, but its entry was deleted in Tripletex",
        "Noen har slettet timeføringen i Tripletex; rettingen har ingenting å endre.",
        "Someone deleted the timesheet entry in Tripletex; the correction has nothing to change.",
        "Før timen på nytt i Tripletex for hånd, eller slett og importer timen med ny id i timesystemet.",
        "Record the hour again in Tripletex by hand, or delete it and import it with a new id from the "
        "time system.",
    ),
    E(
        "hours_not_found",
        "Time {hours} finnes ikke",
        "Hour {hours} is not found",
        "Timesystemet har ikke sendt en time med denne id-en til Tripletex Bridge.",
        "The time system has not sent an hour with this id to Tripletex Bridge.",
        "Sjekk id-en, og importer timen (`txbridge import`) om den mangler.",
        "Check the id, and import the hour (`txbridge import`) if it is missing.",
        web=W(
            "Sjekk id-en, og send timen fra timesystemet på nytt om den mangler.",
            "Check the id, and send the hours from the time system again if they are missing.",
            None,
        ),
    ),
    E(
        "hours_deleted_in_host",
        "Time {hours} er slettet i timesystemet før den ble eksportert",
        "Hour {hours} was deleted in the time system before it was exported",
        "Timen ble aldri sendt til Tripletex, og skal heller ikke sendes.",
        "The hour was never sent to Tripletex, and is not to be sent.",
        "Ingen handling trengs; importer timen på nytt uten «deleted» om den skal med.",
        "No action is needed; import the hour again without «deleted» if it is to go.",
    ),
    E(
        "hours_batch_not_exported",
        "Time {hours} venter i bunt {batch}, som ikke er eksportert ennå",
        "Hour {hours} waits in batch {batch}, which has not been exported yet",
        "Timen er klar, men bunten er ikke sendt til Tripletex.",
        "The hour is ready, but the batch has not been sent to Tripletex.",
        "Kjør `txbridge batch export {batch}`.",
        "Run `txbridge batch export {batch}`.",
        web=W(
            "Trykk «Eksporter» på bunten.",
            "Press «Export» on the batch.",
            "batch",
        ),
    ),
    E(
        "hours_already_exported",
        "Time {hours} er i Tripletex (timeføring {entry})",
        "Hour {hours} is in Tripletex (timesheet entry {entry})",
        "Timen er eksportert og ikke endret siden.",
        "The hour is exported and not changed since.",
        "Ingen handling trengs.",
        "No action is needed.",
    ),
    E(
        "hours_rejected",
        "Time {hours} ble avvist av Tripletex: {reason}",
        "Hour {hours} was rejected by Tripletex: {reason}",
        "Tripletex godtok ikke timeføringen.",
        "Tripletex did not accept the timesheet entry.",
        "Rett timen i timesystemet etter Tripletex' melding; " + RETRY_NB,
        "Correct the hour in the time system as Tripletex's message says; " + RETRY_EN,
        web=W(
            "Rett timen i timesystemet etter Tripletex' melding; " + WEB_RETRY_NB,
            "Correct the hour in the time system as Tripletex's message says; " + WEB_RETRY_EN,
            "batch",
        ),
    ),
    E(
        "webhook_public_url_missing",
        "Sanntidssynk er ikke satt opp for {connection}: den offentlige adressen mangler",
        "Real-time sync is not set up for {connection}: the public address is missing",
        "Tripletex sender hendelser til en adresse det kan nå, og TXBRIDGE_PUBLIC_URL er ikke satt.",
        "Tripletex sends events to an address it can reach, and TXBRIDGE_PUBLIC_URL is not set.",
        "Sett TXBRIDGE_PUBLIC_URL til nettappens HTTPS-adresse (for eksempel https://bro.example.no); "
        "til da holder nattens avstemming dataene like.",
        "Set TXBRIDGE_PUBLIC_URL to the web app's HTTPS address (for example https://bro.example.no); "
        "until then the nightly reconcile keeps the data the same.",
    ),
    E(
        "webhook_subscribe_failed",
        "Kunne ikke abonnere på hendelser fra Tripletex for {connection}: {reason}",
        "Could not subscribe to events from Tripletex for {connection}: {reason}",
        "Tripletex avviste abonnementet eller svarte ikke.",
        "Tripletex refused the subscription or did not answer.",
        "Sjekk at TXBRIDGE_PUBLIC_URL er en HTTPS-adresse Tripletex kan nå; abonnementet prøves igjen "
        "innen en time, og nattens avstemming holder dataene like imens.",
        "Check that TXBRIDGE_PUBLIC_URL is an HTTPS address Tripletex can reach; the subscription is "
        "tried again within the hour, and the nightly reconcile keeps the data the same meanwhile.",
    ),
    E(
        "webhook_subscription_disabled",
        "Tripletex hadde slått av hendelsen {event} for {connection} ({status}); den er slått på igjen",
        "Tripletex had disabled the event {event} for {connection} ({status}); it has been enabled again",
        "Tripletex slår av et abonnement når mottakeren svarer med feil eller for sakte for mange ganger "
        "på rad, eller når den blir overbelastet.",
        "Tripletex disables a subscription when the receiver answers with errors or too slowly too many "
        "times in a row, or when it is overloaded.",
        "Ingen handling trengs: en avstemming er satt i kø og henter det som ble endret imens. Skjer "
        "det ofte, sjekk at nettappen svarer på {url}.",
        "No action is needed: a reconcile has been queued and fetches what changed meanwhile. If it "
        "happens often, check that the web app answers at {url}.",
    ),
    E(
        "webhook_refused",
        "Et webhook-kall til {connection} ble avvist: {reason}",
        "A webhook call to {connection} was refused: {reason}",
        "Kallet hadde ikke riktig nøkkel eller signatur, så innholdet kan ikke stoles på.",
        "The call did not carry the right key or signature, so its content cannot be trusted.",
        "Ingen handling trengs om det var et enkeltstående kall. Kommer det mange, kan noen prøve å "
        "sende falske hendelser: sjekk hvem som når adressen.",
        "No action is needed for a single call. If many arrive, someone may be trying to send forged "
        "events: check who can reach the address.",
    ),
    E(
        "webhook_event_failed",
        "Hendelsen {event} for objekt {object} kunne ikke behandles: {reason}",
        "The event {event} for object {object} could not be processed: {reason}",
        "Objektet kunne ikke hentes fra Tripletex.",
        "The object could not be fetched from Tripletex.",
        "Ingen handling trengs: hendelsen prøves igjen, og nattens avstemming retter det som mangler.",
        "No action is needed: the event is tried again, and the nightly reconcile repairs what is missing.",
    ),
    # ---- Two-way sync (customers, projects, employees) -------------------------------------------
    E(
        "sync_window_too_large",
        "Tripletex vil ikke lese {resource} i vinduer små nok ({window}): over 10 000 rader i ett vindu",
        "Tripletex will not read {resource} in windows small enough ({window}): over 10,000 rows in one "
        "window",
        "Tripletex svarer ikke på et søk med over 10 000 treff, og dette vinduet kan ikke deles mer med "
        "filtrene Tripletex har.",
        "Tripletex refuses a search of more than 10,000 rows, and this window cannot be split further "
        "with the filters Tripletex has.",
        "Meld det til leverandøren med vinduet som står her; resten av synkroniseringen venter.",
        "Report it to the vendor with the window named here; the rest of the sync waits.",
    ),
    E(
        "sync_project_no_start_date",
        "Prosjektet {object} synkroniseres ikke: det har ingen startdato",
        "Project {object} is not synced: it has no start date",
        "Synkroniseringsregel: et prosjekt uten startdato tas ikke med.",
        "Sync rule: a project without a start date is left out.",
        "Gi prosjektet en startdato der det ble laget; det synkroniseres ved neste endring.",
        "Give the project a start date where it was made; it syncs with its next change.",
    ),
    E(
        "sync_employee_no_last_name",
        "Den ansatte {object} synkroniseres ikke: etternavn mangler",
        "Employee {object} is not synced: the last name is missing",
        "Synkroniseringsregel: en ansatt uten etternavn hoppes over.",
        "Sync rule: an employee without a last name is skipped.",
        "Legg inn etternavnet der den ansatte ble laget; den synkroniseres ved neste endring.",
        "Enter the last name where the employee was made; it syncs with its next change.",
    ),
    E(
        "sync_customer_inactive",
        "Kunden {object} synkroniseres ikke: den er inaktiv",
        "Customer {object} is not synced: it is inactive",
        "Synkroniseringsregel: inaktive kunder tas ikke med.",
        "Sync rule: inactive customers are left out.",
        "Aktiver kunden i Tripletex om den skal synkroniseres.",
        "Activate the customer in Tripletex if it is to be synced.",
    ),
    E(
        "sync_customer_number_taken",
        "Kunden {object} synkroniseres ikke: kundenummer {number} tilhører en annen kunde i Tripletex "
        "({other})",
        "Customer {object} is not synced: customer number {number} belongs to another customer in "
        "Tripletex ({other})",
        "Tripletex eier kundenummeret, og to kunder kan ikke ha samme nummer.",
        "Tripletex owns the customer number, and two customers cannot share one.",
        "Fjern eller rett kundenummeret i vertssystemet (Tripletex gir et nytt), og send kunden på nytt.",
        "Remove or correct the customer number in the host system (Tripletex gives a new one), and send "
        "the customer again.",
    ),
    E(
        "sync_held_ambiguous",
        "{object} har flere mulige treff og venter på en avgjørelse (sak {held}): {candidates}",
        "{object} has several plausible matches and waits for a decision (case {held}): {candidates}",
        "Synkroniseringen gjetter aldri: to mulige treff kobles ikke automatisk.",
        "The sync never guesses: two plausible matches are not linked automatically.",
        "Velg riktig treff med `txbridge sync decide {held} --link ID`, eller `--create-new` / `--skip`.",
        "Pick the right match with `txbridge sync decide {held} --link ID`, or `--create-new` / `--skip`.",
        web=W(
            "Velg riktig treff under «Til avgjørelse» (sak {held}), eller velg å opprette det nytt eller "
            "holde det utenfor.",
            "Choose the right match under «To decide» (case {held}), or choose to create it new or leave it "
            "out.",
            "sync_held",
        ),
    ),
    E(
        "sync_held_employee_number",
        "Den ansatte {object} har samme ansattnummer ({number}) som {other} i Tripletex, men annet navn og "
        "e-post (sak {held})",
        "Employee {object} has the same employee number ({number}) as {other} in Tripletex, but another "
        "name and e-mail (case {held})",
        "Samme nummer i to systemer er ikke nødvendigvis samme person; timer må aldri havne på feil person.",
        "One number in two systems is not necessarily one person; hours must never land on the wrong person.",
        "Avgjør med `txbridge sync decide {held} --link ID` om det er samme person, ellers `--create-new`.",
        "Decide with `txbridge sync decide {held} --link ID` if it is the same person, else `--create-new`.",
        web=W(
            "Avgjør under «Til avgjørelse» (sak {held}) om det er samme person; ellers velg å opprette den "
            "ansatte ny.",
            "Decide under «To decide» (case {held}) whether it is the same person; otherwise choose to "
            "create the employee new.",
            "sync_held",
        ),
    ),
    E(
        "sync_conflict_resolved",
        "{object}: {field} ble endret i begge systemer; {winner} eier feltet, og den verdien gjelder "
        "({kept})",
        "{object}: {field} was changed in both systems; {winner} owns the field, and its value stands "
        "({kept})",
        "Konfliktregel: når begge sider endret samme felt siden forrige synkronisering, vinner siden som "
        "eier feltet.",
        "Conflict rule: when both sides changed one field since the last sync, the side that owns the "
        "field wins.",
        "Ingen handling trengs; endre feltet i {winner} om den andre verdien var riktig.",
        "No action is needed; change the field in {winner} if the other value was right.",
    ),
    E(
        "sync_field_owned_by_tripletex",
        "{object}: endringen av {field} fra vertssystemet sendes ikke; Tripletex eier feltet",
        "{object}: the host system's change of {field} is not sent; Tripletex owns the field",
        "Feltregel: Tripletex eier kundenummer, regnskapsinnstillinger, faktura-e-post og sendemåte, "
        "prosjekt- og ansattnummer og den ansattes e-post.",
        "Field rule: Tripletex owns customer number, ledger settings, invoice e-mail and send method, "
        "project and employee numbers and the employee's e-mail.",
        "Endre feltet i Tripletex; endringen kommer tilbake til vertssystemet.",
        "Change the field in Tripletex; the change comes back to the host system.",
    ),
    E(
        "sync_host_delete_unlinked",
        "{object} ble slettet i vertssystemet; koblingen er fjernet, men objektet er beholdt i Tripletex",
        "{object} was deleted in the host system; the link is removed, but the object is kept in Tripletex",
        "Sletteregel: en sletting i vertssystemet fjerner koblingen, den sletter ikke i Tripletex.",
        "Delete rule: a delete in the host system removes the link; it does not delete in Tripletex.",
        "Slett eller deaktiver objektet i Tripletex om det ikke skal brukes der heller.",
        "Delete or deactivate the object in Tripletex if it is not to be used there either.",
    ),
    E(
        "sync_customer_deactivated",
        "Kunden {object} kan ikke slettes i Tripletex (den har fakturaer); den er deaktivert i stedet",
        "Customer {object} cannot be deleted in Tripletex (it has invoices); it was deactivated instead",
        "Tripletex sletter ikke en kunde som har fakturaer.",
        "Tripletex does not delete a customer that has invoices.",
        "Ingen handling trengs; kunden er inaktiv i Tripletex.",
        "No action is needed; the customer is inactive in Tripletex.",
    ),
    E(
        "sync_tripletex_refused",
        "Tripletex avviste {object}: {detail}",
        "Tripletex refused {object}: {detail}",
        "Tripletex godtok ikke dataene.",
        "Tripletex did not accept the data.",
        "Rett dataene i vertssystemet etter meldingen og send objektet på nytt; se `txbridge sync log`.",
        "Correct the data in the host system as the message says and send the object again; see `txbridge "
        "sync log`.",
        web=W(
            "Rett dataene i vertssystemet etter meldingen og send objektet på nytt; se «Synk-logg».",
            "Correct the data in the host system as the message says and send the object again; see the "
            "«Sync log».",
            "sync_log",
        ),
    ),
    E(
        "sync_reference_not_linked",
        "Prosjektet {object} venter: {what} {ref} er ikke koblet ennå",
        "Project {object} waits: {what} {ref} is not linked yet",
        "Et prosjekt trenger at kunden og prosjektlederen finnes i begge systemer først.",
        "A project needs its customer and project manager in both systems first.",
        "Synkroniser kunden eller den ansatte først (se `txbridge sync held`); prosjektet følger etter.",
        "Sync the customer or the employee first (see `txbridge sync held`); the project follows.",
        web=W(
            "Synkroniser kunden eller den ansatte først (se «Til avgjørelse»); prosjektet følger etter.",
            "Sync the customer or the employee first (see «To decide»); the project follows.",
            "sync_held",
        ),
    ),
    E(
        "sync_field_invalid",
        "{object}: feltet {field} er ugyldig: {reason}",
        "{object}: the field {field} is invalid: {reason}",
        "Vertssystemet sendte en verdi synkroniseringen ikke kan bruke.",
        "The host system sent a value the sync cannot use.",
        "Rett feltet og send objektet på nytt; de andre objektene er tatt imot.",
        "Correct the field and send the object again; the other objects were accepted.",
    ),
    E(
        "sync_tripletex_id_taken",
        "{object}: Tripletex-id {tripletex_id} er allerede koblet til {other}",
        "{object}: Tripletex id {tripletex_id} is already linked to {other}",
        "Ett objekt i Tripletex kan bare være koblet til ett objekt i vertssystemet.",
        "One object in Tripletex can be linked to one object in the host system only.",
        "Send objektet uten tripletex_id, eller med id-en til objektet det egentlig svarer til.",
        "Send the object without tripletex_id, or with the id of the object it really is.",
    ),
    E(
        "sync_file_needs_resource",
        "Filen {path} har bare én sort objekter, og da må den sies",
        "The file {path} holds one kind of object only, so the kind must be given",
        "En CSV-fil eller en liste alene sier ikke om den har kunder, ansatte eller prosjekter.",
        "A CSV file or a list alone does not say whether it holds customers, employees or projects.",
        "Kjør `txbridge sync import {path} --resource customer` (eller employee, project).",
        "Run `txbridge sync import {path} --resource customer` (or employee, project).",
        web=W(
            "Oppgi sorten (customer, employee eller project) når filen importeres.",
            "Give the resource (customer, employee or project) when the file is imported.",
            None,
        ),
    ),
    E(
        "sync_webhook_retry",
        "{count} levering(er) til vertssystemets webhook er ikke tatt imot ennå; prøves igjen",
        "{count} delivery(ies) to the host system's webhook not taken yet; tried again",
        "Vertssystemets adresse svarte ikke med 2xx.",
        "The host system's address did not answer with 2xx.",
        "Ingen handling trengs; endringsstrømmen har alt, og leveringen prøves igjen med økende pause.",
        "No action is needed; the change feed has everything, and the delivery is retried "
        "with a growing pause.",
    ),
    E(
        "sync_webhook_url_invalid",
        "Adressen «{url}» kan ikke få endringsstrømmen",
        "The address «{url}» cannot get the change feed",
        "En webhook-adresse må være en fullstendig http(s)-adresse på høyst 500 tegn.",
        "A webhook address must be a full http(s) address of at most 500 characters.",
        "Gi hele adressen, for eksempel https://vert.example.no/txbridge/hooks.",
        "Give the whole address, for example https://host.example.com/txbridge/hooks.",
    ),
    E(
        "sync_initial_already_running",
        "Den første synkroniseringen er allerede startet (jobb {job}, {state})",
        "The initial sync has already been started (job {job}, {state})",
        "Den første synkroniseringen kjører én om gangen per tilkobling; denne forespørselen startet "
        "ingenting nytt.",
        "The initial sync runs one at a time per connection; this request started nothing new.",
        "Følg jobb {job} på skjermen «Synkronisering» (eller GET /api/v1/jobs/{job}); start på nytt "
        "først når den er ferdig.",
        "Follow job {job} on the «Synkronisering» screen (or GET /api/v1/jobs/{job}); start again only "
        "once it has finished.",
    ),
    E(
        "sync_push_already_running",
        "Sending av endringer til Tripletex er allerede startet (jobb {job}, {state})",
        "Sending the changes to Tripletex has already been started (job {job}, {state})",
        "Endringene sendes én jobb om gangen per tilkobling; denne forespørselen startet ingenting nytt.",
        "Changes are sent one job at a time per connection; this request started nothing new.",
        "Vent til jobb {job} er ferdig (GET /api/v1/jobs/{job}); endringer tatt imot etter at den "
        "begynte, sendes neste gang.",
        "Wait until job {job} has finished (GET /api/v1/jobs/{job}); changes received after it began "
        "are sent next time.",
    ),
    E(
        "sync_initial_not_done",
        "Tilkoblingen {connection} har ikke fullført den første synkroniseringen",
        "The connection {connection} has not finished the initial sync",
        "Før den første synkroniseringen har lest og koblet det som finnes i Tripletex, kunne en "
        "sending opprette det samme objektet der en gang til.",
        "Until the initial sync has read and linked what exists in Tripletex, a push could create the "
        "same object there a second time.",
        "Start den første synkroniseringen og vent til den er ferdig; da sendes endringene med den.",
        "Start the initial sync and wait until it has finished; it sends the changes with it.",
    ),
    E(
        "sync_webhook_not_found",
        "Finner ingen webhook-adresse {endpoint} for denne tilkoblingen",
        "No webhook address {endpoint} for this connection",
        "Adressen er fjernet, eller den hører til en annen tilkobling.",
        "The address was removed, or it belongs to another connection.",
        "Se adressene i listen (GET …/sync/webhooks) og bruk en id derfra.",
        "See the addresses in the list (GET …/sync/webhooks) and use an id from it.",
    ),
    E(
        "sync_held_not_found",
        "Finner ingen åpen sak {held} til avgjørelse",
        "No open case {held} waiting for a decision",
        "Saken finnes ikke, eller den er allerede avgjort.",
        "The case does not exist, or it has been decided already.",
        "Se de åpne sakene med `txbridge sync held`.",
        "See the open cases with `txbridge sync held`.",
        web=W(
            "Se de åpne sakene under «Til avgjørelse».",
            "See the open cases under «To decide».",
            "sync_held",
        ),
    ),
    E(
        "sync_held_bad_choice",
        "Sak {held}: {choice} er ikke et av treffene ({candidates})",
        "Case {held}: {choice} is not one of the matches ({candidates})",
        "En sak kan bare kobles til et av treffene den viser, eller avgjøres med nytt objekt eller hopp "
        "over.",
        "A case can only be linked to one of the matches it shows, or decided with a new object or skip.",
        "Velg et av treffene med `txbridge sync decide {held} --link ID`.",
        "Pick one of the matches with `txbridge sync decide {held} --link ID`.",
        web=W(
            "Velg et av treffene under «Til avgjørelse».",
            "Choose one of the matches under «To decide».",
            "sync_held",
        ),
    ),
    # ---- Accounting firms: firm connection, clients, links, inbound, mapping (txbridge.flows.firm) ----
    E(
        "firm_not_enabled",
        "Tilkoblingen {connection} er ikke satt opp som regnskapsbyrå",
        "Connection {connection} is not set up as an accounting firm",
        "Klienter, koblinger og porteføljen hører til en tilkobling som er merket som regnskapsbyråets.",
        "Clients, links and the portfolio belong to a connection marked as the accounting firm's.",
        "Merk tilkoblingen med `txbridge firm enable -c {connection}`.",
        "Mark the connection with `txbridge firm enable -c {connection}`.",
        web=W(
            "Merk tilkoblingen under «Regnskapsbyrå» med «Merk som byråtilkobling».",
            "Mark the connection under «Accounting firm» with «Mark as firm connection».",
            "firm",
        ),
    ),
    E(
        "firm_no_client_companies",
        "Nøkkelen til {connection} når ingen klientselskaper",
        "The token of {connection} reaches no client companies",
        "Tripletex gir ingen selskaper i /company/>withLoginAccess for denne ansattnøkkelen: den hører "
        "ikke til en regnskapsfører med tilgang til klienter.",
        "Tripletex lists no companies in /company/>withLoginAccess for this employee token: it does not "
        "belong to an accountant with access to clients.",
        "Lag ansattnøkkelen for en bruker i byrået som har tilgang til klientene, og koble til med "
        "`txbridge connect`.",
        "Make the employee token for a user of the firm with access to the clients, and connect with "
        "`txbridge connect`.",
        web=W(
            "Lag ansattnøkkelen for en bruker i byrået som har tilgang til klientene, og lim den inn under "
            "«Bytt nøkkel» på tilkoblingen.",
            "Make the employee token for a user in the firm who has access to the clients, and paste it "
            "under «Rotate the token» on the connection.",
            "rotate",
        ),
    ),
    E(
        "firm_client_not_found",
        "Klienten {client} finnes ikke",
        "Client {client} does not exist",
        "Byrået har ingen klient med dette nummeret eller denne nøkkelen.",
        "The firm has no client with this number or key.",
        "Se klientene med `txbridge firm clients`.",
        "See the clients with `txbridge firm clients`.",
        web=W(
            "Se klientene under «Klienter» hos byrået.",
            "See the clients under «Clients» of the firm.",
            "firm_clients",
        ),
    ),
    E(
        "firm_client_key_taken",
        "Klientnøkkelen {client} er allerede i bruk",
        "The client key {client} is already in use",
        "Hver klient i byrået har sin egen nøkkel.",
        "Every client of the firm has a key of its own.",
        "Bruk en annen nøkkel, eller endre klienten ved å importere den på nytt (`txbridge firm import`).",
        "Use another key, or change the client by importing it again (`txbridge firm import`).",
        web=W(
            "Bruk en annen nøkkel, eller endre klienten ved å importere den på nytt («Importer klienter» "
            "under «Klienter»).",
            "Use another key, or change the client by importing it again («Import clients» under «Clients»).",
            "firm_clients",
        ),
    ),
    E(
        "firm_client_key_repeated",
        "{item}: samme klientnøkkel står på en tidligere rad",
        "{item}: the same client key is on an earlier row",
        "En fil kan ha hver klient én gang; den første raden ble brukt.",
        "A file may have each client once; the first row was used.",
        "Slå sammen radene i filen og importer den igjen.",
        "Merge the rows in the file and import it again.",
    ),
    E(
        "firm_client_field_invalid",
        "{item}: {field} mangler eller er lengre enn {limit} tegn",
        "{item}: {field} is missing or longer than {limit} characters",
        "En klient trenger en egen nøkkel og et navn.",
        "A client needs a key of its own and a name.",
        "Fyll inn {field} (høyst {limit} tegn) og prøv igjen.",
        "Fill in {field} (at most {limit} characters) and try once more.",
    ),
    E(
        "firm_clients_file_columns",
        "Klientfilen mangler kolonnene {columns}",
        "The clients file lacks the columns {columns}",
        "Første linje i filen må navngi kolonnene: nøkkel, navn og gjerne organisasjonsnummer.",
        "The file's first line must name its columns: key, name and, if known, organisation number.",
        "Legg til en overskriftslinje som `key;name;orgnr` (eller `nøkkel;navn;orgnr`).",
        "Add a header line such as `key;name;orgnr` (or `nøkkel;navn;orgnr`).",
    ),
    E(
        "firm_company_not_reachable",
        "Byråets nøkkel når ikke selskapet {company}",
        "The firm's token does not reach company {company}",
        "Selskapet står ikke i listen over klientselskaper byrået har tilgang til (sist lest fra Tripletex).",
        "The company is not in the list of client companies the firm has access to (as last read from "
        "Tripletex).",
        "Les listen på nytt med `txbridge firm companies --refresh`; mangler selskapet fortsatt, gi "
        "byråets bruker tilgang til det i Tripletex.",
        "Read the list again with `txbridge firm companies --refresh`; if the company is still missing, give "
        "the firm's user access to it in Tripletex.",
        web=W(
            "Trykk «Les klientselskapene på nytt» under «Klienter»; mangler selskapet fortsatt, gi byråets "
            "bruker tilgang til det i Tripletex.",
            "Press «Read client companies again» under «Clients»; if the company is still missing, give the "
            "firm's user access to it in Tripletex.",
            "firm_clients",
        ),
    ),
    E(
        "firm_company_already_linked",
        "{company} er allerede koblet til klienten {client}",
        "{company} is already linked to client {client}",
        "Ett Tripletex-selskap hører til én av byråets klienter.",
        "One Tripletex company belongs to one of the firm's clients.",
        "Er den koblingen feil, koble den fra først med `txbridge firm unlink {client}`.",
        "If that link is wrong, unlink it first with `txbridge firm unlink {client}`.",
        web=W(
            "Er den koblingen feil, trykk «Koble fra» på klienten {client} først.",
            "If that link is wrong, press «Unlink» on the client {client} first.",
            "firm_client",
        ),
    ),
    E(
        "firm_client_not_linked",
        "Klienten {client} er ikke koblet til et Tripletex-selskap",
        "Client {client} is not linked to a Tripletex company",
        "Data hentes bare for klienter som er koblet til selskapet sitt i Tripletex.",
        "Data is read only for clients linked to their company in Tripletex.",
        "Koble klienten med `txbridge firm link {client}` og selskapets nummer.",
        "Link the client with `txbridge firm link {client}` and the company's number.",
        web=W(
            "Koble klienten til et selskap på klientens side («Koble til et Tripletex-selskap»).",
            "Link the client to a company on the client's page («Link to a Tripletex company»).",
            "firm_client",
        ),
    ),
    E(
        "firm_client_not_accessible",
        "Byrået har ikke lenger tilgang til {company} (klient {client})",
        "The firm no longer has access to {company} (client {client})",
        "Tripletex avviste byråets nøkkel for dette klientselskapet (403): tilgangen er tatt bort, eller "
        "klienten er koblet til feil selskap.",
        "Tripletex refused the firm's token for this client company (403): the access was taken away, or "
        "the client is linked to the wrong company.",
        "Gi byråets bruker tilgang til selskapet i Tripletex, eller koble klienten om med "
        "`txbridge firm link {client}`.",
        "Give the firm's user access to the company in Tripletex, or relink the client with "
        "`txbridge firm link {client}`.",
        web=W(
            "Gi byråets bruker tilgang til selskapet i Tripletex, eller koble klienten om på klientens side.",
            "Give the firm's user access to the company in Tripletex, or link the client again on the "
            "client's page.",
            "firm_client",
        ),
    ),
    E(
        "firm_field_unknown",
        "Statistikkfeltet {field} finnes ikke",
        "The statistic field {field} does not exist",
        "Bare feltene i listen kan kobles til byråets egne felt.",
        "Only the fields in the list can be mapped to the firm's own fields.",
        "Se feltene med `txbridge firm fields`.",
        "See the fields with `txbridge firm fields`.",
        web=W(
            "Se feltene under «Feltkobling».",
            "See the fields under «Field mapping».",
            "firm_mapping",
        ),
    ),
    E(
        "firm_custom_field_invalid",
        "Feltnavnet «{name}» kan ikke brukes: det må ha 1–{limit} tegn",
        "The field name «{name}» cannot be used: it must have 1–{limit} characters",
        "Byråets egne felt har et navn som vises i porteføljen og oppgavene.",
        "The firm's own fields have a name shown in the portfolio and the tasks.",
        "Gi feltet et kortere navn, eller velg et felt som finnes (`txbridge firm fields`).",
        "Give the field a shorter name, or pick a field that exists (`txbridge firm fields`).",
        web=W(
            "Gi feltet et kortere navn, eller velg et felt som finnes under «Feltkobling».",
            "Give the field a shorter name, or choose a field that exists under «Field mapping».",
            "firm_mapping",
        ),
    ),
    E(
        "firm_import_day_invalid",
        "Importdagen {day} kan ikke brukes",
        "The import day {day} cannot be used",
        "Data importeres siste arbeidsdag, siste kalenderdag eller en dag 1–28 i måneden etter.",
        "Data is imported on the last working day, the last calendar day or a day 1–28 of the month after.",
        "Velg `last-working-day`, `last-calendar-day` eller et tall 1–28 (`txbridge firm import-day`).",
        "Choose `last-working-day`, `last-calendar-day` or a number 1–28 (`txbridge firm import-day`).",
        web=W(
            "Velg siste arbeidsdag, siste kalenderdag eller et tall 1–28 under «Importinnstillinger».",
            "Choose the last working day, the last calendar day or a number 1–28 under «Import settings».",
            "firm_settings",
        ),
    ),
    # ---- Accounting firms: monthly work statistics (seed 004's troubleshooting) -------------------
    E(
        "stats_token_expired",
        "Tilkoblingen {connection} stoppet {expires_on}: ansattnøkkelen er utløpt",
        "The connection {connection} stopped on {expires_on}: the employee token has expired",
        "En tilkobling som sluttet å virke på en bestemt dato, skyldes nesten alltid at ansattnøkkelen "
        "utløp: Tripletex-nøkler har en fast utløpsdato som settes når de lages.",
        "A connection that stopped on a specific date is almost always an expired employee token: "
        "Tripletex tokens have a fixed expiry date set when they are made.",
        "Lag en ny ansattnøkkel i Tripletex (Selskap → API-tilgang), lim den inn for tilkoblingen, test "
        "den, og velg «Last inn data på nytt» for månedene som mangler.",
        "Make a new employee token in Tripletex (Company → API access), paste it for the connection, test "
        "it, and choose «Reload data» for the months that are missing.",
    ),
    E(
        "stats_wrong_environment",
        "Nøkkelen hører til {token_environment}-miljøet, men tilkoblingen er satt til {environment}",
        "The token belongs to the {token_environment} environment, but the connection is set to "
        "{environment}",
        "Testnøkler (de begynner med «test-») virker ikke mot produksjon, og produksjonsnøkler ikke mot "
        "test.",
        "Test tokens (they start with «test-») do not work against production, nor production tokens "
        "against test.",
        "Velg miljøet nøkkelen ble laget i, eller lag en nøkkel i riktig miljø, og test tilkoblingen.",
        "Choose the environment the token was made in, or make a token in the right one, and test the "
        "connection.",
    ),
    E(
        "stats_token_whitespace",
        "Ansattnøkkelen har mellomrom eller linjeskift før eller etter seg",
        "The employee token has spaces or line breaks before or after it",
        "Nøkkelen ble limt inn med tegn rundt seg som ikke hører til den.",
        "The token was pasted with characters around it that are not part of it.",
        "Kopier nøkkelen direkte fra API-tilgang i Tripletex og lim den inn på nytt.",
        "Copy the token straight from API access in Tripletex and paste it again.",
    ),
    E(
        "stats_employee_deactivated",
        "Tripletex avviser ansattnøkkelen selv om den ikke er utløpt",
        "Tripletex refuses the employee token although it has not expired",
        "Nøkkelen er i riktig miljø og uten mellomrom, så den ansatte som eier nøkkelen er trolig "
        "deaktivert i Tripletex (eller nøkkelen er trukket tilbake).",
        "The token is in the right environment and has no spaces, so the employee who owns it has most "
        "likely been deactivated in Tripletex (or the token was revoked).",
        "Lag en ny nøkkel for en aktiv integrasjonsbruker (ikke en ansatt som kan slutte), lim den inn og "
        "test tilkoblingen.",
        "Make a new token for an active integration user (not an employee who may leave), paste it and "
        "test the connection.",
    ),
    E(
        "stats_client_not_linked",
        "Klienten {client} er ikke koblet til et Tripletex-selskap",
        "The client {client} is not linked to a Tripletex company",
        "Statistikk hentes bare for klienter som er koblet til selskapet de føres i; det er ikke nok å "
        "slå på integrasjonen.",
        "Statistics are read only for clients linked to the company whose books they are; enabling the "
        "integration is not enough.",
        "Koble klienten til Tripletex-selskapet sitt i klientlisten, og velg «Last inn data på nytt».",
        "Link the client to its Tripletex company in the client list, and choose «Reload data».",
    ),
    E(
        "stats_no_fields_mapped",
        "Ingen statistikkfelt er koblet til egne felt",
        "No statistic field is mapped to one of your own fields",
        "Felt som står tomme i feltoppsettet, hentes ikke.",
        "Fields left blank in the field mapping are not imported.",
        "Koble feltene du vil ha til egne felt under «Konfigurer datafelt», lagre, og velg «Last inn data "
        "på nytt».",
        "Map the fields you want to your own fields under «Configure data fields», save, and choose "
        "«Reload data».",
    ),
    E(
        "stats_field_not_mapped",
        "Feltet «{field}» er ikke koblet til et eget felt",
        "The field «{field}» is not mapped to one of your own fields",
        "Et felt som alltid er tomt, er nesten alltid et felt uten kobling: det hentes ikke.",
        "A field that always arrives empty is almost always unmapped: it is not imported.",
        "Velg et eget felt for «{field}» under «Konfigurer datafelt», og velg «Last inn data på nytt».",
        "Choose one of your own fields for «{field}» under «Configure data fields», and choose «Reload "
        "data».",
    ),
    E(
        "stats_import_day_not_reached",
        "{month} importeres {import_day}; den dagen er ikke kommet ennå",
        "{month} is imported on {import_day}; that day has not come yet",
        "Månedsstatistikken hentes på importdagen som er valgt for firmaet.",
        "The monthly statistics are read on the import day chosen for the firm.",
        "Vent til importdagen, eller velg «Last inn data på nytt» for å hente de siste 12 månedene nå.",
        "Wait for the import day, or choose «Reload data» to read the last 12 months now.",
    ),
    E(
        "stats_no_linked_clients",
        "Ingen av firmaets klienter er koblet til Tripletex",
        "None of the firm's clients is linked to Tripletex",
        "Statistikk hentes bare for klienter som er koblet til et Tripletex-selskap.",
        "Statistics are read only for clients linked to a Tripletex company.",
        "Koble klientene til Tripletex-selskapene sine i klientlisten.",
        "Link the clients to their Tripletex companies in the client list.",
    ),
    E(
        "stats_client_unreachable",
        "Firmaets nøkkel når ikke selskapet til {client} (Tripletex-selskap {company})",
        "The firm's token does not reach the company of {client} (Tripletex company {company})",
        "Brukeren bak nøkkelen har ikke lenger innloggingstilgang til klientens selskap, eller klienten "
        "er koblet til feil selskap.",
        "The user behind the token no longer has login access to the client's company, or the client "
        "is linked to the wrong company.",
        "Gi brukeren tilgang til selskapet i Tripletex, eller koble klienten til riktig selskap; velg så "
        "«Last inn data på nytt» for klienten.",
        "Give the user access to the company in Tripletex, or link the client to the right company; "
        "then choose «Reload data» for the client.",
    ),
    E(
        "stats_client_read_failed",
        "Statistikken for {client} kunne ikke leses nå ({detail})",
        "The statistics of {client} could not be read now ({detail})",
        "Tripletex svarte med en feil eller var ikke å nå mens klienten ble lest.",
        "Tripletex answered with an error or could not be reached while the client was read.",
        "Ingen handling trengs; klienten leses igjen ved neste import, eller velg «Last inn data på nytt» "
        "for den.",
        "No action is needed; the client is read again at the next import, or choose «Reload data» for it.",
    ),
    E(
        "stats_clients_busy",
        "{count} klienter leses av en annen kjøring akkurat nå",
        "{count} clients are being read by another run right now",
        "En klient leses aldri av to kjøringer samtidig; denne venter til den andre er ferdig.",
        "A client is never read by two runs at once; this one waits until the other has finished.",
        "Ingen handling trengs; jobben prøves igjen om litt.",
        "No action is needed; the job is tried again shortly.",
    ),
    E(
        "stats_import_finished",
        "Statistikkimporten for {month} er ferdig: {done} av {total} klienter lest",
        "The statistics import of {month} has finished: {done} of {total} clients read",
        "Importen har lest alle klientene den kunne og lagret verdiene.",
        "The import has read every client it could and stored the values.",
        "Ingen handling trengs; klienter som ikke kunne leses, står med sin grunn i loggen.",
        "No action is needed; clients that could not be read are listed with their reason in the log.",
    ),
    E(
        "stats_reload_finished",
        "Ny innlasting av statistikk ({months}) er ferdig: {done} av {total} klienter lest",
        "Reloading the statistics ({months}) has finished: {done} of {total} clients read",
        "Innlastingen har lest de siste 12 månedene for alle klientene den kunne, og skrevet over "
        "tidligere verdier.",
        "The reload has read the last 12 months of every client it could and overwritten earlier values.",
        "Ingen handling trengs; klienter som ikke kunne leses, står med sin grunn i loggen.",
        "No action is needed; clients that could not be read are listed with their reason in the log.",
    ),
    E(
        "stats_month_invalid",
        "«{month}» er ikke en måned (ÅÅÅÅ-MM)",
        "«{month}» is not a month (YYYY-MM)",
        "Måneden må skrives som år og måned, for eksempel 2026-10.",
        "The month must be written as year and month, for example 2026-10.",
        "Skriv måneden som ÅÅÅÅ-MM, for eksempel 2026-10.",
        "Write the month as YYYY-MM, for example 2026-10.",
    ),
    E(
        "stats_run_not_found",
        "Import eller omlasting {run} finnes ikke hos dette byrået",
        "Import or reload {run} does not exist for this firm",
        "Nummeret hører ikke til noen av byråets importer eller omlastinger.",
        "The number belongs to none of the firm's imports or reloads.",
        "Se byråets kjøringer med `txbridge firm runs` eller GET …/firm/CONNECTION/runs.",
        "See the firm's runs with `txbridge firm runs` or GET …/firm/CONNECTION/runs.",
        web=W(
            "Se byråets importer og omlastinger under «Importinnstillinger».",
            "See the firm's imports and reloads under «Import settings».",
            "firm_settings",
        ),
    ),
    E(
        "pos_order_already_sent",
        "Salg {sale} er allerede sendt som ordre {order}",
        "Sale {sale} was already sent as order {order}",
        "Salget har en referanse til en ordre i Tripletex; det sendes ikke igjen.",
        "The sale has a reference to an order in Tripletex; it is not sent again.",
        "Ingenting å gjøre: ordren faktureres med kundens samlefaktura ved periodens slutt.",
        "Nothing to do: the order is invoiced with the customer's collective invoice at the period's end.",
    ),
    E(
        "pos_collective_orders_missing",
        "Samlefaktura {invoice}: ordrene er ikke sendt ennå ({sales})",
        "Collective invoice {invoice}: the orders are not sent yet ({sales})",
        "En samlefaktura lages av ordrene i Tripletex; noen av kundens salg i perioden har ingen ordre der.",
        "A collective invoice is made from the orders in Tripletex; some of the customer's sales of the "
        "period have no order there.",
        "Kjør `txbridge pos orders ÅÅÅÅ-MM` og eksporter bunten, så `txbridge pos collect ÅÅÅÅ-MM` igjen.",
        "Run `txbridge pos orders YYYY-MM` and export its batch, then `txbridge pos collect YYYY-MM` again.",
        web=W(
            "Trykk «Samle ÅÅÅÅ-MM nå» for måneden under «Samlefakturaer»: ordrene som mangler, sendes "
            "først, og så lages samlefakturaen på nytt. Har ordrebunten feilet, trykk «Tilbakestill "
            "bunten» og «Eksporter» på den først.",
            "Press «Collect YYYY-MM now» for the month under «Collective invoices»: the missing orders are "
            "sent first, then the collective invoice is made again. If the orders' batch failed, press "
            "«Reset the batch» and «Export» on it first.",
            "pos_collective",
        ),
    ),
    E(
        "pos_collective_not_found",
        "Samlefaktura {invoice} finnes ikke her",
        "Collective invoice {invoice} is not here",
        "Samlefakturaen ble slettet etter at bunten ble avsluttet.",
        "The collective invoice was deleted after the batch was closed.",
        "Avslutt periodens samlefakturaer på nytt.",
        "Close the period's collective invoices again.",
    ),
    E(
        "pos_collective_already_invoiced",
        "Samlefaktura {invoice} er allerede fakturert (faktura {number})",
        "Collective invoice {invoice} is already invoiced (invoice {number})",
        "Kundens ordrer for perioden har allerede blitt én faktura i Tripletex; den lages ikke igjen.",
        "The customer's orders of the period already became one invoice in Tripletex; it is not made again.",
        "Ingenting å gjøre.",
        "Nothing to do.",
    ),
    E(
        "pos_customer_unknown",
        "{item}: kunde {customer} finnes ikke i Tripletex",
        "{item}: customer {customer} does not exist in Tripletex",
        "Kunder opprettes og vedlikeholdes i Tripletex; kassen velger blant dem.",
        "Customers are created and kept in Tripletex; the POS picks among them.",
        "Opprett kunden i Tripletex, eller velg en kunde fra listen (`txbridge pos customers`).",
        "Create the customer in Tripletex, or pick a customer from the list (`txbridge pos customers`).",
        web=W(
            "Opprett kunden i Tripletex, eller velg en kunde fra Tripletex-listen i kassen (den samme "
            "listen står under «Kunder» i «Kassefakturering»).",
            "Add the customer in Tripletex, or choose a customer from the Tripletex list in the POS (the "
            "same list is under «Customers» in «POS invoicing»).",
            "pos_customers",
        ),
    ),
    E(
        "pos_sale_invalid",
        "{item}: {field} er ugyldig: {reason}",
        "{item}: {field} is invalid: {reason}",
        "Kassen sendte et salg som ikke kan bli en faktura slik det er.",
        "The POS sent a sale that cannot become an invoice as it is.",
        "Rett {field} i kassen og send salget igjen.",
        "Correct {field} in the POS and send the sale again.",
    ),
    E(
        "pos_sale_taken",
        "{item}: salget er allerede registrert",
        "{item}: the sale is already recorded",
        "Kassen har sendt et salg med samme id før; det blir ikke to fakturaer av ett salg.",
        "The POS sent a sale with the same id before; one sale never makes two invoices.",
        "Ingenting å gjøre; vil du endre salget, krediter fakturaen i Tripletex.",
        "Nothing to do; to change the sale, credit the invoice in Tripletex.",
    ),
    E(
        "pos_nothing_to_close",
        "Ingenting å sende for {period}",
        "Nothing to send for {period}",
        "Alle kassesalg på faktura i perioden er allerede sendt eller ligger i en bunt.",
        "Every POS sale by invoice of the period is already sent or waiting in a batch.",
        "Ingenting å gjøre; `txbridge batch show` viser buntene.",
        "Nothing to do; `txbridge batch show` shows the batches.",
        web=W(
            "Ingenting å gjøre; hvor hvert salg står, vises under «Fakturasalg».",
            "Nothing to do; where each sale stands is shown under «Invoice sales».",
            "pos_sales",
        ),
    ),
    E(
        "pos_period_running",
        "Perioden {period} er ikke slutt ennå",
        "The period {period} has not ended yet",
        "Samlefakturaen lages når perioden er over, med alle kundens salg i den.",
        "The collective invoice is made when the period is over, with all the customer's sales in it.",
        "Avslutt samlefakturaene fra {first_day}.",
        "Close the collective invoices from {first_day}.",
    ),
    E(
        "pos_invoicing_off",
        "{item}: fakturering fra kassen er slått av",
        "{item}: invoicing from the POS is turned off",
        "Kasseoppsettet tar ikke imot salg på faktura før «Aktiver fakturering» er krysset av.",
        "The POS set-up accepts no sales by invoice until «Enable invoicing» is ticked.",
        "Kryss av for «Aktiver fakturering» under «Kassefakturering» på tilkoblingen i webappen (eller kjør "
        "`txbridge pos invoicing on`), og send salget igjen.",
        "Tick «Enable invoicing» under «POS invoicing» on the connection in the web app (or run "
        "`txbridge pos invoicing on`), and send the sale again.",
        web=W(
            "Kryss av for «Aktiver fakturering» under «Kassefakturering» på tilkoblingen, og send salget "
            "igjen.",
            "Tick «Enable invoicing» under «POS invoicing» on the connection, and send the sale again.",
            "pos_invoicing",
        ),
    ),
    # ---- The troubleshooter for POS invoicing (``txbridge diagnose pos``) -------------------------
    E(
        "pos_sale_not_found",
        "Salg {sale} finnes ikke her",
        "Sale {sale} is not here",
        "Ingen kassesalg på faktura og ingen samlefaktura har dette nummeret for tilkoblingen.",
        "No POS sale by invoice and no collective invoice has this number for the connection.",
        "Bruk salgets nummer (POS-K-1 eller K-1) eller samlefakturaens nøkkel (2026-10 · 10001), som "
        "`txbridge batch show` viser dem.",
        "Use the sale's number (POS-K-1 or K-1) or the collective invoice's key (2026-10 · 10001), as "
        "`txbridge batch show` shows them.",
        web=W(
            "Bruk salgets nummer (POS-K-1 eller K-1) eller samlefakturaens nøkkel (2026-10 · 10001), slik "
            "de står under «Fakturasalg» og «Samlefakturaer».",
            "Use the sale's number (POS-K-1 or K-1) or the collective invoice's key (2026-10 · 10001), as "
            "«Invoice sales» and «Collective invoices» show them.",
            "pos_sales",
        ),
    ),
    E(
        "pos_sale_invoiced_alone",
        "Salg {sale} faktureres alene, ikke med en samlefaktura",
        "Sale {sale} is invoiced on its own, not with a collective invoice",
        "Salget ble registrert mens samlefaktura var av, så det er en vanlig faktura i en fakturabunt.",
        "The sale was recorded while collective invoice was off, so it is an ordinary invoice in an "
        "invoice batch.",
        "Kjør `txbridge diagnose invoice {invoice}`.",
        "Run `txbridge diagnose invoice {invoice}`.",
        web=W(
            "Finn faktura {invoice} under «Finn en faktura», og trykk «Hvorfor?» der.",
            "Look up invoice {invoice} under «Find an invoice», and press «Why?» there.",
            "invoices",
        ),
    ),
    E(
        "pos_order_not_in_batch",
        "Salg {sale} er ikke sendt som ordre ennå",
        "Sale {sale} is not sent as an order yet",
        "Kassesalg til samlefaktura sendes som ordrer når periodens kasseordrer samles i en bunt.",
        "POS sales for a collective invoice are sent as orders when the period's POS orders are "
        "collected into a batch.",
        "Kjør `txbridge pos orders {period}` og deretter `txbridge batch export`.",
        "Run `txbridge pos orders {period}` and then `txbridge batch export`.",
        web=W(
            "Trykk «Samle {period} nå» under «Samlefakturaer» når perioden er over: ordrene sendes først, "
            "og så lages samlefakturaene.",
            "Press «Collect {period} now» under «Collective invoices» once the period is over: the orders "
            "are sent first, then the collective invoices are made.",
            "pos_collective",
        ),
    ),
    E(
        "pos_collective_not_in_batch",
        "Samlefaktura {invoice} er ikke laget ennå; perioden {period} er over",
        "Collective invoice {invoice} is not made yet; the period {period} is over",
        "Samlefakturaene lages når periodens samlefakturaer avsluttes i en bunt, og det er ikke gjort.",
        "The collective invoices are made when the period's collective invoices are closed into a "
        "batch, and that is not done.",
        "Kjør `txbridge pos collect {period}` og deretter `txbridge batch export`.",
        "Run `txbridge pos collect {period}` and then `txbridge batch export`.",
        web=W(
            "Trykk «Samle {period} nå» under «Samlefakturaer»; ordrene som mangler, sendes først.",
            "Press «Collect {period} now» under «Collective invoices»; the missing orders are sent first.",
            "pos_collective",
        ),
    ),
    E(
        "pos_collective_not_made",
        "Samlefaktura {invoice}: ordrene finnes i Tripletex, men fakturaen ble ikke laget",
        "Collective invoice {invoice}: the orders are in Tripletex, but the invoice was not made",
        "Svaret på forrige forsøk kom ikke fram; eksporten slo opp i Tripletex og fant ingen faktura "
        "for ordrene ({orders}), så den er ikke laget. Den lages ved neste eksport, aldri to ganger.",
        "The answer to the last attempt was lost; the export looked in Tripletex and found no invoice "
        "for the orders ({orders}), so it was not made. The next export makes it, never twice.",
        "Kjør `txbridge batch export {batch}`.",
        "Run `txbridge batch export {batch}`.",
        web=W(
            "Trykk «Eksporter» på bunten.",
            "Press «Export» on the batch.",
            "batch",
        ),
    ),
    E(
        "pos_customer_gone",
        "{item}: kunde {customer} finnes ikke lenger i Tripletex",
        "{item}: customer {customer} no longer exists in Tripletex",
        "Kunden ble slettet i Tripletex etter at salget ble registrert; ordrer og fakturaer trenger kunden.",
        "The customer was deleted in Tripletex after the sale was recorded; orders and invoices need the "
        "customer.",
        "Opprett kunden igjen i Tripletex med kundenummer {customer}; " + RETRY_NB,
        "Create the customer again in Tripletex with customer number {customer}; " + RETRY_EN,
        web=W(
            "Opprett kunden igjen i Tripletex med kundenummer {customer}; " + WEB_RETRY_NB,
            "Create the customer again in Tripletex with customer number {customer}; " + WEB_RETRY_EN,
            "batch",
        ),
    ),
    E(
        "pos_customer_inactive",
        "{item}: kunde {customer} er inaktiv i Tripletex",
        "{item}: customer {customer} is inactive in Tripletex",
        "Kunden ble gjort inaktiv i Tripletex etter at salget ble registrert; kassen fakturerer bare aktive "
        "kunder.",
        "The customer was made inactive in Tripletex after the sale was recorded; the POS invoices active "
        "customers only.",
        "Gjør kunden aktiv igjen i Tripletex (Kunder → kunden → Aktiv); " + RETRY_NB,
        "Make the customer active again in Tripletex (Customers → the customer → Active); " + RETRY_EN,
        web=W(
            "Gjør kunden aktiv igjen i Tripletex (Kunder → kunden → Aktiv); " + WEB_RETRY_NB,
            "Make the customer active again in Tripletex (Customers → the customer → Active); "
            + WEB_RETRY_EN,
            "batch",
        ),
    ),
    E(
        "pos_customer_no_email",
        "{item}: kunde {customer} har ingen e-postadresse, men fakturaen skal sendes på e-post",
        "{item}: customer {customer} has no e-mail address, but the invoice is to be sent by e-mail",
        "Tilkoblingen sender fakturaene til kunden (sendToCustomer), og kundens sendemåte i Tripletex er "
        "e-post; uten adresse kan Tripletex ikke sende fakturaen.",
        "The connection sends invoices to the customer (sendToCustomer), and the customer's send method "
        "in Tripletex is e-mail; without an address Tripletex cannot send the invoice.",
        "Legg inn faktura-e-post på kunden i Tripletex, eller slå av «Send fakturaen til kunden» i "
        "tilkoblingens innstillinger; " + RETRY_NB,
        "Enter an invoice e-mail on the customer in Tripletex, or turn off «Send the invoice to the "
        "customer» in the connection's settings; " + RETRY_EN,
        web=W(
            "Legg inn faktura-e-post på kunden i Tripletex, eller fjern krysset for «Send fakturaer til "
            "kunden fra Tripletex» under «Kassefakturering»; " + WEB_RETRY_NB,
            "Enter an invoice e-mail on the customer in Tripletex, or untick «Send invoices to the customer "
            "from Tripletex» under «POS invoicing»; " + WEB_RETRY_EN,
            "pos_invoicing",
        ),
    ),
    E(
        "pos_order_invoiced_elsewhere",
        "Samlefaktura {invoice}: ordre {order} (salg {sale}) er allerede fakturert på faktura {number}",
        "Collective invoice {invoice}: order {order} (sale {sale}) is already invoiced on invoice {number}",
        "Noen fakturerte ordren i Tripletex utenom samlefakturaen; Tripletex fakturerer aldri en ordre to "
        "ganger, så hele samlefakturaen blir avvist.",
        "Someone invoiced the order in Tripletex outside the collective invoice; Tripletex never invoices "
        "an order twice, so the whole collective invoice is refused.",
        "Fakturer kundens øvrige ordrer for {period} samlet direkte i Tripletex (Ordre → velg ordrene → "
        "Fakturer); ordre {order} blir stående på faktura {number}.",
        "Invoice the customer's other orders of {period} together directly in Tripletex (Orders → pick "
        "the orders → Invoice); order {order} stays on invoice {number}.",
    ),
)


def entry(message_id: str) -> Entry:
    try:
        return CATALOG[message_id]
    except KeyError:
        raise CatalogError(f"no catalog message with id {message_id!r}") from None


def render(message_id: str, /, **params: object) -> Message:
    """Fill in a catalog message. Every placeholder must be given, and nothing else (a batch that
    only the fix names may be left out: see :data:`OPTIONAL_IN_FIX`)."""
    found = entry(message_id)
    given = set(params)
    missing = found.required - given
    extra = given - found.placeholders
    if missing or extra:
        raise CatalogError(f"message {message_id!r}: missing {sorted(missing)}, unexpected {sorted(extra)}")
    return _message(found, params)


def _message(found: Entry, params: Mapping[str, object]) -> Message:
    # ``texts`` alternates bokmål and English.
    nb, en, cause_nb, cause_en, fix_nb, fix_en = (
        _fill(text, params, "en" if i % 2 else "nb") for i, text in enumerate(found.texts)
    )
    return Message(found.id, nb, en, cause_nb, cause_en, fix_nb, fix_en, dict(params))


def _pattern(template: str, tag: str, seen: set[str]) -> str:
    parts: list[str] = []
    for literal, name, _, _ in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if name:
            group = f"{name}__{tag}"
            parts.append(f"(?P={group})" if group in seen else f"(?P<{group}>.+?)")
            seen.add(group)
    return "".join(parts)


def recover(message_id: str | None, stored: str, layouts: tuple[str, ...]) -> Message | None:
    """The catalog message a stored text was rendered from, or None.

    The store keeps rendered text (a posting's ``"bokmål / English"``, a log entry's bokmål and its
    English detail), not parameters. Each layout says how the texts were joined (``"{nb} / {en}"``);
    ``{rest}`` stands for anything (a time, a summary). The entry's own templates are matched
    against the text to get the parameters back, and the
    message is rendered again, so a command can show one language and a fix naming its batch.
    Parameters the stored texts did not contain read as ``?``."""
    found = CATALOG.get(message_id or "")
    if found is None:
        return None
    for layout in layouts:
        match = _layout_pattern(found.id, layout).fullmatch(stored)
        if match is None:
            continue
        groups = match.groupdict()
        params: dict[str, object] = {}
        for name in found.required:
            nb = groups.get(f"{name}__nb") or groups.get(f"{name}__cause_nb")
            en = groups.get(f"{name}__en") or groups.get(f"{name}__cause_en")
            if nb is None and en is None:
                continue
            params[name] = nb if en is None or nb == en else en if nb is None else Bilingual(nb, en)
        return _message(found, params)
    return None


@functools.lru_cache(maxsize=1024)
def _layout_pattern(message_id: str, layout: str) -> re.Pattern[str]:
    """The entry's texts joined as ``layout`` says, each placeholder a named group (built once)."""
    found = CATALOG[message_id]
    templates = {"nb": found.nb, "en": found.en, "cause_nb": found.cause_nb, "cause_en": found.cause_en}
    seen: set[str] = set()
    pattern = "".join(
        re.escape(literal)
        + ("" if not name else ".*?" if name == "rest" else _pattern(templates[name], name, seen))
        for literal, name, _, _ in string.Formatter().parse(layout)
    )
    return re.compile(pattern, re.DOTALL)
