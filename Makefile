# Maatwerk — see README.md. Every target works on a fresh machine with Python 3.11.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# `make run` is the development start: DEBUG on, embedded SQLite unless DATABASE_URL says otherwise.
RUN_ENV := DEBUG=$${DEBUG:-true}

.PHONY: setup run demo migrate test test-fast lint format check-migrations check-translations messages bench bench-smoke bench-micro clean vendor lock

setup: $(STAMP)

$(STAMP): requirements-dev.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Maatwerk needs Python 3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

migrate: setup
	$(RUN_ENV) $(BIN)/maatwerk migrate --no-input

demo: migrate
	$(RUN_ENV) $(BIN)/maatwerk demo

# The scheduler (overdue requests, escalation notices: docs/scheduler.md) runs next to
# the web server, in the same shell: the trap stops it when the server stops (Ctrl+C or
# another signal to the whole process group, or the server failing to start).
run: demo
	@echo "Maatwerk runs on http://$(HOST):$(PORT)/ (stop with Ctrl+C)"
	@echo "The scheduler and the task worker run alongside it; their e-mails are printed here."
	$(RUN_ENV) $(BIN)/maatwerk scheduler & SCHED=$$!; \
	$(RUN_ENV) $(BIN)/maatwerk db_worker --no-startup-delay & WORKER=$$!; \
	trap 'kill $$SCHED $$WORKER 2>/dev/null; wait $$SCHED $$WORKER 2>/dev/null' EXIT INT TERM; \
	$(RUN_ENV) $(BIN)/maatwerk runserver $(HOST):$(PORT)

# The suite runs in parallel worker processes (pytest-xdist; docs/performance.md, "The test suite"): one per
# core, at most four (PYTEST_WORKERS=auto), or as many as you say; PYTEST_WORKERS=0 runs
# it in this one process, as a plain `pytest` does. Each worker has its own test
# database (test_<name>_gw0, …) and its own MAATWERK_VAR_DIR; tests marked
# xdist_group(name) run one after another on one worker (--dist loadgroup).
PYTEST_WORKERS ?= auto
PYTEST_PARALLEL = -n $(PYTEST_WORKERS) --dist loadgroup

test: setup
	./scripts/ensure-chromium
	$(BIN)/pytest $(PYTEST_PARALLEL) $(PYTEST_ARGS)

test-fast: setup
	$(BIN)/pytest $(PYTEST_PARALLEL) -m "not browser" $(PYTEST_ARGS)

# lint-imports checks the layer contract in pyproject.toml ([tool.importlinter]; see
# docs/architecture.md, "The layer contract").
lint: setup
	$(BIN)/ruff check
	$(BIN)/ruff format --check
	$(BIN)/lint-imports --no-logo

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
	rm -rf $(VENV) var .pytest_cache .import_linter_cache

# `make bench`: the pages against a production server (gunicorn, PostgreSQL, locust;
# docs/performance.md, "make bench"); writes docs/benchmarks.md and .json. The data is
# generated once per size and seed and kept (PostgreSQL database maatwerk_bench_<N>).
BENCH_CASES ?= 100000
BENCH_SECONDS ?= 30
BENCH_USERS ?= 1,16
BENCH_SEED ?= 1
bench: setup
	BENCH_CASES=$(BENCH_CASES) BENCH_SECONDS=$(BENCH_SECONDS) BENCH_USERS=$(BENCH_USERS) \
	BENCH_SEED=$(BENCH_SEED) $(BIN)/python scripts/bench_server.py

# The short form (300 cases, half a second per point at 1 and 4 users; .ci/run): fails when
# a page errors or cannot be found. Its report goes to var/bench/smoke.md.
bench-smoke: setup
	BENCH_CASES=300 BENCH_SECONDS=0.5 BENCH_USERS=1,4 $(BIN)/python scripts/bench_server.py --smoke

# The micro benchmarks (access-log append, chain verification, selectors) on a
# throw-away test database (SQLite, or PostgreSQL with DATABASE_URL).
bench-micro: setup
	$(BIN)/python scripts/bench.py

# Pin the dependencies again after changing pyproject.toml: requirements.lock is what a
# production install needs, requirements-dev.lock adds the test and lint tools.
PIP_COMPILE := $(BIN)/pip-compile --quiet --strip-extras --generate-hashes --allow-unsafe --no-emit-index-url --no-emit-find-links
lock: setup
	$(PIP_COMPILE) --output-file requirements.lock pyproject.toml
	$(PIP_COMPILE) --extra dev --output-file requirements-dev.lock pyproject.toml

# Fetch the vendored front-end assets again from the npm registry (see the README there).
VENDOR := src/maatwerk/web/static/maatwerk/vendor
vendor:
	rm -rf var/vendor && mkdir -p var/vendor
	cd var/vendor && npm pack --silent @utrecht/component-library-css@9.0.4 @nl-design-system-unstable/voorbeeld-design-tokens@7.4.1 axe-core@4.14.1
	cd var/vendor && for f in *.tgz; do mkdir -p "$${f%.tgz}" && tar -xzf "$$f" -C "$${f%.tgz}"; done
	cp var/vendor/utrecht-component-library-css-9.0.4/package/dist/index.css $(VENDOR)/utrecht/component-library.css
	cp var/vendor/utrecht-component-library-css-9.0.4/package/LICENSE.md $(VENDOR)/utrecht/LICENSE.md
	cp var/vendor/nl-design-system-unstable-voorbeeld-design-tokens-7.4.1/package/dist/theme.css $(VENDOR)/voorbeeld/theme.css
	cp var/vendor/nl-design-system-unstable-voorbeeld-design-tokens-7.4.1/package/LICENSE.md $(VENDOR)/voorbeeld/LICENSE.md
	cp var/vendor/axe-core-4.14.1/package/axe.min.js tests/browser/vendor/axe.min.js
