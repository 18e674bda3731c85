# make demo | make test | make lint | make verify | make eval — `make` creates .venv itself when missing.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
ARCHIVE ?= archive
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo test lint format verify eval clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/archiver demo --archive $(ARCHIVE)

test: lint
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check archiver spiders tests
	$(BIN)/ruff format --check archiver spiders tests
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format archiver spiders tests
	$(BIN)/ruff check --fix archiver spiders tests

verify: $(STAMP)
	../shared/tools/verify_archive/verify_archive.sh $(ARCHIVE)/warc

eval: $(STAMP)
	$(BIN)/python -m archiver.evaluation --corpus ../shared/corpus

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
