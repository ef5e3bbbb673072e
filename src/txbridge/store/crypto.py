"""Tokens at rest: Fernet encryption with a key from settings or a key file made once.

Rotation: ``TXBRIDGE_SECRET_KEY`` is the key tokens are written with; ``TXBRIDGE_OLD_SECRET_KEYS``
(comma-separated) are keys they may still be read with (cryptography's ``MultiFernet``), until
``txbridge secrets rotate`` has written every stored token again with the new key.

Many processes (PostgreSQL, or ``txbridge worker``) must all hold the same key, so there the key comes
from settings only: a key file would be made on whichever machine started first and fit no other."""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy.engine import make_url

from txbridge.catalog import Bilingual, Message, render
from txbridge.settings import Settings
from txbridge.store.errors import StoreSetupError


class TokenKeyError(Exception):
    """The token key is missing, malformed, or not the key the tokens were encrypted with."""


class SecretKeyRequiredError(TokenKeyError, StoreSetupError):
    """Several processes share the database but no key is set in settings; ``message`` says so."""

    def __init__(self, message: Message) -> None:
        StoreSetupError.__init__(self, message)


def mask_token(token: str) -> str:
    """A view of a token safe to show: its environment prefix and last four characters
    (``test-…c3f9``). Short tokens are masked completely."""
    token = token.strip()
    prefix = "test-" if token.startswith("test-") else ""
    body = token[len(prefix) :]
    if len(body) < 12:
        return f"{prefix}…"
    return f"{prefix}…{body[-4:]}"


class TokenCipher:
    """Encrypts and decrypts Tripletex tokens. Holds the key; never shows it."""

    __slots__ = ("_fernet",)

    def __init__(self, key: bytes | str, *old_keys: bytes | str) -> None:
        """``key`` encrypts; it and ``old_keys`` decrypt (each tried in turn)."""
        self._fernet = MultiFernet([_fernet(k) for k in (key, *old_keys)])

    @classmethod
    def generate_key(cls) -> bytes:
        return Fernet.generate_key()

    @classmethod
    def from_settings(cls, settings: Settings) -> TokenCipher:
        """Key from ``settings.secret_key`` (plus ``old_secret_keys`` for reading); else, on one
        machine only, from ``settings.key_file`` (made, mode 0600, once). Raises
        :class:`SecretKeyRequiredError` when many processes share the database and no key is set."""
        old = _split_keys(settings.old_secret_keys.get_secret_value() if settings.old_secret_keys else "")
        if settings.secret_key is not None:
            return cls(settings.secret_key.get_secret_value(), *old)
        reason = _why_a_key_is_required(settings)
        if reason is not None:
            raise SecretKeyRequiredError(render("secret_key_required", reason=reason))
        return cls(load_or_create_key_file(settings.key_file), *old)

    def encrypt(self, token: str) -> str:
        return self._fernet.encrypt(token.strip().encode()).decode("ascii")

    def decrypt(self, encrypted: str) -> str:
        try:
            return self._fernet.decrypt(encrypted.encode("ascii")).decode()
        except InvalidToken:
            raise TokenKeyError(
                "Tokenet kan ikke dekrypteres: nøkkelen er ikke den det ble kryptert med. / "
                "The token cannot be decrypted: the key is not the one it was encrypted with."
            ) from None

    def rotate(self, encrypted: str) -> str:
        """The same token encrypted again with the current key (read with any of the keys)."""
        try:
            return self._fernet.rotate(encrypted.encode("ascii")).decode("ascii")
        except InvalidToken:
            raise TokenKeyError(
                "Tokenet kan ikke dekrypteres med noen av nøklene. / "
                "The token cannot be decrypted with any of the keys."
            ) from None

    def __repr__(self) -> str:
        return "TokenCipher(key=<hidden>)"


def _fernet(key: bytes | str) -> Fernet:
    try:
        return Fernet(key.encode() if isinstance(key, str) else key)
    except (ValueError, TypeError):
        # Do not chain: the original error may quote the key.
        raise TokenKeyError(
            "Nøkkelen for tokens er ugyldig (må være 32 byte urlsafe base64). / "
            "The token key is invalid (must be 32 bytes urlsafe base64)."
        ) from None


def _split_keys(keys: str) -> list[str]:
    return [key.strip() for key in keys.split(",") if key.strip()]


def _why_a_key_is_required(settings: Settings) -> Bilingual | None:
    """Why this process may not use a key file: it is one of many (None on one machine)."""
    if settings.worker_mode:
        return Bilingual("arbeiderprosess", "worker process")
    if make_url(settings.database_url).get_backend_name() == "postgresql":
        return Bilingual("databasen er PostgreSQL", "the database is PostgreSQL")
    return None


def load_or_create_key_file(path: Path) -> bytes:
    """Read the key file, or create it with a fresh key readable by the owner only."""
    if path.exists():
        return path.read_bytes().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key()
    # O_EXCL: two processes starting at once must not each write a different key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as handle:
        handle.write(key + b"\n")
    return key
