"""Connections to Tripletex companies: connect (test first), approve, reactivate, build the API client,
and the integration's error state.

Error state: every integration failure (authentication, API unreachable, server errors) adds to the
connection's ``consecutive_failures``; a success resets it. At ``settings.error_state_threshold`` the
connection goes to ``error`` and every export stops at once with «The integration is in error state»
until someone fixes the cause and runs ``txbridge connection reactivate`` (which must pass a test
connection). An authentication failure counts **double**: the client has already renewed the session
once before giving up, so one surviving 401 is itself a repeated authentication failure; with the
default threshold of 5 the third export in a row with bad tokens enters the error state (2 + 2 + 2).
Data errors (a refused invoice) never count: they are the host data's fault, not the integration's."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

import httpx
from sqlalchemy.orm import Session

from txbridge.catalog import Bilingual, Message, render
from txbridge.settings import Settings
from txbridge.store import (
    Connection,
    ConnectionState,
    Database,
    Environment,
    LogLevel,
    TokenCipher,
    TokenKeyError,
)
from txbridge.store import queries as q
from txbridge.store.models import utcnow
from txbridge.store.ratebudget import budget_for
from txbridge.tripletex import (
    PRODUCTION_URL,
    TEST_URL,
    APIStatusError,
    AuthenticationError,
    Clock,
    ConfigurationError,
    InternalServerError,
    OutcomeUnknownError,
    PermissionDeniedError,
    RateLimitError,
    TransportProblem,
    Tripletex,
    TripletexError,
)

#: One authentication failure that survived the client's session renewal weighs this many failures.
AUTH_FAILURE_WEIGHT = 2
#: Warn about the employee token this many days before it expires.
TOKEN_WARNING_DAYS = 14


class ConnectionFlowError(Exception):
    """A connection action that could not be done; ``message`` is the catalog message to show."""

    def __init__(self, message: Message) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True, slots=True)
class TokenExpiry:
    """The employee token's expiry as seen today: ``days_left`` < 0 once it has expired."""

    expires_on: date
    days_left: int

    @property
    def expired(self) -> bool:
        return self.days_left < 0

    @property
    def warn(self) -> bool:
        return self.days_left <= TOKEN_WARNING_DAYS

    def message(self) -> Message:
        if self.expired:
            return render("token_expired", expires_on=self.expires_on.isoformat())
        return render("token_expires_soon", expires_on=self.expires_on.isoformat(), days_left=self.days_left)

    def text(self, language: str = "nb") -> str:
        return self.message().text(language)


def token_expiry(connection: Connection, today: date | None = None) -> TokenExpiry | None:
    """Days left on the employee token, or None when its expiry date is not known."""
    if connection.token_expires_on is None:
        return None
    today = today or date.today()
    return TokenExpiry(connection.token_expires_on, (connection.token_expires_on - today).days)


def base_url_of(environment: Environment, base_url: str | None, settings: Settings | None = None) -> str:
    if base_url:
        url = base_url.strip().rstrip("/")
        if settings is not None:
            check_base_url(settings, url)
        return url
    if environment is Environment.PRODUCTION:
        return PRODUCTION_URL
    if environment is Environment.TEST:
        return TEST_URL
    raise ConnectionFlowError(
        render(
            "api_unreachable",
            detail=Bilingual("sandkassen trenger en adresse", "the sandbox environment needs a base URL"),
        )
    )


_LOOPBACK_HOSTS = frozenset({"localhost", "::1"})


