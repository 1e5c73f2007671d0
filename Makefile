# inflresearch: the two commands a new user needs are `make demo` and `make test`.
# Both create .venv on first use and skip installation when nothing changed.

PYTHON ?= $(shell for p in python3 python3.11 python3.12 python3.13; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
	&& { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SAMPLE := data/sample/truth.json
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: install demo sample test test-slow test-all lab clean-reports

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is required (none found on PATH)"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

$(SAMPLE): $(STAMP)
	$(BIN)/inflresearch simulate --seed 7 --out data/sample

sample: $(SAMPLE)

demo: $(SAMPLE)
	$(BIN)/inflresearch demo

test: $(STAMP)
	$(BIN)/python -m pytest -m "not slow and not spark" -n $(JOBS)

test-slow: $(STAMP)
	$(BIN)/python -m pytest -m "slow" -n $(JOBS)

test-all: $(STAMP)
	$(BIN)/python -m pytest -n $(JOBS)

lab: $(SAMPLE)
	$(BIN)/jupyter lab notebooks/
