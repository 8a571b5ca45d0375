# Two commands matter: `make run` and `make test`. Both create .venv on first use.
# `make run` installs only what the app needs; the test tools come with `make test` (and the
# other developer targets), the packaging tools with `make dist`. Each set has its own stamp,
# named after pyproject.toml's checksum, so a changed pyproject.toml installs again.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CHECKSUM := $(shell cksum pyproject.toml | cut -d' ' -f1)
APP_STAMP := $(VENV)/.installed-app-$(CHECKSUM)
TEST_STAMP := $(VENV)/.installed-test-$(CHECKSUM)
DIST_STAMP := $(VENV)/.installed-dist-$(CHECKSUM)
# What the developer targets below need.
STAMP := $(TEST_STAMP)

.PHONY: run test lint typecheck pytest system-deps e2e-deps dist dist-test bench screenshots clean

$(APP_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	rm -f $(VENV)/.installed-app-* && touch $@

$(TEST_STAMP): $(APP_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-test-* && touch $@

$(DIST_STAMP): $(APP_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dist]'
	rm -f $(VENV)/.installed-dist-* && touch $@

run: $(APP_STAMP)
	$(BIN)/outpost

system-deps:
	scripts/install-system-deps

e2e-deps:
	scripts/setup-e2e

lint: $(STAMP)
	$(BIN)/ruff check src tests packaging benchmarks
	$(BIN)/ruff format --check src tests packaging benchmarks
	$(BIN)/lint-imports --no-cache --no-logo

typecheck: $(STAMP)
	$(BIN)/mypy

# Three workers, each test file on one of them (module-wide servers stay shared); the suite
# mostly waits on real programs and loopback servers, so this halves it. PYTEST_WORKERS= runs serially.
PYTEST_WORKERS ?= -n 3 --dist loadfile

pytest: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_WORKERS) $(PYTEST_ARGS)

test: system-deps e2e-deps lint typecheck pytest

# Performance against the targets of docs/benchmarks.md (run on demand, on a quiet machine).
bench: $(STAMP)
	for b in store fanout scheduler queue startup cli_start peer_cli composer_drop stats_tab; do $(BIN)/python benchmarks/$${b}_bench.py || exit 1; done
	$(BIN)/python benchmarks/upload_memory.py 1024
	$(BIN)/python benchmarks/youtube_upload_bench.py 2048

screenshots: $(STAMP)
	$(BIN)/python scripts/screenshots

# The desktop bundle (PyInstaller one-folder) and a Linux tarball with .desktop, icons and metainfo.
dist: $(DIST_STAMP)
	scripts/build-dist

# Smoke-test what `make dist` built (and a pipx install of the source tree).
dist-test: $(TEST_STAMP) $(DIST_STAMP)
	scripts/install-system-deps desktop-file-utils appstream
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest packaging/tests -p no:randomly

clean:
	rm -rf $(VENV) build dist src/*.egg-info .e2e tests/e2e/bsky/node_modules
