"""The POS set-up wizard, as the seed's: start date for the sales export, then accounts for payment
methods, product groups, product groups sold as takeaway and other events, one step per page. The
accounts are offered from the connected company's chart (read from Tripletex) and saved by number."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from txbridge.catalog import Bilingual, Message
from txbridge.catalog import render as render_message
from txbridge.flows import accounts
from txbridge.flows.daysales import setup as pos
from txbridge.flows.daysales.voucher import ChartView, group_name
from txbridge.flows.views import connections as views
from txbridge.store import PosAccountGroup
from txbridge.web.deps import Admin, Config, Db, User
from txbridge.web.rendering import render
from txbridge.web.ui.common import see_other

router = APIRouter()

#: The wizard's pages: 1 start date, 2–5 the mapping steps, 6 the summary.
MAPPING_STEPS = dict(enumerate(pos.STEPS, start=2))
LAST_STEP = 6
#: Empty rows a mapping step offers for codes the POS has not sent yet.
NEW_ROWS = 3


def _page(
    request: Request,
    db: Db,
    settings: Config,
    connection_id: int,
    step: int,
    *,
    error: Message | None = None,
    status_code: int = 200,
) -> Response:
    row = views.connection_detail(db, connection_id)
    current = pos.show(db, connection_id)
    context: dict[str, Any] = {
        "row": row,
        "setup": current,
        "step": step,
        "steps": MAPPING_STEPS,
        "error": error,
        "choices": [],
        "keys": [],
        "group": None,
    }
    group = MAPPING_STEPS.get(step)
    if group is not None:
        try:
            context["choices"] = pos.account_choices(pos.read_chart(db, settings, connection_id))
        except pos.PosSetupError as exc:
            context["error"] = context["error"] or exc.message
        context["group"] = group
        # As the CLI: without «invoice» while POS invoicing books those sales (one sale, booked once).
        context["keys"] = current.suggested_keys(group)
        context["new_rows"] = 0 if group is PosAccountGroup.EVENT else NEW_ROWS
    return render(request, "pos/wizard.html", status_code=status_code, **context)


@router.get("/connections/{connection_id}/pos")
def wizard(
    request: Request, db: Db, settings: Config, _user: User, connection_id: int, step: int = 1
) -> Response:
    step = step if 1 <= step <= LAST_STEP else 1
    if step > 1 and not pos.show(db, connection_id).configured:
        step = 1  # nothing is mapped before a start date is saved
    return _page(request, db, settings, connection_id, step)


def _log(db: Db, user: accounts.UserInfo, connection_id: int, nb: str, en: str) -> None:
    accounts.log_action(
        db,
        user,
        nb=nb,
        en=en,
        connection_id=connection_id,
        object_type="pos_setup",
        object_key=str(connection_id),
    )


@router.post("/connections/{connection_id}/pos/start")
def save_start(
    request: Request,
    db: Db,
    settings: Config,
    user: Admin,
    connection_id: int,
    start_date: Annotated[str, Form()],
    vat_reported_through: Annotated[str, Form()] = "",
) -> Response:
    try:
        start = _date(start_date)
        reported = _date(vat_reported_through) if vat_reported_through.strip() else None
        pos.save(
            db,
            connection_id,
            start_date=start,
            vat_reported_through=reported,
            clear_vat_reported_through=reported is None,
            by=user.username,
        )
    except pos.PosSetupError as exc:
        return _page(request, db, settings, connection_id, 1, error=exc.message, status_code=422)
    _log(
        db,
        user,
        connection_id,
        f"Startdato for salgseksport satt til {start}",
        f"Sales export start date set to {start}",
    )
    return see_other(f"/connections/{connection_id}/pos?step=2")


@router.post("/connections/{connection_id}/pos/step/{step}")
def save_step(
    request: Request,
    db: Db,
    settings: Config,
    user: Admin,
    connection_id: int,
    step: int,
    key: Annotated[list[str] | None, Form()] = None,
    account: Annotated[list[str] | None, Form()] = None,
) -> Response:
    group = MAPPING_STEPS.get(step)
    if group is None:
        return see_other(f"/connections/{connection_id}/pos")
    keys, numbers = key or [], account or []
    chosen: dict[str, int | None] = {}
    for code, number in zip(keys, numbers, strict=False):
        code = code.strip()
        if not code:
            continue
        chosen[code] = int(number) if number.strip().isdigit() else None
    try:
        chart: ChartView = pos.read_chart(db, settings, connection_id)
        pos.save(db, connection_id, mappings={group: chosen}, chart=chart, by=user.username)
    except pos.PosSetupError as exc:
        return _page(request, db, settings, connection_id, step, error=exc.message, status_code=422)
    name = group_name(group)
    _log(db, user, connection_id, f"Kontoer for {name.nb} lagret", f"Accounts for {name.en} saved")
    return see_other(f"/connections/{connection_id}/pos?step={step + 1}")


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise pos.PosSetupError(
            render_message(
                "pos_setting_invalid",
                reason=Bilingual(
                    f"ugyldig dato «{value}» (ÅÅÅÅ-MM-DD)", f"invalid date «{value}» (YYYY-MM-DD)"
                ),
            )
        ) from None
