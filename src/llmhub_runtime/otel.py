"""OpenTelemetry tracing for the hub's calls, following the GenAI semantic conventions.

    pip install 'llmhub[otel]'

    from llmhub_runtime import LLMHub
    from llmhub_runtime.otel import GenAITracing

    tracing = GenAITracing()                     # the global tracer provider, or pass one
    hub = LLMHub(on_before_call=tracing.before, on_after_call=tracing.after)

One CLIENT span per request to a provider (each retry and fallback is its own request), named
`{gen_ai.operation.name} {gen_ai.request.model}`, with `gen_ai.operation.name`,
`gen_ai.provider.name`, `gen_ai.request.model`, `gen_ai.response.model`,
`gen_ai.usage.input_tokens` / `output_tokens`, `gen_ai.response.finish_reasons` and `error.type`
as the conventions define them. What LLM Hub adds is outside the `gen_ai.*` namespace:
`llmhub.role`, `llmhub.attempt` and `llmhub.fallback_position`. No prompt or reply content is ever
recorded. Importing this module imports OpenTelemetry; `import llmhub_runtime` does not.
"""

from __future__ import annotations

import threading
from typing import Any

from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from ._version import __version__

__all__ = ["GenAITracing"]

_OPERATIONS = {"completion": "chat", "embedding": "embeddings"}
"""The hub's operations -> `gen_ai.operation.name`; the rest (images, speech) are `generate_content`."""


class GenAITracing:
    """A pair of hooks (`before`, `after`) that trace every provider request of an `LLMHub`."""

    def __init__(self, tracer_provider: trace.TracerProvider | None = None):
        self._tracer = trace.get_tracer("llmhub_runtime", __version__, tracer_provider=tracer_provider)
        self._open: dict[tuple[Any, Any], trace.Span] = {}
        self._lock = threading.Lock()

    def before(self, payload: dict[str, Any]) -> None:
        """Start the request's span (`on_before_call`)."""
        operation = _OPERATIONS.get(str(payload.get("operation")), "generate_content")
        model = str(payload.get("model"))
        attributes: dict[str, Any] = {
            "gen_ai.operation.name": operation,
            "gen_ai.provider.name": str(payload.get("provider")),
            "gen_ai.request.model": model,
            "llmhub.role": str(payload.get("role")),
            "llmhub.attempt": int(payload.get("attempt") or 1),
            "llmhub.fallback_position": int(payload.get("fallback_position") or 0),
        }
        params = payload.get("params") or {}
        for name, attribute in (
            ("max_tokens", "gen_ai.request.max_tokens"),
            ("temperature", "gen_ai.request.temperature"),
        ):
            if isinstance(params.get(name), int | float):
                attributes[attribute] = params[name]
        span = self._tracer.start_span(f"{operation} {model}", kind=SpanKind.CLIENT, attributes=attributes)
        with self._lock:
            self._open[_key(payload)] = span

    def after(self, payload: dict[str, Any]) -> None:
        """Finish the request's span with what came back (`on_after_call`)."""
        with self._lock:
            span = self._open.pop(_key(payload), None)
        if span is None:
            return
        usage = payload.get("usage") or {}
        if usage.get("prompt_tokens") is not None:
            span.set_attribute("gen_ai.usage.input_tokens", int(usage["prompt_tokens"]))
        if usage.get("completion_tokens") is not None:
            span.set_attribute("gen_ai.usage.output_tokens", int(usage["completion_tokens"]))
        if payload.get("response_model"):
            span.set_attribute("gen_ai.response.model", str(payload["response_model"]))
        if payload.get("finish_reasons"):
            span.set_attribute("gen_ai.response.finish_reasons", [str(r) for r in payload["finish_reasons"]])
        if not payload.get("success", True):
            span.set_attribute("error.type", str(payload.get("error_type") or "_OTHER"))
            span.set_status(Status(StatusCode.ERROR, str(payload.get("error") or "")))
        span.end()


def _key(payload: dict[str, Any]) -> tuple[Any, Any]:
    return payload.get("call_id"), payload.get("attempt")
