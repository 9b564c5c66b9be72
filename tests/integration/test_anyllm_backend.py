"""The real any-llm code path against a local OpenAI-compatible server (FakeOpenAIServer on 127.0.0.1)."""

import asyncio
import os
from collections.abc import Iterator
from typing import Any

import pytest

from llmhub_runtime import (
    AllAttemptsFailedError,
    AuthenticationError,
    EnvVarMissingError,
    LLMHub,
    ProviderUnavailableError,
    UnknownProviderError,
)
from llmhub_runtime.backends.anyllm import AnyLLMBackend
from llmhub_runtime.resilience import Timing
from llmhub_runtime.testing import FakeOpenAIServer, ScriptedResponse

CHAT = "/v1/chat/completions"
MESSAGES = [{"role": "user", "content": "hello there"}]


def make_config(server: FakeOpenAIServer, **resilience: Any) -> dict[str, Any]:
    return {
        "providers": {
            "local": {"type": "openai", "api_base": server.base_url, "env_key": "LOCAL_LLM_KEY"},
            "backup": {"type": "openai", "api_base": server.base_url, "env_key": "LOCAL_LLM_KEY"},
        },
        "roles": {
            "chat": {
                "provider": "local",
                "model": "primary-model",
                "params": {"temperature": 0.2},
                "pricing": {"input_per_million": 1.0, "output_per_million": 2.0},
                "fallbacks": [{"provider": "backup", "model": "backup-model"}],
            },
            "embed": {"provider": "local", "model": "embed-model", "mode": "embedding"},
            "image": {"provider": "local", "model": "image-model", "mode": "image"},
            "voice": {"provider": "local", "model": "voice-model", "mode": "audio", "params": {"voice": "alloy"}},
        },
        "resilience": {"backoff_initial_seconds": 0.01, "jitter": 0, **resilience},
    }


@pytest.fixture
def hub(fake_server: FakeOpenAIServer, local_key: str, sleeps: list[float]) -> Iterator[LLMHub]:
    with LLMHub(config=make_config(fake_server), timing=timing(sleeps)) as hub:
        yield hub


@pytest.fixture
def sleeps() -> list[float]:
    """The waits between attempts, recorded instead of slept through by hubs made with `timing(sleeps)`."""
    return []


def timing(sleeps: list[float]) -> Timing:
    return Timing(sleep=sleeps.append)


def test_chat_completion(hub: LLMHub, fake_server: FakeOpenAIServer) -> None:
    response = hub.completion(role="chat", messages=MESSAGES)
    assert response.choices[0].message.content == "[primary-model] hello there"
    assert response.usage is not None and response.usage.prompt_tokens == 2
    (request,) = fake_server.requests
    assert request.body["temperature"] == 0.2
    assert request.headers["authorization"] == "Bearer sk-test-local"  # read from env_key LOCAL_LLM_KEY


def test_streaming_sync_and_async(hub: LLMHub, fake_server: FakeOpenAIServer) -> None:
    chunks = hub.completion(role="chat", messages=MESSAGES, stream=True)
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "[primary-model] hello there"

    async def main() -> str:
        stream = await hub.acompletion(role="chat", messages=MESSAGES, stream=True)
        return "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])

    assert asyncio.run(main()) == "[primary-model] hello there"
    assert fake_server.count(CHAT) == 2
    assert all(r.body["stream"] for r in fake_server.requests)


def test_streaming_usage_reaches_the_after_hook(fake_server: FakeOpenAIServer, local_key: str) -> None:
    after: list[dict[str, Any]] = []
    hub = LLMHub(config=make_config(fake_server), on_after_call=after.append)
    list(hub.stream(role="chat", messages=MESSAGES, stream_options={"include_usage": True}))
    assert after[-1]["usage"] == {"prompt_tokens": 2, "completion_tokens": 3, "total_tokens": 5}
    assert after[-1]["cost_usd"] == pytest.approx((2 * 1.0 + 3 * 2.0) / 1e6)


