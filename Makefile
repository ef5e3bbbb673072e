# Each target builds or refreshes its own virtual environment, so a fresh machine needs only
# Python 3.11, make and apt.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test test-long bench soak lint venv test-deps clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	rm -rf .txbridge/demo
	$(BIN)/python -m txbridge.demo --keep .txbridge/demo
	$(BIN)/python -m txbridge.web.demo .txbridge/demo/demo.db

test-deps:
	bash scripts/install-test-deps.sh

test: $(STAMP) test-deps
	$(BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

# The full-size kill and chaos variants (marked `long`); `make test` runs a short version of each.
test-long: $(STAMP) test-deps
	$(BIN)/python -m pytest -n 2 --dist loadgroup -m long $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

soak: $(STAMP) test-deps
	$(BIN)/python bench/jobs_soak.py

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info src/*.egg-info
