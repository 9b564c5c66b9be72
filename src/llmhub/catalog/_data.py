"""Read the catalog's data files (data/*.yaml), shipped inside the package."""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

import yaml


@functools.cache
def load_data(name: str) -> Any:
    """Parse `llmhub/catalog/data/<name>` (cached: these files never change at run time)."""
    text = resources.files("llmhub.catalog").joinpath("data", name).read_text(encoding="utf-8")
    # libyaml's loader when PyYAML was built with it: several times faster, same result.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)
