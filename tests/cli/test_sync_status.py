"""``txbridge sync status`` (the read model the web screen and the REST API share) and the CLI's
``sync initial`` refusing while the same run waits or runs as a job started from the web or REST."""

from __future__ import annotations

from tests.cli.conftest import Cli, sqlite_only
from tests.web.sync_runs_data import overlapping_connection
from txbridge.jobs import api
from txbridge.jobs.runner import EmbeddedRunner
from txbridge.settings import Settings
from txbridge.store import Database


@sqlite_only
def test_status_and_no_second_run_beside_a_job(cli: Cli) -> None:
    settings = Settings(
        database_url=str(cli.env["TXBRIDGE_DATABASE_URL"]), secret_key=cli.env["TXBRIDGE_SECRET_KEY"]
    )
    db = Database(settings)
    try:
        connection_id = overlapping_connection(db, settings, cli.company)
        before = cli("sync", "status")
        assert before.exit_code == 0, before.output
        assert "svenn: Ikke startet (0 %)" in before.output
        job = api.start_initial_sync(db, settings, connection_id, requested_by="ola")
        refused = cli("sync", "initial")
        assert refused.exit_code != 0 and f"allerede startet (jobb {job.id}, i kø)" in refused.output
        assert "Ikke startet" in cli("sync", "status").output  # the refused run read nothing
        EmbeddedRunner(db, settings, run_schedules=False).run_until_idle()
        after = cli("sync", "status")
        assert "svenn: Ferdig (100 %)" in after.output, after.output
        assert f"Første synkronisering: jobb {job.id} ferdig" in after.output
    finally:
        db.dispose()
