"""One settings object for the whole engine: environment variables (``TXBRIDGE_*``) and an optional
``.env`` file. Built by :func:`load_settings` and passed down; nothing reads the environment at import."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TXBRIDGE_", env_file=".env", extra="ignore")

    #: SQLAlchemy URL of the store; a SQLite file by default, ``postgresql+psycopg://…`` to scale out.
    database_url: str = "sqlite:///./.txbridge/txbridge.db"
    #: Key that encrypts tokens at rest (Fernet, urlsafe base64). Made and kept in ``key_file`` if unset.
    secret_key: SecretStr | None = None
    key_file: Path = Path(".txbridge/secret.key")
    log_level: str = "INFO"
    #: Consecutive API/authentication failures after which a connection enters the error state.
    error_state_threshold: int = Field(default=5, ge=1)
    #: Connection (by name) that commands use when there are several and none is named.
    connection: str | None = None
    #: Keys tokens were encrypted with before ``secret_key`` (comma-separated, newest first): still
    #: read, never written; ``txbridge secrets rotate`` re-encrypts everything with ``secret_key``.
    old_secret_keys: SecretStr | None = None
    #: Set by ``txbridge worker`` (or ``TXBRIDGE_WORKER_MODE=1``): one of many processes, so the token
    #: key must come from ``secret_key`` (as on PostgreSQL), never from a key file made locally.
    worker_mode: bool = False
    #: How long a SQLite command waits for another process's write to finish before it gives up
    #: («the database is held by another process»).
    sqlite_busy_seconds: float = Field(default=30.0, gt=0)
    #: The one language users read messages, tables and help in: bokmål (``nb``) or English (``en``).
    language: Literal["nb", "en"] = "nb"
    #: The web app's address as Tripletex reaches it (``https://bro.example.no``): webhook callbacks go
    #: to ``{public_url}/webhooks/tripletex/{connection id}``. Unset: no subscriptions, only the
    #: nightly reconcile.
    public_url: str | None = None
    #: What a delete in the host does in Tripletex: ``unlink`` (the rule: the object stays in
    #: Tripletex, the link goes) or ``delete`` (deleted there too; a customer Tripletex will not delete
    #: because it has invoices is deactivated instead).
    sync_host_deletes: Literal["unlink", "delete"] = "unlink"
    #: Days a processed Tripletex webhook event is kept in the inbox (then pruned by the nightly
    #: ``inbox_prune`` schedule). Its idempotency key is what recognises a late duplicate delivery,
    #: so this must outlast Tripletex's retries of one delivery (hours, with backoff): at least 7.
    sync_inbox_retention_days: int = Field(default=30, ge=7)
    #: Hosts besides Tripletex's own and this machine's (the sandbox) that a connection's base URL may
    #: name, comma-separated (e.g. a sandbox in another container); nothing else is ever called.
    allowed_api_hosts: str = ""


def load_settings(**overrides: object) -> Settings:
    """Read settings from the environment, with explicit overrides (tests, CLI options) on top."""
    return Settings(**overrides)  # type: ignore[arg-type]
