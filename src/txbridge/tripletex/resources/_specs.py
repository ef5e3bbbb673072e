"""What each Tripletex resource supports, in one table the sync and async resources both read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from .. import models as m
from ..models import TripletexModel

T = TypeVar("T", bound=TripletexModel)

#: /invoice/list takes at most 100 invoices per call (documented limit).
INVOICE_BULK_MAX = 100
#: Other bulk endpoints document no limit; keep bodies and failure blast radius moderate.
DEFAULT_BULK_CHUNK = 500


@dataclass(frozen=True)
class ResourceSpec(Generic[T]):
    path: str
    model: type[T]
    can_get: bool = True
    can_list: bool = True
    can_create: bool = True
    can_update: bool = True
    can_delete: bool = False
    #: POST {path}/list creates many in one call.
    bulk: bool = False
    bulk_chunk: int = DEFAULT_BULK_CHUNK
    #: Required "from and including / to and excluding" search window, e.g. invoiceDateFrom/invoiceDateTo.
    date_range: tuple[str, str] | None = None
    #: The list endpoint accepts ``changedSince``.
    changed_since: bool = False


CUSTOMERS = ResourceSpec("/customer", m.Customer, can_delete=True, bulk=True, changed_since=True)
PRODUCTS = ResourceSpec("/product", m.Product, can_delete=True, bulk=True)
PRODUCT_GROUPS = ResourceSpec("/product/group", m.ProductGroup, can_delete=True, bulk=True)
ORDERS = ResourceSpec(
    "/order", m.Order, can_delete=True, bulk=True, date_range=("orderDateFrom", "orderDateTo")
)
ORDER_LINES = ResourceSpec("/order/orderline", m.OrderLine, can_list=False, can_delete=True, bulk=True)
INVOICES = ResourceSpec(
    "/invoice",
    m.Invoice,
    can_update=False,
    bulk=True,
    bulk_chunk=INVOICE_BULK_MAX,
    date_range=("invoiceDateFrom", "invoiceDateTo"),
)
ACCOUNTS = ResourceSpec("/ledger/account", m.Account, can_delete=True)
VAT_TYPES = ResourceSpec("/ledger/vatType", m.VatType, can_create=False, can_update=False)
VOUCHERS = ResourceSpec("/ledger/voucher", m.Voucher, can_delete=True, date_range=("dateFrom", "dateTo"))
ACCOUNTING_PERIODS = ResourceSpec(
    "/ledger/accountingPeriod", m.AccountingPeriod, can_create=False, can_update=False
)
POSTINGS = ResourceSpec(
    "/ledger/posting", m.Posting, can_create=False, can_update=False, date_range=("dateFrom", "dateTo")
)
EMPLOYEES = ResourceSpec("/employee", m.Employee, bulk=True)
DEPARTMENTS = ResourceSpec("/department", m.Department, can_delete=True, bulk=True)
PROJECTS = ResourceSpec("/project", m.Project, can_delete=True, bulk=True)
ACTIVITIES = ResourceSpec("/activity", m.Activity, can_update=False, bulk=True)
TIMESHEET_ENTRIES = ResourceSpec(
    "/timesheet/entry", m.TimesheetEntry, can_delete=True, bulk=True, date_range=("dateFrom", "dateTo")
)
EVENT_SUBSCRIPTIONS = ResourceSpec("/event/subscription", m.EventSubscription, can_delete=True, bulk=True)
CURRENCIES = ResourceSpec("/currency", m.Currency, can_create=False, can_update=False)
COMPANIES = ResourceSpec("/company", m.Company, can_list=False, can_create=False, can_update=False)
#: The client companies an accountant's token may act for: a list only.
LOGIN_ACCESS = ResourceSpec(
    "/company/>withLoginAccess", m.Company, can_get=False, can_create=False, can_update=False
)
