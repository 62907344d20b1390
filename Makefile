# Accord: `make demo` runs the demo workspace, `make test` runs the whole suite.
# Both install everything first, into ./.venv, from the exact pins of requirements.lock.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

VENV ?= .venv
BIN := $(VENV)/bin
# Reinstall only when the lock file or pyproject.toml changed: the stamp is named by their hash.
LOCK_HASH := $(shell cat requirements.lock pyproject.toml 2>/dev/null | sha256sum | cut -c1-16)
STAMP := $(VENV)/.installed-$(LOCK_HASH)

# The first Python 3.11+ on the PATH (python3 first), unless PYTHON is given.
PYTHON ?= $(shell for p in python3 python3.13 python3.12 python3.11; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	2>/dev/null && { echo $$p; break; }; done)

# --dist loadfile: the tests of a file run on one worker, so the browser tests (all in
# accord/web/tests/test_browser.py) start one server and one Chromium. Not loadgroup: with
# pytest 9.2 it silently stops grouping (pytest-dev/pytest-xdist#1386).
# --durations: the slowest tests at the end of each run, to keep the suite fast as it grows.
PYTEST_ARGS ?= -n 2 --dist loadfile --durations=20
DEMO_ARGS ?=
BENCH_ARGS ?=
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help install demo test lint format bench lock chromium clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-9s %s\n", $$1, $$2}'

install: $(STAMP)  ## create .venv and install the locked dependencies (when the lock changed)

$(STAMP): requirements.lock pyproject.toml
	@if [ ! -x "$(BIN)/python" ]; then \
	  if [ -z "$(PYTHON)" ]; then \
	    echo "Accord needs Python 3.11 or newer: none found on the PATH (tried python3," \
	         "python3.13, python3.12, python3.11). Install one, or run: make PYTHON=/path/to/python3.11 ..." >&2; \
	    exit 1; \
	  fi; \
	  echo "Creating $(VENV) with $$($(PYTHON) --version)"; \
	  $(PYTHON) -m venv $(VENV) || { echo "Could not create $(VENV): on Debian/Ubuntu install python3-venv." >&2; exit 1; }; \
	fi
	@echo "Installing the locked dependencies into $(VENV)"
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@rm -f $(VENV)/.installed-*
	@touch $@

demo: $(STAMP)  ## migrate ./var/accord.sqlite3, load the demo workspace if empty, serve :8000
	$(BIN)/accord demo $(DEMO_ARGS)

chromium:  ## install Debian's Chromium for the browser tests (when root and missing)
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get update -qq >/dev/null; \
	    apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "note: /usr/bin/chromium is missing; install Debian's chromium package" \
	         "(sudo apt-get install chromium) or the browser tests cannot run." >&2; \
	  fi; \
	fi

test: $(STAMP) chromium  ## the whole suite (SQLite; set DATABASE_URL=postgres://... for PostgreSQL)
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)  ## ruff check, ruff format --check, mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy accord $(wildcard benchmarks/*.py)

format: $(STAMP)  ## apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP)  ## run every benchmarks/*.py (BENCH_ARGS=--scale 0.1 for a quick run)
	@shopt -s nullglob; found=0; \
	for script in benchmarks/[!_]*.py; do \
	  found=1; echo "== $$script"; $(BIN)/python "$$script" $(BENCH_ARGS); \
	done; \
	[ $$found = 1 ] || echo "no benchmarks/*.py yet"

lock:  ## regenerate requirements.lock from pyproject.toml (UPGRADE=1 to take newer releases)
	@[ -x "$(BIN)/pip-compile" ] || $(MAKE) install
	$(BIN)/pip-compile --quiet --extra dev --strip-extras --allow-unsafe \
	  --no-emit-index-url --no-emit-find-links --no-emit-trusted-host \
	  $(if $(UPGRADE),--upgrade) --output-file requirements.lock pyproject.toml
	@if grep -vE '^[[:space:]]*#' requirements.lock | grep -nE '^-|file:|://| @ |^/'; then \
	  echo "requirements.lock names an index, a link or a local path: remove it" >&2; exit 1; fi

clean:  ## remove .venv, caches and build files (your data in ./var stays)
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis build dist *.egg-info
	find . -name __pycache__ -type d -prune -not -path './var/*' -exec rm -rf {} +
