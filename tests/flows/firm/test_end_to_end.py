"""The firm end to end against the sandbox over HTTP: a seeded firm of 22 client companies with
months of bookkeeping; the firm connection; 20 clients imported and linked (19 by organisation
number, one by hand to the wrong company); a month imported with the mapping applied (firmstats'
import); the wrong link fixed by a relink, whose reload (a job, run by the embedded worker) brings
the right company's figures; the portfolio showing the sandbox's own counts for every client."""

from __future__ import annotations

import time
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
import pytest

from txbridge.flows import connections
from txbridge.flows.firm import clients, inbound, mapping
from txbridge.flows.firm.statistics import import_month
from txbridge.flows.views import firm as views
from txbridge.jobs import api as jobs
from txbridge.jobs import relink
from txbridge.sandbox.server import SandboxServer
from txbridge.settings import Settings
from txbridge.store import Database

MAPPED = ("sale_entries", "purchase_entries", "bank_transactions", "inbox_waiting")


def _this_month() -> str:
    today = datetime.now(ZoneInfo("Europe/Oslo")).date()
    return f"{today.year:04d}-{today.month:02d}"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_link_twenty_clients_import_fix_a_wrong_link_and_see_the_true_figures(
    db: Database, settings: Settings, sandbox_server: SandboxServer
) -> None:
    month = _this_month()
    seeded = httpx.post(
        f"{sandbox_server.control_url}/firm",
        json={"clients": 22, "months": 2, "lastMonth": month},
        timeout=60,
    ).json()
    connection = connections.connect(
        db,
        settings,
        name="regnskapskontoret",
        environment="sandbox",
        consumer_token=seeded["consumerToken"],
        employee_token=seeded["employeeToken"],
        base_url=sandbox_server.base_url,
    )
    connections.approve(db, connection.id)
    firm = connection.id
    assert clients.enable_firm(db, settings, firm, marked_by="test").total == 22
    companies = {c.company_id: c for c in views.list_companies(db, firm)}
    ids = list(seeded["clientCompanyIds"])
    assert set(companies) == set(ids)

    # 20 of the firm's clients: 19 with their organisation number, K20 without (linked by hand).
    rows = "key;name;orgnr\n" + "".join(
        f"K{n:02d};Klient {n} AS;{companies[ids[n - 1]].organization_number}\n" for n in range(1, 20)
    )
    rows += "K20;Klient 20 AS;\n"
    outcome = clients.import_clients(db, firm, clients.read_clients_csv(rows))
    assert (outcome.created, outcome.refused) == (20, ())
    assert len(clients.link_suggested(db, settings, firm, linked_by="test")) == 19
    wrong, right = ids[20], ids[19]  # K20 belongs to the 20th company, but is linked to the 21st
    relink.link_and_reload(db, settings, firm, "K20", wrong, linked_by="test")
    assert views.firm_detail(db, firm).linked == 20

    first_read = inbound.refresh_inbound(db, settings, firm)
    assert (first_read.clients, first_read.api_calls, first_read.failures) == (20, 60, {})
    again = inbound.refresh_inbound(db, settings, firm)
    assert (again.api_calls, again.lists_changed, again.lists_unchanged) == (60, 0, 60)

    mapping.set_mapping(db, firm, {key: f"Uku {key}" for key in MAPPED}, changed_by="test")
    done = import_month(db, settings, firm, month)
    assert (done.clients_done, done.clients_failed) == (20, 0)

    def truth(company_id: int) -> dict[str, int]:
        found = httpx.get(
            f"{sandbox_server.control_url}/firm/truth", params={"companyId": company_id, "months": month}
        ).json()["months"][month]
        return {key: int(found[key]) for key in MAPPED}

    def shown(key: str) -> dict[str, int]:
        row = next(r for r in views.portfolio(db, firm, month=month).rows if r.key == key)
        return {k: int(v) for k, v in row.this_month.items()}

    assert shown("K20") == truth(wrong)  # the wrong company's figures, as a wrong link gives

    # The fix: relink; the wrong figures go at once and the reload brings the right ones.
    fixed = relink.link_and_reload(db, settings, firm, "K20", right, linked_by="kari")
    assert fixed.relinked and fixed.reload_job_id is not None
    assert shown("K20") == {}
    with jobs.embedded_worker(db, settings):
        deadline = time.monotonic() + 90
        while jobs.get_job(db, settings, fixed.reload_job_id).state not in ("succeeded", "failed"):
            assert time.monotonic() < deadline, "the reload did not finish"
            time.sleep(0.2)
    assert jobs.get_job(db, settings, fixed.reload_job_id).state == "succeeded"

    view = views.portfolio(db, firm, month=month)
    assert view.total == 20 and {f.key for f in view.figures} == set(MAPPED) - {"inbox_waiting"}
    assert [f.key for f in view.backlog] == ["inbox_waiting"]
    by_key = {r.key: r for r in view.rows}
    for n in range(1, 21):
        row = by_key[f"K{n:02d}"]
        company = ids[n - 1]
        assert row.company_id == company and row.health is views.Health.OK
        assert {k: int(v) for k, v in row.this_month.items()} == truth(company), row.key
        assert row.last_import_at is not None
    csv_text = views.portfolio_csv(view, "en")
    k20 = next(line for line in csv_text.splitlines() if line.startswith("K20;"))
    assert f";{truth(right)['sale_entries']};" in k20
