"""The firm connection and the firm's clients: which client companies the firm's token reaches,
the firm's own clients (made one by one or imported), and the link of each to one Tripletex company.

A connection becomes a firm connection once its token is seen to reach client companies
(``GET /company/>withLoginAccess``); that list is kept (:class:`FirmReachableCompany`) and read
again on request, so linking, searching and suggesting never wait for Tripletex.

A wrong link is fixed by linking the client to the right company (a relink): what was read from
the wrong company goes in the same transaction — its customers, products and VAT types, and its
monthly statistics — and the statistics' «Reload data» is started for that client
(:mod:`txbridge.jobs.relink`), so no figure of the wrong company is ever shown for the client
(seed 004: «pick the correct Tripletex customer … then run Reload data»)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import httpx
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from txbridge.catalog import Bilingual, Message, render
from txbridge.flows import connections
from txbridge.flows.intake.schemas import organization_number
from txbridge.settings import Settings
from txbridge.store import Connection, Database
from txbridge.store import queries as q
from txbridge.store.models import (
    FirmClient,
    FirmClientCustomer,
    FirmClientProduct,
    FirmClientVatType,
    FirmConnection,
    FirmInboundState,
    FirmReachableCompany,
    MonthlyStatistic,
    StatisticClientLock,
    StatisticRead,
    utcnow,
)
from txbridge.tripletex import PermissionDeniedError, Tripletex, TripletexError

#: Longest own key and name the store keeps (see :class:`FirmClient`).
KEY_MAX, NAME_MAX = 100, 300


class FirmError(connections.ConnectionFlowError):
    """A firm action that could not be done; ``message`` is the catalog message to show."""


# --------------------------------------------------------------------------------------------------
# The firm connection and the companies its token reaches
# --------------------------------------------------------------------------------------------------


def firm_connection(session: Session, connection_id: int) -> FirmConnection:
    """The firm row of a connection; FirmError when the connection is none or not marked a firm's."""
    connection = session.get(Connection, connection_id)
    if connection is None:
        raise FirmError(render("connection_not_found", connection=connection_id))
    firm = session.get(FirmConnection, connection_id)
    if firm is None:
        raise FirmError(render("firm_not_enabled", connection=connection.name))
    return firm


@dataclass(frozen=True, slots=True)
class CompaniesRefresh:
    """What a read of the reachable companies found."""

    total: int
    added: int
    removed: int


def enable_firm(
    db: Database,
    settings: Settings,
    connection_id: int,
    *,
    marked_by: str | None = None,
    client: Tripletex | None = None,
) -> CompaniesRefresh:
    """Make a connection a firm connection: its token must reach at least one client company.
    Doing it again only reads the companies again."""
    with db.transaction() as session:
        connection = session.get(Connection, connection_id)
        if connection is None:
            raise FirmError(render("connection_not_found", connection=connection_id))
        name = connection.name
    companies = _read_companies(db, settings, connection_id, client)
    if not companies:
        raise FirmError(render("firm_no_client_companies", connection=name))
    with db.transaction() as session:
        if session.get(FirmConnection, connection_id) is None:
            session.add(FirmConnection(connection_id=connection_id, marked_by=marked_by))
            session.flush()
            q.add_log(
                session,
                connection_id,
                f"Tilkoblingen er merket som regnskapsbyrå ({len(companies)} klientselskaper) / The "
                f"connection is marked as an accounting firm ({len(companies)} client companies)",
                object_type="firm",
                object_key=name,
            )
        return _store_companies(session, connection_id, companies)


def refresh_companies(
    db: Database, settings: Settings, firm_id: int, *, client: Tripletex | None = None
) -> CompaniesRefresh:
    """Read again which client companies the firm's token reaches (one call)."""
    with db.transaction() as session:
        firm_connection(session, firm_id)
    companies = _read_companies(db, settings, firm_id, client)
    with db.transaction() as session:
        return _store_companies(session, firm_id, companies)


@dataclass(frozen=True, slots=True)
class _Company:
    id: int
    name: str
    organization_number: str | None


def _read_companies(
    db: Database, settings: Settings, connection_id: int, client: Tripletex | None
) -> list[_Company]:
    """``GET /company/>withLoginAccess`` minus the token's own company (what ``for_company`` can act for)."""
    with open_client(db, settings, connection_id, client) as tx:
        try:
            own = tx.test_connection().company_id
            found = tx.companies.with_login_access(fields="id,name,organizationNumber")
        except PermissionDeniedError:
            return []  # not an accountant's token
        except (TripletexError, httpx.HTTPError) as exc:
            raise_integration_failure(db, settings, connection_id, exc)
    return [
        _Company(c.id, (c.name or str(c.id))[:NAME_MAX], organization_number(c.organizationNumber or ""))
        for c in found
        if c.id and c.id != own
    ]


