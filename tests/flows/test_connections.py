"""Connections: connect (test first, tokens encrypted), approve, token expiry, the error state."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from datetime import date, timedelta

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import select, text

from tests.fixtures.sandbox import SandboxCompany, new_sandbox_company
from txbridge.flows import connections
from txbridge.sandbox.server import SandboxServer
from txbridge.settings import Settings
from txbridge.store import Connection, ConnectionState, Database, LogEntry, TokenCipher, TokenKeyError
from txbridge.tripletex import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    InternalServerError,
    OutcomeUnknownError,
    TransportProblem,
    Tripletex,
    TripletexError,
)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        secret_key=TokenCipher.generate_key().decode(),
        error_state_threshold=3,
    )


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    database = Database(settings)
    yield database
    database.dispose()


def connect(db: Database, settings: Settings, company: SandboxCompany, **extra: object) -> Connection:
    return connections.connect(
        db,
        settings,
        name="acme",
        environment="sandbox",
        consumer_token=company.consumer_token,
        employee_token=f"  {company.employee_token}\n",  # pasted with whitespace
        base_url=company.base_url,
        **extra,  # type: ignore[arg-type]
    )


def test_connect_tests_first_and_stores_tokens_encrypted(
    db: Database, settings: Settings, sandbox_company: SandboxCompany
) -> None:
    connection = connect(db, settings, sandbox_company)
    assert connection.state is ConnectionState.PENDING_APPROVAL
    assert connection.company_name  # the test connection answered with the company name
    with db.engine.connect() as raw:
        row = raw.execute(text("SELECT * FROM connection")).mappings().one()
    stored = " ".join(str(v) for v in row.values())
    assert sandbox_company.employee_token not in stored and sandbox_company.consumer_token not in stored
    assert row["employee_token_hint"].startswith("test-…")
    cipher = TokenCipher.from_settings(settings)
    assert connection.employee_token(cipher) == sandbox_company.employee_token  # trimmed
    assert sandbox_company.employee_token not in repr(connection)

    approved = connections.approve(db, connection.id)
    assert approved.state is ConnectionState.ACTIVE
    with connections.client_for(approved, settings) as client:
        assert client.test_connection().company_name == connection.company_name


def test_connect_with_bad_tokens_stores_nothing(
    db: Database, settings: Settings, sandbox_company: SandboxCompany
) -> None:
    with pytest.raises(connections.ConnectionFlowError) as refused:
        connections.connect(
            db,
            settings,
            name="acme",
            environment="sandbox",
            consumer_token=sandbox_company.consumer_token,
            employee_token="test-wrong-wrong-wrong-wrong",
            base_url=sandbox_company.base_url,
        )
    assert refused.value.message.id == "authentication_unsuccessful"
    assert "test-wrong-wrong" not in str(refused.value)
    with db.transaction() as session:
        assert session.query(Connection).count() == 0


def test_reconnect_rotates_tokens_and_keeps_an_active_connection_active(
    db: Database, settings: Settings, sandbox_company: SandboxCompany
) -> None:
    first = connect(db, settings, sandbox_company)
    connections.approve(db, first.id)
    again = connect(db, settings, sandbox_company, token_expires_on=date.today() + timedelta(days=30))
    assert again.id == first.id and again.state is ConnectionState.ACTIVE
    assert again.token_expires_on == date.today() + timedelta(days=30)


def test_token_expiry_warning_and_block() -> None:
    today = date(2026, 11, 1)
    connection = Connection(name="x", state=ConnectionState.ACTIVE, token_expires_on=date(2026, 11, 11))
    expiry = connections.token_expiry(connection, today)
    assert expiry is not None and expiry.days_left == 10 and expiry.warn and not expiry.expired
    assert "10" in expiry.text("en") and "2026-11-11" in expiry.text("nb")
    assert expiry.message().id == "token_expires_soon" and "2026-11-11" in expiry.message().fix_en
    assert connections.blocking_message(connection, today) is None
    connection.token_expires_on = date(2026, 10, 31)
    blocked = connections.blocking_message(connection, today)
    assert blocked is not None and blocked.id == "token_expired"
    connection.token_expires_on = None
    assert connections.token_expiry(connection, today) is None
    connection.state = ConnectionState.PENDING_APPROVAL
    pending = connections.blocking_message(connection, today)
    assert pending is not None and pending.id == "connection_pending_approval"


def _stored_connection(db: Database, settings: Settings) -> int:
    with db.transaction() as session:
        connection = Connection(
            name="acme",
            environment="sandbox",
            base_url="http://127.0.0.1:9/v2",
            state=ConnectionState.ACTIVE,
        )
        connection.set_tokens(
            TokenCipher.from_settings(settings),
            consumer_token="consumer-0123456789",
            employee_token="employee-0123456789",
        )
        session.add(connection)
        session.flush()
        return connection.id


def _state(db: Database, connection_id: int) -> tuple[ConnectionState, int]:
    with db.transaction() as session:
        found = session.get(Connection, connection_id)
        assert found is not None
        return found.state, found.consecutive_failures


def test_consecutive_api_errors_reach_the_error_state_and_a_success_resets(
    db: Database, settings: Settings
) -> None:
    connection_id = _stored_connection(db, settings)
    server_error = InternalServerError(status=503, code=None, message="down")
    connections.record_failure(db, settings, connection_id, server_error)
    connections.record_failure(
        db, settings, connection_id, APIConnectionError("refused", method="GET", path="/x")
    )
    assert _state(db, connection_id) == (ConnectionState.ACTIVE, 2)
    connections.record_success(db, connection_id)
    assert _state(db, connection_id) == (ConnectionState.ACTIVE, 0)
    for _ in range(3):
        connections.record_failure(db, settings, connection_id, server_error)
    assert _state(db, connection_id) == (ConnectionState.ERROR, 3)


def test_an_authentication_failure_counts_double(db: Database, settings: Settings) -> None:
    connection_id = _stored_connection(db, settings)
    auth = AuthenticationError(status=401, code=3000, message="Unauthorized")
    connections.record_failure(db, settings, connection_id, auth)
    assert _state(db, connection_id) == (ConnectionState.ACTIVE, 2)
    connections.record_failure(db, settings, connection_id, auth)
    assert _state(db, connection_id) == (ConnectionState.ERROR, 4)


def test_workers_failing_at_once_lose_no_failure_and_enter_the_error_state_once(
    db: Database, settings: Settings
) -> None:
    connection_id = _stored_connection(db, settings)
    server_error = InternalServerError(status=503, code=None, message="down")
    workers, each = 6, 5
    start = threading.Barrier(workers)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            start.wait()
            for _ in range(each):
                connections.record_failure(db, settings, connection_id, server_error)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert _state(db, connection_id) == (ConnectionState.ERROR, workers * each)
    with db.transaction() as session:
        ids = session.scalars(
            select(LogEntry.message_id).where(LogEntry.connection_id == connection_id)
        ).all()
    assert ids.count("integration_error_state") == 1
    assert ids.count("tripletex_server_error") == workers * each


def test_reactivate_fails_while_the_api_does_not_answer(db: Database, settings: Settings) -> None:
    connection_id = _stored_connection(db, settings)

    def refuse(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"status": 401, "code": 3000, "message": "Unauthorized"})

    with pytest.raises(connections.ConnectionFlowError) as refused:
        connections.reactivate(db, settings, connection_id, transport=httpx.MockTransport(refuse))
    assert refused.value.message.id == "authentication_unsuccessful"
    assert _state(db, connection_id) == (ConnectionState.ACTIVE, 2)


def test_message_for_error_maps_by_meaning() -> None:
    assert connections.message_for_error(AuthenticationError(status=401, code=3000, message="x")).id == (
        "authentication_unsuccessful"
    )
    assert connections.message_for_error(InternalServerError(status=500, code=1000, message="x")).id == (
        "tripletex_server_error"
    )
    assert (
        connections.message_for_error(APIConnectionError("x", method="GET", path="/")).id == "api_unreachable"
    )


def test_a_client_company_without_login_access_is_named(
    db: Database, settings: Settings, sandbox_company: SandboxCompany, sandbox_server: SandboxServer
) -> None:
    stranger = new_sandbox_company(sandbox_server)
    with pytest.raises(connections.ConnectionFlowError) as refused:
        connect(db, settings, sandbox_company, company_id=stranger.company_id)
    assert refused.value.message.id == "client_company_not_accessible"
    assert str(stranger.company_id) in refused.value.message.en
    with db.transaction() as session:
        assert session.scalars(select(Connection)).all() == []  # nothing stored


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_cannot_reach_tripletex_says_what_failed_and_where_in_words() -> None:
    base_url = f"http://127.0.0.1:{_closed_port()}/v2"
    client = Tripletex(
        consumer_token="consumer-token-1234",
        employee_token="employee-token-5678",
        base_url=base_url,
        sleep=lambda _seconds: None,
    )
    with client, pytest.raises(TripletexError) as raised:
        client.test_connection()
    message = connections.message_for_error(raised.value, base_url)
    host = base_url.removeprefix("http://").removesuffix("/v2")
    assert message.id == "api_unreachable"
    assert message.nb == f"Får ikke kontakt med Tripletex: {host} avviste tilkoblingen"
    assert message.en == f"Cannot reach Tripletex: {host} refused the connection"
    assert "Error" not in str(message) and "token" not in str(message).lower()


@pytest.mark.parametrize(
    ("error", "nb", "en"),
    [
        (
            APITimeoutError("x", method="GET", path="/customer", problem=TransportProblem.TIMEOUT),
            "tripletex.no svarte ikke i tide (tidsavbrudd)",
            "tripletex.no did not answer in time (timeout)",
        ),
        (
            APIConnectionError("x", method="GET", path="/", problem=TransportProblem.DNS),
            "fant ikke adressen tripletex.no (DNS)",
            "could not look up tripletex.no (DNS)",
        ),
        (
            OutcomeUnknownError("x", method="POST", path="/invoice", problem=TransportProblem.DROPPED),
            "forbindelsen til tripletex.no ble brutt",
            "the connection to tripletex.no was dropped",
        ),
    ],
)
def test_network_failures_are_named_per_language_with_the_host_only(
    error: TripletexError, nb: str, en: str
) -> None:
    message = connections.message_for_error(error, "https://user:secret@tripletex.no/v2?token=abc")
    assert message.nb.endswith(nb) and message.en.endswith(en)
    assert "secret" not in str(message) and "abc" not in str(message)


@pytest.mark.parametrize(
    ("employee_token", "nb", "en"),
    [
        ("abcd1234 efgh5678", "inneholder mellomrom eller linjeskift", "contains spaces or line breaks"),
        ("abc12", "er for kort (5 tegn)", "is too short (5 characters)"),
    ],
)
def test_a_badly_pasted_token_keeps_the_clients_reason(
    db: Database, settings: Settings, sandbox_company: SandboxCompany, employee_token: str, nb: str, en: str
) -> None:
    with pytest.raises(connections.ConnectionFlowError) as refused:
        connections.connect(
            db,
            settings,
            name="acme",
            environment="sandbox",
            consumer_token=sandbox_company.consumer_token,
            employee_token=employee_token,
            base_url=sandbox_company.base_url,
        )
    message = refused.value.message
    assert message.id == "connection_settings_invalid"
    assert nb in message.nb and en not in message.nb
    assert en in message.en and nb not in message.en
    assert employee_token not in str(message)


def test_rotating_the_key_writes_every_token_again_and_names_what_no_key_reads(
    db: Database, settings: Settings
) -> None:
    connection_id = _stored_connection(db, settings)  # under the key that is now the old one
    with db.transaction() as session:
        lost = Connection(name="lost", environment="sandbox", base_url="http://127.0.0.1:9/v2")
        lost.set_tokens(
            TokenCipher(TokenCipher.generate_key()),
            consumer_token="c-0123456789",
            employee_token="e-0123456789",
        )
        session.add(lost)
    assert settings.secret_key is not None
    new_key = TokenCipher.generate_key().decode()
    rotated_settings = settings.model_copy(
        update={"secret_key": SecretStr(new_key), "old_secret_keys": settings.secret_key}
    )

    result = connections.rotate_token_key(db, rotated_settings)

    assert result.rotated == 1
    assert [m.id for m in result.refused] == ["secret_key_does_not_fit"]
    assert "lost" in result.refused[0].en and "acme" not in result.refused[0].en
    assert result.message().id == "secrets_rotated" and "1" in result.message().en
    # The new key alone now reads the tokens; the old one no longer does.
    with db.transaction() as session:
        stored = session.get(Connection, connection_id)
        assert stored is not None
        assert stored.employee_token(TokenCipher(new_key)) == "employee-0123456789"
        with pytest.raises(TokenKeyError):
            stored.employee_token(TokenCipher(settings.secret_key.get_secret_value()))
    # Safe to run again (tokens already under the new key are written again under it).
    assert connections.rotate_token_key(db, rotated_settings).rotated == 1


@pytest.mark.parametrize(
    "url",
    [
        "https://tripletex.no/v2",
        "https://api-test.tripletex.tech/v2",
        "http://127.0.0.1:8080/v2",
        "http://localhost:8080/v2",
        "http://sandbox.internal:8080/v2",
    ],
)
def test_a_base_url_may_name_tripletex_this_machine_or_an_allowed_host(url: str) -> None:
    settings = Settings(allowed_api_hosts="sandbox.internal, other.internal")
    connections.check_base_url(settings, url)


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data",  # a cloud's metadata service
        "http://tripletex.no/v2",  # Tripletex, but not over TLS
        "https://intranet.example/v2",
        "file:///etc/passwd",
        "http://sandbox.internal:8080/v2",  # not allowed unless the setting names it
    ],
)
def test_any_other_base_url_is_refused_before_a_call(db: Database, settings: Settings, url: str) -> None:
    def no_call(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"called {request.url}")

    with pytest.raises(connections.ConnectionFlowError) as refused:
        connections.connect(
            db,
            settings,
            name="elsewhere",
            environment="sandbox",
            consumer_token="test-" + "c" * 36,
            employee_token="test-" + "e" * 36,
            base_url=url,
            transport=httpx.MockTransport(no_call),
        )
    assert refused.value.message.id == "connection_base_url_not_allowed"
    assert db.session().query(Connection).count() == 0
