from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from txbridge.store import Database, IntegrationReference, ReferenceKind

AMOUNTS = st.decimals(min_value=Decimal("-9999999999.99"), max_value=Decimal("9999999999.99"), places=2)
MOMENTS = st.datetimes(
    min_value=datetime(1970, 1, 2),
    max_value=datetime(2200, 1, 1),
    timezones=st.sampled_from(
        [UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-9, minutes=-30))]
    ),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(amount=AMOUNTS, moment=MOMENTS)
def test_amounts_and_moments_come_back_exactly(
    database: Database, connection_id: int, amount: Decimal, moment: datetime
) -> None:
    with database.transaction() as session:
        reference = IntegrationReference(
            connection_id=connection_id,
            kind=ReferenceKind.INVOICE,
            local_id=1,
            local_number="F-1",
            amount_outstanding=amount,
            payment_checked_at=moment,
        )
        session.add(reference)
        session.flush()
        reference_id = reference.id
    with database.transaction() as session:
        stored = session.get(IntegrationReference, reference_id)
        assert stored is not None
        assert stored.amount_outstanding == amount
        assert stored.payment_checked_at == moment
        assert stored.payment_checked_at is not None and stored.payment_checked_at.tzinfo is UTC
        session.delete(stored)