def test_embeddings_sync_and_async(hub: LLMHub, fake_server: FakeOpenAIServer) -> None:
    response = hub.embedding(role="embed", input=["one", "two"])
    assert [len(item.embedding) for item in response.data] == [8, 8]

    async def main() -> Any:
        return await hub.aembedding(role="embed", input="three", params_override={"dimensions": 4})

    assert len(asyncio.run(main()).data[0].embedding) == 4
    assert fake_server.count("/v1/embeddings") == 2


def test_image_speech_and_transcription(hub: LLMHub, fake_server: FakeOpenAIServer) -> None:
    images = hub.image_generation(role="image", prompt="a cat").data
    assert images and images[0].b64_json
    assert hub.speech(role="voice", input="hi") == b"ID3fake-audio:hi"
    assert hub.transcription(role="voice", file=b"RIFF....WAVE").text.startswith("transcribed")
    assert [r.path for r in fake_server.requests] == [
        "/v1/images/generations",
        "/v1/audio/speech",
        "/v1/audio/transcriptions",
    ]


def test_429_then_200_is_retried_honouring_retry_after(
    hub: LLMHub, fake_server: FakeOpenAIServer, sleeps: list[float]
) -> None:
    fake_server.enqueue(ScriptedResponse(status=429, headers={"Retry-After": "0.25"}), model="primary-model")
    response = hub.completion(role="chat", messages=MESSAGES)
    assert response.choices[0].message.content == "[primary-model] hello there"
    assert fake_server.count(CHAT, model="primary-model") == 2
    assert sleeps == [0.25]


def test_503_on_the_primary_is_served_by_the_fallback(
    hub: LLMHub, fake_server: FakeOpenAIServer, sleeps: list[float]
) -> None:
    fake_server.enqueue(*[ScriptedResponse(status=503)] * 3, model="primary-model")
    response = hub.completion(role="chat", messages=MESSAGES)
    assert response.choices[0].message.content == "[backup-model] hello there"
    # "2 retries" means exactly 3 requests: the openai SDK's own retries are off.
    assert fake_server.count(CHAT, model="primary-model") == 3
    assert fake_server.count(CHAT, model="backup-model") == 1
    assert sleeps == [0.01, 0.02]


def test_sdk_hidden_retries_would_multiply_requests(
    fake_server: FakeOpenAIServer, local_key: str, sleeps: list[float]
) -> None:
    hub = LLMHub(
        timing=timing(sleeps),
        config=make_config(fake_server, disable_sdk_retries=False, max_retries=0, fallbacks=False),
    )
    fake_server.enqueue(*[ScriptedResponse(status=503, headers={"Retry-After": "0"})] * 3, model="primary-model")
    with pytest.raises(AllAttemptsFailedError):
        hub.completion(role="chat", messages=MESSAGES)
    # One hub attempt, but the openai SDK quietly sent 3 requests: why disable_sdk_retries is on by default.
    assert fake_server.count(CHAT) == 3


def test_401_is_not_retried(
    fake_server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch, sleeps: list[float]
) -> None:
    monkeypatch.setenv("LOCAL_LLM_KEY", "sk-wrong")
    hub = LLMHub(timing=timing(sleeps), config=make_config(fake_server))
    with pytest.raises(AuthenticationError) as info:
        hub.completion(role="chat", messages=MESSAGES)
    assert info.value.status_code == 401
    assert "sk-wrong" not in str(info.value)
    assert fake_server.count() == 1
    assert sleeps == []


def test_breaker_opens_and_stops_sending_to_the_failing_target(
    fake_server: FakeOpenAIServer, local_key: str, sleeps: list[float]
) -> None:
    hub = LLMHub(
        timing=timing(sleeps),
        config=make_config(
            fake_server, max_retries=0, circuit_breaker={"failure_threshold": 2, "cooldown_seconds": 300}
        ),
    )
    fake_server.enqueue(*[ScriptedResponse(status=500)] * 2, model="primary-model")
    for _ in range(5):
        content = hub.completion(role="chat", messages=MESSAGES).choices[0].message.content
        assert content is not None and content.startswith("[backup-model]")
    assert fake_server.count(CHAT, model="primary-model") == 2  # calls 3-5 skipped the open circuit
    assert fake_server.count(CHAT, model="backup-model") == 5
    assert hub.circuit_open("local", "primary-model")


