PY := .venv/bin/python

.PHONY: install example test lint format typecheck check bench record-cassettes

install:
	python3 -m venv .venv && .venv/bin/pip install -e '.[dev]'

example:
	$(PY) examples/quickstart/app.py

test:
	$(PY) -m pytest

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

record-cassettes:
	LLMHUB_VCR_RECORD_MODE=all $(PY) -m pytest tests/cassette
