# Two commands get a newcomer going:  make run  (the bot; the sandbox when no token is set)
#                                     make test (the whole test suite)
PYTHON ?= python3
# The suite runs on this many processes (each e2e test keeps one core busy); a process that
# runs out of tests takes half of what another still has queued (worksteal), so the long
# tests, which start first, never leave one process finishing alone.
TEST_WORKERS ?= 2
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: run test demo bench lint install

$(BIN)/liaison-bot: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

install: $(BIN)/liaison-bot

run: install
	$(BIN)/liaison-bot run

demo: install
	$(BIN)/liaison-bot demo

test: install
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist worksteal

bench: install
	$(BIN)/python -m benchmarks
