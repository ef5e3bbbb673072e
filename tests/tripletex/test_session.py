from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest

from txbridge.tripletex import AuthenticationError, Tripletex
from txbridge.tripletex._session import OSLO, RENEW_MARGIN, SessionManager

from .conftest import FakeApi, FakeClock, basic_password, basic_user, error, ok, page

CREATE = "/token/session/:create"
WHO = "/token/session/>whoAmI"


def test_session_is_created_lazily_and_reused(make_client: Callable[..., Tripletex], api: FakeApi) -> None:
    api.on("GET", "/customer", page([]))
    client = make_client()
    assert api.requests == []
    client.who_am_i()
    client.who_am_i()
    client.customers.list()
    assert len(api.calls("PUT", CREATE)) == 1
    assert client.stats.sessions_created == 1
    tokens = {basic_password(r) for r in api.calls("GET")}
    assert tokens == {api.session_tokens[0]}
    assert {basic_user(r) for r in api.calls("GET")} == {"0"}


def test_expiration_date_is_days_ahead_in_norwegian_time(
    make_client: Callable[..., Tripletex], api: FakeApi, clock: FakeClock
) -> None:
    # 23:30 UTC on 10 March is already 11 March in Oslo: the date counts from the Norwegian day.
    clock.start = datetime(2026, 3, 10, 23, 30, tzinfo=UTC)
    make_client(expiration_days=2).who_am_i()
    assert api.calls("PUT", CREATE)[0].url.params["expirationDate"] == "2026-03-13"


def test_expiration_is_never_today(api: FakeApi) -> None:
    manager = SessionManager(expiration_days=1)
    now = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
    assert manager.expiration_date(now) > now.astimezone(OSLO).date()
    with pytest.raises(ValueError):
        SessionManager(expiration_days=0)


def test_session_is_renewed_before_its_midnight(
    make_client: Callable[..., Tripletex], api: FakeApi, clock: FakeClock
) -> None:
    clock.start = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    client = make_client(expiration_days=1)
    client.who_am_i()
    dies_at = datetime(2026, 3, 11, 0, 0, tzinfo=OSLO)
    # Still well inside the session: no renewal.
    clock.advance((dies_at - RENEW_MARGIN - clock.now()).total_seconds() - 60)
    client.who_am_i()
    assert len(api.calls("PUT", CREATE)) == 1
    # Within the margin before midnight: renewed before the call, the call uses the new token.
    clock.advance(120)
    client.who_am_i()
    creates = api.calls("PUT", CREATE)
    assert len(creates) == 2
    assert creates[1].url.params["expirationDate"] == "2026-03-11"
    assert basic_password(api.calls("GET", WHO)[-1]) == api.session_tokens[1]
    # No 401 was needed to find out.
    assert client.stats.by_status.get(401) is None


def test_one_401_renews_the_session_and_repeats_the_call(
    make_client: Callable[..., Tripletex], api: FakeApi
) -> None:
    api.on("GET", "/customer/1", error(401, 3000, "Utløpt"), ok({"id": 1, "name": "Ola"}))
    client = make_client()
    assert client.customers.get(1).name == "Ola"
    calls = api.calls("GET", "/customer/1")
    assert len(calls) == 2
    assert basic_password(calls[0]) == api.session_tokens[0]
    assert basic_password(calls[1]) == api.session_tokens[1]


def test_a_second_401_is_an_authentication_error(make_client: Callable[..., Tripletex], api: FakeApi) -> None:
    api.on("GET", "/customer/1", error(401, 3000, "Ugyldig"))
    with pytest.raises(AuthenticationError) as info:
        make_client().customers.get(1)
    assert info.value.code == 3000
    assert len(api.calls("PUT", CREATE)) == 2
    assert len(api.calls("GET", "/customer/1")) == 2


def test_refused_tokens_fail_at_session_creation_without_looping(
    make_client: Callable[..., Tripletex], api: FakeApi
) -> None:
    api.on("PUT", CREATE, error(401, 3000, "Feil token"))
    with pytest.raises(AuthenticationError):
        make_client().who_am_i()
    assert len(api.calls("PUT", CREATE)) == 1
    assert api.calls("GET") == []


def test_close_deletes_the_session_token(make_client: Callable[..., Tripletex], api: FakeApi) -> None:
    client = make_client()
    client.who_am_i()
    token = api.session_tokens[0]
    client.close()
    deletes = api.calls("DELETE")
    assert len(deletes) == 1
    assert deletes[0].url.path == f"/v2/token/session/{token}"
    client.close()
    assert len(api.calls("DELETE")) == 1


def test_close_without_a_session_sends_nothing(make_client: Callable[..., Tripletex], api: FakeApi) -> None:
    with make_client():
        pass
    assert api.requests == []


def test_close_survives_a_failing_delete(make_client: Callable[..., Tripletex], api: FakeApi) -> None:
    client = make_client()
    client.who_am_i()
    api.on("DELETE", f"/token/session/{api.session_tokens[0]}", error(401, 3000))
    client.close()  # nothing raised; a dead session needs no deleting
    assert len(api.calls("PUT", CREATE)) == 1


