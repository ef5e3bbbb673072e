"""Tripletex event subscriptions against the sandbox over real HTTP: made once, taken over after a
crash, re-enabled (and reported) when Tripletex disabled them, de-duplicated."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from tests.flows.sync.rt_env import UNREACHABLE, RtEnv, rt_env_fixture  # noqa: F401
from txbridge.flows.sync import subscriptions as subs
from txbridge.store import LogEntry, TokenCipher
from txbridge.store.models import WebhookSubscription

TARGET = f"{UNREACHABLE}/webhooks/tripletex/{{}}"


def _rows(env: RtEnv) -> list[WebhookSubscription]:
    with env.db.transaction() as session:  # stays readable after (a read-only session expires)
        return list(session.scalars(select(WebhookSubscription).order_by(WebhookSubscription.event)))


def test_subscribes_to_every_event_once_with_secrets_encrypted(rt_env: RtEnv) -> None:
    first = subs.ensure_subscriptions(rt_env.db, rt_env.settings, rt_env.connection_id)
    assert sorted(first.created) == sorted(subs.EVENTS) and not first.gap
    assert first.api_calls == 2  # one read, one bulk create
    remote = rt_env.subscriptions()
    assert sorted(s["event"] for s in remote) == sorted(subs.EVENTS)
    assert {s["targetUrl"] for s in remote} == {TARGET.format(rt_env.connection_id)}
    assert {s["status"] for s in remote} == {"ACTIVE"}

    rows = _rows(rt_env)
    cipher = TokenCipher.from_settings(rt_env.settings)
    secrets = {r.secret(cipher) for r in rows}
    assert len(secrets) == len(subs.EVENTS)  # one secret per subscription
    for row in rows:
        assert row.secret(cipher) not in row.secret_encrypted
        assert row.secret(cipher) not in repr(row) and row.auth_header_value(cipher) not in repr(row)
    assert {r.tripletex_id for r in rows} == {s["id"] for s in remote}

    again = subs.ensure_subscriptions(rt_env.db, rt_env.settings, rt_env.connection_id)
    assert (again.created, again.adopted, again.reenabled, again.removed) == ([], [], [], 0)
    assert again.api_calls == 1
    assert len(rt_env.subscriptions()) == len(subs.EVENTS)


def test_a_crash_after_tripletex_created_them_takes_them_over(rt_env: RtEnv) -> None:
    subs.ensure_subscriptions(rt_env.db, rt_env.settings, rt_env.connection_id)
    with rt_env.db.transaction() as session:  # as if the run died before recording the ids
        session.execute(update(WebhookSubscription).values(tripletex_id=None, status="PENDING"))
    check = subs.ensure_subscriptions(rt_env.db, rt_env.settings, rt_env.connection_id)
    assert sorted(check.adopted) == sorted(subs.EVENTS) and not check.created
    assert len(rt_env.subscriptions()) == len(subs.EVENTS)
    assert all(r.tripletex_id is not None and r.status == "ACTIVE" for r in _rows(rt_env))


def test_disabled_subscriptions_are_reported_and_enabled_again(rt_env: RtEnv) -> None:
    subs.ensure_subscriptions(rt_env.db, rt_env.settings, rt_env.connection_id)
    remote = {s["event"]: s for s in rt_env.subscriptions()}
    with rt_env.control() as control:
        for event, status in (
            ("customer.update", "DISABLED_TOO_MANY_ERRORS"),
            ("employee.delete", "DISABLED_RATE_LIMIT_EXCEEDED"),
        ):
            control.put(
                f"/webhook-subscriptions/{remote[event]['id']}/status", json={"status": status}
            ).raise_for_status()
    check = subs.ensure_subscriptions(rt_env.db, rt_env.settings, rt_env.connection_id)
    assert check.gap
    assert sorted((r.event, r.status) for r in check.reenabled) == [
        ("customer.update", "DISABLED_TOO_MANY_ERRORS"),
        ("employee.delete", "DISABLED_RATE_LIMIT_EXCEEDED"),
    ]
    assert {s["status"] for s in rt_env.subscriptions()} == {"ACTIVE"}
    with rt_env.db.transaction() as session:
        logged = list(
            session.scalars(select(LogEntry).where(LogEntry.message_id == "webhook_subscription_disabled"))
        )
    assert sorted(e.object_key or "" for e in logged) == ["customer.update", "employee.delete"]
    assert "DISABLED_RATE_LIMIT_EXCEEDED" in " ".join(e.message for e in logged)
    assert [r.reenabled_count for r in _rows(rt_env) if r.event == "customer.update"] == [1]


def test_extra_copies_are_deleted(rt_env: RtEnv) -> None:
    subs.ensure_subscriptions(rt_env.db, rt_env.settings, rt_env.connection_id)
    with rt_env.api() as api:
        body = {"event": "project.create", "targetUrl": TARGET.format(rt_env.connection_id)}
        api.post("/event/subscription", json=body).raise_for_status()
        other = {"event": "project.create", "targetUrl": "http://127.0.0.1:9/someone-else"}
        api.post("/event/subscription", json=other).raise_for_status()
    check = subs.ensure_subscriptions(rt_env.db, rt_env.settings, rt_env.connection_id)
    assert check.removed == 1
    events = [s["event"] for s in rt_env.subscriptions()]
    assert events.count("project.create") == 2  # ours, and the other system's left alone


def test_without_a_public_url_nothing_is_subscribed(rt_env: RtEnv) -> None:
    settings = rt_env.settings.model_copy(update={"public_url": None})
    with pytest.raises(subs.WebhookSetupError) as raised:
        subs.ensure_subscriptions(rt_env.db, settings, rt_env.connection_id)
    assert raised.value.message.id == "webhook_public_url_missing"
    assert rt_env.subscriptions() == []


def test_a_refused_target_is_a_catalog_message(rt_env: RtEnv) -> None:
    settings = rt_env.settings.model_copy(update={"public_url": "http://bro.example.no"})  # not HTTPS
    with pytest.raises(subs.WebhookSetupError) as raised:
        subs.ensure_subscriptions(rt_env.db, settings, rt_env.connection_id)
    assert raised.value.message.id == "webhook_subscribe_failed"
    assert "HTTPS" in raised.value.message.en
