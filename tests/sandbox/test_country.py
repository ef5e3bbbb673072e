"""Countries over real HTTP. Tripletex's own ids (Norway 161, Sweden 195, Denmark 48, Germany 66,
United Kingdom 217, USA 218) are the ones integrators' public code hard-codes for addresses."""

from __future__ import annotations

import httpx


def test_countries_by_code_with_tripletex_ids(sandbox_client: httpx.Client) -> None:
    norway = sandbox_client.get("/country", params={"code": "NO"}).json()["values"]
    assert [(c["id"], c["isoAlpha2Code"], c["isoAlpha3Code"], c["isoNumericCode"]) for c in norway] == [
        (161, "NO", "NOR", "578")
    ]
    by_alpha3 = sandbox_client.get("/country", params={"code": "SWE,DNK"}).json()["values"]
    assert sorted(c["id"] for c in by_alpha3) == [48, 195]
    assert sandbox_client.get("/country/161").json()["value"]["name"] == "Norge"
    assert sandbox_client.get("/country/161").json()["value"]["url"].endswith("/country/161")


def test_paging_sorting_and_refusals(sandbox_client: httpx.Client) -> None:
    page = sandbox_client.get("/country", params={"sorting": "-name", "from": 1, "count": 2}).json()
    all_names = sorted((c["name"] for c in sandbox_client.get("/country").json()["values"]), reverse=True)
    assert page["fullResultSize"] == len(all_names) and [c["name"] for c in page["values"]] == all_names[1:3]
    assert sandbox_client.get("/country", params={"isDisabled": True}).json()["values"] == []
    assert sandbox_client.get("/country/999999").status_code == 404
    assert sandbox_client.get("/country", params={"fields": "noSuchField"}).status_code == 400
