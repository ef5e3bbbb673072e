"""Sync tests: a store (SQLite, and PostgreSQL where the test takes ``database_url``) connected to a
fresh sandbox company over real HTTP, and two overlapping data sets: one made in Tripletex through
its API, one handed over by the host."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fixtures.sandbox import SandboxCompany
from tests.flows.export.conftest import ORG_NUMBERS, Env, connect_env, make_settings
from txbridge.flows.sync import SyncResource, receive
from txbridge.store import Database

TX_PATHS = {"customer": "/customer", "employee": "/employee", "project": "/project"}


#: One HTTP client per sandbox company (a new client costs a TLS context: a fifth of a second).
_CLIENTS: dict[int, httpx.Client] = {}


def api(env: Env) -> httpx.Client:
    client = _CLIENTS.get(env.company.company_id)
    if client is None:
        client = _CLIENTS[env.company.company_id] = env.company.client()
    return client


@pytest.fixture
def env(database_url: str, tmp_path: Path, sandbox_company: SandboxCompany) -> Iterator[Env]:
    settings = make_settings(database_url, tmp_path)
    db = Database(settings)
    yield connect_env(db, settings, sandbox_company)
    db.dispose()
    client = _CLIENTS.pop(sandbox_company.company_id, None)
    if client is not None:
        client.close()


def tx_create(env: Env, resource: str, bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    response = api(env).post(f"{TX_PATHS[resource]}/list", json=bodies)
    response.raise_for_status()
    values: list[dict[str, Any]] = response.json()["values"]
    return values


def tx_all(env: Env, resource: str, fields: str = "*") -> list[dict[str, Any]]:
    response = api(env).get(TX_PATHS[resource], params={"fields": fields, "count": 10000, "sorting": "id"})
    response.raise_for_status()
    values: list[dict[str, Any]] = response.json()["values"]
    return values


def owner_and_department(env: Env) -> tuple[int, int]:
    employee = tx_all(env, "employee", "id,department(id)")[0]
    return int(employee["id"]), int(employee["department"]["id"])


def host_put(env: Env, resource: str, items: list[dict[str, Any]]) -> None:
    result = receive(env.db, env.connection_id, SyncResource(resource), items)
    assert not result.refused, result.refused


def overlapping(env: Env) -> dict[str, Any]:
    """Two overlapping data sets (see the test module for what each pair is meant to show)."""
    owner, department = owner_and_department(env)
    org_a, org_x = ORG_NUMBERS[1], ORG_NUMBERS[2]
    customers = tx_create(
        env,
        "customer",
        [
            {"name": "Fjord Bygg AS", "organizationNumber": org_a},
            {"name": "Nordlys Regnskap AS", "email": "post@nordlys.no"},
            {"name": "Bare Tripletex AS"},
            {"name": "Dobbel AS"},
            {"name": "DOBBEL A/S", "organizationNumber": org_x},
            {"name": "Gammel AS", "isInactive": True},
        ],
    )
    employees = tx_create(
        env,
        "employee",
        [
            {
                "firstName": "Ola",
                "lastName": "Nordmann",
                "email": "ola@firma.no",
                "employeeNumber": "101",
                "department": {"id": department},
            },
            {
                "firstName": "Kari",
                "lastName": "Hansen",
                "email": "kari@firma.no",
                "employeeNumber": "202",
                "department": {"id": department},
            },
        ],
    )
    projects = tx_create(
        env,
        "project",
        [
            {
                "name": "Kontorbygg",
                "number": "P-1",
                "customer": {"id": customers[0]["id"]},
                "projectManager": {"id": owner},
                "startDate": "2026-01-05",
            },
        ],
    )
    host_put(
        env,
        "customer",
        [
            {
                "host_id": "c-fjord",
                "name": "Fjord Bygg",
                "organization_number": org_a,
                "phone": "22 33 44 55",
            },
            {"host_id": "c-nordlys", "name": "Nordlys", "email": "POST@nordlys.no"},
            {"host_id": "c-dobbel", "name": "Dobbel"},
            {"host_id": "c-host", "name": "Bare Vert AS", "email": "post@vert.no"},
        ],
    )
    host_put(
        env,
        "employee",
        [
            {"host_id": "e-ola", "first_name": "Ola", "last_name": "Nordmann", "email": "ola@firma.no"},
            {
                "host_id": "e-per",
                "first_name": "Per",
                "last_name": "Berg",
                "email": "per@annen.no",
                "employee_number": "202",
            },
            {"host_id": "e-nina", "first_name": "Nina", "last_name": "Ny", "email": "nina@firma.no"},
            {"host_id": "e-cher", "first_name": "Cher", "email": "cher@firma.no"},
        ],
    )
    host_put(
        env,
        "project",
        [
            {
                "host_id": "p-kontor",
                "name": "Kontorbygg",
                "number": "P-1",
                "customer_id": "c-fjord",
                "project_manager_id": "e-ola",
                "start_date": "2026-01-05",
            },
            {
                "host_id": "p-lager",
                "name": "Lager",
                "customer_id": "c-host",
                "project_manager_id": "e-nina",
                "start_date": "2026-02-01",
            },
            {
                "host_id": "p-udatert",
                "name": "Udatert",
                "customer_id": "c-fjord",
                "project_manager_id": "e-ola",
            },
        ],
    )
    return {"customers": customers, "employees": employees, "projects": projects, "owner": owner}
