"""The POS set-up's last wizard step (seed 002): «Enable invoicing» and «Enable collective invoice»;
what the set-up says about invoicing (a read model for the CLI and the web), and the company's bank
account number checked before the first invoice.

With invoicing on, a sale paid by invoice is booked only by its invoice in Tripletex (revenue, VAT,
receivable): the day sales leave it out. So invoicing is refused while the «invoice» payment method has
an account in the day sales (the day sales would book the same revenue), and the day sales refuse that
mapping while invoicing is on (:func:`txbridge.flows.daysales.setup.save`)."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from txbridge.catalog import Bilingual, Message, render
from txbridge.flows import connections
from txbridge.flows.daysales.voucher import INVOICE_PAYMENT
from txbridge.flows.export.mapping import Chart
from txbridge.flows.posinvoice.errors import PosInvoiceError, client_of, connection_of
from txbridge.settings import Settings
from txbridge.store import Connection, Database, PosAccount, PosAccountGroup, PosSetup
from txbridge.store import queries as q
from txbridge.tripletex import Tripletex, TripletexError

#: Enough of each account to tell a bank account with a valid number.
BANK_FIELDS = "id,number,isBankAccount,bankAccountNumber"


@dataclass(frozen=True, slots=True)
class InvoicingSetup:
    """How a connection invoices sales from the POS."""

    #: False until the day-sales set-up has a start date (the switches live on it).
    configured: bool
    invoicing: bool
    collective_invoice: bool
    #: The connection's ``sendToCustomer``: Tripletex sends the invoice to the customer.
    send_to_customer: bool
    #: The day sales' account for the «invoice» payment method, if any: invoicing cannot be turned on
    #: while it is there (``pos_invoicing_invoice_payment_mapped``).
    invoice_payment_account: int | None = None


def invoicing_setup(db: Database, connection_id: int) -> InvoicingSetup:
    with db.reading() as session:
        connection = session.get(Connection, connection_id)
        if connection is None:
            raise PosInvoiceError(render("connection_not_found", connection=connection_id))
        setup = session.get(PosSetup, connection_id)
        if setup is None:
            return InvoicingSetup(False, False, False, connection.send_to_customer)
        return InvoicingSetup(
            True,
            setup.invoicing,
            setup.collective_invoice,
            connection.send_to_customer,
            _invoice_payment_account(session, connection_id),
        )


def _invoice_payment_account(session: Session, connection_id: int) -> int | None:
    return session.scalar(
        select(PosAccount.account_number).where(
            PosAccount.connection_id == connection_id,
            PosAccount.group == PosAccountGroup.PAYMENT_METHOD,
            PosAccount.key == INVOICE_PAYMENT,
        )
    )


def _setup(session: Session, connection_id: int) -> PosSetup:
    # Locked: the day sales' mapping of «invoice» is checked under the same lock.
    setup = session.get(PosSetup, connection_id, with_for_update=True)
    if setup is None:
        raise PosInvoiceError(
            render(
                "pos_setting_invalid",
                reason=Bilingual(
                    "Kasseoppsettet er ikke laget ennå (`txbridge pos setup`).",
                    "The POS set-up is not made yet (`txbridge pos setup`).",
                ),
            )
        )
    return setup


def _switch(db: Database, connection_id: int, name: str, enabled: bool, by: str, what: Bilingual) -> None:
    with db.transaction() as session:
        setup = _setup(session, connection_id)
        if getattr(setup, name) == enabled:
            return
        if name == "invoicing" and enabled:
            mapped = _invoice_payment_account(session, connection_id)
            if mapped is not None:
                raise PosInvoiceError(render("pos_invoicing_invoice_payment_mapped", account=mapped))
        setattr(setup, name, enabled)
        setup.updated_by = by
        q.add_log(
            session,
            connection_id,
            f"{what.nb} {'på' if enabled else 'av'} ({by}) / {what.en} {'on' if enabled else 'off'} ({by})",
            object_type="pos_setup",
            object_key=str(connection_id),
        )


def set_collective_invoice(db: Database, connection_id: int, enabled: bool, *, by: str) -> None:
    """Sales «by invoice» recorded from now on are collected per customer (``enabled``) or invoiced one
    by one. Sales already recorded keep the way they were recorded with."""
    _switch(
        db, connection_id, "collective_invoice", enabled, by, Bilingual("Samlefaktura", "Collective invoice")
    )


def set_invoicing(db: Database, connection_id: int, enabled: bool, *, by: str) -> None:
    """Sales «by invoice» become invoices in Tripletex (``enabled``), or are refused
    (``pos_invoicing_off``); sales already recorded are sent as before. Turning it on is refused while
    the day sales map the «invoice» payment method to an account
    (``pos_invoicing_invoice_payment_mapped``)."""
    _switch(db, connection_id, "invoicing", enabled, by, Bilingual("Fakturering fra kassen", "POS invoicing"))


def check_bank_account(
    db: Database,
    settings: Settings,
    connection_id: int,
    *,
    client: Tripletex | None = None,
    transport: httpx.BaseTransport | None = None,
) -> Message | None:
    """None when the company has a bank account with a valid number in Tripletex (one read of the
    chart), else the catalog's ``no_bank_account``: the same rule the export's preflight applies
    before it writes an invoice."""
    connection = connection_of(db, connection_id)
    tx = client or client_of(connection, settings, transport)
    try:
        accounts = list(tx.ledger.accounts.iter(fields=BANK_FIELDS))
    except (TripletexError, httpx.HTTPError) as exc:
        raise PosInvoiceError(connections.message_for_error(exc, connection.base_url)) from None
    finally:
        if client is None:
            tx.close()
    return None if Chart.build(accounts, []).has_bank_account_number() else render("no_bank_account")
