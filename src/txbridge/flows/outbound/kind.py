"""What a kind of outbound document plugs into the engine (:mod:`txbridge.flows.outbound`).

The engine is written once: claim before write, reconcile before resend, grace of uncertain writes,
chunking, bisection of refused chunks, the server-error stop rule, the export lease, progress. A kind
(invoices, hours, day sales) brings only what is its own:

* ``preflight``: the one-per-batch reads (chart of accounts, VAT types, mappings, master data); may
  fail every pending item with one catalog message (``run.fail_pending``);
* ``corrections``: optional, run after the preflight and before the sends (hours and day sales
  update, delete or reverse what changed in the host after an earlier export);
* ``check_and_build``: per item, the request body with its never-twice marker, or a ``Refusal``;
* ``send``: ONE bulk call for a chunk, answered as marker → what Tripletex made;
* ``find_by_marker``: the lookup after an unknown outcome (a crash, a timeout, a lost answer);
* ``reference_of``: what the integration reference stores; ``reference_number``: what users see
  of it (invoice number, order number, voucher number, timesheet entry id);
* ``note_of``: optional, what an exported item says beside «exported» (day sales: dated into the next
  open period); kept as the item's message;
* ``split``: how a refused chunk is divided (halves unless the kind says otherwise);
* the words: what an item is called in messages and the log.

Names: :class:`~txbridge.store.OutboundKind` is the StrEnum a batch and its items carry (re-exported
here); :class:`KindPlugin` is the protocol a kind's module implements (CONTRACTS.md §1 called both
``OutboundKind``; one name for two things would collide, so the plugin got its own).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from txbridge.catalog import Message
from txbridge.store import Connection, IntegrationReference, OutboundKind, ReferenceKind

if TYPE_CHECKING:
    from sqlalchemy.orm import InstrumentedAttribute, Session

    from txbridge.flows.outbound.context import RunContext

__all__ = [
    "FoundT",
    "InFlightRow",
    "ItemRow",
    "KindPlugin",
    "OutboundKind",
    "Outgoing",
    "PreparedT",
    "ReferenceRow",
    "Refusal",
]

#: What a kind's preflight hands to the later steps (chart, VAT types, mapped ids …).
PreparedT = TypeVar("PreparedT")
#: What Tripletex answers for one document (a ``models.Invoice``, a timesheet entry, a voucher).
FoundT = TypeVar("FoundT")


@dataclass(frozen=True, slots=True)
class ItemRow:
    """A pending item as the engine hands it to ``check_and_build``."""

    item_id: int
    #: The kind's own subject column (``invoice_id`` …); None when the local subject was deleted.
    subject_id: int | None
    subject_key: str
    #: The marker of an earlier attempt that is surely not in Tripletex (kept, so a resend of the
    #: same attempt carries the same marker); None for a first send.
    intent_marker: str | None
    attempts: int


@dataclass(frozen=True, slots=True)
class InFlightRow:
    """An item whose write may have reached Tripletex: looked up by its marker before any resend."""

    item_id: int
    subject_id: int | None
    subject_key: str
    marker: str
    intent_at: datetime | None


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One document on its way: its item, the marker written on it, and the request body."""

    item_id: int
    subject_id: int | None
    subject_key: str
    marker: str
    body: dict[str, Any] = field(repr=False, default_factory=dict)
    #: The item's attempt count once this send's intent is recorded.
    attempts: int = 0


@dataclass(frozen=True, slots=True)
class Refusal:
    """An item that is not sent: the catalog message says which field and the fix."""

    item_id: int
    message: Message


@dataclass(frozen=True, slots=True)
class ReferenceRow:
    """What the integration reference of one exported item stores (``upsert_references``' values:
    ``tripletex_id``, ``tripletex_number``, ``tripletex_version``, ``voucher_id`` …)."""

    local_id: int
    local_number: str
    values: dict[str, Any]


