from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from txbridge.tripletex import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    DuplicateEntryError,
    InternalServerError,
    LockedError,
    MappingError,
    NotFoundError,
    ObjectExistsError,
    PermissionDeniedError,
    RateLimitError,
    RevisionConflictError,
    TooManyResultsError,
    Tripletex,
    UnprocessableEntityError,
    ValidationMessage,
    make_status_error,
)

from .conftest import FakeApi, error

CASES: list[tuple[int, int | None, type[APIStatusError]]] = [
    (400, 4000, BadRequestError),
    (400, 11000, BadRequestError),
    (400, 12000, BadRequestError),
    (400, 24000, BadRequestError),
    (401, 3000, AuthenticationError),
    (403, 9000, PermissionDeniedError),
    (404, 6000, NotFoundError),
    (409, 7000, ObjectExistsError),
    (409, 8000, RevisionConflictError),
    (409, 10000, LockedError),
    (409, 14000, DuplicateEntryError),
    (422, 15000, UnprocessableEntityError),
    (422, 16000, MappingError),
    (422, 17000, UnprocessableEntityError),
    (422, 18000, UnprocessableEntityError),
    (422, 21000, UnprocessableEntityError),
    (422, 22000, UnprocessableEntityError),
    (422, 23000, TooManyResultsError),
    (429, None, RateLimitError),
    (500, 1000, InternalServerError),
]


@pytest.mark.parametrize(("status", "code", "cls"), CASES)
def test_factory_maps_every_status_and_code(status: int, code: int | None, cls: type[APIStatusError]) -> None:
    err = make_status_error(status, {"status": status, "code": code, "message": "m"})
    assert type(err) is cls
    assert err.status == status and err.code == code


def test_families_can_be_caught_by_meaning() -> None:
    assert isinstance(make_status_error(409, {"code": 8000}), ConflictError)
    assert isinstance(make_status_error(422, {"code": 23000}), UnprocessableEntityError)


def test_a_code_never_overrides_its_status() -> None:
    # A 400 claiming code 8000 is still a bad request, not a revision conflict.
    assert type(make_status_error(400, {"code": 8000})) is BadRequestError
    assert type(make_status_error(418, {"code": 6000})) is APIStatusError
    assert type(make_status_error(503, None)) is InternalServerError


def test_only_a_refused_token_on_session_create_reads_as_authentication() -> None:
    body = {"code": 18000, "validationMessages": [{"field": "arg:consumerToken", "message": "invalid"}]}
    refused = make_status_error(422, body, method="PUT", path="/token/session/:create")
    assert isinstance(refused, AuthenticationError) and refused.status == 422
    elsewhere = make_status_error(422, body, method="PUT", path="/customer/1")
    assert not isinstance(elsewhere, AuthenticationError)
    date = {"code": 15000, "validationMessages": [{"field": "expirationDate", "message": "past"}]}
    assert not isinstance(make_status_error(422, date, path="/token/session/:create"), AuthenticationError)


def test_error_carries_every_field_and_reads_as_one_line() -> None:
    err = make_status_error(
        422,
        {
            "status": 422,
            "code": 18000,
            "message": "Validering feilet.",
            "developerMessage": "VALIDATION_ERROR",
            "validationMessages": [
                {
                    "field": "orderLines.unitPriceIncludingVatCurrency",
                    "message": "Enhetspris må være med mva",
                },
                {"field": None, "message": "Ordren mangler kunde"},
            ],
            "requestId": "abc-1",
        },
        request_id_header="hdr",
        method="POST",
        path="/order",
    )
    assert err.developer_message == "VALIDATION_ERROR"
    assert err.validation_messages[0] == ValidationMessage(
        "orderLines.unitPriceIncludingVatCurrency", "Enhetspris må være med mva"
    )
    assert err.request_id == "abc-1"  # body wins over header
    text = str(err)
    assert "\n" not in text
    assert "422/18000" in text and "POST /order" in text
    assert "orderLines.unitPriceIncludingVatCurrency: Enhetspris må være med mva" in text
    assert "Ordren mangler kunde" in text and "abc-1" in text


def test_request_id_falls_back_to_header_and_non_json_bodies_survive() -> None:
    err = make_status_error(502, "<html>bad gateway</html>", request_id_header="hdr-9", reason="Bad Gateway")
    assert err.request_id == "hdr-9"
    assert err.message == "Bad Gateway"
    assert err.validation_messages == []


@pytest.mark.parametrize(("status", "code", "cls"), [c for c in CASES if c[0] not in (401, 429, 500)])
def test_client_raises_the_mapped_error(
    status: int,
    code: int | None,
    cls: type[APIStatusError],
    make_client: Callable[..., Tripletex],
    api: FakeApi,
) -> None:
    api.on(
        "GET",
        "/customer/5",
        error(status, code, "Feil her", validationMessages=[{"field": "name", "message": "x"}]),
    )
    with pytest.raises(cls) as info:
        make_client().customers.get(5)
    assert info.value.request_id == "req-123"
    assert info.value.validation_messages == [ValidationMessage("name", "x")]


def test_non_json_error_body_still_maps(make_client: Callable[..., Tripletex], api: FakeApi) -> None:
    api.on("GET", "/customer/5", httpx.Response(403, text="Forbidden", headers={"x-tlx-request-id": "h1"}))
    with pytest.raises(PermissionDeniedError) as info:
        make_client().customers.get(5)
    assert info.value.request_id == "h1"
