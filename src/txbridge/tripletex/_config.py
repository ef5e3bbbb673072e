"""Where the client talks to and with which tokens: environments, token checks, the frozen config."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from enum import StrEnum

from pydantic import SecretStr

from ._exceptions import ConfigurationError

#: Tripletex' own environments. Anything else (the sandbox) is given as a base URL.
PRODUCTION_URL = "https://tripletex.no/v2"
TEST_URL = "https://api-test.tripletex.tech/v2"

#: Tokens are opaque, but Tripletex' are base64/UUID-like: anything else is a paste accident.
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9+/=_.:-]+$")
_MIN_TOKEN_LENGTH = 8


class Environment(StrEnum):
    PRODUCTION = "production"
    TEST = "test"

    @property
    def base_url(self) -> str:
        return PRODUCTION_URL if self is Environment.PRODUCTION else TEST_URL


def resolve_base_url(environment: Environment | str | None, base_url: str | None) -> str:
    """A base URL wins over an environment name; the URL always ends without a slash."""
    if base_url:
        if not base_url.startswith(("http://", "https://")):
            raise ConfigurationError(
                "Adressen til Tripletex må begynne med http:// eller https://",
                "The Tripletex base URL must start with http:// or https://",
            )
        return base_url.rstrip("/")
    try:
        env = Environment(environment or Environment.TEST)
    except ValueError:
        raise ConfigurationError(
            f"Ukjent miljø {environment!r}: bruk 'production', 'test' eller en adresse",
            f"Unknown environment {environment!r}: use 'production', 'test' or a base URL",
        ) from None
    return env.base_url


def clean_token(value: str | SecretStr, kind_nb: str, kind_en: str) -> SecretStr:
    """Trim whitespace (tokens are pasted from web pages) and reject what cannot be a token.

    The error names what looks wrong, never the token itself."""
    raw = value.get_secret_value() if isinstance(value, SecretStr) else value
    if not isinstance(raw, str):
        raise ConfigurationError(f"{kind_nb} må være tekst", f"The {kind_en} must be a string")
    token = raw.strip()
    if not token:
        raise ConfigurationError(f"{kind_nb} mangler", f"The {kind_en} is missing")
    if any(ch.isspace() for ch in token):
        raise ConfigurationError(
            f"{kind_nb} inneholder mellomrom eller linjeskift inni seg; lim det inn på nytt",
            f"The {kind_en} contains spaces or line breaks inside it; paste it again",
        )
    if not _TOKEN_SHAPE.match(token):
        raise ConfigurationError(
            f"{kind_nb} inneholder tegn som ikke finnes i en Tripletex-token (anførselstegn, æøå o.l.)",
            f"The {kind_en} contains characters a Tripletex token never has (quotes, accents, …)",
        )
    if len(token) < _MIN_TOKEN_LENGTH:
        raise ConfigurationError(
            f"{kind_nb} er for kort ({len(token)} tegn) til å være en Tripletex-token",
            f"The {kind_en} is too short ({len(token)} characters) to be a Tripletex token",
        )
    return SecretStr(token)


@dataclass(frozen=True)
class ClientConfig:
    """Everything a client needs; tokens are SecretStr so repr never shows them."""

    base_url: str
    consumer_token: SecretStr = field(repr=False)
    employee_token: SecretStr = field(repr=False)
    company_id: int = 0
    page_size: int = 1000
    expiration_days: int = 3
    timeout: float = 30.0

    def __post_init__(self) -> None:
        if self.company_id < 0:
            raise ConfigurationError("Firma-id kan ikke være negativ", "The company id cannot be negative")
        if not 1 <= self.page_size <= 10_000:
            raise ConfigurationError(
                "Sidestørrelsen må være mellom 1 og 10 000", "The page size must be between 1 and 10,000"
            )
        # A session dies at midnight at the start of its expiration date: a same-day date is dead on arrival.
        if self.expiration_days < 1:
            raise ConfigurationError(
                "Sesjonen må gjelde minst til i morgen (expiration_days ≥ 1)",
                "The session must last at least until tomorrow (expiration_days ≥ 1)",
            )
        if self.base_url == PRODUCTION_URL and (
            self.employee_token.get_secret_value().startswith("test-")
            or self.consumer_token.get_secret_value().startswith("test-")
        ):
            raise ConfigurationError(
                "Dette er en token for testmiljøet; den virker ikke i produksjon",
                "This is a test-environment token; it does not work in production",
            )

    @property
    def environment_name(self) -> str:
        if self.base_url == PRODUCTION_URL:
            return Environment.PRODUCTION.value
        if self.base_url == TEST_URL:
            return Environment.TEST.value
        return self.base_url

    def for_company(self, company_id: int) -> ClientConfig:
        return replace(self, company_id=company_id)

    def __repr__(self) -> str:  # the dataclass repr would be fine, but be explicit about what is shown
        return (
            f"ClientConfig(base_url={self.base_url!r}, company_id={self.company_id}, "
            f"consumer_token='**********', employee_token='**********', page_size={self.page_size})"
        )