def test_concurrent_threads_create_one_session(make_client: Callable[..., Tripletex], api: FakeApi) -> None:
    client = make_client()
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            barrier.wait()
            client.who_am_i()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(api.calls("PUT", CREATE)) == 1
    assert len(api.calls("GET", WHO)) == 8


def test_accountant_client_acts_for_another_company_with_the_same_session(
    make_client: Callable[..., Tripletex], api: FakeApi
) -> None:
    api.on(
        "GET",
        "/company/>withLoginAccess",
        page([{"id": 501, "name": "Klient A"}, {"id": 502, "name": "Klient B"}]),
    )
    parent = make_client()
    clients = parent.companies.with_login_access()
    assert [c.name for c in clients] == ["Klient A", "Klient B"]
    child = parent.for_company(502)
    info = child.test_connection()
    assert info.company_id == 502 and info.company_name == "Fjord AS"
    assert basic_user(api.calls("GET", WHO)[-1]) == "502"
    assert len(api.calls("PUT", CREATE)) == 1  # shared session
    assert child.stats is parent.stats and child._limiter is parent._limiter
    child.close()  # the child owns nothing
    assert api.calls("DELETE") == []
    parent.close()
    assert len(api.calls("DELETE")) == 1


def test_test_connection_reads_name_and_id_in_one_call(
    make_client: Callable[..., Tripletex], api: FakeApi
) -> None:
    info = make_client().test_connection()
    assert (info.company_id, info.company_name, info.employee_id) == (1001, "Fjord AS", 7)
    assert len(api.calls("GET")) == 1
    assert "company(id,name)" in api.calls("GET", WHO)[0].url.params["fields"]


def test_test_connection_falls_back_to_the_company(
    make_client: Callable[..., Tripletex], api: FakeApi
) -> None:
    api.on("GET", WHO, ok({"employeeId": 3, "companyId": 77, "company": {"id": 77}}))
    api.on("GET", "/company/77", ok({"id": 77, "name": "Bakeriet AS"}))
    info = make_client().test_connection()
    assert info.company_name == "Bakeriet AS" and info.company_id == 77


def test_session_manager_forgets_only_the_stale_token() -> None:
    manager = SessionManager()
    now = datetime(2026, 1, 5, 10, tzinfo=UTC)
    manager.accept("A", date(2026, 1, 8))
    manager.invalidate("B")
    assert manager.current(now) == "A"
    manager.invalidate("A")
    assert manager.current(now) is None
    manager.accept("C", date(2026, 1, 6))
    assert manager.current(datetime(2026, 1, 5, 22, 30, tzinfo=UTC) - timedelta(hours=1)) == "C"
    assert manager.current(datetime(2026, 1, 5, 22, 30, tzinfo=UTC)) is None  # 23:30 Oslo, inside the margin


@pytest.mark.parametrize(
    ("created", "days", "expiration", "renew_from_utc"),
    [
        # Summer time (UTC+2): the session dies at 22:00 UTC, so it is renewed from 21:00 UTC.
        (
            datetime(2026, 6, 30, 8, 0, tzinfo=UTC),
            1,
            date(2026, 7, 1),
            datetime(2026, 6, 30, 21, 0, tzinfo=UTC),
        ),
        # Created in winter time, dies after the spring change (29 March 2026): summer-time midnight.
        (
            datetime(2026, 3, 27, 10, 0, tzinfo=UTC),
            3,
            date(2026, 3, 30),
            datetime(2026, 3, 29, 21, 0, tzinfo=UTC),
        ),
        # Created in summer time, dies after the autumn change (25 October 2026): winter-time midnight.
        (
            datetime(2026, 10, 23, 10, 0, tzinfo=UTC),
            3,
            date(2026, 10, 26),
            datetime(2026, 10, 25, 22, 0, tzinfo=UTC),
        ),
        # Dies on the night of the spring change itself (the change is at 02:00, after midnight).
        (
            datetime(2026, 3, 27, 10, 0, tzinfo=UTC),
            2,
            date(2026, 3, 29),
            datetime(2026, 3, 28, 22, 0, tzinfo=UTC),
        ),
    ],
)
def test_renewal_follows_norwegian_midnight_across_daylight_saving(
    make_client: Callable[..., Tripletex],
    api: FakeApi,
    clock: FakeClock,
    created: datetime,
    days: int,
    expiration: date,
    renew_from_utc: datetime,
) -> None:
    clock.start = created
    client = make_client(expiration_days=days)
    client.who_am_i()
    assert api.calls("PUT", CREATE)[0].url.params["expirationDate"] == expiration.isoformat()
    clock.advance((renew_from_utc - created).total_seconds() - 60)  # a minute before the margin
    client.who_am_i()
    assert len(api.calls("PUT", CREATE)) == 1
    clock.advance(120)  # a minute into it
    client.who_am_i()
    assert len(api.calls("PUT", CREATE)) == 2
