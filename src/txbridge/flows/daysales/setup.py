"""The POS set-up of a connection, step by step as the seed's wizard: the start date for the sales
export, then accounts for payment methods, product groups, product groups sold as takeaway and other
events (tips, rounding, cash differences, gift cards). Accounts are chosen from the connected
company's chart **by number**; their VAT types come from Tripletex (no VAT id is ever stored)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import httpx
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from txbridge.catalog import Bilingual, Message, render
from txbridge.flows import connections
from txbridge.flows.daysales.voucher import EVENTS, INVOICE_PAYMENT, ChartView
from txbridge.settings import Settings
from txbridge.store import Connection, Database, PosAccount, PosAccountGroup, PosSetup
from txbridge.store import queries as q
from txbridge.tripletex import Tripletex, TripletexError

ACCOUNT_FIELDS = "id,number,name,vatType(id,number,percentage),isInactive"
VAT_TYPE_FIELDS = "id,number,name,percentage"
#: The wizard's mapping steps, in its order.
STEPS: tuple[PosAccountGroup, ...] = (
    PosAccountGroup.PAYMENT_METHOD,
    PosAccountGroup.PRODUCT_GROUP,
    PosAccountGroup.TAKEAWAY_GROUP,
    PosAccountGroup.EVENT,
)
#: What the wizard offers before the POS has sent anything (the seed's own examples).
SUGGESTED_KEYS: Mapping[PosAccountGroup, tuple[str, ...]] = {
    PosAccountGroup.PAYMENT_METHOD: ("cash", "card", "vipps", "gift_card", "invoice"),
    PosAccountGroup.PRODUCT_GROUP: (),
    PosAccountGroup.TAKEAWAY_GROUP: (),
    PosAccountGroup.EVENT: EVENTS,
}
_KEY = re.compile(r"^[A-Za-z0-9_.\-]{1,50}$")


class PosSetupError(Exception):
    """A set-up action that could not be done; ``message`` is the catalog message to show."""

    def __init__(self, message: Message) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True, slots=True)
class AccountChoice:
    """One account of the company's chart as the wizard offers it."""

    number: int
    name: str
    vat_number: str | None
    vat_rate: Decimal | None

    @property
    def label(self) -> str:
        if self.vat_number is None:
            return f"{self.number} {self.name}"
        rate = f"{self.vat_rate.normalize():f}" if self.vat_rate is not None else "?"
        return f"{self.number} {self.name} (mva/VAT {self.vat_number}: {rate} %)"


@dataclass(frozen=True, slots=True)
class PosSetupView:
    connection_id: int
    sales_start_date: date | None
    vat_reported_through: date | None
    mappings: Mapping[PosAccountGroup, Mapping[str, int]] = field(default_factory=dict)
    updated_by: str | None = None
    updated_at: datetime | None = None
    #: POS invoicing on (the wizard's «Enable invoicing»): sales by invoice are booked by their
    #: invoices, and a Z-report listing an «invoice» payment is refused.
    invoicing: bool = False
    collective_invoice: bool = False

    @property
    def configured(self) -> bool:
        return self.sales_start_date is not None

    @property
    def invoice_payment_conflict(self) -> int | None:
        """The account the «invoice» payment method is mapped to while POS invoicing is on (a store
        from before the rule can hold both; the set-up refuses to make it): None when there is none."""
        if not self.invoicing:
            return None
        return self.accounts(PosAccountGroup.PAYMENT_METHOD).get(INVOICE_PAYMENT)

    def suggested_keys(self, group: PosAccountGroup) -> list[str]:
        """The codes the wizard offers for ``group``: the seed's examples and what is mapped, without
        the «invoice» payment method while POS invoicing books those sales."""
        keys = dict.fromkeys([*SUGGESTED_KEYS[group], *self.accounts(group)])
        payments = group is PosAccountGroup.PAYMENT_METHOD
        if self.invoicing and payments and self.invoice_payment_conflict is None:
            keys.pop(INVOICE_PAYMENT, None)
        return list(keys)

    def accounts(self, group: PosAccountGroup) -> Mapping[str, int]:
        return self.mappings.get(group, {})

    def flat(self) -> dict[tuple[PosAccountGroup, str], int]:
        return {(group, key): number for group, keys in self.mappings.items() for key, number in keys.items()}


def _invalid(nb: str, en: str) -> PosSetupError:
    return PosSetupError(render("pos_setting_invalid", reason=Bilingual(nb, en)))


def _connection(db: Database, connection_id: int) -> Connection:
    with db.reading() as session:
        connection = session.get(Connection, connection_id)
        if connection is None:
            raise PosSetupError(render("connection_not_found", connection=connection_id))
        session.expunge(connection)
        return connection


def read_chart(
    db: Database,
    settings: Settings,
    connection_id: int,
    *,
    client: Tripletex | None = None,
    transport: httpx.BaseTransport | None = None,
) -> ChartView:
    """The company's accounts and VAT types (two reads) for choosing and checking accounts."""
    connection = _connection(db, connection_id)
    tx = client or connections.client_for(connection, settings, transport=transport)
    try:
        accounts = list(tx.ledger.accounts.iter(fields=ACCOUNT_FIELDS))
        vat_types = list(tx.ledger.vat_types.iter(fields=VAT_TYPE_FIELDS))
    except (TripletexError, httpx.HTTPError) as exc:
        raise PosSetupError(connections.message_for_error(exc, connection.base_url)) from None
    finally:
        if client is None:
            tx.close()
    return ChartView(accounts, vat_types)


