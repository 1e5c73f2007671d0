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

.PHONY: install kernel demo sample test test-slow test-all lab clean-reports screenshot

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is required (none found on PATH)"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,lab]'
	$(MAKE) --no-print-directory kernel
	@touch $(STAMP)

install: $(STAMP)

# The named Jupyter kernel "inflresearch" (the notebooks ask for it by name), pointing at this
# project's .venv; installed into .venv/share/jupyter/kernels, where the .venv's Jupyter finds it.
# For an editor or a Jupyter outside .venv: $(BIN)/python -m ipykernel install --user --name inflresearch
KERNEL := $(VENV)/share/jupyter/kernels/inflresearch/kernel.json
kernel:
	$(BIN)/python -m ipykernel install --sys-prefix --name inflresearch \
		--display-name "Python (inflresearch)" >/dev/null
	@echo "Jupyter kernel 'inflresearch' -> $(BIN)/python"

$(SAMPLE): $(STAMP)
	$(BIN)/inflresearch simulate --seed 7 --out data/sample

sample: $(SAMPLE)

# compileall: byte-compile the package once (skipped when up to date), so the kernels do not
# each compile it again where PYTHONDONTWRITEBYTECODE is set (as in many containers)
demo: $(SAMPLE)
	@$(BIN)/python -m compileall -q src
	$(BIN)/inflresearch demo

test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest -m "not slow and not spark and not browser" -n $(JOBS) --dist loadgroup --durations=10

test-slow: $(STAMP)
	$(BIN)/python -m pytest -m "slow" -n $(JOBS) --dist loadgroup

test-all: $(STAMP)
	$(BIN)/python -m pytest -n $(JOBS) --dist loadgroup

lab: $(SAMPLE)
	@test -f $(KERNEL) || $(MAKE) --no-print-directory kernel
	$(BIN)/jupyter lab notebooks/ $$([ "$$(id -u)" = 0 ] && echo --allow-root)

# The Spark engine of `inflresearch aggregate`, tested for real in local mode: installs the `spark`
# extra when missing and, as root without a Java runtime, a headless JRE (17, else Debian's default).
.PHONY: test-spark
test-spark: $(STAMP)
	@$(BIN)/python -c 'import pyspark, ibis.backends.pyspark' 2>/dev/null \
		|| $(BIN)/python -m pip install --quiet -e '.[dev,spark]'
	@java -version >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && { \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless \
			|| DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless; }; \
		else echo "test-spark: no Java runtime and not root: the Spark tests will skip"; fi; }
	$(BIN)/python -m pytest -m spark

# The reports in a real browser: Debian's Chromium (installed with apt when root and missing)
# driven by Playwright's Python package (the `browser` extra) through /usr/bin/chromium; Playwright
# never downloads a browser of its own. Screenshots go to the run folders of the test's demo plan.
.PHONY: test-browser
test-browser: $(SAMPLE)
	@$(BIN)/python -c 'import playwright' 2>/dev/null \
		|| $(BIN)/python -m pip install --quiet -e '.[dev,browser]'
	@test -x /usr/bin/chromium || { \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
		else echo "test-browser: no /usr/bin/chromium and not root: the browser tests will skip"; fi; }
	$(BIN)/python -m pytest -m browser -p no:xdist

# The README's screenshot: the first screen of report 01 of the demo at 1280 px (Chromium headless).
screenshot: demo
	chromium --headless --no-sandbox --disable-gpu --disable-background-networking --no-first-run \
		--hide-scrollbars --window-size=1280,800 \
		--screenshot=docs/report-first-screen.png \
		"file://$(CURDIR)/$$(ls -d reports/*-01-engagement-vs-followers | tail -1)/report.html" 2>/dev/null