def check_base_url(settings: Settings, url: str) -> None:
    """A base URL of one's own may name only Tripletex, this machine (the sandbox) or an allowed host:
    whoever may add a connection must not be able to make the server call anything else."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    official = {urlsplit(u).hostname for u in (PRODUCTION_URL, TEST_URL)}
    allowed = {h.strip().lower() for h in settings.allowed_api_hosts.split(",") if h.strip()}
    loopback = host in _LOOPBACK_HOSTS or host.startswith("127.")
    if parts.scheme == "https" and host in official:
        return
    if parts.scheme in ("http", "https") and (loopback or host in allowed):
        return
    raise ConnectionFlowError(render("connection_base_url_not_allowed", url=url))


#: What each kind of transport failure means to a user (the client tells the kind from exception types).
_TRANSPORT_WORDS: dict[TransportProblem, tuple[str, str]] = {
    TransportProblem.TIMEOUT: (
        "{host} svarte ikke i tide (tidsavbrudd)",
        "{host} did not answer in time (timeout)",
    ),
    TransportProblem.DNS: ("fant ikke adressen {host} (DNS)", "could not look up {host} (DNS)"),
    TransportProblem.REFUSED: ("{host} avviste tilkoblingen", "{host} refused the connection"),
    TransportProblem.TLS: (
        "sikker forbindelse (TLS) til {host} feilet",
        "secure connection (TLS) to {host} failed",
    ),
    TransportProblem.DROPPED: ("forbindelsen til {host} ble brutt", "the connection to {host} was dropped"),
    TransportProblem.BAD_ANSWER: (
        "svaret fra {host} hadde ikke formen API-et beskriver",
        "the answer from {host} did not have the shape the API describes",
    ),
}


def host_of(base_url: str | None) -> str:
    """``https://user:pw@api.example.no:8443/v2`` → ``api.example.no:8443`` (no user, password, query)."""
    if not base_url:
        return "Tripletex"
    parts = urlsplit(base_url)
    if not parts.hostname:
        return "Tripletex"
    return f"{parts.hostname}:{parts.port}" if parts.port else parts.hostname


def transport_problem(error: BaseException, base_url: str | None = None) -> Bilingual:
    """What failed when no answer came, in words: timeout, refused, DNS, TLS, dropped, with the host.

    Built from the kind the client attached to the error, never from the request, so no token can
    slip in."""
    host = host_of(base_url)
    problem = getattr(error, "problem", TransportProblem.OTHER)
    if problem in _TRANSPORT_WORDS:
        nb, en = _TRANSPORT_WORDS[problem]
        return Bilingual(nb.format(host=host), en.format(host=host))
    if isinstance(error, OutcomeUnknownError) and error.status is not None:
        return Bilingual(
            f"{host} svarte {error.status} etter at forespørselen var sendt",
            f"{host} answered {error.status} after the request was sent",
        )
    return Bilingual(f"ingen brukbart svar fra {host}", f"no usable answer from {host}")


def message_for_error(error: BaseException, base_url: str | None = None) -> Message:
    """The catalog message for an integration failure raised by the client. ``base_url`` (the
    connection's) names the host when the network failed."""
    if isinstance(error, AuthenticationError):
        return render("authentication_unsuccessful")
    if isinstance(error, PermissionDeniedError):
        return render("permission_denied", detail=error.message)
    if isinstance(error, RateLimitError):
        return render("too_many_requests")
    if isinstance(error, InternalServerError):
        return render("tripletex_server_error", status=error.status, request_id=error.request_id or "-")
    if isinstance(error, APIStatusError):
        return render(
            "tripletex_validation_error", object=Bilingual("forespørselen", "the request"), detail=str(error)
        )
    if isinstance(error, ConfigurationError):
        # The client's own exact reason (a token pasted with a space, too short, …): keep it.
        return render("connection_settings_invalid", reason=Bilingual(error.message_nb, error.message_en))
    return render("api_unreachable", detail=transport_problem(error, base_url))


def _new_client(
    settings: Settings,
    *,
    base_url: str,
    consumer_token: str,
    employee_token: str,
    company_id: int,
    transport: httpx.BaseTransport | None,
    clock: Clock | None = None,
    sleep: Callable[[float], None] | None = None,
) -> Tripletex:
    """A client whose rate-limit budget is the token pair's: in this process on SQLite, shared with
    every process through the database on PostgreSQL (many workers, one Tripletex limit)."""
    return Tripletex(
        consumer_token=consumer_token,
        employee_token=employee_token,
        base_url=base_url,
        company_id=company_id,
        transport=transport,
        clock=clock,
        sleep=sleep,
        # The shared budget keeps the database server's time: a client on simulated time (an injected
        # clock) keeps the in-process one, which follows its clock.
        rate_budget=None
        if clock is not None
        else budget_for(settings.database_url, consumer_token.strip(), employee_token.strip()),
    )


