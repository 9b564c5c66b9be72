"""The life of one call: targets in order, retries with backoff, circuit breaker, hooks.

Written once as a generator that never does I/O itself. It yields `_Invoke` (make this attempt) or
`_Sleep` (wait this long) and receives the outcome; `run_sync` and `run_async` are the two small
drivers that do the calling and the waiting. Hooks run in the caller's thread or event loop.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import AsyncIterator, Callable, Generator, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .backends import Backend, BackendRequest
from .errors import (
    AllAttemptsFailedError,
    AttemptRecord,
    ConfigError,
    IncompleteStreamError,
    MissingDependencyError,
    ProviderError,
)
from .hooks import AfterCallHook, BeforeCallHook, compute_cost, extract_usage, run_hook
from .models import ResilienceConfig
from .resilience import CircuitBreaker, Timing, backoff_delay
from .resolver import ResolvedCall, ResolvedTarget

if TYPE_CHECKING:
    from .cache import ResponseCache

logger = logging.getLogger("llmhub_runtime")

_EMPTY = object()
_CALL_IDS = itertools.count(1)


@dataclass
class Call:
    """Everything one call needs, settled before the first attempt."""

    resolved: ResolvedCall
    operation: str
    arguments: dict[str, Any]
    stream: bool
    settings: ResilienceConfig
    breaker: CircuitBreaker
    timing: Timing
    build_request: Callable[[ResolvedTarget, dict[str, Any]], BackendRequest]
    on_before: BeforeCallHook | None = None
    on_after: AfterCallHook | None = None
    call_id: int = field(default_factory=lambda: next(_CALL_IDS))
    """Shared by every attempt of this call, in the hook payloads: ties an after-hook to its before-hook."""
    endpoints: Mapping[str, str] = field(default_factory=dict)
    """Where each provider's requests go (from the config the call started with): part of a target's circuit."""
    cache: ResponseCache | None = None
    """The role's response cache, when it has one."""
    spend: Callable[[float | None], None] | None = None
    """Counts the call's cost in the budgets it falls under, when any does."""
    budget_fallback: bool = False
    """A hard budget limit sent this call to the role's `fallback_variant`."""

    def key(self, target: ResolvedTarget) -> tuple[str, str, str]:
        """The circuit breaker's key of `target`: a provider whose endpoint changed gets a fresh circuit."""
        return (target.provider, target.model, self.endpoints.get(target.provider, ""))


@dataclass
class _Invoke:
    request: BackendRequest


@dataclass
class _Sleep:
    seconds: float


@dataclass
class _Outcome:
    result: Any = None
    error: BaseException | None = None
    latency_ms: float = 0.0


@dataclass
class _StreamStart:
    first: Any
    chunks: Any


@dataclass
class _StreamReport:
    """Fires the after-hook when a stream ends, since only then are latency and usage known."""

    hook: AfterCallHook | None
    payload: dict[str, Any]
    pricing: Any
    spend: Callable[[float | None], None] | None = None
    started: float = field(default_factory=time.perf_counter)
    usage: dict[str, int] | None = None
    done: bool = False

    finished: bool = False
    """A chunk carried a finish reason: the provider said the reply is whole."""
    chat: bool = False
    """The chunks are chat-completion chunks (the only streams with a finish reason to expect)."""

    def observe(self, chunk: Any) -> None:
        choices = getattr(chunk, "choices", None)
        if choices is not None:
            self.chat = True
            if any(getattr(choice, "finish_reason", None) for choice in choices):
                self.finished = True
        if self.hook is None and self.spend is None:
            return
        usage = extract_usage(chunk)
        if usage is not None:
            self.usage = usage

    def check_complete(self) -> None:
        """Raise IncompleteStreamError when a chat stream ended with no finish reason (cut off)."""
        if self.chat and not self.finished:
            raise IncompleteStreamError(
                "the stream ended without a finish reason: the reply is cut off (connection dropped or proxy timeout)",
                provider=self.payload.get("provider"),
                model=self.payload.get("model"),
                role=self.payload.get("role"),
            )

    def finish(self, error: BaseException | None) -> None:
        if self.done:
            return
        self.done = True
        cost = compute_cost(self.usage, self.pricing)
        if self.spend is not None and cost != 0:
            self.spend(cost)  # what was streamed was paid for, even if the reader stopped early (None: unpriced)
        if self.hook is None:
            return
        failed = error is not None and not isinstance(error, GeneratorExit)
        run_hook(
            self.hook,
            {
                **self.payload,
                "success": not failed,
                "error": str(error) if failed else None,
                "error_type": type(error).__name__ if failed else None,
                "latency_ms": (time.perf_counter() - self.started) * 1000,
                "usage": self.usage,
                "cost_usd": cost,
                "final": True,
            },
        )


