from __future__ import annotations

from collections.abc import Callable

import pytest

from txbridge.tripletex import ConfigurationError, Environment, Tripletex
from txbridge.tripletex._config import PRODUCTION_URL, TEST_URL, resolve_base_url

from .conftest import CONSUMER, EMPLOYEE, FakeApi


def test_environments_resolve_to_tripletex_urls() -> None:
    assert resolve_base_url("production", None) == "https://tripletex.no/v2"
    assert resolve_base_url(Environment.TEST, None) == "https://api-test.tripletex.tech/v2"
    assert resolve_base_url("production", "http://127.0.0.1:8080/v2/") == "http://127.0.0.1:8080/v2"


def test_unknown_environment_is_refused_in_both_languages() -> None:
    with pytest.raises(ConfigurationError) as info:
        resolve_base_url("staging", None)
    assert "Ukjent miljø" in str(info.value)
    assert "Unknown environment" in str(info.value)


def test_base_url_must_be_http() -> None:
    with pytest.raises(ConfigurationError):
        resolve_base_url(None, "ftp://example.com/v2")


def test_pasted_tokens_are_trimmed_before_use(make_client: Callable[..., Tripletex], api: FakeApi) -> None:
    client = make_client(consumer_token=f"  {CONSUMER}\n", employee_token=f"\t{EMPLOYEE} ")
    client.who_am_i()
    create = api.calls("PUT", "/token/session/:create")[0]
    assert create.url.params["consumerToken"] == CONSUMER
    assert create.url.params["employeeToken"] == EMPLOYEE


@pytest.mark.parametrize(
    ("token", "nb", "en"),
    [
        ("", "mangler", "missing"),
        ("   ", "mangler", "missing"),
        ("abcd efgh-ijklmnop", "mellomrom", "spaces"),
        ('"abcdefghijkl"', "tegn", "characters"),
        ("abc", "for kort", "too short"),
    ],
)
def test_malformed_employee_token_gets_a_clear_error_without_echoing_it(token: str, nb: str, en: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        Tripletex(consumer_token=CONSUMER, employee_token=token, base_url="http://x/v2")
    text = str(info.value)
    assert nb in text and en in text
    assert "employee token" in text
    if token.strip():
        assert token.strip() not in text


def test_test_token_is_refused_in_production() -> None:
    with pytest.raises(ConfigurationError) as info:
        Tripletex(consumer_token=CONSUMER, employee_token="test-0123456789abcdef", environment="production")
    assert "testmiljøet" in str(info.value) and "production" in str(info.value)


def test_test_token_is_fine_in_the_test_environment() -> None:
    client = Tripletex(consumer_token=CONSUMER, employee_token="test-0123456789abcdef", environment="test")
    assert client.config.base_url == TEST_URL
    assert client.config.base_url != PRODUCTION_URL
    client._http.close()


def test_same_day_sessions_are_impossible() -> None:
    with pytest.raises(ConfigurationError):
        Tripletex(consumer_token=CONSUMER, employee_token=EMPLOYEE, base_url="http://x/v2", expiration_days=0)


def test_page_size_is_bounded() -> None:
    with pytest.raises(ConfigurationError):
        Tripletex(consumer_token=CONSUMER, employee_token=EMPLOYEE, base_url="http://x/v2", page_size=20_000)


def test_default_environment_is_test_not_production() -> None:
    client = Tripletex(consumer_token=CONSUMER, employee_token=EMPLOYEE)
    assert client.config.environment_name == "test"
    client._http.close()
