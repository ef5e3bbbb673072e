from __future__ import annotations

from datetime import date

import pytest

from tests.flows.views.conftest import Selects, add_batch, add_connection
from txbridge.flows.connections import ConnectionFlowError
from txbridge.flows.views import connections
from txbridge.store import ConnectionState, Database, Environment


def test_rows_mask_tokens_and_say_what_blocks(database: Database) -> None:
    acme = add_connection(database, "acme", expires=date(2026, 11, 10))
    add_connection(database, "other")
    add_batch(database, acme, 1)  # one exported posting: the batch is exported
    rows = connections.list_connections(database, today=date(2026, 11, 1))
    assert [r.name for r in rows] == ["acme", "other"]
    acme_row = rows[0]
    assert acme_row.environment is Environment.SANDBOX and acme_row.state is ConnectionState.ACTIVE
    assert acme_row.employee_token_hint.endswith("c3f9") and "0123456789" not in acme_row.employee_token_hint
    assert acme_row.days_to_expiry == 9 and acme_row.token_expires == date(2026, 11, 10)
    assert acme_row.expiry_warning is not None and acme_row.expiry_warning.id == "token_expires_soon"
    assert acme_row.last_export_at is not None and rows[1].last_export_at is None
    assert acme_row.blocked_by is None and rows[1].days_to_expiry is None

    expired = connections.connection_detail(database, acme, today=date(2026, 12, 1))
    assert expired.blocked_by is not None and expired.blocked_by.id == "token_expired"
    with pytest.raises(ConnectionFlowError) as raised:
        connections.connection_detail(database, 999)
    assert raised.value.message.id == "connection_not_found"


def test_one_query_whatever_the_number_of_connections(database: Database, selects: Selects) -> None:
    add_batch(database, add_connection(database, "a"), 3)
    selects.reset()
    connections.list_connections(database)
    one = selects.count
    for name in ("b", "c", "d", "e"):
        add_batch(database, add_connection(database, name), 3)
    selects.reset()
    assert len(connections.list_connections(database)) == 5
    assert selects.count == one == 1, selects.statements
