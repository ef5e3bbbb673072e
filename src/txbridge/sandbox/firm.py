"""An accounting firm in the sandbox: one accountant company whose employee token reaches N client
companies, each with months of bookkeeping a statistics run can count, and the true counts per
client and month to check a run against.

The data is written straight into the clients' tables (300 clients × 12 months in a few seconds);
it is the same shape the API's own writes leave. The truth is counted here from those tables, by
the definitions the README gives for each statistic field, without the API (``GET /_sandbox/firm/truth``).
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from txbridge.sandbox.companies import CreatedCompany, create_company
from txbridge.sandbox.resources.voucher_type import voucher_type_id
from txbridge.sandbox.state import CompanyState, Row, SandboxState

SALE = "Utgående faktura"
PURCHASE = "Leverandørfaktura"
OTHER_TYPES = ("Innbetaling", "Utbetaling", "Memorialbilag", "Lønnsbilag")
CUSTOMER_ACCOUNT = 1500
VENDOR_ACCOUNT = 2400
TERM_SIZES = ("TWO_MONTHS", "TWO_MONTHS", "TWO_MONTHS", "ONE_MONTH", "YEAR", "NOT_REGISTERED")
#: Filing deadlines per term size: (last month of the term, due year offset, due month, due day).
#: Skatteetaten's table, written out (the integration computes them; this is the check).
DEADLINES: dict[str, tuple[tuple[int, int, int, int], ...]] = {
    "TWO_MONTHS": (
        (2, 0, 4, 10),
        (4, 0, 6, 10),
        (6, 0, 8, 31),
        (8, 0, 10, 10),
        (10, 0, 12, 10),
        (12, 1, 2, 10),
    ),
    "ONE_MONTH": tuple(
        (m, 1 if m >= 11 else 0, (m + 2 - 1) % 12 + 1, 31 if m == 6 else 10) for m in range(1, 13)
    ),
    "YEAR": ((12, 1, 3, 10),),
    "NOT_REGISTERED": (),
}
#: How far back an unpaid customer invoice counts (months before the counted month's end).
OVERDUE_LOOKBACK_MONTHS = 12


def month_bounds(month: str) -> tuple[date, date]:
    year, number = int(month[:4]), int(month[5:7])
    start = date(year, number, 1)
    end = date(year + (number == 12), number % 12 + 1, 1)
    return start, end


def months_back(last: str, count: int) -> list[str]:
    year, number = int(last[:4]), int(last[5:7])
    out = []
    for _ in range(count):
        out.append(f"{year:04d}-{number:02d}")
        year, number = (year - 1, 12) if number == 1 else (year, number - 1)
    return sorted(out)


@dataclass
class _Writer:
    state: SandboxState
    company: CompanyState
    rng: random.Random

    def insert(self, schema: str, row: Row) -> Row:
        row = {"id": self.state.new_id(), "version": 0, **row}
        self.company.table(schema)[row["id"]] = row
        return row

    def account_id(self, number: int) -> int:
        for row in self.company.table("Account").values():
            if row["number"] == number:
                return int(row["id"])
        raise KeyError(number)


def _day_in(rng: random.Random, month: str) -> date:
    start, end = month_bounds(month)
    return start + timedelta(days=rng.randrange((end - start).days))


def _voucher(w: _Writer, day: date, type_name: str, *, document: bool) -> Row:
    number = w.company.next_number(f"voucher-{day.year}")
    row: Row = {
        "date": day.isoformat(),
        "number": number,
        "tempNumber": 0,
        "year": day.year,
        "description": type_name,
        "voucherType": {"id": voucher_type_id(w.state, w.company, type_name)},
        "postings": [],
        "displayName": f"{number}-{day.year}",
        "numberAsString": f"{number}-{day.year}",
    }
    if document:
        doc = w.insert("Document", {"fileName": f"bilag-{number}.pdf", "mimeType": "application/pdf"})
        row["document"] = {"id": doc["id"]}
    return w.insert("Voucher", row)


def _ledger_posting(
    w: _Writer, voucher: Row, account_number: int, amount: int, closed_on: date | None
) -> None:
    posting = w.insert(
        "Posting",
        {
            "voucher": {"id": voucher["id"]},
            "date": voucher["date"],
            "description": voucher["description"],
            "account": {"id": w.account_id(account_number)},
            "amount": amount,
            "amountCurrency": amount,
            "amountGross": amount,
            "amountGrossCurrency": amount,
            "currency": {"id": 1},
            "row": 1,
            "_accountNumber": account_number,
        },
    )
    voucher["postings"] = [{"id": posting["id"]}]
    if closed_on is not None:
        group = w.insert("CloseGroup", {"date": closed_on.isoformat(), "postings": [{"id": posting["id"]}]})
        posting["closeGroup"] = {"id": group["id"]}


def _seed_month(
    w: _Writer, month: str, employees: list[int], bank_accounts: list[int], least: int = 0
) -> None:
    rng = w.rng
    for _ in range(rng.randrange(0, 12)):
        day = _day_in(rng, month)
        amount = rng.randrange(500, 50_000)
        paid = rng.random() < 0.7
        voucher = _voucher(w, day, SALE, document=False)
        paid_on = day + timedelta(days=rng.randrange(1, 40)) if paid else None
        _ledger_posting(w, voucher, CUSTOMER_ACCOUNT, amount, paid_on)
        number = w.company.next_number("invoice")
        w.insert(
            "Invoice",
            {
                "invoiceNumber": number,
                "invoiceDate": day.isoformat(),
                "invoiceDueDate": (day + timedelta(days=14)).isoformat(),
                "amount": amount,
                "amountCurrency": amount,
                "amountOutstanding": 0 if paid else amount,
                "amountCurrencyOutstanding": 0 if paid else amount,
                "voucher": {"id": voucher["id"]},
                "currency": {"id": 1},
            },
        )
    for _ in range(rng.randrange(0, 9)):
        day = _day_in(rng, month)
        voucher = _voucher(w, day, PURCHASE, document=rng.random() < 0.8)
        closed = day + timedelta(days=rng.randrange(5, 45)) if rng.random() < 0.7 else None
        _ledger_posting(w, voucher, VENDOR_ACCOUNT, -rng.randrange(200, 30_000), closed)
    for _ in range(rng.randrange(0, 6)):
        _voucher(w, _day_in(rng, month), rng.choice(OTHER_TYPES), document=rng.random() < 0.3)
    for _ in range(rng.randrange(least, 4)):
        day = _day_in(rng, month)
        doc = w.insert(
            "Document", {"fileName": f"innboks-{day.isoformat()}.pdf", "mimeType": "application/pdf"}
        )
        w.insert(
            "VoucherReception",
            {"date": day.isoformat(), "description": "Mottatt dokument", "document": {"id": doc["id"]}},
        )
    start, end = month_bounds(month)
    for account_id in bank_accounts:
        statement = w.insert(
            "BankStatement",
            {
                "fromDate": start.isoformat(),
                "toDate": (end - timedelta(days=1)).isoformat(),
                "fileName": f"kontoutskrift-{month}.xml",
                "transactions": [],
                "_accountId": account_id,
            },
        )
        for _ in range(rng.randrange(least, 20)):
            matched = rng.random() < 0.8
            tx = w.insert(
                "BankTransaction",
                {
                    "postedDate": _day_in(rng, month).isoformat(),
                    "description": "Transaksjon",
                    "amountCurrency": rng.randrange(-20_000, 20_000),
                    "bankStatement": {"id": statement["id"]},
                    "account": {"id": account_id},
                    "matched": matched,
                    "matchType": "ONE_TRANSACTION_TO_ONE_POSTING" if matched else "NO_MATCH",
                    "companyId": w.company.id,
                },
            )
            statement["transactions"].append({"id": tx["id"]})
    year, number = int(month[:4]), int(month[5:7])
    for employee_id in employees:
        if least or rng.random() < 0.9:
            w.insert(
                "Payslip",
                {
                    "employee": {"id": employee_id},
                    "date": (end - timedelta(days=5)).isoformat(),
                    "year": year,
                    "month": number,
                    "grossAmount": 45_000,
                    "amount": 32_000,
                },
            )


def _seed_client(
    state: SandboxState, company: CompanyState, months: list[str], seed: int, least: int = 0
) -> None:
    w = _Writer(state, company, random.Random(seed * 1_000_003 + company.id))
    rng = w.rng
    employees = [
        w.insert(
            "Employee",
            {
                "firstName": f"Ansatt{i}",
                "lastName": company.name,
                "displayName": f"Ansatt{i} {company.name}",
                "employeeNumber": str(100 + i),
                "companyId": company.id,
            },
        )["id"]
        for i in range(rng.randrange(least, 6))
    ]
    bank_accounts = [w.account_id(1920)]
    w.insert(
        "VatTermSizeSettings",
        {"reportType": "GENERAL_INDUSTRY", "fromDate": "2000-01-01", "termSize": rng.choice(TERM_SIZES)},
    )
    for month in months:
        _seed_month(w, month, employees, bank_accounts, least)


def seed_firm(
    state: SandboxState,
    *,
    clients: int,
    months: int,
    last_month: str,
    seed: int = 1,
    name: str = "Regnskapskontoret AS",
    employee_token_expires: date | None = None,
) -> CreatedCompany:
    """An accountant company with ``clients`` client companies, each with ``months`` months of
    bookkeeping ending with ``last_month``."""
    created = create_company(
        state, name=name, accountant_clients=clients, employee_token_expires=employee_token_expires
    )
    wanted = months_back(last_month, months)
    with state.lock:
        for company_id in created.client_company_ids:
            _seed_client(state, state.companies[company_id], wanted, seed)
    return created


def seed_bookkeeping(state: SandboxState, company_id: int, months: list[str]) -> None:
    """Bookkeeping for ``months`` in one existing company, at least one of everything (employees,
    payslips, bank transactions, documents in the voucher reception) — for tests that read each kind."""
    with state.lock:
        _seed_client(state, state.companies[company_id], months, seed=1, least=1)


def add_activity(state: SandboxState, company_id: int, month: str, *, sale_vouchers: int) -> None:
    """More sale vouchers (with their invoices) in one client's month: data changed since a run."""
    company = state.companies[company_id]
    with state.lock:
        w = _Writer(state, company, random.Random(state.new_id()))
        for _ in range(sale_vouchers):
            day = _day_in(w.rng, month)
            voucher = _voucher(w, day, SALE, document=False)
            _ledger_posting(w, voucher, CUSTOMER_ACCOUNT, 1000, None)


