"""Inbound per linked client: customers, products and VAT types read through the firm's token, and
read again for nothing (304) while they have not changed."""

from __future__ import annotations

import httpx
import pytest

from tests.flows.firm.world import Firm
from txbridge.flows.firm import clients, inbound
from txbridge.flows.firm.clients import ClientIn, FirmError
from txbridge.flows.views import firm as views
from txbridge.sandbox.server import SandboxServer
from txbridge.settings import Settings
from txbridge.store import Database
from txbridge.store.models import FirmInboundResource


def _add(http: httpx.Client, path: str, body: dict[str, object]) -> int:
    answer = http.post(path, json=body)
    answer.raise_for_status()
    made: int = answer.json()["value"]["id"]
    return made


def test_customers_products_and_vat_types_are_read_then_not_read_again(
    db: Database, settings: Settings, firm: Firm, sandbox_server: SandboxServer
) -> None:
    first, second, _ = firm.companies
    a = clients.add_client(db, firm.id, ClientIn("A", "Alfa AS"))
    b = clients.add_client(db, firm.id, ClientIn("B", "Beta AS"))
    clients.add_client(db, firm.id, ClientIn("C", "Ikke koblet AS"))
    clients.link(db, settings, firm.id, a, first, linked_by="test")
    clients.link(db, settings, firm.id, b, second, linked_by="test")
    token = firm.sandbox.create_session()
    with firm.sandbox.client(token, company_id=first) as http:
        _add(
            http,
            "/customer",
            {"name": "Kafé Sentrum", "email": "post@kafe.no", "organizationNumber": "914894700"},
        )
        _add(http, "/customer", {"name": "Frisør Nord"})
        _add(http, "/product", {"name": "Timer regnskap", "number": "R1", "priceExcludingVatCurrency": 950})

    done = inbound.refresh_inbound(db, settings, firm.id)
    assert (done.clients, done.lists_changed, done.lists_unchanged, done.failures) == (2, 6, 0, {})
    customers = views.list_inbound(db, firm.id, "A", FirmInboundResource.CUSTOMER)
    assert {c.name for c in customers.page.items} >= {"Kafé Sentrum", "Frisør Nord"}
    assert customers.version_digest and customers.read_at is not None
    kafe = next(
        c for c in customers.page.items if isinstance(c, views.InboundCustomer) and c.name == "Kafé Sentrum"
    )
    assert (kafe.email, kafe.organization_number) == ("post@kafe.no", "914894700")
    products = views.list_inbound(db, firm.id, "A", FirmInboundResource.PRODUCT, search="regnskap")
    assert [(p.name, str(p.price_excluding_vat)) for p in products.page.items] == [
        ("Timer regnskap", "950.00")
    ]  # type: ignore[union-attr]
    vat = views.list_inbound(db, firm.id, "B", FirmInboundResource.VAT_TYPE)
    assert "3" in {v.number for v in vat.page.items}  # type: ignore[union-attr]
    # B's company has none of A's customers.
    assert "Kafé Sentrum" not in {
        c.name for c in views.list_inbound(db, firm.id, "B", FirmInboundResource.CUSTOMER).page.items
    }

    # Nothing changed: one call per list, each a 304.
    again = inbound.refresh_inbound(db, settings, firm.id)
    assert (again.lists_changed, again.lists_unchanged, again.api_calls) == (0, 6, 6)

    # One customer changed: only that list is read again; a customer gone in Tripletex goes here too.
    with firm.sandbox.client(token, company_id=first) as http:
        made = _add(http, "/customer", {"name": "Ny Kunde AS"})
        http.delete(f"/customer/{made}").raise_for_status()
        _add(http, "/customer", {"name": "Ny Kunde 2 AS"})
    changed = inbound.refresh_inbound(db, settings, firm.id, client_ids=[a])
    assert (changed.lists_changed, changed.lists_unchanged) == (1, 2)
    names = {c.name for c in views.list_inbound(db, firm.id, a, FirmInboundResource.CUSTOMER).page.items}
    assert "Ny Kunde 2 AS" in names and "Ny Kunde AS" not in names


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_client_company_the_firm_lost_access_to_is_named_and_the_rest_go_on(
    db: Database, settings: Settings, firm: Firm, sandbox_server: SandboxServer
) -> None:
    first, second, _ = firm.companies
    a = clients.add_client(db, firm.id, ClientIn("A", "Alfa AS"))
    b = clients.add_client(db, firm.id, ClientIn("B", "Beta AS"))
    clients.link(db, settings, firm.id, a, first, linked_by="test")
    clients.link(db, settings, firm.id, b, second, linked_by="test")
    sandbox_server.state.companies[firm.sandbox.company_id].accountant_client_ids.discard(first)
    done = inbound.refresh_inbound(db, settings, firm.id)
    assert list(done.failures) == [a] and done.failures[a].id == "firm_client_not_accessible"
    assert done.lists_changed == 3  # B's three lists
    row = views.client_detail(db, firm.id, a)
    assert row.problem is not None and row.problem.id == "firm_client_not_accessible"
    health = {r.key: r.health for r in views.portfolio(db, firm.id).rows}
    assert health == {"A": views.Health.NO_ACCESS, "B": views.Health.OK}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_reading_a_client_that_is_not_linked_is_refused(db: Database, settings: Settings, firm: Firm) -> None:
    c = clients.add_client(db, firm.id, ClientIn("C", "Ikke koblet AS"))
    with pytest.raises(FirmError) as refused:
        inbound.refresh_inbound(db, settings, firm.id, client_ids=[c])
    assert refused.value.message.id == "firm_client_not_linked"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_list_longer_than_a_page_is_read_whole(
    db: Database, settings: Settings, firm: Firm, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = clients.add_client(db, firm.id, ClientIn("A", "Alfa AS"))
    clients.link(db, settings, firm.id, a, firm.companies[0], linked_by="test")
    with firm.sandbox.client(company_id=firm.companies[0]) as http:
        for n in range(5):
            _add(http, "/customer", {"name": f"Kunde {n}"})
    monkeypatch.setattr(inbound, "PAGE", 2)
    done = inbound.refresh_inbound(db, settings, firm.id, client_ids=[a])
    customers = views.list_inbound(db, firm.id, a, FirmInboundResource.CUSTOMER)
    assert {f"Kunde {n}" for n in range(5)} <= {c.name for c in customers.page.items}
    assert customers.page.total == len({c.tripletex_id for c in customers.page.items})
    assert done.api_calls > 3  # the customers took more than one page
