"""One error tree: transport trouble on one branch, answers from Tripletex on the other.

Every API error is built by :func:`make_status_error` from the HTTP status and the Tripletex code, so
callers catch by meaning (``RevisionConflictError``) rather than by number. No exception ever holds a
token, an Authorization header or a URL with a query string."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class TripletexError(Exception):
    """Base of everything this client raises."""

    #: Results of earlier chunks when a bulk write fails part way, so the caller can record them.
    completed: list[Any]

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.completed = []


class ConfigurationError(TripletexError, ValueError):
    """The client was set up wrongly (bad token shape, unknown environment). Bokmål first."""

    def __init__(self, message_nb: str, message_en: str) -> None:
        super().__init__(f"{message_nb} / {message_en}")
        self.message_nb = message_nb
        self.message_en = message_en


# ---- branch 1: we did not get an answer -------------------------------------------------------------


class TransportProblem(StrEnum):
    """What went wrong on the way, told from exception types (never from message text), so callers can
    explain it to a user without parsing English."""

    TIMEOUT = "timeout"
    DNS = "dns"
    REFUSED = "refused"
    TLS = "tls"
    DROPPED = "dropped"
    #: An answer came, but not one that can be used (no token, unreadable body).
    BAD_ANSWER = "bad_answer"
    #: A 5xx after a write was sent.
    SERVER_ERROR = "server_error"
    OTHER = "other"


class APIConnectionError(TripletexError):
    """No usable answer (connection refused, dropped, protocol error) for a request safe to repeat."""

    def __init__(
        self, message: str, *, method: str, path: str, problem: TransportProblem = TransportProblem.OTHER
    ) -> None:
        super().__init__(f"{message}: {method} {path}")
        self.method = method
        self.path = path
        self.problem = problem


class APITimeoutError(APIConnectionError):
    """The request timed out (after the retries a safe request is allowed)."""


class APIResponseValidationError(APIConnectionError):
    """A success answer whose body does not have the shape of the spec (the call itself succeeded)."""


class OutcomeUnknownError(TripletexError):
    """A write was sent but we do not know whether Tripletex carried it out.

    Never retried blindly: look the object up (for instance by its external number) before sending it
    again. ``method``/``path``/``params``/``body`` describe the request without any secret."""

    def __init__(
        self,
        reason: str,
        *,
        method: str,
        path: str,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        status: int | None = None,
        problem: TransportProblem = TransportProblem.OTHER,
    ) -> None:
        super().__init__(
            f"Utfallet av {method} {path} er ukjent ({reason}); sjekk i Tripletex før du sender igjen / "
            f"Outcome of {method} {path} is unknown ({reason}); check Tripletex before sending it again"
        )
        self.reason = reason
        self.method = method
        self.path = path
        self.params = dict(params or {})
        self.body = body
        self.status = status
        self.problem = problem


# ---- branch 2: Tripletex answered with an error --------------------------------------------------------


@dataclass(frozen=True)
class ValidationMessage:
    field: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class APIStatusError(TripletexError):
    """Tripletex answered with an error envelope (or at least an error status)."""

    def __init__(
        self,
        *,
        status: int,
        code: int | None,
        message: str,
        developer_message: str | None = None,
        validation_messages: list[ValidationMessage] | None = None,
        request_id: str | None = None,
        link: str | None = None,
        method: str = "",
        path: str = "",
    ) -> None:
        self.status = status
        self.code = code
        self.developer_message = developer_message
        self.validation_messages = list(validation_messages or [])
        self.request_id = request_id
        self.link = link
        self.method = method
        self.path = path
        super().__init__(message)
        self.args = (self._one_line(),)

    @property
    def status_code(self) -> int:
        return self.status

    def _one_line(self) -> str:
        head = f"{self.status}" + (f"/{self.code}" if self.code is not None else "")
        where = f" {self.method} {self.path}" if self.method else ""
        text = f"[{head}]{where}: {self.message}"
        if self.validation_messages:
            text += " (" + "; ".join(str(v) for v in self.validation_messages) + ")"
        if self.request_id:
            text += f" [request id {self.request_id}]"
        return text

    def __str__(self) -> str:
        return self._one_line()


class BadRequestError(APIStatusError):
    """400: 4000 bad request, 11000 illegal filter, 12000 path parameter, 24000 cryptography."""


class AuthenticationError(APIStatusError):
    """401 / 3000: tokens wrong, expired or from the other environment (after one session renewal)."""


class PermissionDeniedError(APIStatusError):
    """403 / 9000: the employee token lacks the entitlement, or the module is not active."""


class NotFoundError(APIStatusError):
    """404 / 6000."""


class ConflictError(APIStatusError):
    """409: 7000 object exists, 8000 revision, 10000 locked, 14000 duplicate entry."""


class ObjectExistsError(ConflictError):
    """409 / 7000."""


class RevisionConflictError(ConflictError):
    """409 / 8000: the ``version`` sent is stale; someone changed the object since it was read."""


class LockedError(ConflictError):
    """409 / 10000: the object (or its period) is locked."""


class DuplicateEntryError(ConflictError):
    """409 / 14000."""


class UnprocessableEntityError(APIStatusError):
    """422: 15000–23000, validation of the request."""


class MappingError(UnprocessableEntityError):
    """422 / 16000: the body did not map (for instance an unknown field — the whole request fails)."""


class TooManyResultsError(UnprocessableEntityError):
    """422 / 23000: the search would return more than 10,000 rows; narrow it (see ``iter_windowed``)."""


class RateLimitError(APIStatusError):
    """429 after the bounded waits; ``retry_after`` is the seconds left in the period, if known."""

    retry_after: float | None = None


class InternalServerError(APIStatusError):
    """5xx (1000 on 500) on a request that is safe to repeat, after the retries."""


_BY_CODE: dict[int, type[APIStatusError]] = {
    3000: AuthenticationError,
    4000: BadRequestError,
    11000: BadRequestError,
    12000: BadRequestError,
    24000: BadRequestError,
    9000: PermissionDeniedError,
    6000: NotFoundError,
    7000: ObjectExistsError,
    8000: RevisionConflictError,
    10000: LockedError,
    14000: DuplicateEntryError,
    16000: MappingError,
    23000: TooManyResultsError,
    1000: InternalServerError,
}

_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def error_class(status: int, code: int | None) -> type[APIStatusError]:
    """The most specific class for a status and Tripletex code; the code only refines its own status."""
    base = _BY_STATUS.get(status)
    if base is None:
        base = InternalServerError if status >= 500 else APIStatusError
    by_code = _BY_CODE.get(code) if code is not None else None
    if by_code is not None and base is not APIStatusError and issubclass(by_code, base):
        return by_code
    if base is UnprocessableEntityError and code is not None and 15000 <= code <= 23000:
        return UnprocessableEntityError
    return base


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _refuses_session_tokens(status: int, path: str, validation: list[ValidationMessage]) -> bool:
    # Tripletex answers an unknown consumer token (a production token on the test environment, say)
    # with 422 naming the argument, not 401: to a caller both are tokens that do not work.
    return (
        status in (400, 422)
        and path.endswith("/token/session/:create")
        and any("token" in (m.field or "").lower() for m in validation)
    )


def make_status_error(
    status: int,
    body: Any,
    *,
    request_id_header: str | None = None,
    method: str = "",
    path: str = "",
    reason: str = "",
) -> APIStatusError:
    """Build the error for one non-2xx answer from its (possibly missing or non-JSON) envelope."""
    envelope: Mapping[str, Any] = body if isinstance(body, Mapping) else {}
    code = _as_int(envelope.get("code"))
    message = envelope.get("message") or reason or f"HTTP {status}"
    raw_messages = envelope.get("validationMessages") or []
    validation = [
        ValidationMessage(field=m.get("field"), message=str(m.get("message") or ""))
        for m in raw_messages
        if isinstance(m, Mapping)
    ]
    request_id = envelope.get("requestId") or request_id_header
    cls = error_class(status, code)
    if _refuses_session_tokens(status, path, validation):
        cls = AuthenticationError
    return cls(
        status=status,
        code=code,
        message=str(message),
        developer_message=envelope.get("developerMessage"),
        validation_messages=validation,
        request_id=str(request_id) if request_id is not None else None,
        link=envelope.get("link"),
        method=method,
        path=path,
    )