def client_for(
    connection: Connection,
    settings: Settings,
    *,
    transport: httpx.BaseTransport | None = None,
    clock: Clock | None = None,
    sleep: Callable[[float], None] | None = None,
) -> Tripletex:
    """The API client of a stored connection (tokens decrypted here, never stored elsewhere)."""
    cipher = TokenCipher.from_settings(settings)
    return _new_client(
        settings,
        base_url=connection.base_url,
        consumer_token=connection.consumer_token(cipher),
        employee_token=connection.employee_token(cipher),
        company_id=connection.tripletex_company_id,
        transport=transport,
        clock=clock,
        sleep=sleep,
    )


def connect(
    db: Database,
    settings: Settings,
    *,
    name: str,
    environment: Environment | str,
    consumer_token: str,
    employee_token: str,
    base_url: str | None = None,
    company_id: int = 0,
    token_expires_on: date | None = None,
    transport: httpx.BaseTransport | None = None,
) -> Connection:
    """Test the tokens, then store the connection (tokens encrypted) waiting for approval.

    Connecting again under the same name replaces the tokens (rotation): an active connection stays
    active, any other goes back to ``pending_approval``. Raises :class:`ConnectionFlowError` when the
    test connection fails; nothing is stored then."""
    env = Environment(environment)
    url = base_url_of(env, base_url, settings)
    try:
        with _new_client(
            settings,
            base_url=url,
            consumer_token=consumer_token,
            employee_token=employee_token,
            company_id=company_id,
            transport=transport,
        ) as client:
            info = client.test_connection()
    except (TripletexError, httpx.HTTPError) as exc:
        if company_id and isinstance(exc, PermissionDeniedError):
            # Acting for a client company the token's user cannot log in to: name that company.
            raise ConnectionFlowError(
                render("client_company_not_accessible", company_id=company_id)
            ) from None
        raise ConnectionFlowError(message_for_error(exc, url)) from None
    cipher = TokenCipher.from_settings(settings)
    moment = utcnow()
    with db.transaction() as session:
        connection = q.connection_by_name(session, name)
        if connection is None:
            connection = Connection(name=name, state=ConnectionState.PENDING_APPROVAL, created_at=moment)
            session.add(connection)
        elif connection.state is not ConnectionState.ACTIVE:
            connection.state = ConnectionState.PENDING_APPROVAL
        connection.environment = env
        connection.base_url = url
        connection.set_tokens(cipher, consumer_token=consumer_token, employee_token=employee_token)
        connection.tripletex_company_id = company_id
        connection.company_name = info.company_name
        connection.token_expires_on = token_expires_on
        connection.consecutive_failures = 0
        connection.last_error_id = None
        connection.last_error_detail = None
        connection.updated_at = moment
        session.flush()
        q.add_log(
            session,
            connection.id,
            f"Tilkoblet {info.company_name} / Connected to {info.company_name}",
            object_type="connection",
            object_key=name,
            now=moment,
        )
        return connection


def _load(session: Session, connection_id: int) -> Connection:
    connection = session.get(Connection, connection_id)
    if connection is None:
        raise ConnectionFlowError(render("connection_not_found", connection=connection_id))
    return connection


def _log_error(session: Session, connection: Connection, message: Message) -> None:
    q.add_log(
        session,
        connection.id,
        message.nb,
        level=LogLevel.ERROR,
        message_id=message.id,
        object_type="connection",
        object_key=connection.name,
        detail=message.en,
    )


def approve(db: Database, connection_id: int) -> Connection:
    """Let a tested connection start exporting (``pending_approval`` → ``active``)."""
    with db.transaction() as session:
        connection = _load(session, connection_id)
        if q.move_connection_state(
            session, connection_id, ConnectionState.ACTIVE, only_from=ConnectionState.PENDING_APPROVAL
        ):
            session.refresh(connection)
            q.add_log(
                session,
                connection_id,
                "Tilkoblingen er godkjent / The connection was approved",
                object_type="connection",
                object_key=connection.name,
            )
        return connection


