# Two commands on a fresh machine with Python 3.11-3.14: `make run` and `make test`.
# The newest of them on PATH that really starts (a pyenv shim may not); `make PYTHON=... run` chooses.
PYTHON ?= $(shell for v in 3.14 3.13 3.12 3.11; do p=$$(command -v python$$v) && $$p -c '' 2>/dev/null && { echo $$p; break; }; done)
VENV := .venv
PY := $(VENV)/bin/python
RUNTIME := $(VENV)/.runtime-installed
DEV := $(VENV)/.dev-installed

.PHONY: run test test-fast test-windows check demo lint bench dist clean

# What running needs: the runtime requirements and the package itself (.venv/bin/houqin).
$(RUNTIME): requirements.txt pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11-3.14 is needed (python3.11 ... python3.14 on PATH)"; exit 2; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(RUNTIME)

# The test tools on top (requirements-dev.txt).
$(DEV): $(RUNTIME) requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(DEV)

# Without CONFIG: write demo workbooks to demo_data/, then sync and serve them until Ctrl-C.
run: $(RUNTIME)
	@if [ -n "$(CONFIG)" ]; then \
		$(VENV)/bin/houqin serve --config "$(CONFIG)"; \
	else \
		$(VENV)/bin/houqin demo --dir demo_data && \
		$(VENV)/bin/houqin serve demo_data; \
	fi

# Two workers, each taking whole test files (a file's fixtures and servers stay in one process).
PYTEST_ARGS ?=
test: $(DEV)
	$(PY) -m pytest -q -n 2 --dist loadfile $(PYTEST_ARGS)

# The quick loop: without the slow, browser and office tests.
test-fast: $(DEV)
	$(PY) -m pytest -q -n 2 --dist loadfile -m "not slow and not browser and not office" $(PYTEST_ARGS)

# The Windows part of the suite on Windows' own CPython under Wine (tests/windows/harness.py builds
# build/windows/ once: needs wine64, gcc-mingw-w64-x86-64 and the zh_CN/en_US locales, see .ci/run).
test-windows: $(DEV)
	$(PY) -m tests.windows.harness pytest $(PYTEST_ARGS)

lint: $(DEV)
	$(VENV)/bin/ruff check .

demo: $(RUNTIME)
	$(VENV)/bin/houqin demo --dir demo_data

BENCHES := check_vs_frictionless rules_overhead writeback_vs_openpyxl gsheets_calls status_page_load nutrition_cli

bench: $(DEV)
	for b in $(BENCHES); do $(PY) bench/$$b.py || exit 1; done

# The offline Windows bundle: dist/houqin-VERSION-win64.zip (needs PyPI while building).
dist: $(DEV)
	$(PY) -m bundle

clean:
	rm -rf $(VENV) demo_data var dist build
