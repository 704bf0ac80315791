# The two commands of the README: `make run` and `make test`.
# Everything else here is what those two need, plus helpers for developers.

SYSTEM_PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
PG_URL ?= postgresql://postgres@127.0.0.1:5432/iok
HOST ?= 127.0.0.1
PORT ?= 8000
# The task worker (background tasks and the recurring jobs: members/jobs.py).
# `make serve`, the iok-worker systemd unit (docs/deployment.md) and
# tests/production/test_worker.py run this one command.
WORKER_CMD = $(PY) manage.py iok_worker

.PHONY: run test install install-test migrate seed serve worker-command lint format \
	messages test-sqlite test-postgres checks bench clean vnu

## make run: set up .venv, migrate SQLite, load the demo cooperative, serve :8000
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver $(HOST):$(PORT)

## make test: lint, checks, and the whole suite on SQLite and (if reachable, or CI) PostgreSQL
test: install-test checks test-sqlite test-postgres

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(SYSTEM_PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.txt package.json
	$(PIP) install --quiet -r requirements-test.txt
	if command -v npm >/dev/null; then npm install --no-audit --no-fund --silent; fi
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

checks: install-test
	$(PY) -m ruff format --check .
	$(PY) -m ruff check .
	# The layers members -> cms -> ledger (contracts in pyproject.toml).
	$(VENV)/bin/lint-imports --no-cache
	DJANGO_SETTINGS_MODULE=cms.settings.test $(PY) manage.py check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=cms.settings.test $(PY) manage.py makemigrations --check --dry-run

test-sqlite: install-test
	env -u DATABASE_URL $(PY) -m pytest $(PYTEST_ARGS)

# PostgreSQL is the production database. With CI=true it must be there; on a
# developer's machine without it this step says so and is skipped.
test-postgres: install-test
	@if $(PY) -c "import psycopg; psycopg.connect('$(PG_URL)', dbname='postgres', connect_timeout=3).close()" 2>/dev/null; then \
		DATABASE_URL=$(PG_URL) $(PY) -m pytest $(PYTEST_ARGS); \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL at $(PG_URL) is not reachable, and CI requires it" >&2; exit 1; \
	else \
		echo "PostgreSQL not reachable at $(PG_URL): skipped the PostgreSQL run (CI runs it)."; \
	fi

## make vnu: the Nu Html Checker over the public and member pages (also part of `make test`)
vnu: install-test
	env -u DATABASE_URL $(PY) -m pytest tests/browser/test_html_validity.py

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

lint: install-test
	$(PY) -m ruff check .

format: install-test
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

## make messages: refresh the Polish catalogues and compile them (needs GNU gettext).
## Each app keeps its own catalogue (members/locale, ledger/locale); the site-wide
## templates and cms/ use locale/. Compiled .mo files are committed.
messages: install
	$(PY) manage.py makemessages -l pl --ignore=.venv --ignore=node_modules --ignore=tests \
		--ignore=bench --ignore=members --ignore=ledger
	cd members && ../$(PY) ../manage.py makemessages -l pl
	cd ledger && ../$(PY) ../manage.py makemessages -l pl
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache

## make serve: the production configuration (gunicorn + whitenoise) on $(HOST):$(PORT),
## and the task worker beside it (imports, e-mails, scheduled publishing, retention).
## Needs DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS; see docs/configuration.md.
## Ctrl-C (or gunicorn ending) stops both.
serve: install
	DJANGO_SETTINGS_MODULE=cms.settings.production $(PY) manage.py collectstatic --noinput -v 0
	DJANGO_SETTINGS_MODULE=cms.settings.production $(PY) manage.py migrate --noinput
	DJANGO_SETTINGS_MODULE=cms.settings.production $(WORKER_CMD) & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	DJANGO_SETTINGS_MODULE=cms.settings.production GUNICORN_BIND=$(HOST):$(PORT) \
		$(VENV)/bin/gunicorn -c cms/gunicorn.conf.py cms.wsgi:application

## make worker-command: print the worker's command (what `make serve` starts).
worker-command:
	@echo '$(WORKER_CMD)'


## make bench: the benchmark commands (each prints its figures; see README "Benchmarks")
bench: install-test
	@echo "Benchmarks (PostgreSQL on 127.0.0.1:5432 required):"
	@echo "  $(PY) bench/ledger_balance.py"
	@echo "  DATABASE_URL=postgresql://postgres@127.0.0.1:5432/iok_imports_bench $(PY) bench/import_ledger.py"
	@echo "  flock /tmp/bench.lock $(PY) bench/member_pages.py   # needs wrk (apt-get install wrk)"
	@echo "  flock /tmp/bench.lock $(PY) bench/fresh_worker.py   # a new worker's first requests; --profile PAGE"
	@echo "  $(PY) bench/cpu_per_request.py"
	@echo "  $(PY) bench/load.py --users 300 --duration 60 [--restart-db]"
