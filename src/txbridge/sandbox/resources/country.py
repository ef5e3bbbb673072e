"""Country: search and get (reference data Tripletex shares between companies; read only).

The ids are Tripletex's own (Norway is 161, Sweden 195, Denmark 48 …), as integrators' public code
hard-codes them for addresses (``"country": {"id": 161}``), so a client that does that works here.
"""

from __future__ import annotations

from fastapi import APIRouter, Response

from txbridge.sandbox.context import Ctx, CtxDep, id_list
from txbridge.sandbox.state import Row

router = APIRouter()
SCHEMA = "Country"
NORWAY_ID = 161

# (Tripletex id, name in Norwegian, ISO 3166 alpha-2, alpha-3, numeric)
COUNTRIES: tuple[tuple[int, str, str, str, str], ...] = (
    (161, "Norge", "NO", "NOR", "578"),
    (195, "Sverige", "SE", "SWE", "752"),
    (48, "Danmark", "DK", "DNK", "208"),
    (66, "Tyskland", "DE", "DEU", "276"),
    (62, "Frankrike", "FR", "FRA", "250"),
    (192, "Spania", "ES", "ESP", "724"),
    (171, "Portugal", "PT", "PRT", "620"),
    (217, "Storbritannia", "GB", "GBR", "826"),
    (218, "USA", "US", "USA", "840"),
    (27, "Brasil", "BR", "BRA", "076"),
)


def countries(ctx: Ctx) -> dict[int, Row]:
    """The company's country table, filled on first use."""
    table = ctx.company.table(SCHEMA)
    if not table:
        with ctx.state.lock:
            for country_id, name, alpha2, alpha3, numeric in COUNTRIES:
                table[country_id] = {
                    "id": country_id,
                    "version": 0,
                    "name": name,
                    "displayName": name,
                    "isoAlpha2Code": alpha2,
                    "isoAlpha3Code": alpha3,
                    "isoNumericCode": numeric,
                }
    return table


@router.get("/country")
async def search(
    ctx: CtxDep,
    id: str | None = None,
    code: str | None = None,
    isDisabled: bool | None = None,
    supportedInZtl: bool | None = None,
) -> Response:
    """``code`` matches the ISO alpha-2 or alpha-3 code; none of the countries here is disabled and
    ``supportedInZtl`` (Zdata payments) is not modelled, so they filter nothing but a ``true``
    ``isDisabled``."""
    ids = id_list(id)
    codes = {c.strip().upper() for c in code.split(",")} if code else None
    rows = [
        r
        for r in countries(ctx).values()
        if (ids is None or r["id"] in ids)
        and (codes is None or r["isoAlpha2Code"] in codes or r["isoAlpha3Code"] in codes)
        and not isDisabled
    ]
    return ctx.listing(rows, SCHEMA)


@router.get("/country/{id}")
async def get(id: int, ctx: CtxDep) -> Response:
    countries(ctx)
    return ctx.single(ctx.get(SCHEMA, id), SCHEMA)