# --------------------------------------------------------------------------------------------------
# The truth: counted from the tables, by the README's definitions
# --------------------------------------------------------------------------------------------------


def _ref(value: Any) -> int | None:
    return value.get("id") if isinstance(value, dict) else None


def _in(day: str | None, start: date, end: date) -> bool:
    return day is not None and start.isoformat() <= day[:10] < end.isoformat()


def _vat_due(company: CompanyState, month: str) -> int:
    year, number = int(month[:4]), int(month[5:7])
    settings = sorted(company.table("VatTermSizeSettings").values(), key=lambda r: r["fromDate"])
    due = 0
    for term_year in (year - 1, year):
        for size, terms in DEADLINES.items():
            for term_end, offset, due_month, _day in terms:
                if (term_year + offset, due_month) == (year, number) and size == _size_on(
                    settings, term_year, term_end
                ):
                    due += 1
    return due


def _size_on(settings: list[Row], year: int, month: int) -> str:
    last_day = month_bounds(f"{year:04d}-{month:02d}")[1] - timedelta(days=1)
    size = "TWO_MONTHS"
    for row in settings:
        if row["fromDate"] <= last_day.isoformat():
            size = row["termSize"]
    return size


def truth(state: SandboxState, company_id: int, months: Iterable[str]) -> dict[str, dict[str, int]]:
    """Month → field key → the count, for one client company."""
    company = state.companies[company_id]
    with state.lock:
        types = {r["id"]: r["name"] for r in company.table("VoucherType").values()}
        vouchers = list(company.table("Voucher").values())
        reception = list(company.table("VoucherReception").values())
        transactions = list(company.table("BankTransaction").values())
        postings = list(company.table("Posting").values())
        groups = company.table("CloseGroup")
        invoices = list(company.table("Invoice").values())
        payslips = list(company.table("Payslip").values())
        out: dict[str, dict[str, int]] = {}
        for month in months:
            start, end = month_bounds(month)
            last = (end - timedelta(days=1)).isoformat()
            in_month = [v for v in vouchers if _in(v["date"], start, end)]
            waiting = [v for v in reception if _in(v["date"], start, end)]
            tx = [t for t in transactions if _in(t["postedDate"], start, end)]

            def open_at_end(p: Row, last: str = last) -> bool:
                group = groups.get(_ref(p.get("closeGroup")) or -1)
                return (
                    p.get("_accountNumber") in (CUSTOMER_ACCOUNT, VENDOR_ACCOUNT)
                    and p["date"] <= last
                    and (group is None or group["date"] > last)
                )

            lookback = month_bounds(months_back(month, OVERDUE_LOOKBACK_MONTHS + 1)[0])[0]
            out[month] = {
                "sale_entries": sum(types.get(_ref(v.get("voucherType"))) == SALE for v in in_month),
                "purchase_entries": sum(types.get(_ref(v.get("voucherType"))) == PURCHASE for v in in_month),
                "bank_transactions": len(tx),
                "documents_received": len(waiting)
                + sum(bool(v.get("document") or v.get("attachment")) for v in in_month),
                "vouchers_posted": len(in_month),
                "open_items": sum(open_at_end(p) for p in postings),
                "employees_paid": len(
                    {
                        _ref(p.get("employee"))
                        for p in payslips
                        if (p["year"], p["month"]) == (int(month[:4]), int(month[5:7]))
                    }
                ),
                "vat_returns_due": _vat_due(company, month),
                "inbox_waiting": len(waiting),
                "unmatched_bank_transactions": sum(not t.get("matched") for t in tx),
                "overdue_customer_invoices": sum(
                    1
                    for i in invoices
                    if _in(i["invoiceDate"], lookback, end)
                    and i["invoiceDueDate"] <= last
                    and (i.get("amountOutstanding") or 0) > 0
                ),
            }
        return out


def deactivate_token_employee(state: SandboxState, employee_token: str) -> bool:
    """The employee owning ``employee_token`` is deactivated: the token stops working (401)."""
    with state.lock:
        token = state.employee_tokens.get(employee_token)
        if token is None:
            return False
        state.inactive_employees.add(token.employee_id)
        return True
