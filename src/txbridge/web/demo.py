"""The last step of ``make demo``: a sign-in on the demo's database and the one command that opens
the admin web app on it, with the demo's sandbox running again::

    python -m txbridge.web.demo .txbridge/demo/demo.db           # the sign-in and the command (quick)
    python -m txbridge.web.demo --serve .txbridge/demo/demo.db   # the web app and the sandbox

``make demo`` keeps, beside the database, its token key (``secret.key``) and its sandbox's data
(``sandbox.state``). ``--serve`` starts that sandbox again (at the demo's address when it is free,
else elsewhere, and the demo's connection follows) and serves the web app with the demo's token key:
export, test connection and «Why?» reach the same Tripletex companies the demo exported to."""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import shlex
import sys
from collections.abc import Iterator
from pathlib import Path

from txbridge.demo import DEMO_COMPANY, DEMO_CONNECTION, KEY_FILE, SANDBOX_FILE
from txbridge.flows import accounts, connections
from txbridge.sandbox import snapshot
from txbridge.sandbox.server import SandboxServer
from txbridge.settings import Settings, load_settings
from txbridge.store import Database, Environment, UserRole

DEMO_USER = "demo"


def demo_settings(database_file: Path) -> Settings:
    """The demo's store with the token key the demo kept beside it."""
    return Settings(database_url=f"sqlite:///{database_file}", key_file=database_file.parent / KEY_FILE)


def prepare(database_file: Path) -> tuple[str, str]:
    """Make (or give a new password to) the demo administrator; the database URL and the password."""
    settings = demo_settings(database_file)
    database = Database.open(settings)
    try:
        password = secrets.token_urlsafe(12)
        accounts.add_user(database, DEMO_USER, password, role=UserRole.ADMIN, replace_password=True)
    finally:
        database.dispose()
    return settings.database_url, password


@contextlib.contextmanager
def demo_sandbox(database_file: Path) -> Iterator[SandboxServer]:
    """The demo's sandbox, running again with the demo's companies; the demo's connection points at it
    (moved through the connect flow, same tokens, if the old address was taken)."""
    kept = snapshot.load(database_file.parent / SANDBOX_FILE)
    server = snapshot.serve_again(kept)
    try:
        if server.base_url != kept.base_url:
            consumer, employee = _demo_tokens(server)
            settings = demo_settings(database_file)
            database = Database.open(settings)
            try:
                connections.connect(
                    database,
                    settings,
                    name=DEMO_CONNECTION,
                    environment=Environment.SANDBOX,
                    consumer_token=consumer,
                    employee_token=employee,
                    base_url=server.base_url,
                )
            finally:
                database.dispose()
        yield server
    finally:
        server.stop()


def _demo_tokens(server: SandboxServer) -> tuple[str, str]:
    state = server.state
    with state.lock:
        for token in state.employee_tokens.values():
            company = state.companies.get(token.company_id)
            if company is not None and company.name == DEMO_COMPANY:
                return token.consumer_token, token.token
    raise LookupError(f"the sandbox state has no {DEMO_COMPANY}: run `make demo` again")


def serve(database_file: Path, *, host: str | None = None, port: int | None = None) -> None:
    """The web app on the demo's data, its sandbox running beside it (until Ctrl+C)."""
    from txbridge.web import server as web_server

    with demo_sandbox(database_file) as sandbox:
        print(f"Sandkasse / Sandbox: {sandbox.base_url}", file=sys.stderr)
        # `txbridge serve` reads its settings from the environment: the demo's store and key.
        settings = demo_settings(database_file)
        os.environ["TXBRIDGE_DATABASE_URL"] = settings.database_url
        os.environ["TXBRIDGE_KEY_FILE"] = str(settings.key_file)
        os.environ.pop("TXBRIDGE_SECRET_KEY", None)
        web_server.run(host=host, port=port)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m txbridge.web.demo", description=__doc__.splitlines()[0])
    parser.add_argument("database", nargs="?", type=Path, default=Path(".txbridge/demo/demo.db"))
    parser.add_argument("--serve", action="store_true", help="serve the web app with the demo's sandbox")
    parser.add_argument("--port", type=int, help="the web app's port (default 8000)")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    english = load_settings().language == "en"  # the demo's own language (TXBRIDGE_LANGUAGE)

    def t(nb: str, en: str) -> str:
        return en if english else nb

    database_file: Path = args.database
    needed = [database_file, database_file.parent / SANDBOX_FILE] if args.serve else [database_file]
    missing = [path for path in needed if not path.exists()]
    if missing:
        print(t(f"Fant ikke {missing[0]}: kjør `make demo`", f"Not found: {missing[0]}: run `make demo`"))
        return 2
    if args.serve:
        serve(database_file, port=args.port)
        return 0
    _url, password = prepare(database_file)
    python = Path(".venv/bin/python")
    program = str(python) if python.exists() else "python"
    command = f"{program} -m txbridge.web.demo --serve {shlex.quote(str(database_file))}"
    print()
    print(
        t(
            "Admin-nettappen på demoens data, med demoens sandkasse:",
            "The admin web app on the demo's data, with the demo's sandbox:",
        )
    )
    print(f"  {command}    # → http://127.0.0.1:8000/")
    print(
        t(
            f"Logg inn som {DEMO_USER} med passordet {password}",
            f"Sign in as {DEMO_USER} with the password {password}",
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
