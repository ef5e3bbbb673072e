"""Voucher types (``/ledger/voucherType``) over real HTTP: Tripletex's standard types, read only."""

from __future__ import annotations

import httpx


def test_voucher_types_search_and_get(sandbox_client: httpx.Client) -> None:
    everything = sandbox_client.get("/ledger/voucherType").json()
    names = [v["name"] for v in everything["values"]]
    assert {"Utgående faktura", "Leverandørfaktura", "Memorialbilag"} <= set(names)
    found = sandbox_client.get("/ledger/voucherType", params={"name": "faktura"}).json()["values"]
    assert found and all("faktura" in v["name"].lower() for v in found)
    one = sandbox_client.get(f"/ledger/voucherType/{found[0]['id']}").json()["value"]
    assert (one["name"], one["displayName"]) == (found[0]["name"], found[0]["name"])
    sorted_names = [
        v["name"]
        for v in sandbox_client.get("/ledger/voucherType", params={"sorting": "name"}).json()["values"]
    ]
    assert sorted_names == sorted(names)


def test_read_only_and_missing(sandbox_client: httpx.Client) -> None:
    assert sandbox_client.get("/ledger/voucherType/999999").status_code == 404
    # Tripletex has no POST here: the sandbox answers 405 like any method the path does not take.
    assert sandbox_client.post("/ledger/voucherType", json={"name": "Egen"}).status_code in (404, 405)
