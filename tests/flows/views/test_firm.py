"""The firm's read models on a store filled directly: a fixed number of queries whatever the number
of clients, the portfolio's sorting, filters, figures against last month, and a CSV a spreadsheet
cannot be tricked by."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

from tests.flows.views.conftest import Selects, add_connection
from txbridge.flows.views import firm as views
from txbridge.store import Database
from txbridge.store.models import (
    FirmClient,
    FirmConnection,
    FirmCustomField,
    FirmFieldMapping,
    FirmReachableCompany,
    MonthlyStatistic,
    StatisticClientState,
    StatisticRun,
    StatisticRunClient,
    StatisticRunKind,
)

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def _firm(database: Database, name: str, clients: int) -> int:
    """A firm of ``clients`` clients, every other one linked, with October and September values."""
    firm = add_connection(database, name, expires=date(2026, 12, 1))
    with database.transaction() as session:
        session.add(FirmConnection(connection_id=firm))
        sales = FirmCustomField(firm_connection_id=firm, name="Salg")
        inbox = FirmCustomField(firm_connection_id=firm, name="Innboks")
        session.add_all([sales, inbox])
        session.flush()
        session.add(
            FirmFieldMapping(firm_connection_id=firm, field_key="sale_entries", custom_field_id=sales.id)
        )
        session.add(
            FirmFieldMapping(firm_connection_id=firm, field_key="inbox_waiting", custom_field_id=inbox.id)
        )
        run = StatisticRun(
            firm_connection_id=firm, kind=StatisticRunKind.RELOAD, months=["2026-09", "2026-10"]
        )
        session.add(run)
        session.flush()
        for n in range(clients):
            linked = n % 2 == 0
            company = 200_000 + firm * 1000 + n
            session.add(
                FirmReachableCompany(
                    firm_connection_id=firm,
                    tripletex_company_id=company,
                    name=f"Selskap {n}",
                    organization_number=None,
                )
            )
            client = FirmClient(
                firm_connection_id=firm,
                key=f"K{n:03d}",
                name=f"Klient {n}",
                tripletex_company_id=company if linked else None,
                tripletex_company_name=f"Selskap {n}" if linked else None,
            )
            session.add(client)
            session.flush()
            if linked:
                session.add(
                    StatisticRunClient(
                        run_id=run.id,
                        firm_client_id=client.id,
                        state=StatisticClientState.DONE,
                        finished_at=T0,
                    )
                )
                for month, value in (("2026-09", n), ("2026-10", n + 2)):
                    session.add(
                        MonthlyStatistic(
                            firm_client_id=client.id,
                            month=month,
                            field_key="sale_entries",
                            value=Decimal(value),
                        )
                    )
                session.add(
                    MonthlyStatistic(
                        firm_client_id=client.id,
                        month="2026-10",
                        field_key="inbox_waiting",
                        value=Decimal(n % 3),
                    )
                )
    return firm


def test_each_read_takes_the_same_queries_for_10_and_100_clients(
    database: Database, selects: Selects
) -> None:
    small, large = _firm(database, "liten", 10), _firm(database, "stor", 100)
    counts: dict[str, list[int]] = {}
    for firm in (small, large):
        for name, read in (
            ("portfolio", lambda f=firm: views.portfolio(database, f, today=date(2026, 11, 2))),
            ("clients", lambda f=firm: views.list_clients(database, f, limit=1000)),
            ("companies", lambda f=firm: views.list_companies(database, f)),
            ("mapping", lambda f=firm: views.field_mapping(database, f)),
            ("firms", lambda: views.list_firms(database)),
        ):
            selects.reset()
            read()
            counts.setdefault(name, []).append(selects.count)
    for name, (few, many) in counts.items():
        assert few == many, (name, counts)
    assert counts["portfolio"][0] <= 7, counts
    assert len(views.portfolio(database, large).rows) == 100


def test_the_portfolio_compares_months_sorts_and_filters(database: Database) -> None:
    firm = _firm(database, "byraa", 6)
    view = views.portfolio(database, firm, today=date(2026, 11, 2))
    assert (view.month, view.previous_month) == ("2026-10", "2026-09")  # the newest month with values
    assert [f.key for f in view.figures] == ["sale_entries"] and [f.key for f in view.backlog] == [
        "inbox_waiting"
    ]
    k4 = next(r for r in view.rows if r.key == "K004")
    assert (k4.this_month["sale_entries"], k4.last_month["sale_entries"], k4.change("sale_entries")) == (
        6,
        4,
        2,
    )
    assert k4.token_days_left == 29 and k4.last_import_at == T0 and k4.health is views.Health.OK
    unlinked = next(r for r in view.rows if r.key == "K001")
    assert unlinked.health is views.Health.UNLINKED and unlinked.problem is not None
    assert unlinked.change("sale_entries") is None

    by_backlog = views.portfolio(database, firm, sort=views.PortfolioSort.BACKLOG, descending=True)
    assert [r.key for r in by_backlog.rows][:2] == ["K002", "K004"]  # 2 and 1 documents waiting
    attention = views.portfolio(database, firm, attention_only=True)
    assert {r.key for r in attention.rows} == {
        "K001",
        "K002",
        "K003",
        "K004",
        "K005",
    }  # K000 has nothing waiting
    found = views.portfolio(database, firm, search="klient 3")
    assert [r.key for r in found.rows] == ["K003"] and found.total == 6
    linked = views.portfolio(database, firm, link_state=views.LinkState.LINKED, health=views.Health.OK)
    assert [r.key for r in linked.rows] == ["K000", "K002", "K004"]
    september = views.portfolio(database, firm, month="2026-09")
    assert september.previous_month == "2026-08" and september.rows[0].last_month == {}


def test_the_csv_has_each_figure_with_last_month_and_no_formula(database: Database) -> None:
    firm = _firm(database, "byraa", 3)
    with database.transaction() as session:
        session.add(FirmClient(firm_connection_id=firm, key="=1+1", name='=HYPERLINK("http://x","y")'))
    text = views.portfolio_csv(views.portfolio(database, firm, sort=views.PortfolioSort.KEY), "nb")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][9:] == [
        "Salgsbilag 2026-10",
        "Salgsbilag 2026-09",
        "Salgsbilag ±",
        "Dokumenter som venter i innboksen 2026-10",
    ]
    formula = next(r for r in rows if r[1].startswith("'=HYPERLINK"))
    assert formula[0] == "'=1+1"
    k2 = next(r for r in rows if r[0] == "K002")
    assert k2[9:] == ["4", "2", "2", "2"] and k2[5] == "ok"
