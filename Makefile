# The two set-up commands are `make run` and `make test`; everything else is for developers.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-e2e lint format bench migrate demo check-system clean lock

$(VENV)/bin/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 est requis ($(PYTHON) introuvable). Sous Debian : sudo apt-get install python3.11 python3.11-venv"; exit 1; }
	$(PYTHON) -m venv $(VENV) || { echo "Impossible de créer $(VENV). Sous Debian : sudo apt-get install python3.11-venv"; exit 1; }
	$(PY) -m pip install --quiet --upgrade "pip>=23.2"

$(VENV)/.installed-run: requirements.lock | $(VENV)/bin/python
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	@touch $@

$(VENV)/.installed-dev: requirements-dev.lock | $(VENV)/bin/python
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.lock
	@touch $@ $(VENV)/.installed-run

check-system: $(VENV)/.installed-run
	@$(PY) -m coodyssee.syscheck

migrate: check-system
	$(PY) manage.py migrate --no-input

demo: migrate
	$(PY) manage.py load_demo

run: demo
	@echo "Serveur : http://$(HOST):$(PORT)/  (Ctrl-C pour arrêter)"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.installed-dev
	@$(PY) -m coodyssee.syscheck
	$(PY) -m pytest $(PYTEST_ARGS)

test-e2e: $(VENV)/.installed-dev
	$(PY) -m pytest tests/e2e $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: $(VENV)/.installed-dev
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache

# Regenerate both lock files after editing pyproject.toml (pins stay unless a range forces a change).
lock:
	$(PYTHON) -m venv /tmp/coodyssee-lock && /tmp/coodyssee-lock/bin/pip install --quiet pip-tools
	/tmp/coodyssee-lock/bin/pip-compile --quiet --generate-hashes --strip-extras --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml
	/tmp/coodyssee-lock/bin/pip-compile --quiet --generate-hashes --strip-extras --no-emit-index-url --no-emit-find-links --extra dev -o requirements-dev.lock pyproject.toml
