"""The firm routes of the REST API: scopes, Idempotency-Key, clients in with per-item refusals,
links and a relink, inbound, mapping, import day and the portfolio (JSON and CSV)."""

from __future__ import annotations

import csv
import io
import time
from decimal import Decimal

import pytest
from fastapi import FastAPI

from tests.flows.firm.world import Firm, make_firm
from tests.web.api.conftest import assert_problem, key_client, make_key, once
from tests.web.conftest import World
from txbridge.flows.firm import clients as flow
from txbridge.flows.firm import mapping
from txbridge.flows.firm.clients import ClientIn
from txbridge.flows.views import firm_stats
from txbridge.jobs import api as jobs
from txbridge.sandbox.server import SandboxServer
from txbridge.settings import Settings
from txbridge.store import Database
from txbridge.store.models import MonthlyStatistic, StatisticRun, StatisticRunClient, StatisticRunKind


@pytest.fixture
def firm(db: Database, settings: Settings, sandbox_server: SandboxServer) -> Firm:
    return make_firm(db, settings, sandbox_server, 3)


async def test_a_firm_over_the_api(app: FastAPI, db: Database, firm: Firm) -> None:
    reader = make_key(db, [firm.id], {"read"})
    admin = make_key(db, [firm.id], {"read", "intake", "export", "admin"})
    base = f"/api/v1/firm/{firm.id}"
    first, second, _ = firm.companies
    async with (
        key_client(app, admin) as api,
        key_client(app, reader) as read_only,
    ):
        companies = (await api.get(f"{base}/companies")).json()
        numbers = {c["companyId"]: c["organizationNumber"] for c in companies}
        assert set(numbers) == set(firm.companies)

        body = {
            "clients": [
                {"key": "K1", "name": "Alfa AS", "organizationNumber": numbers[first]},
                {"key": "K2", "name": "Beta AS"},
                {"key": "K3", "name": "Gamma AS", "organizationNumber": "12"},
            ]
        }
        assert_problem(
            await read_only.post(f"{base}/clients", json=body, headers=once()), 403, "api_key_scope_missing"
        )
        headers = once()
        made = await api.post(f"{base}/clients", json=body, headers=headers)
        assert made.status_code == 201, made.text
        assert made.json()["created"] == 2
        assert [r["id"] for r in made.json()["refused"]] == ["intake_invalid_organization_number"]
        replay = await api.post(f"{base}/clients", json=body, headers=headers)
        assert replay.headers["idempotent-replayed"] == "true" and replay.json() == made.json()

        page = (await read_only.get(f"{base}/clients", params={"linkState": "unlinked"})).json()
        assert [c["key"] for c in page["items"]] == ["K1", "K2"] and page["total"] == 2

        assert_problem(
            await read_only.post(f"{base}/clients/K1/link", json={"companyId": first}, headers=once()),
            403,
            "api_key_scope_missing",
        )
        suggested = (await read_only.get(f"{base}/suggestions")).json()
        assert [(s["clientKey"], s["companyId"]) for s in suggested] == [("K1", first)]
        linked_all = await api.post(f"{base}/suggestions/link", headers=once())
        assert linked_all.status_code == 200, linked_all.text
        [linked] = linked_all.json()
        assert (linked["clientKey"], linked["companyId"], linked["relinked"]) == ("K1", first, False)
        taken = await api.post(f"{base}/clients/K2/link", json={"companyId": first}, headers=once())
        assert_problem(taken, 409, "firm_company_already_linked")
        relinked = await api.post(f"{base}/clients/K1/link", json={"companyId": second}, headers=once())
        assert relinked.json()["relinked"] is True and relinked.json()["previousCompanyId"] == first
        # Nothing is mapped yet, so the reload cannot start: the link stands and says why.
        assert relinked.json()["reloadJobId"] is None and relinked.json()["reloadMessage"]["id"]
        assert_problem(await api.get(f"{base}/clients/K9"), 404, "firm_client_not_found")

        read = await api.post(f"{base}/inbound/refresh", json={}, headers=once())
        assert read.status_code == 200, read.text
        assert (read.json()["listsChanged"], read.json()["failures"]) == (3, {})
        vat = (await read_only.get(f"{base}/clients/K1/vat-types")).json()
        assert vat["resource"] == "vat_type" and vat["versionDigest"] and vat["page"]["total"] > 0

        mapped = await api.post(
            f"{base}/mapping",
            json={"fields": {"sale_entries": "Salg", "inbox_waiting": "Innboks"}},
            headers=once(),
        )
        assert mapped.status_code == 200, mapped.text
        rows = {r["field"]: r for r in mapped.json()["fields"]}
        assert (
            rows["sale_entries"]["customField"] == "Salg" and rows["purchase_entries"]["customField"] is None
        )
        assert rows["inbox_waiting"]["backlog"] is True and rows["inbox_waiting"]["common"] is False
        unknown = await api.post(f"{base}/mapping", json={"fields": {"nope": "X"}}, headers=once())
        assert_problem(unknown, 422, "firm_field_unknown")

        bad_day = await api.post(
            f"{base}/import-day", json={"rule": "day_of_next_month", "dayOfMonth": 29}, headers=once()
        )
        assert_problem(bad_day, 422, "firm_import_day_invalid")
        day = await api.post(
            f"{base}/import-day", json={"rule": "day_of_next_month", "dayOfMonth": 3}, headers=once()
        )
        assert (day.json()["rule"], day.json()["dayOfMonth"]) == ("day_of_next_month", 3)
        assert day.json()["nextImportOn"][8:] == "03" and day.json()["nextMonth"]
        assert (await read_only.get(f"{base}")).json()["importDayOfMonth"] == 3

        # Figures as firmstats stores them.
        k1 = linked["clientId"]
        _store_values(
            db,
            firm.id,
            k1,
            {"2026-10": {"sale_entries": 12, "inbox_waiting": 4}, "2026-09": {"sale_entries": 9}},
        )
        shown = (await read_only.get(f"{base}/portfolio", params={"sort": "key"})).json()
        assert shown["month"] == "2026-10" and shown["previousMonth"] == "2026-09"
        assert shown["figures"] == ["sale_entries"] and shown["backlog"] == ["inbox_waiting"]
        k1_row = shown["rows"][0]
        assert k1_row["key"] == "K1" and k1_row["health"] == "ok" and k1_row["lastImportAt"]
        assert k1_row["figures"]["sale_entries"] == {
            "thisMonth": "12.00",
            "lastMonth": "9.00",
            "change": "3.00",
        }
        assert k1_row["backlog"] == {"inbox_waiting": "4.00"} and k1_row["needsAttention"] is True
        assert shown["rows"][1]["health"] == "unlinked"
        only = (await read_only.get(f"{base}/portfolio", params={"health": "unlinked"})).json()
        assert [r["key"] for r in only["rows"]] == ["K2"] and only["total"] == 2
        exported = await read_only.get(f"{base}/portfolio.csv", headers={"Accept-Language": "en"})
        assert exported.headers["content-type"].startswith("text/csv")
        lines = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig")), delimiter=";"))
        assert lines[0][9:12] == ["Sale entries 2026-10", "Sale entries 2026-09", "Sale entries ±"]
        assert lines[1][0] == "K1" and lines[1][9:13] == ["12", "9", "3", "4"]
        assert_problem(
            await read_only.get(f"{base}/portfolio", params={"month": "2026-13"}), 422, "api_request_invalid"
        )

        unlinked = await api.post(f"{base}/clients/K1/unlink", headers=once())
        assert unlinked.json()["linkState"] == "unlinked"