def test_timeout_is_retried(fake_server: FakeOpenAIServer, local_key: str, sleeps: list[float]) -> None:
    config = make_config(fake_server)
    config["providers"]["local"]["timeout"] = 0.3
    hub = LLMHub(timing=timing(sleeps), config=config)
    fake_server.enqueue(ScriptedResponse(delay=1.5), model="primary-model")
    response = hub.completion(role="chat", messages=MESSAGES)
    assert response.choices[0].message.content == "[primary-model] hello there"
    assert fake_server.count(CHAT, model="primary-model") == 2


def test_connection_refused_is_retryable_then_reported(local_key: str, sleeps: list[float]) -> None:
    config = {
        "providers": {"dead": {"type": "openai", "api_base": "http://127.0.0.1:9/v1", "env_key": "LOCAL_LLM_KEY"}},
        "roles": {"chat": {"provider": "dead", "model": "m"}},
        "resilience": {"max_retries": 1, "backoff_initial_seconds": 0, "jitter": 0},
    }
    with pytest.raises(AllAttemptsFailedError) as info:
        LLMHub(timing=timing(sleeps), config=config).completion(role="chat", messages=MESSAGES)
    assert isinstance(info.value.last_error, ProviderUnavailableError)
    assert len(info.value.attempts) == 2


def test_async_calls_across_separate_event_loops_reach_the_server_exactly_once_each(
    hub: LLMHub, fake_server: FakeOpenAIServer
) -> None:
    attempts: list[dict[str, Any]] = []
    hub.on_after_call = attempts.append  # a hidden retry on a dead connection would show up here too

    async def one_call(i: int) -> Any:
        response = await hub.acompletion(role="chat", messages=[{"role": "user", "content": f"call {i}"}])
        return response.choices[0].message.content

    results = [asyncio.run(one_call(i)) for i in range(5)]
    assert results == [f"[primary-model] call {i}" for i in range(5)]
    assert fake_server.count(CHAT) == 5
    assert [(a["attempt"], a["success"]) for a in attempts] == [(1, True)] * 5


def test_concurrent_async_calls(hub: LLMHub, fake_server: FakeOpenAIServer) -> None:
    async def main() -> list[Any]:
        return await asyncio.gather(*(hub.acompletion(role="chat", messages=MESSAGES) for _ in range(32)))

    assert len(asyncio.run(main())) == 32
    assert fake_server.count(CHAT) == 32


def test_clients_are_created_once_and_reused(fake_server: FakeOpenAIServer, local_key: str) -> None:
    backend = AnyLLMBackend()
    hub = LLMHub(config=make_config(fake_server), backend=backend)
    for _ in range(3):
        hub.completion(role="chat", messages=MESSAGES)
        hub.embedding(role="embed", input="x")
    assert len(backend._sync_clients) == 1  # one (provider, api_base, key): chat and embeddings share it

    async def main() -> None:
        await hub.acompletion(role="chat", messages=MESSAGES)
        await hub.acompletion(role="chat", messages=MESSAGES)

    asyncio.run(main())
    asyncio.run(main())
    # One client per event loop; the first loop's client is dropped once that loop has closed.
    assert len(backend._async_clients) == 1


def test_client_args_reach_the_provider_client(fake_server: FakeOpenAIServer, local_key: str) -> None:
    config = make_config(fake_server)
    config["providers"]["local"]["client_args"] = {"default_headers": {"X-Team": "${TEAM:-search}"}}
    LLMHub(config=config).completion(role="chat", messages=MESSAGES)
    assert fake_server.requests[0].headers["x-team"] == "search"


def test_keyless_self_hosted_provider(fake_server: FakeOpenAIServer) -> None:
    config = {
        "providers": {"vllm": {"api_base": fake_server.base_url}},
        "roles": {"chat": {"provider": "vllm", "model": "served-model"}},
    }
    fake_server.api_key = None  # a local vLLM without --api-key
    response = LLMHub(config=config).completion(role="chat", messages=MESSAGES)
    assert response.choices[0].message.content == "[served-model] hello there"