def account_choices(chart: ChartView) -> list[AccountChoice]:
    choices = []
    for number in sorted(chart.accounts):
        account = chart.accounts[number]
        if account.isInactive:
            continue
        vat = chart.vat_of(account)
        choices.append(
            AccountChoice(
                number,
                account.name or "",
                str(vat.number) if vat is not None and vat.number is not None else None,
                chart.rate(vat) if vat is not None else None,
            )
        )
    return choices


def show(db: Database, connection_id: int) -> PosSetupView:
    """The stored set-up (``configured`` is False before a start date has been saved)."""
    _connection(db, connection_id)
    with db.reading() as session:
        setup = session.get(PosSetup, connection_id)
        rows = session.scalars(
            select(PosAccount).where(PosAccount.connection_id == connection_id).order_by(PosAccount.key)
        ).all()
        mappings: dict[PosAccountGroup, dict[str, int]] = {group: {} for group in STEPS}
        for row in rows:
            mappings[row.group][row.key] = row.account_number
        if setup is None:
            return PosSetupView(connection_id, None, None, mappings)
        return PosSetupView(
            connection_id,
            setup.sales_start_date,
            setup.vat_reported_through,
            mappings,
            setup.updated_by,
            setup.updated_at,
            setup.invoicing,
            setup.collective_invoice,
        )


def check_key(group: PosAccountGroup, key: str) -> str:
    key = key.strip()
    if not _KEY.match(key):
        raise _invalid(
            f"«{key}» er ingen gyldig kode (bokstaver, tall, _ . -, høyst 50 tegn)",
            f"«{key}» is not a valid code (letters, digits, _ . -, at most 50 characters)",
        )
    if group is PosAccountGroup.EVENT and key not in EVENTS:
        allowed = ", ".join(EVENTS)
        raise _invalid(
            f"ukjent hendelse «{key}» (kjente: {allowed})", f"unknown event «{key}» (known: {allowed})"
        )
    return key


def _check_account(chart: ChartView | None, key: str, number: int) -> None:
    if chart is not None and number not in chart.accounts:
        raise PosSetupError(render("pos_account_not_in_chart", account=number, key=key))


def save(
    db: Database,
    connection_id: int,
    *,
    start_date: date | None = None,
    vat_reported_through: date | None = None,
    clear_vat_reported_through: bool = False,
    mappings: Mapping[PosAccountGroup, Mapping[str, int | None]] | None = None,
    chart: ChartView | None = None,
    by: str | None = None,
) -> PosSetupView:
    """Save what the wizard collected. A mapping to None removes it. Accounts are checked against
    ``chart`` (the connected company's, see :func:`read_chart`) before anything is stored."""
    checked: list[tuple[PosAccountGroup, str, int | None]] = []
    for group, keys in (mappings or {}).items():
        for raw_key, number in keys.items():
            key = check_key(group, raw_key)
            if number is not None:
                _check_account(chart, key, number)
            checked.append((group, key, number))
    _connection(db, connection_id)
    with db.transaction() as session:
        # Locked: turning POS invoicing on checks the mappings under the same lock.
        setup = session.get(PosSetup, connection_id, with_for_update=True)
        if setup is None:
            if start_date is None:
                raise PosSetupError(render("pos_setup_missing", connection=connection_id))
            setup = PosSetup(connection_id=connection_id, sales_start_date=start_date)
            session.add(setup)
        invoice_account = next(
            (n for g, k, n in checked if g is PosAccountGroup.PAYMENT_METHOD and k == INVOICE_PAYMENT), None
        )
        if setup.invoicing and invoice_account is not None:
            # The invoices book those sales: an account here would book the revenue twice.
            raise PosSetupError(render("pos_invoice_payment_mapped", account=invoice_account))
        if start_date is not None:
            setup.sales_start_date = start_date
        if vat_reported_through is not None or clear_vat_reported_through:
            setup.vat_reported_through = vat_reported_through
        setup.updated_by = by
        for group, key, number in checked:
            _store_account(session, connection_id, group, key, number)
        q.add_log(
            session,
            connection_id,
            f"Oppsett for kassen lagret av {by or '?'} / POS set-up saved by {by or '?'}",
            object_type="pos_setup",
            object_key=str(connection_id),
        )
    return show(db, connection_id)


def _store_account(
    session: Session, connection_id: int, group: PosAccountGroup, key: str, number: int | None
) -> None:
    if number is None:
        session.execute(
            delete(PosAccount).where(
                PosAccount.connection_id == connection_id, PosAccount.group == group, PosAccount.key == key
            )
        )
        return
    row = session.scalars(
        select(PosAccount).where(
            PosAccount.connection_id == connection_id, PosAccount.group == group, PosAccount.key == key
        )
    ).one_or_none()
    if row is None:
        session.add(PosAccount(connection_id=connection_id, group=group, key=key, account_number=number))
    else:
        row.account_number = number


def map_account(
    db: Database,
    connection_id: int,
    group: PosAccountGroup,
    key: str,
    account_number: int | None,
    *,
    chart: ChartView | None = None,
    by: str | None = None,
) -> PosSetupView:
    """One mapping (``None`` removes it); the set-up must exist (a start date saved)."""
    return save(db, connection_id, mappings={group: {key: account_number}}, chart=chart, by=by)