def _store_companies(session: Session, firm_id: int, companies: list[_Company]) -> CompaniesRefresh:
    stored = {
        row.tripletex_company_id: row
        for row in session.scalars(
            select(FirmReachableCompany).where(FirmReachableCompany.firm_connection_id == firm_id)
        )
    }
    now = utcnow()
    seen = {c.id for c in companies}
    added = 0
    for company in companies:
        row = stored.get(company.id)
        if row is None:
            added += 1
            row = FirmReachableCompany(firm_connection_id=firm_id, tripletex_company_id=company.id)
            session.add(row)
        row.name, row.organization_number, row.fetched_at = company.name, company.organization_number, now
    gone = [row for company_id, row in stored.items() if company_id not in seen]
    for row in gone:
        session.delete(row)
    firm = session.get(FirmConnection, firm_id)
    assert firm is not None
    firm.companies_refreshed_at = now
    return CompaniesRefresh(total=len(companies), added=added, removed=len(gone))


@contextmanager
def open_client(
    db: Database, settings: Settings, connection_id: int, client: Tripletex | None = None
) -> Iterator[Tripletex]:
    """The firm token's client, made from the stored connection and closed at the end; or the one a
    caller passed (tests, jobs), left open for its owner. A connection in error state or with an
    expired token is refused before any call (reading needs no approval: it changes nothing)."""
    if client is not None:
        yield client
        return
    with db.transaction() as session:
        connection = session.get(Connection, connection_id)
        if connection is None:
            raise FirmError(render("connection_not_found", connection=connection_id))
        blocked = connections.blocking_message(connection)
    if blocked is not None and blocked.id != "connection_pending_approval":
        raise FirmError(blocked)
    with connections.client_for(connection, settings) as made:
        yield made


def raise_integration_failure(
    db: Database, settings: Settings, connection_id: int, exc: BaseException
) -> None:
    """Count a failure of the firm's token on its connection (error state at the threshold) and raise
    its catalog message."""
    connection = connections.record_failure(db, settings, connection_id, exc)
    raise FirmError(connections.message_for_error(exc, connection.base_url)) from None


# --------------------------------------------------------------------------------------------------
# The firm's own clients
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClientIn:
    """One of the firm's clients as given (a form, a row of a file, a REST body)."""

    key: str
    name: str
    organization_number: str | None = None


@dataclass(frozen=True, slots=True)
class ClientsImport:
    """What an import of clients did: made and changed counts, and one catalog message per refused row
    (the rest went in)."""

    created: int
    updated: int
    refused: tuple[Message, ...] = field(default_factory=tuple)


def _checked(item: ClientIn, where: str | Bilingual) -> ClientIn | Message:
    """The client with its fields trimmed and its organisation number in nine digits, or why not."""
    key, name = item.key.strip(), " ".join(item.name.split())
    if not key or len(key) > KEY_MAX:
        return render("firm_client_field_invalid", item=where, field="key", limit=KEY_MAX)
    if not name or len(name) > NAME_MAX:
        return render("firm_client_field_invalid", item=where, field="name", limit=NAME_MAX)
    number: str | None = None
    if item.organization_number and item.organization_number.strip():
        number = organization_number(item.organization_number)
        if number is None:
            return render("intake_invalid_organization_number", item=where, value=item.organization_number)
    return ClientIn(key, name, number)


def add_client(db: Database, firm_id: int, item: ClientIn) -> int:
    """Make one of the firm's clients; its key must be new. Returns its id."""
    checked = _checked(item, item.key.strip() or "?")
    if isinstance(checked, Message):
        raise FirmError(checked)
    with db.transaction() as session:
        firm_connection(session, firm_id)
        if _client_by_key(session, firm_id, checked.key) is not None:
            raise FirmError(render("firm_client_key_taken", client=checked.key))
        client = FirmClient(
            firm_connection_id=firm_id,
            key=checked.key,
            name=checked.name,
            organization_number=checked.organization_number,
        )
        session.add(client)
        session.flush()
        return client.id


def import_clients(db: Database, firm_id: int, items: Iterable[ClientIn]) -> ClientsImport:
    """Make or update many clients by their key (name and organisation number are the file's). A row
    that does not pass is refused with its message, naming the row; the rest go in together."""
    refused: list[Message] = []
    good: dict[str, ClientIn] = {}
    for number, item in enumerate(items, start=1):
        checked = _checked(item, _row_name(number, item.key))
        if isinstance(checked, Message):
            refused.append(checked)
        elif checked.key in good:
            refused.append(render("firm_client_key_repeated", item=_row_name(number, item.key)))
        else:
            good[checked.key] = checked
    created = updated = 0
    with db.transaction() as session:
        firm_connection(session, firm_id)
        stored = {
            c.key: c
            for c in session.scalars(select(FirmClient).where(FirmClient.firm_connection_id == firm_id))
        }
        for key, item in good.items():
            existing = stored.get(key)
            if existing is None:
                session.add(
                    FirmClient(
                        firm_connection_id=firm_id,
                        key=key,
                        name=item.name,
                        organization_number=item.organization_number,
                    )
                )
                created += 1
            elif (existing.name, existing.organization_number) != (item.name, item.organization_number):
                existing.name, existing.organization_number = item.name, item.organization_number
                updated += 1
    return ClientsImport(created, updated, tuple(refused))


