"""The circuit breaker under concurrency: a burst cannot pile onto a failing target; one log per opening."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from llmhub_runtime.resilience import CircuitBreaker

TARGET = ("p", "m")


def test_a_failing_target_admits_only_as_many_concurrent_calls_as_failures_left() -> None:
    breaker = CircuitBreaker(clock=lambda: 0.0)
    assert breaker.allow(TARGET, 5, 30) is None  # healthy: no limit on concurrency
    breaker.record_failure(TARGET, 5)
    breaker.done(TARGET)
    # One failure counted, four left before the circuit opens: a burst of 64 gets four through.
    admitted = sum(breaker.allow(TARGET, 5, 30) is None for _ in range(64))
    assert admitted == 4
    for _ in range(4):
        breaker.record_failure(TARGET, 5)
        breaker.done(TARGET)
    assert breaker.is_open(TARGET, 30)


def test_an_opening_is_reported_once_however_many_late_failures_arrive() -> None:
    now = [0.0]
    breaker = CircuitBreaker(clock=lambda: now[0])
    for _ in range(5):
        assert breaker.allow(TARGET, 3, 30) is None  # all started before anything failed
    opened = [breaker.record_failure(TARGET, 3) for _ in range(5)]
    assert opened == [False, False, True, False, False]
    now[0] = 10.0
    breaker.record_failure(TARGET, 3)  # a straggler: counted, but the cool-down is not extended
    assert breaker.allow(TARGET, 3, 30) == 20.0


def test_a_success_closes_the_circuit_but_keeps_counting_calls_in_flight() -> None:
    breaker = CircuitBreaker(clock=lambda: 0.0)
    breaker.allow(TARGET, 2, 30)
    breaker.allow(TARGET, 2, 30)
    breaker.record_failure(TARGET, 2)
    breaker.record_success(TARGET)
    breaker.done(TARGET)
    breaker.done(TARGET)
    assert breaker._states == {}  # nothing left behind once every call is done


def test_the_hub_logs_one_circuit_opening(caplog: pytest.LogCaptureFixture) -> None:
    import asyncio

    from llmhub_runtime import LLMHub
    from llmhub_runtime.backends import BackendRequest
    from llmhub_runtime.config_loader import parse_config
    from llmhub_runtime.errors import ProviderUnavailableError
    from llmhub_runtime.testing import FakeBackend

    config = parse_config(
        "providers: {a: {type: openai}, b: {type: openai}}\n"
        "roles:\n  r: {provider: a, model: m, fallbacks: [{provider: b, model: n}]}\n"
        "resilience: {max_retries: 2, backoff_initial_seconds: 0, circuit_breaker: {failure_threshold: 3}}\n",
        source="llmhub.yaml",
    )

    class SlowFailure(FakeBackend):
        """Target `m` fails after a moment (so a burst is in flight at once); target `n` answers."""

        failed_calls = 0

        async def ainvoke(self, request: BackendRequest) -> Any:
            if request.model == "m":
                SlowFailure.failed_calls += 1
                await asyncio.sleep(0.01)
                raise ProviderUnavailableError("down", provider="a", model="m")
            return await super().ainvoke(request)

    fake = SlowFailure()

    async def burst() -> None:
        hub = LLMHub(config=config, backend=fake)
        await asyncio.gather(*(hub.acompletion(role="r", messages=[]) for _ in range(64)))

    with caplog.at_level(logging.WARNING, logger="llmhub_runtime"):
        asyncio.run(burst())
    openings = [r for r in caplog.records if "circuit opened" in r.getMessage()]
    assert len(openings) == 1
    # All 64 were in flight before the first failure. Only the failures that came before the circuit
    # opened (threshold 3: two of them) were retried; the rest went to the fallback instead of
    # retrying (3 attempts each would be 192).
    assert SlowFailure.failed_calls <= 64 + 2
