# Two commands: `make run` opens the app, `make test` runs every test.
# `make screenshots` makes the user guides' pictures again (docs/guide/img/).
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test install install-test screenshots clean

$(BIN)/python:
	$(PY) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# The first start on an empty data folder creates the demo users and seeds demo reads.
run: install
	PLATE_DESK_DEMO=1 $(BIN)/python -m app

test: install-test
	$(BIN)/lint-imports
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

# The real application, offscreen, on a fresh demo database: a few minutes.
screenshots: install
	nice -n 10 $(BIN)/python tools/screenshots.py

clean:
	rm -rf $(VENV)
