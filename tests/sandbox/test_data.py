"""The standard data of a new sandbox company is internally consistent and Tripletex-like."""

import itertools
from decimal import Decimal

import pytest
from stdnum.no import kontonr

from txbridge.sandbox.data import VAT_TYPES, AccountType, StandardData, VatDirection, standard_company_data
from txbridge.sandbox.data.accounts import account_type_for


def test_vat_numbers_are_unique_and_ids_never_equal_any_number() -> None:
    numbers = [vat.number for vat in VAT_TYPES]
    ids = [vat.id for vat in VAT_TYPES]
    assert len(set(numbers)) == len(numbers)
    assert len(set(ids)) == len(ids)
    assert not {str(i) for i in ids} & set(numbers)


@pytest.mark.parametrize(
    ("number", "percentage", "direction"),
    [
        ("3", "25", VatDirection.OUTPUT),
        ("31", "15", VatDirection.OUTPUT),
        ("32", "11.11", VatDirection.OUTPUT),
        ("33", "12", VatDirection.OUTPUT),
        ("5", "0", VatDirection.OUTPUT),
        ("6", "0", VatDirection.OUTPUT),
        ("0", "0", VatDirection.NONE),
        ("1", "25", VatDirection.INPUT),
        ("11", "15", VatDirection.INPUT),
        ("13", "12", VatDirection.INPUT),
    ],
)
def test_vat_rates_are_the_norwegian_ones(number: str, percentage: str, direction: VatDirection) -> None:
    vat = standard_company_data().vat_type(number)
    assert vat.percentage == Decimal(percentage)
    assert vat.direction is direction


def test_account_numbers_unique_and_every_vat_type_exists() -> None:
    data = standard_company_data()
    numbers = [a.number for a in data.accounts]
    assert len(set(numbers)) == len(numbers)
    vat_ids = {vat.id for vat in data.vat_types}
    for account in data.accounts:
        assert account.vat_type_id in vat_ids, account.number
        assert data.vat_type(account.data.vat_number).id == account.vat_type_id


def test_the_accounts_an_integration_touches_are_there() -> None:
    data = standard_company_data()
    for number in (
        1500,
        1900,
        1920,
        2400,
        2700,
        2701,
        2702,
        2710,
        2711,
        2714,
        2740,
        2915,
        3000,
        3002,
        3100,
        3200,
        3600,
        3620,
        3900,
        4000,
        5000,
        5400,
        6300,
        6800,
        7770,
        7790,
        7960,
        8050,
        8150,
    ):
        data.account(number)
    assert data.account(3620).data.vat_number == "3"  # the FAQ's example account
    assert data.account(1500).data.vat_locked


def test_bank_account_number_is_valid_mod11_and_absent_on_request() -> None:
    with_bank = standard_company_data().account(1920)
    assert with_bank.data.is_bank_account
    assert kontonr.is_valid(with_bank.bank_account_number)
    assert standard_company_data(bank_account=False).account(1920).bank_account_number == ""


def test_posting_rules_point_to_existing_accounts_with_matching_vat() -> None:
    data = standard_company_data()
    rules = data.posting_rules
    for number in (
        rules.customer_receivable_account,
        rules.vendor_debt_account,
        rules.employee_debt_account,
        rules.rounding_account,
        rules.tips_account,
    ):
        data.account(number)
    assert rules.default_income_account_by_vat_number["3"] == 3000
    assert rules.default_income_account_by_vat_number["33"] == 3002
    for vat_number, account_number in rules.default_income_account_by_vat_number.items():
        account = data.account(account_number)
        assert account.data.type is AccountType.OPERATING_REVENUES
        data.vat_type(vat_number)
    # every output VAT type that carries VAT has a default income account and a VAT account
    for vat in data.vat_types:
        if vat.direction is VatDirection.OUTPUT:
            assert vat.number in rules.default_income_account_by_vat_number, vat.number
            if vat.percentage:
                assert data.account(rules.vat_account_by_vat_number[vat.number])


def test_payment_types_currencies_activities_and_owner() -> None:
    data = standard_company_data()
    bank = data.payment_types[0]
    assert bank.data.description == "Betalt til bank"
    assert bank.account_id == data.account(1920).id
    assert [c.code for c in data.currencies] == ["NOK", "SEK", "DKK", "USD", "EUR", "GBP"]
    assert data.currencies[0].id == 1
    assert {"Administrasjon", "Fakturerbart arbeid", "Prosjektledelse"} <= {
        a.data.name for a in data.activities
    }
    assert data.employee.department_id == data.department.id


def test_ids_come_from_the_callers_allocator_and_are_unique() -> None:
    counter = itertools.count(500_000)
    first = standard_company_data(next_id=counter.__next__)
    second = standard_company_data(next_id=counter.__next__)

    def ids(d: StandardData) -> set[int]:
        return {a.id for a in d.accounts} | {a.id for a in d.activities} | {d.employee.id}

    assert not ids(first) & ids(second)
    assert min(a.id for a in first.accounts) == 500_000


@pytest.mark.parametrize(
    ("number", "kind"),
    [
        (1500, AccountType.ASSETS),
        (2050, AccountType.EQUITY),
        (2400, AccountType.LIABILITIES),
        (3000, AccountType.OPERATING_REVENUES),
        (7770, AccountType.OPERATING_EXPENSES),
        (8050, AccountType.INVESTMENT_INCOME),
        (8150, AccountType.COST_OF_CAPITAL),
        (8300, AccountType.TAX_ON_ORDINARY_ACTIVITIES),
        (8800, AccountType.ANNUAL_RESULT),
    ],
)
def test_account_type_follows_ns4102_classes(number: int, kind: AccountType) -> None:
    assert account_type_for(number) is kind
