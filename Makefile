# Waymark: `make run` serves the app on http://127.0.0.1:8000; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run stop test install lint bench clean lock audit train-moderation moderation-data

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -qq --upgrade pip
	$(BIN)/python -m pip install -qq -c requirements.lock -e '.[test]'
	touch $(STAMP)

# requirements.lock: every installed version, from the venv (run after changing dependencies).
lock: $(STAMP)
	$(BIN)/python -m pip freeze --exclude-editable --all | grep -iv '^pip==' > requirements.lock

audit: $(STAMP)
	.ci/audit

install: $(STAMP)

run: $(STAMP)
	$(BIN)/waymark run

# Ctrl+C stops the app; the embedded PostgreSQL keeps running for the next `make run`. This stops it.
stop: $(STAMP)
	$(BIN)/waymark stop-database

# Two workers (pytest-xdist), each with its own database, server and browser; a file's tests
# stay together on one worker. One file alone: `.venv/bin/python -m pytest -q tests/api/test_x.py`.
test: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check .

# The moderation engine's labelled sets (seeded) and its learned layer (moderation/model.json,
# committed; about three minutes on one core). Run both after changing moderation/data/*.txt.
moderation-data: $(STAMP)
	$(BIN)/python -m moderation.data.build_dataset

train-moderation: $(STAMP)
	$(BIN)/python -m moderation.train

bench: $(STAMP)
	$(BIN)/python bench/http_bench.py

clean:
	test ! -x $(BIN)/waymark || $(BIN)/waymark stop-database
	rm -rf $(VENV) var
