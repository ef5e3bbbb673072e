"""Employee: search, get, create (one and `/list`) and update (Tripletex has no DELETE for employees);
the employments created inline with them: search and get.

The rules Tripletex applies on create: first and last name, a department (companies have department
accounting), a user type, an e-mail address for users who log in (STANDARD/EXTENDED), and e-mail and
employee number unique within the company.
"""

from __future__ import annotations

from fastapi import APIRouter, Response

from txbridge.sandbox import crud, errors
from txbridge.sandbox.context import Ctx, CtxDep, id_list
from txbridge.sandbox.state import Row

router = APIRouter()
SCHEMA = "Employee"
EMPLOYMENT = "Employment"
LOGIN_USER_TYPES = ("STANDARD", "EXTENDED")
FILL_IN = "Feltet må fylles ut."


def _contains(needle: str | None, value: object) -> bool:
    return needle is None or needle.lower() in str(value or "").lower()


def _check(ctx: Ctx, row: Row, own_id: int | None) -> None:
    """The rules for a complete employee (after defaults and changes are applied); every failing
    field is named in one 422/18000, as Tripletex reports them (public logs of real answers, 2026-03:
    POST /employee without a department → «Validering feilet.», developerMessage VALIDATION_ERROR,
    ``department.id`` «Feltet må fylles ut.»)."""
    failed: list[errors.ValidationMessage] = [
        errors.ValidationMessage(name, FILL_IN)
        for name in ("firstName", "lastName")
        if not str(row.get(name) or "").strip()
    ]
    department = row.get("department")
    if department is None:
        failed.append(errors.ValidationMessage("department.id", FILL_IN))
    elif ctx.company.table("Department").get(department.get("id")) is None:
        failed.append(
            errors.ValidationMessage(
                "department.id", f"Objektet finnes ikke / not found: Department {department.get('id')}."
            )
        )
    email = str(row.get("email") or "")
    if row.get("userType") in LOGIN_USER_TYPES and not email:
        failed.append(
            errors.ValidationMessage(
                "email",
                "E-post må fylles ut for brukere med tilgang til Tripletex. "
                "An e-mail address is required for users with access to Tripletex.",
            )
        )
    number = row.get("employeeNumber")
    for other in ctx.company.table(SCHEMA).values():
        if other["id"] == own_id:
            continue
        if email and str(other.get("email") or "").lower() == email.lower():
            failed.append(
                errors.ValidationMessage(
                    "email",
                    f"Det finnes allerede en ansatt med e-post {email}. "
                    "An employee with this e-mail already exists.",
                )
            )
        if number and other.get("employeeNumber") == number:
            failed.append(
                errors.ValidationMessage(
                    "employeeNumber",
                    f"Ansattnummeret {number} er allerede i bruk. "
                    f"The employee number {number} is already in use.",
                )
            )
    if failed:
        raise errors.TripletexError(422, 18000, "Validering feilet.", "VALIDATION_ERROR", failed)


def _display_name(row: Row) -> None:
    row["displayName"] = f"{row.get('firstName', '')} {row.get('lastName', '')}".strip()


def _create(ctx: Ctx, body: Row) -> Row:
    row: Row = {
        "employeeNumber": "",
        "email": "",
        "userType": "NO_ACCESS",
        "isContact": False,
        "allowInformationRegistration": True,
        **body,
        "companyId": ctx.company.id,
    }
    _check(ctx, row, None)
    row = ctx.insert(SCHEMA, row)
    _display_name(row)
    return row


_update = crud.checked_update(SCHEMA, _check, _display_name)


EMPLOYEES = crud.Resource(SCHEMA, _create, _update, event="employee")


@router.get("/employee")
async def search(
    ctx: CtxDep,
    id: str | None = None,
    firstName: str | None = None,
    lastName: str | None = None,
    employeeNumber: str | None = None,
    email: str | None = None,
    allowInformationRegistration: bool | None = None,
    includeContacts: bool | None = None,
    departmentId: str | None = None,
    onlyContacts: bool | None = None,
    hasSystemAccess: bool | None = None,
) -> Response:
    ids = id_list(id)
    departments = id_list(departmentId)

    def wanted(r: Row) -> bool:
        contact = bool(r.get("isContact"))
        return (
            (ids is None or r["id"] in ids)
            and _contains(firstName, r.get("firstName"))
            and _contains(lastName, r.get("lastName"))
            and (employeeNumber is None or r.get("employeeNumber") == employeeNumber)
            and _contains(email, r.get("email"))
            and (
                allowInformationRegistration is None
                or bool(r.get("allowInformationRegistration")) == allowInformationRegistration
            )
            and (departments is None or (r.get("department") or {}).get("id") in departments)
            and (contact if onlyContacts else (not contact or bool(includeContacts)))
            and (hasSystemAccess is None or (r.get("userType") in LOGIN_USER_TYPES) == hasSystemAccess)
        )

    return ctx.listing(filter(wanted, ctx.company.table(SCHEMA).values()), SCHEMA)


@router.post("/employee")
async def create(ctx: CtxDep) -> Response:
    return await EMPLOYEES.create_one(ctx)


@router.post("/employee/list")
async def create_list(ctx: CtxDep) -> Response:
    return await EMPLOYEES.create_list(ctx)


@router.get("/employee/employment")
async def search_employments(ctx: CtxDep, employeeId: str | None = None) -> Response:
    """Employments are created inline with their employee (``employments: [{startDate}]``) and read
    here; the references in an employee's answer point at ``/employee/employment/{id}``."""
    employees = id_list(employeeId)
    rows = ctx.company.table(EMPLOYMENT).values()
    return ctx.listing(
        (r for r in rows if employees is None or (r.get("employee") or {}).get("id") in employees),
        EMPLOYMENT,
    )


@router.get("/employee/employment/{id}")
async def get_employment(id: int, ctx: CtxDep) -> Response:
    return ctx.single(ctx.get(EMPLOYMENT, id), EMPLOYMENT)


@router.get("/employee/{id}")
async def get(id: int, ctx: CtxDep) -> Response:
    return EMPLOYEES.get_one(ctx, id)


@router.put("/employee/{id}")
async def update(id: int, ctx: CtxDep) -> Response:
    return await EMPLOYEES.update_one(ctx, id)
