"""Change-feed numbers from two writers at once (PostgreSQL): numbered as they commit, in commit
order, never failing on the unique constraint; and a writer holding a row lock never deadlocks with
one that announced first (the feed lock is taken at commit, after every row write)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.flows.export.conftest import Env
from txbridge.flows.sync import journal
from txbridge.store import ChangeAction, ChangeFeedEntry, SyncResource, TripletexObject


def _announce_in(session: Session, env: Env, tripletex_id: int) -> ChangeFeedEntry:
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


def _side_by_side(*writers: Callable[[], None]) -> None:
    """Run the writers in threads at once; fail with what any of them raised."""
    errors: list[BaseException] = []

    def run(writer: Callable[[], None]) -> None:
        try:
            writer()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(w,)) for w in writers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert not errors, errors


def _announce(env: Env, tripletex_id: int) -> int:
    with env.db.transaction() as session:
        entry = _announce_in(session, env, tripletex_id)
    return entry.seq


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_writers_at_once_take_the_next_numbers_in_commit_order(env: Env) -> None:
    first_took = threading.Event()
    seqs: dict[str, list[int]] = {"a": [], "b": []}

    def writer_a() -> None:  # a long transaction: a push announcing while it still works
        entries = []
        with env.db.transaction() as session:
            for n in (1, 2):
                entries.append(_announce_in(session, env, n))
                first_took.set()
                threading.Event().wait(0.3)  # writer b starts and commits meanwhile
        seqs["a"] = [e.seq for e in entries]

    def writer_b() -> None:  # a webhook job applying one change
        first_took.wait(5)
        seqs["b"].append(_announce(env, 3))

    _side_by_side(writer_a, writer_b)
    # b committed first (a short webhook job is not held up by a long push): numbered first.
    assert seqs == {"a": [2, 3], "b": [1]}
    assert _announce(env, 4) == 4
    with env.db.reading() as session:
        stored = session.execute(
            select(ChangeFeedEntry.seq, ChangeFeedEntry.tripletex_id).order_by(ChangeFeedEntry.seq)
        ).all()
    assert [tuple(r) for r in stored] == [(1, 3), (2, 1), (3, 2), (4, 4)]


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_row_lock_and_the_feed_lock_never_deadlock(env: Env) -> None:
    """Writer a writes a stored object (its row lock) and then announces; writer b announces first
    and then writes the same object. Were the feed lock taken at the announce, a would wait for it
    while b waits for a's row: a deadlock PostgreSQL breaks by failing one of them. Taken at commit,
    b waits for the row, a commits, then b."""
    with env.db.transaction() as session:
        session.add(
            TripletexObject(
                connection_id=env.connection_id, resource=SyncResource.CUSTOMER, tripletex_id=77, data={}
            )
        )
    a_holds_row, b_announced = threading.Event(), threading.Event()
    entries: dict[str, ChangeFeedEntry] = {}

    def write_object(session: Session, name: str) -> None:
        stored = session.get(TripletexObject, (env.connection_id, SyncResource.CUSTOMER, 77))
        assert stored is not None
        stored.data = {"name": name}
        session.flush()  # the UPDATE: the row lock, held to the commit

    def writer_a() -> None:  # a webhook event applied: the object first, then the feed
        with env.db.transaction() as session:
            write_object(session, "a")
            a_holds_row.set()
            b_announced.wait(5)
            threading.Event().wait(0.3)  # b is now waiting for the row
            entries["a"] = _announce_in(session, env, 77)

    def writer_b() -> None:  # a reconcile page: another object announced, then this one written
        a_holds_row.wait(5)
        with env.db.transaction() as session:
            entries["b"] = _announce_in(session, env, 78)
            b_announced.set()
            write_object(session, "b")

    _side_by_side(writer_a, writer_b)
    assert (entries["a"].seq, entries["b"].seq) == (1, 2)  # commit order
    with env.db.reading() as session:
        stored = session.get(TripletexObject, (env.connection_id, SyncResource.CUSTOMER, 77))
        assert stored is not None and stored.data == {"name": "b"}
