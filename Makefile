# One place for every project command: README's quick start and .ci/run both call these targets.
# VENV can be overridden (CI uses a fresh one in a temporary folder): make install VENV=/tmp/x/venv
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
TORCH ?= torch==2.13.0

.PHONY: install train test test-slow check docs browser-check execute bench lab

install:  ## create the venv (if missing), install the CPU torch wheel first, then the package with its dev tools
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q $(TORCH)
	$(PY) -m pip install -q -e ".[dev]"

train:  ## the main job: the seed's credit-risk regression, trained and compared with least squares
	$(BIN)/linreg_lab train

test:  ## every notebook run as a test (nbdev_test, one process per notebook); slow cells skipped
	$(BIN)/pytest -q -n 2 tests

test-slow:  ## the same, with the cells flagged `slow` run too
	NBDEV_TEST_FLAGS=slow $(BIN)/pytest -q -n 2 tests

check:  ## notebooks clean and package in sync: nbdev_clean and nbdev_export must change nothing
	$(BIN)/nbdev_clean
	@git diff --quiet -- nbs || { echo "nbdev_clean changed notebooks: run 'make execute' or nbdev_clean and commit"; git status --porcelain -uno; exit 1; }
	$(BIN)/nbdev_export
	@test -z "$$(git status --porcelain -uno)" || { echo "nbdev_export changed files: linreg_lab/ is out of sync with nbs/"; git status --porcelain -uno; exit 1; }

docs:  ## static docs site in _docs/ and README.md, from the notebooks, offline (no Quarto)
	$(PY) tools/build_docs.py

browser-check:  ## headless Chromium loads the built site: math typeset, images loaded, API tables, no outside requests
	$(PY) tools/browser_check.py

execute:  ## run notebooks top to bottom in place (NBS="nbs/01_data.ipynb ..." to pick), then clean and export
	$(PY) tools/execute_nbs.py $(NBS)
	$(BIN)/nbdev_clean
	$(BIN)/nbdev_export

bench:  ## the benchmark scripts; each prints a table and a RESULT line of ratios
	for b in benchmarks/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

lab:  ## JupyterLab on the notebooks (as root it needs --allow-root, which this adds)
	$(BIN)/jupyter lab nbs $$([ "$$(id -u)" = 0 ] && echo --allow-root)
