"""The API's OpenAPI document (only the ``/api/v1`` routes) and a plain HTML page listing them.

The page has no script (the app's Content-Security-Policy allows none inline and nothing loads from a
CDN here); tools read ``/api/v1/openapi.json``, also committed as ``docs/openapi-v1.json``."""

from __future__ import annotations

import html
from functools import cache
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from txbridge import __version__
from txbridge.web.api.v1.schemas import ProblemPublic

PREFIX = "/api/v1"
TITLE = "Tripletex Bridge REST API"
DESCRIPTION = (
    "Host data in (customers, product classes, products, invoices), read back (invoice status, batches, "
    "postings, the troubleshooter, the log, payment status), actions (close a batch, export as a job).\n\n"
    "Auth: `Authorization: Bearer txb_…` (an API key made with `txbridge apikey add`). Every POST needs "
    "an `Idempotency-Key`. Errors are RFC 9457 problem details with the catalog id, in the language of "
    "`Accept-Language` (bokmål by default)."
)


@cache
def document() -> dict[str, Any]:
    """The OpenAPI document of the API's routes (built once; the routes do not change)."""
    from txbridge.web.api.v1 import router

    alone = FastAPI()
    alone.include_router(router, prefix=PREFIX)
    doc = get_openapi(title=TITLE, version=__version__, description=DESCRIPTION, routes=alone.routes)
    schemas: dict[str, Any] = doc.setdefault("components", {}).setdefault("schemas", {})
    for operations in doc.get("paths", {}).values():
        for operation in operations.values():
            # The intake's item schemas ride along with their routes (see intake.py).
            schemas.update(operation.pop("x-schemas", {}))
    schemas["ProblemPublic"] = ProblemPublic.model_json_schema(by_alias=True)
    doc["components"]["securitySchemes"] = {
        "apiKey": {"type": "http", "scheme": "bearer", "description": "An API key: txb_…"}
    }
    doc["security"] = [{"apiKey": []}]
    doc["components"]["schemas"] = dict(sorted(schemas.items()))
    return doc


def docs_page(doc: dict[str, Any]) -> str:
    """Every operation with its summary, on one page."""
    rows = []
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            rows.append(
                f"<tr><td><code>{html.escape(method.upper())}</code></td><td><code>{html.escape(path)}</code>"
                f"</td><td>{html.escape(operation.get('summary', ''))}</td></tr>"
            )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{html.escape(TITLE)}</title><link rel="stylesheet" href="/static/app.css"></head><body>'
        f"<main><h1>{html.escape(TITLE)} {html.escape(doc['info']['version'])}</h1>"
        f"<p>{html.escape(DESCRIPTION)}</p>"
        '<p><a href="/api/v1/openapi.json">openapi.json</a></p>'
        "<table><thead><tr><th>Method</th><th>Path</th><th>What</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></main></body></html>"
    )


def main() -> None:
    """Print the document (``python -m txbridge.web.api.v1 > docs/openapi-v1.json``)."""
    import json
    import sys

    sys.stdout.write(json.dumps(document(), indent=2, ensure_ascii=False) + "\n")
