"""Deterministic generator of the demo sample: a field-service vendor's October 2026.

    python -m txbridge.samples.generate            # rewrites src/txbridge/samples/demo.json
    python -m txbridge.samples.generate --check    # exit 1 if the shipped file is stale

Same seed, same file, byte for byte. The deliberate defects are listed by :func:`demo_defects` and in
README.md next to this file; everything else in the sample is valid and should export."""

from __future__ import annotations

import argparse
import functools
import json
import random
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

SEED = 20261031
INVOICE_COUNT = 320
COMPANY_CUSTOMERS = 76
PRIVATE_CUSTOMERS = 16
FIRST_CUSTOMER_NUMBER = 10001
FIRST_INVOICE_NUMBER = 100001

VAT_RATES = {3: Decimal("0.25"), 31: Decimal("0.15"), 33: Decimal("0.12"), 5: Decimal(0), 6: Decimal(0)}


@dataclass(frozen=True, slots=True)
class DemoDefects:
    """What the export should trip over in the demo sample (everything else goes through)."""

    #: Product class whose account Tripletex lacks, that account, and the invoices with its products.
    missing_account_class: str
    missing_account: int
    missing_account_invoices: tuple[str, ...]
    #: Two customers with one organisation number, that number, and their invoices.
    shared_org_customers: tuple[int, int]
    shared_org_number: str
    shared_org_invoices: tuple[str, ...]
    #: Dated in the month before the period: left out by batch close.
    outside_period_invoice: str
    #: Already exported by an earlier integration (has ``tripletexInvoiceNumber``): skipped.
    already_exported_invoice: str
    already_exported_tripletex_number: int
    #: Not ready (status ``draft``): left out by batch close.
    draft_invoice: str


# Product classes: code, name, income account (NS 4102 accounts a new Tripletex company has, whose
# VAT type fits the class's products), VAT code of its products.
PRODUCT_CLASSES: tuple[tuple[str, str, int, int], ...] = (
    ("ARBEID", "Arbeid og montasje", 3000, 3),
    ("MATERIELL", "Materiell og deler", 3000, 3),
    ("SERVICE", "Serviceavtaler", 3000, 3),
    ("UTLEIE", "Utleie av utstyr", 3620, 3),
    ("SERVERING", "Mat og drikke", 3001, 31),
    ("TRANSPORT", "Persontransport", 3002, 33),
    ("AVGIFTSFRI", "Avgiftsfritt salg", 3100, 5),
    ("LOKALER", "Utleie av lokaler", 3600, 6),
    # Defect: account 3099 does not exist in a standard Tripletex chart of accounts.
    ("KURS", "Kurs og opplæring", 3099, 3),
)

PRODUCT_PREFIX = {
    "ARBEID": "ARB",
    "MATERIELL": "MTR",
    "SERVICE": "SRV",
    "UTLEIE": "UTL",
    "SERVERING": "MAT",
    "TRANSPORT": "TRP",
    "AVGIFTSFRI": "AVF",
    "LOKALER": "LOK",
    "KURS": "KRS",
}

