"""The POS set-up's last wizard step (seed 002): «Enable invoicing», and under it «Enable collective
invoice».

With invoicing on, a sale paid by invoice is booked only by its invoice in Tripletex (revenue, VAT,
receivable): the day sales leave it out. So invoicing is refused while the «invoice» payment method has
an account in the day sales (the day sales would book the same revenue), and the day sales refuse that
mapping while invoicing is on (:func:`txbridge.flows.daysales.setup.save`)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from txbridge.catalog import Bilingual, render
from txbridge.flows.daysales.voucher import INVOICE_PAYMENT
from txbridge.flows.posinvoice.errors import PosInvoiceError
from txbridge.store import Database, PosAccount, PosAccountGroup, PosSetup
from txbridge.store import queries as q


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


def set_invoicing(db: Database, connection_id: int, enabled: bool, *, by: str) -> None:
    """Sales «by invoice» become invoices in Tripletex (``enabled``), or are refused
    (``pos_invoicing_off``). Turning it on is refused while the day sales map the «invoice» payment
    method to an account (``pos_invoicing_invoice_payment_mapped``)."""
    with db.transaction() as session:
        setup = _setup(session, connection_id)
        if enabled:
            mapped = session.scalar(
                select(PosAccount.account_number).where(
                    PosAccount.connection_id == connection_id,
                    PosAccount.group == PosAccountGroup.PAYMENT_METHOD,
                    PosAccount.key == INVOICE_PAYMENT,
                )
            )
            if mapped is not None:
                raise PosInvoiceError(render("pos_invoicing_invoice_payment_mapped", account=mapped))
        setup.invoicing = enabled
        setup.updated_by = by
        q.add_log(
            session,
            connection_id,
            f"Fakturering fra kassen {'på' if enabled else 'av'} ({by}) / "
            f"POS invoicing {'on' if enabled else 'off'} ({by})",
            object_type="pos_setup",
            object_key=str(connection_id),
        )


def set_collective_invoice(db: Database, connection_id: int, enabled: bool, *, by: str) -> None:
    """Sales «by invoice» recorded from now on are collected per customer (``enabled``) or invoiced one
    by one. Sales already recorded keep the way they were recorded with."""
    with db.transaction() as session:
        setup = _setup(session, connection_id)
        setup.collective_invoice = enabled
        setup.updated_by = by
        q.add_log(
            session,
            connection_id,
            f"Samlefaktura {'på' if enabled else 'av'} ({by}) / "
            f"Collective invoice {'on' if enabled else 'off'} ({by})",
            object_type="pos_setup",
            object_key=str(connection_id),
        )
