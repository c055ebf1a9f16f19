# The two commands of the README: `make build` and `make test`. Both set everything up,
# from the lock in requirements/ (exact versions, hashes checked).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
EXAMPLE := clients/maya-lindqvist.yaml
LOCK_UPGRADE ?= --upgrade
LOCK_FLAGS := --generate-hashes --universal --python-version 3.11 --quiet
export NO_MKDOCS_2_WARNING := 1

.PHONY: build test test-latest lock release screenshots snapshot bench system-packages yaml-language-server clean

# pip only bootstraps the installer; everything else comes from the lock through it.
$(VENV)/.uv: requirements/uv.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements/uv.txt
	touch $@

# `pip sync` makes the environment exactly the lock: what is not in it goes.
$(VENV)/.installed: requirements/run.txt pyproject.toml $(VENV)/.uv
	$(UV) pip sync --quiet --python $(BIN)/python --require-hashes requirements/run.txt
	$(UV) pip install --quiet --python $(BIN)/python --no-deps --no-build-isolation -e .
	rm -f $(VENV)/.installed-test
	touch $@

$(VENV)/.installed-test: requirements/test.txt $(VENV)/.installed
	$(UV) pip sync --quiet --python $(BIN)/python --require-hashes requirements/test.txt
	$(UV) pip install --quiet --python $(BIN)/python --no-deps --no-build-isolation -e .
	touch $@

## Build the example client's workbook and print its private link (and where it is on disk).
build: $(VENV)/.installed
	$(BIN)/coach-site build --verbose $(EXAMPLE)

## Run every test, the real-browser and real-server ones included, a file per worker.
test: $(VENV)/.installed-test system-packages yaml-language-server
	$(BIN)/python -m pytest -n auto --dist loadfile --durations=12

## The suite on the newest versions pyproject.toml allows, in .venv-latest (not part of CI).
## Run it before `make lock`: what it turns red, a refreshed lock would bring in.
test-latest: system-packages yaml-language-server $(VENV)/.uv
	$(UV) venv --quiet --allow-existing --python $(PYTHON) .venv-latest
	$(UV) pip install --quiet --python .venv-latest/bin/python --upgrade --refresh -e '.[test]'
	.venv-latest/bin/python -m pytest -n auto --dist loadfile

## Refresh the lock to the newest versions pyproject.toml allows (then run `make test`, and commit requirements/).
lock: $(VENV)/.uv
	$(UV) pip compile pyproject.toml requirements/tools.in requirements/uv.in --extra test $(LOCK_UPGRADE) $(LOCK_FLAGS) -o requirements/test.txt
	$(UV) pip compile pyproject.toml requirements/tools.in requirements/uv.in -c requirements/test.txt $(LOCK_FLAGS) -o requirements/run.txt
	$(UV) pip compile requirements/uv.in -c requirements/test.txt $(LOCK_FLAGS) -o requirements/uv.txt

## The sdist and wheel of a release, in dist/, built with the lock's build frontend and setuptools and
## checked as the package index will check them. Uploading stays a person's step (README, Releasing).
release: $(VENV)/.installed-test
	rm -rf dist build
	$(BIN)/python -m build --no-isolation --outdir dist .
	$(BIN)/twine check --strict dist/*
	@echo "Built and checked: dist/. To publish this release: $(BIN)/twine upload dist/*"

## Screenshots of every page (390 and 1280 px, light and dark) into test-artifacts/, to look at; never in CI.
screenshots: $(VENV)/.installed-test system-packages
	COACH_SITE_SCREENSHOTS=1 $(BIN)/python -m pytest -n auto --dist loadfile -m screenshots

## Rewrite the golden text of the example's pages after a change meant to alter them (tests/golden/).
snapshot: $(VENV)/.installed-test
	COACH_SITE_UPDATE_SNAPSHOT=1 $(BIN)/python -m pytest tests/test_golden.py

## The tests drive Debian's chromium, a real nginx, rsync, pdftotext (the printed workbook's text)
## and (through npm) the YAML language server; install what is missing.
system-packages:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium fonts-liberation"; \
	[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || missing="$$missing nginx"; \
	command -v rsync >/dev/null 2>&1 || missing="$$missing rsync"; \
	command -v pdftotext >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	[ -x /usr/sbin/dovecot ] || command -v dovecot >/dev/null 2>&1 || missing="$$missing dovecot-imapd"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages for the tests:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

## The real YAML language server the editor tests talk to, from tests/editor/package-lock.json (`npm ci`).
yaml-language-server: .tools/.installed
.tools/.installed: tests/editor/package.json tests/editor/package-lock.json | system-packages
	rm -rf .tools && mkdir -p .tools
	cp tests/editor/package.json tests/editor/package-lock.json .tools/
	npm ci --prefix .tools --no-audit --no-fund --loglevel=error
	touch $@

## Time builds against plain `mkdocs build`, a sealed workbook's opening against a plain one's, and the workbook on a phone (Lighthouse behind nginx); not part of `make test`.
bench: $(VENV)/.installed-test system-packages
	$(BIN)/python benchmarks/build_bench.py
	$(BIN)/python benchmarks/sealed_open_bench.py
	$(BIN)/python benchmarks/phone_bench.py

clean:
	rm -rf $(VENV) .venv-latest site test-artifacts .pytest_cache .tools dist build
