from __future__ import annotations

import pytest

from txbridge.store import Connection, Database, Environment, TokenCipher


@pytest.fixture
def connection_id(database: Database) -> int:
    cipher = TokenCipher(TokenCipher.generate_key())
    with database.transaction() as session:
        connection = Connection(
            name="svenn", environment=Environment.SANDBOX, base_url="http://127.0.0.1:1/v2"
        )
        connection.set_tokens(
            cipher, consumer_token="consumer-token-0001", employee_token="employee-token-0001"
        )
        session.add(connection)
        session.flush()
        return connection.id
