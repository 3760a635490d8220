# wellchild — the two commands are `make demo` and `make test`; everything else is set-up.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Debian packages the project needs: Noto fonts for every threshold language's script,
# Chromium for the browser tests.
APT_PACKAGES := fonts-noto-core fonts-noto-cjk fonts-noto-ui-core chromium chromium-driver libreoffice-calc

.PHONY: install apt demo test lint format bench lock clean

install: $(STAMP) apt

$(STAMP): pyproject.toml requirements.lock
	@command -v $(PYTHON) >/dev/null || { echo "wellchild needs $(PYTHON) (Python 3.11) on PATH"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip==25.3
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[spark,hub,docs,dev]'
	@touch $(STAMP)

apt:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
	  echo "Installing Debian packages: $$missing"; \
	  (apt-get -o DPkg::Lock::Timeout=600 update -qq && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $$missing >/dev/null) \
	    || { echo "apt-get could not install: $$missing"; exit 1; }; \
	else \
	  echo "Not root, so not installing Debian packages: $$missing"; \
	  echo "Ask an administrator for them: sudo apt-get install $$missing"; \
	fi

# After the data steps, serve the demo hub until Ctrl-C (not under CI, where nothing would stop it).
demo: install
	$(BIN)/wellchild demo
	@if [ -n "$$CI" ]; then echo "CI: not starting the hub server."; else \
	  echo "The demo hub: http://127.0.0.1:8000/ (Ctrl-C stops it)"; \
	  WELLCHILD_HUB_DATA_DIR=demo-output/hub WELLCHILD_HUB_SITE_URL=http://127.0.0.1:8000 \
	    $(BIN)/wellchild hub serve --dev --host 127.0.0.1 --port 8000; fi

# The whole suite on SQLite, then the hub's suite again on the local PostgreSQL server.
# Two worker processes (one per core), each test file on one worker so that a module's
# fixtures are built once, in the order collected (the slow tests first); `make test
# PYTEST_WORKERS=0` runs in one process.
HUB_PG ?= postgresql://postgres@127.0.0.1:5432/wellchild_hub
PYTEST_WORKERS ?= 2
PYTEST := $(BIN)/python -m pytest $(if $(filter-out 0,$(PYTEST_WORKERS)),-n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder)
test: install lint
	$(PYTEST)
	@pg_isready -q -h 127.0.0.1 -p 5432 || { echo "PostgreSQL is not answering on 127.0.0.1:5432; the hub tests need it"; exit 1; }
	DATABASE_URL=$(HUB_PG) $(PYTEST) tests/hub -p no:cacheprovider

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

# make bench runs every benchmark; make bench BENCH=load runs one.
bench: install
	$(BIN)/python benchmarks/run.py $(BENCH)

# Re-pin every transitive dependency after changing pyproject.toml.
lock:
	rm -rf .lockvenv && $(PYTHON) -m venv .lockvenv
	.lockvenv/bin/python -m pip install --quiet -e '.[spark,hub,docs,dev]'
	.lockvenv/bin/python -m pip freeze --exclude-editable | sort > requirements.lock
	rm -rf .lockvenv

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache build src/*.egg-info
