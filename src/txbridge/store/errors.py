"""Why the store cannot start here: each error carries the catalog message to show (no traceback)."""

from __future__ import annotations

from txbridge.catalog import Message


class StoreSetupError(Exception):
    """The store cannot be used as configured (schema not upgraded, token key missing)."""

    def __init__(self, message: Message) -> None:
        super().__init__(str(message))
        self.message = message


class SchemaNotCurrentError(StoreSetupError):
    """The database's schema is not the one this version needs; ``txbridge db upgrade`` fixes it
    (or, for a schema newer than this version, upgrading the program)."""
