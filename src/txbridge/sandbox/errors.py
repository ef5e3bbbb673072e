"""Tripletex's error envelope and the error codes from the spec's description.

Every failure inside the sandbox is a :class:`TripletexError`; one function turns it into the
envelope ``{status, code, message, link, developerMessage, validationMessages, requestId}``: every field
of Tripletex's ``ApiError`` is always present, ``validationMessages`` null when there are none, and each
validation message carries all four of its fields (``field``, ``message``, ``path``, ``rootId``), null
where empty — as real answers do (public logs of api-test/production answers, e.g.
``{"field":"department.id","message":"Feltet må fylles ut.","path":null,"rootId":null}``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DOC_LINK = "https://tripletex.no/v2-docs/"

# Codes exactly as listed in the spec's info.description (status, code).
BAD_REQUEST = (400, 4000)
ILLEGAL_FILTER = (400, 11000)
PATH_PARAM = (400, 12000)
AUTHENTICATION = (401, 3000)
SECURITY = (403, 9000)
NOT_FOUND = (404, 6000)
OBJECT_EXISTS = (409, 7000)
REVISION = (409, 8000)
LOCKED = (409, 10000)
DUPLICATE = (409, 14000)
VALUE_VALIDATION = (422, 15000)
MAPPING = (422, 16000)
SORTING = (422, 17000)
VALIDATION = (422, 18000)
PARAM = (422, 21000)
INVALID_JSON = (422, 22000)
RESULT_SET_TOO_LARGE = (422, 23000)
INTERNAL = (500, 1000)


@dataclass(frozen=True, slots=True)
class ValidationMessage:
    field: str | None
    message: str
    path: str | None = None


@dataclass(slots=True)
class TripletexError(Exception):
    """A failure answered in Tripletex's own error format."""

    status: int
    code: int
    message: str
    developer_message: str | None = None
    validation_messages: list[ValidationMessage] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.status}/{self.code}: {self.message}"

    def body(self, request_id: str) -> dict[str, Any]:
        return error_body(
            self.status,
            self.code,
            self.message,
            request_id,
            developer_message=self.developer_message,
            validation_messages=self.validation_messages,
        )


def error_body(
    status: int,
    code: int,
    message: str,
    request_id: str,
    *,
    developer_message: str | None = None,
    validation_messages: list[ValidationMessage] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "status": status,
        "code": code,
        "message": message,
        "link": DOC_LINK,
        "developerMessage": developer_message,
    }
    body["validationMessages"] = (
        [
            {"field": m.field or None, "message": m.message, "path": m.path, "rootId": None}
            for m in validation_messages
        ]
        if validation_messages
        else None
    )
    body["requestId"] = request_id
    return body


def error(kind: tuple[int, int], message: str, developer_message: str | None = None) -> TripletexError:
    return TripletexError(kind[0], kind[1], message, developer_message)


def validation(field_name: str | None, message: str, kind: tuple[int, int] = VALIDATION) -> TripletexError:
    """A 422 naming one field (Tripletex's «Validering feilet.»)."""
    return TripletexError(
        kind[0],
        kind[1],
        "Validering feilet.",
        f"Validation failed: {field_name}: {message}" if field_name else f"Validation failed: {message}",
        [ValidationMessage(field_name, message)],
    )


def validations(messages: list[ValidationMessage], kind: tuple[int, int] = VALIDATION) -> TripletexError:
    return TripletexError(kind[0], kind[1], "Validering feilet.", "Validation failed.", list(messages))


def not_found(what: str, object_id: object) -> TripletexError:
    return TripletexError(
        404,
        6000,
        f"Objektet finnes ikke ({what} {object_id}). Object not found.",
        f"{what} with id {object_id} not found",
    )


def authentication(developer_message: str) -> TripletexError:
    return TripletexError(401, 3000, "Autentisering feilet. Authentication failed.", developer_message)


def stale_version(what: str, object_id: int, sent: int, current: int) -> TripletexError:
    return TripletexError(
        409,
        8000,
        "Objektet er endret av noen andre. Hent det på nytt og prøv igjen. "
        "The object was changed by someone else; fetch it again and retry.",
        f"{what} {object_id}: version {sent} is stale, current version is {current}",
    )
