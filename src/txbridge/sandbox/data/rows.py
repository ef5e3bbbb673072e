"""The standard data as stored rows: Tripletex-shaped dicts keyed by the spec's schema name.

References are ``{"id": …}`` (the sandbox renderer expands them on request); numbers are plain JSON
numbers; every row starts at version 0. The caller stores them in the company's tables.
"""

from typing import Any

from txbridge.sandbox.data import StandardData

Row = dict[str, Any]


def standard_rows(data: StandardData, *, company_id: int = 0) -> dict[str, list[Row]]:
    """Rows per schema: VatType, Account, PostingRules, PaymentType, Currency, Activity, Department,
    Employee. `company_id` fills `Employee.companyId`."""
    account_id = {account.number: account.id for account in data.accounts}
    rules = data.posting_rules
    return {
        "VatType": [
            {
                "id": vat.id,
                "version": 0,
                "name": vat.name,
                "number": vat.number,
                "displayName": vat.display_name,
                "percentage": float(vat.percentage),
                "deductionPercentage": float(vat.deduction_percentage),
            }
            for vat in data.vat_types
        ],
        "Account": [
            {
                "id": account.id,
                "version": 0,
                "number": account.number,
                "numberPretty": str(account.number),
                "name": account.data.name,
                "description": "",
                "displayName": f"{account.number} {account.data.name}",
                "type": account.data.type.value,
                "ledgerType": account.data.ledger_type,
                "vatType": {"id": account.vat_type_id},
                "vatLocked": account.data.vat_locked,
                "currency": {"id": 1},
                "isCloseable": account.data.is_closeable,
                "isApplicableForSupplierInvoice": account.data.type.value == "OPERATING_EXPENSES",
                "requireReconciliation": account.data.is_bank_account,
                "isInactive": False,
                "isBankAccount": account.data.is_bank_account,
                "isInvoiceAccount": account.number == 1920,
                "bankAccountNumber": account.bank_account_number,
                "requiresDepartment": False,
                "requiresProject": False,
            }
            for account in data.accounts
        ],
        "PostingRules": [
            {
                "id": rules.id,
                "version": 0,
                "accountReceivableCustomersId": {"id": account_id[rules.customer_receivable_account]},
                "accountDebtVendorsId": {"id": account_id[rules.vendor_debt_account]},
                "accountDebtEmployeesAndOwnersId": {"id": account_id[rules.employee_debt_account]},
                "accountRoundDiffId": {"id": account_id[rules.rounding_account]},
                "vatPerDepartment": False,
                "multipleIndustries": False,
            }
        ],
        "PaymentType": [
            {
                "id": payment_type.id,
                "version": 0,
                "description": payment_type.data.description,
                "displayName": payment_type.data.description,
                "debitAccount": {"id": payment_type.account_id},
                "sequence": payment_type.data.sequence,
                "currencyId": 1,
                "currencyCode": "NOK",
            }
            for payment_type in data.payment_types
        ],
        "Currency": [
            {
                "id": currency.id,
                "version": 0,
                "code": currency.code,
                "description": currency.description,
                "displayName": f"{currency.code} {currency.description}",
                "factor": currency.factor,
                "isDisabled": False,
            }
            for currency in data.currencies
        ],
        "Activity": [
            {
                "id": activity.id,
                "version": 0,
                "name": activity.data.name,
                "number": activity.data.number,
                "description": "",
                "displayName": activity.data.name,
                "activityType": activity.data.activity_type,
                "isProjectActivity": activity.data.activity_type != "GENERAL_ACTIVITY",
                "isGeneral": activity.data.activity_type == "GENERAL_ACTIVITY",
                "isTask": activity.data.activity_type == "TASK",
                "isDisabled": False,
                "isChargeable": activity.data.is_chargeable,
                "rate": float(activity.data.rate),
                "costPercentage": 0.0,
                "deletable": False,
            }
            for activity in data.activities
        ],
        "Department": [
            {
                "id": data.department.id,
                "version": 0,
                "name": data.department.data.name,
                "departmentNumber": data.department.data.department_number,
                "displayName": f"{data.department.data.department_number} {data.department.data.name}",
                "departmentManager": {"id": data.employee.id},
                "isInactive": False,
            }
        ],
        "Employee": [
            {
                "id": data.employee.id,
                "version": 0,
                "firstName": data.employee.data.first_name,
                "lastName": data.employee.data.last_name,
                "displayName": f"{data.employee.data.first_name} {data.employee.data.last_name}",
                "employeeNumber": data.employee.data.employee_number,
                "email": data.employee.data.email,
                "userType": data.employee.data.user_type,
                "allowInformationRegistration": True,
                "isContact": False,
                "isProxy": False,
                "department": {"id": data.department.id},
                "companyId": company_id,
            }
        ],
    }
