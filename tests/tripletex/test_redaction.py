"""Tokens and the Authorization header never show up in reprs, logs, exception texts or tracebacks."""

from __future__ import annotations

import base64
import logging
import traceback
from collections.abc import Callable

import httpx
import pytest

from txbridge.tripletex import APIConnectionError, AuthenticationError, OutcomeUnknownError, Tripletex, models
from txbridge.tripletex._observe import path_template, redact

from .conftest import CONSUMER, EMPLOYEE, FakeApi, error, ok


def secrets(api: FakeApi) -> list[str]:
    found = [CONSUMER, EMPLOYEE]
    for token in api.session_tokens:
        found.append(token)
        found.append(base64.b64encode(f"0:{token}".encode()).decode())
    return found


def assert_clean(text: str, api: FakeApi) -> None:
    for secret in secrets(api):
        assert secret not in text


def test_reprs_hide_tokens(make_client: Callable[..., Tripletex], api: FakeApi) -> None:
    client = make_client()
    client.who_am_i()
    for text in (
        repr(client),
        repr(client.config),
        str(client.config),
        repr(client._session),
        repr(client._session.session),
        repr(client.customers),
    ):
        assert_clean(text, api)
    assert "**********" in repr(client.config)


def test_logs_never_contain_tokens(
    make_client: Callable[..., Tripletex], api: FakeApi, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    api.on("GET", "/customer/1", httpx.Response(503), error(401, 3000), ok({"id": 1}))
    api.on("POST", "/customer", error(422, 18000, "Feil"))
    client = make_client()
    client.customers.get(1)
    with pytest.raises(Exception):  # noqa: B017 - only the log matters here
        client.customers.create({"name": "x"})
    client.close()
    assert len(api.session_tokens) == 2
    # Something was logged by us and by httpx (which prints full URLs), yet no secret.
    assert any(r.name == "txbridge.tripletex" for r in caplog.records)
    assert any(r.name == "httpx" for r in caplog.records)
    assert_clean(caplog.text, api)
    for record in caplog.records:
        assert_clean(repr(record.__dict__), api)
        assert_clean(record.getMessage(), api)
    assert "/token/session/***" in caplog.text


def test_request_log_line_has_the_facts(
    make_client: Callable[..., Tripletex], api: FakeApi, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="txbridge.tripletex")
    api.on(
        "GET", "/customer/1", ok({"id": 1}, **{"x-tlx-request-id": "rid-42", "X-Rate-Limit-Remaining": "97"})
    )
    make_client().customers.get(1)
    record = next(r for r in caplog.records if getattr(r, "tx_path", None) == "/customer/1")
    assert record.tx_method == "GET" and record.tx_status == 200  # type: ignore[attr-defined]
    assert record.tx_request_id == "rid-42" and record.tx_rate_limit_remaining == "97"  # type: ignore[attr-defined]
    assert record.tx_duration_ms >= 0  # type: ignore[attr-defined]


def _format(exc: BaseException) -> str:
    return "".join(traceback.format_exception(exc)) + str(exc) + repr(exc)


def test_failed_session_creation_leaks_nothing(make_client: Callable[..., Tripletex], api: FakeApi) -> None:
    api.on("PUT", "/token/session/:create", error(401, 3000, "Ugyldig token"))
    with pytest.raises(AuthenticationError) as info:
        make_client().who_am_i()
    assert_clean(_format(info.value), api)


def test_connection_error_with_the_url_in_its_message_is_scrubbed(
    make_client: Callable[..., Tripletex], api: FakeApi
) -> None:
    def broken(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"cannot reach {request.url} ({request.headers.get('authorization')})")

    api.on("PUT", "/token/session/:create", broken)
    with pytest.raises(APIConnectionError) as info:
        make_client().who_am_i()
    text = _format(info.value)
    assert CONSUMER not in text and EMPLOYEE not in text
    assert "consumerToken=***" in text


def test_unknown_outcome_describes_the_request_without_secrets(
    make_client: Callable[..., Tripletex], api: FakeApi
) -> None:
    api.on("POST", "/invoice", httpx.ReadTimeout("timed out"))
    with pytest.raises(OutcomeUnknownError) as info:
        make_client().invoices.create(models.Invoice(invoiceDate="2026-03-01", invoiceDueDate="2026-03-15"))
    text = _format(info.value)
    assert_clean(text, api)
    assert "Authorization" not in text and "authorization" not in repr(info.value.__dict__)
    assert info.value.params == {"sendToCustomer": "false"}


def test_redact_helpers() -> None:
    assert redact("/token/session/abc123") == "/token/session/***"
    assert redact("/token/session/:create?consumerToken=a&employeeToken=b&x=1") == (
        "/token/session/:create?consumerToken=***&employeeToken=***&x=1"
    )
    assert redact("/token/session/>whoAmI") == "/token/session/>whoAmI"
    assert path_template("/token/session/abc123") == "/token/session/{token}"
    assert path_template("/order/12/:invoice") == "/order/{id}/:invoice"


def _format_with_locals(exc: BaseException) -> str:
    # What Rich/Typer/Sentry print: every frame with its local variables.
    return "".join(traceback.TracebackException.from_exception(exc, capture_locals=True).format())


def test_traceback_locals_hold_no_session_token(make_client: Callable[..., Tripletex], api: FakeApi) -> None:
    api.on("POST", "/invoice", httpx.ReadTimeout("timed out"))
    with pytest.raises(OutcomeUnknownError) as info:
        make_client().invoices.create({"invoiceDate": "2026-03-01"})
    assert len(api.session_tokens) == 1
    assert_clean(_format_with_locals(info.value), api)


def test_traceback_locals_hold_no_session_create_url(
    make_client: Callable[..., Tripletex], api: FakeApi
) -> None:
    api.on("PUT", "/token/session/:create", httpx.ConnectError("refused"))
    with pytest.raises(APIConnectionError) as info:
        make_client().who_am_i()
    text = _format_with_locals(info.value)
    assert "Send(" in text  # the driver's frame was printed, yet not the URL it sent
    assert_clean(text, api)
