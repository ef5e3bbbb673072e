"""``txbridge serve``: the web app under uvicorn. On SQLite the jobs (exports) run in this process
(``txbridge.jobs.api.embedded_worker``); on PostgreSQL they run in ``txbridge worker`` processes."""

from __future__ import annotations

import contextlib
import sys

import uvicorn

from txbridge.settings import load_settings
from txbridge.store import Database
from txbridge.web.app import create_app
from txbridge.web.config import WebSettings


def run(*, host: str | None = None, port: int | None = None, proxy_headers: bool = False) -> None:
    settings = load_settings()
    web = WebSettings()
    db = Database.open(settings)
    app = create_app(settings, web=web, db=db)
    from txbridge.jobs import api as jobs

    worker: contextlib.AbstractContextManager[None] = jobs.embedded_worker(db, settings)
    address = f"http://{host or web.host}:{port or web.port}/"
    print(f"Tripletex Bridge: {address}  (Ctrl+C stopper / stops)", file=sys.stderr)
    try:
        with worker:
            uvicorn.run(
                app,
                host=host or web.host,
                port=port or web.port,
                proxy_headers=proxy_headers,
                # Behind a proxy only the proxy's own X-Forwarded-* are trusted (local by default).
                forwarded_allow_ips="127.0.0.1" if proxy_headers else None,
                log_level="warning",
            )
    finally:
        db.dispose()