def reactivate(
    db: Database,
    settings: Settings,
    connection_id: int,
    transport: httpx.BaseTransport | None = None,
) -> Connection:
    """Leave the error state (or approve): only after a test connection succeeds. Resets the failures."""
    with db.transaction() as session:
        connection = _load(session, connection_id)
    expiry = token_expiry(connection)
    if expiry is not None and expiry.expired:
        raise ConnectionFlowError(render("token_expired", expires_on=expiry.expires_on.isoformat()))
    try:
        with client_for(connection, settings, transport=transport) as client:
            info = client.test_connection()
    except (TripletexError, httpx.HTTPError) as exc:
        record_failure(db, settings, connection_id, exc)
        raise ConnectionFlowError(message_for_error(exc, connection.base_url)) from None
    with db.transaction() as session:
        connection = _load(session, connection_id)
        previous = connection.state
        connection.state = ConnectionState.ACTIVE
        connection.consecutive_failures = 0
        connection.last_error_id = None
        connection.last_error_detail = None
        connection.company_name = info.company_name or connection.company_name
        q.add_log(
            session,
            connection_id,
            f"Tilkoblingen er aktivert igjen (var {previous.value}) / "
            f"The connection was reactivated (was {previous.value})",
            object_type="connection",
            object_key=connection.name,
        )
        return connection


def record_success(db: Database, connection_id: int) -> None:
    """An API exchange worked: the failure streak is over."""
    with db.transaction() as session:
        q.clear_connection_failures(session, connection_id)


def record_failure(db: Database, settings: Settings, connection_id: int, error: BaseException) -> Connection:
    """Count an integration failure; at the threshold the connection enters the error state (logged).

    The count and the state change are single UPDATEs, so many workers failing at once lose no
    failure and log the error state once."""
    weight = AUTH_FAILURE_WEIGHT if isinstance(error, AuthenticationError) else 1
    with db.transaction() as session:
        connection = _load(session, connection_id)
        message = message_for_error(error, connection.base_url)
        q.add_connection_failures(session, connection_id, weight, error_id=message.id, detail=message.en)
        entered = q.move_connection_state(
            session,
            connection_id,
            ConnectionState.ERROR,
            only_from=ConnectionState.ACTIVE,
            min_failures=settings.error_state_threshold,
        )
        session.refresh(connection)
        _log_error(session, connection, message)
        if entered:
            _log_error(session, connection, error_state_message(connection))
        return connection


@dataclass(frozen=True, slots=True)
class KeyRotation:
    """What ``txbridge secrets rotate`` did: connections whose tokens were written again with the
    current key, and one message per connection whose tokens no key could read (left as they were)."""

    rotated: int
    refused: tuple[Message, ...]

    def message(self) -> Message:
        return render("secrets_rotated", count=self.rotated)


def rotate_token_key(db: Database, settings: Settings) -> KeyRotation:
    """Encrypt every stored token again with ``settings.secret_key``, reading with it and the old keys
    (``settings.old_secret_keys``). Safe to run again; a connection no key reads is named and skipped."""
    cipher = TokenCipher.from_settings(settings)
    rotated = 0
    refused: list[Message] = []
    with db.transaction() as session:
        for connection in q.connections(session):
            try:
                consumer = cipher.rotate(connection.consumer_token_encrypted)
                employee = cipher.rotate(connection.employee_token_encrypted)
            except TokenKeyError:
                refused.append(render("secret_key_does_not_fit", connection=connection.name))
                continue
            connection.consumer_token_encrypted = consumer
            connection.employee_token_encrypted = employee
            rotated += 1
        result = KeyRotation(rotated, tuple(refused))
        done = result.message()
        q.add_log(session, None, done.nb, message_id=done.id, object_type="secrets", detail=done.en)
    return result


def mark_token_expired(db: Database, connection_id: int) -> None:
    """The employee token's date has passed: say so on the connection (until a new token is pasted)."""
    with db.transaction() as session:
        connection = _load(session, connection_id)
        if q.move_connection_state(
            session, connection_id, ConnectionState.TOKEN_EXPIRED, only_from=ConnectionState.ACTIVE
        ):
            session.refresh(connection)
            expires = connection.token_expires_on.isoformat() if connection.token_expires_on else "?"
            message = render("token_expired", expires_on=expires)
            _log_error(session, connection, message)


