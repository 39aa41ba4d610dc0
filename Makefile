# Kommune 360° – the two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
DEV_ENV := DEBUG=True DATABASE_URL=sqlite:///var/k360.sqlite3 REDIS_URL= EMAIL_URL=
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/k360
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
# make bench: its own PostgreSQL database (created and filled once) and Redis database.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/k360_bench
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/6

.PHONY: run test install install-dev assets chromium wrk check-services lint fmt lock bench audit clean

run: install assets
	@mkdir -p var/mail var/media
	$(DEV_ENV) $(BIN)/python manage.py compile_translations
	$(DEV_ENV) $(BIN)/python manage.py migrate --no-input
	$(DEV_ENV) $(BIN)/python manage.py seed_demo
	@echo "Kommune 360° läuft auf http://127.0.0.1:8000 (Mails unter var/mail/, Strg+C beendet)."
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

test: install-dev assets chromium check-services lint
	$(BIN)/python manage.py compile_translations --settings=k360.settings_test
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
	  $(BIN)/python manage.py makemigrations --check --dry-run --settings=k360.settings_test
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/pytest $(PYTEST_ARGS)

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet uv==$(UV_VERSION)

$(VENV)/.installed: requirements.lock | $(BIN)/uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.lock
	touch $@

$(VENV)/.installed-dev: requirements.lock requirements-dev.lock | $(BIN)/uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements-dev.lock
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: node_modules/.installed

# Browser tests drive Debian's Chromium; Playwright's own browser download is not used.
# WeasyPrint (the Selbstcheck PDF) needs Pango, which Chromium brings along; asked for anyway.
chromium:
	@{ command -v chromium >/dev/null && ldconfig -p | grep -q libpangoft2-1.0; } || { \
	  echo "Installiere Debians Chromium und Pango für die Browser- und PDF-Tests …"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    chromium libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; }

# The HTTP load test drives gunicorn with Debian's wrk.
wrk:
	@command -v wrk >/dev/null || { \
	  echo "Installiere wrk aus Debian für make bench …"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    wrk >/dev/null; }

# The scale network under load (gunicorn + wrk, bench/http.py), then every earlier benchmark,
# then one table of all figures (bench/all.py).
bench: install-dev assets chromium wrk check-services
	$(BIN)/python manage.py compile_translations --settings=k360.settings_test
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) \
	  BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) BENCH_REDIS_URL=$(BENCH_REDIS_URL) \
	  $(BIN)/python -m bench.all

# Known vulnerabilities in the locked dependencies (PyPI's advisory data, so it needs
# pypi.org's JSON API; not part of make test, which must run offline from a package mirror).
audit: install-dev
	$(BIN)/pip-audit --strict --no-deps --disable-pip -r requirements.lock
	$(BIN)/pip-audit --strict --no-deps --disable-pip -r requirements-dev.lock

check-services:
	@DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/python scripts/check_services.py

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt:
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Re-pin the dependencies after editing pyproject.toml.
lock: | $(BIN)/uv
	$(BIN)/uv pip compile --quiet --no-header --python-version 3.11 pyproject.toml -o requirements.lock
	$(BIN)/uv pip compile --quiet --no-header --python-version 3.11 pyproject.toml --extra dev \
	  -c requirements.lock -o requirements-dev.lock

clean:
	rm -rf $(VENV) node_modules var/static
