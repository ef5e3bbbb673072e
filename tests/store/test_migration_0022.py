"""Migration 0022 (the hours' host ids): a store at 0017 keeps its exported hours, and after the
upgrade the same hour sent again is unchanged (its digest did not move), while the host's employee
id, sent for the first time, is a change to correct."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from tests.flows.hours.test_intake import hour
from txbridge.flows.intake import import_data
from txbridge.store import Database, HoursState


def _insert(db: Database, sql: str) -> None:
    with db.engine.begin() as c:
        c.execute(text(sql))


HOUR = hour("s-1")


def test_a_store_at_0017_keeps_its_hours_and_their_digest(tmp_path: Path) -> None:
    db = Database.from_url(f"sqlite:///{tmp_path / 'old.db'}")
    db.migrate("0017")
    _insert(
        db,
        "INSERT INTO connection (id, name, environment, base_url, consumer_token_encrypted, "
        "employee_token_encrypted, consumer_token_hint, employee_token_hint, tripletex_company_id, "
        "state, consecutive_failures, send_to_customer, prices_include_vat, batch_size, created_at, "
        "updated_at) VALUES (1, 'svenn', 'sandbox', 'http://127.0.0.1:1/v2', 'x', 'x', 'h', 'h', 0, "
        "'active', 0, false, false, 100, '2026-10-01', '2026-10-01')",
    )
    _insert(
        db,
        "INSERT INTO hours_entry (id, connection_id, host_id, employee_number, project_number, "
        "activity_number, work_date, hours, comment, state, created_at, updated_at) VALUES (3, 1, "
        "'s-1', '101', 'P-10', '30', '2026-10-05', '7.50', 'Grunnmur', 'exported', '2026-10-01', "
        "'2026-10-01')",
    )
    _insert(
        db,
        "INSERT INTO integration_reference (connection_id, kind, local_id, local_number, tripletex_id, "
        "created_at, updated_at) VALUES (1, 'timesheet_entry', 3, 's-1', 9003, '2026-10-01', "
        "'2026-10-01')",
    )
    db.migrate()
    with db.engine.connect() as c:
        row = c.execute(
            text("SELECT host_id, employee_host_id, project_host_id, state FROM hours_entry")
        ).one()
    assert tuple(row) == ("s-1", None, None, "exported")
    assert import_data(db, 1, {"hours": [HOUR]}).counts["hours"].unchanged == 1
    import_data(db, 1, {"hours": [{**HOUR, "employeeId": "emp-7f3a"}]})
    with db.engine.connect() as c:
        assert c.execute(text("SELECT state FROM hours_entry")).scalar() == HoursState.CHANGED.value
    db.dispose()
