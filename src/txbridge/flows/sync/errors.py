"""The one error the sync flows raise: it carries the catalog message to show."""

from __future__ import annotations

from txbridge.catalog import Message


class SyncError(Exception):
    def __init__(self, message: Message) -> None:
        super().__init__(str(message))
        self.message = message
