"""Every reason is a catalog message in each language, naming the item, the field and the value as
written: pydantic's English never reaches a user."""

from __future__ import annotations

from typing import Any

import pytest

from tests.flows.intake.conftest import small_payload
from txbridge.catalog import entry
from txbridge.flows.intake import import_data
from txbridge.store import Database

#: Phrases of pydantic's own messages (and Python's): none may show up in what a user reads.
PYDANTIC_ENGLISH = (
    "Input should",
    "Value error",
    "Field required",
    "Extra inputs",
    "validation error",
    "String should",
    "List should",
    "Decimal input",
    "should have at most",
    "Traceback",
    "object has no attribute",
)

BAD: list[tuple[str, dict[str, Any], str, str, str]] = [
    # kind, the item's fields to change, the field path, the catalog id, the value it must quote
    ("customers", {"number": "ti"}, "number", "intake_whole_number_invalid", "ti"),
    ("customers", {"name": ""}, "name", "intake_text_empty", ""),
    ("customers", {"name": "x" * 300}, "name", "intake_text_too_long", ""),
    ("customers", {"isPrivatePerson": "kanskje"}, "isPrivatePerson", "intake_boolean_invalid", "kanskje"),
    ("customers", {"email": "post(at)fjord.no"}, "email", "intake_email_invalid", "post(at)fjord.no"),
    ("customers", {"nickname": "x"}, "nickname", "intake_field_unknown", ""),
    ("customers", {"number": None}, "number", "intake_whole_number_invalid", "null"),
    ("products", {"vatCode": 1}, "vatCode", "intake_vat_code_unknown", "1"),
    ("products", {"unitPrice": "12 kr"}, "unitPrice", "intake_number_invalid", "12 kr"),
    ("products", {"unitPrice": "1.5e3000"}, "unitPrice", "intake_number_invalid", "1.5e3000"),
    (
        "invoices",
        {"lines": [{"description": "x", "quantity": "123456789012345", "unitPrice": "1", "vatCode": 3}]},
        "lines[0].quantity",
        "intake_number_too_many_digits",
        "123456789012345",
    ),
    ("products", {"unitPrice": "10.005"}, "unitPrice", "intake_number_ambiguous", "10.005"),
    ("products", {"unitPrice": "10.0051"}, "unitPrice", "intake_too_many_decimals", "10.0051"),
    ("productClasses", {"accountNumber": 99999}, "accountNumber", "intake_value_too_large", "99999"),
    ("invoices", {"invoiceDate": "05/10/2026"}, "invoiceDate", "intake_date_ambiguous", "05/10/2026"),
    ("invoices", {"dueDate": "i morgen"}, "dueDate", "intake_date_invalid", "i morgen"),
    ("invoices", {"status": "sent"}, "status", "intake_choice_invalid", "sent"),
    ("invoices", {"lines": []}, "lines", "intake_lines_missing", ""),
    ("invoices", {"lines": {"a": 1}}, "lines", "intake_list_expected", ""),
    ("invoices", {"lines": ["x"]}, "lines[0]", "intake_not_an_object", ""),
    ("invoices", {"number": 17}, "number", "intake_text_expected", "17"),
    ("invoices", {"comment": "a\x00b"}, "comment", "intake_text_has_nul", ""),
    ("invoices", {"tripletexInvoiceNumber": 0}, "tripletexInvoiceNumber", "intake_value_too_small", "0"),
]


@pytest.mark.parametrize(
    ("kind", "change", "path", "message_id", "value"), BAD, ids=[b[3] + "-" + b[2] for b in BAD]
)
def test_each_reason_is_its_catalog_message(
    database: Database,
    connection_id: int,
    kind: str,
    change: dict[str, Any],
    path: str,
    message_id: str,
    value: str,
) -> None:
    payload = small_payload()
    payload[kind][0] = dict(payload[kind][0], **change)
    report = import_data(database, connection_id, payload)
    mine = [r for r in report.rejections if r.item.startswith(f"{kind}[0]")]
    assert [(r.field, r.message.id) for r in mine] == [(path, message_id)]
    message = mine[0].message
    texts = (message.nb, message.en, message.cause_nb, message.cause_en, message.fix_nb, message.fix_en)
    for text in texts:
        assert not any(phrase in text for phrase in PYDANTIC_ENGLISH), text
    assert message.nb.startswith(mine[0].item) and message.en.startswith(mine[0].item)
    if "field" in entry(message_id).placeholders:
        assert path in message.nb and path in message.en
    if value:
        assert f"{value}" in message.nb and f"{value}" in message.en
    assert message.nb != message.en and message.fix_nb != message.fix_en
