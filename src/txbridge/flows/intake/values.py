"""Reading one value the way a Norwegian spreadsheet or a careless system writes it: dates, amounts,
yes/no. One rule for JSON and CSV alike; what could be read two ways is refused, never guessed.

A value that cannot be read raises :class:`FieldProblem` (a ``ValueError``, so pydantic carries it
to the importer, which turns it into its catalog message)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation


class FieldProblem(ValueError):
    """One field's value is wrong: a catalog id and its parameters besides ``item``, ``field`` and
    ``value`` (which the importer knows)."""

    def __init__(self, message_id: str, /, **params: object) -> None:
        super().__init__(message_id)
        self.message_id = message_id
        self.params: Mapping[str, object] = params


# ---- dates ----------------------------------------------------------------------------------------------

_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_NORWEGIAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
#: Looks like a date but could be read two ways: day and month in either order (05/10/2026,
#: 05-10-2026) or a two-digit year (05.10.26).
_AMBIGUOUS_DATE = re.compile(r"^\d{1,2}[./-]\d{1,2}[./-]\d{2}$|^\d{1,2}[/-]\d{1,2}[/-]\d{4}$")


def read_date(value: object) -> date:
    """``2026-10-05`` (ISO) or ``5.10.2026`` / ``05.10.2026`` (Norwegian); nothing else."""
    if isinstance(value, datetime):
        if value.time() != datetime.min.time():
            raise FieldProblem("intake_date_invalid")
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        # Numbers are not dates here: neither Unix time nor Excel's day count is asked for.
        raise FieldProblem("intake_date_invalid")
    text = value.strip()
    iso = _ISO_DATE.match(text)
    norwegian = _NORWEGIAN_DATE.match(text)
    if iso:
        year, month, day = (int(part) for part in iso.groups())
    elif norwegian:
        day, month, year = (int(part) for part in norwegian.groups())
    elif _AMBIGUOUS_DATE.match(text):
        raise FieldProblem("intake_date_ambiguous")
    else:
        raise FieldProblem("intake_date_invalid")
    try:
        return date(year, month, day)
    except ValueError:
        raise FieldProblem("intake_date_invalid") from None


# ---- numbers ----------------------------------------------------------------------------------------------

#: Spaces a spreadsheet writes between thousands: space, no-break space, narrow no-break space.
_SPACES = " \u00a0\u202f"
_GROUPED_SPACES = re.compile(r"^[+-]?\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?$")
_PLAIN = re.compile(r"^[+-]?(\d+)(?:([.,])(\d+))?$")
_DOT_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?$")
_COMMA_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")


def read_decimal(value: object) -> Decimal:
    """An exact amount from a number or from text written the Norwegian way (``1 234,50``,
    ``1.234,50``) or the English way (``1,234.50``, ``1234.50``).

    With one separator only, it is the decimal sign (``2,5`` and ``2.5``), except where it could as
    well separate thousands: one ``,`` or ``.`` followed by exactly three digits after 1–3 digits
    that do not start with 0 (``1,234``, ``12.500``). That is refused as ambiguous."""
    if isinstance(value, bool):
        raise FieldProblem("intake_number_invalid")
    if isinstance(value, (int, Decimal)):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(str(value))
    elif isinstance(value, str):
        number = _decimal_text(value.strip())
    else:
        raise FieldProblem("intake_number_invalid")
    if not number.is_finite():
        raise FieldProblem("intake_number_invalid")
    return number


def _decimal_text(text: str) -> Decimal:
    if any(space in text for space in _SPACES):
        if not _GROUPED_SPACES.match(text):
            raise FieldProblem("intake_number_invalid")
        text = "".join(text.split())
        return _as_decimal(text.replace(",", "."))
    # Two kinds of separator, or one repeated: only thousands can repeat, so the reading is certain.
    if _DOT_THOUSANDS.match(text) and ("," in text or text.count(".") > 1):
        return _as_decimal(text.replace(".", "").replace(",", "."))
    if _COMMA_THOUSANDS.match(text) and ("." in text or text.count(",") > 1):
        return _as_decimal(text.replace(",", ""))
    plain = _PLAIN.match(text)
    if plain is None:
        raise FieldProblem("intake_number_invalid")
    whole, separator, fraction = plain.groups()
    if separator and len(fraction) == 3 and len(whole) <= 3 and not whole.startswith("0"):
        raise FieldProblem("intake_number_ambiguous")
    return _as_decimal(text.replace(",", "."))


def _as_decimal(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        raise FieldProblem("intake_number_invalid") from None


# ---- yes / no ---------------------------------------------------------------------------------------------

_YES = frozenset({"true", "1", "yes", "ja", "j", "y"})
_NO = frozenset({"false", "0", "no", "nei", "n"})


def read_bool(value: object) -> bool:
    """``true``/``false`` as JSON has them, and what a spreadsheet writes: ``ja``/``nei``,
    ``yes``/``no``, ``1``/``0`` (any case)."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower() if isinstance(value, (str, int)) else None
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise FieldProblem("intake_boolean_invalid")
