"""Resources above Tripletex's 10,000-row limit, read in windows (flows/sync/reader.py), against the
sandbox over real HTTP: 25,000 customers read completely and each once by the initial sync's pull,
a pull killed mid-window continuing from its committed cursor, employees windowed by department and
projects by start date (with a company's own smaller limit, to keep the data small), and the nightly
reconcile's windowed full read finding a delete."""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from tests.flows.sync.rt_env import RtEnv, rt_env_fixture  # noqa: F401
from txbridge.flows.sync import initial, reader
from txbridge.flows.sync import reconcile as rc
from txbridge.flows.sync.errors import SyncError
from txbridge.flows.sync.realtime import api_calls, connection_client
from txbridge.store import SyncCursor, SyncResource, TripletexObject

BIG = 25_000


def bulk_customers(env: RtEnv, count: int, **body: Any) -> tuple[int, int]:
    with env.control() as control:
        answer = control.post(
            f"/companies/{env.company.company_id}/customers", json={"count": count, **body}, timeout=60
        )
    answer.raise_for_status()
    return int(answer.json()["firstId"]), int(answer.json()["lastId"])


def limit_rows(env: RtEnv, rows: int | None) -> None:
    with env.control() as control:
        control.put(
            f"/companies/{env.company.company_id}/limits", json={"maxResultSize": rows}
        ).raise_for_status()


def stored_ids(env: RtEnv, resource: SyncResource) -> list[int]:
    with env.db.reading() as session:
        return list(
            session.scalars(
                select(TripletexObject.tripletex_id).where(
                    TripletexObject.connection_id == env.connection_id, TripletexObject.resource == resource
                )
            )
        )


