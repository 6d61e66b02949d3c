# The two README commands are `make run` and `make test`; everything else is a helper.
# Each step is a file target, so a second `make run` skips what is already done.

PYTHON ?= python3
# Browser tests use Debian's chromium; npm must never download a browser of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

FRONTEND_SOURCES := $(shell find frontend/src frontend/public -type f 2>/dev/null) \
	frontend/index.html frontend/vite.config.ts frontend/package.json frontend/tsconfig*.json

.DEFAULT_GOAL := help
.PHONY: help run test setup frontend migrate seed lint typecheck test-backend test-frontend \
	test-e2e chromium report-deps openapi fuzz clean

help:
	@echo "make run   - set everything up and serve API + SPA on http://$(HOST):$(PORT)"
	@echo "make test  - set everything up and run every test, linter and type check"
	@echo "make openapi - regenerate frontend/openapi.json and the SPA's typed client"

$(BIN)/siaga: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

frontend/node_modules/.package-lock.json: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch $@

frontend/dist/index.html: frontend/node_modules/.package-lock.json $(FRONTEND_SOURCES)
	cd frontend && npm run build

setup: $(BIN)/siaga frontend/node_modules/.package-lock.json

frontend: frontend/dist/index.html

migrate: $(BIN)/siaga
	$(BIN)/siaga migrate

# Loads the demo only into an empty database: never touches data you created.
seed: migrate
	$(BIN)/siaga seed demo --if-empty

run: setup frontend seed
	$(BIN)/siaga serve --host $(HOST) --port $(PORT)

lint: $(BIN)/siaga
	$(BIN)/ruff check backend tests migrations bench examples scripts
	$(BIN)/ruff format --check backend tests migrations bench examples scripts

typecheck: $(BIN)/siaga
	$(BIN)/mypy

test-backend: $(BIN)/siaga report-deps
	$(BIN)/pytest

test-frontend: frontend/node_modules/.package-lock.json
	cd frontend && npm run check:api && npm run typecheck && npm test

# Browser tests drive Debian's chromium (no browser download); as root we install it.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
		else echo "End-to-end tests need chromium: sudo apt-get install chromium" >&2; exit 1; fi; }

test-e2e: setup frontend chromium report-deps
	cd frontend && npm run e2e

# The PDF report (WeasyPrint) needs Pango and a font; the report tests render real PDFs.
report-deps:
	@{ ldconfig -p | grep -q libpangoft2-1.0 && fc-list 2>/dev/null | grep -qi dejavu; } || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq \
			libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fontconfig; \
		else echo "The PDF report needs Pango and a font: sudo apt-get install" \
			"libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core" >&2; exit 1; fi; }

# The backend suite runs last so its summary line closes the output CI reads.
test: setup lint typecheck test-frontend test-e2e test-backend

fuzz: $(BIN)/siaga
	$(BIN)/pytest -m fuzz

openapi: $(BIN)/siaga
	$(BIN)/siaga openapi > frontend/openapi.json
	cd frontend && npm run gen:api

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist var