def _row_name(number: int, key: str) -> Bilingual:
    shown = key.strip() or "?"
    return Bilingual(f"rad {number} ({shown})", f"row {number} ({shown})")


#: Headers a clients file may use for each field (the firm's own export, in either language).
_HEADERS = {
    "key": ("key", "nøkkel", "nokkel", "klientnummer", "client number", "id"),
    "name": ("name", "navn"),
    "organization_number": ("organization_number", "organisation number", "orgnr", "organisasjonsnummer"),
}


def read_clients_csv(text: str) -> list[ClientIn]:
    """Rows of a clients file (comma or semicolon separated, headers in bokmål or English)."""
    dialect = csv.Sniffer().sniff(text.splitlines()[0] if text.strip() else ",", delimiters=",;\t")
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    columns: dict[str, str] = {}
    for header in reader.fieldnames or []:
        for name, spellings in _HEADERS.items():
            if header.strip().lower() in spellings:
                columns[name] = header
    missing = [name for name in ("key", "name") if name not in columns]
    if missing:
        raise FirmError(render("firm_clients_file_columns", columns=", ".join(missing)))
    orgnr_column = columns.get("organization_number")
    return [
        ClientIn(
            key=row.get(columns["key"]) or "",
            name=row.get(columns["name"]) or "",
            organization_number=(row.get(orgnr_column) or None) if orgnr_column else None,
        )
        for row in reader
    ]


def _client_by_key(session: Session, firm_id: int, key: str) -> FirmClient | None:
    return session.scalars(
        select(FirmClient).where(FirmClient.firm_connection_id == firm_id, FirmClient.key == key)
    ).first()


def client_of(session: Session, firm_id: int, client: int | str) -> FirmClient:
    """One of the firm's clients by id or own key."""
    found = session.get(FirmClient, client) if isinstance(client, int) else None
    if found is None or found.firm_connection_id != firm_id:
        found = _client_by_key(session, firm_id, str(client))
    if found is None:
        raise FirmError(render("firm_client_not_found", client=client))
    return found


def resolve_client(db: Database, firm_id: int, client: int | str) -> int:
    """The id of one of the firm's clients named by id or own key (FirmError when there is none)."""
    with db.transaction() as session:
        firm_connection(session, firm_id)
        return client_of(session, firm_id, client).id


# --------------------------------------------------------------------------------------------------
# Links
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LinkOutcome:
    client_id: int
    client_key: str
    company_id: int
    company_name: str
    #: The company the client was linked to before (a relink), or None.
    previous_company_id: int | None
    #: A relink's reload of the client's statistics (``txbridge.jobs.relink``): its job id, or why
    #: it could not start (no field mapped …); both None when nothing was relinked.
    reload_job_id: int | None = None
    reload_message: Message | None = None

    @property
    def relinked(self) -> bool:
        return self.previous_company_id is not None and self.previous_company_id != self.company_id


def link(
    db: Database,
    settings: Settings,
    firm_id: int,
    client: int | str,
    company_id: int,
    *,
    linked_by: str,
) -> LinkOutcome:
    """Link a client to a company the firm's token reaches; a client linked to another company is
    relinked: what came from the old company goes in the same transaction (its statistics are then
    reloaded by the caller: :func:`txbridge.jobs.relink.link_and_reload`)."""
    with db.transaction() as session:
        firm_connection(session, firm_id)
        found = client_of(session, firm_id, client)
        # The client's row lock, as a statistics run takes it to claim the client and to store its
        # values: a run's claim and store go wholly before or after this relink (flows/firm/runs.py).
        session.refresh(found, with_for_update=True)
        company = session.scalars(
            select(FirmReachableCompany).where(
                FirmReachableCompany.firm_connection_id == firm_id,
                FirmReachableCompany.tripletex_company_id == company_id,
            )
        ).first()
        if company is None:
            raise FirmError(render("firm_company_not_reachable", company=company_id))
        holder = session.scalars(
            select(FirmClient).where(
                FirmClient.firm_connection_id == firm_id,
                FirmClient.tripletex_company_id == company_id,
                FirmClient.id != found.id,
            )
        ).first()
        if holder is not None:
            raise FirmError(render("firm_company_already_linked", company=company.name, client=holder.key))
        previous = found.tripletex_company_id
        outcome = LinkOutcome(found.id, found.key, company_id, company.name, previous)
        if previous == company_id:
            return outcome
        if previous is not None:
            _forget_company_data(session, found.id)
        found.tripletex_company_id, found.tripletex_company_name = company_id, company.name
        found.linked_at, found.linked_by = utcnow(), linked_by
        found.last_error_id = found.last_error_at = None
        verb = (
            ("koblet om fra {previous} til", "relinked from {previous} to")
            if previous is not None
            else ("koblet til", "linked to")
        )
        q.add_log(
            session,
            firm_id,
            f"Klient {found.key} er {verb[0].format(previous=previous)} {company.name} ({company_id}) / "
            f"Client {found.key} is {verb[1].format(previous=previous)} {company.name} ({company_id})",
            object_type="firm_client",
            object_key=found.key,
        )
    return outcome


