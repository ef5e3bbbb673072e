"""``txbridge apikey add|list|revoke``: the key is printed once, listed never, and revoked at once."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from tests.web.conftest import World
from txbridge.cli import _register, app
from txbridge.flows import apikeys
from txbridge.settings import Settings
from txbridge.store import Database


def test_add_list_revoke(settings: Settings, db: Database, world: World) -> None:
    _register()
    env = {"TXBRIDGE_DATABASE_URL": settings.database_url}
    made = CliRunner().invoke(
        app,
        ["apikey", "add", "nettbutikk", "--connection", "acme", "--scope", "read", "--scope", "intake"],
        env=env,
    )
    assert made.exit_code == 0, made.output
    secret = re.search(r"^txb_\w{8}_[\w-]{43}$", made.output, re.MULTILINE)
    assert secret is not None, made.output
    key = apikeys.authenticate(db, secret.group(0))
    assert key.scopes == {"read", "intake"} and key.connection_ids == (world.connection_id,)
    listed = CliRunner().invoke(app, ["apikey", "list"], env=env)
    assert listed.exit_code == 0 and "nettbutikk" in listed.output and "acme" in listed.output
    assert secret.group(0) not in listed.output and secret.group(0)[13:] not in listed.output
    same_name = CliRunner().invoke(app, ["apikey", "add", "nettbutikk", "-c", "acme"], env=env)
    assert same_name.exit_code == 2 and "nettbutikk" in same_name.output
    bad_scope = CliRunner().invoke(app, ["apikey", "add", "x", "-c", "acme", "--scope", "all"], env=env)
    assert bad_scope.exit_code == 2 and "all" in bad_scope.output
    no_connection = CliRunner().invoke(app, ["apikey", "add", "y", "-c", "nope"], env=env)
    assert no_connection.exit_code == 2 and "nope" in no_connection.output
    revoked = CliRunner().invoke(app, ["apikey", "revoke", key.prefix], env=env)
    assert revoked.exit_code == 0 and "nettbutikk" in revoked.output
    assert "trukket" in CliRunner().invoke(app, ["apikey", "list"], env=env).output
    try:
        apikeys.authenticate(db, secret.group(0))
    except apikeys.ApiKeyError as refused:
        assert refused.message.id == "api_key_invalid"
    else:
        raise AssertionError("a revoked key still authenticates")
    unknown = CliRunner().invoke(app, ["apikey", "revoke", "nobody"], env=env)
    assert unknown.exit_code == 2 and "nobody" in unknown.output
