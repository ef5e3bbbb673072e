"""Every message the engine shows a user, in one place.

Each entry has a stable id (used in postings, the integration log and the troubleshooter), a text in
Norwegian (bokmål) and English, the cause and the fix in both languages, and named placeholders
(``{account}``) filled in by :func:`render`. Ids never change meaning once released: stored postings
and log entries refer to them.

The first entries are the ones Telaris-style users already know (the seed's error list); the rest are
what the export, the intake and the troubleshooter need."""

from __future__ import annotations

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

    @property
    def texts(self) -> tuple[str, ...]:
        return (self.nb, self.en, self.cause_nb, self.cause_en, self.fix_nb, self.fix_en)

    @property
    def all_texts(self) -> tuple[str, ...]:
        return self.texts + tuple(text for pair in self.fix_for.values() for text in pair)

    @property
    def placeholders(self) -> frozenset[str]:
        """Names used anywhere in the entry."""
        return frozenset(name for text in self.all_texts for name in placeholders_in(text))

    @property
    def required(self) -> frozenset[str]:
        """Names :func:`render` must be given: all but a batch named only in a fix."""
        stated = {name for text in self.texts[:4] for name in placeholders_in(text)}
        return frozenset(name for name in self.placeholders if name not in OPTIONAL_IN_FIX or name in stated)


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
    ),
    E(
        "customer_missing_data",
        "Kunde {customer} mangler {field}",
        "Customer {customer} is missing {field}",
        "Tripletex trenger {field} for å opprette kunden.",
        "Tripletex needs {field} to create the customer.",
        "Fyll inn {field} på kunden; " + RETRY_NB,
        "Fill in {field} on the customer; " + RETRY_EN,
    ),
    E(
        "customer_not_created",
        "Kunde {customer} kunne ikke opprettes i Tripletex: {detail}",
        "Customer {customer} could not be created in Tripletex: {detail}",
        "Tripletex avviste kunden.",
        "Tripletex refused the customer.",
        "Rett kundedataene etter meldingen fra Tripletex; " + RETRY_NB,
        "Correct the customer data as Tripletex's message says; " + RETRY_EN,
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
    ),
    E(
        "product_class_missing",
        "Vare {product} har ingen varegruppe",
        "Product {product} has no product class",
        "Kontoen en fakturalinje føres på hentes fra varens varegruppe.",
        "The account an invoice line is posted to comes from the product's product class.",
        "Gi varen en varegruppe; " + RETRY_NB,
        "Give the product a product class; " + RETRY_EN,
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
    ),
    E(
        "product_not_created",
        "Vare {product} kunne ikke opprettes i Tripletex: {detail}",
        "Product {product} could not be created in Tripletex: {detail}",
        "Tripletex avviste varen.",
        "Tripletex refused the product.",
        "Rett varedataene etter meldingen fra Tripletex; " + RETRY_NB,
        "Correct the product data as Tripletex's message says; " + RETRY_EN,
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
    ),
    E(
        "vat_code_unknown",
        "Mva-kode {vat_code} finnes ikke i Tripletex",
        "VAT code {vat_code} does not exist in Tripletex",
        "Mva-koden på varen eller linjen er ikke en utgående mva-kode Tripletex kjenner.",
        "The VAT code on the product or line is not an output VAT code Tripletex knows.",
        "Bruk en gyldig utgående mva-kode på varen (for eksempel 3, 31, 33, 5 eller 6); " + RETRY_NB,
        "Use a valid output VAT code on the product (for example 3, 31, 33, 5 or 6); " + RETRY_EN,
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
    ),
    E(
        "no_invoices_ready",
        "Ingen ferdige fakturaer i perioden {period} som ikke allerede er i en bunt",
        "No ready invoices in period {period} that are not already in a batch",
        "Alle fakturaene i perioden er utkast, ligger i en bunt fra før, eller har dato i en annen periode.",
        "Every invoice in the period is a draft, is already in a batch, or is dated in another period.",
        "Sjekk hver faktura med `txbridge diagnose invoice` og fakturanummeret.",
        "Check each invoice with `txbridge diagnose invoice` and its number.",
    ),
    E(
        "batch_not_found",
        "Bunt {batch} finnes ikke",
        "Batch {batch} does not exist",
        "Det er ingen eksportbunt med dette nummeret for tilkoblingen.",
        "There is no export batch with this number for the connection.",
        "Se buntene med `txbridge batch show`.",
        "List the batches with `txbridge batch show`.",
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
    ),
    E(
        "connection_pending_approval",
        "Tilkoblingen {connection} venter på godkjenning",
        "Connection {connection} is waiting for approval",
        "En ny tilkobling sender ingenting før den er testet og godkjent.",
        "A new connection sends nothing until it has been tested and approved.",
        "Godkjenn tilkoblingen med `txbridge connection approve -c {connection}`.",
        "Approve the connection with `txbridge connection approve -c {connection}`.",
    ),
    E(
        "connection_not_found",
        "Tilkoblingen {connection} finnes ikke",
        "Connection {connection} does not exist",
        "Det er ikke satt opp noen tilkobling med dette navnet.",
        "No connection with this name has been set up.",
        "Koble til med `txbridge connect`, eller bruk et navn fra `txbridge connection show`.",
        "Connect with `txbridge connect`, or use a name from `txbridge connection show`.",
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
    ),
    E(
        "tripletex_validation_error",
        "Tripletex avviste {object}: {detail}",
        "Tripletex refused {object}: {detail}",
        "Dataene bryter en regel i Tripletex.",
        "The data breaks a rule in Tripletex.",
        "Rett dataene etter meldingen fra Tripletex; " + RETRY_NB,
        "Correct the data as Tripletex's message says; " + RETRY_EN,
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
        "Et norsk organisasjonsnummer har ni sifre med kontrollsiffer (mod 11).",
        "A Norwegian organisation number has nine digits with a check digit (mod 11).",
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
    E(
        "intake_bad_file",
        "Filen {path} kan ikke leses: {reason}",
        "The file {path} cannot be read: {reason}",
        "Filen er ikke gyldig JSON eller CSV i formatet importen forventer.",
        "The file is not valid JSON or CSV in the format the import expects.",
        "Se eksempelfilen src/txbridge/samples/demo.json og formatet i README.",
        "See the sample file src/txbridge/samples/demo.json and the format in the README.",
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
    ),
    E(
        "user_not_found",
        "Brukeren {username} finnes ikke",
        "The user {username} does not exist",
        "Det er ingen bruker med dette navnet.",
        "There is no user with this name.",
        "Lag brukeren med `txbridge user add {username}`.",
        "Make the user with `txbridge user add {username}`.",
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
    # ---- Jobs (txbridge.jobs) ---------------------------------------------------------------------
    E(
        "job_not_found",
        "Jobb {job} finnes ikke",
        "Job {job} does not exist",
        "Det finnes ingen jobb med dette nummeret.",
        "There is no job with this number.",
        "Se `txbridge jobs list` for jobbene som finnes.",
        "See `txbridge jobs list` for the jobs there are.",
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
    ),
    E(
        "job_not_retryable",
        "Jobb {job} kan ikke kjøres på nytt: den er {state}",
        "Job {job} cannot be retried: it is {state}",
        "Bare en jobb som har feilet eller er avbrutt, kan startes på nytt.",
        "Only a job that failed or was cancelled can be started again.",
        "Vent til jobben er ferdig; se `txbridge jobs show {job}`.",
        "Wait for the job to finish; see `txbridge jobs show {job}`.",
    ),
    E(
        "job_task_not_available",
        "Oppgaven {task} finnes ikke i denne versjonen",
        "The task {task} is not available in this version",
        "Jobben ber om en oppgave denne versjonen av Tripletex Bridge ikke kan utføre ennå.",
        "The job asks for a task this version of Tripletex Bridge cannot carry out yet.",
        "Oppgrader Tripletex Bridge på alle maskiner som kjører `txbridge worker`.",
        "Upgrade Tripletex Bridge on every machine that runs `txbridge worker`.",
    ),
    E(
        "job_crashed",
        "Jobb {job} stoppet på grunn av en intern feil ({error})",
        "Job {job} stopped because of an internal error ({error})",
        "En feil i programmet, ikke i dataene eller hos Tripletex; driftsloggen har detaljene.",
        "A fault in the program, not in the data or at Tripletex; the operators' log has the details.",
        "Meld feilen med driftsloggen; kjør så `txbridge jobs retry {job}`.",
        "Report the fault with the operators' log; then run `txbridge jobs retry {job}`.",
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
        "Kjør `txbridge worker --apply-schema` én gang (eller `txbridge db upgrade`), og start så "
        "arbeiderne.",
        "Run `txbridge worker --apply-schema` once (or `txbridge db upgrade`), then start the workers.",
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
    return Message(found.id, nb, en, cause_nb, cause_en, fix_nb, fix_en, MappingProxyType(dict(params)))


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
    templates = {"nb": found.nb, "en": found.en, "cause_nb": found.cause_nb, "cause_en": found.cause_en}
    for layout in layouts:
        seen: set[str] = set()
        pattern = "".join(
            re.escape(literal)
            + ("" if not name else ".*?" if name == "rest" else _pattern(templates[name], name, seen))
            for literal, name, _, _ in string.Formatter().parse(layout)
        )
        match = re.fullmatch(pattern, stored, re.DOTALL)
        if match is None:
            continue
        params: dict[str, object] = {}
        for name in found.required:
            nb = match.groupdict().get(f"{name}__nb") or match.groupdict().get(f"{name}__cause_nb")
            en = match.groupdict().get(f"{name}__en") or match.groupdict().get(f"{name}__cause_en")
            if nb is None and en is None:
                continue
            params[name] = nb if en is None or nb == en else en if nb is None else Bilingual(nb, en)
        return _message(found, params)
    return None
