"""What the host system hands us, item by item: pydantic "create" schemas with camelCase keys.

Each schema validates one item on its own (formats, ranges, organisation number, VAT code); whether
the numbers it refers to exist is checked by the importer, which knows the file and the store."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

import pycountry
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_camel
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.no import orgnr

from txbridge.catalog import Bilingual
from txbridge.flows.intake.values import FieldProblem, read_bool, read_date, read_decimal

#: Output (sales) VAT numbers in Tripletex: 3 = 25 %, 31 = 15 % (food), 32 = 11.11 % (raw fish),
#: 33 = 12 % (low rate), 5 = exempt inside the VAT act, 51 = domestic reverse charge,
#: 52 = export, 6 = outside the VAT act. They are VAT *numbers*; ids differ per company.
OUTPUT_VAT_CODES: frozenset[int] = frozenset({3, 31, 32, 33, 5, 51, 52, 6})

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")

#: ISO 4217 codes (from pycountry, which follows the ISO list) less those that are no money an invoice
#: is written in: precious metals, bond-market units, SDR, the testing and «no currency» codes.
_NOT_MONEY = frozenset(
    {"XAD", "XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XDR", "XPD", "XPT", "XSU", "XTS", "XUA", "XXX"}
)
CURRENCY_CODES: frozenset[str] = frozenset(currency.alpha_3 for currency in pycountry.currencies) - _NOT_MONEY
COUNTRY_CODES: frozenset[str] = frozenset(country.alpha_2 for country in pycountry.countries)

#: Brønnøysundregistrene assign organisation numbers of nine digits starting with 8 or 9
#: (https://www.brreg.no/samordning/organisasjonsnummeret.html); the mod-11 check alone (python-stdnum's
#: too) lets 000000000 through.
ORGANIZATION_NUMBER_FIRST_DIGITS = frozenset("89")


def organization_number(value: str) -> str | None:
    """A Norwegian organisation number in its nine-digit form (spaces and dots taken out), or None
    when it is no valid one (mod 11, first digit 8 or 9)."""
    try:
        number = str(orgnr.validate(value))
    except StdnumValidationError:
        return None
    return number if number[:1] in ORGANIZATION_NUMBER_FIRST_DIGITS else None


Amount = Annotated[
    Decimal,
    BeforeValidator(read_decimal),
    Field(max_digits=14, decimal_places=2, ge=Decimal("-1e12"), le=Decimal("1e12")),
]
Quantity = Annotated[Decimal, BeforeValidator(read_decimal), Field(max_digits=14, decimal_places=4)]
Percent = Annotated[Decimal, BeforeValidator(read_decimal), Field(ge=0, le=100, decimal_places=2)]
Day = Annotated[date, BeforeValidator(read_date)]
YesNo = Annotated[bool, BeforeValidator(read_bool)]
Text255 = Annotated[str, Field(min_length=1, max_length=255)]


class _Item(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        str_strip_whitespace=True,
        frozen=True,
    )

    @field_validator("*")
    @classmethod
    def _no_nul(cls, value: object) -> object:
        # PostgreSQL cannot store NUL in text; refuse it here for both databases alike.
        if isinstance(value, str) and "\x00" in value:
            raise FieldProblem("intake_text_has_nul")
        return value


def _optional_email(value: str | None) -> str | None:
    if value in (None, ""):
        return None
    assert value is not None
    if not _EMAIL.match(value):
        raise FieldProblem("intake_email_invalid")
    return value


def _code_in(value: str, codes: frozenset[str], message_id: str) -> str:
    """An ISO code in any case (``nok``) as the standard writes it, or the catalog's refusal."""
    if value.upper() not in codes:
        raise FieldProblem(message_id)
    return value.upper()


def _check_vat_code(value: int) -> int:
    if value not in OUTPUT_VAT_CODES:
        allowed = ", ".join(str(code) for code in sorted(OUTPUT_VAT_CODES))
        raise FieldProblem("intake_vat_code_unknown", vat_code=value, allowed=allowed)
    return value


