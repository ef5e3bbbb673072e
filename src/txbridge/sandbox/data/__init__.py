"""The standard data of a new Tripletex company, as plain Python data.

`standard_company_data(bank_account=True, next_id=None)` returns a `StandardData` with ids assigned:

- `vat_types`: Tripletex's predefined VAT types (`vat_types.VAT_TYPES`); global ids that never equal
  a VAT number (look them up by number, as with Tripletex);
- `accounts`: NS 4102 accounts (`accounts.ACCOUNTS`), each with its VAT type id and lock; 1920 has the
  bank account number unless `bank_account=False` (a company that may not invoice yet);
- `posting_rules`: receivables 1500, vendor debt 2400, employee debt 2910, rounding 7960, and the
  default income account per output VAT number (3 → 3000, 33 → 3002, 5 → 3100, 6 → 3200, …);
- `payment_types` («Betalt til bank» on 1920, «Kontant» on 1900), `currencies` (NOK, SEK, DKK, EUR,
  USD, GBP; global ids, NOK = 1), `activities`, `department` and `employee` (the token owner);
- `event_types`: the webhook events `GET /event` lists.

Per-company objects get ids from `next_id` (the caller's id allocator, so ids stay unique across the
companies of one sandbox); without it ids count up from 10,001, above every account number.
Nothing here is mutable or shared between companies: each call builds fresh records.
"""

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

from txbridge.sandbox.data.accounts import (
    ACCOUNTS,
    BANK_ACCOUNT,
    CUSTOMER_RECEIVABLE_ACCOUNT,
    DEFAULT_INCOME_ACCOUNT_BY_VAT_NUMBER,
    DEMO_BANK_ACCOUNT_NUMBER,
    EMPLOYEE_DEBT_ACCOUNT,
    ROUNDING_ACCOUNT,
    TIPS_ACCOUNT,
    VAT_ACCOUNT_BY_VAT_NUMBER,
    VENDOR_DEBT_ACCOUNT,
    AccountData,
    AccountType,
)
from txbridge.sandbox.data.reference import (
    ACTIVITIES,
    CURRENCIES,
    DEFAULT_DEPARTMENT,
    EVENT_TYPES,
    PAYMENT_TYPES,
    TOKEN_OWNER,
    ActivityData,
    CurrencyData,
    DepartmentData,
    EmployeeData,
    EventTypeData,
    PaymentTypeData,
)
from txbridge.sandbox.data.vat_types import VAT_TYPES, VatDirection, VatTypeData

__all__ = [
    "CURRENCIES",
    "EVENT_TYPES",
    "VAT_TYPES",
    "Account",
    "AccountType",
    "Activity",
    "CurrencyData",
    "Department",
    "Employee",
    "EventTypeData",
    "PaymentType",
    "PostingRules",
    "StandardData",
    "VatDirection",
    "VatTypeData",
    "standard_company_data",
]


@dataclass(frozen=True, slots=True)
class Account:
    id: int
    data: AccountData
    vat_type_id: int
    bank_account_number: str = ""

    @property
    def number(self) -> int:
        return self.data.number


@dataclass(frozen=True, slots=True)
class PaymentType:
    id: int
    data: PaymentTypeData
    account_id: int


@dataclass(frozen=True, slots=True)
class Activity:
    id: int
    data: ActivityData


@dataclass(frozen=True, slots=True)
class Department:
    id: int
    data: DepartmentData


@dataclass(frozen=True, slots=True)
class Employee:
    id: int
    data: EmployeeData
    department_id: int


@dataclass(frozen=True, slots=True)
class PostingRules:
    id: int
    customer_receivable_account: int
    vendor_debt_account: int
    employee_debt_account: int
    rounding_account: int
    tips_account: int
    default_income_account_by_vat_number: dict[str, int]
    vat_account_by_vat_number: dict[str, int]


@dataclass(frozen=True, slots=True)
class StandardData:
    vat_types: tuple[VatTypeData, ...]
    accounts: tuple[Account, ...]
    posting_rules: PostingRules
    payment_types: tuple[PaymentType, ...]
    currencies: tuple[CurrencyData, ...]
    activities: tuple[Activity, ...]
    department: Department
    employee: Employee
    event_types: tuple[EventTypeData, ...] = field(default=EVENT_TYPES)

    def account(self, number: int) -> Account:
        """The account with this number (KeyError if the chart has none)."""
        for account in self.accounts:
            if account.number == number:
                return account
        raise KeyError(number)

    def vat_type(self, number: str) -> VatTypeData:
        """The VAT type with this VAT number (not id)."""
        for vat_type in self.vat_types:
            if vat_type.number == number:
                return vat_type
        raise KeyError(number)


def standard_company_data(
    *, bank_account: bool = True, next_id: Callable[[], int] | None = None
) -> StandardData:
    """Build the standard data of one new company; see the module docstring."""
    allocate = next_id if next_id is not None else itertools.count(10_001).__next__
    vat_id_by_number = {vat_type.number: vat_type.id for vat_type in VAT_TYPES}
    bank_number = DEMO_BANK_ACCOUNT_NUMBER if bank_account else ""

    accounts = tuple(
        Account(
            id=allocate(),
            data=data,
            vat_type_id=vat_id_by_number[data.vat_number],
            bank_account_number=bank_number if data.number == BANK_ACCOUNT else "",
        )
        for data in ACCOUNTS
    )
    account_id_by_number = {account.number: account.id for account in accounts}
    department = Department(allocate(), DEFAULT_DEPARTMENT)
    return StandardData(
        vat_types=VAT_TYPES,
        accounts=accounts,
        posting_rules=PostingRules(
            id=allocate(),
            customer_receivable_account=CUSTOMER_RECEIVABLE_ACCOUNT,
            vendor_debt_account=VENDOR_DEBT_ACCOUNT,
            employee_debt_account=EMPLOYEE_DEBT_ACCOUNT,
            rounding_account=ROUNDING_ACCOUNT,
            tips_account=TIPS_ACCOUNT,
            default_income_account_by_vat_number=dict(DEFAULT_INCOME_ACCOUNT_BY_VAT_NUMBER),
            vat_account_by_vat_number=dict(VAT_ACCOUNT_BY_VAT_NUMBER),
        ),
        payment_types=tuple(
            PaymentType(allocate(), data, account_id_by_number[data.account_number]) for data in PAYMENT_TYPES
        ),
        currencies=CURRENCIES,
        activities=tuple(Activity(allocate(), data) for data in ACTIVITIES),
        department=department,
        employee=Employee(allocate(), TOKEN_OWNER, department.id),
    )
