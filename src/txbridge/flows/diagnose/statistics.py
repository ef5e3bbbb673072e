"""The troubleshooter for a firm's monthly statistics: "why is there no value?", in the order of
seed 004's troubleshooting — the token (expired on its date, wrong environment, whitespace, the
employee deactivated), the client's link, the field mapping, the import day.

    answer = diagnose_statistics(db, settings, firm_connection_id, client_id=7, field_key="sale_entries")
    answer.failed.message.fix_nb

:func:`check_pasted_token` runs the token's own checks on a token as pasted (whitespace,
environment), before it is stored trimmed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import func, select

from txbridge.catalog import Message, render
from txbridge.flows import connections
from txbridge.flows.diagnose.model import CheckStatus, Note, TitledCheck
from txbridge.flows.firm import runs
from txbridge.flows.firm.fields import BY_KEY
from txbridge.flows.firm.mapping import mapped_fields
from txbridge.flows.firm.schedule import import_day
from txbridge.flows.firm.statistics import check_month
from txbridge.settings import Settings
from txbridge.store import Connection, Database, Environment, TokenCipher
from txbridge.store.models import FirmClient, FirmImportSettings, ImportDayRule, MonthlyStatistic
from txbridge.tripletex import AuthenticationError, TripletexError

OSLO = ZoneInfo("Europe/Oslo")
TEST_TOKEN_PREFIX = "test-"  # noqa: S105 - how test-environment tokens begin, not a secret


class StatisticsCheck(TitledCheck):
    TOKEN = 1, "Virker ansattnøkkelen?", "Does the employee token work?"
    CLIENT_LINKED = 2, "Er klienten koblet til Tripletex?", "Is the client linked to Tripletex?"
    FIELDS_MAPPED = 3, "Er feltene koblet til egne felt?", "Are the fields mapped?"
    IMPORT_DAY = 4, "Er importdagen kommet?", "Has the import day come?"


@dataclass(frozen=True, slots=True)
class StatisticsCheckResult:
    check: StatisticsCheck
    status: CheckStatus
    message: Message | None = None
    note: Note | None = None


@dataclass(frozen=True, slots=True)
class StatisticsDiagnosis:
    checks: tuple[StatisticsCheckResult, ...]
    api_calls: int = 0

    @property
    def failed(self) -> StatisticsCheckResult | None:
        return next((c for c in self.checks if c.status is CheckStatus.FAILED), None)


def token_environment(token: str) -> Environment:
    return Environment.TEST if token.startswith(TEST_TOKEN_PREFIX) else Environment.PRODUCTION


def check_pasted_token(token: str, environment: Environment) -> Message | None:
    """What is wrong with a token as pasted, without asking Tripletex: whitespace around it, or a
    token of the other environment (test tokens begin with ``test-``). The sandbox takes either."""
    if token != token.strip():
        return render("stats_token_whitespace")
    made_in = token_environment(token.strip())
    if environment is not Environment.SANDBOX and made_in is not environment:
        return render(
            "stats_wrong_environment", token_environment=made_in.value, environment=environment.value
        )
    return None


def diagnose_statistics(
    db: Database,
    settings: Settings,
    firm_connection_id: int,
    *,
    client_id: int | None = None,
    field_key: str | None = None,
    month: str | None = None,
    today: date | None = None,
    check_tripletex: bool = True,
    transport: httpx.BaseTransport | None = None,
) -> StatisticsDiagnosis:
    """Each check in turn; the first that fails stops the rest (``not_run``), as the seed's list.
    A ``month`` that is no YYYY-MM is refused (``StatisticsError``, ``stats_month_invalid``)."""
    if month is not None:
        check_month(month)
    day = today or datetime.now(OSLO).date()
    with db.reading() as session:
        connection = runs.firm_connection(session, firm_connection_id)
        session.expunge(connection)
    results: list[StatisticsCheckResult] = []
    calls = 0
    token, calls = _token_check(connection, settings, day, check_tripletex, transport)
    results.append(token)
    for check in (StatisticsCheck.CLIENT_LINKED, StatisticsCheck.FIELDS_MAPPED, StatisticsCheck.IMPORT_DAY):
        if results[-1].status is not CheckStatus.PASSED:
            break
        if check is StatisticsCheck.CLIENT_LINKED:
            results.append(_client_check(db, firm_connection_id, client_id))
        elif check is StatisticsCheck.FIELDS_MAPPED:
            results.append(_fields_check(db, firm_connection_id, field_key))
        else:
            results.append(_import_day_check(db, firm_connection_id, client_id, month, day))
    for missing in StatisticsCheck:
        if missing not in {r.check for r in results}:
            results.append(StatisticsCheckResult(missing, CheckStatus.NOT_RUN))
    return StatisticsDiagnosis(tuple(results), calls)


def _token_check(
    connection: Connection,
    settings: Settings,
    day: date,
    check_tripletex: bool,
    transport: httpx.BaseTransport | None,
) -> tuple[StatisticsCheckResult, int]:
    check = StatisticsCheck.TOKEN
    expires = connection.token_expires_on
    if expires is not None and expires <= day:
        message = render("stats_token_expired", connection=connection.name, expires_on=expires.isoformat())
        return StatisticsCheckResult(check, CheckStatus.FAILED, message), 0
    employee_token = connection.employee_token(TokenCipher.from_settings(settings))
    wrong = check_pasted_token(employee_token, connection.environment)
    if wrong is not None:
        return StatisticsCheckResult(check, CheckStatus.FAILED, wrong), 0
    if not check_tripletex:
        return StatisticsCheckResult(check, CheckStatus.PASSED, note=_expiry_note(expires)), 0
    client = connections.client_for(connection, settings, transport=transport)
    try:
        client.who_am_i(fields="employeeId")
    except AuthenticationError:
        return StatisticsCheckResult(check, CheckStatus.FAILED, render("stats_employee_deactivated")), 1
    except (TripletexError, httpx.HTTPError) as exc:
        message = connections.message_for_error(exc, connection.base_url)
        return StatisticsCheckResult(check, CheckStatus.FAILED, message), 1
    finally:
        client.close()
    return StatisticsCheckResult(check, CheckStatus.PASSED, note=_expiry_note(expires)), 1


def _expiry_note(expires: date | None) -> Note:
    if expires is None:
        return Note("Tripletex godtar nøkkelen.", "Tripletex accepts the token.")
    return Note(
        f"Tripletex godtar nøkkelen; den utløper {expires.isoformat()}.",
        f"Tripletex accepts the token; it expires on {expires.isoformat()}.",
    )


def _client_check(db: Database, firm_connection_id: int, client_id: int | None) -> StatisticsCheckResult:
    check = StatisticsCheck.CLIENT_LINKED
    with db.reading() as session:
        if client_id is not None:
            client = session.get(FirmClient, client_id)
            if client is None or client.firm_connection_id != firm_connection_id:
                message = render("firm_client_not_found", client=client_id)
                return StatisticsCheckResult(check, CheckStatus.FAILED, message)
            if client.tripletex_company_id is None:
                message = render("stats_client_not_linked", client=client.name)
                return StatisticsCheckResult(check, CheckStatus.FAILED, message)
            note = Note(
                f"Koblet til {client.tripletex_company_name or client.tripletex_company_id}.",
                f"Linked to {client.tripletex_company_name or client.tripletex_company_id}.",
            )
            return StatisticsCheckResult(check, CheckStatus.PASSED, note=note)
        linked = session.scalar(
            select(func.count())
            .select_from(FirmClient)
            .where(
                FirmClient.firm_connection_id == firm_connection_id,
                FirmClient.tripletex_company_id.is_not(None),
            )
        )
    if not linked:
        return StatisticsCheckResult(check, CheckStatus.FAILED, render("stats_no_linked_clients"))
    return StatisticsCheckResult(
        check, CheckStatus.PASSED, note=Note(f"{linked} klienter er koblet.", f"{linked} clients are linked.")
    )


def _fields_check(db: Database, firm_connection_id: int, field_key: str | None) -> StatisticsCheckResult:
    check = StatisticsCheck.FIELDS_MAPPED
    mapped = mapped_fields(db, firm_connection_id)
    if not mapped:
        return StatisticsCheckResult(check, CheckStatus.FAILED, render("stats_no_fields_mapped"))
    if field_key is not None and field_key not in mapped:
        known = BY_KEY.get(field_key)
        message = render("stats_field_not_mapped", field=known.nb if known else field_key)
        return StatisticsCheckResult(check, CheckStatus.FAILED, message)
    return StatisticsCheckResult(
        check,
        CheckStatus.PASSED,
        note=Note(f"{len(mapped)} felt er koblet.", f"{len(mapped)} fields are mapped."),
    )


def _import_day_check(
    db: Database, firm_connection_id: int, client_id: int | None, month: str | None, day: date
) -> StatisticsCheckResult:
    from txbridge.flows.firm.reads import shift_month

    check = StatisticsCheck.IMPORT_DAY
    wanted = month or shift_month(f"{day.year:04d}-{day.month:02d}", -1)
    with db.reading() as session:
        settings_row = session.get(FirmImportSettings, firm_connection_id)
        rule = settings_row.rule if settings_row else ImportDayRule.LAST_WORKING_DAY
        day_of_month = settings_row.day_of_month if settings_row else None
        query = select(func.count()).select_from(MonthlyStatistic).where(MonthlyStatistic.month == wanted)
        if client_id is not None:
            query = query.where(MonthlyStatistic.firm_client_id == client_id)
        else:
            query = query.where(
                MonthlyStatistic.firm_client_id.in_(
                    select(FirmClient.id).where(FirmClient.firm_connection_id == firm_connection_id)
                )
            )
        stored = session.scalar(query)
    on = import_day(rule, day_of_month, wanted)
    if not stored and on > day:
        message = render("stats_import_day_not_reached", month=wanted, import_day=on.isoformat())
        return StatisticsCheckResult(check, CheckStatus.FAILED, message)
    return StatisticsCheckResult(
        check,
        CheckStatus.PASSED,
        note=Note(f"{wanted} importeres {on.isoformat()}.", f"{wanted} is imported on {on.isoformat()}."),
    )
