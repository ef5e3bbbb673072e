"""Read back one invoice: where it is (and its payment status), and the troubleshooter's answer."""

from __future__ import annotations

from fastapi import APIRouter

from txbridge.flows.diagnose import diagnose_invoice
from txbridge.flows.views import invoices as views
from txbridge.web.api.v1 import convert
from txbridge.web.api.v1.deps import ConnectionId, Language, ReadKey
from txbridge.web.api.v1.schemas import DiagnosisPublic, InvoiceStatusPublic
from txbridge.web.deps import Config, Db

router = APIRouter(tags=["invoices"])


@router.get("/connections/{connection_id}/invoices/{number}", response_model=InvoiceStatusPublic)
def get_invoice(
    db: Db, key: ReadKey, connection_id: ConnectionId, number: str, language: Language
) -> InvoiceStatusPublic:
    """Where the invoice is: ``not_in_batch``, ``pending`` (in batch N), ``exported`` (as Tripletex
    invoice N, with its payment status), ``failed`` (with the message), or ``unknown``."""
    return convert.invoice(views.find_invoice(db, connection_id, number), language)


@router.get("/connections/{connection_id}/invoices/{number}/diagnosis", response_model=DiagnosisPublic)
def get_diagnosis(
    db: Db, settings: Config, key: ReadKey, connection_id: ConnectionId, number: str, language: Language
) -> DiagnosisPublic:
    """The troubleshooter's seven checks for the invoice (it reads Tripletex; it never writes)."""
    return convert.diagnosis(diagnose_invoice(db, settings, connection_id, number), language)
