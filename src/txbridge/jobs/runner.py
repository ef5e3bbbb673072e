"""The embedded runner: the same tasks, in threads of this process, for a SQLite store on one machine.

It claims queued jobs from the ``job`` table (one claim at a time under SQLite's write lock), never
two running jobs of one connection, different connections in parallel (``concurrency`` threads).
Retries wait out their backoff in the queue (``not_before``). Schedules fire once per due time
(``schedule_tick`` rows). A job whose runner died — this process killed, or another one on this
machine — goes back to the queue at the next start, or once its heartbeat is older than
``stale_after``; the flows' never-twice machinery makes the rerun safe."""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import datetime

from sqlalchemy.exc import IntegrityError

# The export lease tells a dead holder the same way.
from txbridge.flows.outbound.lease import _process_gone as process_gone
from txbridge.jobs import logs, records, schedules
from txbridge.jobs.tasks import Outcome, RunOptions, execute
from txbridge.settings import Settings
from txbridge.store import Database
from txbridge.store.models import ScheduleTick, utcnow

logger = logging.getLogger("txbridge.jobs.runner")

#: Set when a job is queued in this process, so an idle runner starts it at once.
WAKE_UP = threading.Event()


def dead_workers_here(workers: list[str]) -> list[str]:
    """Of ``host:pid`` runners, those on this machine whose process is gone."""
    host = socket.gethostname()
    dead = []
    for worker in workers:
        worker_host, _, pid = worker.rpartition(":")
        if worker_host == host and pid.isdigit() and int(pid) != os.getpid() and process_gone(int(pid)):
            dead.append(worker)
    return dead


class EmbeddedRunner:
    """Runs jobs in ``concurrency`` threads until :meth:`stop`. Use as a context manager."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        *,
        concurrency: int = 2,
        options: RunOptions | None = None,
        poll_seconds: float = 1.0,
        run_schedules: bool = True,
    ) -> None:
        self.db = db
        self.settings = settings
        self.concurrency = max(1, concurrency)
        self.options = options or RunOptions()
        self.poll_seconds = poll_seconds
        self.run_schedules = run_schedules
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    # ---- one step at a time (the threads loop over these; tests call them directly) ----------------

    def recover(self) -> list[int]:
        """Put back in the queue the running jobs of dead runners; returns their ids."""
        dead = dead_workers_here(records.running_workers(self.db))
        taken = records.take_up_stale(self.db, stale_after=self.options.stale_after, dead_workers=dead)
        if taken:
            logger.warning("jobs %s were interrupted and are queued again", taken)
        return taken

    def run_once(self) -> Outcome | None:
        """Claim one due job and run it; None when nothing is due."""
        attempt = records.claim_next(
            self.db, worker=records.worker_identity(), stale_after=self.options.stale_after
        )
        if attempt is None:
            return None
        return execute(self.db, self.settings, attempt.job_id, self.options, attempt=attempt)

    def run_until_idle(self) -> int:
        """Run jobs one after the other until none is due (retries waiting out a backoff are not);
        returns how many runs there were."""
        runs = 0
        while self.run_once() is not None:
            runs += 1
        return runs

    def tick_schedules(self, now: datetime | None = None) -> list[str]:
        """Fire every schedule whose latest due time has not been fired (and is recent enough)."""
        moment = now or utcnow()
        fired = []
        for schedule in schedules.SCHEDULES:
            due = schedule.last_due(moment)
            if moment - due > schedules.MAX_DELAY:
                continue
            try:
                with self.db.transaction() as session:
                    if session.get(ScheduleTick, (schedule.name, due)) is not None:
                        continue
                    session.add(ScheduleTick(name=schedule.name, due_at=due, fired_at=moment))
            except IntegrityError:
                continue  # another runner fired it
            schedules.fire(self.db, self.settings, schedule)
            fired.append(schedule.name)
        return fired

    # ---- threads ------------------------------------------------------------------------------------

    def start(self) -> None:
        logs.install()
        self.recover()
        self._stop.clear()
        for number in range(self.concurrency):
            self._spawn(self._work, f"txbridge-job-runner-{number}")
        self._spawn(self._maintain, "txbridge-job-maintenance")

    def _spawn(self, target: object, name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)  # type: ignore[arg-type]
        thread.start()
        self._threads.append(thread)

    def _work(self) -> None:
        while not self._stop.is_set():
            try:
                outcome = self.run_once()
            except Exception:  # the store itself failed: wait, then go on
                logger.exception("the embedded runner could not claim a job")
                outcome = None
            if outcome is None:
                WAKE_UP.wait(self.poll_seconds)
                WAKE_UP.clear()

    def _maintain(self) -> None:
        interval = max(self.poll_seconds, min(30.0, self.options.stale_after / 2))
        while not self._stop.wait(interval):
            try:
                self.recover()
                if self.run_schedules:
                    self.tick_schedules()
            except Exception:
                logger.exception("the embedded runner's upkeep failed")

    def stop(self, timeout: float | None = None) -> None:
        """Stop claiming; a job being run is finished first (or, past ``timeout``, left to be taken
        up at the next start)."""
        self._stop.set()
        WAKE_UP.set()
        for thread in self._threads:
            thread.join(timeout)
        self._threads.clear()

    def __enter__(self) -> EmbeddedRunner:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()
