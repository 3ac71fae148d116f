# Two promises: `make demo` and `make test` work on a fresh machine with nothing but python3.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test venv lint clean chromium

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install when the project metadata changes; the stamp files record what was installed.
$(VENV)/.kwo-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.kwo-test-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.kwo-installed

venv: $(VENV)/.kwo-installed

demo: $(VENV)/.kwo-installed
	$(BIN)/kwo demo

test: $(VENV)/.kwo-test-installed
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

# What tests/test_browser.py needs (Debian packages; the test skips without them). .ci/run installs
# them itself when it can.
chromium:
	apt-get install -y chromium chromium-driver

lint: $(VENV)/.kwo-test-installed
	$(BIN)/python -m pip install --quiet ruff
	$(BIN)/ruff check kwo tests benchmarks

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
