"""Users of the admin web app: argon2 passwords, sign-in throttling, sessions, the administrator's trail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from txbridge.flows import accounts
from txbridge.flows.views.log import list_log
from txbridge.store import Database, LogEntry, SignInThrottle, UserAccount, UserRole, WebSession
from txbridge.store.models import utcnow

PASSWORD = "correct horse battery"


def test_add_user_stores_only_an_argon2_hash(database: Database) -> None:
    user = accounts.add_user(database, "ola", PASSWORD, role=UserRole.ADMIN)
    assert user.is_admin and user.language == "nb"
    with database.transaction() as session:
        stored = session.scalars(select(UserAccount)).one()
        assert stored.password_hash.startswith("$argon2id$")
        assert PASSWORD not in stored.password_hash
        assert "argon2" not in repr(stored)


def test_add_user_refuses_a_duplicate_a_short_password_and_a_bad_name(database: Database) -> None:
    accounts.add_user(database, "ola", PASSWORD)
    with pytest.raises(accounts.AccountError) as duplicate:
        accounts.add_user(database, "ola", PASSWORD)
    assert duplicate.value.message.id == "user_exists"
    with pytest.raises(accounts.AccountError) as short:
        accounts.add_user(database, "kari", "short")
    assert short.value.message.id == "user_invalid"
    assert "10" in short.value.message.en
    with pytest.raises(accounts.AccountError):
        accounts.add_user(database, "kari nordmann", PASSWORD)


def test_sign_in_opens_a_session_whose_token_is_stored_hashed(database: Database) -> None:
    accounts.add_user(database, "ola", PASSWORD)
    signed = accounts.sign_in(database, "ola", PASSWORD, address="10.0.0.1")
    assert signed.token not in repr(signed)
    with database.transaction() as session:
        row = session.scalars(select(WebSession)).one()
        assert row.token_hash != signed.token and len(row.token_hash) == 64
    current = accounts.current_session(database, signed.token)
    assert current is not None and current.user.username == "ola"
    assert current.csrf_token == signed.csrf_token
    assert accounts.current_session(database, "not-a-token") is None
    accounts.sign_out(database, signed.token)
    assert accounts.current_session(database, signed.token) is None


def test_unknown_user_and_wrong_password_get_the_same_answer(database: Database) -> None:
    accounts.add_user(database, "ola", PASSWORD)
    answers = []
    for name, password in (("ola", "wrong password!"), ("nobody", PASSWORD)):
        with pytest.raises(accounts.AccountError) as failed:
            accounts.sign_in(database, name, password)
        answers.append(str(failed.value.message))
    assert answers[0] == answers[1]
    assert "Feil brukernavn eller passord" in answers[0]


def test_wrong_passwords_are_throttled_per_user_and_address(database: Database) -> None:
    accounts.add_user(database, "ola", PASSWORD)
    start = utcnow()
    for _ in range(accounts.FREE_FAILURES):
        with pytest.raises(accounts.AccountError) as failed:
            accounts.sign_in(database, "ola", "wrong password!", address="10.0.0.9", now=start)
        assert failed.value.message.id == "sign_in_failed"
    # Now even the right password waits: the throttle answers before the password is checked.
    with pytest.raises(accounts.AccountError) as blocked:
        accounts.sign_in(database, "ola", PASSWORD, address="10.0.0.8", now=start + timedelta(seconds=5))
    assert blocked.value.message.id == "sign_in_throttled"
    assert "26" in blocked.value.message.en  # 30 s block, 5 s gone
    # Another name from the same address is blocked too (the address has failed five times).
    with pytest.raises(accounts.AccountError) as by_address:
        accounts.sign_in(database, "kari", PASSWORD, address="10.0.0.9", now=start + timedelta(seconds=5))
    assert by_address.value.message.id == "sign_in_throttled"
    # After the block, one more failure doubles it.
    later = start + timedelta(seconds=31)
    with pytest.raises(accounts.AccountError):
        accounts.sign_in(database, "ola", "wrong again!!", address="10.0.0.7", now=later)
    with database.transaction() as session:
        row = session.get(SignInThrottle, "user:ola")
        assert row is not None and row.failures == accounts.FREE_FAILURES + 1
        assert row.blocked_until is not None
        assert (row.blocked_until - later).total_seconds() == pytest.approx(60)
    # The right password after the block signs in and clears the user's counter.
    signed = accounts.sign_in(
        database, "ola", PASSWORD, address="10.0.0.7", now=later + timedelta(seconds=61)
    )
    assert signed.user.username == "ola"
    with database.transaction() as session:
        assert session.get(SignInThrottle, "user:ola") is None


def test_block_grows_and_is_capped() -> None:
    assert [accounts.block_seconds(n) for n in range(4, 9)] == [0, 30, 60, 120, 240]
    assert accounts.block_seconds(50) == accounts.MAX_BLOCK_SECONDS


def test_sessions_end_when_idle_or_too_old(database: Database) -> None:
    accounts.add_user(database, "ola", PASSWORD)
    policy = accounts.SessionPolicy(idle=timedelta(minutes=30), lifetime=timedelta(hours=2))
    start = utcnow()
    signed = accounts.sign_in(database, "ola", PASSWORD, policy=policy, now=start)
    assert accounts.current_session(database, signed.token, policy=policy, now=start + timedelta(minutes=29))
    # Each use keeps it alive (seen again at 29 minutes), until the lifetime runs out.
    assert accounts.current_session(database, signed.token, policy=policy, now=start + timedelta(minutes=58))
    assert (
        accounts.current_session(database, signed.token, policy=policy, now=start + timedelta(minutes=95))
        is None
    )
    fresh = accounts.sign_in(database, "ola", PASSWORD, policy=policy, now=start)
    assert (
        accounts.current_session(database, fresh.token, policy=policy, now=start + timedelta(hours=3)) is None
    )


def test_a_new_password_ends_the_old_sessions(database: Database) -> None:
    accounts.add_user(database, "ola", PASSWORD)
    signed = accounts.sign_in(database, "ola", PASSWORD)
    accounts.add_user(database, "ola", "another good password", role=UserRole.ADMIN, replace_password=True)
    assert accounts.current_session(database, signed.token) is None
    with pytest.raises(accounts.AccountError):
        accounts.sign_in(database, "ola", PASSWORD)
    assert accounts.sign_in(database, "ola", "another good password").user.is_admin


def test_language_is_kept_per_user(database: Database) -> None:
    user = accounts.add_user(database, "ola", PASSWORD)
    accounts.set_language(database, user.id, "en")
    assert accounts.list_users(database)[0].language == "en"
    with pytest.raises(accounts.AccountError):
        accounts.set_language(database, user.id, "de")


def test_log_action_names_the_actor(database: Database) -> None:
    user = accounts.add_user(database, "ola", PASSWORD, role=UserRole.ADMIN)
    accounts.log_action(
        database, user, nb="Bunt 3 tilbakestilt", en="Batch 3 reset", object_type="batch", object_key="3"
    )
    with database.transaction() as session:
        entry = session.scalars(select(LogEntry)).one()
        assert (entry.message_id, entry.message, entry.detail) == (
            "web_action",
            "Bunt 3 tilbakestilt (av ola)",
            "Batch 3 reset (by ola)",
        )
    (row,) = list_log(database).items
    assert row.actor == "ola"
    assert row.message.text("en") == "Batch 3 reset (by ola)"


def test_old_failures_are_forgotten(database: Database) -> None:
    accounts.add_user(database, "ola", PASSWORD)
    long_ago = utcnow() - timedelta(days=2)
    with pytest.raises(accounts.AccountError):
        accounts.sign_in(database, "nobody", "wrong password!", address="10.0.0.5", now=long_ago)
    accounts.sign_in(database, "ola", PASSWORD, address="10.0.0.6")
    with database.transaction() as session:
        assert session.scalars(select(SignInThrottle)).all() == []
