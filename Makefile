# wellchild — the two commands are `make demo` and `make test`; everything else is set-up.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Debian packages the project needs: Noto fonts for every threshold language's script,
# Chromium for the browser tests.
APT_PACKAGES := fonts-noto-core fonts-noto-cjk fonts-noto-ui-core chromium chromium-driver

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

demo: install
	$(BIN)/wellchild demo

test: install lint
	$(BIN)/python -m pytest

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
