"""``txbridge sandbox``: serve the offline Tripletex emulator."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated

import typer

from txbridge.cli import app
from txbridge.cli.ui import configured_language, h


class Seed(StrEnum):
    demo = "demo"


@app.command(
    help=h(
        "Kjør Tripletex-sandkassen (Tripletex API v2 uten nett, under /v2).",
        "Run the offline Tripletex sandbox (Tripletex API v2 under /v2).",
    )
)
def sandbox(
    host: Annotated[
        str, typer.Option(help=h("Grensesnittet den lytter på.", "Interface to listen on."))
    ] = "127.0.0.1",
    port: Annotated[
        int,
        typer.Option(
            help=h("Porten den lytter på (0 = en ledig port).", "Port to listen on (0 = any free port).")
        ),
    ] = 8080,
    seed: Annotated[
        Seed | None,
        typer.Option(
            help=h(
                "demo: lag et demoselskap og skriv nøklene.", "demo: make a demo company, print its tokens."
            )
        ),
    ] = None,
) -> None:
    from txbridge.sandbox.companies import create_company
    from txbridge.sandbox.server import SandboxServer

    server = SandboxServer(host=host, port=port, log_level="info")
    if seed is Seed.demo:
        created = create_company(server.state, name="Demo AS")
        line = {
            "baseUrl": server.base_url,
            "consumerToken": created.consumer_token,
            "employeeToken": created.employee_token,
            "companyId": created.company_id,
        }
        typer.echo(json.dumps(line), nl=True)
    where = (
        f"Tripletex sandbox at {server.base_url} (control: {server.control_url})"
        if configured_language() == "en"
        else f"Tripletex-sandkasse på {server.base_url} (kontroll: {server.control_url})"
    )
    typer.echo(where, err=True)
    server.serve_forever()
