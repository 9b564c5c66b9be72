PY := .venv/bin/python

.PHONY: install example test test-quick test-report lint format typecheck check bench record-cassettes release-dry-run

install:
	python3 -m venv .venv && .venv/bin/pip install -e '.[dev]'

example:
	$(PY) examples/quickstart/app.py

test:
	$(PY) -m pytest

# The inner loop: everything but the tests marked slow (subprocesses, real catalogs). CI runs all.
test-quick:
	$(PY) -m pytest -m "not slow"

# The suite, plus a Test Execution Report in reports/test-execution/ (exit code = pytest's).
test-report:
	$(PY) -m llmhub.tools.run_tests_with_report

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format:
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

typecheck:
	.venv/bin/mypy

check: lint typecheck test

bench:
	$(PY) bench/bench_overhead.py
	$(PY) bench/bench_import.py
	$(PY) bench/bench_catalog.py
	$(PY) bench/bench_generate.py
	$(PY) bench/bench_startup.py
	$(PY) bench/bench_agent.py

record-cassettes:
	LLMHUB_VCR_RECORD_MODE=all $(PY) -m pytest tests/cassette

# Everything a release does except uploading: bump (in a copy), build, twine check, print the tag commands.
release-dry-run:
	$(PY) scripts/release.py patch --dry-run --yes
