"""A link change with its reload: the flows relink a client (what came from the wrong company goes),
then «Reload data» is queued for that client, so its last 12 months come from the right company
(seed 004: «pick the correct Tripletex customer … then run Reload data»). Here, in the jobs layer,
because the flows do not start jobs; the CLI, the REST API and the web call this."""

from __future__ import annotations

from dataclasses import replace

from txbridge.flows.firm import clients
from txbridge.jobs.api import start_statistics_reload
from txbridge.jobs.model import JobError
from txbridge.settings import Settings
from txbridge.store import Database


def link_and_reload(
    db: Database,
    settings: Settings,
    firm_id: int,
    client: int | str,
    company_id: int,
    *,
    linked_by: str,
) -> clients.LinkOutcome:
    """Link (or relink) a client; a relink queues the client's reload. A reload that cannot start
    (no field mapped yet) leaves its reason on the outcome: the link itself stands."""
    outcome = clients.link(db, settings, firm_id, client, company_id, linked_by=linked_by)
    if not outcome.relinked:
        return outcome
    try:
        job = start_statistics_reload(
            db, settings, firm_id, client_id=outcome.client_id, requested_by=linked_by
        )
    except JobError as exc:
        return replace(outcome, reload_message=exc.message)
    return replace(outcome, reload_job_id=job.id)