@dataclass
class _Tally:
    """What the attempts so far add up to: the listing `AllAttemptsFailedError` carries."""

    records: list[AttemptRecord] = field(default_factory=list)
    last_error: ProviderError | None = None
    attempt: int = 0


_NEXT_TARGET = object()
"""Returned by a target's attempts when the call moves on to the next target."""


def _flow(call: Call) -> Generator[_Invoke | _Sleep, _Outcome | None, Any]:
    """Targets in order (the primary, then fallbacks unless disabled), each with its retries."""
    breaker = call.settings.circuit_breaker
    targets = call.resolved.targets if call.settings.fallbacks else call.resolved.targets[:1]
    tally = _Tally()
    for index, target in enumerate(targets):
        request = _prepare(call, index, target, tally)
        if request is None:
            continue
        try:
            result = yield from _attempts(call, index, target, request, tally, is_last=index == len(targets) - 1)
        finally:
            # However this target's attempts ended (answer, give-up, next target, cancellation).
            if breaker.enabled:
                call.breaker.done(call.key(target))
        if result is not _NEXT_TARGET:
            return result
    raise AllAttemptsFailedError(call.resolved.role, tally.records, tally.last_error)


def _prepare(call: Call, index: int, target: ResolvedTarget, tally: _Tally) -> BackendRequest | None:
    """The target's request; None (with a record) when its circuit is open or a fallback cannot be set up."""
    breaker = call.settings.circuit_breaker
    key = call.key(target)
    if breaker.enabled:
        wait = call.breaker.allow(key, breaker.failure_threshold, breaker.cooldown_seconds)
        if wait is not None:
            tally.records.append(
                AttemptRecord(target.provider, target.model, tally.attempt, f"circuit open ({wait:.0f}s left)", True)
            )
            return None
    try:
        return call.build_request(target, call.arguments)
    except ConfigError as exc:
        if breaker.enabled:
            call.breaker.done(key)  # let through, but never called
        if index == 0:
            raise
        # A fallback that cannot even be set up must not hide why the primary failed.
        tally.records.append(
            AttemptRecord(target.provider, target.model, tally.attempt, _one_line(exc.detail), True, exception=exc)
        )
        return None


def _attempts(
    call: Call, index: int, target: ResolvedTarget, request: BackendRequest, tally: _Tally, is_last: bool
) -> Generator[_Invoke | _Sleep, _Outcome | None, Any]:
    """One target's attempts: its answer, or `_NEXT_TARGET`; raises when the call must give up."""
    retry = 0
    hooked = call.on_before is not None or call.on_after is not None
    cache, cache_key = call.cache, None
    if cache is not None:
        started = time.perf_counter()
        cache_key = cache.key(request)
        cached = cache.get(cache_key) if cache_key is not None else None
        if cached is not None:
            return _cache_hit(call, index, target, tally, cached, started)
    while True:
        tally.attempt += 1
        payload: dict[str, Any] = _payload(call, index, target, tally.attempt) if hooked else {}
        if hooked:  # hot path: no payloads, usage or cost when nobody listens
            if cache is not None:
                payload["cache"] = "miss" if cache_key is not None else "skip"
            run_hook(call.on_before, payload)
        report = _StreamReport(call.on_after, payload, target.pricing, call.spend) if call.stream else None
        outcome = yield _Invoke(request)
        assert outcome is not None
        if outcome.error is None:
            if cache is not None and cache_key is not None:
                cache.put(cache_key, outcome.result)
            return _succeeded(call, target, payload, report, outcome)
        delay = _failed(call, index, target, payload, outcome, retry, tally, is_last)
        if delay is None:
            return _NEXT_TARGET
        retry += 1
        if delay > 0:
            yield _Sleep(delay)