def _forget_inbound(session: Session, client_id: int) -> None:
    """The customers, products and VAT types read from the company a client is no longer linked to."""
    for model in (FirmClientCustomer, FirmClientProduct, FirmClientVatType, FirmInboundState):
        session.execute(delete(model).where(model.firm_client_id == client_id))


def _forget_company_data(session: Session, client_id: int) -> None:
    """All that came from a company the client was wrongly linked to: inbound rows and statistics.
    A statistics run reading the client right now loses its lock, so what it read from the old
    company is not stored (firmstats' ``store_client`` writes only while it holds the lock)."""
    _forget_inbound(session, client_id)
    session.execute(delete(MonthlyStatistic).where(MonthlyStatistic.firm_client_id == client_id))
    session.execute(delete(StatisticClientLock).where(StatisticClientLock.firm_client_id == client_id))
    # The old company's read digests: a 304 on them must not hand back the old company's counts.
    session.execute(delete(StatisticRead).where(StatisticRead.firm_client_id == client_id))


def unlink(db: Database, firm_id: int, client: int | str, *, unlinked_by: str) -> None:
    """Take a client's link away; what was read from the company goes with it, its statistics stay
    (they were the client's while it was linked)."""
    with db.transaction() as session:
        firm_connection(session, firm_id)
        found = client_of(session, firm_id, client)
        if found.tripletex_company_id is None:
            return
        _forget_inbound(session, found.id)
        q.add_log(
            session,
            firm_id,
            f"Klient {found.key} er koblet fra {found.tripletex_company_name} ({found.tripletex_company_id}) "
            f"av {unlinked_by} / Client {found.key} is unlinked from {found.tripletex_company_name} "
            f"({found.tripletex_company_id}) by {unlinked_by}",
            object_type="firm_client",
            object_key=found.key,
        )
        found.tripletex_company_id = found.tripletex_company_name = None
        found.linked_at = found.linked_by = None
        found.last_error_id = found.last_error_at = None


@dataclass(frozen=True, slots=True)
class Suggestion:
    client_id: int
    client_key: str
    client_name: str
    company_id: int
    company_name: str


def suggested_links(db: Database, firm_id: int) -> list[Suggestion]:
    """Unlinked clients and a reachable, unlinked company with the same organisation number."""
    taken = select(FirmClient.tripletex_company_id).where(
        FirmClient.firm_connection_id == firm_id, FirmClient.tripletex_company_id.is_not(None)
    )
    query = (
        select(FirmClient, FirmReachableCompany)
        .join(
            FirmReachableCompany,
            (FirmReachableCompany.organization_number == FirmClient.organization_number)
            & (FirmReachableCompany.firm_connection_id == FirmClient.firm_connection_id),
        )
        .where(
            FirmClient.firm_connection_id == firm_id,
            FirmClient.tripletex_company_id.is_(None),
            FirmReachableCompany.tripletex_company_id.not_in(taken),
        )
        .order_by(FirmClient.key)
    )
    with db.reading() as session:
        firm_connection(session, firm_id)
        rows = session.execute(query).all()
        counts: dict[str, int] = {}
        for client, _company in rows:
            counts[client.key] = counts.get(client.key, 0) + 1
        # A number two companies share suggests nothing.
        return [
            Suggestion(client.id, client.key, client.name, company.tripletex_company_id, company.name)
            for client, company in rows
            if counts[client.key] == 1
        ]


def link_suggested(db: Database, settings: Settings, firm_id: int, *, linked_by: str) -> list[LinkOutcome]:
    """Link every unlinked client to the one reachable company with its organisation number."""
    return [
        link(db, settings, firm_id, s.client_id, s.company_id, linked_by=linked_by)
        for s in suggested_links(db, firm_id)
    ]