class KindPlugin(ABC, Generic[PreparedT, FoundT]):
    """One kind of outbound document. Subclass it in ``flows/outbound/kinds/<kind>.py``; the engine
    calls these and nothing else of the kind."""

    #: The StrEnum member batches and items of this kind carry.
    kind: OutboundKind
    #: The IntegrationReference rows this kind writes (their existence means «already exported»).
    reference_kind: ReferenceKind
    #: The bulk endpoint's limit (invoices: 100 per ``POST /invoice/list``).
    max_chunk: int
    #: ``object_type`` of the kind's integration-log entries (``invoice``, ``hours`` …).
    object_type: str
    #: The progress phase of its sends (the CLI names it: ``cli.ui._EXPORT_PHASES``).
    phase: str
    #: What ``batch show`` and the web batch screen call the column of :meth:`reference_number`
    #: (bokmål, English).
    reference_label: tuple[str, str] = ("Tripletex-nummer", "Tripletex number")

    # ---- the store ------------------------------------------------------------------------------

    @abstractmethod
    def subject_column(self) -> InstrumentedAttribute[int | None]:
        """``BatchItem.invoice_id`` / ``BatchItem.hours_entry_id`` / ``BatchItem.day_sale_id``."""

    def keeps_referenced(self, session: Session, subject_ids: Sequence[int]) -> set[int]:
        """Of these subjects with a reference, those the batch still has work on (an hour changed or
        deleted after its export, to be corrected): not skipped as «already exported»."""
        return set()

    def chunk_size(self, connection: Connection) -> int:
        """Documents per bulk call for this connection (at most ``max_chunk``)."""
        return self.max_chunk

    # ---- the steps ------------------------------------------------------------------------------

    @abstractmethod
    def preflight(self, run: RunContext) -> PreparedT:
        """The one-per-batch reads. May fail every pending item with one catalog message
        (``run.fail_pending(message)``); the engine then sends nothing."""

    def corrections(self, run: RunContext, prepared: PreparedT) -> None:
        """Update, delete or reverse in Tripletex what changed in the host after an earlier export
        (hours, day sales). Called after the preflight, before the sends. Invoices have none."""

    @abstractmethod
    def check_and_build(
        self, run: RunContext, prepared: PreparedT, items: Sequence[ItemRow]
    ) -> list[Outgoing | Refusal]:
        """Per item (in a store transaction the engine holds open: no API calls here): the body with
        its marker (``item.intent_marker`` if set, else a new one), or a Refusal."""

    @abstractmethod
    def send(self, run: RunContext, prepared: PreparedT, chunk: Sequence[Outgoing]) -> Mapping[str, FoundT]:
        """ONE bulk call (through ``run.api``) for the chunk; what Tripletex made, by marker. Raises
        the client's errors as they come: a refusal (4xx) is bisected, ``OutcomeUnknownError`` is
        reconciled, anything else stops the run."""

    @abstractmethod
    def find_by_marker(
        self, run: RunContext, prepared: PreparedT | None, items: Sequence[InFlightRow]
    ) -> Mapping[str, FoundT]:
        """Look the in-flight items up in Tripletex (few calls: one listing of their window). Called
        with ``prepared=None`` for what an earlier run left in flight, before this run's preflight."""

    @abstractmethod
    def reference_of(self, outgoing: Outgoing, found: FoundT) -> ReferenceRow:
        """What the integration reference stores for a document Tripletex has."""

    def reference_number(self, reference: IntegrationReference) -> str | None:
        """What users see of an exported item's reference (``batch show``, the web batch screen):
        Tripletex's number of the document (an invoice's number); a kind whose document has another
        says so."""
        return reference.tripletex_number

    def note_of(self, prepared: PreparedT | None, outgoing: Outgoing, found: FoundT) -> Message | None:
        """What the exported item says beside «exported» (stored as its message, shown by ``batch
        show`` and the web): None for most. ``prepared`` is None when an earlier run's write is found
        before this run's preflight; ``outgoing.body`` is empty when it was found by its marker."""
        return None

    def split(self, chunk: Sequence[Outgoing]) -> list[Sequence[Outgoing]]:
        """How a refused chunk of two or more is divided to find the document it refuses (halves)."""
        mid = len(chunk) // 2
        return [chunk[:mid], chunk[mid:]]

    # ---- the words (each kind's own catalog entries: ``invoice_*``, ``hours_*``, ``daysales_*``) -----

    @abstractmethod
    def label(self, subject_key: str) -> str:
        """How an item is named in a bilingual message (``faktura 1001 / invoice 1001``)."""

    @abstractmethod
    def missing(self, subject_key: str) -> Message:
        """The local subject was deleted after the batch was closed: the item fails."""

    @abstractmethod
    def already_exported(self, subject_key: str, reference: IntegrationReference) -> Message:
        """The subject already has a reference: the item is skipped."""

    @abstractmethod
    def outcome_unknown(self, subject_keys: str) -> Message:
        """Writes whose fate is still unknown (``subject_keys``: the first few and how many more)."""

    @abstractmethod
    def server_error(self, subject_key: str) -> Message:
        """Tripletex answered 500 for this one item every time while other writes went through."""
