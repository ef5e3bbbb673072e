"""Reading a whole resource from Tripletex in pages, resumable.

Tripletex has no id-range filter on these lists, so a read pages by ``from`` over the list sorted by
id; the position reached goes into :class:`~txbridge.store.SyncCursor` in the same transaction as
the rows of the page (the caller's job, dlt's pattern). Resuming steps back one page: an object
deleted meanwhile shifts the list left, and re-reading a page only re-applies rows already stored."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from txbridge.flows.sync.fields import TRIPLETEX_FIELDS
from txbridge.store import SyncResource
from txbridge.tripletex import Tripletex

PATHS = {
    SyncResource.CUSTOMER: "/customer",
    SyncResource.EMPLOYEE: "/employee",
    SyncResource.PROJECT: "/project",
}
#: Rows per page (Tripletex answers up to 1000 per call without complaint).
PAGE_SIZE = 1000


@dataclass(frozen=True, slots=True)
class ReadPage:
    rows: list[dict[str, Any]]
    #: The position to resume from once these rows are stored.
    position: int
    last: bool
    version_digest: str | None


def read_resource(
    client: Tripletex,
    resource: SyncResource,
    *,
    fields: str | None = None,
    position: int = 0,
    page_size: int = PAGE_SIZE,
    **search: Any,
) -> Iterator[ReadPage]:
    """Pages of one resource from ``position`` on (a resumed read starts one page earlier)."""
    start = max(0, position - page_size) if position else 0
    params: dict[str, Any] = {"fields": fields or TRIPLETEX_FIELDS[resource], "sorting": "id", **search}
    while True:
        answer = client.request("GET", PATHS[resource], params={**params, "from": start, "count": page_size})
        values = list((answer or {}).get("values") or [])
        start += len(values)
        last = len(values) < page_size
        yield ReadPage(values, start, last, (answer or {}).get("versionDigest"))
        if last:
            return
