"""The statistic fields counted through the firm's token over real HTTP, against the sandbox's own
true counts for every field and month; reads shared, checksums answered 304 on a second run."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from txbridge.flows.firm.counting import count_client
from txbridge.flows.firm.fields import FIELDS
from txbridge.flows.firm.reads import ClientReads, ReadCache, last_months, vat_returns_due
from txbridge.sandbox.server import SandboxServer
from txbridge.tripletex import Tripletex

MONTHS = last_months("2026-10", 12)
ALL = [f.key for f in FIELDS]


@pytest.fixture(scope="module")
def firm(sandbox_server: SandboxServer) -> dict[str, object]:
    response = httpx.post(
        f"{sandbox_server.control_url}/firm",
        json={"clients": 3, "months": 14, "lastMonth": "2026-10", "seed": 7},
    )
    response.raise_for_status()
    data: dict[str, object] = response.json()
    return data


@pytest.fixture
def tx(sandbox_server: SandboxServer, firm: dict[str, object]) -> Iterator[Tripletex]:
    with Tripletex(
        consumer_token=str(firm["consumerToken"]),
        employee_token=str(firm["employeeToken"]),
        base_url=sandbox_server.base_url,
    ) as client:
        yield client


def _clients(firm: dict[str, object]) -> list[int]:
    ids = firm["clientCompanyIds"]
    assert isinstance(ids, list)
    return [int(i) for i in ids]


def _truth(server: SandboxServer, company_id: int, months: list[str]) -> dict[str, dict[str, int]]:
    response = httpx.get(
        f"{server.control_url}/firm/truth", params={"companyId": company_id, "months": ",".join(months)}
    )
    response.raise_for_status()
    truth: dict[str, dict[str, int]] = response.json()["months"]
    return truth


def test_every_field_and_month_matches_the_sandbox_truth_within_six_calls_per_client_month(
    tx: Tripletex, firm: dict[str, object], sandbox_server: SandboxServer
) -> None:
    client_ids = _clients(firm)
    for company_id in client_ids:
        reads = ClientReads(tx.for_company(company_id), ReadCache())
        counted = count_client(reads, MONTHS, ALL)
        truth = _truth(sandbox_server, company_id, MONTHS)
        assert {m: {k: int(v) for k, v in f.items()} for m, f in counted.items()} == truth
        assert reads.calls / len(MONTHS) <= 6, reads.calls
    # The seed is not empty: every field has some non-zero month somewhere.
    totals = {k: 0 for k in ALL}
    for company_id in client_ids:
        for fields in _truth(sandbox_server, company_id, MONTHS).values():
            for k, v in fields.items():
                totals[k] += v
    assert all(totals[k] > 0 for k in ALL), totals


def test_one_month_then_again_unchanged_answers_304_and_gives_the_same_values(
    tx: Tripletex, firm: dict[str, object], sandbox_server: SandboxServer
) -> None:
    company_id = _clients(firm)[0]
    cache = ReadCache()
    first = ClientReads(tx.for_company(company_id), cache)
    values = count_client(first, ["2026-09"], ALL)
    assert values["2026-09"] == {
        k: v
        for k, v in count_client(ClientReads(tx.for_company(company_id), ReadCache()), ["2026-09"], ALL)[
            "2026-09"
        ].items()
    }
    again = ClientReads(tx.for_company(company_id), ReadCache(cache.known))
    assert count_client(again, ["2026-09"], ALL) == values
    # Every read is a 304 but an empty answer, which has no digest and is read again (which reads
    # are empty depends on the company the sandbox made; order-dependent before this was allowed).
    assert again.not_modified + again.empty == again.calls and again.not_modified > 0
    # Something changed in the month: that read is answered in full, the value follows.
    httpx.post(
        f"{sandbox_server.control_url}/firm/activity",
        json={"companyId": company_id, "month": "2026-09", "saleVouchers": 2},
    ).raise_for_status()
    changed = ClientReads(tx.for_company(company_id), ReadCache(cache.known))
    after = count_client(changed, ["2026-09"], ALL)
    assert after["2026-09"]["sale_entries"] == values["2026-09"]["sale_entries"] + 2
    assert changed.not_modified < changed.calls
    assert {k: int(v) for k, v in after["2026-09"].items()} == _truth(
        sandbox_server, company_id, ["2026-09"]
    )["2026-09"]


def test_only_the_reads_of_wanted_fields_are_made(tx: Tripletex, firm: dict[str, object]) -> None:
    company_id = _clients(firm)[1]
    reads = ClientReads(tx.for_company(company_id), ReadCache())
    values = count_client(reads, ["2026-05"], ["vouchers_posted"])
    assert list(values["2026-05"]) == ["vouchers_posted"]
    assert reads.calls == 1


@pytest.mark.parametrize(
    ("terms", "month", "due"),
    [
        ([("2000-01-01", "TWO_MONTHS")], "2026-04", 1),
        ([("2000-01-01", "TWO_MONTHS")], "2026-05", 0),
        ([("2000-01-01", "TWO_MONTHS")], "2026-02", 1),  # November–December's
        ([("2000-01-01", "YEAR")], "2026-03", 1),
        ([("2000-01-01", "YEAR")], "2026-04", 0),
        ([("2000-01-01", "ONE_MONTH")], "2026-07", 1),
        ([("2000-01-01", "NOT_REGISTERED")], "2026-04", 0),
        ([("2000-01-01", "NOT_REGISTERED"), ("2026-01-01", "TWO_MONTHS")], "2026-04", 1),
    ],
)
def test_vat_returns_due_follow_the_term_size(terms: list[tuple[str, str]], month: str, due: int) -> None:
    assert vat_returns_due(terms, month) == due
