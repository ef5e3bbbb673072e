"""``txbridge serve``: the admin web app (uvicorn). On SQLite the jobs run in the same process."""

from __future__ import annotations

from typing import Annotated

import typer

from txbridge.cli import app
from txbridge.cli.ui import h


@app.command(
    help=h(
        "Kjør admin-nettappen (logg inn med en bruker fra `txbridge user add`).",
        "Run the admin web app (sign in with a user from `txbridge user add`).",
    )
)
def serve(
    host: Annotated[str, typer.Option(help=h("Grensesnitt.", "Interface to listen on."))] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    proxy_headers: Annotated[
        bool,
        typer.Option(
            "--behind-proxy",
            help=h("Stol på X-Forwarded-* fra en TLS-proxy (cookies blir Secure).", "Trust a TLS proxy."),
        ),
    ] = False,
) -> None:
    from txbridge.web.server import run

    run(host=host, port=port, proxy_headers=proxy_headers)
