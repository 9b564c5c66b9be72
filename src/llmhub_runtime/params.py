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

__all__ = [
    "KNOWN_PARAMS",
    "MODE_PARAMS",
    "PARAM_ALIASES",
    "PARAM_RANGES",
    "Params",
    "check_mode_params",
    "check_params",
]

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


_ANY_MODE = frozenset({"extra_body", "extra_headers", "user", "timeout"})
_CHAT = frozenset(
    {
        "temperature", "top_p", "top_k", "presence_penalty", "frequency_penalty", "max_tokens",
        "max_completion_tokens", "max_output_tokens", "n", "stop", "seed", "response_format", "tools",
        "tool_choice", "parallel_tool_calls", "reasoning_effort", "logprobs", "top_logprobs", "logit_bias",
        "stream_options", "metadata", "store", "modalities", "audio", "prediction", "service_tier", "thinking",
        "response_modalities", "safety_settings", "verbosity",
    }
)  # fmt: skip
_SPEECH = frozenset({"voice", "speed", "instructions", "response_format"})
_TRANSCRIPTION = frozenset({"language", "prompt", "response_format", "temperature", "timestamp_granularities"})
MODE_PARAMS: dict[str, frozenset[str]] = {
    "chat": _CHAT | _ANY_MODE,
    "embedding": frozenset({"dimensions", "encoding_format"}) | _ANY_MODE,
    "image": frozenset({"n", "size", "quality", "style", "response_format", "background", "output_format"})
    | frozenset({"output_compression", "moderation"})
    | _ANY_MODE,
    "speech": _SPEECH | _ANY_MODE,
    "transcription": _TRANSCRIPTION | _ANY_MODE,
    "audio": _SPEECH | _TRANSCRIPTION | _ANY_MODE,
}
"""What a role of each mode may set in a file's `params:` (per call, code may pass anything).

Provider-specific parameters go under `extra_body`, which every mode takes."""

_REFUSED_ELSEWHERE = frozenset({"api_key", "model", "provider", "api_base", "client_args", "messages"})
"""Names the config loader refuses with its own message (where the setting belongs instead)."""

PARAM_ALIASES = {"embedding_dim": "dimensions", "embedding_dimensions": "dimensions"}
"""Names the original documents used -> the any-llm / OpenAI name they stand for."""


def check_mode_params(mode: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """`params` with the documented aliases renamed (`embedding_dim` -> `dimensions`), checked for the mode.

    Raises:
        ValueError: a name a role of this mode does not take (with "did you mean"), or an alias given
            together with the name it stands for.
    """
    allowed = MODE_PARAMS.get(mode)
    renamed: dict[str, Any] = {}
    for name, value in params.items():
        target = PARAM_ALIASES.get(name, name)
        if target != name and target in params:
            raise ValueError(f"{name!r} and {target!r} are the same parameter: keep {target!r}")
        renamed[target] = value
    if allowed is None:
        return renamed
    for name in renamed:
        if name in allowed or name in _REFUSED_ELSEWHERE:
            continue
        if name == "stream":
            raise ValueError("'stream' is chosen per call (hub.stream(...) or stream=True), not in params")
        close = difflib.get_close_matches(str(name), sorted(allowed), n=1, cutoff=0.75)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(
            f"unknown parameter {name!r}{hint} for a {mode} role; a provider-specific one goes under extra_body"
        )
    return renamed


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
