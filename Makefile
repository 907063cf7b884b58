# Maatwerk — see README.md. Every target works on a fresh machine with Python 3.11.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# `make run` is the development start: DEBUG on, embedded SQLite unless DATABASE_URL says otherwise.
RUN_ENV := DEBUG=$${DEBUG:-true}

.PHONY: setup run demo migrate test test-fast lint format check-migrations check-translations messages bench clean vendor

setup: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Maatwerk needs Python 3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

migrate: setup
	$(RUN_ENV) $(BIN)/maatwerk migrate --no-input

demo: migrate
	$(RUN_ENV) $(BIN)/maatwerk demo

run: demo
	@echo "Maatwerk runs on http://$(HOST):$(PORT)/ (stop with Ctrl+C)"
	$(RUN_ENV) $(BIN)/maatwerk runserver $(HOST):$(PORT)

test: setup
	./scripts/ensure-chromium
	$(BIN)/pytest $(PYTEST_ARGS)

test-fast: setup
	$(BIN)/pytest -m "not browser" $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check
	$(BIN)/ruff format --check

format: setup
	$(BIN)/ruff check --fix
	$(BIN)/ruff format

check-migrations: setup
	DEBUG=true $(BIN)/maatwerk makemigrations --check --dry-run

messages: setup
	cd src/maatwerk && DEBUG=true MAATWERK_VAR_DIR=$(CURDIR)/var ../../$(BIN)/maatwerk makemessages -l nl --no-obsolete --add-location file
	cd src/maatwerk && DEBUG=true MAATWERK_VAR_DIR=$(CURDIR)/var ../../$(BIN)/maatwerk compilemessages -l nl

check-translations: setup
	$(BIN)/python scripts/check_translations.py

clean:
	rm -rf $(VENV) var .pytest_cache

bench: setup
	$(BIN)/python scripts/bench.py
