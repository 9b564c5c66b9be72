"""Call parameters checked for what they are: a `temperature` is a number in range, not "hot".

A wrong value in `params:` (llmhub.yaml) or `mode_params:` (the spec) is an error when the file is
loaded, naming the file and field, instead of a provider error on the first call in production.
Only parameters whose meaning is the same at every provider are checked; others pass through.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import AfterValidator

__all__ = ["PARAM_RANGES", "Params", "check_params"]

PARAM_RANGES: dict[str, tuple[type, float, float]] = {
    "temperature": (float, 0.0, 2.0),
    "top_p": (float, 0.0, 1.0),
    "presence_penalty": (float, -2.0, 2.0),
    "frequency_penalty": (float, -2.0, 2.0),
    "max_tokens": (int, 1, 10_000_000),
    "max_completion_tokens": (int, 1, 10_000_000),
    "n": (int, 1, 128),
    "dimensions": (int, 1, 100_000),
    "top_k": (int, 1, 100_000),
}
"""Parameter -> (type, lowest, highest) for the parameters that mean the same everywhere."""


def check_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Return `params` unchanged, or raise ValueError naming the first parameter with a wrong value."""
    for name, value in params.items():
        rule = PARAM_RANGES.get(name)
        if rule is None:
            continue
        kind, low, high = rule
        number = isinstance(value, int | float) and not isinstance(value, bool)
        whole = isinstance(value, int) and not isinstance(value, bool)
        if (kind is int and not whole) or not number or not math.isfinite(value) or not low <= value <= high:
            noun = "a whole number" if kind is int else "a number"
            raise ValueError(f"{name} must be {noun} from {low:g} to {high:g}, got {value!r}")
    return dict(params)


Params = Annotated[dict[str, Any], AfterValidator(check_params)]
"""Call parameters, their well-known values checked by `check_params`."""