def _cache_hit(call: Call, index: int, target: ResolvedTarget, tally: _Tally, result: Any, started: float) -> Any:
    """Answer from the cache: one attempt in the hooks, `cache: "hit"`, nothing paid, no request sent."""
    tally.attempt += 1
    if call.settings.circuit_breaker.enabled:
        call.breaker.release(call.key(target))  # a half-open trial that sent nothing proved nothing either way
    if call.on_before is None and call.on_after is None:
        return result
    payload = {**_payload(call, index, target, tally.attempt), "cache": "hit"}
    run_hook(call.on_before, payload)
    if call.on_after is not None:
        latency_ms = (time.perf_counter() - started) * 1000
        payload = {**payload, **_response_facts(result)}
        _report(call, payload, None, latency_ms, extract_usage(result), 0.0, final=True)
    return result


def _payload(call: Call, index: int, target: ResolvedTarget, attempt: int) -> dict[str, Any]:
    payload = {
        "role": call.resolved.role,
        "provider": target.provider,
        "model": target.model,
        "mode": call.resolved.mode.value,
        "operation": call.operation,
        "params": dict(target.params),
        "attempt": attempt,
        "fallback_used": index > 0,
        "fallback_position": index,
        "call_id": call.call_id,
    }
    if call.resolved.variant is not None:
        payload["variant"] = call.resolved.variant
    if call.budget_fallback:
        payload["budget_fallback"] = True
    return payload


def _succeeded(
    call: Call, target: ResolvedTarget, payload: dict[str, Any], report: _StreamReport | None, outcome: _Outcome
) -> Any:
    if call.settings.circuit_breaker.enabled:
        call.breaker.record_success(call.key(target))
    if report is not None:
        return report, outcome.result  # the stream's after-hook fires when it ends
    if call.on_after is not None or call.spend is not None:
        usage = extract_usage(outcome.result)
        cost = compute_cost(usage, target.pricing)
        if call.spend is not None and cost != 0:
            call.spend(cost)  # None (no price) is reported by the budget, not counted as $0
        if call.on_after is not None:
            payload = {**payload, **_response_facts(outcome.result)}
            _report(call, payload, None, outcome.latency_ms, usage, cost, final=True)
    return outcome.result


def _response_facts(result: Any) -> dict[str, Any]:
    """The model that answered and why it stopped, when the response says (chat completions do)."""
    choices = getattr(result, "choices", None) or []
    reasons = [r for c in choices if (r := getattr(c, "finish_reason", None))]
    return {"response_model": getattr(result, "model", None), "finish_reasons": reasons or None}


def _failed(
    call: Call,
    index: int,
    target: ResolvedTarget,
    payload: dict[str, Any],
    outcome: _Outcome,
    retry: int,
    tally: _Tally,
    is_last: bool,
) -> float | None:
    """After a failed attempt: the delay before retrying, None to try the next target; raises to give up."""
    error = outcome.error
    assert error is not None
    delay, opened = _retry_delay(call, target, error, retry, tally)
    # A fallback that cannot be set up is listed, and the next target tried (as in _prepare).
    setup_failed = index > 0 and isinstance(error, ConfigError | MissingDependencyError)
    if setup_failed:
        tally.records.append(
            AttemptRecord(target.provider, target.model, tally.attempt, _one_line(error), True, exception=error)
        )
    gives_up = not setup_failed and not (isinstance(error, ProviderError) and error.failover)
    if call.on_after is not None:
        final = delay is None and (gives_up or is_last)
        _report(call, payload, error, outcome.latency_ms, None, None, final=final)
    if delay is None and gives_up:
        raise error
    if delay is None and opened:
        logger.warning("llmhub: circuit opened for %s:%s", target.provider, target.model)
    return delay


def _retry_delay(
    call: Call, target: ResolvedTarget, error: BaseException, retry: int, tally: _Tally
) -> tuple[float | None, bool]:
    """The wait before retrying this target (None: no retry), and whether this failure opened its circuit."""
    settings, breaker = call.settings, call.settings.circuit_breaker
    key = call.key(target)
    if not isinstance(error, ProviderError):
        if breaker.enabled:
            call.breaker.release(key)
        return None, False
    tally.last_error = error
    tally.records.append(AttemptRecord(target.provider, target.model, tally.attempt, _reason(error), exception=error))
    opened = False
    if error.retryable and breaker.enabled:
        opened = call.breaker.record_failure(key, breaker.failure_threshold)
    elif breaker.enabled:
        call.breaker.release(key)
    # No retry once the circuit is open, whoever opened it: the other calls of a burst that failed
    # together move on to the fallbacks instead of retrying.
    closed = not breaker.enabled or not call.breaker.is_open(key, breaker.cooldown_seconds)
    if error.retryable and retry < settings.max_retries and not opened and closed:
        return backoff_delay(settings, retry + 1, getattr(error, "retry_after", None)), opened
    return None, opened


