"""Errors of the intake flows that stop a whole import (one item's problem is a rejection instead)."""

from __future__ import annotations

from txbridge.catalog import render


class ConnectionNotFoundError(LookupError):
    def __init__(self, connection: object) -> None:
        self.message = render("connection_not_found", connection=connection)
        super().__init__(str(self.message))
