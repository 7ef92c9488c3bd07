# The two commands a new user needs: `make run` and `make test`.
# Everything else they need is installed by these into .venv and node_modules.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test install assets worker beat lint clean

run: install assets
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py runserver 127.0.0.1:8000

test: install assets
	$(PY) -m pytest $(PYTEST_ARGS)

install: $(STAMP)

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch node_modules/.package-lock.json

assets: node_modules/.package-lock.json
	$(PY) -m ppe.build_assets

worker: install assets
	$(VENV)/bin/celery -A ppe worker --loglevel=INFO --concurrency=2

beat: install
	$(VENV)/bin/celery -A ppe beat --loglevel=INFO

lint: install
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) node_modules static/dist var
