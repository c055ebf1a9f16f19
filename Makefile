# The two commands of the README: `make build` and `make test`. Both set everything up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
EXAMPLE := clients/maya-lindqvist.yaml
export NO_MKDOCS_2_WARNING := 1

.PHONY: build test bench system-packages yaml-language-server clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

## Build the example client's workbook and print its private link (and where it is on disk).
build: $(VENV)/.installed
	$(BIN)/coach-site build --verbose $(EXAMPLE)

## Run every test, the real-browser and real-server ones included.
test: $(VENV)/.installed-test system-packages yaml-language-server
	$(BIN)/python -m pytest

## The tests drive Debian's chromium, a real nginx, rsync and (through npm) the YAML language server; install what is missing.
system-packages:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || missing="$$missing nginx"; \
	command -v rsync >/dev/null 2>&1 || missing="$$missing rsync"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages for the tests:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

## The real YAML language server the editor tests talk to (pinned; installed once, into .tools/).
YAML_LS_VERSION := 1.25.0
yaml-language-server: .tools/.yaml-language-server-$(YAML_LS_VERSION)
.tools/.yaml-language-server-$(YAML_LS_VERSION): | system-packages
	npm install --prefix .tools --no-save --no-audit --no-fund --loglevel=error yaml-language-server@$(YAML_LS_VERSION)
	touch $@

## Time builds against plain `mkdocs build`, and a sealed workbook's opening against a plain one's (not part of `make test`).
bench: $(VENV)/.installed-test system-packages
	$(BIN)/python benchmarks/build_bench.py
	$(BIN)/python benchmarks/sealed_open_bench.py

clean:
	rm -rf $(VENV) site test-artifacts .pytest_cache .tools
