# Shared fixtures live in plugin modules, one per part of the system, so they can grow independently.
pytest_plugins = [
    "tests.fixtures.postgres",
    "tests.fixtures.sandbox",
]
