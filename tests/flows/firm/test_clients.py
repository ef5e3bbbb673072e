"""The firm connection, the firm's own clients and their links to the companies its token reaches,
over the sandbox."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.fixtures.sandbox import new_sandbox_company
from tests.flows.firm.world import Firm
from txbridge.flows import connections
from txbridge.flows.firm import clients, runs
from txbridge.flows.firm.clients import ClientIn, FirmError
from txbridge.flows.firm.reads import ReadCache
from txbridge.flows.views import firm as views
from txbridge.sandbox.server import SandboxServer
from txbridge.settings import Settings
from txbridge.store import Database, LogEntry
from txbridge.store.models import (
    FirmClientCustomer,
    FirmInboundResource,
    FirmInboundState,
    MonthlyStatistic,
    StatisticClientLock,
    StatisticRun,
    StatisticRunKind,
)


def test_a_firm_connection_lists_the_client_companies_its_token_reaches(db: Database, firm: Firm) -> None:
    companies = views.list_companies(db, firm.id)
    assert sorted(c.company_id for c in companies) == sorted(firm.companies)
    assert all(c.organization_number and len(c.organization_number) == 9 for c in companies)
    assert firm.sandbox.company_id not in {c.company_id for c in companies}  # its own company is no client
    # Search by a part of the name or of the organisation number.
    one = companies[1]
    assert [c.company_id for c in views.list_companies(db, firm.id, search=one.organization_number[-5:])] == [
        one.company_id
    ]
    assert len(views.list_companies(db, firm.id, search="KLIENT")) == 3


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_token_without_client_companies_is_no_firm(
    db: Database, settings: Settings, sandbox_server: SandboxServer
) -> None:
    plain = new_sandbox_company(sandbox_server, name="Enkel AS")
    connection = connections.connect(
        db,
        settings,
        name="enkel",
        environment="sandbox",
        consumer_token=plain.consumer_token,
        employee_token=plain.employee_token,
        base_url=plain.base_url,
    )
    with pytest.raises(FirmError) as refused:
        clients.enable_firm(db, settings, connection.id)
    assert refused.value.message.id == "firm_no_client_companies"
    with pytest.raises(FirmError) as not_firm:
        views.list_companies(db, connection.id)
    assert not_firm.value.message.id == "firm_not_enabled"


def test_clients_are_imported_row_by_row_and_a_bad_row_names_itself(db: Database, firm: Firm) -> None:
    text = (
        "nøkkel;navn;orgnr\n"
        "K1;Bakeriet AS;\n"
        "K2;Rørleggeren AS;123456789\n"  # no valid organisation number
        "K3;;\n"  # no name
        "K1;Bakeriet AS igjen;\n"  # the same key again
        "K4;  Snekkeren   AS ;\n"
    )
    outcome = clients.import_clients(db, firm.id, clients.read_clients_csv(text))
    assert (outcome.created, outcome.updated) == (2, 0)
    assert [m.id for m in outcome.refused] == [
        "intake_invalid_organization_number",
        "firm_client_field_invalid",
        "firm_client_key_repeated",
    ]
    assert "row 2 (K2)" in outcome.refused[0].en and "123456789" in outcome.refused[0].en
    assert "rad 3 (K3)" in outcome.refused[1].nb and "name" in outcome.refused[1].en
    page = views.list_clients(db, firm.id)
    assert [(c.key, c.name) for c in page.items] == [("K1", "Bakeriet AS"), ("K4", "Snekkeren AS")]
    # Importing again updates by key; a key in use cannot be added by hand.
    again = clients.import_clients(db, firm.id, [ClientIn("K4", "Snekkeren Nord AS")])
    assert (again.created, again.updated) == (0, 1)
    with pytest.raises(FirmError) as taken:
        clients.add_client(db, firm.id, ClientIn("K1", "Noe annet"))
    assert taken.value.message.id == "firm_client_key_taken"


def test_a_clients_file_without_key_or_name_is_refused_naming_the_columns() -> None:
    with pytest.raises(FirmError) as refused:
        clients.read_clients_csv("kunde,adresse\n1,Gata 1\n")
    assert refused.value.message.id == "firm_clients_file_columns"
    assert "key, name" in refused.value.message.en


def test_link_relink_and_unlink(db: Database, settings: Settings, firm: Firm) -> None:
    first, second, third = firm.companies
    a = clients.add_client(db, firm.id, ClientIn("A", "Alfa AS"))
    b = clients.add_client(db, firm.id, ClientIn("B", "Beta AS"))
    linked = clients.link(db, settings, firm.id, "A", first, linked_by="kari")
    assert (linked.client_id, linked.company_id, linked.relinked) == (a, first, False)
    with pytest.raises(FirmError) as taken:
        clients.link(db, settings, firm.id, b, first, linked_by="kari")
    assert taken.value.message.id == "firm_company_already_linked"
    assert "`txbridge firm unlink A`" in taken.value.message.fix_en
    with pytest.raises(FirmError) as unknown:
        clients.link(db, settings, firm.id, b, 999_999, linked_by="kari")
    assert unknown.value.message.id == "firm_company_not_reachable"

    # What came from the wrong company goes with a relink: inbound rows and statistics.
    with db.transaction() as session:
        session.add(FirmClientCustomer(firm_client_id=a, tripletex_id=1, name="Feil kunde"))
        session.add(
            FirmInboundState(firm_client_id=a, resource=FirmInboundResource.CUSTOMER, version_digest="x")
        )
        session.add(
            MonthlyStatistic(firm_client_id=a, month="2026-10", field_key="sale_entries", value=Decimal(7))
        )
        session.add(
            MonthlyStatistic(firm_client_id=b, month="2026-10", field_key="sale_entries", value=Decimal(3))
        )
    relinked = clients.link(db, settings, firm.id, "A", third, linked_by="kari")
    assert relinked.relinked and relinked.previous_company_id == first
    with db.reading() as session:
        assert session.scalar(select(func.count()).select_from(FirmClientCustomer)) == 0
        assert session.scalar(select(func.count()).select_from(FirmInboundState)) == 0
        left = session.execute(select(MonthlyStatistic.firm_client_id, MonthlyStatistic.value)).all()
        assert left == [(b, Decimal(3))]  # the other client's values stay
        logged = session.scalars(select(LogEntry.message).where(LogEntry.object_key == "A")).all()
    assert any(f"koblet om fra {first} til" in text for text in logged)
    row = views.client_detail(db, firm.id, "A")
    assert (row.company_id, row.linked_by) == (third, "kari")

    # The first company is free again: B may have it now; then B is unlinked.
    clients.link(db, settings, firm.id, b, first, linked_by="kari")
    clients.unlink(db, firm.id, "B", unlinked_by="kari")
    assert views.client_detail(db, firm.id, b).link_state is views.LinkState.UNLINKED
    assert [c.company_id for c in views.list_companies(db, firm.id, unlinked_only=True)] == sorted(
        [first, second]
    )


def test_clients_are_linked_by_their_organisation_number(
    db: Database, settings: Settings, firm: Firm
) -> None:
    companies = views.list_companies(db, firm.id)
    for number, company in enumerate(companies):
        clients.add_client(
            db, firm.id, ClientIn(f"K{number}", f"Klient {number}", company.organization_number)
        )
    clients.add_client(db, firm.id, ClientIn("X", "Uten nummer"))
    suggested = clients.suggested_links(db, firm.id)
    assert {(s.client_key, s.company_id) for s in suggested} == {
        (f"K{n}", c.company_id) for n, c in enumerate(companies)
    }
    linked = clients.link_suggested(db, settings, firm.id, linked_by="kari")
    assert len(linked) == len(companies)
    assert clients.suggested_links(db, firm.id) == []
    assert views.firm_detail(db, firm.id).linked == len(companies)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_relink_takes_the_lock_of_a_run_reading_the_old_company(
    db: Database, settings: Settings, firm: Firm
) -> None:
    first, second, _ = firm.companies
    a = clients.add_client(db, firm.id, ClientIn("A", "Alfa AS"))
    clients.link(db, settings, firm.id, a, first, linked_by="test")
    with db.transaction() as session:
        run = StatisticRun(firm_connection_id=firm.id, kind=StatisticRunKind.IMPORT, months=["2026-10"])
        session.add(run)
        session.flush()
        session.add(StatisticClientLock(firm_client_id=a, run_id=run.id, holder="worker-1"))
        run_id = run.id
    clients.link(db, settings, firm.id, a, second, linked_by="kari")
    # The run that read the first company can no longer store what it read.
    with pytest.raises(runs.LockLostError):
        runs.store_client(
            db, run_id, a, "worker-1", {"2026-10": {"sale_entries": Decimal(5)}}, ReadCache({}), 3
        )
    with db.reading() as session:
        assert session.scalar(select(func.count()).select_from(MonthlyStatistic)) == 0
