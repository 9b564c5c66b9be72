import asyncio
import logging
from pathlib import Path
from typing import Any

import pytest

from llmhub_runtime import (
    AllAttemptsFailedError,
    AuthenticationError,
    ConfigError,
    EnvVarMissingError,
    InvalidCallError,
    LLMHub,
    ModelNotFoundError,
    ModeMismatchError,
    ProviderUnavailableError,
    RateLimitError,
    UnknownRoleError,
)
from llmhub_runtime.backends import BackendRequest
from llmhub_runtime.testing import FakeBackend

CONFIG: dict[str, Any] = {
    "providers": {
        "anthropic": {"env_key": "ANTHROPIC_API_KEY"},
        "openai": {"env_key": "OPENAI_API_KEY"},
    },
    "roles": {
        "llm.inference": {
            "provider": "anthropic",
            "model": "claude-sonnet-4-5",
            "params": {"temperature": 0.7},
            "pricing": {"input_per_million": 3.0, "output_per_million": 15.0},
            "fallbacks": [
                {"provider": "openai", "model": "gpt-4.1", "pricing": {"input_per_million": 2, "output_per_million": 8}}
            ],
        },
        "llm.embedding": {"provider": "openai", "model": "text-embedding-3-small", "mode": "embedding"},
        "llm.voice": {"provider": "openai", "model": "tts-1", "mode": "audio", "params": {"voice": "alloy"}},
        "llm.image": {"provider": "openai", "model": "gpt-image-1", "mode": "image"},
    },
    # No waiting in unit tests; the backoff maths is tested in test_resilience.py.
    "resilience": {"backoff_initial_seconds": 0, "circuit_breaker": {"failure_threshold": 100}},
}
MESSAGES = [{"role": "user", "content": "hello world"}]


@pytest.fixture
def keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai-test")


@pytest.fixture
def fake() -> FakeBackend:
    return FakeBackend()


@pytest.fixture
def hub(keys: None, fake: FakeBackend) -> LLMHub:
    return LLMHub(config=CONFIG, backend=fake)


def test_completion_calls_the_role_target_with_merged_params(hub: LLMHub, fake: FakeBackend) -> None:
    fake.add_reply("Hi there")
    response = hub.completion(role="llm.inference", messages=MESSAGES, params_override={"max_tokens": 5})
    assert response.choices[0].message.content == "Hi there"
    (call,) = fake.calls
    assert (call.provider, call.model, call.operation) == ("anthropic", "claude-sonnet-4-5", "completion")
    assert call.params == {"temperature": 0.7, "max_tokens": 5}
    assert call.messages == MESSAGES


def test_the_env_key_value_is_passed_as_the_api_key(keys: None) -> None:
    seen = []

    class Spy(FakeBackend):
        def invoke(self, request: BackendRequest) -> Any:
            seen.append(request.connection)
            return super().invoke(request)

    LLMHub(config=CONFIG, backend=Spy()).completion(role="llm.inference", messages=MESSAGES)
    assert seen[0].api_key == "sk-ant-test"
    assert "sk-ant-test" not in repr(seen[0])


def test_embedding(hub: LLMHub, fake: FakeBackend) -> None:
    response = hub.embedding(role="llm.embedding", input=["a", "b"])
    assert len(response.data) == 2
    assert fake.calls[0].arguments["input"] == ["a", "b"]


def test_image_and_audio_roles(hub: LLMHub, fake: FakeBackend) -> None:
    images = hub.image_generation(role="llm.image", prompt="a cat").data
    assert images and images[0].b64_json
    assert hub.speech(role="llm.voice", input="hi") == b"fake-audio:hi"
    assert fake.calls[-1].params == {"voice": "alloy"}
    assert hub.transcription(role="llm.voice", file=b"RIFF").text == "fake transcription"


def test_speech_without_a_voice_is_explained(keys: None, fake: FakeBackend) -> None:
    config = {**CONFIG, "roles": {"v": {"provider": "openai", "model": "tts-1", "mode": "audio"}}}
    with pytest.raises(ConfigError, match="speech needs a voice"):
        LLMHub(config=config, backend=fake).speech(role="v", input="hi")


