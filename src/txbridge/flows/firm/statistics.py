"""Monthly work statistics per linked client: read from Tripletex, counted, stored per
client / month / field (overwriting), as an import of one month or a reload of the last 12.

Contract (CONTRACTS §3); the bodies follow in the next commits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from txbridge.catalog import Message
from txbridge.jobs.model import JobInfo
from txbridge.settings import Settings
from txbridge.store import Database
from txbridge.tripletex import Tripletex

#: «Reload data» reads this many months, the current one included.
RELOAD_MONTHS = 12


class StatisticsError(Exception):
    """An import or reload that cannot go on; ``message`` is the catalog message to show."""

    def __init__(self, message: Message) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class ImportResult:
    run_id: int
    months: tuple[str, ...]
    clients_done: int
    clients_failed: int
    #: Values written (client × month × mapped field).
    values_written: int
    api_calls: int
    #: Of those calls, how many Tripletex answered 304 (nothing changed since the last read).
    not_modified: int
    #: Per client that could not be read: its firm client id and the catalog message.
    failures: dict[int, Message] = field(default_factory=dict)


def import_month(
    db: Database,
    settings: Settings,
    firm_connection_id: int,
    month: str,
    *,
    client_ids: Sequence[int] | None = None,
    client: Tripletex | None = None,
) -> ImportResult:
    """Read and store one month (``YYYY-MM``) of the mapped fields for the firm's linked clients (or
    ``client_ids``), in this process. ``client``: the firm token's client (tests); else one is made
    from the connection."""
    raise NotImplementedError


def start_reload(
    db: Database, settings: Settings, firm_connection_id: int, *, client_id: int | None, requested_by: str
) -> JobInfo:
    """Queue «Reload data»: the last 12 months for every linked client (or ``client_id``), run by
    workers in the background with progress; the firm's running reload if it has one."""
    raise NotImplementedError