class Counting(httpx.HTTPTransport):
    """Counts the rows each list answer carries, by id: a row read twice shows."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: Counter[int] = Counter()
        self.refused = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        response.read()
        if response.status_code == 422 and b"23000" in response.content:
            self.refused += 1
        elif request.method == "GET" and response.status_code == 200 and b'"values"' in response.content:
            self.rows.update(int(v["id"]) for v in response.json()["values"])
        return response


def pull(
    env: RtEnv,
    resource: SyncResource,
    transport: httpx.BaseTransport | None = None,
    page_size: int = reader.PAGE_SIZE,
) -> int:
    with connection_client(env.db, env.settings, env.connection_id, None, transport) as (_c, api):
        initial._pull(env.db, api, env.connection_id, resource, page_size, None)
        return api_calls(api)


def test_25000_customers_are_read_in_windows_completely_and_each_once(rt_env: RtEnv) -> None:
    first, last = bulk_customers(rt_env, BIG, inactiveEvery=10)
    with rt_env.api() as api:  # the whole list is refused, as Tripletex refuses it
        assert api.get("/customer", params={"fields": "id", "count": 1}).json()["code"] == 23000
    counting = Counting()
    with connection_client(rt_env.db, rt_env.settings, rt_env.connection_id, None, counting) as (_c, api):
        pages = list(reader.read_resource(api, SyncResource.CUSTOMER, fields="id"))
    read = [r["id"] for p in pages for r in p.rows]
    assert len(read) == BIG and set(read) == set(range(first, last + 1))
    assert sum(counting.rows.values()) == BIG and max(counting.rows.values()) == 1
    # Refused: the whole list and the active customers (22,500); read: the 2,500 inactive in 3 pages,
    # the active in runs of 1,000 customer numbers, and the walk's empty runs below and above.
    assert counting.refused == 2
    assert pages[-1].last and pages[-1].windows is None and pages[-1].version_digest is None


def _killed_pull_resumes(
    env: RtEnv, monkeypatch: pytest.MonkeyPatch, count: int, page_size: int, kill_at: int
) -> int:
    """Kill the pull in the transaction of page ``kill_at`` (counting pages with rows): that page's
    rows and cursor are not committed, everything before is. Then run it again. Returns the position
    in its window the cursor had kept."""
    first, last = bulk_customers(env, count, inactiveEvery=10)
    real, pages, committed = initial._store_page, {"n": 0}, {"rows": 0}

    def dies(*args: Any) -> None:
        pages["n"] += bool(args[3])
        if pages["n"] == kill_at:
            raise KeyboardInterrupt
        real(*args)
        committed["rows"] += len(args[3])

    monkeypatch.setattr(initial, "_store_page", dies)
    with pytest.raises(KeyboardInterrupt):
        pull(env, SyncResource.CUSTOMER, page_size=page_size)
    monkeypatch.setattr(initial, "_store_page", real)
    assert len(stored_ids(env, SyncResource.CUSTOMER)) == committed["rows"] > 1_000
    with env.db.reading() as session:
        cursor = session.get(SyncCursor, (env.connection_id, SyncResource.CUSTOMER, initial.PURPOSE))
        assert cursor is not None and cursor.step == initial.PULL
        kept = reader.saved_windows(cursor.windows)
        assert kept and kept[0]["isInactive"] is False and "_numbers" in kept[0]
        position = cursor.position

    counting = Counting()
    pull(env, SyncResource.CUSTOMER, counting, page_size=page_size)
    ids = stored_ids(env, SyncResource.CUSTOMER)
    assert len(ids) == count and set(ids) == set(range(first, last + 1))
    # The rerun continued from the committed cursor: no row twice, and no row the first run had
    # stored but the one page a read stepped back in the middle of a window (rows may have shifted).
    stepped_back = page_size if position else 0
    assert sum(counting.rows.values()) == count - committed["rows"] + stepped_back
    assert max(counting.rows.values()) == 1
    with env.db.reading() as session:
        cursor = session.get(SyncCursor, (env.connection_id, SyncResource.CUSTOMER, initial.PURPOSE))
        assert cursor is not None and cursor.step == initial.MATCH and cursor.windows is None
    return position


def test_a_pull_killed_in_the_middle_of_its_windows_continues_from_its_cursor(
    rt_env: RtEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    limit_rows(rt_env, 2_000)  # Tripletex's limit, scaled down: 5,000 customers, 4,500 of them active
    # Pages of 500: a run of 1,000 customer numbers (900 active customers) is two pages, and the 5th
    # page with rows is the second of the third run: killed in the middle of a window.
    assert _killed_pull_resumes(rt_env, monkeypatch, 5_000, page_size=500, kill_at=5) == 500


@pytest.mark.long
def test_25000_customers_pulled_and_killed_in_the_middle_of_its_windows(
    rt_env: RtEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    _killed_pull_resumes(rt_env, monkeypatch, BIG, page_size=reader.PAGE_SIZE, kill_at=8)


def test_a_read_refused_whole_splits_each_resource_by_its_own_filter(rt_env: RtEnv) -> None:
    """Employees by department, projects by start date; under the limit nothing changes."""
    with rt_env.api() as api:
        owner = api.get("/employee", params={"fields": "id,department(id)"}).json()["values"][0]
        departments = [owner["department"]["id"]] + [
            api.post("/department", json={"name": f"Avd {n}", "departmentNumber": str(n + 2)}).json()[
                "value"
            ]["id"]
            for n in range(3)
        ]
        bodies = [
            {"firstName": f"F{n}", "lastName": f"E{n}", "department": {"id": departments[n % 4]}}
            for n in range(30)
        ]
        api.post("/employee/list", json=bodies).raise_for_status()
        customer = api.post("/customer", json={"name": "Byggherre AS"}).json()["value"]
        projects = [
            {
                "name": f"P{n}",
                "projectManager": {"id": owner["id"]},
                "customer": {"id": customer["id"]},
                "startDate": f"{2000 + n % 25}-0{1 + n % 9}-1{n % 10}",
            }
            for n in range(40)
        ]
        api.post("/project/list", json=projects).raise_for_status()
        employees = {e["id"] for e in api.get("/employee", params={"fields": "id"}).json()["values"]}
        project_ids = {p["id"] for p in api.get("/project", params={"fields": "id"}).json()["values"]}
    limit_rows(rt_env, 12)
    with connection_client(rt_env.db, rt_env.settings, rt_env.connection_id, None, None) as (_c, api):
        for resource, expected in ((SyncResource.EMPLOYEE, employees), (SyncResource.PROJECT, project_ids)):
            read = [
                r["id"] for p in reader.read_resource(api, resource, fields="id", page_size=5) for r in p.rows
            ]
            assert sorted(read) == sorted(expected), resource
    limit_rows(rt_env, None)
    with connection_client(rt_env.db, rt_env.settings, rt_env.connection_id, None, None) as (_c, api):
        before = api_calls(api)
        pages = list(reader.read_resource(api, SyncResource.PROJECT, fields="id"))
        assert api_calls(api) - before == 1 and pages[0].windows is None and pages[0].version_digest


def test_a_window_that_cannot_split_stops_with_a_catalog_message(rt_env: RtEnv) -> None:
    bulk_customers(rt_env, 30)
    limit_rows(rt_env, 5)  # a run of customer numbers holds 30 (> 5), and runs do not split
    with (
        connection_client(rt_env.db, rt_env.settings, rt_env.connection_id, None, None) as (_c, api),
        pytest.raises(SyncError) as stopped,
    ):
        list(reader.read_resource(api, SyncResource.CUSTOMER, fields="id"))
    assert stopped.value.message.id == "sync_window_too_large"
    assert "isInactive=False" in str(stopped.value.message)


def test_the_reconcile_reads_a_list_above_the_limit_in_windows_and_finds_a_delete(rt_env: RtEnv) -> None:
    bulk_customers(rt_env, 60, inactiveEvery=3)
    limit_rows(rt_env, 45)  # the whole list (60) is refused, the active (40) and inactive (20) fit
    rc.reconcile_connection(
        rt_env.db, rt_env.settings, rt_env.connection_id, resources=[SyncResource.CUSTOMER]
    )
    assert len(stored_ids(rt_env, SyncResource.CUSTOMER)) == 60
    gone = min(stored_ids(rt_env, SyncResource.CUSTOMER))  # the first: active, so linked and announced
    with rt_env.api() as api:
        api.delete(f"/customer/{gone}").raise_for_status()
    result = rc.reconcile_connection(
        rt_env.db, rt_env.settings, rt_env.connection_id, resources=[SyncResource.CUSTOMER]
    )
    assert result.of(SyncResource.CUSTOMER).deleted == 1
    with rt_env.db.reading() as session:
        deleted = session.scalar(
            select(func.count())
            .select_from(TripletexObject)
            .where(TripletexObject.connection_id == rt_env.connection_id, TripletexObject.deleted.is_(True))
        )
    assert deleted == 1
