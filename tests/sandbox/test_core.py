"""The rules every Tripletex response follows, checked over real HTTP against the sandbox."""

from __future__ import annotations

import base64
from datetime import date, timedelta

import httpx
import pytest

from tests.fixtures.sandbox import SandboxCompany, new_sandbox_company, oslo_today
from txbridge.sandbox.server import SandboxServer


def _error(response: httpx.Response, status: int, code: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["requestId"] == response.headers["x-tlx-request-id"]
    assert body["message"]
    return body


# --- auth -----------------------------------------------------------------------------------


def test_session_create_and_who_am_i(sandbox_company: SandboxCompany) -> None:
    token = sandbox_company.create_session()
    with sandbox_company.client(token) as client:
        me = client.get("/token/session/>whoAmI", params={"fields": "*,employee(firstName)"})
    assert me.status_code == 200
    value = me.json()["value"]
    assert value["companyId"] == sandbox_company.company_id
    assert value["employee"] == {"firstName": "Ola"}


def test_missing_or_wrong_auth_is_401_3000(sandbox_company: SandboxCompany) -> None:
    no_auth = httpx.get(f"{sandbox_company.base_url}/customer")
    _error(no_auth, 401, 3000)
    wrong = httpx.get(f"{sandbox_company.base_url}/customer", auth=("0", "not-a-session"))
    _error(wrong, 401, 3000)


def test_bad_tokens_refused_at_session_create(sandbox_company: SandboxCompany) -> None:
    response = httpx.put(
        f"{sandbox_company.base_url}/token/session/:create",
        params={
            "consumerToken": sandbox_company.consumer_token,
            "employeeToken": "test-nope",
            "expirationDate": (oslo_today() + timedelta(days=3)).isoformat(),
        },
    )
    body = _error(response, 401, 3000)
    assert "test-nope" not in str(body)


@pytest.mark.parametrize("days", [0, -1])
def test_expiration_date_must_be_in_the_future(sandbox_company: SandboxCompany, days: int) -> None:
    response = httpx.put(
        f"{sandbox_company.base_url}/token/session/:create",
        params={
            "consumerToken": sandbox_company.consumer_token,
            "employeeToken": sandbox_company.employee_token,
            "expirationDate": (oslo_today() + timedelta(days=days)).isoformat(),
        },
    )
    body = _error(response, 422, 15000)
    assert body["validationMessages"][0]["field"] == "expirationDate"  # type: ignore[index]


@pytest.mark.parametrize(
    ("expiration", "last_second_utc"),
    [
        (date(2027, 1, 15), "2027-01-14T22:59:59+00:00"),  # winter: Oslo is UTC+1
        (date(2027, 7, 15), "2027-07-14T21:59:59+00:00"),  # summer: Oslo is UTC+2
    ],
)
def test_session_dies_at_midnight_oslo_on_its_expiration_date(
    sandbox_company: SandboxCompany, expiration: date, last_second_utc: str
) -> None:
    control = sandbox_company.control()
    try:
        # The session is made the day before, so its expiration date is in the future.
        day_before = expiration - timedelta(days=1)
        control.put("/clock", json={"now": f"{day_before.isoformat()}T09:00:00+00:00"}).raise_for_status()
        token = sandbox_company.create_session(expiration)
        # 23:59:59 Oslo time the evening before: still alive; two seconds later it is dead.
        control.put("/clock", json={"now": last_second_utc}).raise_for_status()
        with sandbox_company.client(token) as client:
            assert client.get("/token/session/>whoAmI").status_code == 200
            control.put("/clock", json={"advanceSeconds": 2}).raise_for_status()
            _error(client.get("/token/session/>whoAmI"), 401, 3000)
    finally:
        control.put("/clock", json={"reset": True})


def test_expired_employee_token_is_refused(sandbox_server: SandboxServer) -> None:
    company = new_sandbox_company(sandbox_server, employeeTokenExpires=oslo_today().isoformat())
    response = httpx.put(
        f"{company.base_url}/token/session/:create",
        params={
            "consumerToken": company.consumer_token,
            "employeeToken": company.employee_token,
            "expirationDate": (oslo_today() + timedelta(days=3)).isoformat(),
        },
    )
    _error(response, 401, 3000)


def test_deleted_session_is_401(sandbox_company: SandboxCompany) -> None:
    token = sandbox_company.create_session()
    with sandbox_company.client(token) as client:
        assert client.delete(f"/token/session/{token}").status_code == 204
        _error(client.get("/customer"), 401, 3000)


def test_accountant_client_access(sandbox_server: SandboxServer) -> None:
    firm = new_sandbox_company(sandbox_server, accountantClients=2)
    other = new_sandbox_company(sandbox_server)
    assert len(firm.client_company_ids) == 2
    token = firm.create_session()
    client_id = firm.client_company_ids[0]
    with firm.client(token) as own:
        listed = own.get("/company/>withLoginAccess").json()["values"]
        assert {c["id"] for c in listed} >= set(firm.client_company_ids)
    with firm.client(token, company_id=client_id) as as_client:
        me = as_client.get("/token/session/>whoAmI").json()["value"]
        assert me["companyId"] == client_id
        # Data written as the client stays in the client's books.
        created = as_client.post("/customer", json={"name": "Klientkunde"}).json()["value"]
    with firm.client(token) as own:
        _error(own.get(f"/customer/{created['id']}"), 404, 6000)
    with firm.client(token, company_id=other.company_id) as stranger:
        _error(stranger.get("/customer"), 403, 9000)


def test_companies_are_isolated(sandbox_server: SandboxServer) -> None:
    a = new_sandbox_company(sandbox_server)
    b = new_sandbox_company(sandbox_server)
    with a.client() as ca, b.client() as cb:
        created = ca.post("/customer", json={"name": "Bare i A"}).json()["value"]
        _error(cb.get(f"/customer/{created['id']}"), 404, 6000)
        assert cb.get("/customer").json()["values"] == []


def test_authorization_header_never_echoed(sandbox_company: SandboxCompany) -> None:
    token = sandbox_company.create_session()
    raw = base64.b64encode(f"999999999:{token}".encode()).decode()
    response = httpx.get(f"{sandbox_company.base_url}/customer", headers={"Authorization": f"Basic {raw}"})
    assert response.status_code == 403
    assert token not in response.text


# --- envelopes, request ids, errors -----------------------------------------------------------


def test_request_id_on_every_response(sandbox_client: httpx.Client) -> None:
    ok = sandbox_client.get("/customer")
    missing = sandbox_client.get("/customer/1")
    assert ok.headers["x-tlx-request-id"] != missing.headers["x-tlx-request-id"]
    _error(missing, 404, 6000)


def test_unknown_body_field_is_422_16000_naming_it(sandbox_client: httpx.Client) -> None:
    response = sandbox_client.post("/customer", json={"name": "X", "nameTypo": "Y"})
    body = _error(response, 422, 16000)
    [message] = body["validationMessages"]  # type: ignore[misc]
    assert message["field"] == "nameTypo"
    # Nothing was created.
    assert sandbox_client.get("/customer").json()["values"] == []


def test_unknown_nested_field_is_named_bare_as_tripletex_does(sandbox_client: httpx.Client) -> None:
    # Tripletex names an unknown nested field by its own name, path null (public logs of real answers,
    # 2026-03: POST /travelExpense with perDiemCompensations[{isDayTrip}] → field "isDayTrip",
    # «Feltet eksisterer ikke i objektet.»); the sandbox adds the full path in developerMessage.
    response = sandbox_client.post("/customer", json={"name": "X", "postalAddress": {"street": "Gata 1"}})
    body = _error(response, 422, 16000)
    assert body["message"] == "Request mapping failed"
    assert body["validationMessages"] == [
        {"field": "street", "message": "Feltet eksisterer ikke i objektet.", "path": None, "rootId": None}
    ]
    assert "postalAddress.street" in body["developerMessage"]


def test_read_only_fields_are_ignored(sandbox_client: httpx.Client) -> None:
    response = sandbox_client.post("/customer", json={"name": "X", "isCustomer": False, "url": "x"})
    assert response.status_code == 201
    assert response.json()["value"]["isCustomer"] is True


def test_invalid_json_is_422_22000(sandbox_client: httpx.Client) -> None:
    response = sandbox_client.post(
        "/customer", content=b"{not json", headers={"content-type": "application/json"}
    )
    _error(response, 422, 22000)


def test_unknown_query_parameter_is_ignored(sandbox_client: httpx.Client) -> None:
    assert sandbox_client.get("/customer", params={"noSuchParam": "1"}).status_code == 200


def test_bad_path_id_is_422_21000_wrong_data_format(sandbox_client: httpx.Client) -> None:
    # A real answer (public logs, 2026-03): GET /company/whoAmI → 422/21000 «Wrong data format!
    # Expected number. For input string: "whoAmI"», developerMessage and validationMessages null.
    body = _error(sandbox_client.get("/customer/abc"), 422, 21000)
    assert body["message"] == 'Wrong data format! Expected number. For input string: "abc"'
    assert body["developerMessage"] is None and body["validationMessages"] is None


def test_not_emulated_operation_says_so(sandbox_client: httpx.Client) -> None:
    body = _error(sandbox_client.get("/invoice/1/pdf"), 404, 6000)
    assert "not emulated" in str(body["developerMessage"])
    unknown = _error(sandbox_client.get("/noSuchThing"), 404, 6000)
    assert "not emulated" not in str(unknown["developerMessage"])


# --- fields, sorting, paging, checksum, versions ------------------------------------------------


def _customers(client: httpx.Client, names: list[str]) -> list[dict[str, object]]:
    response = client.post("/customer/list", json=[{"name": n} for n in names])
    assert response.status_code == 201, response.text
    values: list[dict[str, object]] = response.json()["values"]
    return values


def test_fields_nested_and_star(sandbox_client: httpx.Client) -> None:
    [customer] = _customers(sandbox_client, ["Felt AS"])
    plain = sandbox_client.get(f"/customer/{customer['id']}").json()["value"]
    assert set(plain["currency"]) == {"id", "url"}
    picked = sandbox_client.get(f"/customer/{customer['id']}", params={"fields": "name,currency(code)"})
    assert picked.json()["value"] == {"name": "Felt AS", "currency": {"code": "NOK"}}
    star = sandbox_client.get(f"/customer/{customer['id']}", params={"fields": "*,currency(*)"}).json()[
        "value"
    ]
    assert star["name"] == "Felt AS" and star["currency"]["code"] == "NOK" and "version" in star
    _error(sandbox_client.get("/customer", params={"fields": "noSuchField"}), 400, 11000)


def test_sorting_and_paging(sandbox_client: httpx.Client) -> None:
    _customers(sandbox_client, ["Bravo", "Alfa", "Delta", "Charlie"])
    page = sandbox_client.get(
        "/customer", params={"sorting": "name", "from": 1, "count": 2, "fields": "name"}
    )
    body = page.json()
    assert [v["name"] for v in body["values"]] == ["Bravo", "Charlie"]
    assert body["from"] == 1 and body["count"] == 2
    desc = sandbox_client.get("/customer", params={"sorting": "-name", "fields": "name"}).json()
    assert [v["name"] for v in desc["values"]] == ["Delta", "Charlie", "Bravo", "Alfa"]
    _error(sandbox_client.get("/customer", params={"sorting": "nope"}), 422, 17000)


def test_checksum_304_until_something_changes(sandbox_client: httpx.Client) -> None:
    [customer] = _customers(sandbox_client, ["Sjekk AS"])
    first = sandbox_client.get("/customer")
    digest = first.json()["versionDigest"]
    same = sandbox_client.get("/customer", headers={"If-None-Match": digest})
    assert same.status_code == 304
    assert same.headers["x-tlx-request-id"]
    sandbox_client.put(f"/customer/{customer['id']}", json={"email": "ny@example.no"}).raise_for_status()
    changed = sandbox_client.get("/customer", headers={"If-None-Match": digest})
    assert changed.status_code == 200
    assert changed.json()["versionDigest"] != digest


def test_version_increments_and_stale_version_is_409_8000(sandbox_client: httpx.Client) -> None:
    [customer] = _customers(sandbox_client, ["Versjon AS"])
    v0 = customer["version"]
    updated = sandbox_client.put(f"/customer/{customer['id']}", json={"version": v0, "email": "a@example.no"})
    assert updated.json()["value"]["version"] == v0 + 1  # type: ignore[operator]
    stale = sandbox_client.put(f"/customer/{customer['id']}", json={"version": v0, "email": "b@example.no"})
    _error(stale, 409, 8000)
    assert sandbox_client.get(f"/customer/{customer['id']}").json()["value"]["email"] == "a@example.no"


def test_changed_since(sandbox_company: SandboxCompany) -> None:
    control = sandbox_company.control()
    with sandbox_company.client() as client:
        try:
            past = oslo_today() - timedelta(days=3)
            control.put("/clock", json={"now": f"{past.isoformat()}T12:00:00+00:00"}).raise_for_status()
            _customers(client, ["Gammel"])
            control.put("/clock", json={"reset": True}).raise_for_status()
            _customers(client, ["Ny"])
            since = (oslo_today() - timedelta(days=1)).isoformat()
            recent = client.get("/customer", params={"changedSince": since, "fields": "name"}).json()
        finally:
            control.put("/clock", json={"reset": True})
    assert [v["name"] for v in recent["values"]] == ["Ny"]


def test_result_set_above_10000_is_refused(sandbox_client: httpx.Client) -> None:
    for start in range(0, 10_001, 2_000):
        names = [f"K{i}" for i in range(start, min(start + 2_000, 10_001))]
        _customers(sandbox_client, names)
    body = _error(sandbox_client.get("/customer", params={"count": 10}), 422, 23000)
    assert body["code"] == 23000
    windowed = sandbox_client.get("/customer", params={"customerName": "K1000", "fields": "id"})
    assert windowed.status_code == 200


# --- rate limiting ------------------------------------------------------------------------------


def test_rate_limit_headers_and_429_for_the_rest_of_the_period(sandbox_company: SandboxCompany) -> None:
    control = sandbox_company.control()
    control.put("/rate-limit", json={"limit": 3, "period": 3600, "companyId": sandbox_company.company_id})
    with sandbox_company.client() as client:
        first = client.get("/customer")  # the session create used one
        assert first.headers["X-Rate-Limit-Limit"] == "3"
        assert first.headers["X-Rate-Limit-Remaining"] == "1"
        assert 0 < int(first.headers["X-Rate-Limit-Reset"]) <= 3600
        client.get("/customer")
        for _ in range(3):
            limited = client.get("/customer")
            assert limited.status_code == 429
            assert limited.headers["X-Rate-Limit-Remaining"] == "0"
            assert limited.json()["status"] == 429

    # The control API counts what the limiter refused, per company, and forgets it with the stats.
    assert control.get("/stats", params={"companyId": sandbox_company.company_id}).json()["rateLimited"] == 3
    assert control.get("/stats", params={"companyId": 1}).json()["rateLimited"] == 0


def test_rate_limit_period_ends_and_calls_pass_again(sandbox_company: SandboxCompany) -> None:
    control = sandbox_company.control()
    control.put("/rate-limit", json={"limit": 2, "period": 600, "companyId": sandbox_company.company_id})
    token = sandbox_company.create_session()  # the first call of the period
    try:
        with sandbox_company.client(token) as client:
            assert client.get("/customer").headers["X-Rate-Limit-Remaining"] == "0"
            refused = client.get("/customer")
            _error(refused, 429, 429)
            reset = int(refused.headers["X-Rate-Limit-Reset"])
            assert 0 < reset <= 600
            control.put("/clock", json={"advanceSeconds": reset - 2}).raise_for_status()
            _error(client.get("/customer"), 429, 429)  # still the same period
            control.put("/clock", json={"advanceSeconds": 2}).raise_for_status()
            again = client.get("/customer")
            assert again.status_code == 200
            assert again.headers["X-Rate-Limit-Remaining"] == "1"
    finally:
        control.put("/clock", json={"reset": True})


def test_rate_limit_is_per_consumer_and_employee_token_not_per_session(
    sandbox_server: SandboxServer, sandbox_company: SandboxCompany
) -> None:
    # A second company of the same application: same consumer token, its own employee token.
    colleague = new_sandbox_company(sandbox_server, consumerToken=sandbox_company.consumer_token)
    control = sandbox_company.control()
    for company in (sandbox_company, colleague):
        control.put("/rate-limit", json={"limit": 3, "period": 600, "companyId": company.company_id})
    first, second = sandbox_company.create_session(), sandbox_company.create_session()
    with sandbox_company.client(first) as one, sandbox_company.client(second) as other:
        assert one.get("/customer").status_code == 200
        _error(other.get("/customer"), 429, 429)  # two session creates and one call used the three
    with colleague.client() as separate:
        assert separate.get("/customer").status_code == 200


# --- faults ---------------------------------------------------------------------------------------


# Only the wait for the answer is short: a slow connect on a loaded machine must not pass for the delay.
_READ_ONLY_SHORT = httpx.Timeout(10.0, read=0.2)


def _fault(company: SandboxCompany, **body: object) -> None:
    company.control().post("/faults", json={"companyId": company.company_id, **body}).raise_for_status()


@pytest.mark.parametrize("status", [500, 502, 503])
def test_fault_status_for_the_next_n_matching_requests(sandbox_company: SandboxCompany, status: int) -> None:
    with sandbox_company.client() as client:
        _fault(sandbox_company, method="GET", path="/v2/customer", kind="status", status=status, count=2)
        assert client.post("/customer", json={"name": "Ikke rammet"}).status_code == 201
        _error(client.get("/customer"), status, 1000)
        _error(client.get("/customer"), status, 1000)
        assert client.get("/customer").status_code == 200


def test_fault_drop_connection(sandbox_company: SandboxCompany) -> None:
    with sandbox_company.client() as client:
        _fault(sandbox_company, method="GET", path="/v2/customer*", kind="drop")
        with pytest.raises(httpx.TransportError):
            client.get("/customer")
        assert client.get("/customer").status_code == 200


def test_fault_drop_before_a_write_writes_nothing(sandbox_company: SandboxCompany) -> None:
    with sandbox_company.client() as client:
        _fault(sandbox_company, method="POST", path="/v2/customer", kind="drop")
        with pytest.raises(httpx.TransportError):
            client.post("/customer", json={"name": "Aldri skrevet"})
        assert client.get("/customer", params={"customerName": "Aldri skrevet"}).json()["values"] == []


def test_fault_commit_then_drop_response(sandbox_company: SandboxCompany) -> None:
    with sandbox_company.client() as client:
        _fault(sandbox_company, method="POST", path="/v2/customer", kind="drop_after_commit")
        with pytest.raises(httpx.TransportError):
            client.post("/customer", json={"name": "Tapt svar"})
        # The write happened even though the answer was lost.
        found = client.get("/customer", params={"customerName": "Tapt svar"}).json()["values"]
        assert len(found) == 1


def test_fault_delay(sandbox_company: SandboxCompany) -> None:
    with sandbox_company.client() as client:
        _fault(sandbox_company, method="GET", path="/v2/customer", kind="delay", delaySeconds=0.6)
        with pytest.raises(httpx.ReadTimeout):
            client.get("/customer", timeout=_READ_ONLY_SHORT)


def test_fault_delay_after_commit_holds_the_answer_of_a_done_write(sandbox_company: SandboxCompany) -> None:
    with sandbox_company.client() as client:
        _fault(
            sandbox_company, method="POST", path="/v2/customer", kind="delay_after_commit", delaySeconds=0.6
        )
        with pytest.raises(httpx.ReadTimeout):
            client.post("/customer", json={"name": "Holdt svar"}, timeout=_READ_ONLY_SHORT)
        # Written before the answer was held back.
        found = client.get("/customer", params={"customerName": "Holdt svar"}).json()["values"]
        assert len(found) == 1


def test_stats_count_calls_per_company(sandbox_company: SandboxCompany) -> None:
    with sandbox_company.client() as client:
        client.get("/customer")
        client.get("/customer")
        created = client.post("/customer", json={"name": "Telling"}).json()["value"]
        client.get(f"/customer/{created['id']}")
    stats = sandbox_company.control().get("/stats", params={"companyId": sandbox_company.company_id}).json()
    counts = {(v["method"], v["path"]): v["count"] for v in stats["values"]}
    assert counts[("GET", "/v2/customer")] == 2
    assert counts[("POST", "/v2/customer")] == 1
    assert counts[("GET", "/v2/customer/{id}")] == 1


def test_session_tokens_never_appear_in_stats_or_reprs(sandbox_server: SandboxServer) -> None:
    company = new_sandbox_company(sandbox_server)
    token = company.create_session()
    with company.client(token) as client:
        assert client.delete(f"/token/session/{token}").status_code == 204
    stats = company.control().get("/stats").text
    assert token not in stats
    assert "/v2/token/session/{token}" in stats
    session_reprs = repr(list(sandbox_server.state.sessions.values()))
    employee_reprs = repr(list(sandbox_server.state.employee_tokens.values()))
    assert company.employee_token not in employee_reprs
    assert company.consumer_token not in session_reprs + employee_reprs


def test_fault_429_storm_without_reset_header(sandbox_company: SandboxCompany) -> None:
    with sandbox_company.client() as client:
        _fault(sandbox_company, method="*", path="/v2/*", kind="status", status=429, count=2)
        for _ in range(2):
            storm = client.get("/customer")
            _error(storm, 429, 429)
            assert "X-Rate-Limit-Reset" not in storm.headers
            assert storm.headers["X-Rate-Limit-Remaining"] == "0" and storm.headers["X-Rate-Limit-Limit"]
        assert client.get("/customer").status_code == 200
    refused = sandbox_company.control().post(
        "/faults", json={"path": "/v2/*", "kind": "status", "status": 404}
    )
    assert refused.status_code == 422


def test_bulk_update_refused_on_a_later_item_changes_nothing(sandbox_client: httpx.Client) -> None:
    first, second = _customers(sandbox_client, ["Først AS", "Andre AS"])
    refused = sandbox_client.put(
        "/customer/list",
        json=[
            {"id": first["id"], "name": "Først endret AS"},
            {"id": second["id"], "customerNumber": first["customerNumber"]},  # a number in use
        ],
    )
    body = _error(refused, 422, 18000)
    assert body["validationMessages"][0]["field"] == "customerNumber"  # type: ignore[index]
    kept = sandbox_client.get(f"/customer/{first['id']}").json()["value"]
    assert (kept["name"], kept["version"]) == ("Først AS", first["version"])


def test_bulk_account_and_product_group_creates_are_all_or_nothing(sandbox_client: httpx.Client) -> None:
    """A refused item in /list leaves nothing behind, as for every other bulk create."""
    before = sandbox_client.get("/ledger/account", params={"count": 10000}).json()["values"]
    refused = sandbox_client.post(
        "/ledger/account/list",
        json=[{"number": 3991, "name": "Ny konto"}, {"number": 3991, "name": "Samme nummer"}],
    )
    assert refused.status_code == 422, refused.text
    after = sandbox_client.get("/ledger/account", params={"count": 10000}).json()["values"]
    assert len(after) == len(before)

    groups_before = sandbox_client.get("/product/group").json()["values"]
    refused = sandbox_client.post("/product/group/list", json=[{"name": "Drikke"}, {"name": "Drikke"}])
    assert refused.status_code == 422, refused.text
    assert sandbox_client.get("/product/group").json()["values"] == groups_before


def test_a_fault_scoped_to_a_company_never_fires_for_another(sandbox_server: SandboxServer) -> None:
    mine, other = new_sandbox_company(sandbox_server), new_sandbox_company(sandbox_server)
    _fault(mine, method="GET", path="/v2/customer", kind="status", status=500, count=1)
    with other.client() as client:
        assert client.get("/customer").status_code == 200
    with mine.client() as client:
        assert client.get("/customer").status_code == 500
        assert client.get("/customer").status_code == 200  # used up
