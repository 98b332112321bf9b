# Two commands on a fresh machine with Python 3.11: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
export PREFECT_HOME ?= $(CURDIR)/data/prefect
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false

.PHONY: run test reliability lint format eval bench lock sample clean

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $@

run: $(STAMP)
	mkdir -p $(PREFECT_HOME)
	$(BIN)/jobtrends run

test: $(STAMP)
	mkdir -p $(PREFECT_HOME)
	$(BIN)/python -m pytest

# The fault, crash and fuzz suites with heavy counts (the default `test` runs them lightly).
reliability: $(STAMP)
	mkdir -p $(PREFECT_HOME)
	JOBTRENDS_CRASH_ROUNDS=20 JOBTRENDS_FUZZ_EXAMPLES=500 $(BIN)/python -m pytest -m "faults or crash or fuzz"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

eval: $(STAMP)
	$(BIN)/python tools/evaluate.py

bench: $(STAMP)
	$(BIN)/jobtrends bench

sample: $(STAMP)
	$(BIN)/jobtrends sample generate

# Re-resolve requirements.in into requirements.lock in a throwaway environment.
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet -r requirements.in
	.lock-venv/bin/python -m pip freeze --exclude-editable > requirements.lock
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) data