def error_state_message(connection: Connection) -> Message:
    return render(
        "integration_error_state",
        failures=connection.consecutive_failures,
        last_error=connection.last_error_id or "-",
    )


def blocking_message(connection: Connection, today: date | None = None) -> Message | None:
    """Why this connection may not export now (error state, expired token, not approved), or None."""
    if connection.state is ConnectionState.ERROR:
        return error_state_message(connection)
    expiry = token_expiry(connection, today)
    if connection.state is ConnectionState.TOKEN_EXPIRED or (expiry is not None and expiry.expired):
        expires = connection.token_expires_on.isoformat() if connection.token_expires_on else "?"
        return render("token_expired", expires_on=expires)
    if connection.state is ConnectionState.PENDING_APPROVAL:
        return render("connection_pending_approval", connection=connection.name)
    return None


# --------------------------------------------------------------------------------------------------
# The connect wizard's «Test connection» (nothing stored) and the connection's settings
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClientCompany:
    """A client company an accountant's token may act for (``GET /company/>withLoginAccess``)."""

    id: int
    name: str


@dataclass(frozen=True, slots=True)
class TokenCheck:
    company_id: int
    company_name: str | None
    #: Empty unless the token is an accountant's with access to client companies.
    client_companies: tuple[ClientCompany, ...]


def check_tokens(
    settings: Settings,
    *,
    environment: Environment | str,
    consumer_token: str,
    employee_token: str,
    base_url: str | None = None,
    transport: httpx.BaseTransport | None = None,
) -> TokenCheck:
    """«Test connection» without storing anything: the company the tokens reach and, for an
    accountant's token, its client companies. Tokens are trimmed; a malformed one is refused with its
    reason before any call (``connection_settings_invalid``)."""
    env = Environment(environment)
    url = base_url_of(env, base_url, settings)
    try:
        with _new_client(
            settings,
            base_url=url,
            consumer_token=consumer_token,
            employee_token=employee_token,
            company_id=0,
            transport=transport,
        ) as client:
            info = client.test_connection()
            try:
                found = client.companies.with_login_access(fields="id,name")
            except PermissionDeniedError:
                found = []  # not an accountant's token
    except (TripletexError, httpx.HTTPError) as exc:
        raise ConnectionFlowError(message_for_error(exc, url)) from None
    clients = tuple(
        ClientCompany(c.id, c.name or str(c.id)) for c in found if c.id and c.id != info.company_id
    )
    return TokenCheck(info.company_id, info.company_name, clients)


def update_settings(
    db: Database,
    connection_id: int,
    *,
    send_to_customer: bool,
    prices_include_vat: bool,
    batch_size: int,
) -> Connection:
    """Change how exports behave for a connection (logged)."""
    if not 1 <= batch_size <= 100:
        raise ConnectionFlowError(
            render(
                "connection_settings_invalid",
                reason=Bilingual(
                    f"buntstørrelsen må være 1–100, ikke {batch_size}",
                    f"the batch size must be 1–100, not {batch_size}",
                ),
            )
        )
    with db.transaction() as session:
        connection = _load(session, connection_id)
        connection.send_to_customer = send_to_customer
        connection.prices_include_vat = prices_include_vat
        connection.batch_size = batch_size
        q.add_log(
            session,
            connection_id,
            f"Innstillinger endret: send til kunde {send_to_customer}, priser inkl. mva "
            f"{prices_include_vat}, buntstørrelse {batch_size} / Settings changed: send to customer "
            f"{send_to_customer}, prices incl. VAT {prices_include_vat}, batch size {batch_size}",
            object_type="connection",
            object_key=connection.name,
        )
        return connection


@dataclass(frozen=True, slots=True)
class ExportSettings:
    send_to_customer: bool
    prices_include_vat: bool
    batch_size: int


def export_settings(db: Database, connection_id: int) -> ExportSettings:
    with db.reading() as session:
        connection = _load(session, connection_id)
        return ExportSettings(
            connection.send_to_customer, connection.prices_include_vat, connection.batch_size
        )
