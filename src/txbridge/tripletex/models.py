"""Typed Tripletex objects (pydantic v2), field names exactly as in the API (camelCase).

Every field is optional because ``fields=`` can select any subset, and unknown fields are kept
(``extra="allow"``): the API grows every month. :meth:`TripletexModel.to_api` sends only fields the
caller set, never unknown or read-only ones — an unknown field fails the whole request (422/16000).
Amounts are ``Decimal``; references are built with ``Customer.ref(42)`` or ``ref(42)``.

The field lists follow the Tripletex OpenAPI spec v2.72 component schemas."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, PlainSerializer


def _decimal_to_json(value: Decimal) -> int | float:
    # JSON numbers, not strings: Tripletex rejects "12.50". Amounts have far fewer than 15 digits,
    # so the float's shortest repr is the decimal's own text.
    return int(value) if value == value.to_integral_value() else float(value)


#: Alias because models have a field called ``date``, which would shadow the type in the class body.
Date = date

Money = Annotated[Decimal, PlainSerializer(_decimal_to_json, return_type=Any, when_used="json")]


class TripletexModel(BaseModel):
    # from_attributes: a Ref (or any object with an id) is accepted wherever a reference is expected.
    model_config = ConfigDict(extra="allow", populate_by_name=True, from_attributes=True)

    #: Fields the API computes; never sent back.
    _read_only: ClassVar[frozenset[str]] = frozenset({"url", "changes"})

    id: int | None = None
    version: int | None = None

    #: Write-only secrets (webhook auth header, HMAC secret): masked in repr.
    _secret: ClassVar[frozenset[str]] = frozenset()

    def __repr_args__(self) -> Any:
        # Objects have ~50 optional fields; show only those with a value, and never a secret.
        return [
            (k, "**********" if k in self._secret else v) for k, v in super().__repr_args__() if v is not None
        ]

    @classmethod
    def ref(cls, id: int) -> Self:
        """A reference to an existing object, e.g. ``Order(customer=Customer.ref(42))``."""
        return cls(id=id)

    def to_api(self) -> dict[str, Any]:
        """The JSON body for a write: only fields that were set, known to the spec and writable."""
        return _dump(self)

    @property
    def extra(self) -> dict[str, Any]:
        """Fields the API sent that this version of the model does not know."""
        return dict(self.__pydantic_extra__ or {})


def _dump(model: TripletexModel) -> dict[str, Any]:
    out: dict[str, Any] = {}
    known = type(model).model_fields
    read_only = type(model)._read_only
    for name in model.model_fields_set:
        if name not in known or name in read_only:
            continue
        value = getattr(model, name)
        if value is None:
            continue
        out[name] = _dump_value(value)
    return out


def _dump_value(value: Any) -> Any:
    if isinstance(value, TripletexModel):
        return _dump(value)
    if isinstance(value, list):
        return [_dump_value(v) for v in value]
    if isinstance(value, Decimal):
        return _decimal_to_json(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_none=True)
    return value


class ApiObject(TripletexModel):
    """Any Tripletex object this module does not model in detail (Address, Contact, …)."""


class Ref(TripletexModel):
    """Just an id: ``Ref(id=42)`` wherever the API takes a reference."""


def ref(id: int) -> Ref:
    return Ref(id=id)


class Company(TripletexModel):
    _read_only: ClassVar[frozenset[str]] = frozenset(
        {
            "accountantOrSimilar",
            "changes",
            "companyMigration",
            "displayName",
            "invoiceShowDeliveryDate",
            "url",
        }
    )
    changes: list[ApiObject] | None = None
    url: str | None = None
    name: str | None = None
    displayName: str | None = None
    startDate: Date | None = None
    endDate: Date | None = None
    organizationNumber: str | None = None
    email: str | None = None
    phoneNumber: str | None = None
    phoneNumberMobile: str | None = None
    faxNumber: str | None = None
    address: ApiObject | None = None
    type: str | None = None
    currency: Currency | None = None
    accountantOrSimilar: bool | None = None
    companyMigration: str | None = None
    invoiceShowDeliveryDate: bool | None = None


class Currency(TripletexModel):
    _read_only: ClassVar[frozenset[str]] = frozenset({"changes", "url"})
    changes: list[ApiObject] | None = None
    url: str | None = None
    code: str | None = None
    description: str | None = None
    factor: int | None = None
    displayName: str | None = None
    isDisabled: bool | None = None


class VatType(TripletexModel):
    _read_only: ClassVar[frozenset[str]] = frozenset({"changes", "url"})
    changes: list[ApiObject] | None = None
    url: str | None = None
    name: str | None = None
    number: str | None = None
    displayName: str | None = None
    percentage: Money | None = None
    deductionPercentage: Money | None = None
    parentType: VatType | None = None


class Account(TripletexModel):
    _read_only: ClassVar[frozenset[str]] = frozenset(
        {
            "balanceGroup",
            "changes",
            "legalVatTypes",
            "numberPretty",
            "type",
            "url",
        }
    )
    changes: list[ApiObject] | None = None
    url: str | None = None
    number: int | None = None
    numberPretty: str | None = None
    name: str | None = None
    description: str | None = None
    type: str | None = None
    legalVatTypes: list[VatType] | None = None
    ledgerType: str | None = None
    balanceGroup: str | None = None
    vatType: VatType | None = None
    vatLocked: bool | None = None
    currency: Currency | None = None
    isCloseable: bool | None = None
    isApplicableForSupplierInvoice: bool | None = None
    requireReconciliation: bool | None = None
    isInactive: bool | None = None
    isBankAccount: bool | None = None
    isInvoiceAccount: bool | None = None
    bankAccountNumber: str | None = None
    bankAccountCountry: ApiObject | None = None
    bankName: str | None = None
    bankAccountIBAN: str | None = None
    bankAccountSWIFT: str | None = None
    saftCode: str | None = None
    groupingCode: str | None = None
    displayName: str | None = None
    requiresDepartment: bool | None = None
    requiresProject: bool | None = None
    invoicingDepartment: Department | None = None
    isPostingsExist: bool | None = None
    quantityType1: ApiObject | None = None
    quantityType2: ApiObject | None = None
    department: Department | None = None


class ProductGroup(TripletexModel):
    _read_only: ClassVar[frozenset[str]] = frozenset({"changes", "displayName", "isDeletable", "url"})
    changes: list[ApiObject] | None = None
    url: str | None = None
    name: str | None = None
    displayName: str | None = None
    parentGroup: ProductGroup | None = None
    isDeletable: bool | None = None


class Product(TripletexModel):
    _read_only: ClassVar[frozenset[str]] = frozenset(
        {
            "availableStock",
            "changes",
            "costPrice",
            "discountPrice",
            "displayName",
            "displayNumber",
            "elNumber",
            "expensesInPercent",
            "incomingStock",
            "isRoundPriceIncVat",
            "markupListPercentage",
            "markupNetPercentage",
            "nrfNumber",
            "outgoingStock",
            "priceInTargetCurrency",
            "profit",
            "profitInPercent",
            "purchasePriceCurrency",
            "stockOfGoods",
            "url",
        }
    )
    changes: list[ApiObject] | None = None
    url: str | None = None
    name: str | None = None
    number: str | None = None
    displayNumber: str | None = None
    description: str | None = None
    orderLineDescription: str | None = None
    ean: str | None = None
    elNumber: str | None = None
    nrfNumber: str | None = None
    costExcludingVatCurrency: Money | None = None
    expenses: Money | None = None
    expensesInPercent: Money | None = None
    costPrice: Money | None = None
    profit: Money | None = None
    profitInPercent: Money | None = None
    priceExcludingVatCurrency: Money | None = None
    priceIncludingVatCurrency: Money | None = None
    isInactive: bool | None = None
    discountGroup: ApiObject | None = None
    productUnit: ApiObject | None = None
    isStockItem: bool | None = None
    stockOfGoods: Money | None = None
    availableStock: Money | None = None
    incomingStock: Money | None = None
    outgoingStock: Money | None = None
    vatType: VatType | None = None
    currency: Currency | None = None
    department: Department | None = None
    account: Account | None = None
    discountPrice: Money | None = None
    supplier: ApiObject | None = None
    resaleProduct: Product | None = None
    isDeletable: bool | None = None
    hasSupplierProductConnected: bool | None = None
    weight: Money | None = None
    weightUnit: str | None = None
    volume: Money | None = None
    volumeUnit: str | None = None
    hsnCode: str | None = None
    image: ApiObject | None = None
    markupListPercentage: Money | None = None
    markupNetPercentage: Money | None = None
    displayName: str | None = None
    mainSupplierProduct: ApiObject | None = None
    isRoundPriceIncVat: bool | None = None
    priceInTargetCurrency: Money | None = None
    purchasePriceCurrency: Money | None = None


class Department(TripletexModel):
    _read_only: ClassVar[frozenset[str]] = frozenset(
        {
            "businessActivityTypeId",
            "changes",
            "displayName",
            "url",
        }
    )
    changes: list[ApiObject] | None = None
    url: str | None = None
    name: str | None = None
    departmentNumber: str | None = None
    departmentManager: Employee | None = None
    displayName: str | None = None
    isInactive: bool | None = None
    businessActivityTypeId: int | None = None


class Employee(TripletexModel):
    _read_only: ClassVar[frozenset[str]] = frozenset(
        {
            "allowInformationRegistration",
            "changes",
            "companyId",
            "displayName",
            "isAuthProjectOverviewURL",
            "isProxy",
            "pictureId",
            "url",
        }
    )
    changes: list[ApiObject] | None = None
    url: str | None = None
    firstName: str | None = None
    lastName: str | None = None
    displayName: str | None = None
    employeeNumber: str | None = None
    dateOfBirth: Date | None = None
    email: str | None = None
    phoneNumberMobileCountry: ApiObject | None = None
    phoneNumberMobile: str | None = None
    phoneNumberHome: str | None = None
    phoneNumberWork: str | None = None
    nationalIdentityNumber: str | None = None
    dnumber: str | None = None
    internationalId: ApiObject | None = None
    bankAccountNumber: str | None = None
    iban: str | None = None
    bic: str | None = None
    creditorBankCountryId: int | None = None
    usesAbroadPayment: bool | None = None
    userType: str | None = None
    allowInformationRegistration: bool | None = None
    isContact: bool | None = None
    isProxy: bool | None = None
    comments: str | None = None
    address: ApiObject | None = None
    department: Department | None = None
    employments: list[ApiObject] | None = None
    holidayAllowanceEarned: ApiObject | None = None
    employeeCategory: ApiObject | None = None
    isAuthProjectOverviewURL: bool | None = None
    pictureId: int | None = None
    companyId: int | None = None


class Customer(TripletexModel):
    _read_only: ClassVar[frozenset[str]] = frozenset({"changes", "isCustomer", "url"})
    changes: list[ApiObject] | None = None
    url: str | None = None
    name: str | None = None
    organizationNumber: str | None = None
    globalLocationNumber: int | None = None
    supplierNumber: int | None = None
    customerNumber: int | None = None
    isSupplier: bool | None = None
    isCustomer: bool | None = None
    isInactive: bool | None = None
    accountManager: Employee | None = None
    department: Department | None = None
    email: str | None = None
    invoiceEmail: str | None = None
    overdueNoticeEmail: str | None = None
    bankAccounts: list[str] | None = None
    phoneNumber: str | None = None
    phoneNumberMobile: str | None = None
    description: str | None = None
    language: str | None = None
    displayName: str | None = None
    isPrivateIndividual: bool | None = None
    singleCustomerInvoice: bool | None = None
    invoiceSendMethod: str | None = None
    emailAttachmentType: str | None = None
    postalAddress: ApiObject | None = None
    physicalAddress: ApiObject | None = None
    deliveryAddress: ApiObject | None = None
    category1: ApiObject | None = None
    category2: ApiObject | None = None
    category3: ApiObject | None = None
    invoicesDueIn: int | None = None
    invoicesDueInType: str | None = None
    currency: Currency | None = None
    bankAccountPresentation: list[ApiObject] | None = None
    ledgerAccount: Account | None = None
    isFactoring: bool | None = None
    invoiceSendSMSNotification: bool | None = None
    invoiceSMSNotificationNumber: str | None = None
    isAutomaticSoftReminderEnabled: bool | None = None
    isAutomaticReminderEnabled: bool | None = None
    isAutomaticNoticeOfDebtCollectionEnabled: bool | None = None
    discountPercentage: Money | None = None
    website: str | None = None


class Project(TripletexModel):
    _read_only: ClassVar[frozenset[str]] = frozenset(
        {
            "changes",
            "contributionMarginPercent",
            "customerName",
            "discountPercentage",
            "displayName",
            "hierarchyLevel",
            "hierarchyNameAndNumber",
            "invoiceReserveTotalAmountCurrency",
            "invoicingPlan",
            "numberOfProjectParticipants",
            "numberOfSubProjects",
            "orderLines",
            "projectManagerNameAndNumber",
            "totalInvoicedOnAccountAmountAbsoluteCurrency",
            "url",
        }
    )
    changes: list[ApiObject] | None = None
    url: str | None = None
    name: str | None = None
    number: str | None = None
    displayName: str | None = None
    description: str | None = None
    projectManager: Employee | None = None
    department: Department | None = None
    mainProject: Project | None = None
    startDate: Date | None = None
    endDate: Date | None = None
    customer: Customer | None = None
    isClosed: bool | None = None
    isReadyForInvoicing: bool | None = None
    isInternal: bool | None = None
    isOffer: bool | None = None
    isFixedPrice: bool | None = None
    projectCategory: ApiObject | None = None
    deliveryAddress: ApiObject | None = None
    boligmappaAddress: ApiObject | None = None
    displayNameFormat: str | None = None
    reference: str | None = None
    externalAccountsNumber: str | None = None
    discountPercentage: Money | None = None
    vatType: VatType | None = None
    fixedprice: Money | None = None
    contributionMarginPercent: Money | None = None
    numberOfSubProjects: int | None = None
    numberOfProjectParticipants: int | None = None
    orderLines: list[ApiObject] | None = None
    currency: Currency | None = None
    markUpOrderLines: Money | None = None
    markUpFeesEarned: Money | None = None
    isPriceCeiling: bool | None = None
    priceCeilingAmount: Money | None = None
    projectHourlyRates: list[ApiObject] | None = None
    forParticipantsOnly: bool | None = None
    participants: list[ApiObject] | None = None
    contact: ApiObject | None = None
    attention: ApiObject | None = None
    invoiceComment: str | None = None
    invoicingPlan: list[Invoice] | None = None
    preliminaryInvoice: Invoice | None = None
    generalProjectActivitiesPerProjectOnly: bool | None = None
    projectActivities: list[ApiObject] | None = None
    hierarchyNameAndNumber: str | None = None
    invoiceDueDate: int | None = None
    invoiceDueDateType: str | None = None
    invoiceReceiverEmail: str | None = None
    overdueNoticeEmail: str | None = None
    accessType: str | None = None
    useProductNetPrice: bool | None = None
    ignoreCompanyProductDiscountAgreement: bool | None = None
    customerName: str | None = None
    hierarchyLevel: int | None = None
    projectManagerNameAndNumber: str | None = None
    totalInvoicedOnAccountAmountAbsoluteCurrency: Money | None = None
    invoiceOnAccountVatHigh: bool | None = None
    invoiceReserveTotalAmountCurrency: Money | None = None


class Activity(TripletexModel):
    _read_only: ClassVar[frozenset[str]] = frozenset(
        {
            "changes",
            "deletable",
            "isDisabled",
            "isGeneral",
            "isProjectActivity",
            "isTask",
            "url",
        }
    )
    changes: list[ApiObject] | None = None
    url: str | None = None
    name: str | None = None
    number: str | None = None
    description: str | None = None
    activityType: str | None = None
    isProjectActivity: bool | None = None
    isGeneral: bool | None = None
    isTask: bool | None = None
    isDisabled: bool | None = None
    isChargeable: bool | None = None
    rate: Money | None = None
    costPercentage: Money | None = None
    displayName: str | None = None
    deletable: bool | None = None


class OrderLine(TripletexModel):
    _read_only: ClassVar[frozenset[str]] = frozenset(
        {
            "amountExcludingVatCurrency",
            "amountIncludingVatCurrency",
            "changes",
            "url",
        }
    )
    changes: list[ApiObject] | None = None
    url: str | None = None
    product: Product | None = None
    inventory: ApiObject | None = None
    inventoryLocation: ApiObject | None = None
    description: str | None = None
    count: Money | None = None
    unitCostCurrency: Money | None = None
    unitPriceExcludingVatCurrency: Money | None = None
    currency: Currency | None = None
    markup: Money | None = None
    discount: Money | None = None
    vatType: VatType | None = None
    amountExcludingVatCurrency: Money | None = None
    amountIncludingVatCurrency: Money | None = None
    order: Order | None = None
    unitPriceIncludingVatCurrency: Money | None = None
    isSubscription: bool | None = None
    subscriptionPeriodStart: str | None = None
    subscriptionPeriodEnd: str | None = None
    orderGroup: ApiObject | None = None
    sortIndex: int | None = None
    isPicked: bool | None = None
    pickedDate: str | None = None
    orderedQuantity: Money | None = None
    isCharged: bool | None = None


class Order(TripletexModel):
    _read_only: ClassVar[frozenset[str]] = frozenset(
        {
            "attachment",
            "canCreateBackorder",
            "changes",
            "customerName",
            "displayName",
            "invoiceSendSMSNotification",
            "projectManagerNameAndNumber",
            "subscriptionPeriodsOnInvoiceType",
            "totalInvoicedOnAccountAmountAbsoluteCurrency",
            "travelReports",
            "url",
        }
    )
    changes: list[ApiObject] | None = None
    url: str | None = None
    customer: Customer | None = None
    contact: ApiObject | None = None
    attn: ApiObject | None = None
    displayName: str | None = None
    receiverEmail: str | None = None
    overdueNoticeEmail: str | None = None
    number: str | None = None
    reference: str | None = None
    ourContact: ApiObject | None = None
    ourContactEmployee: Employee | None = None
    department: Department | None = None
    orderDate: Date | None = None
    project: Project | None = None
    invoiceComment: str | None = None
    currency: Currency | None = None
    invoicesDueIn: int | None = None
    status: str | None = None
    invoicesDueInType: str | None = None
    isShowOpenPostsOnInvoices: bool | None = None
    isClosed: bool | None = None
    deliveryDate: Date | None = None
    deliveryAddress: ApiObject | None = None
    deliveryComment: str | None = None
    isPrioritizeAmountsIncludingVat: bool | None = None
    orderLineSorting: str | None = None
    orderGroups: list[ApiObject] | None = None
    orderLines: list[OrderLine] | None = None
    isSubscription: bool | None = None
    subscriptionDuration: int | None = None
    subscriptionDurationType: str | None = None
    subscriptionPeriodsOnInvoice: int | None = None
    subscriptionPeriodsOnInvoiceType: str | None = None
    subscriptionInvoicingTimeInAdvanceOrArrears: str | None = None
    subscriptionInvoicingTime: int | None = None
    subscriptionInvoicingTimeType: str | None = None
    isSubscriptionAutoInvoicing: bool | None = None
    preliminaryInvoice: Invoice | None = None
    attachment: list[ApiObject] | None = None
    sendMethodDescription: str | None = None
    canCreateBackorder: bool | None = None
    invoiceOnAccountVatHigh: bool | None = None
    totalInvoicedOnAccountAmountAbsoluteCurrency: Money | None = None
    invoiceSendSMSNotification: bool | None = None
    invoiceSMSNotificationNumber: str | None = None
    markUpOrderLines: Money | None = None
    discountPercentage: Money | None = None
    customerName: str | None = None
    projectManagerNameAndNumber: str | None = None
    travelReports: list[ApiObject] | None = None


class Invoice(TripletexModel):
    _read_only: ClassVar[frozenset[str]] = frozenset(
        {
            "amount",
            "amountCurrency",
            "amountCurrencyOutstanding",
            "amountCurrencyOutstandingTotal",
            "amountExcludingVat",
            "amountExcludingVatCurrency",
            "amountOutstanding",
            "amountOutstandingTotal",
            "amountRoundoff",
            "amountRoundoffCurrency",
            "changes",
            "creditedInvoice",
            "deliveryDate",
            "documentId",
            "invoiceComment",
            "isApproved",
            "isCharged",
            "isCreditNote",
            "isCredited",
            "isPeriodizationPossible",
            "orderLines",
            "postings",
            "projectInvoiceDetails",
            "reminders",
            "sumRemits",
            "travelReports",
            "url",
        }
    )
    changes: list[ApiObject] | None = None
    url: str | None = None
    invoiceNumber: int | None = None
    invoiceDate: Date | None = None
    customer: Customer | None = None
    creditedInvoice: int | None = None
    isCredited: bool | None = None
    invoiceDueDate: Date | None = None
    kid: str | None = None
    invoiceComment: str | None = None
    comment: str | None = None
    orders: list[Order] | None = None
    orderLines: list[OrderLine] | None = None
    travelReports: list[ApiObject] | None = None
    projectInvoiceDetails: list[ApiObject] | None = None
    voucher: Voucher | None = None
    deliveryDate: Date | None = None
    amount: Money | None = None
    amountCurrency: Money | None = None
    amountExcludingVat: Money | None = None
    amountExcludingVatCurrency: Money | None = None
    amountRoundoff: Money | None = None
    amountRoundoffCurrency: Money | None = None
    amountOutstanding: Money | None = None
    amountCurrencyOutstanding: Money | None = None
    amountOutstandingTotal: Money | None = None
    amountCurrencyOutstandingTotal: Money | None = None
    sumRemits: Money | None = None
    currency: Currency | None = None
    isCreditNote: bool | None = None
    isCharged: bool | None = None
    isApproved: bool | None = None
    postings: list[Posting] | None = None
    reminders: list[ApiObject] | None = None
    invoiceRemarks: str | None = None
    invoiceRemark: ApiObject | None = None
    paymentTypeId: int | None = None
    paidAmount: Money | None = None
    isPeriodizationPossible: bool | None = None
    documentId: int | None = None
    ehfSendStatus: str | None = None


class Posting(TripletexModel):
    _read_only: ClassVar[frozenset[str]] = frozenset(
        {
            "changes",
            "externalRef",
            "isAmountVatClosed",
            "isVatReadonly",
            "matched",
            "systemGenerated",
            "taxTransactionType",
            "taxTransactionTypeId",
            "type",
            "url",
        }
    )
    changes: list[ApiObject] | None = None
    url: str | None = None
    voucher: Voucher | None = None
    date: Date | None = None
    description: str | None = None
    account: Account | None = None
    amortizationAccount: Account | None = None
    amortizationStartDate: Date | None = None
    amortizationEndDate: Date | None = None
    customer: Customer | None = None
    supplier: ApiObject | None = None
    employee: Employee | None = None
    project: Project | None = None
    product: Product | None = None
    department: Department | None = None
    vatType: VatType | None = None
    amount: Money | None = None
    amountCurrency: Money | None = None
    amountGross: Money | None = None
    amountGrossCurrency: Money | None = None
    currency: Currency | None = None
    closeGroup: ApiObject | None = None
    invoiceNumber: str | None = None
    termOfPayment: str | None = None
    row: int | None = None
    type: str | None = None
    externalRef: str | None = None
    systemGenerated: bool | None = None
    taxTransactionType: str | None = None
    taxTransactionTypeId: int | None = None
    matched: bool | None = None
    quantityAmount1: Money | None = None
    quantityType1: ApiObject | None = None
    quantityAmount2: Money | None = None
    quantityType2: ApiObject | None = None
    isVatReadonly: bool | None = None
    isAmountVatClosed: bool | None = None
    postingRuleId: int | None = None


class Voucher(TripletexModel):
    _read_only: ClassVar[frozenset[str]] = frozenset(
        {
            "changes",
            "displayName",
            "number",
            "numberAsString",
            "supplierVoucherType",
            "tempNumber",
            "url",
            "wasAutoMatched",
            "year",
        }
    )
    changes: list[ApiObject] | None = None
    url: str | None = None
    date: Date | None = None
    number: int | None = None
    tempNumber: int | None = None
    year: int | None = None
    description: str | None = None
    voucherType: ApiObject | None = None
    reverseVoucher: Voucher | None = None
    postings: list[Posting] | None = None
    document: ApiObject | None = None
    attachment: ApiObject | None = None
    externalVoucherNumber: str | None = None
    ediDocument: ApiObject | None = None
    supplierVoucherType: str | None = None
    wasAutoMatched: bool | None = None
    vendorInvoiceNumber: str | None = None
    displayName: str | None = None
    numberAsString: str | None = None


class TimesheetEntry(TripletexModel):
    _read_only: ClassVar[frozenset[str]] = frozenset(
        {
            "changes",
            "chargeable",
            "chargeableHours",
            "hourlyCost",
            "hourlyCostPercentage",
            "hourlyRate",
            "locked",
            "timeClocks",
            "url",
        }
    )
    changes: list[ApiObject] | None = None
    url: str | None = None
    project: Project | None = None
    activity: Activity | None = None
    date: Date | None = None
    hours: Money | None = None
    chargeableHours: Money | None = None
    employee: Employee | None = None
    timeClocks: list[ApiObject] | None = None
    comment: str | None = None
    locked: bool | None = None
    chargeable: bool | None = None
    invoice: Invoice | None = None
    hourlyRate: Money | None = None
    hourlyCost: Money | None = None
    hourlyCostPercentage: Money | None = None
    projectChargeableHours: Money | None = None


class EventSubscription(TripletexModel):
    """Spec schema ``Subscription``."""

    _secret: ClassVar[frozenset[str]] = frozenset({"authHeaderValue", "hmacSharedSecret"})

    _read_only: ClassVar[frozenset[str]] = frozenset({"changes", "url"})
    changes: list[ApiObject] | None = None
    url: str | None = None
    event: str | None = None
    targetUrl: str | None = None
    fields: str | None = None
    status: str | None = None
    authHeaderName: str | None = None
    authHeaderValue: str | None = None
    hmacSharedSecret: str | None = None


class AccountingPeriod(TripletexModel):
    _read_only: ClassVar[frozenset[str]] = frozenset(
        {"changes", "url", "name", "number", "start", "end", "isClosed"}
    )
    changes: list[ApiObject] | None = None
    url: str | None = None
    name: str | None = None
    number: int | None = None
    start: Date | None = None
    #: The first day after the period (Tripletex's ranges are to-and-excluding).
    end: Date | None = None
    isClosed: bool | None = None


class PostingRules(TripletexModel):
    _read_only: ClassVar[frozenset[str]] = frozenset(
        {
            "changes",
            "defaultBusinessActivityTypeId",
            "multipleIndustries",
            "url",
            "vatPerDepartment",
        }
    )
    changes: list[ApiObject] | None = None
    url: str | None = None
    accountReceivableCustomersId: Account | None = None
    accountDebtVendorsId: Account | None = None
    accountDebtEmployeesAndOwnersId: Account | None = None
    accountRoundDiffId: Account | None = None
    vatPerDepartment: bool | None = None
    multipleIndustries: bool | None = None
    defaultBusinessActivityTypeId: int | None = None


class LoggedInUserInfo(TripletexModel):
    _read_only: ClassVar[frozenset[str]] = frozenset(
        {
            "actualEmployeeId",
            "companyId",
            "employeeId",
            "employeeIsProxy",
            "language",
            "loggedInWithConnect",
        }
    )
    employeeId: int | None = None
    actualEmployeeId: int | None = None
    employee: Employee | None = None
    companyId: int | None = None
    company: Company | None = None
    language: str | None = None
    loggedInWithConnect: bool | None = None
    employeeIsProxy: bool | None = None


class WhoAmI(LoggedInUserInfo):
    """Answer of ``GET /token/session/>whoAmI``."""


for _model in list(globals().values()):
    if isinstance(_model, type) and issubclass(_model, TripletexModel):
        _model.model_rebuild()
del _model
