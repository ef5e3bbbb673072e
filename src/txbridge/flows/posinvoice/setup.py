"""The POS set-up's last wizard step (seed 002): «Enable collective invoice»."""

from __future__ import annotations

from txbridge.catalog import Bilingual, render
from txbridge.flows.posinvoice.errors import PosInvoiceError
from txbridge.store import Database, PosSetup
from txbridge.store import queries as q


def set_collective_invoice(db: Database, connection_id: int, enabled: bool, *, by: str) -> None:
    """Sales «by invoice» recorded from now on are collected per customer (``enabled``) or invoiced one
    by one. Sales already recorded keep the way they were recorded with."""
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