def test_unknown_provider_type_is_a_config_error_with_suggestion(fake_server: FakeOpenAIServer, local_key: str) -> None:
    config = make_config(fake_server)
    config["providers"]["local"]["type"] = "opeani"
    with pytest.raises(UnknownProviderError, match="did you mean 'openai'"):
        LLMHub(config=config).completion(role="chat", messages=MESSAGES)
    assert fake_server.count() == 0


def test_provider_default_key_missing_names_the_variable(fake_server: FakeOpenAIServer) -> None:
    config = {
        "providers": {"openai": {"api_base": fake_server.base_url}},
        "roles": {"chat": {"provider": "openai", "model": "m"}},
    }
    with pytest.raises(EnvVarMissingError, match="OPENAI_API_KEY"):
        LLMHub(config=config).completion(role="chat", messages=MESSAGES)


def test_async_streaming_failure_before_first_chunk_falls_back(hub: LLMHub, fake_server: FakeOpenAIServer) -> None:
    fake_server.enqueue(*[ScriptedResponse(status=502)] * 3, model="primary-model")

    async def main() -> str:
        stream = await hub.astream(role="chat", messages=MESSAGES)
        return "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])

    assert asyncio.run(main()) == "[backup-model] hello there"


def test_many_threads_share_one_hub(hub: LLMHub, fake_server: FakeOpenAIServer) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def call(i: int) -> Any:
        return hub.completion(role="chat", messages=[{"role": "user", "content": f"t{i}"}]).choices[0].message.content

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(call, range(40)))
    assert results == [f"[primary-model] t{i}" for i in range(40)]
    assert fake_server.count(CHAT) == 40


def test_sync_call_inside_a_running_event_loop_says_to_use_the_async_api(
    hub: LLMHub, fake_server: FakeOpenAIServer
) -> None:
    async def main() -> Any:
        return hub.completion(role="chat", messages=MESSAGES)

    with pytest.raises(RuntimeError, match="async"):
        asyncio.run(main())
    assert fake_server.count() == 0


@pytest.mark.skipif(not hasattr(os, "fork"), reason="os.fork is POSIX-only")
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_hub_used_before_fork_works_in_the_child(hub: LLMHub, fake_server: FakeOpenAIServer) -> None:
    assert hub.completion(role="chat", messages=MESSAGES).choices[0].message.content  # clients now cached
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report through the pipe, never return into pytest
        try:
            attempts: list[dict[str, Any]] = []
            hub.on_after_call = attempts.append  # a retry would hide a client left over from the parent
            reply = hub.completion(role="chat", messages=[{"role": "user", "content": "from the child"}])
            os.write(write_end, f"{reply.choices[0].message.content} after {len(attempts)} attempt(s)".encode())
        except BaseException as exc:
            os.write(write_end, f"failed: {exc!r}".encode())
        finally:
            os._exit(0)
    os.close(write_end)
    os.waitpid(pid, 0)
    with os.fdopen(read_end) as pipe:
        assert pipe.read() == "[primary-model] from the child after 1 attempt(s)"
    assert hub.completion(role="chat", messages=MESSAGES).choices[0].message.content  # the parent still works


def test_a_fallback_that_cannot_be_set_up_does_not_hide_the_primary_failure(
    fake_server: FakeOpenAIServer, local_key: str, sleeps: list[float]
) -> None:
    config = make_config(fake_server)
    # No env_key: any-llm itself looks for OPENAI_API_KEY, which the tests never have.
    config["providers"]["backup"] = {"type": "openai", "api_base": fake_server.base_url}
    fake_server.enqueue(*[ScriptedResponse(status=503)] * 3, model="primary-model")
    with pytest.raises(AllAttemptsFailedError) as info:
        LLMHub(timing=timing(sleeps), config=config).completion(role="chat", messages=MESSAGES)
    message = str(info.value)
    assert "local:primary-model attempts 1-3: HTTP 503" in message
    assert "backup:backup-model skipped: missing environment variable OPENAI_API_KEY" in message
