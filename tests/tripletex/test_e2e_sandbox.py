"""The client against the sandbox over real HTTP on loopback (session, whoAmI, paging, fields,
checksum/304, 429 with and without X-Rate-Limit-Reset)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from tests.fixtures.sandbox import SandboxCompany, new_sandbox_company
from txbridge.sandbox.server import SandboxServer
from txbridge.tripletex import (
    AuthenticationError,
    NotModified,
    OutcomeUnknownError,
    Page,
    RateLimiterRegistry,
    Tripletex,
    models,
)
from txbridge.tripletex._retry import FALLBACK_RATE_LIMIT_WAIT, RESET_MARGIN


def fail_customer_reads(control: httpx.Client, company: SandboxCompany, *, status: int, count: int) -> None:
    """The next ``count`` reads of /customer by this company are answered ``status`` (injected)."""
    fault = {"method": "GET", "path": "/v2/customer", "kind": "status", "status": status, "count": count}
    control.post("/faults", json={**fault, "companyId": company.company_id}).raise_for_status()


@pytest.fixture
def company(sandbox_server: SandboxServer) -> SandboxCompany:
    return new_sandbox_company(sandbox_server, name="Fjelltopp Regnskap AS", accountantClients=2)


@pytest.fixture
def tx(company: SandboxCompany) -> Iterator[Tripletex]:
    with Tripletex(
        consumer_token=company.consumer_token,
        employee_token=company.employee_token,
        base_url=company.base_url,
        rate_limiters=RateLimiterRegistry(),
    ) as client:
        yield client


def test_session_who_am_i_and_test_connection(tx: Tripletex, company: SandboxCompany) -> None:
    who = tx.who_am_i()
    assert who.companyId == company.company_id
    info = tx.test_connection()
    assert (info.company_id, info.company_name) == (company.company_id, "Fjelltopp Regnskap AS")
    assert tx.stats.sessions_created == 1


def test_close_ends_the_session(company: SandboxCompany) -> None:
    client = Tripletex(
        consumer_token=company.consumer_token,
        employee_token=company.employee_token,
        base_url=company.base_url,
    )
    client.who_am_i()
    session = client._session.session
    assert session is not None
    client.close()
    dead = httpx.get(f"{company.base_url}/token/session/>whoAmI", auth=("0", session.token))
    assert dead.status_code == 401


def test_wrong_tokens_are_an_authentication_error(company: SandboxCompany) -> None:
    with (
        Tripletex(
            consumer_token=company.consumer_token,
            employee_token="not-the-right-token",
            base_url=company.base_url,
        ) as client,
        pytest.raises(AuthenticationError),
    ):
        client.who_am_i()


def test_accountant_clients(tx: Tripletex, company: SandboxCompany) -> None:
    clients = tx.companies.with_login_access()
    assert {c.id for c in clients} >= set(company.client_company_ids)
    child = tx.for_company(company.client_company_ids[0])
    assert child.test_connection().company_id == company.client_company_ids[0]
    assert tx.stats.sessions_created == 1


def test_paging_fields_and_bulk(tx: Tripletex) -> None:
    created = tx.customers.create_many(
        [models.Customer(name=f"Kunde {n:02}", email=f"k{n}@example.no") for n in range(25)], chunk=10
    )
    assert len(created) == 25
    tx.stats.reset()
    rows = list(tx.customers.iter(fields="id,name", page_size=10, sorting="name"))
    names = [c.name for c in rows if c.name and c.name.startswith("Kunde ")]
    assert names == [f"Kunde {n:02}" for n in range(25)]
    assert tx.stats.by_endpoint["GET /customer"] == (len(rows) // 10) + 1
    one = tx.customers.get(created[0].id or 0, fields="id,name")
    assert one.name == "Kunde 00" and one.email is None


def test_checksum_gives_not_modified_until_data_changes(tx: Tripletex) -> None:
    tx.customers.create(models.Customer(name="Første"))
    first = tx.customers.list_if_changed(None, fields="id,name")
    assert isinstance(first, Page) and first.version_digest
    assert isinstance(tx.customers.list_if_changed(first.version_digest, fields="id,name"), NotModified)
    tx.customers.create(models.Customer(name="Andre"))
    again = tx.customers.list_if_changed(first.version_digest, fields="id,name")
    assert isinstance(again, Page) and again.version_digest != first.version_digest


def test_429_is_waited_out(tx: Tripletex, company: SandboxCompany) -> None:
    with company.control() as control:
        control.put(
            "/rate-limit", json={"limit": 3, "period": 1.0, "companyId": company.company_id}
        ).raise_for_status()
    # Someone else with the same tokens uses up the period behind our client's back.
    with company.client() as other:
        statuses = [other.get("/token/session/>whoAmI").status_code for _ in range(5)]
    assert 429 in statuses  # bounded: a sandbox that never limits fails here instead of hanging
    assert tx.who_am_i().companyId == company.company_id
    assert tx.stats.rate_limited >= 1


def test_steady_work_is_paced_below_the_limit(tx: Tripletex, company: SandboxCompany) -> None:
    with company.control() as control:
        control.put(
            "/rate-limit", json={"limit": 4, "period": 1.0, "companyId": company.company_id}
        ).raise_for_status()
    for _ in range(7):
        tx.who_am_i()
    assert tx.stats.rate_limited == 0
    assert tx.stats.throttle_waits >= 1


def test_lost_answer_after_commit_is_an_unknown_outcome(tx: Tripletex, company: SandboxCompany) -> None:
    tx.who_am_i()
    with company.control() as control:
        control.post(
            "/faults",
            json={
                "method": "POST",
                "path": "/v2/customer",
                "kind": "drop_after_commit",
                "companyId": company.company_id,
            },
        ).raise_for_status()
        try:
            with pytest.raises(OutcomeUnknownError) as info:
                tx.customers.create(models.Customer(name="Kanskje AS"))
        finally:
            control.delete("/faults")
    assert info.value.body == {"name": "Kanskje AS"}
    # The write did happen: the caller reconciles by looking it up instead of sending it again.
    names = [c.name for c in tx.customers.iter(fields="id,name")]
    assert names.count("Kanskje AS") == 1


def test_503_on_a_read_is_retried(tx: Tripletex, company: SandboxCompany) -> None:
    tx.who_am_i()
    with company.control() as control:
        fail_customer_reads(control, company, status=503, count=2)
        try:
            page = tx.customers.list()
        finally:
            control.delete("/faults")
    assert isinstance(page, Page)
    assert tx.stats.retries == 2


def test_429s_without_reset_wait_for_the_period_earlier_answers_gave(company: SandboxCompany) -> None:
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        time.sleep(seconds)

    with company.control() as control:
        control.put(
            "/rate-limit", json={"limit": 1000, "period": 2.0, "companyId": company.company_id}
        ).raise_for_status()
        with Tripletex(
            consumer_token=company.consumer_token,
            employee_token=company.employee_token,
            base_url=company.base_url,
            rate_limiters=RateLimiterRegistry(),
            sleep=sleep,
        ) as client:
            client.who_am_i()  # its answer tells the period: 2 s
            # Tripletex's 429s sometimes lack X-Rate-Limit-Reset; the sandbox's injected ones always do.
            fail_customer_reads(control, company, status=429, count=2)
            try:
                page = client.customers.list()
            finally:
                control.delete("/faults")
        rows = control.get("/stats", params={"companyId": company.company_id}).json()["values"]
    assert isinstance(page, Page)
    assert client.stats.rate_limited == 2
    assert {(r["method"], r["path"]): r["count"] for r in rows}[("GET", "/v2/customer")] == 3
    known, blind = slept
    # The rest of the period the whoAmI answer described (under 2 s), not a blind 5 s or more ...
    assert 1.0 < known <= 2.0 + RESET_MARGIN
    # ... and once that period is over and nothing is known, a short fallback.
    assert blind == FALLBACK_RATE_LIMIT_WAIT
