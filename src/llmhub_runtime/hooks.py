"""Before/after call hooks: the payloads they receive, token usage, cost, and safe invocation.

`on_before_call(ctx)` receives, for every attempt::

    {"role", "provider", "model", "mode", "operation", "params", "attempt", "fallback_used"}

`on_after_call(result)` receives the same keys plus::

    {"success", "error", "error_type", "latency_ms", "usage", "cost_usd", "final"}

`on_event(event)` receives what happens to the hub rather than to one call, as a dict with an `"event"`
key: `config_reloaded` / `config_reload_failed` (see `LLMHub.reload`), `budget_soft_limit` /
`budget_hard_limit` (see `llmhub_runtime.budget`).

A role with a response cache adds `"cache"` (`hit`, `miss`, `skip`) to both payloads, a role with
variants `"variant"` (the variant the call drew), and a call sent to a `fallback_variant` by a hard
budget limit `"budget_fallback": True`.

`attempt` counts from 1 across the whole call (retries and fallbacks included); `fallback_used` is
true when the target is one of the role's fallbacks; `final` is false when another attempt follows.
`usage` is `{"prompt_tokens", "completion_tokens", "total_tokens", ...}` or None; `cost_usd` is
computed from the target's `pricing` block, else None. A hook that raises is logged and ignored.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from .models import PricingConfig

__all__ = ["AfterCallHook", "BeforeCallHook", "EventHook", "compute_cost", "extract_usage", "run_hook"]

logger = logging.getLogger("llmhub_runtime")

BeforeCallHook = Callable[[dict[str, Any]], object]
AfterCallHook = Callable[[dict[str, Any]], object]
EventHook = Callable[[dict[str, Any]], object]

_USAGE_FIELDS = ("prompt_tokens", "completion_tokens", "total_tokens")


def run_hook(hook: Callable[[dict[str, Any]], object] | None, payload: dict[str, Any]) -> None:
    """Call `hook` with `payload`; an exception in the hook is logged, never raised into the call."""
    if hook is None:
        return
    try:
        hook(payload)
    except Exception:
        logger.exception("llmhub hook %r raised; the call is unaffected", getattr(hook, "__name__", hook))


def extract_usage(response: Any) -> dict[str, int] | None:
    """Token usage of a response or stream chunk as a plain dict, or None when it reports none."""
    usage = response.get("usage") if isinstance(response, Mapping) else getattr(response, "usage", None)
    if usage is None:
        return None
    out: dict[str, int] = {}
    for name in _USAGE_FIELDS:
        value = _field(usage, name)
        if isinstance(value, int):
            out[name] = value
    cached = _field(_field(usage, "prompt_tokens_details"), "cached_tokens")
    if isinstance(cached, int):
        out["cached_tokens"] = cached
    reasoning = _field(_field(usage, "completion_tokens_details"), "reasoning_tokens")
    if isinstance(reasoning, int):
        out["reasoning_tokens"] = reasoning
    if not out:
        return None
    if "total_tokens" not in out:
        out["total_tokens"] = out.get("prompt_tokens", 0) + out.get("completion_tokens", 0)
    return out


def compute_cost(usage: Mapping[str, int] | None, pricing: PricingConfig | None) -> float | None:
    """USD cost of a call from its usage and the target's per-million prices; None if either is unknown."""
    if usage is None or pricing is None:
        return None
    prompt = usage.get("prompt_tokens", 0)
    completion = usage.get("completion_tokens", 0)
    if (prompt and pricing.input_per_million is None) or (completion and pricing.output_per_million is None):
        return None
    pricing = pricing.at(prompt)
    cached = min(usage.get("cached_tokens", 0), prompt)
    input_price = pricing.input_per_million or 0.0
    cached_price = pricing.cached_input_per_million if pricing.cached_input_per_million is not None else input_price
    output_price = pricing.output_per_million or 0.0
    total = (prompt - cached) * input_price + cached * cached_price + completion * output_price
    return round(total / 1_000_000, 10)


def _field(obj: Any, name: str) -> Any:
    if obj is None:
        return None
    if isinstance(obj, Mapping):
        return obj.get(name)
    return getattr(obj, name, None)
