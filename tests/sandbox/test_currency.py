"""Currencies over real HTTP."""

from __future__ import annotations

import httpx


def test_currencies_and_search(sandbox_client: httpx.Client) -> None:
    values = sandbox_client.get("/currency").json()["values"]
    assert [c["code"] for c in values] == ["NOK", "SEK", "DKK", "USD", "EUR", "GBP"]
    eur = sandbox_client.get("/currency", params={"code": "EUR"}).json()["values"]
    assert [c["code"] for c in eur] == ["EUR"]
    nok = sandbox_client.get("/currency/1").json()["value"]
    assert (nok["code"], nok["factor"]) == ("NOK", 1)
    assert sandbox_client.get("/currency/999999").status_code == 404


def test_rate_needs_a_date(sandbox_client: httpx.Client) -> None:
    sek = sandbox_client.get("/currency", params={"code": "SEK"}).json()["values"][0]
    rate = sandbox_client.get(f"/currency/{sek['id']}/rate", params={"date": "2026-03-02"}).json()["value"]
    assert rate["sourceCurrency"]["id"] == sek["id"] and rate["targetCurrency"]["id"] == 1
    assert rate["rate"] > 0 and rate["date"] == "2026-03-02"
    missing = sandbox_client.get(f"/currency/{sek['id']}/rate")
    assert (missing.status_code, missing.json()["validationMessages"][0]["field"]) == (422, "date")
