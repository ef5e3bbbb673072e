"""The accounting firm's screens in process: who may do what, linking by form, the mapping with a
new field on the spot and the less common fields, the import day, the portfolio and its CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from fastapi.testclient import TestClient

from tests.flows.firm.world import Firm, make_firm
from tests.web.conftest import World, csrf_of
from txbridge.catalog import render
from txbridge.flows.firm import clients
from txbridge.flows.firm.clients import ClientIn
from txbridge.flows.firm.mapping import mapped_fields
from txbridge.flows.firm.runs import message_json
from txbridge.flows.views import firm as views
from txbridge.sandbox.server import SandboxServer
from txbridge.settings import Settings
from txbridge.store import Database
from txbridge.store.models import StatisticRun, StatisticRunKind, StatisticRunState


def _firm(db: Database, settings: Settings, server: SandboxServer) -> Firm:
    firm = make_firm(db, settings, server, 3)
    clients.add_client(db, firm.id, ClientIn("K1", "Alfa AS"))
    clients.add_client(db, firm.id, ClientIn("K2", "Beta AS"))
    return firm


def test_the_firm_screens_for_an_administrator(
    admin_client: TestClient, db: Database, settings: Settings, sandbox_server: SandboxServer
) -> None:
    firm = _firm(db, settings, sandbox_server)
    first, second, _ = firm.companies
    listed = admin_client.get("/firm")
    assert listed.status_code == 200 and f'href="/firm/{firm.id}/portfolio"' in listed.text

    page = admin_client.get(f"/firm/{firm.id}/clients")
    assert page.status_code == 200 and "0 av 2 klienter er koblet" in page.text
    token = csrf_of(page.text)
    # Typing in the search asks for the results only (htmx).
    results = admin_client.get(
        f"/firm/{firm.id}/clients/K1/companies", params={"q": "klient 2"}, headers={"HX-Request": "true"}
    )
    assert results.status_code == 200 and "<html" not in results.text
    assert f'name="company" value="{second}"' in results.text and f'value="{first}"' not in results.text
    linked = admin_client.post(
        f"/firm/{firm.id}/clients/K1/link",
        data={"company": second, "csrf_token": token},
        follow_redirects=False,
    )
    assert linked.status_code == 303 and linked.headers["location"].endswith("?done=linked")
    taken = admin_client.post(
        f"/firm/{firm.id}/clients/K2/link", data={"company": second, "csrf_token": token}
    )
    assert taken.status_code == 422 and "allerede koblet til klienten K1" in taken.text
    relinked = admin_client.post(
        f"/firm/{firm.id}/clients/K1/link", data={"company": first, "csrf_token": token}
    )
    assert relinked.status_code == 200 and "Klienten er koblet til riktig selskap" in relinked.text
    assert views.client_detail(db, firm.id, "K1").company_id == first

    mapping_page = admin_client.get(f"/firm/{firm.id}/mapping")
    assert "<summary>Vis flere" in mapping_page.text
    saved = admin_client.post(
        f"/firm/{firm.id}/mapping",
        data={
            "csrf_token": token,
            "field-sale_entries": "__new__",
            "new-sale_entries": "Salgsbilag",
            "field-inbox_waiting": "__new__",
            "new-inbox_waiting": "Innboks",
            "field-purchase_entries": "",
        },
    )
    assert saved.status_code == 200 and "Feltkoblingen er lagret" in saved.text
    assert mapped_fields(db, firm.id) == {"inbox_waiting": "Innboks", "sale_entries": "Salgsbilag"}
    # The new field is now offered in every dropdown.
    assert saved.text.count('<option value="Salgsbilag"') == len(views.field_mapping(db, firm.id).rows)

    # «Hvorfor?» on the client page: seed 004's checks, the first failing one with its fix.
    unlinked = admin_client.get(f"/firm/{firm.id}/clients/K2/why")
    assert unlinked.status_code == 200 and "Hvorfor mangler tallene?" in unlinked.text
    assert "Klienten Beta AS er ikke koblet" in unlinked.text and "check-not_run" in unlinked.text
    fine = admin_client.get(f"/firm/{firm.id}/clients/K1/why", params={"month": "2020-01"})
    assert "Ingen feil funnet." in fine.text and "check-failed" not in fine.text
    bad_month = admin_client.get(f"/firm/{firm.id}/clients/K1/why", params={"month": "2026-13"})
    assert bad_month.status_code == 422 and "ÅÅÅÅ-MM" in bad_month.text
    one = admin_client.post(
        f"/firm/{firm.id}/clients/K1/reload", data={"csrf_token": token}, follow_redirects=False
    )
    assert one.status_code == 303 and one.headers["location"].endswith("?done=reload")
    assert "Klientens data lastes inn på nytt" in admin_client.get(one.headers["location"]).text

    bad = admin_client.post(
        f"/firm/{firm.id}/settings",
        data={"csrf_token": token, "rule": "day_of_next_month", "day_of_month": "31"},
    )
    assert bad.status_code == 422 and "Importdagen 31 kan ikke brukes" in bad.text
    good = admin_client.post(
        f"/firm/{firm.id}/settings",
        data={"csrf_token": token, "rule": "day_of_next_month", "day_of_month": "4"},
    )
    assert good.status_code == 200 and 'value="4"' in good.text

    assert "Neste import: " in good.text
    reload = admin_client.post(f"/firm/{firm.id}/reload", data={"csrf_token": token})
    assert reload.status_code == 200 and "Innlastingen er startet." in reload.text
    assert "Siste importer og innlastinger" in reload.text  # the queued reload with its progress
    # A finished run's notice shows on the portfolio until it is seen.
    with db.transaction() as session:
        done = StatisticRun(
            firm_connection_id=firm.id,
            kind=StatisticRunKind.RELOAD,
            months=["2026-10"],
            state=StatisticRunState.SUCCEEDED,
            finished_at=datetime.now(UTC),
            message_id="stats_reload_finished",
            message=message_json(render("stats_reload_finished", months="2026-10", done=1, total=1)),
        )
        session.add(done)
    noticed = admin_client.get(f"/firm/{firm.id}/portfolio")
    assert "Ny innlasting av statistikk (2026-10) er ferdig" in noticed.text
    other_firm = admin_client.post(f"/firm/{firm.id + 1}/notices/{done.id}/seen", data={"csrf_token": token})
    assert other_firm.status_code == 404 and "finnes ikke hos dette byrået" in other_firm.text
    admin_client.post(f"/firm/{firm.id}/notices/{done.id}/seen", data={"csrf_token": token})
    assert "Ny innlasting av statistikk" not in admin_client.get(f"/firm/{firm.id}/portfolio").text

    portfolio = admin_client.get(f"/firm/{firm.id}/portfolio", params={"sort": "health"})
    assert portfolio.status_code == 200
    assert portfolio.text.index("K2 Beta AS") < portfolio.text.index("K1 Alfa AS")  # not linked comes first
    assert 'aria-sort="ascending"' in portfolio.text
    exported = admin_client.get(f"/firm/{firm.id}/portfolio.csv", params={"health": "unlinked"})
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "nøkkel" and [r[0] for r in rows[1:]] == ["K2"]


def test_support_looks_but_does_not_change_the_set_up(
    support_client: TestClient, db: Database, settings: Settings, sandbox_server: SandboxServer
) -> None:
    firm = _firm(db, settings, sandbox_server)
    page = support_client.get(f"/firm/{firm.id}/clients/K1")
    assert page.status_code == 200 and "Koble til et Tripletex-selskap" not in page.text
    refused = support_client.post(
        f"/firm/{firm.id}/clients/K1/link",
        data={"company": firm.companies[0], "csrf_token": csrf_of(page.text)},
    )
    assert refused.status_code == 403
    assert views.client_detail(db, firm.id, "K1").company_id is None


def test_a_connection_that_is_no_firm_shows_how_to_make_it_one(
    admin_client: TestClient, world: World
) -> None:
    connection_id = world.connection_id
    page = admin_client.get(f"/firm/{connection_id}/portfolio")
    assert page.status_code == 422 and "Merk som byråtilkobling" in page.text
    # The web says where to do it, and links there; the CLI's command is not shown.
    assert '<a class="fix-link" href="/firm">Åpne «Regnskapsbyrå»</a>' in page.text
    assert "txbridge firm enable" not in page.text
