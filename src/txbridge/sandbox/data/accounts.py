"""The part of the Norwegian standard chart of accounts (NS 4102) a new sandbox company starts with.

Covers what an invoicing, point-of-sale and payroll-light integration touches. Each account carries the
VAT *number* of its default VAT type (resolved to a VAT type id per company) and whether it is locked to
it. Choices where NS 4102 leaves room, documented here because integrations map to these numbers:

- income per output VAT number (posting rules): 3 → 3000, 31 → 3001, 32 → 3003, 33 → 3002 (Tripletex's
  FAQ names 3002 as the default for VAT type 33), 5/51/52 → 3100, 6 → 3200, 0/7 → 3900;
- tips (driks) paid out to staff are not the company's revenue: liability 2915 «Skyldig driks til ansatte»;
- rounding differences («øreavrunding»): 7960, also the posting rules' rounding account;
- 1920 is the bank account that carries the company's bank account number (the invoicing rule).
"""

from dataclasses import dataclass
from enum import StrEnum


class AccountType(StrEnum):
    """The `Account.type` values of the spec, decided by the account number's class."""

    ASSETS = "ASSETS"
    EQUITY = "EQUITY"
    LIABILITIES = "LIABILITIES"
    OPERATING_REVENUES = "OPERATING_REVENUES"
    OPERATING_EXPENSES = "OPERATING_EXPENSES"
    INVESTMENT_INCOME = "INVESTMENT_INCOME"
    COST_OF_CAPITAL = "COST_OF_CAPITAL"
    TAX_ON_ORDINARY_ACTIVITIES = "TAX_ON_ORDINARY_ACTIVITIES"
    ANNUAL_RESULT = "ANNUAL_RESULT"


def account_type_for(number: int) -> AccountType:
    """NS 4102 classes: 1 assets, 20 equity, 21–29 liabilities, 3 revenue, 4–7 expenses, 8 financial."""
    if number < 2000:
        return AccountType.ASSETS
    if number < 2100:
        return AccountType.EQUITY
    if number < 3000:
        return AccountType.LIABILITIES
    if number < 4000:
        return AccountType.OPERATING_REVENUES
    if number < 8000:
        return AccountType.OPERATING_EXPENSES
    if number < 8100:
        return AccountType.INVESTMENT_INCOME
    if number < 8300:
        return AccountType.COST_OF_CAPITAL
    if number < 8800:
        return AccountType.TAX_ON_ORDINARY_ACTIVITIES
    return AccountType.ANNUAL_RESULT


@dataclass(frozen=True, slots=True)
class AccountData:
    number: int
    name: str
    vat_number: str
    vat_locked: bool = False
    is_bank_account: bool = False
    is_closeable: bool = False
    ledger_type: str = "GENERAL"

    @property
    def type(self) -> AccountType:
        return account_type_for(self.number)


def _locked(
    number: int,
    name: str,
    *,
    is_bank_account: bool = False,
    is_closeable: bool = False,
    ledger_type: str = "GENERAL",
) -> AccountData:
    """A balance or fee account locked to VAT number 0 (no VAT treatment)."""
    return AccountData(number, name, "0", True, is_bank_account, is_closeable, ledger_type)


