from __future__ import annotations

import stat
from pathlib import Path

import pytest
from pydantic import SecretStr

from txbridge.settings import Settings
from txbridge.store import SecretKeyRequiredError, TokenCipher, TokenKeyError, mask_token


def test_encrypts_trimmed_token_and_decrypts_it() -> None:
    cipher = TokenCipher(TokenCipher.generate_key())
    encrypted = cipher.encrypt("  test-abcdef0123456789  \n")
    assert "abcdef0123456789" not in encrypted
    assert cipher.decrypt(encrypted) == "test-abcdef0123456789"


def test_wrong_key_is_a_clear_error_without_the_token() -> None:
    encrypted = TokenCipher(TokenCipher.generate_key()).encrypt("secret-token-value-123")
    with pytest.raises(TokenKeyError) as info:
        TokenCipher(TokenCipher.generate_key()).decrypt(encrypted)
    assert "nøkkelen" in str(info.value) and "key" in str(info.value)
    assert info.value.__cause__ is None


def test_invalid_key_error_does_not_quote_the_key() -> None:
    with pytest.raises(TokenKeyError) as info:
        TokenCipher("not-a-real-key-but-a-secret")
    assert "not-a-real-key-but-a-secret" not in str(info.value)
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_mask_keeps_environment_prefix_and_last_four() -> None:
    assert mask_token("test-0123456789abcdefc3f9") == "test-…c3f9"
    assert mask_token("0123456789abcdefc3f9") == "…c3f9"
    assert mask_token("short") == "…"


def test_repr_hides_key() -> None:
    key = TokenCipher.generate_key()
    assert key.decode() not in repr(TokenCipher(key))


def test_key_from_settings_secret(tmp_path: Path) -> None:
    key = TokenCipher.generate_key().decode()
    settings = Settings(secret_key=SecretStr(key), key_file=tmp_path / "unused.key")
    encrypted = TokenCipher.from_settings(settings).encrypt("abc")
    assert TokenCipher(key).decrypt(encrypted) == "abc"
    assert not (tmp_path / "unused.key").exists()


def test_key_file_made_once_owner_only(tmp_path: Path) -> None:
    settings = Settings(key_file=tmp_path / "keys" / "secret.key")
    first = TokenCipher.from_settings(settings)
    encrypted = first.encrypt("employee-token-xyz")
    mode = stat.S_IMODE((tmp_path / "keys" / "secret.key").stat().st_mode)
    assert mode == 0o600
    # A second start reads the same key back and can decrypt what the first one stored.
    assert TokenCipher.from_settings(settings).decrypt(encrypted) == "employee-token-xyz"


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"database_url": "postgresql+psycopg://txbridge@db.example/txbridge"}, "PostgreSQL"),
        ({"worker_mode": True}, "worker process"),
    ],
)
def test_many_processes_need_the_key_in_settings_never_a_key_file(
    tmp_path: Path, overrides: dict[str, object], reason: str
) -> None:
    settings = Settings(key_file=tmp_path / "secret.key", **overrides)  # type: ignore[arg-type]
    with pytest.raises(SecretKeyRequiredError) as refused:
        TokenCipher.from_settings(settings)
    message = refused.value.message
    assert message.id == "secret_key_required" and reason in message.en
    assert "TXBRIDGE_SECRET_KEY" in message.fix_en and "`txbridge secrets new-key`" in message.fix_nb
    assert not (tmp_path / "secret.key").exists()  # no key made on whichever machine started first
    assert isinstance(refused.value, TokenKeyError)


def test_old_keys_still_read_and_rotate_writes_with_the_new_one(tmp_path: Path) -> None:
    old, older, new = (TokenCipher.generate_key().decode() for _ in range(3))
    stored = [TokenCipher(old).encrypt("token-under-old"), TokenCipher(older).encrypt("token-under-older")]
    settings = Settings(
        secret_key=SecretStr(new), old_secret_keys=SecretStr(f" {old}, {older} "), key_file=tmp_path / "k"
    )
    cipher = TokenCipher.from_settings(settings)
    assert [cipher.decrypt(s) for s in stored] == ["token-under-old", "token-under-older"]
    rotated = [cipher.rotate(s) for s in stored]
    assert [TokenCipher(new).decrypt(r) for r in rotated] == ["token-under-old", "token-under-older"]
    with pytest.raises(TokenKeyError):
        cipher.rotate(TokenCipher(TokenCipher.generate_key()).encrypt("under-a-key-nobody-has"))
