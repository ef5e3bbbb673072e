"""The troubleshooter: "why was invoice X not exported?" in the Telaris guide's seven checks.

diagnosis = diagnose_invoice(db, settings, connection_id, "100018")
diagnosis.outcome, diagnosis.failed_check, diagnosis.answer.fix_nb
"""

from txbridge.flows.diagnose.checks import DiagnoseError, diagnose_invoice, message_for_api_error
from txbridge.flows.diagnose.model import Check, CheckResult, CheckStatus, Diagnosis, Note, Outcome

__all__ = [
    "Check",
    "CheckResult",
    "CheckStatus",
    "DiagnoseError",
    "Diagnosis",
    "Note",
    "Outcome",
    "diagnose_invoice",
    "message_for_api_error",
]
