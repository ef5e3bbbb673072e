"""An accounting firm on both sides, for the statistics tests and benchmarks: a sandbox firm (one
accountant token, N client companies with months of bookkeeping) and the store's firm connection
with its clients linked and fields mapped."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from txbridge.flows import connections
from txbridge.flows.firm.fields import FIELDS
from txbridge.settings import Settings
from txbridge.store import Database
from txbridge.store.models import (
    FirmClient,
    FirmConnection,
    FirmCustomField,
    FirmFieldMapping,
    MonthlyStatistic,
)

OSLO = ZoneInfo("Europe/Oslo")
ALL_FIELDS = tuple(f.key for f in FIELDS)


def this_month() -> str:
    today = datetime.now(OSLO).date()
    return f"{today.year:04d}-{today.month:02d}"


@dataclass
class Firm:
    db: Database
    settings: Settings
    control_url: str
    base_url: str
    connection_id: int
    consumer_token: str
    employee_token: str
    #: The sandbox's accountant company (whose token the firm uses).
    accountant_id: int
    #: firm client id → Tripletex company id (linked clients only)
    clients: dict[int, int] = field(default_factory=dict)

    def truth(self, company_id: int, months: Sequence[str]) -> dict[str, dict[str, int]]:
        response = httpx.get(
            f"{self.control_url}/firm/truth",
            params={"companyId": company_id, "months": ",".join(months)},
            timeout=60,
        )
        response.raise_for_status()
        found: dict[str, dict[str, int]] = response.json()["months"]
        return found

    def expected(self, months: Sequence[str], keys: Sequence[str]) -> dict[int, dict[str, dict[str, int]]]:
        """The sandbox's truth as :meth:`stored` should have it: firm client → month → ``keys``."""
        out = {}
        for client_id, company in self.clients.items():
            truth = self.truth(company, months)
            out[client_id] = {m: {k: v for k, v in f.items() if k in keys} for m, f in truth.items()}
        return out

    def stored(self) -> dict[int, dict[str, dict[str, int]]]:
        """firm client id → month → field → value, as the store has them."""
        out: dict[int, dict[str, dict[str, int]]] = {}
        with self.db.reading() as session:
            for row in session.query(MonthlyStatistic):
                out.setdefault(row.firm_client_id, {}).setdefault(row.month, {})[row.field_key] = int(
                    row.value
                )
        return out

    def map_fields(self, keys: Sequence[str]) -> None:
        """Map exactly ``keys`` (each to a custom field of its own name); the rest are unmapped."""
        with self.db.transaction() as session:
            session.query(FirmFieldMapping).filter_by(firm_connection_id=self.connection_id).delete()
            for key in keys:
                custom = (
                    session.query(FirmCustomField)
                    .filter_by(firm_connection_id=self.connection_id, name=f"Uku {key}")
                    .one_or_none()
                )
                if custom is None:
                    custom = FirmCustomField(firm_connection_id=self.connection_id, name=f"Uku {key}")
                    session.add(custom)
                    session.flush()
                session.add(
                    FirmFieldMapping(
                        firm_connection_id=self.connection_id, field_key=key, custom_field_id=custom.id
                    )
                )


def seed_sandbox_firm(
    control_url: str, *, clients: int, months: int, last_month: str, seed: int = 1, **extra: Any
) -> dict[str, Any]:
    response = httpx.post(
        f"{control_url}/firm",
        json={"clients": clients, "months": months, "lastMonth": last_month, "seed": seed, **extra},
        timeout=300,
    )
    response.raise_for_status()
    created: dict[str, Any] = response.json()
    return created


def build_firm(
    db: Database,
    settings: Settings,
    *,
    control_url: str,
    base_url: str,
    clients: int,
    months: int = 14,
    link: int | None = None,
    fields: Sequence[str] = ALL_FIELDS,
    seed: int = 1,
    token_expires_on: date | None = None,
) -> Firm:
    """A sandbox firm of ``clients`` clients and ``months`` months up to this month, connected in the
    store as a firm connection, its first ``link`` clients linked (all by default), ``fields`` mapped."""
    sandbox = seed_sandbox_firm(
        control_url, clients=clients, months=months, last_month=this_month(), seed=seed
    )
    connection = connections.connect(
        db,
        settings,
        name=f"firm{sandbox['companyId']}",
        environment="sandbox",
        consumer_token=sandbox["consumerToken"],
        employee_token=sandbox["employeeToken"],
        base_url=base_url,
        token_expires_on=token_expires_on or date.today() + timedelta(days=300),
    )
    connections.approve(db, connection.id)
    firm = Firm(
        db,
        settings,
        control_url,
        base_url,
        connection.id,
        sandbox["consumerToken"],
        sandbox["employeeToken"],
        int(sandbox["companyId"]),
    )
    with db.transaction() as session:
        session.add(FirmConnection(connection_id=connection.id, marked_by="test"))
        session.flush()
        for index, company_id in enumerate(sandbox["clientCompanyIds"]):
            linked = link is None or index < link
            row = FirmClient(
                firm_connection_id=connection.id,
                key=f"K{index + 1:04d}",
                name=f"Klient {index + 1}",
                tripletex_company_id=company_id if linked else None,
                tripletex_company_name=f"klient {index + 1}" if linked else None,
            )
            session.add(row)
            session.flush()
            if linked:
                firm.clients[row.id] = company_id
    firm.map_fields(fields)
    return firm