@pytest.mark.parametrize(
    ("method", "role", "right"),
    [
        ("completion", "llm.embedding", "hub.embedding"),
        ("embedding", "llm.inference", "hub.completion"),
        ("image_generation", "llm.voice", "hub.speech"),
    ],
)
def test_calling_a_role_through_the_wrong_method_is_a_clear_error(
    hub: LLMHub, fake: FakeBackend, method: str, role: str, right: str
) -> None:
    argument: dict[str, dict[str, Any]] = {
        "completion": {"messages": MESSAGES},
        "embedding": {"input": "x"},
        "image_generation": {"prompt": "x"},
    }
    with pytest.raises(ModeMismatchError) as info:
        getattr(hub, method)(role=role, **argument[method])
    assert right in str(info.value)
    assert fake.calls == []  # rejected before any provider sees it


def test_unknown_role_without_defaults(hub: LLMHub) -> None:
    with pytest.raises(UnknownRoleError, match=r"Did you mean 'llm\.inference'"):
        hub.completion(role="llm.inferenc", messages=MESSAGES)


def test_unknown_role_with_defaults_warns_once(keys: None, fake: FakeBackend, caplog: pytest.LogCaptureFixture) -> None:
    config = {**CONFIG, "defaults": {"provider": "openai", "model": "gpt-4o-mini"}}
    hub = LLMHub(config=config, backend=fake)
    with caplog.at_level(logging.WARNING, logger="llmhub_runtime"):
        hub.completion(role="llm.other", messages=MESSAGES)
        hub.completion(role="llm.other", messages=MESSAGES)
    assert [r.getMessage() for r in caplog.records].count(
        "llmhub: role 'llm.other' is not in the config; using `defaults` (gpt-4o-mini)"
    ) == 1
    assert fake.calls[0].model == "gpt-4o-mini"


def test_strict_env_lists_every_missing_variable(fake: FakeBackend) -> None:
    with pytest.raises(EnvVarMissingError) as info:
        LLMHub(config=CONFIG, backend=fake, strict_env=True)
    assert info.value.variables == ["ANTHROPIC_API_KEY", "OPENAI_API_KEY"]
    assert "ANTHROPIC_API_KEY, OPENAI_API_KEY" in str(info.value)


def test_without_strict_env_a_missing_key_fails_at_call_time_naming_it(
    fake: FakeBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "x")
    fake.uses_credentials = True  # stands in for a backend that really sends requests
    hub = LLMHub(config=CONFIG, backend=fake)
    with pytest.raises(EnvVarMissingError, match="ANTHROPIC_API_KEY") as info:
        hub.completion(role="llm.inference", messages=MESSAGES)
    assert "role 'llm.inference'" in str(info.value)
    assert fake.calls == []


def test_env_var_references_are_expanded_and_checked(fake: FakeBackend, monkeypatch: pytest.MonkeyPatch) -> None:
    config = {
        "providers": {"vllm": {"api_base": "http://${GPU_HOST}:8000/v1", "client_args": {"x": "${TAG:-dev}"}}},
        "roles": {"r": {"provider": "vllm", "model": "m"}},
    }
    with pytest.raises(EnvVarMissingError, match="GPU_HOST"):
        LLMHub(config=config, backend=fake, strict_env=True)
    monkeypatch.setenv("GPU_HOST", "10.0.0.5")
    seen = []

    class Spy(FakeBackend):
        def invoke(self, request: BackendRequest) -> Any:
            seen.append(request.connection)
            return super().invoke(request)

    LLMHub(config=config, backend=Spy(), strict_env=True).completion(role="r", messages=MESSAGES)
    assert seen[0].api_base == "http://10.0.0.5:8000/v1"
    assert seen[0].client_args == {"x": "dev"}


def test_config_path_and_config_are_exclusive() -> None:
    with pytest.raises(ConfigError, match="not both"):
        LLMHub("llmhub.yaml", config=CONFIG)


def test_hub_finds_llmhub_yaml_in_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, keys: None, fake: FakeBackend
) -> None:
    (tmp_path / "llmhub.yaml").write_text(
        "providers: {openai: {env_key: OPENAI_API_KEY}}\nroles: {r: {provider: openai, model: m}}\n"
    )
    monkeypatch.chdir(tmp_path)
    hub = LLMHub(backend=fake)
    assert hub.roles == ["r"]
    assert hub.config_path is not None and hub.config_path.name == "llmhub.yaml"


