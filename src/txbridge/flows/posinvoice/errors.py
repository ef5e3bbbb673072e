"""The one error of POS invoicing: it carries a catalog message."""

from __future__ import annotations

import httpx

from txbridge.catalog import Message, render
from txbridge.flows import connections
from txbridge.settings import Settings
from txbridge.store import Connection, Database, TokenKeyError
from txbridge.tripletex import Tripletex


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


def client_of(
    connection: Connection, settings: Settings, transport: httpx.BaseTransport | None = None
) -> Tripletex:
    """The connection's client; tokens the configured key cannot decrypt are as good as wrong ones."""
    try:
        return connections.client_for(connection, settings, transport=transport)
    except TokenKeyError:
        raise PosInvoiceError(render("authentication_unsuccessful")) from None
