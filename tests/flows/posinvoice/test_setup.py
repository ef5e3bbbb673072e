"""The POS invoicing set-up's read model and the bank account check (over the sandbox): the switches
as stored, the company's bank account number found with one read, and tokens the configured key
cannot decrypt reported as the catalog's authentication message, never a traceback."""

from __future__ import annotations

import pytest

from tests.flows.export.conftest import Env
from tests.flows.posinvoice.conftest import pos_setup
from txbridge.flows.posinvoice import (
    InvoicingSetup,
    PosInvoiceError,
    check_bank_account,
    invoicing_setup,
    list_customers,
    set_invoicing,
)
from txbridge.settings import Settings
from txbridge.store import TokenCipher


def test_switches_and_the_bank_account_check(env: Env) -> None:
    assert invoicing_setup(env.db, env.connection_id) == InvoicingSetup(False, False, False, False)
    pos_setup(env, collective=True)
    set_invoicing(env.db, env.connection_id, False, by="test")
    assert invoicing_setup(env.db, env.connection_id) == InvoicingSetup(True, False, True, False)
    calls = env.stats_total()
    assert check_bank_account(env.db, env.settings, env.connection_id) is None
    assert env.stats_total() - calls <= 2  # the session and one read of the chart
    other_key = Settings(
        database_url=env.settings.database_url, secret_key=TokenCipher.generate_key().decode()
    )
    for call in (check_bank_account, list_customers):
        with pytest.raises(PosInvoiceError) as refused:
            call(env.db, other_key, env.connection_id)
        assert refused.value.message.id == "authentication_unsuccessful"