def _store_values(db: Database, firm_id: int, client_id: int, values: dict[str, dict[str, int]]) -> None:
    with db.transaction() as session:
        run = StatisticRun(firm_connection_id=firm_id, kind=StatisticRunKind.IMPORT, months=sorted(values))
        session.add(run)
        session.flush()
        session.add(
            StatisticRunClient(
                run_id=run.id, firm_client_id=client_id, state="done", finished_at=run.created_at
            )
        )
        for month, fields in values.items():
            for key, value in fields.items():
                session.add(
                    MonthlyStatistic(
                        firm_client_id=client_id,
                        month=month,
                        field_key=key,
                        value=Decimal(value),
                        run_id=run.id,
                    )
                )


async def test_why_reload_import_and_notices_over_the_api(
    app: FastAPI, db: Database, settings: Settings, firm: Firm
) -> None:
    first = firm.companies[0]
    flow.import_clients(db, firm.id, [ClientIn("K1", "Alfa AS"), ClientIn("K2", "Beta AS")])
    flow.link(db, settings, firm.id, "K1", first, linked_by="t")
    reader = make_key(db, [firm.id], {"read"})
    admin = make_key(db, [firm.id], {"read", "export", "admin"})
    base = f"/api/v1/firm/{firm.id}"
    async with key_client(app, admin) as api, key_client(app, reader) as read_only:
        why = await read_only.get(f"{base}/clients/K2/diagnosis", headers={"Accept-Language": "en"})
        assert why.status_code == 200, why.text
        body = why.json()
        assert body["clientKey"] == "K2" and body["answer"]["id"] == "stats_client_not_linked"
        assert [c["status"] for c in body["checks"]] == ["passed", "failed", "not_run", "not_run"]
        assert body["checks"][0]["title"] == "Does the employee token work?" and body["apiCalls"] == 1
        k1 = (await read_only.get(f"{base}/clients/K1/diagnosis")).json()
        assert k1["answer"]["id"] == "stats_no_fields_mapped"
        bad = await read_only.get(f"{base}/clients/K1/diagnosis", params={"month": "2026-13"})
        assert_problem(bad, 422, "api_request_invalid")
        assert_problem(await read_only.get(f"{base}/clients/K9/diagnosis"), 404, "firm_client_not_found")

        assert_problem(
            await read_only.post(f"{base}/reload", json={}, headers=once()), 403, "api_key_scope_missing"
        )
        assert_problem(
            await api.post(f"{base}/reload", json={}, headers=once()), 422, "stats_no_fields_mapped"
        )
        mapping.set_mapping(db, firm.id, {"sale_entries": "Salg"}, changed_by="t")
        assert (await read_only.get(f"{base}/clients/K1/diagnosis")).json()["answer"] is None

        reload = await api.post(f"{base}/reload", json={"client": "K1"}, headers=once())
        assert reload.status_code == 202, reload.text
        assert reload.headers["location"] == f"/api/v1/jobs/{reload.json()['id']}"
        imported = await api.post(f"{base}/imports", json={"month": "2026-09"}, headers=once())
        assert imported.status_code == 202, imported.text
        bad_month = await api.post(f"{base}/imports", json={"month": "09-2026"}, headers=once())
        assert_problem(bad_month, 422, "api_request_invalid")
        runs = (await read_only.get(f"{base}/runs")).json()
        assert [(r["kind"], r["clientsTotal"], r["finishedAt"]) for r in runs] == [
            ("import", 1, None),
            ("reload", 1, None),
        ]
        assert (await read_only.get(f"{base}/notices")).json() == []

        with jobs.embedded_worker(db, settings):
            deadline = time.monotonic() + 60
            while any(r.finished_at is None for r in firm_stats.recent_runs(db, firm.id)):
                assert time.monotonic() < deadline, "the runs did not finish"
                time.sleep(0.2)
        runs = (await read_only.get(f"{base}/runs")).json()
        assert [(r["clientsDone"], r["percent"]) for r in runs] == [(1, 100), (1, 100)]
        notices = (await read_only.get(f"{base}/notices", headers={"Accept-Language": "en"})).json()
        assert [n["message"]["id"] for n in notices] == ["stats_reload_finished", "stats_import_finished"]
        assert_problem(
            await read_only.post(f"{base}/notices/999/seen", headers=once()), 404, "stats_run_not_found"
        )
        left = await read_only.post(f"{base}/notices/{notices[0]['id']}/seen", headers=once())
        assert left.status_code == 200, left.text
        assert [n["id"] for n in left.json()] == [notices[1]["id"]]


async def test_a_connection_that_is_no_firm_is_named(app: FastAPI, db: Database, world: World) -> None:
    connection_id = world.connection_id
    secret = make_key(db, [connection_id], {"read"})
    async with key_client(app, secret) as api:
        assert_problem(await api.get(f"/api/v1/firm/{connection_id}/portfolio"), 422, "firm_not_enabled")
