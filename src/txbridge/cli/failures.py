"""No tracebacks for users: what a command could not do because of its surroundings (database
unreachable or locked, a file it may not read, a full disk, a broken setting) is one catalog message
and an exit code; anything else is one line naming the report file that holds the traceback."""

from __future__ import annotations

import errno
import os
import re
import tempfile
import traceback
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError

from txbridge.catalog import Message, render

EXIT_USAGE = 2
EXIT_INTEGRATION = 3
#: A fault in txbridge itself (sysexits' EX_SOFTWARE).
EXIT_INTERNAL = 70


def _database() -> str:
    url = os.environ.get("TXBRIDGE_DATABASE_URL")
    if not url:
        from txbridge.settings import Settings

        url = Settings.model_fields["database_url"].default
    try:
        return make_url(str(url)).render_as_string(hide_password=True)
    except ArgumentError:
        # Not a URL at all: show it, but never what could be a password before an «@».
        return re.sub(r"//[^/@]*@", "//***@", str(url))


def _os_error(exc: OSError) -> tuple[Message, int] | None:
    path = exc.filename if exc.filename is not None else "?"
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return render("disk_full"), EXIT_INTEGRATION
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return render("file_permission_denied", path=path), EXIT_USAGE
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        return render("file_not_found", path=path), EXIT_USAGE
    return None


def _database_error(exc: DBAPIError) -> tuple[Message, int]:
    text = str(exc.orig or exc).lower()
    if "locked" in text or "busy" in text:
        return render("database_locked", database=_database()), EXIT_INTEGRATION
    if "disk is full" in text or "no space" in text:
        return render("disk_full"), EXIT_INTEGRATION
    if "readonly" in text or "read-only" in text or "permission denied" in text:
        return render("file_permission_denied", path=_database()), EXIT_USAGE
    return render("database_unreachable", database=_database()), EXIT_INTEGRATION


def expected(exc: BaseException) -> tuple[Message, int] | None:
    """The catalog message and exit code for a failure a user can cause or fix, else None."""
    carried = getattr(exc, "message", None)
    if isinstance(carried, Message):
        # A flows or store error that already says it in the catalog's words (the store not set up,
        # a connection that cannot be used): shown as it is.
        from txbridge.cli.connection import exit_code_for

        return carried, exit_code_for(carried)
    if isinstance(exc, ValidationError):
        errors = exc.errors()
        where = errors[0]["loc"] if errors else ("?",)
        setting = "TXBRIDGE_" + "_".join(str(part) for part in where).upper()
        return render(
            "setting_invalid", setting=setting, value=errors[0]["input"] if errors else "?"
        ), EXIT_USAGE
    if isinstance(exc, (ArgumentError, NoSuchModuleError)):
        return render("setting_invalid", setting="TXBRIDGE_DATABASE_URL", value=_database()), EXIT_USAGE
    if isinstance(exc, OperationalError):
        return _database_error(exc)
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return render("database_unreachable", database=_database()), EXIT_INTEGRATION
    if isinstance(exc, OSError):
        return _os_error(exc)
    return None


def write_report(exc: BaseException, *, folder: Path | None = None) -> Path | None:
    """The traceback in a file of its own (mode 0600: it may show local data); None if even that
    cannot be written."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = (folder or Path(tempfile.gettempdir())) / f"txbridge-error-{stamp}-{os.getpid()}.txt"
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as report:
            report.write("".join(traceback.format_exception(exc)))
    except OSError:
        return None
    return target


def unexpected(exc: BaseException) -> tuple[Message, int]:
    report = write_report(exc)
    error = f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
    return render("unexpected_error", error=error, report=report or "-"), EXIT_INTERNAL
