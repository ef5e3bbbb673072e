"""Change-feed numbers from two writers at once (PostgreSQL): the second waits for the first's
commit and takes the next number, instead of failing on the unique constraint."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.flows.export.conftest import Env
from txbridge.flows.sync import journal
from txbridge.store import ChangeAction, ChangeFeedEntry, SyncResource


def _announce_in(session: Session, env: Env, tripletex_id: int) -> int:
    return journal.announce(
        session,
        env.connection_id,
        SyncResource.CUSTOMER,
        ChangeAction.CHANGED,
        tripletex_id=tripletex_id,
        host_id=None,
        version=1,
        data={"name": f"K {tripletex_id}"},
    )


def _announce(env: Env, tripletex_id: int) -> int:
    with env.db.transaction() as session:
        return _announce_in(session, env, tripletex_id)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_writers_at_once_take_the_next_numbers_in_commit_order(env: Env) -> None:
    first_took = threading.Event()
    seqs: dict[str, list[int]] = {"a": [], "b": []}
    errors: list[BaseException] = []

    def writer_a() -> None:  # a long transaction: a push announcing while it still works
        try:
            with env.db.transaction() as session:
                for n in (1, 2):
                    seqs["a"].append(_announce_in(session, env, n))
                    first_took.set()
                    threading.Event().wait(0.3)  # writer b starts meanwhile
        except BaseException as exc:
            errors.append(exc)

    def writer_b() -> None:  # a webhook job applying one change
        try:
            first_took.wait(5)
            seqs["b"].append(_announce(env, 3))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer_a), threading.Thread(target=writer_b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert not errors, errors
    assert seqs == {"a": [1, 2], "b": [3]}
    assert _announce(env, 4) == 4
    with env.db.reading() as session:
        stored = session.execute(
            select(ChangeFeedEntry.seq, ChangeFeedEntry.tripletex_id).order_by(ChangeFeedEntry.seq)
        ).all()
    assert [tuple(r) for r in stored] == [(1, 1), (2, 2), (3, 3), (4, 4)]
