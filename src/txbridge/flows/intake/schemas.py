"""What the host system hands us, item by item: pydantic "create" schemas with camelCase keys.

Each schema validates one item on its own (formats, ranges, organisation number, VAT code); whether
the numbers it refers to exist is checked by the importer, which knows the file and the store."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator
from pydantic.alias_generators import to_camel
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.no import orgnr

#: Output (sales) VAT numbers in Tripletex: 3 = 25 %, 31 = 15 % (food), 32 = 11.11 % (raw fish),
#: 33 = 12 % (low rate), 5 = exempt inside the VAT act, 51 = domestic reverse charge,
#: 52 = export, 6 = outside the VAT act. They are VAT *numbers*; ids differ per company.
OUTPUT_VAT_CODES: frozenset[int] = frozenset({3, 31, 32, 33, 5, 51, 52, 6})

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")

Amount = Annotated[Decimal, Field(max_digits=14, decimal_places=2, ge=Decimal("-1e12"), le=Decimal("1e12"))]
Quantity = Annotated[Decimal, Field(max_digits=14, decimal_places=4)]
Text255 = Annotated[str, Field(min_length=1, max_length=255)]


class OrganizationNumberError(ValueError):
    """Raised for an organisation number that fails python-stdnum's check (its own catalog message)."""


class VatCodeError(ValueError):
    """Raised for a VAT code that is not an output VAT number (its own catalog message)."""


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
            raise ValueError("contains a NUL character / inneholder et NUL-tegn")
        return value


def _optional_email(value: str | None) -> str | None:
    if value in (None, ""):
        return None
    assert value is not None
    if not _EMAIL.match(value):
        raise ValueError("not an e-mail address / ikke en e-postadresse")
    return value


def _check_vat_code(value: int) -> int:
    if value not in OUTPUT_VAT_CODES:
        raise VatCodeError(value)
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
    country_code: str = Field(default="NO", pattern=r"^[A-Z]{2}$")
    is_private_person: bool = False

    @field_validator("organization_number")
    @classmethod
    def _organization_number(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        assert value is not None
        try:
            return str(orgnr.validate(value))
        except StdnumValidationError:
            raise OrganizationNumberError(value) from None

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
    discount: Annotated[Decimal, Field(ge=0, le=100, decimal_places=2)] = Decimal("0")

    @field_validator("vat_code")
    @classmethod
    def _vat(cls, value: int | None) -> int | None:
        return None if value is None else _check_vat_code(value)

    @field_validator("quantity")
    @classmethod
    def _quantity(cls, value: Decimal) -> Decimal:
        if value == 0:
            raise ValueError("must not be 0 / kan ikke være 0")
        return value

    @model_validator(mode="after")
    def _product_or_description(self) -> InvoiceLineIn:
        # Tripletex needs one of them on an order line.
        if not self.product_number and not self.description:
            raise ValueError("needs productNumber or description / trenger productNumber eller description")
        return self


class InvoiceIn(_Item):
    number: Annotated[str, Field(min_length=1, max_length=50)]
    invoice_date: date
    due_date: date
    customer_number: int = Field(ge=1)
    currency: str = "NOK"
    #: Unit prices include VAT; defaults to the connection's setting.
    prices_include_vat: bool | None = None
    status: Literal["ready", "draft"] = "ready"
    comment: str | None = Field(default=None, max_length=2000)
    #: Set when an earlier integration already exported this invoice: it becomes the integration
    #: reference, so the export skips the invoice instead of sending it again.
    tripletex_invoice_number: int | None = Field(default=None, ge=1)
    lines: list[InvoiceLineIn] = Field(min_length=1, max_length=1000)

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        value = value.upper()
        if not _CURRENCY.match(value):
            raise ValueError("must be a three-letter ISO code / må være en ISO-kode med tre bokstaver")
        return value

    @field_validator("due_date")
    @classmethod
    def _due_date(cls, value: date, info: ValidationInfo) -> date:
        invoice_date = info.data.get("invoice_date")
        if invoice_date is not None and value < invoice_date:
            raise ValueError("before invoiceDate / før fakturadato")
        return value

    @model_validator(mode="after")
    def _line_numbers(self) -> InvoiceIn:
        # Lines without lineNo get their position (from 1); together they must not repeat.
        numbers = [line.line_no or position for position, line in enumerate(self.lines, start=1)]
        if len(numbers) != len(set(numbers)):
            raise ValueError("lineNo repeats / linjenummer gjentas")
        return self
