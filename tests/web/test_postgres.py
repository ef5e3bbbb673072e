"""The admin web app on both stores: sign-in, throttling, sessions and the read-model pages on SQLite
and on a real PostgreSQL server (exports on PostgreSQL run in `txbridge worker` processes, tested
with the jobs)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import PASSWORD, csrf_of, sign_in, world_items
from txbridge.flows import accounts
from txbridge.flows.export.batches import close_batch
from txbridge.flows.intake import import_data
from txbridge.settings import Settings
from txbridge.store import Connection, Database, Environment, TokenCipher, UserRole
from txbridge.web import create_app
from txbridge.web.config import WebSettings


@pytest.fixture
def any_store(database_url: str) -> Iterator[tuple[Settings, Database]]:
    settings = Settings(database_url=database_url, secret_key=TokenCipher.generate_key().decode())
    db = Database.open(settings)
    yield settings, db
    db.dispose()


def test_pages_and_sign_in_on_each_store(any_store: tuple[Settings, Database]) -> None:
    settings, db = any_store
    cipher = TokenCipher.from_settings(settings)
    with db.transaction() as session:
        connection = Connection(
            name="acme", environment=Environment.SANDBOX, base_url="http://127.0.0.1:9/v2"
        )
        connection.set_tokens(
            cipher, consumer_token="consumer-" + "a" * 30, employee_token="employee-" + "b" * 30
        )
        session.add(connection)
        session.flush()
        connection_id = connection.id
    assert not import_data(db, connection_id, world_items()).rejections
    batch_id = close_batch(db, connection_id, "2026-10").batch_id
    accounts.add_user(db, "ada", PASSWORD, role=UserRole.ADMIN)
    app = create_app(settings, web=WebSettings(), db=db)
    with TestClient(app) as client:
        for _ in range(accounts.FREE_FAILURES):
            page = client.get("/sign-in")
            client.post(
                "/sign-in",
                data={"username": "ada", "password": "wrong one!", "csrf_token": csrf_of(page.text)},
            )
        page = client.get("/sign-in")
        throttled = client.post(
            "/sign-in", data={"username": "ada", "password": PASSWORD, "csrf_token": csrf_of(page.text)}
        )
        assert throttled.status_code == 429
    with db.transaction() as session:
        from txbridge.store import SignInThrottle

        for row in session.query(SignInThrottle).all():
            session.delete(row)
    with TestClient(app) as client:
        sign_in(client)
        assert "acme" in client.get("/connections").text
        batch = client.get(f"/batches/{batch_id}").text
        assert "12 posteringer" in batch and "100012" in batch
        assert "Bunt" in client.get(f"/log?connection={connection_id}").text
        found = client.get(f"/connections/{connection_id}/invoices?number=100001").text
        assert f"Venter i bunt {batch_id}." in found
