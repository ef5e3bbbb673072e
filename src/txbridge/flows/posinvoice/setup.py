"""The POS set-up's last wizard step (seed 002): «Enable invoicing» and «Enable collective invoice»;
what the set-up says about invoicing (a read model for the CLI and the web), and the company's bank
account number checked before the first invoice."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from txbridge.catalog import Bilingual, Message, render
from txbridge.flows import connections
from txbridge.flows.export.mapping import Chart
from txbridge.flows.posinvoice.errors import PosInvoiceError, client_of, connection_of
from txbridge.settings import Settings
from txbridge.store import Connection, Database, PosSetup
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


def invoicing_setup(db: Database, connection_id: int) -> InvoicingSetup:
    with db.reading() as session:
        connection = session.get(Connection, connection_id)
        if connection is None:
            raise PosInvoiceError(render("connection_not_found", connection=connection_id))
        setup = session.get(PosSetup, connection_id)
        if setup is None:
            return InvoicingSetup(False, False, False, connection.send_to_customer)
        return InvoicingSetup(True, setup.invoicing, setup.collective_invoice, connection.send_to_customer)


def _switch(db: Database, connection_id: int, name: str, enabled: bool, by: str, what: Bilingual) -> None:
    with db.transaction() as session:
        setup = session.get(PosSetup, connection_id)
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
        if getattr(setup, name) == enabled:
            return
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
    """Sales «by invoice» are accepted (``enabled``) or refused (``pos_invoicing_off``) from now on;
    sales already recorded are sent as before."""
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
