# Shared fixtures live in plugin modules, one per part of the system, so they can grow independently.
# hypothesis is imported here, at collection: its pytest plugin otherwise imports it while printing the
# summary, deep in pluggy's stack, where CPython 3.11.7's compiler can fail with «AST constructor
# recursion depth mismatch» (a run that selects no hypothesis test then ends in a SystemError).
import hypothesis  # noqa: F401
import pytest

pytest_plugins = [
    "tests.fixtures.postgres",
    "tests.fixtures.sandbox",
]


#: Files whose tests take tens of seconds each (real worker processes, kill-and-rerun loops, the whole
#: demo). `make test` runs with ``--dist loadgroup``: xdist hands out the groups first (largest first)
#: and then single tests in collection order, so these go to the front, where the two workers share
#: them out; left in alphabetical order, one of them can come last and keep a worker busy alone.
HEAVY_FIRST = (
    "tests/jobs/",
    "tests/test_demo.py",
    "tests/flows/export/test_kill.py",
    "tests/flows/hours/test_kill.py",
    "tests/flows/daysales/test_kill.py",
    "tests/flows/posinvoice/test_kill.py",
    "tests/flows/sync/test_kill.py",
    "tests/flows/firm/",
    "tests/store/test_ratebudget_fleet.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    def heavy(item: pytest.Item) -> bool:
        return item.nodeid.startswith(HEAVY_FIRST) or item.get_closest_marker("slow") is not None

    items[:] = sorted(items, key=lambda item: not heavy(item))  # stable: the order within stays