def test_hooks_receive_the_documented_payloads(keys: None, fake: FakeBackend) -> None:
    before: list[dict[str, Any]] = []
    after: list[dict[str, Any]] = []
    hub = LLMHub(config=CONFIG, backend=fake, on_before_call=before.append, on_after_call=after.append)
    fake.add_reply("one two three", usage={"prompt_tokens": 1000, "completion_tokens": 2000})
    hub.completion(role="llm.inference", messages=MESSAGES)
    call_id = before[0].get("call_id")
    assert isinstance(call_id, int)  # ties the after-hook to this before-hook
    assert before == [
        {
            "role": "llm.inference",
            "provider": "anthropic",
            "model": "claude-sonnet-4-5",
            "mode": "chat",
            "operation": "completion",
            "params": {"temperature": 0.7},
            "attempt": 1,
            "fallback_used": False,
            "fallback_position": 0,
            "call_id": call_id,
        }
    ]
    (result,) = after
    assert result["call_id"] == call_id and result["finish_reasons"] == ["stop"]
    assert result["response_model"] == "claude-sonnet-4-5"
    assert result["success"] is True and result["error"] is None and result["final"] is True
    assert result["usage"] == {"prompt_tokens": 1000, "completion_tokens": 2000, "total_tokens": 3000}
    assert result["cost_usd"] == pytest.approx((1000 * 3.0 + 2000 * 15.0) / 1e6)
    assert result["latency_ms"] >= 0


def test_cost_is_null_without_pricing(hub: LLMHub, fake: FakeBackend) -> None:
    after: list[dict[str, Any]] = []
    hub.on_after_call = after.append
    hub.embedding(role="llm.embedding", input="x")
    assert after[0]["usage"]["prompt_tokens"] == 1
    assert after[0]["cost_usd"] is None


def test_a_raising_hook_never_breaks_the_call(keys: None, fake: FakeBackend, caplog: pytest.LogCaptureFixture) -> None:
    def explode(payload: dict[str, Any]) -> None:
        raise RuntimeError("hook bug")

    hub = LLMHub(config=CONFIG, backend=fake, on_before_call=explode, on_after_call=explode)
    fake.add_reply("still fine")
    with caplog.at_level(logging.ERROR, logger="llmhub_runtime"):
        response = hub.completion(role="llm.inference", messages=MESSAGES)
    assert response.choices[0].message.content == "still fine"
    assert "hook" in caplog.text


def test_a_raising_hook_does_not_mask_the_call_error(keys: None, fake: FakeBackend) -> None:
    def explode(payload: dict[str, Any]) -> None:
        raise RuntimeError("hook bug")

    hub = LLMHub(config=CONFIG, backend=fake, on_after_call=explode)
    fake.add_error(AuthenticationError("bad key"))
    with pytest.raises(AuthenticationError):
        hub.completion(role="llm.inference", messages=MESSAGES)


def test_retryable_errors_are_retried_then_succeed(hub: LLMHub, fake: FakeBackend) -> None:
    fake.add_error(RateLimitError("slow down", retry_after=0)).add_error(ProviderUnavailableError("503"))
    fake.add_reply("third time")
    assert hub.completion(role="llm.inference", messages=MESSAGES).choices[0].message.content == "third time"
    assert [c.model for c in fake.calls] == ["claude-sonnet-4-5"] * 3


def test_retries_exhausted_then_fallback_serves(keys: None, fake: FakeBackend) -> None:
    after: list[dict[str, Any]] = []
    hub = LLMHub(config=CONFIG, backend=fake, on_after_call=after.append)
    for _ in range(3):
        fake.add_error(ProviderUnavailableError("overloaded"))
    fake.add_reply("from the fallback")
    response = hub.completion(role="llm.inference", messages=MESSAGES)
    assert response.choices[0].message.content == "from the fallback"
    assert [c.model for c in fake.calls] == ["claude-sonnet-4-5"] * 3 + ["gpt-4.1"]
    assert [(a["attempt"], a["success"], a["fallback_used"], a["final"]) for a in after] == [
        (1, False, False, False),
        (2, False, False, False),
        (3, False, False, False),
        (4, True, True, True),
    ]
    assert after[-1]["cost_usd"] is not None  # priced with the fallback's own pricing


