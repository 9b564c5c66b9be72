"""OpenTelemetry spans for the hub's calls, checked with the SDK's in-memory exporter."""

from __future__ import annotations

from typing import Any

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from llmhub_runtime import LLMHub, ProviderUnavailableError
from llmhub_runtime.otel import GenAITracing
from llmhub_runtime.testing import FakeBackend

CONFIG: dict[str, Any] = {
    "providers": {"openai": {"env_key": "K"}, "anthropic": {"env_key": "K"}},
    "roles": {
        "llm.chat": {
            "provider": "openai",
            "model": "gpt-main",
            "params": {"temperature": 0.2, "max_tokens": 64},
            "fallbacks": [{"provider": "anthropic", "model": "claude-backup"}],
        },
        "llm.embed": {"provider": "openai", "model": "embed-1", "mode": "embedding"},
    },
    "resilience": {"max_retries": 0},
}


@pytest.fixture
def traced() -> tuple[LLMHub, FakeBackend, InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracing = GenAITracing(tracer_provider=provider)
    fake = FakeBackend()
    hub = LLMHub(config=CONFIG, backend=fake, on_before_call=tracing.before, on_after_call=tracing.after)
    return hub, fake, exporter


def test_one_client_span_per_call_with_the_genai_attributes(
    traced: tuple[LLMHub, FakeBackend, InMemorySpanExporter],
) -> None:
    hub, fake, exporter = traced
    fake.add_reply("hello", usage={"prompt_tokens": 12, "completion_tokens": 3})
    hub.completion(role="llm.chat", messages=[{"role": "user", "content": "a secret prompt"}])
    (span,) = exporter.get_finished_spans()
    assert span.name == "chat gpt-main" and span.kind == SpanKind.CLIENT
    attributes = dict(span.attributes or {})
    assert attributes["gen_ai.operation.name"] == "chat"
    assert attributes["gen_ai.provider.name"] == "openai"
    assert attributes["gen_ai.request.model"] == "gpt-main"
    assert attributes["gen_ai.response.model"] == "gpt-main"
    assert (attributes["gen_ai.usage.input_tokens"], attributes["gen_ai.usage.output_tokens"]) == (12, 3)
    assert attributes["gen_ai.response.finish_reasons"] == ("stop",)
    assert (attributes["gen_ai.request.temperature"], attributes["gen_ai.request.max_tokens"]) == (0.2, 64)
    assert (attributes["llmhub.role"], attributes["llmhub.attempt"], attributes["llmhub.fallback_position"]) == (
        "llm.chat",
        1,
        0,
    )
    assert "a secret prompt" not in str(attributes) and "hello" not in str(attributes)  # no content


def test_a_failed_request_and_its_fallback_are_two_spans(
    traced: tuple[LLMHub, FakeBackend, InMemorySpanExporter],
) -> None:
    hub, fake, exporter = traced
    fake.add_error(ProviderUnavailableError("overloaded", status_code=503))
    fake.add_reply("from the backup")
    hub.completion(role="llm.chat", messages=[{"role": "user", "content": "hi"}])
    failed, answered = exporter.get_finished_spans()
    assert failed.status.status_code == StatusCode.ERROR
    assert dict(failed.attributes or {})["error.type"] == "ProviderUnavailableError"
    backup = dict(answered.attributes or {})
    assert backup["gen_ai.provider.name"] == "anthropic" and backup["llmhub.fallback_position"] == 1
    assert backup["llmhub.attempt"] == 2 and answered.status.status_code != StatusCode.ERROR


def test_embeddings_and_streams_are_traced_too(traced: tuple[LLMHub, FakeBackend, InMemorySpanExporter]) -> None:
    hub, _, exporter = traced
    hub.embedding(role="llm.embed", input=["a"])
    chunks = list(hub.stream(role="llm.chat", messages=[{"role": "user", "content": "hi"}]))
    assert chunks
    names = [s.name for s in exporter.get_finished_spans()]
    assert names == ["embeddings embed-1", "chat gpt-main"]  # the stream's span ends when the stream does


def test_importing_the_runtime_does_not_import_opentelemetry() -> None:
    import subprocess
    import sys

    code = "import sys, llmhub_runtime; print(any(m.startswith('opentelemetry') for m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
