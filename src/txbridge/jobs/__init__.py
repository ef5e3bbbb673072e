"""Jobs: the flows run as jobs, on a schedule, by any number of workers.

Two engines run the same task functions (:mod:`txbridge.jobs.tasks`):

* on PostgreSQL, procrastinate (:mod:`txbridge.jobs.engine`): ``txbridge worker`` processes on any
  number of machines, one running job per connection (procrastinate locks), periodic schedules,
  stalled jobs of a killed worker taken up by another;
* on SQLite, the embedded runner (:mod:`txbridge.jobs.runner`): threads inside ``txbridge serve`` or
  ``txbridge worker``, with the same guarantees on one machine.

CLI and web import :mod:`txbridge.jobs.api` only."""
