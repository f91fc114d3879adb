# The two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# .python-version says 3.12 (pyenv and Heroku read it); fall back to python3.
PYTHON_BIN := $(shell command -v python3.12 2>/dev/null || command -v python3)
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in emails and pages, and the admin URL seed_demo prints, say where `make run` serves
# (an exported SHOP_BASE_URL wins).
DEV_ENV := DJANGO_DEBUG=true SHOP_BASE_URL=$${SHOP_BASE_URL:-http://$(HOST):$(PORT)}

.PHONY: run test install migrate seed browsers lint-imports css css-watch check clean test-postgres screens

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON_BIN) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

migrate: install
	$(DEV_ENV) $(PY) manage.py migrate --noinput

# Loads the demo catalog; idempotent, so running it again changes nothing.
seed: migrate
	$(DEV_ENV) $(PY) manage.py seed_demo

run: seed
	@echo ""
	@echo "  Shop:   http://$(HOST):$(PORT)/"
	@echo "  Admin:  http://$(HOST):$(PORT)/admin/  (email: admin@example.com, password: admin)"
	@echo "  Payments are in demo mode unless STRIPE_SECRET_KEY is set; email goes to this console."
	@echo ""
	$(DEV_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

# Browser tests need a Chromium: Debian's when installed, else apt-get installs it (root on Debian),
# else Playwright downloads its own. .ci/browser says which it does.
browsers: install
	@bash .ci/browser $(PY)

# Imports between apps point one way (pyproject.toml [tool.importlinter], docs/ARCHITECTURE.md).
lint-imports: install
	$(VENV)/bin/lint-imports --no-cache

test: browsers lint-imports
	$(PY) -m pytest $(PYTEST_ARGS)

# The same suite on PostgreSQL (CI runs both).
test-postgres: browsers lint-imports
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/shop} $(PY) -m pytest $(PYTEST_ARGS)

# Rebuild the committed Tailwind CSS through django-tailwind (TAILWIND_APP_NAME = "shop": shop/static_src):
# `tailwind install` runs npm install and the build. Needs Node; running the shop does not.
css: install
	$(DEV_ENV) $(PY) manage.py tailwind install

# Rebuild it on every template change while you work.
css-watch: install
	$(DEV_ENV) $(PY) manage.py tailwind start

# Screenshots of the main screens in docs/screens/, from a throwaway demo shop (tests/e2e/screens.py).
screens: browsers
	$(PY) tests/e2e/screens.py

check: install
	$(PY) manage.py check --deploy

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
