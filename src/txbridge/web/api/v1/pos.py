"""The POS set-up of a connection (start date for the sales export, accounts by number for payment
methods, product groups, takeaway groups and events). Day sales themselves come in through
``POST /connections/{id}/day-sales`` (:mod:`txbridge.web.api.v1.intake`)."""

from __future__ import annotations

from fastapi import APIRouter

from txbridge.flows.daysales import setup as pos
from txbridge.store import PosAccountGroup
from txbridge.web.api.v1.deps import AdminKey, ConnectionId, ReadKey
from txbridge.web.api.v1.problems import ApiProblem
from txbridge.web.api.v1.schemas import PosSetupPublic, PosSetupUpdate
from txbridge.web.deps import Config, Db

router = APIRouter(tags=["POS set-up"])


def _public(view: pos.PosSetupView) -> PosSetupPublic:
    return PosSetupPublic(
        sales_start_date=view.sales_start_date,
        vat_reported_through=view.vat_reported_through,
        payment_methods=dict(view.accounts(PosAccountGroup.PAYMENT_METHOD)),
        product_groups=dict(view.accounts(PosAccountGroup.PRODUCT_GROUP)),
        takeaway_groups=dict(view.accounts(PosAccountGroup.TAKEAWAY_GROUP)),
        events=dict(view.accounts(PosAccountGroup.EVENT)),
        invoicing=view.invoicing,
        collective_invoice=view.collective_invoice,
    )


@router.get("/connections/{connection_id}/pos-setup", response_model=PosSetupPublic)
def get_setup(db: Db, key: ReadKey, connection_id: ConnectionId) -> PosSetupPublic:
    """The stored set-up (``salesStartDate`` null: not set up yet), with the POS invoicing switches
    (``invoicing`` off until ticked: while it is on, ``paymentMethods`` has no «invoice»)."""
    return _public(pos.show(db, connection_id))


@router.put("/connections/{connection_id}/pos-setup", response_model=PosSetupPublic)
def put_setup(
    db: Db, settings: Config, key: AdminKey, connection_id: ConnectionId, body: PosSetupUpdate
) -> PosSetupPublic:
    """Save the set-up; every account is looked up in the company's chart in Tripletex first (two
    reads), and one that is not there refuses the whole change (``pos_account_not_in_chart``)."""
    mappings = {
        PosAccountGroup.PAYMENT_METHOD: body.payment_methods,
        PosAccountGroup.PRODUCT_GROUP: body.product_groups,
        PosAccountGroup.TAKEAWAY_GROUP: body.takeaway_groups,
        PosAccountGroup.EVENT: body.events,
    }
    try:
        chart = pos.read_chart(db, settings, connection_id) if any(mappings.values()) else None
        view = pos.save(
            db,
            connection_id,
            start_date=body.sales_start_date,
            vat_reported_through=body.vat_reported_through,
            mappings=mappings,
            chart=chart,
            by=f"api:{key.name}",
        )
    except pos.PosSetupError as exc:
        raise ApiProblem(exc.message, 422) from None
    return _public(view)
