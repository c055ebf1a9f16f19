# The two commands of the README: `make build` and `make test`. Both set everything up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
EXAMPLE := clients/maya-lindqvist.yaml
export NO_MKDOCS_2_WARNING := 1

.PHONY: build test bench browser clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

## Build the example client's workbook and print its private link.
build: $(VENV)/.installed
	$(BIN)/coach-site build $(EXAMPLE)

## Run every test, the real-browser ones included.
test: $(VENV)/.installed-test browser
	$(BIN)/python -m pytest

## The page tests drive Debian's Chromium; install it when it is missing.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the page tests"; \
	  SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

clean:
	rm -rf $(VENV) site test-artifacts .pytest_cache
