"""Reference data of a new sandbox company besides the chart of accounts and the VAT types."""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class CurrencyData:
    """A currency; ids are global in Tripletex (NOK is 1)."""

    id: int
    code: str
    description: str
    factor: int = 1
    # A fixed NOK rate per `factor` units, so rate look-ups are deterministic offline.
    nok_rate: Decimal = Decimal("1")


CURRENCIES: tuple[CurrencyData, ...] = (
    CurrencyData(1, "NOK", "Norske kroner"),
    CurrencyData(2, "SEK", "Svenske kroner", 100, Decimal("97.50")),
    CurrencyData(3, "DKK", "Danske kroner", 100, Decimal("157.80")),
    CurrencyData(4, "USD", "Amerikanske dollar", 1, Decimal("10.95")),
    CurrencyData(5, "EUR", "Euro", 1, Decimal("11.78")),
    CurrencyData(6, "GBP", "Britiske pund", 1, Decimal("13.92")),
)


@dataclass(frozen=True, slots=True)
class PaymentTypeData:
    """An invoice payment type («Betalt til bank») and the ledger account the payment is debited to."""

    description: str
    account_number: int
    sequence: int


PAYMENT_TYPES: tuple[PaymentTypeData, ...] = (
    PaymentTypeData("Betalt til bank", 1920, 1),
    PaymentTypeData("Kontant", 1900, 2),
)


@dataclass(frozen=True, slots=True)
class ActivityData:
    number: str
    name: str
    activity_type: str  # the spec's Activity.activityType
    is_chargeable: bool
    rate: Decimal = Decimal("0")


ACTIVITIES: tuple[ActivityData, ...] = (
    ActivityData("1", "Administrasjon", "GENERAL_ACTIVITY", False),
    ActivityData("2", "Ferie", "GENERAL_ACTIVITY", False),
    ActivityData("3", "Sykdom", "GENERAL_ACTIVITY", False),
    ActivityData("10", "Fakturerbart arbeid", "PROJECT_GENERAL_ACTIVITY", True, Decimal("1200")),
    ActivityData("11", "Prosjektledelse", "PROJECT_GENERAL_ACTIVITY", True, Decimal("1400")),
    ActivityData("12", "Reisetid", "PROJECT_GENERAL_ACTIVITY", False),
)


@dataclass(frozen=True, slots=True)
class DepartmentData:
    name: str
    department_number: str


DEFAULT_DEPARTMENT = DepartmentData("Hovedavdeling", "1")


@dataclass(frozen=True, slots=True)
class EmployeeData:
    """The employee who owns the company's API tokens (an administrator)."""

    first_name: str
    last_name: str
    email: str
    employee_number: str
    user_type: str = "EXTENDED"


TOKEN_OWNER = EmployeeData("Ola", "Nordmann", "ola.nordmann@example.no", "1")


@dataclass(frozen=True, slots=True)
class EventTypeData:
    """A webhook event as listed by `GET /event`: `<subject>.<verb>` and the model its value has."""

    name: str
    description: str
    payload_model: str

    @property
    def subject(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def verb(self) -> str:
        return self.name.split(".", 1)[1]


def _crud_events(subject: str, model: str, norwegian: str) -> tuple[EventTypeData, ...]:
    return (
        EventTypeData(f"{subject}.create", f"{norwegian} opprettet / {model} created", model),
        EventTypeData(f"{subject}.update", f"{norwegian} endret / {model} updated", model),
        EventTypeData(f"{subject}.delete", f"{norwegian} slettet / {model} deleted", model),
    )


EVENT_TYPES: tuple[EventTypeData, ...] = (
    *_crud_events("customer", "Customer", "Kunde"),
    *_crud_events("product", "Product", "Produkt"),
    *_crud_events("order", "Order", "Ordre"),
    *_crud_events("project", "Project", "Prosjekt"),
    *_crud_events("employee", "Employee", "Ansatt"),
    *_crud_events("department", "Department", "Avdeling"),
    *_crud_events("activity", "Activity", "Aktivitet"),
    *_crud_events("account", "Account", "Konto"),
    *_crud_events("voucher", "Voucher", "Bilag"),
    EventTypeData("invoice.charged", "Faktura bokført / Invoice charged", "Invoice"),
)