ACCOUNTS: tuple[AccountData, ...] = (
    # 1 Eiendeler (assets)
    AccountData(1200, "Maskiner og anlegg", "1"),
    AccountData(1460, "Innkjøpte varer for videresalg", "0"),
    _locked(1500, "Kundefordringer", is_closeable=True, ledger_type="CUSTOMER"),
    _locked(1570, "Andre kortsiktige fordringer"),
    _locked(1580, "Avsetning for tap på kundefordringer"),
    _locked(1900, "Kontanter"),
    _locked(1920, "Bankinnskudd", is_bank_account=True),
    _locked(1950, "Bankinnskudd for skattetrekk", is_bank_account=True),
    # 2 Egenkapital og gjeld (equity and liabilities)
    _locked(2000, "Aksjekapital"),
    _locked(2050, "Annen egenkapital"),
    _locked(2400, "Leverandørgjeld", is_closeable=True, ledger_type="VENDOR"),
    _locked(2600, "Forskuddstrekk"),
    _locked(2700, "Utgående merverdiavgift, høy sats"),
    _locked(2701, "Utgående merverdiavgift, middels sats"),
    _locked(2702, "Utgående merverdiavgift, lav sats"),
    _locked(2703, "Utgående merverdiavgift, råfisk"),
    _locked(2710, "Inngående merverdiavgift, høy sats"),
    _locked(2711, "Inngående merverdiavgift, middels sats"),
    _locked(2714, "Inngående merverdiavgift, lav sats"),
    _locked(2740, "Oppgjørskonto merverdiavgift"),
    _locked(2770, "Skyldig arbeidsgiveravgift"),
    _locked(2780, "Påløpt arbeidsgiveravgift på feriepenger"),
    _locked(2900, "Forskudd fra kunder"),
    _locked(2910, "Gjeld til ansatte og eiere", is_closeable=True, ledger_type="EMPLOYEE"),
    _locked(2915, "Skyldig driks til ansatte"),
    _locked(2930, "Skyldig lønn"),
    _locked(2940, "Skyldige feriepenger"),
    _locked(2990, "Annen kortsiktig gjeld"),
    # 3 Salgsinntekter (operating revenue)
    AccountData(3000, "Salgsinntekt, avgiftspliktig", "3"),
    AccountData(3001, "Salgsinntekt, avgiftspliktig, middels sats", "31"),
    AccountData(3002, "Salgsinntekt, avgiftspliktig, lav sats", "33"),
    AccountData(3003, "Salgsinntekt, avgiftspliktig, råfisk", "32"),
    AccountData(3100, "Salgsinntekt, avgiftsfri", "5"),
    AccountData(3200, "Salgsinntekt, utenfor avgiftsområdet", "6"),
    AccountData(3600, "Leieinntekt fast eiendom", "6"),
    AccountData(3620, "Annen leieinntekt", "3"),
    AccountData(3700, "Provisjonsinntekt", "3"),
    AccountData(3900, "Annen driftsrelatert inntekt", "0"),
    # 4–7 Driftskostnader (operating expenses)
    AccountData(4000, "Innkjøp av varer for videresalg", "1"),
    AccountData(4300, "Innkjøp av varer for videresalg, middels sats", "11"),
    AccountData(5000, "Lønn til ansatte", "0"),
    AccountData(5020, "Feriepenger", "0"),
    AccountData(5090, "Påløpt, ikke utbetalt lønn", "0"),
    AccountData(5180, "Påløpte feriepenger", "0"),
    AccountData(5400, "Arbeidsgiveravgift", "0"),
    AccountData(5410, "Arbeidsgiveravgift av påløpte feriepenger", "0"),
    AccountData(6300, "Leie lokale", "0"),
    AccountData(6340, "Lys, varme", "1"),
    AccountData(6540, "Inventar", "1"),
    AccountData(6800, "Kontorrekvisita", "1"),
    AccountData(6900, "Telefon", "1"),
    AccountData(7140, "Reisekostnad, ikke oppgavepliktig", "0"),
    _locked(7770, "Bank- og kortgebyrer"),
    AccountData(7790, "Annen kostnad, fradragsberettiget", "1"),
    _locked(7830, "Tap på fordringer"),
    _locked(7960, "Øreavrunding"),
    # 8 Finansposter (financial items)
    _locked(8040, "Renteinntekt, skattefri"),
    _locked(8050, "Annen renteinntekt"),
    _locked(8060, "Valutagevinst (agio)"),
    _locked(8150, "Annen rentekostnad"),
    _locked(8160, "Valutatap (disagio)"),
    _locked(8300, "Betalbar skatt"),
    _locked(8800, "Årsresultat"),
)

# Default income account per output VAT number (Tripletex: Konto → Innstillinger → Posteringsregler).
DEFAULT_INCOME_ACCOUNT_BY_VAT_NUMBER: dict[str, int] = {
    "3": 3000,
    "31": 3001,
    "32": 3003,
    "33": 3002,
    "5": 3100,
    "51": 3100,
    "52": 3100,
    "6": 3200,
    "7": 3900,
    "0": 3900,
}

# VAT posting account per VAT number (output and deductible input VAT).
VAT_ACCOUNT_BY_VAT_NUMBER: dict[str, int] = {
    "3": 2700,
    "31": 2701,
    "33": 2702,
    "32": 2703,
    "1": 2710,
    "11": 2711,
    "13": 2714,
}

CUSTOMER_RECEIVABLE_ACCOUNT = 1500
VENDOR_DEBT_ACCOUNT = 2400
EMPLOYEE_DEBT_ACCOUNT = 2910
BANK_ACCOUNT = 1920
CASH_ACCOUNT = 1900
TIPS_ACCOUNT = 2915
ROUNDING_ACCOUNT = 7960
BANK_FEE_ACCOUNT = 7770

# A valid Norwegian bank account number (MOD11 check digit) for the bank account 1920.
DEMO_BANK_ACCOUNT_NUMBER = "15035612340"
