# make demo | make test | make lint | make verify | make eval | make bench — `make` creates .venv itself when missing.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
ARCHIVE ?= archive
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# Debian packages the tests need (installed by `make sysdeps` when running as root, as CI does).
APT_PACKAGES := chromium redis-server

.PHONY: demo test lint format verify eval bench clean sysdeps replay-tools

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/archiver demo --archive $(ARCHIVE)

# Test files run in TEST_JOBS processes (pytest-xdist, a file's tests together): most of a test's
# time is waiting on the crawl, server and worker processes it starts. TEST_JOBS=0: one process.
TEST_JOBS ?= 2
test: lint sysdeps replay-tools
	$(BIN)/python -m pytest -n $(TEST_JOBS) --dist loadfile

sysdeps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing system packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else echo "missing system packages:$$missing (run: sudo apt-get install$$missing)"; exit 1; fi

# pywb, cdxj-indexer and wacz in their own venv (~/.cache/archiver/replay-tools): pywb's brotlipy
# would shadow the brotli module Scrapy needs.
replay-tools: $(STAMP)
	$(BIN)/archiver replay --tools-only --install-tools

lint: $(STAMP)
	$(BIN)/ruff check archiver spiders tests
	$(BIN)/ruff format --check archiver spiders tests
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format archiver spiders tests
	$(BIN)/ruff check --fix archiver spiders tests

verify: $(STAMP)
	../shared/tools/verify_archive/verify_archive.sh $(ARCHIVE)/warc

# make bench [QUICK=1] [ONLY=pipeline|index]: benchmarks, printed against baselines of the same run
bench: $(STAMP)
	$(BIN)/python -m archiver.bench $(if $(QUICK),--quick) $(if $(ONLY),--only $(ONLY))

eval: $(STAMP)
	$(BIN)/python -m archiver.evaluation --corpus ../shared/corpus

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
