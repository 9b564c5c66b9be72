"""A stream that stops without a finish reason is an error, never a whole-looking truncated reply."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from llmhub_runtime import IncompleteStreamError, LLMHub
from llmhub_runtime.config_loader import parse_config
from llmhub_runtime.testing import FakeBackend

CONFIG = parse_config(
    "providers:\n  a: {type: openai}\n  b: {type: openai}\n"
    "roles:\n  r: {provider: a, model: m1, fallbacks: [{provider: b, model: m2}]}\n"
    "resilience: {max_retries: 0, backoff_initial_seconds: 0}\n",
    source="llmhub.yaml",
)


def chunk(text: str, finish: str | None = None) -> Any:
    return SimpleNamespace(choices=[SimpleNamespace(delta=SimpleNamespace(content=text), finish_reason=finish)])


class CutStreams(FakeBackend):
    """Target a streams `parts` (then stops: no finish reason); target b streams a whole reply."""

    def __init__(self, parts: list[Any]) -> None:
        super().__init__()
        self.parts = parts
        self.targets: list[str] = []

    def _cut_chunks(self, request: Any) -> list[Any]:
        self.targets.append(request.connection.provider)
        if request.connection.provider == "a":
            return list(self.parts)
        return [chunk("whole "), chunk("reply", finish="stop")]

    def invoke_stream(self, request: Any) -> Iterator[Any]:
        return iter(self._cut_chunks(request))

    async def _agen(self, items: list[Any]) -> AsyncIterator[Any]:
        for item in items:
            yield item

    def ainvoke_stream(self, request: Any) -> AsyncIterator[Any]:
        return self._agen(self._cut_chunks(request))


def test_a_stream_cut_after_some_chunks_raises_and_the_hook_says_it_failed() -> None:
    seen: list[dict[str, Any]] = []
    hub = LLMHub(config=CONFIG, backend=CutStreams([chunk("The answer is"), chunk(" 4")]), on_after_call=seen.append)
    received = []
    with pytest.raises(IncompleteStreamError, match="without a finish reason"):
        for part in hub.completion(role="r", messages=[{"role": "user", "content": "2+2?"}], stream=True):
            received.append(part.choices[0].delta.content)
    assert received == ["The answer is", " 4"]  # what arrived was delivered, then the cut was reported
    final = [p for p in seen if p.get("final")]
    assert final and final[-1]["success"] is False and final[-1]["error_type"] == "IncompleteStreamError"


def test_a_stream_that_sends_nothing_fails_over_before_anything_is_yielded() -> None:
    backend = CutStreams([])
    hub = LLMHub(config=CONFIG, backend=backend)
    parts = [p.choices[0].delta.content for p in hub.completion(role="r", messages=[], stream=True)]
    assert parts == ["whole ", "reply"]
    assert backend.targets == ["a", "b"]


def test_the_async_stream_reports_the_cut_too() -> None:
    async def consume() -> None:
        hub = LLMHub(config=CONFIG, backend=CutStreams([chunk("partial")]))
        stream = await hub.acompletion(role="r", messages=[], stream=True)
        async for _ in stream:
            pass

    with pytest.raises(IncompleteStreamError):
        asyncio.run(consume())
