"""``txbridge webhooks``: Tripletex's events in real time — subscribe a connection now (the hourly
job does it too) and run the reconcile now (the nightly job does it too)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import typer
from rich.table import Table

from txbridge.cli import app
from txbridge.cli.connection import ConnectionOption, console, fail, open_store, resolve_connection, settings
from txbridge.cli.ui import Out, escape, h
from txbridge.flows.sync import SyncError
from txbridge.flows.sync import reconcile as rc
from txbridge.flows.sync import subscriptions as subs
from txbridge.jobs.hostfeed import queue_delivery
from txbridge.settings import Settings
from txbridge.store import Database

webhooks_app = typer.Typer(
    help=h(
        "Sanntidssynk fra Tripletex: abonnementer på hendelser og avstemming.",
        "Real-time sync from Tripletex: event subscriptions and the reconcile.",
    ),
    no_args_is_help=True,
)
app.add_typer(webhooks_app, name="webhooks")


T = TypeVar("T")


def _on_connection(
    connection: str | None, work: Callable[[Database, Settings, int], T]
) -> tuple[Out, Any, T]:
    """Run ``work`` on the named (or only) connection, or fail with the catalog's message."""
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        found = resolve_connection(database, cfg, connection, out)
        if found.blocked_by is not None:
            fail(out, found.blocked_by)
        try:
            return out, found, work(database, cfg, found.id)
        except (subs.WebhookSetupError, SyncError) as exc:
            fail(out, exc.message)


@webhooks_app.command(
    "subscribe",
    help=h(
        "Abonner på kunde-, prosjekt- og ansatthendelser nå (TXBRIDGE_PUBLIC_URL må være satt); slår på "
        "igjen det Tripletex har slått av.",
        "Subscribe to customer, project and employee events now (TXBRIDGE_PUBLIC_URL must be set); "
        "enables again what Tripletex disabled.",
    ),
)
def subscribe(connection: ConnectionOption = None) -> None:
    out, found, check = _on_connection(connection, subs.ensure_subscriptions)
    table = Table(
        title=escape(
            out.t(f"Hendelser fra Tripletex — {found.name}", f"Events from Tripletex — {found.name}")
        )
    )
    table.add_column(out.t("Hendelse", "Event"))
    table.add_column(out.t("Nå", "Now"))
    reenabled = {r.event: r.status for r in check.reenabled}
    for event in subs.EVENTS:
        if event in check.created:
            state = out.t("abonnert", "subscribed")
        elif event in check.adopted:
            state = out.t("tatt over", "taken over")
        elif event in reenabled:
            state = out.t(
                f"slått på igjen (var {reenabled[event]})", f"enabled again (was {reenabled[event]})"
            )
        else:
            state = out.t("aktiv", "active")
        table.add_row(event, escape(state))
    out.print(table)
    for item in check.reenabled:
        out.print(escape(item.message.text(out.language)))
    out.print(out.t(f"{check.api_calls} API-kall.", f"{check.api_calls} API calls."))


@webhooks_app.command(
    "reconcile",
    help=h(
        "Avstem kunder, ansatte og prosjekter med Tripletex nå (ett kall per ressurs når ingenting er "
        "endret).",
        "Reconcile customers, employees and projects with Tripletex now (one call per resource when "
        "nothing changed).",
    ),
)
def reconcile(connection: ConnectionOption = None) -> None:
    def work(database: Database, cfg: Settings, connection_id: int) -> rc.ReconcileResult:
        try:
            return rc.reconcile_connection(database, cfg, connection_id)
        finally:  # what reached the change feed goes on to the host's webhook endpoints
            queue_delivery(database, cfg, connection_id, requested_by="webhooks reconcile")

    out, found, result = _on_connection(connection, work)
    table = Table(title=escape(out.t(f"Avstemming — {found.name}", f"Reconcile — {found.name}")))
    for nb, en in (("Ressurs", "Resource"), ("API-kall", "API calls"), ("Uendret", "Unchanged")):
        table.add_column(out.t(nb, en))
    for nb, en in (("Oppdatert", "Applied"), ("Slettet", "Deleted")):
        table.add_column(out.t(nb, en), justify="right")
    for part in result.resources:
        table.add_row(
            part.resource.value,
            str(part.api_calls),
            out.t("ja", "yes") if part.unchanged else out.t("nei", "no"),
            str(part.applied),
            str(part.deleted),
        )
    out.print(table)
