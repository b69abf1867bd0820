# Two commands on a fresh machine with Python 3.11: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test check demo lint bench dist clean

# The development environment: runtime (requirements.txt) plus test tools (requirements-dev.txt).
$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

# Without CONFIG: write demo workbooks to demo_data/, then sync and serve them.
run: $(STAMP)
	@if [ -n "$(CONFIG)" ]; then \
		$(PY) -m sync serve --config "$(CONFIG)"; \
	else \
		$(PY) -m sync demo --dir demo_data && \
		$(PY) -m sync serve demo_data; \
	fi

# Two workers, each taking whole test files (a file's fixtures and servers stay in one process).
test: $(STAMP)
	$(PY) -m pytest -q -n 2 --dist loadfile

lint: $(STAMP)
	$(VENV)/bin/ruff check .

demo: $(STAMP)
	$(PY) -m sync demo --dir demo_data

BENCHES := check_vs_frictionless rules_overhead writeback_vs_openpyxl gsheets_calls status_page_load nutrition_cli

bench: $(STAMP)
	for b in $(BENCHES); do $(PY) bench/$$b.py || exit 1; done

# The offline Windows bundle: dist/houqin-VERSION-win64.zip (needs PyPI while building).
dist: $(STAMP)
	$(PY) -m bundle

clean:
	rm -rf $(VENV) demo_data var dist build
