"""The one error of POS invoicing: it carries a catalog message."""

from __future__ import annotations

from txbridge.catalog import Message, render
from txbridge.store import Connection, Database


class PosInvoiceError(Exception):
    """A POS invoicing action that could not be done; ``message`` is the catalog message to show."""

    def __init__(self, message: Message) -> None:
        super().__init__(str(message))
        self.message = message


def connection_of(db: Database, connection_id: int) -> Connection:
    with db.reading() as session:
        connection = session.get(Connection, connection_id)
        if connection is None:
            raise PosInvoiceError(render("connection_not_found", connection=connection_id))
        session.expunge(connection)
        return connection
