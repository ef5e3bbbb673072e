"""Creating a sandbox company: the standard data as table rows, tokens, accountant clients."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, timedelta
from decimal import Decimal
from typing import Any

from txbridge.sandbox.data import StandardData, standard_company_data
from txbridge.sandbox.state import CompanyState, EmployeeToken, Row, SandboxState

EMPLOYEE_TOKEN_LIFETIME = timedelta(days=365)


@dataclass(frozen=True, slots=True)
class CreatedCompany:
    company_id: int
    consumer_token: str
    employee_token: str
    client_company_ids: list[int] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "companyId": self.company_id,
            "consumerToken": self.consumer_token,
            "employeeToken": self.employee_token,
            "clientCompanyIds": self.client_company_ids,
        }


def _num(value: Decimal) -> float | int:
    return int(value) if value == value.to_integral_value() else float(value)


def _seed(
    state: SandboxState, company: CompanyState, data: StandardData, org_number: str, today: date
) -> None:
    vat_rows = company.table("VatType")
    for vat in data.vat_types:
        vat_rows[vat.id] = {
            "id": vat.id,
            "version": 0,
            "name": vat.name,
            "number": vat.number,
            "displayName": vat.display_name,
            "percentage": _num(vat.percentage),
            "deductionPercentage": _num(vat.deduction_percentage),
            "_direction": str(vat.direction),
        }
    currencies = company.table("Currency")
    for cur in data.currencies:
        currencies[cur.id] = {
            "id": cur.id,
            "version": 0,
            "code": cur.code,
            "description": cur.description,
            "factor": cur.factor,
            "displayName": f"{cur.code} {cur.description}",
            "isDisabled": False,
            "_nokRate": _num(cur.nok_rate),
        }
    accounts = company.table("Account")
    for acc in data.accounts:
        row: Row = {
            "id": acc.id,
            "version": 0,
            "number": acc.number,
            "numberPretty": str(acc.number),
            "name": acc.data.name,
            "description": "",
            "type": str(acc.data.type),
            "ledgerType": acc.data.ledger_type,
            "vatType": {"id": acc.vat_type_id},
            "vatLocked": acc.data.vat_locked,
            "currency": {"id": 1},
            "isCloseable": acc.data.is_closeable,
            "isApplicableForSupplierInvoice": False,
            "requireReconciliation": False,
            "isInactive": False,
            "isBankAccount": acc.data.is_bank_account,
            "isInvoiceAccount": False,
            "bankAccountNumber": acc.bank_account_number,
            "displayName": f"{acc.number} {acc.data.name}",
            "requiresDepartment": False,
            "requiresProject": False,
            "isPostingsExist": False,
        }
        accounts[acc.id] = row
    rules = data.posting_rules
    company.default_income_account = dict(rules.default_income_account_by_vat_number)
    company.extra["vat_account_by_vat_number"] = dict(rules.vat_account_by_vat_number)
    company.extra["posting_rules"] = rules
    by_number = {row["number"]: row["id"] for row in accounts.values()}
    company.table("PostingRules")[rules.id] = {
        "id": rules.id,
        "version": 0,
        "accountReceivableCustomersId": {"id": by_number[rules.customer_receivable_account]},
        "accountDebtVendorsId": {"id": by_number[rules.vendor_debt_account]},
        "accountDebtEmployeesAndOwnersId": {"id": by_number[rules.employee_debt_account]},
        "accountRoundDiffId": {"id": by_number[rules.rounding_account]},
        "vatPerDepartment": False,
        "multipleIndustries": False,
    }
    for pt in data.payment_types:
        company.table("PaymentType")[pt.id] = {
            "id": pt.id,
            "version": 0,
            "description": pt.data.description,
            "displayName": pt.data.description,
            "debitAccount": {"id": pt.account_id},
            "sequence": pt.data.sequence,
            "currencyId": 1,
            "currencyCode": "NOK",
        }
    for act in data.activities:
        company.table("Activity")[act.id] = {
            "id": act.id,
            "version": 0,
            "name": act.data.name,
            "number": act.data.number,
            "description": "",
            "activityType": act.data.activity_type,
            "isProjectActivity": act.data.activity_type.startswith("PROJECT"),
            "isGeneral": act.data.activity_type == "GENERAL_ACTIVITY",
            "isTask": False,
            "isDisabled": False,
            "isChargeable": act.data.is_chargeable,
            "rate": _num(act.data.rate),
            "displayName": f"{act.data.number} {act.data.name}",
        }
    dep = data.department
    company.table("Department")[dep.id] = {
        "id": dep.id,
        "version": 0,
        "name": dep.data.name,
        "departmentNumber": dep.data.department_number,
        "displayName": f"{dep.data.department_number} {dep.data.name}",
        "isInactive": False,
    }
    emp = data.employee
    company.owner_employee_id = emp.id
    company.table("Employee")[emp.id] = {
        "id": emp.id,
        "version": 0,
        "firstName": emp.data.first_name,
        "lastName": emp.data.last_name,
        "displayName": f"{emp.data.first_name} {emp.data.last_name}",
        "employeeNumber": emp.data.employee_number,
        "email": emp.data.email,
        "userType": emp.data.user_type,
        "department": {"id": emp.department_id},
        "companyId": company.id,
    }
    company.table("Company")[company.id] = {
        "id": company.id,
        "version": 0,
        "name": company.name,
        "displayName": company.name,
        "startDate": today.isoformat(),
        "organizationNumber": org_number,
        "email": "post@example.no",
        "type": "AS",
        "currency": {"id": 1},
        "accountantOrSimilar": False,
    }


def _org_number(seq: int) -> str:
    """A valid-looking Norwegian organisation number (mod-11 check digit), unique per company.

    Company n tries the eight digits 91000000 + 2n, and when those take no check digit (a
    remainder of 10) the odd number after them, which no other company tries: two companies never
    share a number (an accounting firm links its clients by it)."""
    weights = (3, 2, 7, 6, 5, 4, 3, 2)
    for base in (91_000_000 + 2 * seq, 91_000_000 + 2 * seq + 1):
        digits = [int(d) for d in str(base)[:8]]
        rest = sum(w * d for w, d in zip(weights, digits, strict=True)) % 11
        check = 0 if rest == 0 else 11 - rest
        if check != 10:
            return "".join(map(str, digits)) + str(check)
    raise AssertionError("two numbers in a row without a check digit")  # mod 11 allows no such pair


def _new_company(state: SandboxState, name: str, bank_account: bool) -> CompanyState:
    company = CompanyState(id=state.new_company_id(), name=name)
    data = standard_company_data(bank_account=bank_account, next_id=state.new_id)
    _seed(state, company, data, _org_number(company.id), state.clock.today_oslo())
    state.companies[company.id] = company
    return company


def create_company(
    state: SandboxState,
    *,
    name: str = "Sandkasse AS",
    accountant_clients: int = 0,
    bank_account: bool = True,
    consumer_token: str | None = None,
    employee_token_expires: date | None = None,
) -> CreatedCompany:
    """A company with the standard data, its token owner's employee token, and N accountant clients."""
    with state.lock:
        company = _new_company(state, name, bank_account)
        consumer = consumer_token or state.new_token()
        state.consumer_tokens.add(consumer)
        employee_token = state.new_token()
        expires = employee_token_expires or (
            state.clock.now().astimezone(UTC).date() + EMPLOYEE_TOKEN_LIFETIME
        )
        state.employee_tokens[employee_token] = EmployeeToken(
            employee_token, consumer, company.id, company.owner_employee_id, expires
        )
        client_ids: list[int] = []
        if accountant_clients:
            company.table("Company")[company.id]["accountantOrSimilar"] = True
        for i in range(accountant_clients):
            client = _new_company(state, f"{name} klient {i + 1}", bank_account)
            company.accountant_client_ids.add(client.id)
            client_ids.append(client.id)
        return CreatedCompany(company.id, consumer, employee_token, client_ids)
