# Shared fixtures live in plugin modules, one per part of the system, so they can grow independently.
# hypothesis is imported here, at collection: its pytest plugin otherwise imports it while printing the
# summary, deep in pluggy's stack, where CPython 3.11.7's compiler can fail with «AST constructor
# recursion depth mismatch» (a run that selects no hypothesis test then ends in a SystemError).
import hypothesis  # noqa: F401

pytest_plugins = [
    "tests.fixtures.postgres",
    "tests.fixtures.sandbox",
]
