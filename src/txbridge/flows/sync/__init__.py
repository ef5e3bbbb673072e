"""Two-way sync of customers, projects and employees between the host system and Tripletex.

* :mod:`.host` — the host side in (Python API, REST API, files): :func:`receive`;
* :mod:`.initial` — the initial sync in Svenn's two steps: :func:`run_initial_sync`;
* :mod:`.apply` — one Tripletex object into the store: :func:`apply_from_tripletex` (webhooks and
  the nightly reconcile call it);
* :mod:`.push` — host changes to Tripletex with ``version``: :func:`push_host_changes`;
* :mod:`.feed` — the change feed to the host: :func:`changes_after`, :func:`iter_changes`;
* :mod:`.held` — matches held for a person: :func:`resolve_held`;
* :mod:`.rules` and :mod:`.fields` — the written rules (ownership, conflicts, what is not synced).
"""

from txbridge.flows.sync.apply import ApplyAction, ApplyOutcome, apply_from_tripletex
from txbridge.flows.sync.errors import SyncError
from txbridge.flows.sync.feed import Change, changes_after, iter_changes
from txbridge.flows.sync.held import resolve_held
from txbridge.flows.sync.host import HostChangeResult, Refusal, receive
from txbridge.flows.sync.initial import InitialSyncResult, run_initial_sync
from txbridge.flows.sync.push import PushResult, push_host_changes
from txbridge.flows.sync.reader import read_resource
from txbridge.store import SyncResource

__all__ = [
    "ApplyAction",
    "ApplyOutcome",
    "Change",
    "HostChangeResult",
    "InitialSyncResult",
    "PushResult",
    "Refusal",
    "SyncError",
    "SyncResource",
    "apply_from_tripletex",
    "changes_after",
    "iter_changes",
    "push_host_changes",
    "read_resource",
    "receive",
    "resolve_held",
    "run_initial_sync",
]
