from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.sandbox import SandboxCompany
from tests.flows.export.conftest import Env, connect_env, make_settings
from txbridge.flows.daysales import setup as pos
from txbridge.flows.posinvoice import InvoiceSale, SaleLine, set_collective_invoice, set_invoicing
from txbridge.store import Database

LINES = (
    SaleLine("Lunsjbuffet", Decimal(2), Decimal("189.00"), 3),
    SaleLine("Kaffe (takeaway)", Decimal(1), Decimal("45.00"), 31),
)


def tripletex_customer(env: Env, name: str, org: str, **extra: Any) -> dict[str, Any]:
    """A customer made in Tripletex (customers live there; the POS only picks them)."""
    with env.api() as api:
        response = api.post(
            "/customer", json={"name": name, "organizationNumber": org, "email": "faktura@kunde.no", **extra}
        )
        response.raise_for_status()
        value: dict[str, Any] = response.json()["value"]
        return value


def pos_setup(env: Env, *, collective: bool) -> None:
    pos.save(env.db, env.connection_id, start_date=date(2026, 10, 1), by="test")
    set_invoicing(env.db, env.connection_id, True, by="test")
    set_collective_invoice(env.db, env.connection_id, collective, by="test")


def sale(host_id: str, customer: dict[str, Any], day: date, **extra: Any) -> InvoiceSale:
    return InvoiceSale(host_id, day, int(customer["id"]), LINES, **extra)


@pytest.fixture
def env(tmp_path: Path, sqlite_template: Path, sandbox_company: SandboxCompany) -> Iterator[Env]:
    """A connected, approved SQLite store for a fresh sandbox company (the engine's own tests cover
    PostgreSQL; the kill test of this slice runs on both)."""
    path = tmp_path / "txbridge.db"
    shutil.copyfile(sqlite_template, path)
    settings = make_settings(f"sqlite:///{path}", tmp_path)
    db = Database(settings)
    yield connect_env(db, settings, sandbox_company)
    db.dispose()