PRODUCTS: dict[str, tuple[tuple[str, str], ...]] = {
    "ARBEID": (
        ("Montørtime", "895.00"),
        ("Lærlingtime", "545.00"),
        ("Overtidstillegg 50 %", "447.50"),
        ("Overtidstillegg 100 %", "895.00"),
        ("Servicetekniker, time", "1045.00"),
        ("Prosjektleder, time", "1290.00"),
        ("Feilsøking, påbegynt time", "995.00"),
        ("Utrykning kveld og helg", "1850.00"),
    ),
    "MATERIELL": (
        ("Varmepumpe luft/luft 3,5 kW", "18990.00"),
        ("Filtersett varmepumpe", "690.00"),
        ('Kobberrør 1/4" per meter', "89.00"),
        ("Kabel PFSP 3x2,5 per meter", "24.50"),
        ("Stikkontakt jordet, dobbel", "219.00"),
        ("Termostat, digital", "1290.00"),
        ("Varmtvannsbereder 200 l", "11990.00"),
        ("Sikringskurs 16 A", "349.00"),
        ("Røykvarsler, optisk", "399.00"),
        ("Monteringsmateriell", "150.00"),
    ),
    "SERVICE": (
        ("Serviceavtale varmepumpe, år", "2490.00"),
        ("Serviceavtale ventilasjon, år", "3890.00"),
        ("Årlig el-kontroll", "1990.00"),
        ("Filterbytte ventilasjon", "890.00"),
        ("Termografering", "2950.00"),
        ("Service brannslukker", "290.00"),
    ),
    "UTLEIE": (
        ("Leie av lift, dag", "1950.00"),
        ("Leie av stillas, uke", "3400.00"),
        ("Leie av byggtørker, døgn", "450.00"),
        ("Leie av aggregat, dag", "990.00"),
        ("Leie av tilhenger, dag", "390.00"),
        ("Leie av kompressor, dag", "650.00"),
    ),
    "SERVERING": (
        ("Lunsj til montører", "129.00"),
        ("Kaffe og rundstykker", "69.00"),
        ("Møtemat per person", "189.00"),
        ("Varm middag per person", "249.00"),
        ("Mineralvann", "29.00"),
        ("Fruktkurv", "299.00"),
    ),
    "TRANSPORT": (
        ("Persontransport kunde, tur", "450.00"),
        ("Minibuss med sjåfør, time", "890.00"),
        ("Flyplasstransport", "790.00"),
        ("Båttransport, tur", "650.00"),
    ),
    "AVGIFTSFRI": (
        ("Fagbok: Elektroinstallasjoner", "549.00"),
        ("Tidsskrift VVS-aktuelt, år", "890.00"),
        ("Brukerhåndbok, trykt", "149.00"),
    ),
    "LOKALER": (
        ("Leie av kontorlokale, måned", "12500.00"),
        ("Leie av lagerlokale, måned", "8900.00"),
        ("Leie av møterom, dag", "1500.00"),
    ),
    "KURS": (
        ("Kurs i varmepumpedrift", "2900.00"),
        ("Opplæring FDV-system, time", "1150.00"),
    ),
}

_COMPANY_FIRST = (
    "Fjord",
    "Nordlys",
    "Bergen",
    "Vest",
    "Fjell",
    "Havbris",
    "Solsiden",
    "Nordkapp",
    "Trollheimen",
    "Sentrum",
    "Bryggen",
    "Lofoten",
    "Sølvberg",
    "Granli",
    "Elvebakken",
    "Storhaug",
    "Nordre",
    "Kyst",
    "Vikhammer",
    "Berg",
    "Eik",
    "Furu",
    "Lian",
    "Strand",
)
_COMPANY_LAST = (
    "Eiendom AS",
    "Bygg AS",
    "Regnskap AS",
    "Barnehage AS",
    "Tannlegesenter AS",
    "Hotell AS",
    "Bakeri AS",
    "Treningssenter AS",
    "Borettslag",
    "Sameie",
    "Kafé AS",
    "Legesenter AS",
    "Maskin AS",
    "Transport AS",
    "Kjøkken AS",
    "Advokatfirma AS",
    "Frisør AS",
    "Dagligvare AS",
)
_FIRST_NAMES = (
    "Kari",
    "Ola",
    "Ingrid",
    "Lars",
    "Sofie",
    "Magnus",
    "Nora",
    "Henrik",
    "Emma",
    "Jonas",
    "Ida",
    "Sindre",
    "Marte",
    "Eirik",
    "Thea",
    "Håkon",
)
_LAST_NAMES = (
    "Nordmann",
    "Hansen",
    "Johansen",
    "Olsen",
    "Larsen",
    "Berg",
    "Haugen",
    "Dahl",
    "Lie",
    "Solberg",
    "Bakken",
    "Strand",
    "Moen",
    "Sæther",
    "Aas",
    "Ødegård",
)
_STREETS = (
    "Kongens gate",
    "Storgata",
    "Strandkaien",
    "Fjellveien",
    "Skolegata",
    "Kirkegata",
    "Bryggen",
    "Sjøgata",
    "Parkveien",
    "Industriveien",
    "Elvegata",
    "Torget",
)
_PLACES = (
    ("0150", "Oslo"),
    ("5003", "Bergen"),
    ("7010", "Trondheim"),
    ("4006", "Stavanger"),
    ("9008", "Tromsø"),
    ("3015", "Drammen"),
    ("1606", "Fredrikstad"),
    ("4611", "Kristiansand"),
    ("8006", "Bodø"),
    ("6004", "Ålesund"),
)

_ORGNR_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)