def test_non_retryable_errors_fail_fast_without_fallback(hub: LLMHub, fake: FakeBackend) -> None:
    fake.add_error(AuthenticationError("invalid key", status_code=401))
    with pytest.raises(AuthenticationError):
        hub.completion(role="llm.inference", messages=MESSAGES)
    assert len(fake.calls) == 1


def test_model_not_found_skips_retries_but_uses_the_fallback(hub: LLMHub, fake: FakeBackend) -> None:
    fake.add_error(ModelNotFoundError("model retired", status_code=404))
    fake.add_reply("fallback")
    assert hub.completion(role="llm.inference", messages=MESSAGES).choices[0].message.content == "fallback"
    assert [c.model for c in fake.calls] == ["claude-sonnet-4-5", "gpt-4.1"]


def test_everything_failing_lists_every_attempt(hub: LLMHub, fake: FakeBackend) -> None:
    for _ in range(6):
        fake.add_error(ProviderUnavailableError("down", status_code=503))
    with pytest.raises(AllAttemptsFailedError) as info:
        hub.completion(role="llm.inference", messages=MESSAGES)
    error = info.value
    assert [(a.model, a.attempt) for a in error.attempts] == [("claude-sonnet-4-5", n) for n in (1, 2, 3)] + [
        ("gpt-4.1", n) for n in (4, 5, 6)
    ]
    assert isinstance(error.last_error, ProviderUnavailableError)
    # Each attempt's own exception, in order: the last one is the last error.
    assert len(error.errors) == 6 and all(isinstance(e, ProviderUnavailableError) for e in error.errors)
    assert [a.exception for a in error.attempts] == error.errors and error.errors[-1] is error.last_error
    assert "all 6 attempt(s) failed" in str(error)
    assert "openai:gpt-4.1 attempts 4-6: HTTP 503: down" in str(error)


def test_resilience_knobs_from_python_override_the_file(keys: None, fake: FakeBackend) -> None:
    hub = LLMHub(config=CONFIG, backend=fake, resilience={"max_retries": 0, "fallbacks": False})
    fake.add_error(ProviderUnavailableError("down"))
    with pytest.raises(AllAttemptsFailedError):
        hub.completion(role="llm.inference", messages=MESSAGES)
    assert len(fake.calls) == 1


def test_resilience_knobs_per_role_in_the_file(keys: None, fake: FakeBackend) -> None:
    config = {**CONFIG, "roles": {**CONFIG["roles"]}}
    config["roles"]["llm.inference"] = {**config["roles"]["llm.inference"], "resilience": {"max_retries": 1}}
    hub = LLMHub(config=config, backend=fake)
    for _ in range(4):
        fake.add_error(ProviderUnavailableError("down"))
    with pytest.raises(AllAttemptsFailedError) as info:
        hub.completion(role="llm.inference", messages=MESSAGES)
    assert len(info.value.attempts) == 4  # 2 per target


def test_invalid_resilience_override_is_a_config_error(keys: None, fake: FakeBackend) -> None:
    with pytest.raises(ConfigError, match="invalid resilience settings"):
        LLMHub(config=CONFIG, backend=fake, resilience={"max_retries": -1})


def test_circuit_breaker_opens_and_skips_the_target(keys: None, fake: FakeBackend) -> None:
    config = {
        **CONFIG,
        "resilience": {
            "backoff_initial_seconds": 0,
            "max_retries": 0,
            "circuit_breaker": {"failure_threshold": 2, "cooldown_seconds": 60},
        },
    }
    hub = LLMHub(config=config, backend=fake)
    for _ in range(2):
        fake.add_error(ProviderUnavailableError("down"), role="llm.inference")
        fake.add_reply("fallback", role="llm.inference")
        hub.completion(role="llm.inference", messages=MESSAGES)
    assert hub.circuit_open("anthropic", "claude-sonnet-4-5")
    fake.reset()
    assert hub.completion(role="llm.inference", messages=MESSAGES).choices[0].message.content
    assert [c.model for c in fake.calls] == ["gpt-4.1"]  # the open target was not called at all
    hub.reset_circuits()
    hub.completion(role="llm.inference", messages=MESSAGES)
    assert fake.calls[-1].model == "claude-sonnet-4-5"


