"""``txbridge user add|list`` and ``txbridge serve`` (a real process: uvicorn, with the embedded job
runner on SQLite), and the sign-in ``make demo`` prints."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from typer.testing import CliRunner

from txbridge.cli import _register, app
from txbridge.flows import accounts
from txbridge.settings import Settings
from txbridge.store import Database
from txbridge.web import demo


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_user_add_makes_the_first_admin_and_refuses_a_second_with_the_same_name(settings: Settings) -> None:
    _register()
    env = {"TXBRIDGE_DATABASE_URL": settings.database_url}
    made = CliRunner().invoke(
        app,
        ["user", "add", "ola", "--admin"],
        env=env,
        input="correct horse battery\ncorrect horse battery\n",
    )
    assert made.exit_code == 0, made.output
    assert "Bruker ola (admin) er klar" in made.output and "correct horse" not in made.output
    again = CliRunner().invoke(
        app, ["user", "add", "ola"], env={**env, "TXBRIDGE_USER_PASSWORD": "another long one"}
    )
    assert again.exit_code == 2 and "Brukeren ola finnes allerede" in again.output
    reset = CliRunner().invoke(
        app,
        ["user", "add", "ola", "--admin", "--password-reset"],
        env={**env, "TXBRIDGE_USER_PASSWORD": "another long one"},
    )
    assert reset.exit_code == 0
    listed = CliRunner().invoke(app, ["user", "list"], env=env)
    assert "ola" in listed.output and "admin" in listed.output
    db = Database.open(settings)
    try:
        assert accounts.sign_in(db, "ola", "another long one").user.is_admin
    finally:
        db.dispose()


def test_serve_runs_the_app_and_signs_in(settings: Settings, tmp_path: Path) -> None:
    db = Database.open(settings)
    accounts.add_user(db, "ola", "correct horse battery")
    db.dispose()
    port = _free_port()
    env = {**os.environ, "TXBRIDGE_DATABASE_URL": settings.database_url}
    process = subprocess.Popen(
        [sys.executable, "-m", "txbridge", "serve", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                page = httpx.get(f"{base}/sign-in")
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stdout.read() if process.stdout else ""
                assert time.monotonic() < deadline, "txbridge serve did not start"
                time.sleep(0.2)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token
        with httpx.Client(base_url=base, cookies=page.cookies) as client:
            signed = client.post(
                "/sign-in",
                data={"username": "ola", "password": "correct horse battery", "csrf_token": token.group(1)},
                follow_redirects=True,
            )
            assert signed.status_code == 200 and "Tilkoblinger" in signed.text
            assert client.get("/metrics").text.startswith("# HELP")
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)


def test_demo_sign_in_is_printed_and_works(settings: Settings, capsys: object) -> None:
    database_file = Path(settings.database_url.removeprefix("sqlite:///"))
    assert demo.main([str(database_file)]) == 0
    printed = capsys.readouterr().out  # type: ignore[attr-defined]
    command = re.search(r"\S*python -m txbridge.web.demo --serve (\S+)", printed)
    password = re.search(r"Logg inn som demo med passordet (\S+)", printed)  # bokmål only, by default
    assert command and password and "sign in" not in printed.lower()
    assert Path(command.group(1)) == database_file
    db = Database.open(Settings(database_url=settings.database_url))
    try:
        assert accounts.sign_in(db, "demo", password.group(1)).user.is_admin
    finally:
        db.dispose()
    assert demo.main([str(database_file.parent / "missing.db")]) == 2
    # Serving needs the sandbox's state `make demo` keeps beside the database.
    assert demo.main(["--serve", str(database_file)]) == 2
    assert "sandbox.state: kjør `make demo`" in capsys.readouterr().out  # type: ignore[attr-defined]
