"""Settings of the admin web app (``TXBRIDGE_WEB_*``), beside the engine's
:class:`~txbridge.settings.Settings`."""

from __future__ import annotations

from datetime import timedelta

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from txbridge.flows.accounts import SessionPolicy


class WebSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TXBRIDGE_WEB_", env_file=".env", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8000
    #: Cookies get ``Secure`` when the request came over TLS (directly or, with ``--behind-proxy``, as
    #: the proxy says); ``True`` forces it whatever the scheme.
    secure_cookies: bool = False
    session_idle_minutes: int = Field(default=120, ge=1)
    session_hours: int = Field(default=12, ge=1)
    #: The application's consumer token, so the connect wizard asks only for the employee token
    #: (``TXBRIDGE_CONSUMER_TOKEN`` is read too, as the CLI does).
    consumer_token: SecretStr | None = Field(
        default=None, validation_alias="TXBRIDGE_CONSUMER_TOKEN", alias="TXBRIDGE_CONSUMER_TOKEN"
    )
    #: Rows per page on the batch page.
    postings_per_page: int = Field(default=100, ge=10, le=1000)
    #: How often (seconds) an open export page asks for progress.
    poll_seconds: float = Field(default=1.0, gt=0)
    #: Bearer token Prometheus sends to scrape ``/metrics`` (``Authorization: Bearer …``); without it
    #: only a signed-in user sees the figures (they name connections and their troubles).
    metrics_token: SecretStr | None = None

    @property
    def session_policy(self) -> SessionPolicy:
        return SessionPolicy(
            idle=timedelta(minutes=self.session_idle_minutes), lifetime=timedelta(hours=self.session_hours)
        )
