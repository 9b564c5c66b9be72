import pytest

from llmhub_runtime.errors import (
    AllAttemptsFailedError,
    AttemptRecord,
    AuthenticationError,
    ConfigError,
    EnvVarMissingError,
    ModeMismatchError,
    ProviderError,
    ProviderUnavailableError,
    RateLimitError,
    UnknownRoleError,
)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (ConfigError("bad", source="llmhub.yaml", field="roles.x", line=3), "llmhub.yaml:3: roles.x: bad"),
        (ConfigError("bad", source="llmhub.yaml"), "llmhub.yaml: bad"),
        (ConfigError("bad"), "bad"),
        (
            EnvVarMissingError(["A_KEY"]),
            "missing environment variable A_KEY; set it (e.g. `export A_KEY=...`), "
            "or put it in .env and create the hub with LLMHub(dotenv=True)",
        ),
        (
            EnvVarMissingError(["A", "B"], context="strict_env=True"),
            "missing environment variables A, B (strict_env=True); set them (e.g. `export A=...`), "
            "or put it in .env and create the hub with LLMHub(dotenv=True)",
        ),
        (
            ProviderError("boom", provider="openai", model="gpt-4o", role="r", status_code=500),
            "[openai:gpt-4o HTTP 500] boom (role 'r')",
        ),
        (ProviderError("boom"), "boom"),
        (
            ModeMismatchError("emb", "embedding", "completion", "chat", "embedding"),
            "role 'emb' has mode 'embedding', but completion() needs a 'chat' role; "
            "call hub.embedding(role='emb', ...) instead, or change the role's mode",
        ),
        (
            UnknownRoleError("x", ["b", "a"]),
            "unknown role 'x'. Known roles: a, b. Add it to the spec, or add a `defaults` block.",
        ),
    ],
)
def test_messages(error: Exception, expected: str) -> None:
    assert str(error) == expected


def test_retry_classification() -> None:
    assert RateLimitError("x").retryable and ProviderUnavailableError("x").retryable
    assert not AuthenticationError("x").retryable and not AuthenticationError("x").failover
    assert RateLimitError("x", retry_after=2.0).retry_after == 2.0


def test_all_attempts_failed_lists_attempts_and_keeps_the_last_error() -> None:
    last = ProviderUnavailableError("503", status_code=503)
    error = AllAttemptsFailedError(
        "r",
        [AttemptRecord("a", "m1", 1, "503"), AttemptRecord("b", "m2", 1, "circuit open (20s left)", skipped=True)],
        last,
    )
    assert str(error) == (
        "role 'r': all 1 attempt(s) failed, 1 target(s) skipped: "
        "a:m1 attempt 1: 503; b:m2 skipped: circuit open (20s left)"
    )
    assert error.last_error is last and error.original_exception is last
    assert error.status_code == 503 and error.provider == "a"


def test_repeated_identical_failures_are_merged_in_the_message() -> None:
    records = [AttemptRecord("a", "m", n, "HTTP 503: down") for n in (1, 2, 3)] + [
        AttemptRecord("b", "n", 4, "timeout")
    ]
    error = AllAttemptsFailedError("r", records, None)
    assert str(error) == "role 'r': all 4 attempt(s) failed: a:m attempts 1-3: HTTP 503: down; b:n attempt 4: timeout"
    assert len(error.attempts) == 4
