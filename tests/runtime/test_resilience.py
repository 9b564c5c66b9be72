import pytest

from llmhub_runtime import ResilienceConfig
from llmhub_runtime.resilience import CircuitBreaker, backoff_delay, merge_resilience, parse_retry_after


def test_backoff_grows_exponentially_and_is_capped() -> None:
    settings = ResilienceConfig(jitter=0, backoff_initial_seconds=0.5, backoff_multiplier=2, backoff_max_seconds=3)
    assert [backoff_delay(settings, n) for n in (1, 2, 3, 4)] == [0.5, 1.0, 2.0, 3.0]


@pytest.mark.parametrize("rand", [0.0, 0.5, 0.999])
def test_jitter_stays_within_its_fraction(rand: float) -> None:
    settings = ResilienceConfig(jitter=0.25, backoff_initial_seconds=1.0)
    delay = backoff_delay(settings, 1, rand=lambda: rand)
    assert delay is not None
    assert 0.75 <= delay <= 1.0
    assert delay == pytest.approx(1.0 - 0.25 * rand)


def test_retry_after_replaces_backoff() -> None:
    settings = ResilienceConfig(backoff_initial_seconds=5)
    assert backoff_delay(settings, 1, retry_after=1.5) == 1.5


def test_retry_after_beyond_the_cap_gives_up_on_the_target() -> None:
    settings = ResilienceConfig(retry_after_max_seconds=10)
    assert backoff_delay(settings, 1, retry_after=120) is None


def test_retry_after_can_be_ignored() -> None:
    settings = ResilienceConfig(respect_retry_after=False, jitter=0, backoff_initial_seconds=0.2)
    assert backoff_delay(settings, 1, retry_after=120) == 0.2


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2", 2.0),
        ("0.5", 0.5),
        (3, 3.0),
        ("Wed, 21 Oct 2015 07:28:10 GMT", 10.0),  # an HTTP date, 10 s after "now" below
        ("soon", None),
        (None, None),
    ],
)
def test_parse_retry_after(value: str | int | None, expected: float | None) -> None:
    now = 1445412480.0  # Wed, 21 Oct 2015 07:28:00 GMT
    assert parse_retry_after(value, now=lambda: now) == expected


def test_merge_only_overrides_fields_that_were_set() -> None:
    top = ResilienceConfig.model_validate({"max_retries": 4, "circuit_breaker": {"failure_threshold": 9}})
    role = ResilienceConfig.model_validate({"circuit_breaker": {"cooldown_seconds": 1}})
    merged = merge_resilience(top, role, {"jitter": 0})
    assert merged.max_retries == 4
    assert merged.jitter == 0
    assert merged.circuit_breaker.failure_threshold == 9
    assert merged.circuit_breaker.cooldown_seconds == 1


def test_merge_of_nothing_is_the_defaults() -> None:
    assert merge_resilience(None, None) == ResilienceConfig()


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_breaker_opens_after_threshold_and_half_opens_after_cooldown() -> None:
    clock = Clock()
    breaker = CircuitBreaker(clock)
    target = ("p", "m")
    assert not breaker.record_failure(target, threshold=2)
    assert breaker.allow(target, 2, 30) is None
    assert breaker.record_failure(target, threshold=2)  # opens
    assert breaker.allow(target, 2, 30) == pytest.approx(30)
    clock.now += 29
    assert breaker.is_open(target, 30)
    clock.now += 2
    assert breaker.allow(target, 2, 30) is None  # one trial goes through
    assert breaker.allow(target, 2, 30) == 0.0  # concurrent callers wait for the trial
    breaker.record_success(target)
    assert breaker.allow(target, 2, 30) is None
    assert not breaker.is_open(target, 30)


def test_failed_trial_reopens_for_a_full_cooldown() -> None:
    clock = Clock()
    breaker = CircuitBreaker(clock)
    target = ("p", "m")
    breaker.record_failure(target, threshold=1)
    clock.now += 31
    assert breaker.allow(target, 1, 30) is None
    assert breaker.record_failure(target, threshold=1)
    assert breaker.allow(target, 1, 30) == pytest.approx(30)


def test_released_trial_lets_the_next_caller_try() -> None:
    clock = Clock()
    breaker = CircuitBreaker(clock)
    target = ("p", "m")
    breaker.record_failure(target, threshold=1)
    clock.now += 31
    assert breaker.allow(target, 1, 30) is None
    breaker.release(target)
    assert breaker.allow(target, 1, 30) is None


def test_breakers_are_per_target() -> None:
    breaker = CircuitBreaker(Clock())
    breaker.record_failure(("p", "a"), threshold=1)
    assert breaker.allow(("p", "a"), 1, 30) is not None
    assert breaker.allow(("p", "b"), 1, 30) is None
