"""Which foreign currencies the connected company knows, asked once per export before anything is sent.

Intake checks that a currency is an ISO 4217 code; whether the company can invoice in it is Tripletex's
to say, so the export asks: a code Tripletex does not list, or lists as disabled, is unknown, and each
invoice in it fails alone with ``currency_not_supported`` (the rest of the batch goes). One look-up
per distinct code, not per invoice."""

from __future__ import annotations

import functools
from collections.abc import Iterable

from txbridge.flows.outbound.context import RunContext

CURRENCY_FIELDS = "id,code,isDisabled"


def company_currencies(run: RunContext, codes: Iterable[str]) -> dict[str, int | None]:
    """Tripletex's id of each code the company can use, or None when it does not know the code."""
    found: dict[str, int | None] = {}
    for code in codes:
        page = run.api(
            functools.partial(run.client.currencies.list, code=code, fields=CURRENCY_FIELDS, count=10)
        )
        usable = [c.id for c in page.values if c.code == code and c.id is not None and not c.isDisabled]
        found[code] = usable[0] if usable else None
    return found
