"""Host objects from a file: JSON (``{"customers": […], "employees": […], "projects": […]}``, or a
list with the resource named) or CSV (one resource per file, one object per row, columns named like
the host fields plus ``host_id``, ``tripletex_id`` and ``deleted``). Read with the intake's rules for
text (encodings, byte-order marks); each object is then accepted or refused on its own by
:func:`txbridge.flows.sync.host.receive`."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from txbridge.catalog import Bilingual
from txbridge.flows.intake.files import IntakeFileError, decode
from txbridge.flows.sync.fields import ORDER
from txbridge.flows.sync.host import HostChangeResult, receive
from txbridge.store import Database, SyncResource

#: The file's keys per resource (plural, like the intake's).
KEYS = {
    SyncResource.CUSTOMER: "customers",
    SyncResource.EMPLOYEE: "employees",
    SyncResource.PROJECT: "projects",
}
_FLAGS = frozenset({"inactive", "closed", "deleted"})


def _csv_value(name: str, cell: str) -> Any:
    text = cell.strip()
    if text == "":
        return None
    if name in _FLAGS:
        return text.casefold() in ("true", "1", "ja", "yes", "x")
    return text


def read_objects(
    path: Path, resource: SyncResource | None = None
) -> dict[SyncResource, list[dict[str, Any]]]:
    """The objects of a file per resource, in dependency order. Raises IntakeFileError when the file
    cannot be read at all."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        reason = Bilingual(exc.strerror or "ukjent feil", exc.strerror or "unknown error")
        raise IntakeFileError("intake_file_unreadable", path=str(path), reason=reason) from None
    text, _encoding = decode(data, str(path))
    if path.suffix.casefold() == ".csv":
        if resource is None:
            raise IntakeFileError("sync_file_needs_resource", path=str(path))
        rows = csv.DictReader(io.StringIO(text), delimiter=";" if text.split("\n", 1)[0].count(";") else ",")
        objects = [{k.strip(): _csv_value(k.strip(), v or "") for k, v in row.items() if k} for row in rows]
        return {
            resource: [{k: v for k, v in o.items() if v is not None or k in ("host_id",)} for o in objects]
        }
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise IntakeFileError(
            "intake_json_invalid", path=str(path), line=exc.lineno, column=exc.colno
        ) from None
    if isinstance(document, list):
        if resource is None:
            raise IntakeFileError("sync_file_needs_resource", path=str(path))
        return {resource: [dict(o) for o in document if isinstance(o, Mapping)]}
    if not isinstance(document, Mapping):
        raise IntakeFileError("intake_json_shape", path=str(path))
    return {
        r: [dict(o) for o in document.get(KEYS[r]) or [] if isinstance(o, Mapping)]
        for r in ORDER
        if (resource is None or r is resource) and KEYS[r] in document
    }


def import_objects(
    db: Database, connection_id: int, path: Path, resource: SyncResource | None = None
) -> dict[SyncResource, HostChangeResult]:
    """Read a file and hand its objects to the sync, resource by resource."""
    return {r: receive(db, connection_id, r, items) for r, items in read_objects(path, resource).items()}
