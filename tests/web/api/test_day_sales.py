"""Z-reports and the POS set-up through the REST API: each day accepted or rejected with its catalog
message (the file import's validation), the set-up saved with accounts checked in the company's
chart, an account not there refused as a problem (422), and with POS invoicing on (shown by the
set-up) an account for the «invoice» payment method refused."""

from __future__ import annotations

from datetime import date

import httpx

from tests.flows.daysales.conftest import z_report
from tests.web.api.conftest import assert_problem, make_key, once
from tests.web.conftest import World
from txbridge.flows.daysales import setup as pos
from txbridge.flows.posinvoice import set_invoicing
from txbridge.store import Database


async def test_days_are_accepted_or_rejected_one_by_one(world: World, api: httpx.AsyncClient) -> None:
    good = z_report("Z-1")
    unbalanced = z_report("Z-2", day=date(2026, 10, 6))
    unbalanced["lines"] = [*unbalanced["lines"][:-1]]  # the rounding event gone: 0.40 off
    answer = await api.post(
        f"/api/v1/connections/{world.connection_id}/day-sales", json=[good, unbalanced], headers=once()
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["kind"], body["accepted"], body["rejected"]) == ("daySales", 1, 1)
    assert [(r["key"], r["status"]) for r in body["items"]] == [("Z-1", "accepted"), ("Z-2", "rejected")]
    problem = body["items"][1]["problems"][0]["message"]
    assert problem["id"] == "daysales_intake_not_balanced" and "0.40" in problem["text"]


async def test_the_setup_is_read_and_saved_with_accounts_from_the_chart(
    db: Database, world: World, api: httpx.AsyncClient
) -> None:
    url = f"/api/v1/connections/{world.connection_id}/pos-setup"
    empty = await api.get(url)
    assert empty.status_code == 200 and empty.json()["salesStartDate"] is None
    admin = make_key(db, [world.connection_id], {"read", "admin"}, name="pos-admin")
    headers = {"Authorization": f"Bearer {admin}"}
    body = {
        "salesStartDate": "2026-10-01",
        "paymentMethods": {"card": 1920, "cash": 1900},
        "productGroups": {"food": 3000},
        "takeawayGroups": {"food": 3001},
        "events": {"tips": 2915, "rounding": 7960},
    }
    saved = await api.put(url, json=body, headers=headers)
    assert saved.status_code == 200, saved.text
    assert saved.json()["takeawayGroups"] == {"food": 3001}
    refused = await api.put(url, json={"productGroups": {"drinks": 3999}}, headers=headers)
    assert_problem(refused, 422, "pos_account_not_in_chart")
    assert "drinks" not in (await api.get(url)).json()["productGroups"]
    # A key without the admin scope may read but not change the set-up.
    assert_problem(await api.put(url, json=body), 403, "api_key_scope_missing")
    assert (await api.get(url)).json()["invoicing"] is False  # off until ticked


async def test_with_pos_invoicing_on_the_invoice_payment_method_gets_no_account(
    db: Database, world: World, api: httpx.AsyncClient
) -> None:
    url = f"/api/v1/connections/{world.connection_id}/pos-setup"
    pos.save(db, world.connection_id, start_date=date(2026, 10, 1), by="test")
    set_invoicing(db, world.connection_id, True, by="test")
    shown = (await api.get(url)).json()
    assert (shown["invoicing"], shown["collectiveInvoice"]) == (True, False)
    admin = make_key(db, [world.connection_id], {"read", "admin"}, name="pos-admin")
    body = {"paymentMethods": {"card": 1920, "invoice": 1900}}
    refused = await api.put(url, json=body, headers={"Authorization": f"Bearer {admin}"})
    assert_problem(refused, 422, "pos_invoice_payment_mapped")
    assert (await api.get(url)).json()["paymentMethods"] == {}  # the whole save refused