class CustomerIn(_Item):
    number: int = Field(ge=1, le=2_147_483_647)
    name: Text255
    organization_number: str | None = None
    email: str | None = Field(default=None, max_length=254)
    invoice_email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=40)
    address_line1: str | None = Field(default=None, max_length=255)
    address_line2: str | None = Field(default=None, max_length=255)
    postal_code: str | None = Field(default=None, max_length=20)
    city: str | None = Field(default=None, max_length=100)
    country_code: str = "NO"
    is_private_person: YesNo = False

    @field_validator("organization_number")
    @classmethod
    def _organization_number(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        assert value is not None
        number = organization_number(value)
        if number is None:
            raise FieldProblem("intake_invalid_organization_number")
        return number

    @field_validator("country_code")
    @classmethod
    def _country(cls, value: str) -> str:
        return _code_in(value, COUNTRY_CODES, "intake_country_unknown")

    @field_validator("email", "invoice_email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        return _optional_email(value)


class ProductClassIn(_Item):
    code: Annotated[str, Field(min_length=1, max_length=50)]
    name: Text255
    #: Tripletex account number (NS 4102: four digits); None leaves the class without an account.
    account_number: int | None = Field(default=None, ge=1000, le=9999)


class ProductIn(_Item):
    number: Annotated[str, Field(min_length=1, max_length=100)]
    name: Text255
    product_class_code: str | None = Field(default=None, max_length=50)
    vat_code: int
    unit_price: Amount | None = None

    @field_validator("vat_code")
    @classmethod
    def _vat(cls, value: int) -> int:
        return _check_vat_code(value)


class InvoiceLineIn(_Item):
    line_no: int | None = Field(default=None, ge=1)
    product_number: str | None = Field(default=None, max_length=100)
    description: str | None = Field(default=None, max_length=1000)
    quantity: Quantity
    unit_price: Amount
    #: Defaults to the product's VAT code.
    vat_code: int | None = None
    discount: Percent = Decimal("0")

    @field_validator("vat_code")
    @classmethod
    def _vat(cls, value: int | None) -> int | None:
        return None if value is None else _check_vat_code(value)

    @field_validator("quantity")
    @classmethod
    def _quantity(cls, value: Decimal) -> Decimal:
        if value == 0:
            raise FieldProblem("intake_quantity_zero")
        return value

    @model_validator(mode="after")
    def _product_or_description(self) -> InvoiceLineIn:
        # Tripletex needs one of them on an order line.
        if not self.product_number and not self.description:
            raise FieldProblem("intake_line_needs_product_or_description")
        return self


class InvoiceIn(_Item):
    number: Annotated[str, Field(min_length=1, max_length=50)]
    invoice_date: Day
    due_date: Day
    customer_number: int = Field(ge=1)
    currency: str = "NOK"
    #: Unit prices include VAT; defaults to the connection's setting.
    prices_include_vat: YesNo | None = None
    status: Literal["ready", "draft"] = "ready"
    comment: str | None = Field(default=None, max_length=2000)
    #: Set when an earlier integration already exported this invoice: it becomes the integration
    #: reference, so the export skips the invoice instead of sending it again.
    tripletex_invoice_number: int | None = Field(default=None, ge=1)
    lines: list[InvoiceLineIn] = Field(min_length=1, max_length=1000)

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        return _code_in(value, CURRENCY_CODES, "intake_currency_unknown")

    @field_validator("due_date")
    @classmethod
    def _due_date(cls, value: date, info: ValidationInfo) -> date:
        invoice_date = info.data.get("invoice_date")
        if invoice_date is not None and value < invoice_date:
            raise FieldProblem("intake_due_before_invoice_date", invoice_date=invoice_date.isoformat())
        return value

    @model_validator(mode="after")
    def _line_numbers(self) -> InvoiceIn:
        # Lines without lineNo get their position (from 1); together they must not repeat.
        numbers = [line.line_no or position for position, line in enumerate(self.lines, start=1)]
        repeated = sorted({number for number in numbers if numbers.count(number) > 1})
        if repeated:
            raise FieldProblem("intake_line_number_repeats", line_no=", ".join(map(str, repeated)))
        return self


# ---- POS day sales (one location's Z-report per day) ---------------------------------------------------

_POS_CODE = r"^[A-Za-z0-9_.\-]{1,50}$"


def _line_problem(nb: str, en: str) -> FieldProblem:
    return FieldProblem("daysales_intake_line_invalid", reason=Bilingual(nb, en))


class DaySaleLineIn(_Item):
    """One figure of the day: ``sale`` (a product group at a VAT rate, eat-in or takeaway), ``payment``
    (a payment method's takings) or ``event`` (tips, rounding, cash_difference, gift_card_sold,
    gift_card_redeemed). Gross amounts in NOK."""

    type: Literal["sale", "payment", "event"]
    code: Annotated[str, Field(pattern=_POS_CODE)]
    vat_rate: Percent | None = None
    takeaway: YesNo = False
    amount: Amount

    @model_validator(mode="after")
    def _fits_type(self) -> DaySaleLineIn:
        if self.type == "sale" and self.vat_rate is None:
            raise _line_problem(
                "et salg trenger vatRate (25, 15, 12 eller 0)", "a sale needs vatRate (25, 15, 12 or 0)"
            )
        if self.type != "sale" and (self.vat_rate is not None or self.takeaway):
            raise _line_problem("bare salg har vatRate og takeaway", "only sales have vatRate and takeaway")
        if self.type == "event" and self.code not in POS_EVENTS:
            allowed = ", ".join(POS_EVENTS)
            raise _line_problem(f"ukjent hendelse (kjente: {allowed})", f"unknown event (known: {allowed})")
        return self


class DaySaleIn(_Item):
    host_id: Annotated[str, Field(min_length=1, max_length=100)]
    location: Annotated[str, Field(min_length=1, max_length=100)]
    date: Day
    lines: list[DaySaleLineIn] = Field(min_length=1, max_length=500)

    @model_validator(mode="after")
    def _balanced(self) -> DaySaleIn:
        off = day_difference(self.lines)
        if off:
            # What is missing, as the event line that would balance it (positive credits).
            raise FieldProblem("daysales_intake_not_balanced", difference=f"{off:.2f}")
        return self


#: Events and their side: True when a positive amount is credited (see flows.daysales.voucher).
POS_EVENT_CREDITS: dict[str, bool] = {
    "tips": True,
    "rounding": True,
    "cash_difference": True,
    "gift_card_sold": True,
    "gift_card_redeemed": False,
}
POS_EVENTS: tuple[str, ...] = tuple(POS_EVENT_CREDITS)


def line_debit(type_: str, code: str, amount: Decimal) -> Decimal:
    """A Z-report line's gross amount on the voucher: debit positive, credit negative."""
    if type_ == "sale":
        return -amount
    if type_ == "payment":
        return amount
    return -amount if POS_EVENT_CREDITS.get(code, True) else amount


def day_difference(lines: Sequence[DaySaleLineIn]) -> Decimal:
    """The rounding/cash-difference event amount that would balance the day (0: it balances)."""
    return sum((line_debit(line.type, line.code, line.amount) for line in lines), Decimal(0))


class HoursIn(_Item):
    """One approved hour registration of the host (Svenn and the like), by the host's own id.

    The employee is named by the host's own id (``employeeId``, what the two-way sync links), number
    or e-mail, the activity by number or name; the project by the host's id (``projectId``) or its
    number (none for a general activity such as internal time). ``deleted`` says the host deleted an
    hour it approved earlier: one already in Tripletex is then deleted there too."""

    id: Annotated[str, Field(min_length=1, max_length=100)]
    employee_id: str | None = Field(default=None, max_length=100)
    employee_number: str | None = Field(default=None, max_length=50)
    employee_email: str | None = Field(default=None, max_length=254)
    project_id: str | None = Field(default=None, max_length=100)
    project_number: str | None = Field(default=None, max_length=100)
    activity_number: str | None = Field(default=None, max_length=100)
    activity_name: str | None = Field(default=None, max_length=255)
    date: Day
    hours: Annotated[
        Decimal, BeforeValidator(read_decimal), Field(gt=0, le=24, max_digits=4, decimal_places=2)
    ]
    comment: str | None = Field(default=None, max_length=1000)
    deleted: YesNo = False

    @field_validator(
        "employee_id",
        "employee_number",
        "project_id",
        "project_number",
        "activity_number",
        "activity_name",
        "comment",
    )
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None

    @field_validator("employee_email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        return _optional_email(value)

    @model_validator(mode="after")
    def _who_and_what(self) -> HoursIn:
        if not self.employee_id and not self.employee_number and not self.employee_email:
            raise FieldProblem("hours_employee_missing")
        if not self.activity_number and not self.activity_name:
            raise FieldProblem("hours_activity_missing")
        return self
