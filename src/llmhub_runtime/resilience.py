"""Retries with backoff, Retry-After handling and the per-target circuit breaker.

Nothing here sleeps or calls anything: the call flow asks how long to wait and whether a target may
be tried, and the sync or async driver does the waiting. That keeps one implementation for both.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from .models import ResilienceConfig

__all__ = ["CircuitBreaker", "Timing", "backoff_delay", "merge_resilience", "parse_retry_after"]


def merge_resilience(*layers: ResilienceConfig | Mapping[str, Any] | None) -> ResilienceConfig:
    """Merge resilience settings left to right; only fields a layer actually sets override earlier ones.

    A role saying `resilience: {max_retries: 0}` changes that one knob and keeps everything else from
    the file's top level (and from Python's `LLMHub(resilience=...)`).
    """
    merged: dict[str, Any] = {}
    for layer in layers:
        if layer is None:
            continue
        model = layer if isinstance(layer, ResilienceConfig) else ResilienceConfig.model_validate(layer)
        _deep_update(merged, _explicit(model))
    return ResilienceConfig.model_validate(merged)


def _explicit(model: BaseModel) -> dict[str, Any]:
    """The fields set explicitly on `model`, recursing into nested models."""
    out: dict[str, Any] = {}
    for name in model.model_fields_set:
        value = getattr(model, name)
        out[name] = _explicit(value) if isinstance(value, BaseModel) else value
    return out


def _deep_update(target: dict[str, Any], update: Mapping[str, Any]) -> None:
    for key, value in update.items():
        if isinstance(value, Mapping) and isinstance(target.get(key), dict):
            _deep_update(target[key], value)
        else:
            target[key] = dict(value) if isinstance(value, Mapping) else value


def backoff_delay(
    settings: ResilienceConfig,
    retry_number: int,
    retry_after: float | None = None,
    rand: Callable[[], float] = random.random,
) -> float | None:
    """Seconds to wait before retry number `retry_number` (1-based), or None to give up on this target.

    A Retry-After from the provider replaces the computed backoff when `respect_retry_after` is on;
    one longer than `retry_after_max_seconds` returns None, so the caller moves on to a fallback
    instead of blocking for minutes.
    """
    if retry_after is not None and settings.respect_retry_after:
        if retry_after > settings.retry_after_max_seconds:
            return None
        return max(retry_after, 0.0)
    base = settings.backoff_initial_seconds * settings.backoff_multiplier ** (retry_number - 1)
    base = min(base, settings.backoff_max_seconds)
    # Proportional jitter: spreads retries of many clients without ever waiting longer than `base`.
    return base * (1.0 - settings.jitter * rand())


def parse_retry_after(value: str | float | int | None, now: Callable[[], float] = time.time) -> float | None:
    """Parse a Retry-After header value: a number of seconds or an HTTP date. None when absent or unparsable."""
    if value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    text = value.strip()
    try:
        return max(float(text), 0.0)
    except ValueError:
        pass
    import email.utils  # rare path (HTTP-date form); keeps `import llmhub_runtime` light

    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - now(), 0.0)


@dataclass
class _TargetState:
    failures: int = 0
    opened_at: float | None = None
    trial_in_flight: bool = False
    in_flight: int = 0
    """Calls let through to this target that have not finished with it yet."""


@dataclass(frozen=True)
class Timing:
    """Where a hub reads the time and waits between attempts: the real clock by default.

    Tests pass their own, to record the waits instead of sleeping through them and to move the
    circuit breaker's clock: `LLMHub(..., timing=Timing(sleep=waits.append))`.
    """

    clock: Callable[[], float] = time.monotonic
    """Seconds, monotonic: when a circuit opened and when it may be tried again."""
    sleep: Callable[[float], None] = time.sleep
    """The wait between attempts of a sync call."""
    async_sleep: Callable[[float], Awaitable[None]] | None = None
    """The wait between attempts of an async call (None: `asyncio.sleep`, imported on first use)."""
    wall: Callable[[], float] = time.time
    """Seconds since the epoch: which day or month a budget is counting."""


class CircuitBreaker:
    """Counts consecutive retryable failures per target and skips targets whose circuit is open.

    Closed: calls go through. After `failure_threshold` consecutive failures the circuit opens and
    the target is skipped for `cooldown_seconds`. Then it is half-open: one trial call is let
    through; success closes the circuit, failure opens it for another cool-down. Thread-safe; shared
    by the sync and async paths of one `LLMHub`.

    A target that has started failing (closed, but with failures counted) lets through only as many
    concurrent calls as failures are left before the threshold: a burst of 64 async calls cannot
    all pile onto a failing target before the first of them has failed. Every call let through
    must end with `done` (the call path does so in a `finally`).
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._lock = threading.Lock()
        self._states: dict[tuple[str, ...], _TargetState] = {}

    def allow(self, target: tuple[str, ...], threshold: int, cooldown: float) -> float | None:
        """Return None if `target` may be called now, else the seconds left until it may be tried again."""
        with self._lock:
            state = self._states.setdefault(target, _TargetState())
            if state.opened_at is None:
                if state.failures and state.in_flight >= max(threshold - state.failures, 1):
                    return 0.0  # failing already: no more concurrent calls than failures left to open it
                state.in_flight += 1
                return None
            elapsed = self._clock() - state.opened_at
            if elapsed < cooldown:
                return cooldown - elapsed
            if state.trial_in_flight:
                # Half-open allows exactly one trial; concurrent callers keep skipping until it reports.
                return 0.0
            state.trial_in_flight = True
            state.in_flight += 1
            return None

    def done(self, target: tuple[str, ...]) -> None:
        """A call let through by `allow` has finished with the target (however it ended)."""
        with self._lock:
            state = self._states.get(target)
            if state is None:
                return
            state.in_flight = max(state.in_flight - 1, 0)
            if not state.in_flight and not state.failures and state.opened_at is None:
                del self._states[target]

    def record_success(self, target: tuple[str, ...]) -> None:
        """Close the target's circuit and reset its failure count (calls still in flight stay counted)."""
        with self._lock:
            state = self._states.get(target)
            if state is not None:
                state.failures, state.opened_at, state.trial_in_flight = 0, None, False

    def record_failure(self, target: tuple[str, ...], threshold: int) -> bool:
        """Count a retryable failure; return True only when this failure opened (or re-opened) the circuit.

        Failures of calls that started before the circuit opened arrive after it: they are counted,
        but they neither re-open it nor extend its cool-down (so an opening is reported once).
        """
        with self._lock:
            state = self._states.setdefault(target, _TargetState())
            state.failures += 1
            if state.trial_in_flight:
                state.opened_at = self._clock()
                state.trial_in_flight = False
                return True
            if state.opened_at is None and state.failures >= threshold:
                state.opened_at = self._clock()
                return True
            return False

    def release(self, target: tuple[str, ...]) -> None:
        """End a half-open trial that failed for a reason unrelated to availability (e.g. a bad request)."""
        with self._lock:
            state = self._states.get(target)
            if state is not None:
                state.trial_in_flight = False

    def is_open(self, target: tuple[str, ...], cooldown: float) -> bool:
        """Whether `target` is currently being skipped (for inspection and tests)."""
        with self._lock:
            state = self._states.get(target)
            return bool(state and state.opened_at is not None and self._clock() - state.opened_at < cooldown)

    def reset(self) -> None:
        """Close every circuit."""
        with self._lock:
            self._states.clear()

    def retain(self, targets: Iterable[tuple[str, ...]]) -> None:
        """Forget the circuits of targets not in `targets` (a reloaded config dropped or moved them).

        Targets that calls are still using keep their state until those calls finish with them.
        """
        keep = set(targets)
        with self._lock:
            for key in [k for k, state in self._states.items() if k not in keep and not state.in_flight]:
                del self._states[key]
