"""Call parameters checked for what they are: a `temperature` is a number in range, not "hot".

A wrong value in `params:` (llmhub.yaml) or `mode_params:` (the spec) is an error when the file is
loaded, naming the file and field, instead of a provider error on the first call in production.
Only parameters whose meaning is the same at every provider are checked; others pass through.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import AfterValidator

__all__ = ["KNOWN_PARAMS", "PARAM_RANGES", "Params", "check_params"]

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

KNOWN_PARAMS = frozenset(
    {
        *PARAM_RANGES,
        "stop", "seed", "user", "response_format", "tools", "tool_choice", "parallel_tool_calls",
        "reasoning_effort", "logprobs", "top_logprobs", "logit_bias", "stream_options", "metadata",
        "store", "modalities", "audio", "prediction", "service_tier", "thinking", "extra_body",
        "extra_headers", "max_output_tokens", "encoding_format", "voice", "speed", "instructions",
        "language", "prompt", "timestamp_granularities", "size", "quality", "style", "background",
        "output_format", "response_modalities", "safety_settings", "verbosity",
    }
)  # fmt: skip
"""Parameter names in common use: an unknown name close to one of these is a typo, refused at load."""


def check_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Return `params` unchanged, or raise ValueError naming the first parameter with a wrong value.

    A name that is not a known parameter but is one letter or so off one (`temprature`) is a typo and
    refused with "did you mean"; other unknown names pass through (providers have their own).
    """
    for name in params:
        if name not in KNOWN_PARAMS:
            close = difflib.get_close_matches(str(name), sorted(KNOWN_PARAMS), n=1, cutoff=0.85)
            if close:
                raise ValueError(f"unknown parameter {name!r} (did you mean {close[0]!r}?)")
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