def organization_number(rng: random.Random) -> str:
    """A random organisation number with a valid mod-11 check digit (first digit 8 or 9, as issued)."""
    while True:
        digits = [rng.choice((8, 9))] + [rng.randrange(10) for _ in range(7)]
        remainder = sum(d * w for d, w in zip(digits, _ORGNR_WEIGHTS, strict=True)) % 11
        check = (11 - remainder) % 11
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def _slug(name: str) -> str:
    table = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "é": "e", " ": "", "/": ""})
    return "".join(ch for ch in name.lower().translate(table) if ch.isalnum())


def _money(value: Decimal) -> float:
    # Two decimals; floats of that size print back exactly, and the intake reads JSON numbers as Decimal.
    return float(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _customers(rng: random.Random) -> tuple[list[dict[str, Any]], tuple[int, int], str]:
    customers: list[dict[str, Any]] = []
    used_names: set[str] = set()
    used_orgs: set[str] = set()
    number = FIRST_CUSTOMER_NUMBER
    for _ in range(COMPANY_CUSTOMERS):
        while True:
            name = f"{rng.choice(_COMPANY_FIRST)} {rng.choice(_COMPANY_LAST)}"
            if name not in used_names:
                break
        used_names.add(name)
        org = organization_number(rng)
        while org in used_orgs:
            org = organization_number(rng)
        used_orgs.add(org)
        postal_code, city = rng.choice(_PLACES)
        slug = _slug(name.removesuffix(" AS"))
        customers.append(
            {
                "number": number,
                "name": name,
                "organizationNumber": org,
                "email": f"post@{slug}.example.no",
                "invoiceEmail": f"faktura@{slug}.example.no",
                "phone": f"+47 {rng.randrange(2, 10)}{rng.randrange(1000000, 9999999)}",
                "addressLine1": f"{rng.choice(_STREETS)} {rng.randrange(1, 120)}",
                "postalCode": postal_code,
                "city": city,
            }
        )
        number += 1
    # Defect: the last company is registered twice, under two customer numbers, with one org number
    # (the host system has duplicates; Tripletex should get one customer, so the export reports it).
    original = customers[-1]["name"]
    twin_name = (
        original.replace(" AS", " avd. Nord AS") if original.endswith(" AS") else original + " avd. Nord"
    )
    twin = dict(customers[-1], number=number, name=twin_name)
    customers.append(twin)
    shared = (customers[-2]["number"], twin["number"])
    number += 1
    for _ in range(PRIVATE_CUSTOMERS):
        while True:
            name = f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}"
            if name not in used_names:
                break
        used_names.add(name)
        postal_code, city = rng.choice(_PLACES)
        customers.append(
            {
                "number": number,
                "name": name,
                "email": f"{_slug(name)}@example.no",
                "addressLine1": f"{rng.choice(_STREETS)} {rng.randrange(1, 120)}",
                "postalCode": postal_code,
                "city": city,
                "isPrivatePerson": True,
            }
        )
        number += 1
    return customers, shared, twin["organizationNumber"]


def _line(rng: random.Random, product: dict[str, Any], include_vat: bool) -> dict[str, Any]:
    price = Decimal(product["unitPrice"])
    if include_vat:
        price = price * (1 + VAT_RATES[product["vatCode"]])
    if product["productClassCode"] in ("MATERIELL", "SERVERING"):
        quantity: float | int = rng.randrange(1, 12)
    elif product["productClassCode"] == "ARBEID":
        quantity = rng.choice((0.5, 1, 1.5, 2, 2.5, 3, 4, 6, 7.5))
    else:
        quantity = 1
    line: dict[str, Any] = {
        "productNumber": product["number"],
        "quantity": quantity,
        "unitPrice": _money(price),
    }
    if rng.random() < 0.3:
        line["description"] = product["name"] + rng.choice(
            (" – etter avtale", " – oktober", " – se timeliste")
        )
    if rng.random() < 0.1:
        line["discount"] = rng.choice((5, 10, 15))
    if rng.random() < 0.2:
        line["vatCode"] = product["vatCode"]  # same as the product's, written out as some hosts do
    return line


