"""Read models the CLI and the web share: plain functions over the store that return frozen
dataclasses, each in a fixed number of queries whatever the size of the data (no N+1), paginated
where a list can be long. Stored messages come back as catalog :class:`~txbridge.catalog.Message`
objects, so each caller shows them in its user's language: ``row.message.text(lang)`` and
``row.message.fix(lang, batch=row.batch_id)`` (the fix then names that batch's commands).

    rows = views.connections.list_connections(db)
    page = views.batches.list_batches(db, connection_id, offset=0, limit=50)
    detail = views.batches.batch_detail(db, batch_id, status=ItemStatus.FAILED)
    where = views.invoices.find_invoice(db, connection_id, "100018")
    log = views.log.list_log(db, connection_id=connection_id, level=LogLevel.ERROR)
"""

from txbridge.flows.views import batches, connections, invoices, log
from txbridge.flows.views.page import Page

__all__ = ["Page", "batches", "connections", "invoices", "log"]
