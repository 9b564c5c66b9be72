"""Paths to the test fixtures, for every test module."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
MINI = FIXTURES / "catalog" / "mini"
"""A hand-written catalog sources mirror: a dozen models with every edge case the parsers handle."""
