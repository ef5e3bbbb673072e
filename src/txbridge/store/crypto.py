"""Tokens at rest: Fernet encryption with a key from settings or a key file made once."""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from txbridge.settings import Settings


class TokenKeyError(Exception):
    """The token key is missing, malformed, or not the key the tokens were encrypted with."""


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

    def __init__(self, key: bytes | str) -> None:
        try:
            self._fernet = Fernet(key.encode() if isinstance(key, str) else key)
        except (ValueError, TypeError):
            # Do not chain: the original error may quote the key.
            raise TokenKeyError(
                "Nøkkelen for tokens er ugyldig (må være 32 byte urlsafe base64). / "
                "The token key is invalid (must be 32 bytes urlsafe base64)."
            ) from None

    @classmethod
    def generate_key(cls) -> bytes:
        return Fernet.generate_key()

    @classmethod
    def from_settings(cls, settings: Settings) -> TokenCipher:
        """Key from ``settings.secret_key``; else from ``settings.key_file`` (made, mode 0600, once)."""
        if settings.secret_key is not None:
            return cls(settings.secret_key.get_secret_value())
        return cls(load_or_create_key_file(settings.key_file))

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

    def __repr__(self) -> str:
        return "TokenCipher(key=<hidden>)"


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
