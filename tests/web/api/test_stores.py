"""Idempotency keys on both stores: many requests racing for one key, exactly one runs (on PostgreSQL
the unique index makes the losers wait for the winner's commit, then see its row)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from tests.web.api.conftest import key_client, once
from tests.web.conftest import world_items
from txbridge.flows import apikeys, idempotency
from txbridge.flows.intake import import_data
from txbridge.settings import Settings
from txbridge.store import Connection, Database, Environment, TokenCipher
from txbridge.web import create_app
from txbridge.web.config import WebSettings

RACERS = 8


@pytest.fixture
def store(database_url: str) -> Iterator[tuple[Settings, Database, int]]:
    settings = Settings(database_url=database_url, secret_key=TokenCipher.generate_key().decode())
    db = Database.open(settings)
    with db.transaction() as session:
        connection = Connection(
            name="acme", environment=Environment.SANDBOX, base_url="http://127.0.0.1:9/v2"
        )
        connection.set_tokens(
            TokenCipher.from_settings(settings), consumer_token="c" * 30, employee_token="e" * 30
        )
        session.add(connection)
        session.flush()
        connection_id = connection.id
    yield settings, db, connection_id
    db.dispose()


def test_one_of_many_racing_requests_claims_the_key(store: tuple[Settings, Database, int]) -> None:
    _settings, db, connection_id = store
    key_id = apikeys.create_key(db, "racer", connection_ids=[connection_id]).info.id
    fingerprint = idempotency.request_hash("POST", "/api/v1/x", b"[]")
    gate = threading.Barrier(RACERS)
    outcomes: list[object] = []

    def race() -> None:
        gate.wait()
        try:
            outcomes.append(idempotency.claim_key(db, key_id, "same", fingerprint))
        except idempotency.IdempotencyError as refused:
            outcomes.append(refused.message.id)

    threads = [threading.Thread(target=race) for _ in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    claims = [o for o in outcomes if isinstance(o, idempotency.Claim)]
    assert len(claims) == 1 and outcomes.count("idempotency_key_in_use") == RACERS - 1


async def test_intake_through_the_api_on_each_store(store: tuple[Settings, Database, int]) -> None:
    settings, db, connection_id = store
    items = world_items()
    assert not import_data(
        db, connection_id, {k: items[k] for k in ("productClasses", "customers", "products")}
    ).rejections
    secret = apikeys.create_key(db, "shop", connection_ids=[connection_id]).secret
    app = create_app(settings, web=WebSettings(), db=db)
    async with key_client(app, secret) as api:
        headers = once()
        url = f"/api/v1/connections/{connection_id}/invoices"
        first = await api.post(url, json=items["invoices"], headers=headers)
        again = await api.post(url, json=items["invoices"], headers=headers)
    assert first.status_code == 200 and first.json()["created"] == len(items["invoices"])
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
