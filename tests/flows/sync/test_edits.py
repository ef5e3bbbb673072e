"""After the initial sync: edits on either side propagate, and an object edited on both sides at
once is resolved by the written rule (the owner's value wins; Tripletex's newer change is never
overwritten silently: the stale version's 409 makes the push fetch and merge)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from tests.flows.export.conftest import Env
from tests.flows.sync.conftest import api, host_put, overlapping
from txbridge.flows.sync import (
    SyncResource,
    apply_from_tripletex,
    iter_changes,
    push_host_changes,
    run_initial_sync,
)
from txbridge.flows.sync.apply import ApplyAction
from txbridge.flows.sync.fields import TRIPLETEX_FIELDS
from txbridge.flows.views.sync import list_sync_log
from txbridge.store import SyncLink

FIELDS = TRIPLETEX_FIELDS[SyncResource.CUSTOMER]


def tx_customer(env: Env, tx_id: int) -> dict[str, Any]:
    response = api(env).get(f"/customer/{tx_id}", params={"fields": FIELDS})
    response.raise_for_status()
    value: dict[str, Any] = response.json()["value"]
    return value


def tx_edit(env: Env, tx_id: int, **changes: Any) -> dict[str, Any]:
    current = tx_customer(env, tx_id)
    response = api(env).put(
        f"/customer/{tx_id}", json={"id": tx_id, "version": current["version"], **changes}
    )
    response.raise_for_status()
    return tx_customer(env, tx_id)


def tripletex_id_of(env: Env, host_id: str) -> int:
    with env.db.reading() as session:
        link = session.scalar(
            select(SyncLink).where(SyncLink.connection_id == env.connection_id, SyncLink.host_id == host_id)
        )
        assert link is not None and link.tripletex_id is not None
        return link.tripletex_id


def test_edits_propagate_both_ways_and_concurrent_edits_follow_the_rule(env: Env) -> None:
    overlapping(env)
    run_initial_sync(env.db, env.settings, env.connection_id)
    fjord = tripletex_id_of(env, "c-fjord")
    nordlys = tripletex_id_of(env, "c-nordlys")

    # Host → Tripletex (with version).
    host_put(env, "customer", [{"host_id": "c-fjord", "city": "Bergen"}])
    result = push_host_changes(env.db, env.settings, env.connection_id)
    assert result.updated == 1 and result.conflicts == 0
    assert tx_customer(env, fjord)["postalAddress"]["city"] == "Bergen"

    # Tripletex → host (a webhook's fetch applies it): the change feed carries the new name.
    changed = tx_edit(env, nordlys, name="Nordlys Revisjon AS")
    outcome = apply_from_tripletex(env.db, env.connection_id, SyncResource.CUSTOMER, nordlys, changed)
    assert outcome.action is ApplyAction.CHANGED
    last = list(iter_changes(env.db, env.connection_id))[-1]
    assert (
        last.host_id == "c-nordlys" and last.data is not None and last.data["name"] == "Nordlys Revisjon AS"
    )
    # The same event again (a duplicate delivery) and an older one (reordered) change nothing.
    assert (
        apply_from_tripletex(env.db, env.connection_id, SyncResource.CUSTOMER, nordlys, changed).action
        is ApplyAction.STALE
    )

    # Both sides at once: Tripletex renames and sets the invoice e-mail (its own field); the host
    # renames too and tries the invoice e-mail. The push is stale (409), fetches and merges: the host
    # owns the name, Tripletex owns the invoice e-mail.
    logged_before = list_sync_log(env.db, connection_id=env.connection_id).total
    tx_edit(env, fjord, name="Fjord Bygg Øst AS", invoiceEmail="faktura@fjord.no")
    host_put(
        env,
        "customer",
        [{"host_id": "c-fjord", "name": "Fjord Bygg Vest AS", "invoice_email": "regning@fjord.no"}],
    )
    result = push_host_changes(env.db, env.settings, env.connection_id)
    after = tx_customer(env, fjord)
    assert after["name"] == "Fjord Bygg Vest AS"
    assert after["invoiceEmail"] == "faktura@fjord.no"
    assert after["postalAddress"]["city"] == "Bergen"  # untouched by either, kept
    assert result.conflicts == 2
    log = {
        (e.host_id, e.rule, e.outcome.value)
        for e in list_sync_log(env.db, connection_id=env.connection_id, limit=500).items
    }
    assert ("c-fjord", "sync_conflict_resolved", "conflict_resolved") in log
    new = list_sync_log(env.db, connection_id=env.connection_id, limit=2).items
    assert list_sync_log(env.db, connection_id=env.connection_id).total == logged_before + 2
    assert {(e.host_id, e.rule, e.message.params["field"]) for e in new} == {
        ("c-fjord", "sync_conflict_resolved", "name"),
        ("c-fjord", "sync_conflict_resolved", "invoice_email"),
    }
    # The host hears Tripletex's invoice e-mail (it lost that field).
    told = [c for c in iter_changes(env.db, env.connection_id) if c.host_id == "c-fjord"][-1]
    assert told.data is not None and told.data["invoice_email"] == "faktura@fjord.no"
    assert told.data["name"] == "Fjord Bygg Vest AS"

    # Nothing pending: another push sends nothing.
    again = push_host_changes(env.db, env.settings, env.connection_id)
    assert (again.updated, again.created, again.conflicts) == (0, 0, 0)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_webhook_for_our_own_create_before_its_answer_links_it(env: Env) -> None:
    # A create was claimed and sent, and Tripletex's event for it arrives before the answer was
    # recorded: the event's object is that host object, not a new one for the host to create.
    from txbridge.flows.sync import receive
    from txbridge.store import SyncLinkState

    receive(env.db, env.connection_id, SyncResource.CUSTOMER, [{"host_id": "c-race", "name": "Kappløp AS"}])
    with env.db.transaction() as session:
        session.add(
            SyncLink(
                connection_id=env.connection_id,
                resource=SyncResource.CUSTOMER,
                host_id="c-race",
                state=SyncLinkState.CREATING,
                marker="create:c-race",
            )
        )
    made = api(env).post("/customer", json={"name": "Kappløp AS"}).json()["value"]
    outcome = apply_from_tripletex(env.db, env.connection_id, SyncResource.CUSTOMER, made["id"], made)
    assert outcome.action is ApplyAction.LINKED
    assert not [c for c in iter_changes(env.db, env.connection_id) if c.tripletex_id == made["id"]]
    assert tripletex_id_of(env, "c-race") == made["id"]
    assert push_host_changes(env.db, env.settings, env.connection_id).created == 0
    names = [
        c["name"]
        for c in api(env).get("/customer", params={"fields": "name", "count": 1000}).json()["values"]
    ]
    assert names.count("Kappløp AS") == 1


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_an_apply_that_meets_another_writer_applies_again(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy.exc import IntegrityError

    from txbridge.flows.sync import apply as apply_module

    real, tries = apply_module.apply_in, []

    def first_loses(*args: Any) -> Any:
        tries.append(1)
        if len(tries) == 1:
            raise IntegrityError("INSERT change_feed_entry", {}, Exception("unique (connection_id, seq)"))
        return real(*args)

    monkeypatch.setattr(apply_module, "apply_in", first_loses)
    outcome = apply_from_tripletex(
        env.db, env.connection_id, SyncResource.CUSTOMER, 5, {"id": 5, "version": 1, "name": "A"}
    )
    assert outcome.action is ApplyAction.CREATED and len(tries) == 2
    assert [c.tripletex_id for c in iter_changes(env.db, env.connection_id)] == [5]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_host_deletes_delete_in_tripletex_when_configured_and_a_customer_in_use_is_deactivated(
    env: Env,
) -> None:
    host_put(
        env,
        "customer",
        [{"host_id": "c-borte", "name": "Borte AS"}, {"host_id": "c-brukt", "name": "Brukt AS"}],
    )
    run_initial_sync(env.db, env.settings, env.connection_id)
    gone, used = tripletex_id_of(env, "c-borte"), tripletex_id_of(env, "c-brukt")
    # An order makes Tripletex refuse to delete the customer (as it does for one with invoices).
    api(env).post(
        "/order", json={"customer": {"id": used}, "orderDate": "2026-11-02", "deliveryDate": "2026-11-02"}
    ).raise_for_status()
    assert api(env).delete(f"/customer/{used}").status_code == 422

    host_put(
        env, "customer", [{"host_id": "c-borte", "deleted": True}, {"host_id": "c-brukt", "deleted": True}]
    )
    deleting = env.settings.model_copy(update={"sync_host_deletes": "delete"})
    result = push_host_changes(env.db, deleting, env.connection_id)
    assert result.unlinked == 2
    assert api(env).get(f"/customer/{gone}").status_code == 404
    assert tx_customer(env, used)["isInactive"] is True
    log = list_sync_log(env.db, connection_id=env.connection_id, limit=500).items
    assert {(e.host_id, e.rule) for e in log if e.host_id in ("c-borte", "c-brukt")} == {
        ("c-brukt", "sync_customer_deactivated")
    }
    # Done: a second push does nothing more in Tripletex.
    again = push_host_changes(env.db, deleting, env.connection_id)
    assert (again.unlinked, again.updated, again.created) == (0, 0, 0)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_e_mail_addresses_differing_only_in_case_are_no_change(env: Env) -> None:
    host_put(env, "customer", [{"host_id": "c-epost", "name": "Epost AS", "email": "post@epost.no"}])
    run_initial_sync(env.db, env.settings, env.connection_id)
    tx_id = tripletex_id_of(env, "c-epost")
    fed = len(list(iter_changes(env.db, env.connection_id)))

    # Tripletex writes the address in capitals: no change for the host.
    changed = tx_edit(env, tx_id, email="POST@Epost.no")
    apply_from_tripletex(env.db, env.connection_id, SyncResource.CUSTOMER, tx_id, changed)
    assert len(list(iter_changes(env.db, env.connection_id))) == fed

    # The host writes it its own way and renames: only the name goes, and no conflict is logged.
    host_put(env, "customer", [{"host_id": "c-epost", "name": "Epost Vest AS", "email": "Post@EPOST.no "}])
    result = push_host_changes(env.db, env.settings, env.connection_id)
    assert (result.updated, result.conflicts) == (1, 0)
    after = tx_customer(env, tx_id)
    assert (after["name"], after["email"]) == ("Epost Vest AS", "POST@Epost.no")
    rules = {e.rule for e in list_sync_log(env.db, connection_id=env.connection_id, limit=500).items}
    assert "sync_conflict_resolved" not in rules
    # A case-only edit alone sends nothing.
    host_put(env, "customer", [{"host_id": "c-epost", "email": "post@EPOST.NO"}])
    again = push_host_changes(env.db, env.settings, env.connection_id)
    assert (again.updated, again.conflicts) == (0, 0)
