# Two commands a newcomer needs: `make demo` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
BOTS ?= 12
PORT ?= 5000

.PHONY: setup demo serve test lint format bench translations extract-messages clean

setup: $(VENV)/.installed node_modules/.installed translations

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

translations: $(VENV)/.installed
	$(BIN)/pybabel -q compile -d facilitator/translations

demo: setup
	$(BIN)/facilitator demo --port $(PORT) --bots $(BOTS)

serve: setup
	$(BIN)/facilitator serve --port $(PORT)

test: setup
	$(BIN)/pytest -q

lint: setup
	$(BIN)/ruff check facilitator tests bench deploy
	$(BIN)/ruff format --check facilitator tests bench deploy

format: setup
	$(BIN)/ruff check --fix facilitator tests bench deploy
	$(BIN)/ruff format facilitator tests bench deploy

bench: setup
	$(BIN)/python -m bench.run_all $(BENCH_ARGS)

extract-messages: $(VENV)/.installed
	$(BIN)/pybabel -q extract -F babel.cfg -k lazy_gettext --no-location --sort-output -o facilitator/translations/messages.pot .
	$(BIN)/pybabel -q update -i facilitator/translations/messages.pot -d facilitator/translations

clean:
	rm -rf $(VENV) node_modules
