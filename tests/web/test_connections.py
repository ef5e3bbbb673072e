"""The connect wizard and the connection page, against the sandbox over real HTTP: «Test connection»
shows the company and the token's expiry, save → In review, an admin approves; rotation, reactivation,
settings, an accountant's client companies; no token on any page or in any log line."""

from __future__ import annotations

import logging
from datetime import date, timedelta

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.fixtures.sandbox import SandboxCompany, new_sandbox_company
from tests.web.conftest import csrf_of
from txbridge.flows.views import connections as views
from txbridge.sandbox.server import SandboxServer
from txbridge.store import Connection, ConnectionState, Database


def _wizard(company: SandboxCompany, **extra: str) -> dict[str, str]:
    return {
        "name": "acme",
        "environment": "sandbox",
        "base_url": company.base_url,
        "consumer_token": company.consumer_token,
        # Pasted with whitespace around it, as from a web page.
        "employee_token": f"  {company.employee_token}\n",
        "expires": (date.today() + timedelta(days=10)).isoformat(),
        **extra,
    }


def _connect(client: TestClient, company: SandboxCompany, **extra: str) -> httpx.Response:
    token = csrf_of(client.get("/connections/new").text)
    return client.post("/connections", data={**_wizard(company, **extra), "csrf_token": token})


def _sandbox_calls(company: SandboxCompany) -> int:
    total: int = httpx.get(f"{company.control_url}/stats").json()["total"]
    return total


def test_test_connection_shows_company_and_expiry_and_stores_nothing(
    support_client: TestClient, sandbox_company: SandboxCompany, db: Database
) -> None:
    token = csrf_of(support_client.get("/connections/new").text)
    answer = support_client.post(
        "/connections/test",
        data={**_wizard(sandbox_company), "csrf_token": token},
        headers={"HX-Request": "true"},
    )
    assert answer.status_code == 200
    assert "Tilkoblet" in answer.text and "<html" not in answer.text  # an htmx fragment
    assert "10 dager igjen" in answer.text
    assert views.list_connections(db) == []


def test_a_malformed_token_is_refused_before_any_call(
    support_client: TestClient, sandbox_company: SandboxCompany
) -> None:
    token = csrf_of(support_client.get("/connections/new").text)
    before = _sandbox_calls(sandbox_company)
    answer = support_client.post(
        "/connections/test",
        data={**_wizard(sandbox_company, employee_token="abc def"), "csrf_token": token},
    )
    assert "mellomrom eller linjeskift" in answer.text  # the client's own reason, in bokmål
    assert _sandbox_calls(sandbox_company) == before


def test_save_puts_the_connection_in_review_and_an_admin_approves_it(
    app: object, support_client: TestClient, admin_client: TestClient, sandbox_company: SandboxCompany
) -> None:
    saved = _connect(support_client, sandbox_company)
    assert saved.status_code == 200 and saved.url.path.startswith("/connections/")
    assert "Til godkjenning" in saved.text
    assert "Approve" not in saved.text and "Godkjenn</button>" not in saved.text  # support cannot approve
    page = admin_client.get(saved.url.path)
    approved = admin_client.post(f"{saved.url.path}/approve", data={"csrf_token": csrf_of(page.text)})
    assert "Tilkoblingen er godkjent." in approved.text
    assert '<span class="state state-active">Aktiv</span>' in approved.text
    listing = admin_client.get("/connections").text
    assert "Aktiv" in listing and "acme" in listing
    log = admin_client.get("/log").text
    assert "Tilkobling acme lagret (av sam)" in log
    assert "Tilkobling godkjent (av ada)" in log


def test_a_wrong_token_is_explained_and_nothing_is_saved(
    support_client: TestClient, sandbox_company: SandboxCompany, db: Database
) -> None:
    refused = _connect(support_client, sandbox_company, employee_token="test-" + "x" * 36)
    assert refused.status_code == 422
    assert "Autentiseringen mot Tripletex mislyktes" in refused.text
    assert views.list_connections(db) == []
    # What the user typed is kept, except the tokens (they are pasted again).
    assert 'value="acme"' in refused.text
    assert sandbox_company.consumer_token not in refused.text


