"""One module per kind of outbound document (see :mod:`txbridge.flows.outbound.kind`).

A kind is found by the batch's :class:`~txbridge.store.OutboundKind`; its module is imported only
when a batch of that kind is exported (the kinds build on the flows above the engine)."""

from __future__ import annotations

import importlib
from typing import Any

from txbridge.flows.outbound.kind import KindPlugin
from txbridge.store import OutboundKind

#: The module and class of each kind; add a line per kind (at the end).
KINDS: dict[OutboundKind, tuple[str, str]] = {
    OutboundKind.INVOICE: ("txbridge.flows.outbound.kinds.invoices", "InvoiceKind"),
    OutboundKind.DAY_SALES: ("txbridge.flows.outbound.kinds.day_sales", "DaySalesKind"),
    OutboundKind.HOURS: ("txbridge.flows.outbound.kinds.hours", "HoursKind"),
    OutboundKind.POS_ORDER: ("txbridge.flows.outbound.kinds.pos_invoicing", "PosOrderKind"),
    OutboundKind.COLLECTIVE_INVOICE: ("txbridge.flows.outbound.kinds.pos_invoicing", "CollectiveInvoiceKind"),
}


def plugin_for(kind: OutboundKind) -> KindPlugin[Any, Any]:
    """The plugin that exports batches of ``kind``."""
    try:
        module, name = KINDS[kind]
    except KeyError:
        raise LookupError(f"no outbound kind {kind!r} in this version") from None
    plugin: KindPlugin[Any, Any] = getattr(importlib.import_module(module), name)()
    return plugin
