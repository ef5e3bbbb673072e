"""The HTTP status of a flows error comes from its catalog id: «already exists / taken / busy» is a
conflict (409), a missing thing 404, any other refusal 422."""

from __future__ import annotations

import pytest

from txbridge.catalog import CATALOG, Message
from txbridge.web.api.v1.problems import status_of


def _message(message_id: str) -> Message:
    return Message(id=message_id, nb="x", en="x", cause_nb="", cause_en="", fix_nb="", fix_en="")


@pytest.mark.parametrize(
    ("message_id", "status"),
    [
        ("firm_company_already_linked", 409),
        ("firm_client_key_taken", 409),
        ("stats_clients_busy", 409),
        ("export_already_running", 409),
        ("connection_name_taken", 409),
        ("firm_client_not_found", 404),
        ("stats_run_not_found", 404),
        ("firm_client_field_invalid", 422),
        ("stats_no_fields_mapped", 422),
    ],
)
def test_status_of_a_catalog_id(message_id: str, status: int) -> None:
    assert message_id in CATALOG
    assert status_of(_message(message_id)) == status


def test_every_firm_or_statistics_already_exists_refusal_is_a_conflict() -> None:
    conflicts = [
        i
        for i in CATALOG
        if i.startswith(("firm_", "stats_")) and any(w in i for w in ("already", "taken", "exists", "busy"))
    ]
    assert conflicts  # the rule has something to hold for
    assert {i: status_of(_message(i)) for i in conflicts} == dict.fromkeys(conflicts, 409)
