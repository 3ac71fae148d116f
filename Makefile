# Two promises: `make demo` and `make test` work on a fresh machine with nothing but python3.
# Both install exactly the versions pinned (with hashes) in uv.lock, the ones the suite passed with;
# pyproject.toml keeps compatible ranges for people who `pip install kwo` as a library.
# `make lock` moves the pins to the newest releases those ranges allow; `make test-latest` runs the
# suite on those releases first, so a break in a new release is seen before users see it.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# uv itself lives in a venv of its own (uv sync would remove it from .venv), pinned here.
TOOLS := .tools
UV_VERSION := 0.13.9
UV := $(TOOLS)/bin/uv
# uv installs into .venv with the machine's python3 and never downloads a Python of its own.
# It compiles the installed packages to bytecode once (about 30 s of CPU): where .pyc files cannot
# be written later (PYTHONDONTWRITEBYTECODE, a read-only venv), every kwo process and test worker
# would compile its imports again, about 2 s of CPU for the report and chart stack.
UV_ENV := UV_PROJECT_ENVIRONMENT=$(VENV) UV_PYTHON_DOWNLOADS=never UV_PYTHON=$(PYTHON) UV_COMPILE_BYTECODE=1
LATEST := .venv-latest

.PHONY: demo test test-latest lock venv lint clean chromium

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet uv==$(UV_VERSION)

# Re-install when the project metadata or the lock change; the stamp files record what was installed.
# --locked: refuse (and say `make lock`) when pyproject.toml asks for something uv.lock lacks.
$(VENV)/.kwo-installed: pyproject.toml uv.lock | $(UV)
	$(UV_ENV) $(UV) sync --locked --inexact --quiet
	touch $@

$(VENV)/.kwo-test-installed: pyproject.toml uv.lock | $(UV)
	$(UV_ENV) $(UV) sync --locked --extra test --quiet
	touch $@ $(VENV)/.kwo-installed

venv: $(VENV)/.kwo-installed

demo: $(VENV)/.kwo-installed
	$(BIN)/kwo demo

test: $(VENV)/.kwo-test-installed
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

# The newest releases pyproject.toml allows, in a venv of their own (made anew each time).
test-latest: | $(UV)
	$(PYTHON) -m venv --clear $(LATEST)
	UV_PYTHON_DOWNLOADS=never UV_COMPILE_BYTECODE=1 $(UV) pip install --quiet --python $(LATEST)/bin/python --upgrade -e '.[test]'
	$(UV) pip list --python $(LATEST)/bin/python | grep -iE '^(click|duckdb|isal|ijson|jinja2|matplotlib|msgspec|numpy|polars|pyarrow|rich|zstandard) '
	$(LATEST)/bin/python -m pytest -q -n 2 --dist loadfile

# Move every pin to the newest release pyproject.toml allows; then `make test` and commit uv.lock.
lock: | $(UV)
	$(UV_ENV) $(UV) lock --upgrade

# What tests/test_browser.py needs (Debian packages; the test skips without them). .ci/run installs
# them itself when it can.
chromium:
	apt-get install -y chromium chromium-driver

lint: | $(UV)
	$(UV_ENV) $(UV) sync --locked --extra test --extra dev --quiet
	rm -f $(VENV)/.kwo-test-installed  # dev extras are in: the next `make test` syncs exactly again
	$(BIN)/ruff check kwo tests benchmarks

clean:
	rm -rf $(VENV) $(LATEST) $(TOOLS) build *.egg-info .pytest_cache