def test_no_token_on_any_page_or_in_any_log_line(
    admin_client: TestClient, sandbox_company: SandboxCompany, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    saved = _connect(admin_client, sandbox_company)
    path = saved.url.path
    admin_client.post(f"{path}/approve", data={"csrf_token": csrf_of(saved.text)})
    pages = [
        admin_client.get(p).text for p in ("/connections", path, f"{path}/rotate", "/log", f"{path}/batches")
    ]
    secrets = (sandbox_company.employee_token, sandbox_company.consumer_token)
    for text in [*pages, caplog.text]:
        for secret in secrets:
            assert secret not in text
            assert secret[-12:] not in text  # not even a long tail: only the masked hint (…c3f9)
    assert any("…" in page for page in pages[1:2])


def test_rotate_the_token_keeps_the_connection_and_says_to_revoke_the_old_one(
    admin_client: TestClient, sandbox_company: SandboxCompany, db: Database
) -> None:
    saved = _connect(admin_client, sandbox_company)
    path = saved.url.path
    form = admin_client.get(f"{path}/rotate")
    token = csrf_of(form.text)
    new_expiry = (date.today() + timedelta(days=200)).isoformat()
    data = {
        "consumer_token": sandbox_company.consumer_token,
        "employee_token": sandbox_company.employee_token,
        "expires": new_expiry,
        "csrf_token": token,
    }
    tested = admin_client.post(f"{path}/rotate/test", data=data)
    assert "trekk så tilbake den gamle nøkkelen" in tested.text
    rotated = admin_client.post(f"{path}/rotate", data=data)
    assert "Trekk tilbake den gamle i Tripletex" in rotated.text
    (row,) = views.list_connections(db)
    assert row.token_expires == date.fromisoformat(new_expiry) and row.name == "acme"
    assert "Ansattnøkkel byttet (av ada)" in admin_client.get("/log").text


def test_reactivate_from_the_error_state_tests_first(
    admin_client: TestClient, sandbox_company: SandboxCompany, db: Database
) -> None:
    saved = _connect(admin_client, sandbox_company)
    with db.transaction() as session:
        connection = session.get(Connection, int(saved.url.path.rsplit("/", 1)[1]))
        assert connection is not None
        connection.state = ConnectionState.ERROR
        connection.consecutive_failures = 5
    page = admin_client.get(saved.url.path)
    assert "Integrasjonen er i feiltilstand" in page.text or "feiltilstand" in page.text
    again = admin_client.post(f"{saved.url.path}/reactivate", data={"csrf_token": csrf_of(page.text)})
    assert "Tilkoblingen er aktiv igjen." in again.text
    assert views.list_connections(db)[0].state is ConnectionState.ACTIVE


def test_settings_are_saved_and_checked(admin_client: TestClient, sandbox_company: SandboxCompany) -> None:
    saved = _connect(admin_client, sandbox_company)
    token = csrf_of(saved.text)
    changed = admin_client.post(
        f"{saved.url.path}/settings",
        data={"csrf_token": token, "send_to_customer": "true", "batch_size": "50"},
    )
    assert "Innstillingene er lagret." in changed.text
    assert 'name="send_to_customer" value="true" checked' in changed.text and 'value="50"' in changed.text
    refused = admin_client.post(f"{saved.url.path}/settings", data={"csrf_token": token, "batch_size": "500"})
    assert refused.status_code == 422 and "buntstørrelsen må være 1–100" in refused.text


def test_an_accountants_token_picks_client_companies(
    admin_client: TestClient, sandbox_server: SandboxServer, db: Database
) -> None:
    firm = new_sandbox_company(sandbox_server, name="Regnskap AS", accountantClients=2)
    token = csrf_of(admin_client.get("/connections/new").text)
    tested = admin_client.post("/connections/test", data={**_wizard(firm), "csrf_token": token})
    for client_id in firm.client_company_ids:
        assert f'name="client_company" value="{client_id}"' in tested.text
    saved = admin_client.post(
        "/connections",
        data={
            **_wizard(firm),
            "csrf_token": token,
            "client_company": [str(i) for i in firm.client_company_ids],
        },
    )
    assert saved.status_code == 200
    rows = views.list_connections(db)
    assert sorted(r.tripletex_company_id for r in rows) == sorted(firm.client_company_ids)
    assert all(r.state is ConnectionState.PENDING_APPROVAL for r in rows)


def test_unknown_connection_is_a_plain_not_found(admin_client: TestClient) -> None:
    for path in ("/connections/999", "/connections/999/batches", "/connections/999/invoices"):
        answer = admin_client.get(path)
        assert answer.status_code == 404, path
        assert "Tilkoblingen 999 finnes ikke" in answer.text


def test_the_wizard_never_replaces_the_tokens_of_an_existing_connection(
    admin_client: TestClient, support_client: TestClient, sandbox_server: SandboxServer, db: Database
) -> None:
    first = new_sandbox_company(sandbox_server)
    assert _connect(admin_client, first).status_code == 200
    other = new_sandbox_company(sandbox_server, name="Annet AS")
    refused = _connect(support_client, other)
    assert refused.status_code == 422
    assert "Det finnes allerede en tilkobling som heter acme" in refused.text
    (row,) = views.list_connections(db)
    assert row.company_name != "Annet AS"


def test_test_connection_without_javascript_answers_the_whole_page(
    support_client: TestClient, sandbox_company: SandboxCompany
) -> None:
    token = csrf_of(support_client.get("/connections/new").text)
    page = support_client.post("/connections/test", data={**_wizard(sandbox_company), "csrf_token": token})
    assert "<html" in page.text and "Tilkoblet" in page.text and 'value="acme"' in page.text
    assert "Lim inn nøklene på nytt for å lagre" in page.text
    assert sandbox_company.employee_token not in page.text and sandbox_company.consumer_token not in page.text
