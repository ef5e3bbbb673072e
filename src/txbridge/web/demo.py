"""The last step of ``make demo``: a sign-in on the demo's database and the one command that opens
the admin web app on it (``python -m txbridge.web.demo .txbridge/demo/demo.db``).

The demo's sandbox (and its token key) stop with the demo, so on these pages the batches, postings,
log, invoice search and help work; what asks Tripletex (export, test connection, «Why?» beyond the
store's own checks) explains that it cannot work."""

from __future__ import annotations

import secrets
import shlex
import sys
from pathlib import Path

from txbridge.flows import accounts
from txbridge.settings import Settings, load_settings
from txbridge.store import Database, UserRole

DEMO_USER = "demo"


def prepare(database_file: Path) -> tuple[str, str]:
    """Make (or give a new password to) the demo administrator; the database URL and the password."""
    url = f"sqlite:///{database_file}"
    database = Database.open(Settings(database_url=url))
    try:
        password = secrets.token_urlsafe(12)
        accounts.add_user(database, DEMO_USER, password, role=UserRole.ADMIN, replace_password=True)
    finally:
        database.dispose()
    return url, password


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    english = load_settings().language == "en"  # the demo's own language (TXBRIDGE_LANGUAGE)

    def t(nb: str, en: str) -> str:
        return en if english else nb

    database_file = Path(args[0] if args else ".txbridge/demo/demo.db")
    if not database_file.exists():
        print(
            t(f"Fant ikke {database_file}: kjør `make demo`", f"Not found: {database_file}: run `make demo`")
        )
        return 2
    url, password = prepare(database_file)
    command = Path(".venv/bin/txbridge")
    program = str(command) if command.exists() else "txbridge"
    print()
    print(t("Admin-nettappen på demoens data:", "The admin web app on the demo's data:"))
    print(f"  TXBRIDGE_DATABASE_URL={shlex.quote(url)} {program} serve    # → http://127.0.0.1:8000/")
    print(
        t(
            f"Logg inn som {DEMO_USER} med passordet {password}",
            f"Sign in as {DEMO_USER} with the password {password}",
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
