"""The initial sync against the sandbox over real HTTP (SQLite and PostgreSQL): overlapping pairs
linked, ambiguous ones held, one-sided objects created on the other side, and a rerun changes
nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.flows.export.conftest import Env
from tests.flows.sync.conftest import overlapping, tx_all
from txbridge.flows.sync import iter_changes, run_initial_sync
from txbridge.flows.sync.hostwebhooks import add_endpoint
from txbridge.flows.views.sync import list_held, list_sync_log
from txbridge.jobs.model import TaskName
from txbridge.store import SyncLink, SyncLinkState, SyncResource
from txbridge.store.models import Job


def links_of(env: Env) -> dict[tuple[str, str], int]:
    with env.db.reading() as session:
        rows = session.scalars(
            select(SyncLink).where(
                SyncLink.connection_id == env.connection_id, SyncLink.state == SyncLinkState.LINKED
            )
        )
        return {(r.resource.value, r.host_id): r.tripletex_id for r in rows if r.host_id and r.tripletex_id}


def test_initial_sync_links_holds_creates_and_converges(env: Env) -> None:
    made = overlapping(env)
    customers, employees = made["customers"], made["employees"]
    run_initial_sync(env.db, env.settings, env.connection_id)

    links = links_of(env)
    assert links[("customer", "c-fjord")] == customers[0]["id"]  # organisation number
    assert links[("customer", "c-nordlys")] == customers[1]["id"]  # e-mail, whatever its case
    assert links[("employee", "e-ola")] == employees[0]["id"]  # e-mail
    assert links[("project", "p-kontor")] == made["projects"][0]["id"]  # number
    # Never a guess: two Tripletex customers named like "Dobbel"; an employee number shared by
    # another person.
    held = {(h.resource.value, h.host_id): h for h in list_held(env.db, env.connection_id)}
    assert set(held) == {("customer", "c-dobbel"), ("employee", "e-per")}
    assert {c["id"] for c in held[("customer", "c-dobbel")].candidates} == {
        customers[3]["id"],
        customers[4]["id"],
    }
    assert held[("employee", "e-per")].rule == "sync_held_employee_number"
    assert ("customer", "c-dobbel") not in links and ("employee", "e-per") not in links

    # Host-only objects were created in Tripletex, the project with its new customer and manager.
    tx_customers = {c["name"]: c for c in tx_all(env, "customer")}
    assert links[("customer", "c-host")] == tx_customers["Bare Vert AS"]["id"]
    tx_employees = {e["email"]: e for e in tx_all(env, "employee")}
    assert links[("employee", "e-nina")] == tx_employees["nina@firma.no"]["id"]
    tx_projects = {p["name"]: p for p in tx_all(env, "project")}
    lager = tx_projects["Lager"]
    assert lager["customer"]["id"] == links[("customer", "c-host")]
    assert lager["projectManager"]["id"] == links[("employee", "e-nina")]
    # Stopped by the rules, and the sync log says so.
    assert "Udatert" not in tx_projects and "cher@firma.no" not in tx_employees
    rules = {
        (e.host_id or e.tripletex_id, e.rule)
        for e in list_sync_log(env.db, connection_id=env.connection_id, limit=200).items
    }
    assert ("p-udatert", "sync_project_no_start_date") in rules
    assert ("e-cher", "sync_employee_no_last_name") in rules
    assert (customers[5]["id"], "sync_customer_inactive") in rules
    assert ("c-dobbel", "sync_held_ambiguous") in rules
    assert ("e-per", "sync_held_employee_number") in rules

    # Tripletex-only objects went to the host: the change feed asks it to create them.
    created = [c for c in iter_changes(env.db, env.connection_id) if c.action.value == "created"]
    announced = {(c.resource, c.tripletex_id) for c in created}
    assert (SyncResource.CUSTOMER, customers[2]["id"]) in announced
    assert (SyncResource.EMPLOYEE, made["owner"]) in announced
    assert (SyncResource.CUSTOMER, customers[5]["id"]) not in announced  # inactive
    assert (SyncResource.EMPLOYEE, employees[1]["id"]) not in announced  # held against e-per
    # The host learns the customer number Tripletex gave its customer.
    numbers = [c.data for c in iter_changes(env.db, env.connection_id) if c.host_id == "c-host"]
    assert (
        numbers
        and numbers[-1] is not None
        and numbers[-1]["customer_number"] == tx_customers["Bare Vert AS"]["customerNumber"]
    )

    # A second run finds everything done: nothing created twice, nothing announced twice.
    counts = (len(tx_all(env, "customer")), len(tx_all(env, "employee")), len(tx_all(env, "project")))
    feed = len(list(iter_changes(env.db, env.connection_id)))
    run_initial_sync(env.db, env.settings, env.connection_id)
    assert (len(tx_all(env, "customer")), len(tx_all(env, "employee")), len(tx_all(env, "project"))) == counts
    assert len(list(iter_changes(env.db, env.connection_id))) == feed


def host_jobs(env: Env) -> list[tuple[str, str | None]]:
    with env.db.reading() as session:
        return [
            (j.state.value, j.requested_by)
            for j in session.scalars(select(Job).where(Job.task == TaskName.HOST_WEBHOOKS.value))
        ]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # the CLI is the same on both
def test_held_matches_are_decided_from_the_command_line(env: Env) -> None:
    from typer.testing import CliRunner

    from txbridge.cli import _register, app

    _register()
    made = overlapping(env)
    cli_env = {
        "TXBRIDGE_DATABASE_URL": env.settings.database_url,
        "TXBRIDGE_SECRET_KEY": env.settings.secret_key.get_secret_value() if env.settings.secret_key else "",
        "TXBRIDGE_LANGUAGE": "en",
        "COLUMNS": "200",
    }

    def cli(*args: str) -> str:
        result = CliRunner().invoke(app, list(args), env=cli_env)
        assert result.exit_code == 0, result.output
        return result.output

    # The host has a webhook address: what the initial sync announces queues its delivery job.
    add_endpoint(env.db, env.settings, env.connection_id, "http://127.0.0.1:9/hooks")
    assert "Created in Tripletex" in cli("sync", "initial")
    assert host_jobs(env) == [("queued", "sync initial")]
    held = {(h.resource.value, h.host_id): h.id for h in list_held(env.db, env.connection_id)}
    shown = cli("sync", "held")
    assert "Dobbel" in shown and "Per Berg" in shown
    # The same person after all? No: e-per is created new; c-dobbel is the first of its two matches.
    chosen = made["customers"][3]["id"]
    cli("sync", "decide", str(held[("customer", "c-dobbel")]), "--link", str(chosen))
    cli("sync", "decide", str(held[("employee", "e-per")]), "--create-new")
    refused = CliRunner().invoke(
        app, ["sync", "decide", str(held[("employee", "e-per")]), "--skip"], env=cli_env
    )
    assert refused.exit_code != 0 and "No open case" in refused.output
    assert not list_held(env.db, env.connection_id)
    cli("sync", "push")
    assert links_of(env)[("customer", "c-dobbel")] == chosen
    assert host_jobs(env) == [("queued", "sync initial")]  # one queued job per connection at a time
    # Per's employee number is Kari's in Tripletex: Tripletex refuses him, and the sync log says why.
    log = cli("sync", "log", "--resource", "employee", "--outcome", "failed")
    assert "Per Berg" in log and "Tripletex refused" in log
