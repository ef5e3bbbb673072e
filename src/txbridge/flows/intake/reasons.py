"""Why an item was rejected, as catalog messages in the user's language: pydantic's own (English)
texts never reach a user. Each message names the item, the field (for CSV also the row) and the value
as written."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from txbridge.catalog import Bilingual, Message, entry, render
from txbridge.flows.intake.values import FieldProblem

#: pydantic's error types → catalog ids; what is not here is ``intake_invalid_field``.
_BY_TYPE = {
    "missing": "intake_field_missing",
    "extra_forbidden": "intake_field_unknown",
    "int_parsing": "intake_whole_number_invalid",
    "int_parsing_size": "intake_whole_number_invalid",
    "int_type": "intake_whole_number_invalid",
    "int_from_float": "intake_whole_number_invalid",
    "decimal_parsing": "intake_number_invalid",
    "decimal_type": "intake_number_invalid",
    "decimal_max_digits": "intake_number_too_many_digits",
    "decimal_whole_digits": "intake_number_too_many_digits",
    "decimal_max_places": "intake_too_many_decimals",
    "greater_than_equal": "intake_value_too_small",
    "greater_than": "intake_value_too_small",
    "less_than_equal": "intake_value_too_large",
    "less_than": "intake_value_too_large",
    "string_too_short": "intake_text_empty",
    "string_too_long": "intake_text_too_long",
    "string_type": "intake_text_expected",
    "bool_parsing": "intake_boolean_invalid",
    "bool_type": "intake_boolean_invalid",
    "literal_error": "intake_choice_invalid",
    "list_type": "intake_list_expected",
    # The only lists in the format are an invoice's lines.
    "too_short": "intake_lines_missing",
    "too_long": "intake_too_many_lines",
    "model_type": "intake_not_an_object",
    "model_attributes_type": "intake_not_an_object",
    "dict_type": "intake_not_an_object",
    "date_parsing": "intake_date_invalid",
    "date_type": "intake_date_invalid",
    "date_from_datetime_parsing": "intake_date_invalid",
}

#: Longest value quoted back in a message (a whole pasted document helps nobody).
MAX_SHOWN = 60


def shown(value: object) -> str:
    """A value as the user wrote it, short enough for one line."""
    if isinstance(value, dict):
        return "{…}"
    if isinstance(value, list):
        return "[…]"
    if value is None:
        return "null"
    text = str(value)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def field_path(loc: Sequence[int | str]) -> str:
    """``("lines", 2, "unitPrice")`` → ``lines[2].unitPrice``."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def field_label(loc: Sequence[int | str], rows: Sequence[int] | None) -> str | Bilingual:
    """What the user looks for: the field path (JSON), or the column and row (CSV: an invoice's
    line ``i`` is row ``rows[i]``; the invoice's own columns are on all its rows)."""
    path = field_path(loc)
    if not rows:
        return path or "-"
    if len(loc) >= 2 and loc[0] == "lines" and isinstance(loc[1], int) and loc[1] < len(rows):
        where = str(rows[loc[1]])
        column = ".".join(str(part) for part in loc[2:])
    else:
        where = ", ".join(str(row) for row in rows)
        column = path
    if not column:
        return Bilingual(f"rad {where}", f"row {where}")
    return Bilingual(f"{column} (rad {where})", f"{column} (row {where})")


def problem_message(message_id: str, **params: object) -> Message:
    """Render ``message_id`` with those of ``params`` it names (each entry names what it needs)."""
    wanted = entry(message_id).placeholders
    return render(message_id, **{name: value for name, value in params.items() if name in wanted})


def _limit(problem: ErrorDetails) -> object:
    ctx: Mapping[str, Any] = problem.get("ctx", {})
    for name in ("ge", "gt", "le", "lt", "max_length", "min_length", "max_digits", "decimal_places"):
        if name in ctx:
            return ctx[name]
    return ""


def validation_messages(
    item: str, error: ValidationError, rows: Sequence[int] | None = None
) -> list[tuple[str | None, Message]]:
    """Each problem pydantic found with one item: (field path or None, catalog message)."""
    found = []
    for problem in error.errors():
        loc = problem["loc"]
        cause = problem.get("ctx", {}).get("error")
        params: dict[str, object] = {
            "item": item,
            "field": field_label(loc, rows),
            "value": shown(problem.get("input")),
        }
        if isinstance(cause, FieldProblem):
            message_id = cause.message_id
            params.update(cause.params)
        else:
            message_id = _BY_TYPE.get(problem["type"], "intake_invalid_field")
            if message_id == "intake_invalid_field":
                value = params["value"]
                params["reason"] = Bilingual(
                    f"«{value}» har ikke typen feltet trenger",
                    f"«{value}» does not have the type the field needs",
                )
            elif message_id == "intake_too_many_decimals":
                params["places"] = problem.get("ctx", {}).get("decimal_places", "")
            elif message_id == "intake_number_too_many_digits":
                params["digits"] = problem.get("ctx", {}).get("max_digits", "")
            elif message_id == "intake_choice_invalid":
                params["allowed"] = str(problem.get("ctx", {}).get("expected", "")).replace("'", "")
            else:
                params["limit"] = _limit(problem)
        found.append((field_path(loc) or None, problem_message(message_id, **params)))
    return found
