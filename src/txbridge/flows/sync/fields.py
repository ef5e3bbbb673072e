"""What is synced of each resource, in the host's words, and which side owns each field.

The host sends and receives flat, snake_case objects (``HOST_FIELDS``); Tripletex's shape is built
and read here and nowhere else. Ownership decides a conflict (both sides changed one field since the
last agreed state): the owner's value wins. Tripletex owns what its accounting depends on (customer
number, ledger settings, invoice e-mail and send method, project and employee numbers, the e-mail an
employee signs in with); the host owns the operational fields."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from txbridge.store import SyncResource

TRIPLETEX = "tripletex"
HOST = "host"


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    owner: str
    #: Path in the Tripletex object (``postalAddress.city``); a reference (``customer``) holds an id.
    path: str
    #: The host refers to another synced object by its own id (a project's customer and manager).
    refers_to: SyncResource | None = None


def _f(name: str, owner: str, path: str, refers_to: SyncResource | None = None) -> FieldSpec:
    return FieldSpec(name, owner, path, refers_to)


FIELDS: Mapping[SyncResource, tuple[FieldSpec, ...]] = {
    SyncResource.CUSTOMER: (
        _f("name", HOST, "name"),
        _f("organization_number", HOST, "organizationNumber"),
        _f("email", HOST, "email"),
        _f("phone", HOST, "phoneNumber"),
        _f("address_line1", HOST, "postalAddress.addressLine1"),
        _f("postal_code", HOST, "postalAddress.postalCode"),
        _f("city", HOST, "postalAddress.city"),
        _f("customer_number", TRIPLETEX, "customerNumber"),
        _f("invoice_email", TRIPLETEX, "invoiceEmail"),
        _f("invoice_send_method", TRIPLETEX, "invoiceSendMethod"),
        _f("inactive", TRIPLETEX, "isInactive"),
    ),
    SyncResource.EMPLOYEE: (
        _f("first_name", HOST, "firstName"),
        _f("last_name", HOST, "lastName"),
        _f("phone_mobile", HOST, "phoneNumberMobile"),
        _f("email", TRIPLETEX, "email"),
        _f("employee_number", TRIPLETEX, "employeeNumber"),
    ),
    SyncResource.PROJECT: (
        _f("name", HOST, "name"),
        _f("customer_id", HOST, "customer", SyncResource.CUSTOMER),
        _f("project_manager_id", HOST, "projectManager", SyncResource.EMPLOYEE),
        _f("start_date", HOST, "startDate"),
        _f("end_date", HOST, "endDate"),
        _f("closed", HOST, "isClosed"),
        _f("number", TRIPLETEX, "number"),
    ),
}

#: Fields whose "not set" Tripletex writes as "" (the others are numbers, dates, flags, references).
TEXT_FIELDS = frozenset(
    {
        "name",
        "organization_number",
        "email",
        "phone",
        "address_line1",
        "postal_code",
        "city",
        "invoice_email",
        "invoice_send_method",
        "first_name",
        "last_name",
        "phone_mobile",
        "employee_number",
        "number",
    }
)

#: Host field names per resource (what the Python API, REST API and files accept).
HOST_FIELDS: Mapping[SyncResource, frozenset[str]] = {
    r: frozenset(f.name for f in specs) for r, specs in FIELDS.items()
}

#: What one read asks Tripletex for (``fields``), per resource.
TRIPLETEX_FIELDS: Mapping[SyncResource, str] = {
    SyncResource.CUSTOMER: "id,version,name,organizationNumber,email,phoneNumber,customerNumber,"
    "invoiceEmail,invoiceSendMethod,isInactive,postalAddress(addressLine1,postalCode,city)",
    SyncResource.EMPLOYEE: "id,version,firstName,lastName,email,employeeNumber,phoneNumberMobile",
    SyncResource.PROJECT: "id,version,name,number,customer(id),projectManager(id),startDate,endDate,isClosed",
}

#: The order of the initial sync: a project needs its customer and its manager first.
ORDER = (SyncResource.CUSTOMER, SyncResource.EMPLOYEE, SyncResource.PROJECT)


def _get(obj: Mapping[str, Any], path: str) -> Any:
    value: Any = obj
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _blank(value: Any) -> Any:
    # Tripletex answers "" where the host says nothing: both mean "not set".
    return None if value == "" else value


def host_shape(resource: SyncResource, obj: Mapping[str, Any]) -> dict[str, Any]:
    """A Tripletex object's synced fields in the host's words; references stay Tripletex ids
    (:func:`txbridge.flows.sync.apply` turns them into host ids where linked)."""
    out: dict[str, Any] = {}
    for spec in FIELDS[resource]:
        value = _get(obj, spec.path)
        if spec.refers_to is not None:
            value = value.get("id") if isinstance(value, Mapping) else None
        elif spec.name == "customer_number" and value is not None:
            value = int(value)
        out[spec.name] = _blank(value)
    return out


def tripletex_body(resource: SyncResource, fields: Mapping[str, Any]) -> dict[str, Any]:
    """A Tripletex body from host-shaped fields; references must already be Tripletex ids. Only the
    fields given are set (an update sends what it means to change)."""
    body: dict[str, Any] = {}
    for spec in FIELDS[resource]:
        if spec.name not in fields:
            continue
        value = fields[spec.name]
        if spec.refers_to is not None:
            if value is None:
                continue
            value = {"id": value}
        elif value is None:
            if spec.name not in TEXT_FIELDS:
                continue
            value = ""  # Tripletex clears a text field with ""
        parts = spec.path.split(".")
        target = body
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        target[parts[-1]] = value
    return body


def canonical(data: Mapping[str, Any]) -> dict[str, Any]:
    """Blank and missing fields alike, keys sorted: what equality and hashes compare."""
    return {k: _blank(v) for k, v in sorted(data.items()) if _blank(v) is not None}


#: Fields compared without case or surrounding spaces: «Post@Fjord.no» is no change from «post@fjord.no».
EMAIL_FIELDS = frozenset({"email", "invoice_email"})


def comparable(data: Mapping[str, Any]) -> dict[str, Any]:
    """:func:`canonical` with e-mail addresses folded: what tells a change from none (the values
    sent and stored keep their case)."""
    return {k: normalised_email(v) if k in EMAIL_FIELDS else v for k, v in canonical(data).items()}


def same(name: str, a: Any, b: Any) -> bool:
    """Whether two values of the field ``name`` are the same (blank is None; e-mails without case)."""
    a, b = _blank(a), _blank(b)
    if name in EMAIL_FIELDS and isinstance(a, str) and isinstance(b, str):
        return normalised_email(a) == normalised_email(b)
    return bool(a == b)


def digest(data: Mapping[str, Any]) -> str:
    text = json.dumps(comparable(data), sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


_LEGAL_FORMS = re.compile(r"\b(as|asa|ans|da|enk|nuf|sa|ba)\b")


def normalised_name(name: str | None) -> str:
    """Case, accents' composition, punctuation, spacing and Norwegian legal forms (AS, ASA, ANS,
    DA, ENK, NUF …) do not tell two names apart."""
    if not name:
        return ""
    text = unicodedata.normalize("NFKC", name).casefold()
    text = re.sub(r"\ba\s*/\s*s\b", " as ", text)  # A/S is AS
    text = re.sub(r"[^\w\s]", " ", text)
    text = _LEGAL_FORMS.sub(" ", text)
    return " ".join(text.split())


def normalised_email(email: str | None) -> str:
    return (email or "").strip().casefold()


def display_name(resource: SyncResource, data: Mapping[str, Any]) -> str:
    if resource is SyncResource.EMPLOYEE:
        return " ".join(str(p) for p in (data.get("first_name"), data.get("last_name")) if p)
    return str(data.get("name") or "")
