# pkgfem: two commands on a fresh machine.
#   make demo   set up .venv and run the default case
#   make test   set up .venv and run the fast tests (what CI runs)
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
STAMP   = $(VENV)/.installed-stamp
PYTEST  = $(PY) -m pytest

.PHONY: setup demo test test-all bench clean help

help:
	@echo "make demo      set up and run the default case (demo-output/)"
	@echo "make test      set up and run the fast test suite (CI)"
	@echo "make test-all  also run the slow verification cases"
	@echo "make bench     run the performance benchmarks (writes benchmarks/out/)"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/pkgfem demo -o demo-output

test: $(STAMP)
	$(PYTEST) -q -m "not slow"

test-all: $(STAMP)
	$(PYTEST) -q

bench: $(STAMP)
	$(PY) -m pip install --quiet -e ".[test,bench]"
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) demo-output .pytest_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
