"""``txbridge firm …``: an accounting firm's connection, its clients and their links to Tripletex
companies, what is read from each client company, the field mapping, the import day and the
portfolio overview. The reads are the shared read models (:mod:`txbridge.flows.views.firm`)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from txbridge.cli import app
from txbridge.cli.connection import (
    EXIT_ITEMS_FAILED,
    ConnectionOption,
    actor_name,
    console,
    open_store,
    print_message,
    resolve_connection,
    settings,
)
from txbridge.cli.ui import Out, escape, h
from txbridge.flows.firm import clients as flow
from txbridge.flows.firm import inbound, mapping
from txbridge.flows.firm import runs as stats_runs
from txbridge.flows.firm.clients import ClientIn
from txbridge.flows.views import firm as views
from txbridge.flows.views import firm_stats
from txbridge.jobs import api as jobs_api
from txbridge.jobs import relink
from txbridge.settings import Settings
from txbridge.store import Database
from txbridge.store.models import FirmInboundResource

firm_app = typer.Typer(
    help=h(
        "Regnskapsbyrå: klienter, koblinger til Tripletex-selskaper, felt og porteføljen.",
        "Accounting firms: clients, links to Tripletex companies, fields and the portfolio.",
    ),
    no_args_is_help=True,
)
app.add_typer(firm_app, name="firm")

ClientArgument = Annotated[
    str, typer.Argument(help=h("Klientens nøkkel (eller nummer).", "The client's key (or number)."))
]
ByOption = Annotated[
    str | None, typer.Option("--by", help=h("Hvem som gjør det (loggen).", "Who does it (for the log)."))
]


def _firm(database: Database, cfg: Settings, name: str | None, out: Out) -> views.FirmRow:
    """The firm connection named, else the default connection, else the only firm connection."""
    if name is None and not cfg.connection:
        firms = views.list_firms(database)
        if len(firms) == 1:
            return firms[0]
    return views.firm_detail(database, resolve_connection(database, cfg, name, out).id)


def _when(value: object) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if hasattr(value, "strftime") else "-"


def _client_id(database: Database, firm_id: int, client: str) -> int:
    return flow.resolve_client(database, firm_id, int(client) if client.isdigit() else client)


@firm_app.command(
    "enable",
    help=h(
        "Merk en tilkobling som regnskapsbyråets: nøkkelen må nå klientselskaper.",
        "Mark a connection as the accounting firm's: its token must reach client companies.",
    ),
)
def enable(connection: ConnectionOption = None, by: ByOption = None) -> None:
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        row = resolve_connection(database, cfg, connection, out)
        found = flow.enable_firm(database, cfg, row.id, marked_by=actor_name(by))
    out.print(
        out.t(
            f"{row.name} er et regnskapsbyrå: nøkkelen når {found.total} klientselskaper.",
            f"{row.name} is an accounting firm: its token reaches {found.total} client companies.",
        )
    )


@firm_app.command(
    "companies",
    help=h(
        "Klientselskapene byråets nøkkel når (søk på navn eller organisasjonsnummer).",
        "The client companies the firm's token reaches (search by name or organisation number).",
    ),
)
def companies(
    connection: ConnectionOption = None,
    refresh: Annotated[
        bool, typer.Option("--refresh", help=h("Les listen på nytt fra Tripletex.", "Read the list again."))
    ] = False,
    search: Annotated[str | None, typer.Option("--search", help=h("Søk.", "Search."))] = None,
    unlinked: Annotated[
        bool, typer.Option("--unlinked", help=h("Bare de uten klient.", "Only those without a client."))
    ] = False,
) -> None:
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        firm = _firm(database, cfg, connection, out)
        if refresh:
            done = flow.refresh_companies(database, cfg, firm.connection_id)
            out.print(
                out.t(
                    f"{done.total} klientselskaper ({done.added} nye, {done.removed} borte).",
                    f"{done.total} client companies ({done.added} new, {done.removed} gone).",
                )
            )
        rows = views.list_companies(database, firm.connection_id, search=search, unlinked_only=unlinked)
    table = Table(title=out.t("Klientselskaper", "Client companies"))
    for header in ("Nr.", out.t("Navn", "Name"), out.t("Org.nr.", "Org. no."), out.t("Klient", "Client")):
        table.add_column(header)
    for row in rows:
        table.add_row(
            str(row.company_id), escape(row.name), row.organization_number or "-", row.linked_client or "-"
        )
    out.print(table)


@firm_app.command(
    "clients", help=h("Byråets klienter og koblingene deres.", "The firm's clients and their links.")
)
def clients_(
    connection: ConnectionOption = None,
    search: Annotated[str | None, typer.Option("--search", help=h("Søk.", "Search."))] = None,
    unlinked: Annotated[
        bool, typer.Option("--unlinked", help=h("Bare de som ikke er koblet.", "Only those not linked."))
    ] = False,
) -> None:
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        firm = _firm(database, cfg, connection, out)
        state = views.LinkState.UNLINKED if unlinked else None
        page = views.list_clients(database, firm.connection_id, search=search, link_state=state, limit=1000)
        suggested = {s.client_id: s for s in flow.suggested_links(database, firm.connection_id)}
    table = Table(title=out.t(f"Klienter ({page.total})", f"Clients ({page.total})"))
    for header in (
        out.t("Nøkkel", "Key"),
        out.t("Navn", "Name"),
        out.t("Org.nr.", "Org. no."),
        out.t("Tripletex-selskap", "Tripletex company"),
        out.t("Merknad", "Note"),
    ):
        table.add_column(header)
    for row in page.items:
        company = f"{row.company_name} ({row.company_id})" if row.company_id is not None else "-"
        note = row.problem.text(out.language) if row.problem is not None else ""
        if row.id in suggested:
            s = suggested[row.id]
            note = out.t(
                f"forslag: {s.company_name} ({s.company_id})", f"suggested: {s.company_name} ({s.company_id})"
            )
        table.add_row(
            escape(row.key), escape(row.name), row.organization_number or "-", escape(company), escape(note)
        )
    out.print(table)


@firm_app.command("add", help=h("Legg til en klient.", "Add a client."))
def add(
    key: Annotated[str, typer.Argument(help=h("Byråets egen nøkkel.", "The firm's own key."))],
    name: Annotated[str, typer.Argument(help=h("Navn.", "Name."))],
    orgnr: Annotated[
        str | None, typer.Option("--orgnr", help=h("Organisasjonsnummer.", "Organisation number."))
    ] = None,
    connection: ConnectionOption = None,
) -> None:
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        firm = _firm(database, cfg, connection, out)
        flow.add_client(database, firm.connection_id, ClientIn(key, name, orgnr))
    out.print(out.t(f"Klient {key} er lagt til.", f"Client {key} is added."))


@firm_app.command(
    "import",
    help=h(
        "Importer klienter fra en CSV-fil (kolonner nøkkel/key, navn/name, orgnr); «-» leser stdin.",
        "Import clients from a CSV file (columns key, name, orgnr); «-» reads stdin.",
    ),
)
def import_(
    file: Annotated[str, typer.Argument(help=h("Filen.", "The file."))],
    connection: ConnectionOption = None,
) -> None:
    out = console()
    cfg = settings()
    text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8-sig")
    with open_store(cfg) as database:
        firm = _firm(database, cfg, connection, out)
        done = flow.import_clients(database, firm.connection_id, flow.read_clients_csv(text))
    for refused in done.refused:
        print_message(out, refused)
    out.print(
        out.t(
            f"{done.created} nye, {done.updated} endret, {len(done.refused)} avvist.",
            f"{done.created} new, {done.updated} changed, {len(done.refused)} refused.",
        )
    )
    if done.refused:
        raise typer.Exit(EXIT_ITEMS_FAILED)


@firm_app.command(
    "link",
    help=h(
        "Koble en klient til et Tripletex-selskap (en feil kobling rettes slik; tallene hentes på nytt). "
        "--suggested kobler alle med samme organisasjonsnummer.",
        "Link a client to a Tripletex company (a wrong link is fixed this way; its figures are reloaded). "
        "--suggested links all with the same organisation number.",
    ),
)
def link(
    client: Annotated[str | None, typer.Argument(help=h("Klientens nøkkel.", "The client's key."))] = None,
    company: Annotated[
        int | None, typer.Argument(help=h("Selskapets nummer.", "The company's number."))
    ] = None,
    suggested: Annotated[
        bool, typer.Option("--suggested", help=h("Koble alle forslag.", "Link every suggestion."))
    ] = False,
    connection: ConnectionOption = None,
    by: ByOption = None,
) -> None:
    out = console()
    cfg = settings()
    actor = actor_name(by)
    with open_store(cfg) as database:
        firm = _firm(database, cfg, connection, out)
        if suggested:
            done = flow.link_suggested(database, cfg, firm.connection_id, linked_by=actor)
            out.print(out.t(f"{len(done)} klienter er koblet.", f"{len(done)} clients are linked."))
            return
        if client is None or company is None:
            out.print(
                out.t(
                    "Oppgi klienten og selskapets nummer (se `txbridge firm companies`), eller --suggested.",
                    "Give the client and the company's number (see `txbridge firm companies`), "
                    "or --suggested.",
                )
            )
            raise typer.Exit(2)
        outcome = relink.link_and_reload(
            database,
            cfg,
            firm.connection_id,
            _client_id(database, firm.connection_id, client),
            company,
            linked_by=actor,
        )
    if outcome.relinked:
        reload = (
            out.t(
                f"; tallene lastes på nytt (jobb {outcome.reload_job_id})",
                f"; its figures are reloaded (job {outcome.reload_job_id})",
            )
            if outcome.reload_job_id is not None
            else ""
        )
        out.print(
            out.t(
                f"Klient {outcome.client_key} er koblet om fra {outcome.previous_company_id} til "
                f"{outcome.company_name} ({outcome.company_id})",
                f"Client {outcome.client_key} is relinked from {outcome.previous_company_id} to "
                f"{outcome.company_name} ({outcome.company_id})",
            )
            + reload
        )
        if outcome.reload_message is not None:
            print_message(out, outcome.reload_message, style="yellow")
    else:
        out.print(
            out.t(
                f"Klient {outcome.client_key} er koblet til {outcome.company_name} ({outcome.company_id}).",
                f"Client {outcome.client_key} is linked to {outcome.company_name} ({outcome.company_id}).",
            )
        )


@firm_app.command("unlink", help=h("Ta bort en klients kobling.", "Take a client's link away."))
def unlink(client: ClientArgument, connection: ConnectionOption = None, by: ByOption = None) -> None:
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        firm = _firm(database, cfg, connection, out)
        flow.unlink(
            database,
            firm.connection_id,
            _client_id(database, firm.connection_id, client),
            unlinked_by=actor_name(by),
        )
    out.print(out.t(f"Klient {client} er ikke lenger koblet.", f"Client {client} is no longer linked."))


@firm_app.command(
    "inbound",
    help=h(
        "Les kunder, produkter og mva-typer fra de koblede klientselskapene (uendret = 304).",
        "Read customers, products and VAT types from the linked client companies (unchanged = 304).",
    ),
)
def inbound_(
    client: Annotated[str | None, typer.Argument(help=h("Bare denne klienten.", "Only this client."))] = None,
    connection: ConnectionOption = None,
) -> None:
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        firm = _firm(database, cfg, connection, out)
        ids = [_client_id(database, firm.connection_id, client)] if client else None
        done = inbound.refresh_inbound(database, cfg, firm.connection_id, client_ids=ids)
    for message in done.failures.values():
        print_message(out, message)
    out.print(
        out.t(
            f"{done.clients} klienter: {done.lists_changed} lister endret, {done.lists_unchanged} uendret, "
            f"{done.api_calls} kall.",
            f"{done.clients} clients: {done.lists_changed} lists changed, {done.lists_unchanged} unchanged, "
            f"{done.api_calls} calls.",
        )
    )
    if done.failures:
        raise typer.Exit(EXIT_ITEMS_FAILED)


@firm_app.command(
    "data",
    help=h(
        "Det som er lest fra en klients selskap: customers, products eller vat-types.",
        "What was read from a client's company: customers, products or vat-types.",
    ),
)
def data(
    client: ClientArgument,
    what: Annotated[views.InboundList, typer.Argument(help=h("Hvilken liste.", "Which list."))],
    connection: ConnectionOption = None,
    search: Annotated[
        str | None, typer.Option("--search", help=h("Søk i navnet.", "Search the name."))
    ] = None,
) -> None:
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        firm = _firm(database, cfg, connection, out)
        client_id = _client_id(database, firm.connection_id, client)
        found = views.list_inbound(
            database, firm.connection_id, client_id, what.resource, search=search, limit=1000
        )
    title = {
        FirmInboundResource.CUSTOMER: out.t("Kunder", "Customers"),
        FirmInboundResource.PRODUCT: out.t("Produkter", "Products"),
        FirmInboundResource.VAT_TYPE: out.t("Mva-typer", "VAT types"),
    }[what.resource]
    table = Table(title=f"{title} · {found.client.key} · {out.t('lest', 'read')} {_when(found.read_at)}")
    for item in found.page.items:
        if not table.columns:
            for header in type(item).__slots__:
                table.add_column(header)
        table.add_row(
            *(escape("" if getattr(item, s) is None else str(getattr(item, s))) for s in type(item).__slots__)
        )
    out.print(table)


@firm_app.command(
    "fields",
    help=h(
        "Statistikkfeltene og byråets felt de importeres til (--all viser de mindre vanlige også).",
        "The statistic fields and the firm's fields they go into (--all shows the less common ones too).",
    ),
)
def fields(
    connection: ConnectionOption = None,
    all_: Annotated[bool, typer.Option("--all", help=h("Vis flere.", "Show more."))] = False,
) -> None:
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        firm = _firm(database, cfg, connection, out)
        found = views.field_mapping(database, firm.connection_id)
    table = Table(title=out.t("Feltkobling", "Field mapping"))
    for header in (out.t("Felt", "Field"), out.t("Navn", "Name"), out.t("Byråets felt", "Firm's field")):
        table.add_column(header)
    for row in found.rows if all_ else found.common:
        name = row.field.en if out.language == "en" else row.field.nb
        table.add_row(
            row.field.key,
            escape(name),
            escape(row.custom_field or out.t("(importeres ikke)", "(not imported)")),
        )
    out.print(table)
    if not all_ and found.more:
        out.print(
            out.t(f"{len(found.more)} felt til med --all.", f"{len(found.more)} more fields with --all.")
        )


@firm_app.command(
    "map",
    help=h(
        "Koble et statistikkfelt til et av byråets felt (lages om det er nytt); uten feltnavn "
        "importeres det ikke.",
        "Map a statistic field to one of the firm's fields (made if new); without a field name it is "
        "not imported.",
    ),
)
def map_(
    field: Annotated[
        str, typer.Argument(help=h("Statistikkfeltet (se `txbridge firm fields`).", "The statistic field."))
    ],
    custom_field: Annotated[str | None, typer.Argument(help=h("Byråets felt.", "The firm's field."))] = None,
    connection: ConnectionOption = None,
    by: ByOption = None,
) -> None:
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        firm = _firm(database, cfg, connection, out)
        mapping.set_mapping(database, firm.connection_id, {field: custom_field}, changed_by=actor_name(by))
    if custom_field:
        out.print(out.t(f"{field} importeres til «{custom_field}».", f"{field} goes into «{custom_field}»."))
    else:
        out.print(out.t(f"{field} importeres ikke.", f"{field} is not imported."))


@firm_app.command(
    "import-day",
    help=h(
        "Når månedens tall importeres: last-working-day, last-calendar-day eller 1–28 (dag i måneden etter).",
        "When a month's figures are imported: last-working-day, last-calendar-day or 1–28 (day of "
        "the month after).",
    ),
)
def import_day(
    day: Annotated[
        str | None, typer.Argument(help=h("Ny importdag (uten: vis).", "New import day (none: show)."))
    ] = None,
    connection: ConnectionOption = None,
    by: ByOption = None,
) -> None:
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        firm = _firm(database, cfg, connection, out)
        if day is None:
            current = mapping.import_day(database, firm.connection_id)
        else:
            current = mapping.set_import_day(
                database, firm.connection_id, mapping.ImportDay.parse(day), changed_by=actor_name(by)
            )
    out.print(_import_day_text(current, out))
    coming = mapping.next_import(current, date.today())
    out.print(
        out.t(
            f"Neste import: {coming.month} den {coming.on.isoformat()}.",
            f"Next import: {coming.month} on {coming.on.isoformat()}.",
        )
    )


def _import_day_text(day: mapping.ImportDay, out: Out) -> str:
    if day.day_of_month is not None:
        return out.t(
            f"Importdag: den {day.day_of_month}. i måneden etter.",
            f"Import day: day {day.day_of_month} of the month after.",
        )
    if day.rule.value == "last_calendar_day":
        return out.t(
            "Importdag: siste kalenderdag i måneden.", "Import day: the last calendar day of the month."
        )
    return out.t("Importdag: siste arbeidsdag i måneden.", "Import day: the last working day of the month.")


@firm_app.command(
    "portfolio",
    help=h(
        "Hele byrået: hver klient med kobling, helse, siste import, månedens tall mot forrige og etterslep.",
        "The whole firm: every client with link, health, last import, this month against last and backlog.",
    ),
)
def portfolio(
    connection: ConnectionOption = None,
    month: Annotated[
        str | None, typer.Option("--month", help=h("Måned (ÅÅÅÅ-MM).", "Month (YYYY-MM)."))
    ] = None,
    sort: Annotated[
        views.PortfolioSort, typer.Option("--sort", help=h("Sortering.", "Sort by."))
    ] = views.PortfolioSort.NAME,
    descending: Annotated[bool, typer.Option("--desc", help=h("Synkende.", "Descending."))] = False,
    health: Annotated[
        views.Health | None, typer.Option("--health", help=h("Bare denne helsen.", "Only this health."))
    ] = None,
    attention: Annotated[
        bool,
        typer.Option(
            "--attention", help=h("Bare de som trenger oppfølging.", "Only those needing attention.")
        ),
    ] = False,
    search: Annotated[str | None, typer.Option("--search", help=h("Søk.", "Search."))] = None,
    csv_file: Annotated[
        str | None,
        typer.Option(
            "--csv", help=h("Skriv CSV til filen («-»: stdout).", "Write CSV to the file («-»: stdout).")
        ),
    ] = None,
) -> None:
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        firm = _firm(database, cfg, connection, out)
        view = views.portfolio(
            database,
            firm.connection_id,
            month=month,
            sort=sort,
            descending=descending,
            health=health,
            attention_only=attention,
            search=search,
        )
    if csv_file is not None:
        text = views.portfolio_csv(view, out.language)
        if csv_file == "-":
            typer.echo(text, nl=False)
        else:
            Path(csv_file).write_text(text, encoding="utf-8-sig")
            out.print(
                out.t(
                    f"{len(view.rows)} klienter skrevet til {csv_file}.",
                    f"{len(view.rows)} clients written to {csv_file}.",
                )
            )
        return
    table = Table(
        title=out.t(
            f"Portefølje {view.month} mot {view.previous_month}",
            f"Portfolio {view.month} against {view.previous_month}",
        )
    )
    for header in (out.t("Klient", "Client"), out.t("Helse", "Health"), out.t("Siste import", "Last import")):
        table.add_column(header)
    for f in (*view.figures, *view.backlog):
        table.add_column(f.en if out.language == "en" else f.nb, justify="right")
    for row in view.rows:
        cells = [
            escape(f"{row.key} {row.name}"),
            views.health_label(row.health, out.language),
            _when(row.last_import_at),
        ]
        for f in view.figures:
            now, change = row.this_month.get(f.key), row.change(f.key)
            shown = views.number_text(now) or "-"
            cells.append(
                shown
                if change is None
                else f"{shown} ({'+' if change >= 0 else ''}{views.number_text(change)})"
            )
        cells += [views.number_text(row.this_month.get(f.key)) or "-" for f in view.backlog]
        table.add_row(*cells)
    out.print(table)
    expiry = view.firm.days_to_expiry
    if view.firm.blocked_by is not None:
        print_message(out, view.firm.blocked_by)
    elif expiry is not None:
        out.print(
            out.t(f"Byråets nøkkel utløper om {expiry} dager.", f"The firm's token expires in {expiry} days.")
        )


@firm_app.command(
    "why",
    help=h(
        "Hvorfor mangler klientens tall? Feilsøkingens kontroller: nøkkel, kobling, felt, importdag.",
        "Why are the client's figures missing? The troubleshooting checks: token, link, fields, import day.",
    ),
)
def why(
    client: ClientArgument,
    month: Annotated[
        str | None, typer.Option("--month", help=h("Måned (ÅÅÅÅ-MM).", "Month (YYYY-MM)."))
    ] = None,
    connection: ConnectionOption = None,
) -> None:
    from txbridge.cli.diagnose import checks_table
    from txbridge.flows.diagnose.statistics import diagnose_statistics

    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        firm = _firm(database, cfg, connection, out)
        client_id = _client_id(database, firm.connection_id, client)
        found = diagnose_statistics(database, cfg, firm.connection_id, client_id=client_id, month=month)
    out.print(checks_table(out, out.t(f"Klient {client}", f"Client {client}"), found.checks))
    failed = found.failed
    if failed is not None and failed.message is not None:
        print_message(out, failed.message)
        raise typer.Exit(EXIT_ITEMS_FAILED)
    out.print(out.t("Ingen feil funnet.", "No fault found."))


@firm_app.command(
    "reload",
    help=h(
        "«Last inn data på nytt»: de siste 12 månedene for alle koblede klienter, eller én, som jobb.",
        "«Reload data»: the last 12 months for every linked client, or one, as a job.",
    ),
)
def reload(
    client: Annotated[str | None, typer.Argument(help=h("Bare denne klienten.", "Only this client."))] = None,
    connection: ConnectionOption = None,
    by: ByOption = None,
) -> None:
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        firm = _firm(database, cfg, connection, out)
        client_id = None if client is None else _client_id(database, firm.connection_id, client)
        job = jobs_api.start_statistics_reload(
            database, cfg, firm.connection_id, client_id=client_id, requested_by=actor_name(by)
        )
    out.print(
        out.t(
            f"Data lastes inn på nytt (jobb {job.id}); følg med: `txbridge firm runs`.",
            f"Data is reloaded (job {job.id}); follow it: `txbridge firm runs`.",
        )
    )


@firm_app.command(
    "import-month",
    help=h(
        "Importer én måneds tall for alle koblede klienter, som jobb.",
        "Import one month's figures, as a job.",
    ),
)
def import_month(
    month: Annotated[str, typer.Argument(help=h("Måned (ÅÅÅÅ-MM).", "Month (YYYY-MM)."))],
    connection: ConnectionOption = None,
    by: ByOption = None,
) -> None:
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        firm = _firm(database, cfg, connection, out)
        job = jobs_api.start_statistics_import(
            database, cfg, firm.connection_id, month, requested_by=actor_name(by)
        )
    out.print(
        out.t(
            f"{month} importeres (jobb {job.id}); følg med: `txbridge firm runs`.",
            f"{month} is imported (job {job.id}); follow it: `txbridge firm runs`.",
        )
    )


@firm_app.command(
    "runs",
    help=h(
        "Siste importer og omlastinger med fremdrift, og meldingene om ferdige kjøringer (--seen N: sett).",
        "Latest imports and reloads with progress, and the notices of finished runs (--seen N: seen).",
    ),
)
def runs_(
    seen: Annotated[
        int | None,
        typer.Option("--seen", help=h("Merk meldingen til kjøring N som sett.", "Mark run N's notice seen.")),
    ] = None,
    connection: ConnectionOption = None,
) -> None:
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        firm = _firm(database, cfg, connection, out)
        if seen is not None:
            stats_runs.mark_notice_seen(database, seen, firm_connection_id=firm.connection_id)
        recent = firm_stats.recent_runs(database, firm.connection_id)
        notices = firm_stats.unseen_notices(database, firm.connection_id)
    table = Table(title=out.t("Importer og omlastinger", "Imports and reloads"))
    for header in ("#", out.t("Type", "Kind"), out.t("Måneder", "Months"), out.t("Tilstand", "State")):
        table.add_column(header)
    table.add_column(out.t("Klienter", "Clients"), justify="right")
    table.add_column("%", justify="right")
    table.add_column(out.t("Kall", "Calls"), justify="right")
    for run in recent:
        months = run.months[0] if len(run.months) == 1 else f"{run.months[0]}…{run.months[-1]}"
        table.add_row(
            str(run.run_id),
            run.kind,
            months,
            run.state,
            f"{run.clients_done}/{run.clients_total}"
            + (f" (-{run.clients_failed})" if run.clients_failed else ""),
            str(run.percent),
            str(run.api_calls),
        )
    out.print(table)
    for notice in notices:
        if notice.message is not None:
            out.print(out.t(f"Kjøring {notice.run_id}:", f"Run {notice.run_id}:"))
            print_message(out, notice.message, style="green", fix=False)
    if notices:
        out.print(
            out.t(
                f"Merk som sett: `txbridge firm runs --seen {notices[0].run_id}`.",
                f"Mark as seen: `txbridge firm runs --seen {notices[0].run_id}`.",
            )
        )