def test_streaming_yields_chunks_and_reports_usage_at_the_end(keys: None, fake: FakeBackend) -> None:
    after: list[dict[str, Any]] = []
    hub = LLMHub(config=CONFIG, backend=fake, on_after_call=after.append)
    fake.add_reply("a b c")
    chunks = hub.completion(role="llm.inference", messages=MESSAGES, stream=True)
    assert after == []  # nothing reported before the stream is consumed
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert text == "a b c"
    assert after[0]["success"] and after[0]["usage"]["completion_tokens"] == 3
    assert fake.calls[0].stream and "stream" not in fake.calls[0].params


def test_stream_that_fails_to_start_is_retried(hub: LLMHub, fake: FakeBackend) -> None:
    fake.add_error(ProviderUnavailableError("reset"))
    fake.add_reply("ok then")
    text = "".join(c.choices[0].delta.content or "" for c in hub.stream(role="llm.inference", messages=MESSAGES))
    assert text == "ok then"
    assert len(fake.calls) == 2


def test_async_completion_stream_and_embedding(hub: LLMHub, fake: FakeBackend) -> None:
    async def main() -> tuple[Any, ...]:
        fake.add_reply("async reply")
        response = await hub.acompletion(role="llm.inference", messages=MESSAGES)
        fake.add_reply("x y")
        stream = await hub.astream(role="llm.inference", messages=MESSAGES)
        streamed = [c.choices[0].delta.content async for c in stream if c.choices]
        vectors = await hub.aembedding(role="llm.embedding", input="v")
        image = await hub.aimage_generation(role="llm.image", prompt="p")
        audio = await hub.aspeech(role="llm.voice", input="s")
        text = await hub.atranscription(role="llm.voice", file=b"x")
        return response, streamed, vectors, image, audio, text

    response, streamed, vectors, image, audio, text = asyncio.run(main())
    assert response.choices[0].message.content == "async reply"
    assert "".join(s for s in streamed if s) == "x y"
    assert len(vectors.data[0].embedding) == 8
    assert image.data and audio == b"fake-audio:s" and text.text


def test_async_retries_then_fallback(hub: LLMHub, fake: FakeBackend) -> None:
    for _ in range(3):
        fake.add_error(RateLimitError("429", retry_after=0))
    fake.add_reply("fb")

    async def main() -> Any:
        return await hub.acompletion(role="llm.inference", messages=MESSAGES)

    assert asyncio.run(main()).choices[0].message.content == "fb"
    assert [c.model for c in fake.calls][-1] == "gpt-4.1"


def test_resolve_and_repr(hub: LLMHub) -> None:
    call = hub.resolve("llm.inference", {"temperature": 0})
    assert call.params == {"temperature": 0}
    assert "llm.inference" in repr(hub)


def test_context_managers_close_the_backend(keys: None) -> None:
    closed = []

    class Closing(FakeBackend):
        def close(self) -> None:
            closed.append("sync")

        async def aclose(self) -> None:
            closed.append("async")

    with LLMHub(config=CONFIG, backend=Closing()):
        pass

    async def main() -> None:
        async with LLMHub(config=CONFIG, backend=Closing()):
            pass

    asyncio.run(main())
    assert closed == ["sync", "async"]


@pytest.mark.parametrize("kwargs", [{"model": "gpt-4o"}, {"api_key": "sk-x"}, {"provider": "openai"}])
def test_arguments_the_role_decides_are_refused_clearly(hub: LLMHub, fake: FakeBackend, kwargs: dict[str, Any]) -> None:
    with pytest.raises(InvalidCallError, match=f"{next(iter(kwargs))}= cannot be passed"):
        hub.completion(role="llm.inference", messages=MESSAGES, **kwargs)
    with pytest.raises(InvalidCallError):
        hub.completion(role="llm.inference", messages=MESSAGES, params_override=kwargs)
    assert fake.calls == []


def test_a_rotated_key_is_picked_up_without_a_new_hub(keys: None, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = []

    class Spy(FakeBackend):
        def invoke(self, request: BackendRequest) -> Any:
            seen.append(request.connection.api_key)
            return super().invoke(request)

    hub = LLMHub(config=CONFIG, backend=Spy())
    hub.completion(role="llm.inference", messages=MESSAGES)
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-rotated")
    hub.completion(role="llm.inference", messages=MESSAGES)
    assert seen == ["sk-ant-test", "sk-ant-rotated"]