def build() -> tuple[dict[str, Any], DemoDefects]:
    """The sample and its defects; deterministic."""
    rng = random.Random(SEED)
    product_classes = [
        {"code": code, "name": name, "accountNumber": account} for code, name, account, _ in PRODUCT_CLASSES
    ]
    vat_of_class = {code: vat for code, _, _, vat in PRODUCT_CLASSES}
    products: list[dict[str, Any]] = []
    for code, items in PRODUCTS.items():
        for index, (name, price) in enumerate(items, start=1):
            products.append(
                {
                    "number": f"{PRODUCT_PREFIX[code]}-{index:03d}",
                    "name": name,
                    "productClassCode": code,
                    "vatCode": vat_of_class[code],
                    "unitPrice": float(price),
                }
            )
    customers, shared, shared_org = _customers(rng)
    regular = [p for p in products if p["productClassCode"] != "KURS"]
    courses = [p for p in products if p["productClassCode"] == "KURS"]
    weights = [6 if p["productClassCode"] in ("ARBEID", "MATERIELL") else 1 for p in regular]

    october = [date(2026, 10, day) for day in range(1, 32) if date(2026, 10, day).weekday() < 5]
    invoices: list[dict[str, Any]] = []
    course_positions = {17, 88, 151, 260}
    shared_positions = {40: shared[0], 41: shared[1], 205: shared[1]}
    for position in range(INVOICE_COUNT):
        customer = (
            customers[shared_positions[position] - FIRST_CUSTOMER_NUMBER]
            if (position in shared_positions)
            else rng.choice([c for c in customers if c["number"] not in shared])
        )
        private = bool(customer.get("isPrivatePerson"))
        include_vat = private or rng.random() < 0.1
        invoice_date = october[position * len(october) // INVOICE_COUNT]
        picked = rng.choices(regular, weights=weights, k=rng.randrange(1, 6))
        # A product picked twice gives two lines: hosts do that too.
        lines = [_line(rng, product, include_vat) for product in picked]
        if position in course_positions:
            lines.append(_line(rng, rng.choice(courses), include_vat))
        invoices.append(
            {
                "number": str(FIRST_INVOICE_NUMBER + position),
                "invoiceDate": invoice_date.isoformat(),
                "dueDate": (invoice_date + timedelta(days=14 if private else 30)).isoformat(),
                "customerNumber": customer["number"],
                "currency": "NOK",
                "pricesIncludeVat": include_vat,
                "lines": lines,
            }
        )
    # Defect: one invoice from September, handed over late.
    september = dict(
        invoices[0], number=str(FIRST_INVOICE_NUMBER - 1), invoiceDate="2026-09-29", dueDate="2026-10-29"
    )
    september["lines"] = [dict(line) for line in invoices[0]["lines"]]
    invoices.insert(0, september)
    # Defect: one invoice an earlier integration already sent to Tripletex.
    exported = invoices[3]
    exported["tripletexInvoiceNumber"] = 9001
    exported["comment"] = "Eksportert av forrige integrasjon / exported by the previous integration"
    # Defect: one invoice still being written.
    draft = invoices[-1]
    draft["status"] = "draft"

    number_of = {position: str(FIRST_INVOICE_NUMBER + position) for position in range(INVOICE_COUNT)}
    defects = DemoDefects(
        missing_account_class="KURS",
        missing_account=3099,
        missing_account_invoices=tuple(number_of[p] for p in sorted(course_positions)),
        shared_org_customers=shared,
        shared_org_number=shared_org,
        shared_org_invoices=tuple(number_of[p] for p in sorted(shared_positions)),
        outside_period_invoice=september["number"],
        already_exported_invoice=exported["number"],
        already_exported_tripletex_number=9001,
        draft_invoice=draft["number"],
    )
    sample = {
        "productClasses": product_classes,
        "customers": customers,
        "products": products,
        "invoices": invoices,
    }
    return sample, defects


def render_json(sample: dict[str, Any]) -> str:
    return json.dumps(sample, ensure_ascii=False, indent=1) + "\n"


DEMO_SAMPLE_PATH = Path(__file__).parent / "demo.json"


@functools.cache
def demo_defects() -> DemoDefects:
    """The defects of the shipped demo sample (see README.md next to this file)."""
    return build()[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the demo sample (deterministic).")
    parser.add_argument("--output", type=Path, default=DEMO_SAMPLE_PATH)
    parser.add_argument("--check", action="store_true", help="exit 1 if the file differs from the generator")
    args = parser.parse_args(argv)
    text = render_json(build()[0])
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is stale: run python -m txbridge.samples.generate", file=sys.stderr)
            return 1
        return 0
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
