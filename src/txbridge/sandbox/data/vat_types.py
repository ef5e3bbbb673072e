"""Tripletex's predefined VAT types (the Norwegian SAF-T standard tax codes Tripletex uses as VAT numbers).

Ids are global in Tripletex (the same for every company) and deliberately differ from the numbers, so a
client that confuses `vatType.id` with the VAT number breaks here just as it would against Tripletex.
Rates are the Norwegian rates in force: high 25 %, middle (food) 15 %, raw fish 11.11 %, low 12 %.
"""

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class VatDirection(StrEnum):
    """Which side of the VAT return a type belongs to; output types may be used on order lines."""

    OUTPUT = "OUTGOING"
    INPUT = "INCOMING"
    NONE = "NONE"


@dataclass(frozen=True, slots=True)
class VatTypeData:
    id: int
    number: str
    name: str
    percentage: Decimal
    direction: VatDirection
    deduction_percentage: Decimal = Decimal("100")

    @property
    def display_name(self) -> str:
        # Tripletex shows the number first: "3 Utgående avgift, høy sats"
        return f"{self.number} {self.name}"


def _vat(
    id_: int, number: str, name: str, percentage: str, direction: VatDirection = VatDirection.NONE
) -> VatTypeData:
    return VatTypeData(id_, number, name, Decimal(percentage), direction)


_IN = VatDirection.INPUT
_OUT = VatDirection.OUTPUT

# Ids start above the highest VAT number (92) and do not follow the numbers' order.
VAT_TYPES: tuple[VatTypeData, ...] = (
    _vat(106, "0", "Ingen avgiftsbehandling", "0"),
    _vat(107, "1", "Fradrag for inngående avgift, høy sats", "25", _IN),
    _vat(108, "11", "Fradrag for inngående avgift, middels sats", "15", _IN),
    _vat(109, "12", "Fradrag for inngående avgift, råfisk", "11.11", _IN),
    _vat(110, "13", "Fradrag for inngående avgift, lav sats", "12", _IN),
    _vat(111, "14", "Fradrag for inngående avgift betalt ved innførsel, høy sats", "25", _IN),
    _vat(112, "15", "Fradrag for inngående avgift betalt ved innførsel, middels sats", "15", _IN),
    _vat(113, "20", "Grunnlag ved innførsel av varer, ingen avgiftsbehandling", "0", _IN),
    _vat(114, "21", "Grunnlag ved innførsel av varer, høy sats", "25", _IN),
    _vat(115, "22", "Grunnlag ved innførsel av varer, middels sats", "15", _IN),
    _vat(101, "3", "Utgående avgift, høy sats", "25", _OUT),
    _vat(102, "31", "Utgående avgift, middels sats", "15", _OUT),
    _vat(103, "32", "Utgående avgift, råfisk", "11.11", _OUT),
    _vat(104, "33", "Utgående avgift, lav sats", "12", _OUT),
    _vat(105, "5", "Ingen utgående avgift (innenfor mva-loven)", "0", _OUT),
    _vat(116, "6", "Ingen utgående avgift (utenfor mva-loven)", "0", _OUT),
    _vat(117, "7", "Ingen avgiftsbehandling (inntekter)", "0", _OUT),
    _vat(118, "51", "Avgiftsfri innenlands omsetning med omvendt avgiftsplikt", "0", _OUT),
    _vat(119, "52", "Avgiftsfri utførsel av varer og tjenester", "0", _OUT),
    _vat(120, "81", "Innførsel av varer, med fradrag for inngående avgift, høy sats", "25", _IN),
    _vat(121, "82", "Innførsel av varer, uten fradrag for inngående avgift, høy sats", "25", _IN),
    _vat(122, "83", "Innførsel av varer, med fradrag for inngående avgift, middels sats", "15", _IN),
    _vat(123, "84", "Innførsel av varer, uten fradrag for inngående avgift, middels sats", "15", _IN),
    _vat(124, "85", "Innførsel av varer, avgiftsfri", "0", _IN),
    _vat(125, "86", "Tjenester kjøpt fra utlandet, med fradrag for inngående avgift, høy sats", "25", _IN),
    _vat(126, "87", "Tjenester kjøpt fra utlandet, uten fradrag for inngående avgift, høy sats", "25", _IN),
    _vat(127, "88", "Tjenester kjøpt fra utlandet, med fradrag for inngående avgift, lav sats", "12", _IN),
    _vat(128, "89", "Tjenester kjøpt fra utlandet, uten fradrag for inngående avgift, lav sats", "12", _IN),
    _vat(129, "91", "Kjøp av klimakvoter eller gull, med fradrag for inngående avgift", "25", _IN),
    _vat(130, "92", "Kjøp av klimakvoter eller gull, uten fradrag for inngående avgift", "25", _IN),
)