def _report(
    call: Call,
    payload: dict[str, Any],
    error: BaseException | None,
    latency_ms: float,
    usage: dict[str, int] | None,
    cost: float | None,
    *,
    final: bool,
) -> None:
    """The after-call hook for one attempt."""
    run_hook(
        call.on_after,
        {
            **payload,
            "success": error is None,
            "error": _one_line(error) if error is not None else None,
            "error_type": type(error).__name__ if error is not None else None,
            "latency_ms": latency_ms,
            "usage": usage,
            "cost_usd": cost,
            "final": final,
        },
    )


def run_sync(call: Call, backend: Backend) -> Any:
    """Drive a call on the calling thread."""
    flow = _flow(call)
    outcome: _Outcome | None = None
    while True:
        try:
            step = flow.send(outcome)  # the first send starts the flow, which may end at once (a cache hit)
        except StopIteration as stop:
            if call.stream:
                report, start = stop.value
                return _sync_stream(report, start)
            return stop.value
        outcome = None
        if isinstance(step, _Sleep):
            call.timing.sleep(step.seconds)
        else:
            started = time.perf_counter()
            try:
                if call.stream:
                    chunks = backend.invoke_stream(step.request)
                    # Pull the first chunk here, so a failure to connect is retried like any other call.
                    result: Any = _StreamStart(_first_chunk(next(iter(chunks), _EMPTY), step.request), chunks)
                else:
                    result = backend.invoke(step.request)
                outcome = _Outcome(result=result, latency_ms=(time.perf_counter() - started) * 1000)
            except Exception as exc:
                outcome = _Outcome(error=exc, latency_ms=(time.perf_counter() - started) * 1000)


async def run_async(call: Call, backend: Backend) -> Any:
    """Drive a call on the running event loop."""
    import asyncio  # not at module level: sync-only apps never pay for importing asyncio

    sleep = call.timing.async_sleep or asyncio.sleep
    flow = _flow(call)
    outcome: _Outcome | None = None
    while True:
        try:
            step = flow.send(outcome)
        except StopIteration as stop:
            if call.stream:
                report, start = stop.value
                return _async_stream(report, start)
            return stop.value
        outcome = None
        if isinstance(step, _Sleep):
            await sleep(step.seconds)
        else:
            started = time.perf_counter()
            try:
                if call.stream:
                    chunks = backend.ainvoke_stream(step.request)
                    result: Any = _StreamStart(_first_chunk(await anext(aiter(chunks), _EMPTY), step.request), chunks)
                else:
                    result = await backend.ainvoke(step.request)
                outcome = _Outcome(result=result, latency_ms=(time.perf_counter() - started) * 1000)
            except Exception as exc:
                outcome = _Outcome(error=exc, latency_ms=(time.perf_counter() - started) * 1000)


def _first_chunk(chunk: Any, request: Any) -> Any:
    """A stream that ends before its first chunk sent nothing: a provider fault, retried and failed over."""
    if chunk is _EMPTY:
        raise IncompleteStreamError(
            "the stream ended before its first chunk",
            provider=request.connection.provider,
            model=request.model,
            role=request.role,
        )
    return chunk


def _sync_stream(report: _StreamReport, start: _StreamStart) -> Iterator[Any]:
    error: BaseException | None = None
    try:
        report.observe(start.first)
        yield start.first
        for chunk in start.chunks:
            report.observe(chunk)
            yield chunk
        report.check_complete()
    except BaseException as exc:
        error = exc
        raise
    finally:
        close = getattr(start.chunks, "close", None)
        if close is not None:
            close()
        report.finish(error)


async def _async_stream(report: _StreamReport, start: _StreamStart) -> AsyncIterator[Any]:
    error: BaseException | None = None
    try:
        report.observe(start.first)
        yield start.first
        async for chunk in start.chunks:
            report.observe(chunk)
            yield chunk
        report.check_complete()
    except BaseException as exc:
        error = exc
        raise
    finally:
        close = getattr(start.chunks, "aclose", None)
        if close is not None:
            await close()
        report.finish(error)


def _reason(error: ProviderError) -> str:
    """Why one attempt failed, without the target and role the attempt listing already shows."""
    status = f"HTTP {error.status_code}: " if error.status_code else ""
    return _one_line(f"{status}{error.message}")


def _one_line(error: BaseException | str) -> str:
    text = str(error) or type(error).__name__
    return " ".join(text.split())
