"""The response cache, through the real any-llm path: the local server's request counts prove hits and misses."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from llmhub_runtime import ConfigError, LLMHub
from llmhub_runtime.testing import FakeOpenAIServer, ScriptedResponse

MESSAGES = [{"role": "user", "content": "hello"}]
CHAT = "/v1/chat/completions"


@pytest.fixture
def open_server() -> Iterator[FakeOpenAIServer]:
    """A local server that accepts any key, so calls with two different keys both succeed."""
    with FakeOpenAIServer() as server:
        yield server


def config(server: FakeOpenAIServer, cache_dir: Path, **roles: dict[str, Any]) -> dict[str, Any]:
    return {
        "providers": {"local": {"type": "openai", "api_base": server.base_url, "env_key": "LOCAL_LLM_KEY"}},
        "roles": roles
        or {
            "chat": {
                "provider": "local",
                "model": "model-a",
                "params": {"temperature": 0},
                "pricing": {"input_per_million": 1.0, "output_per_million": 2.0},
                "cache": {"ttl": 3600},
            }
        },
        "cache": {"dir": str(cache_dir)},
        "resilience": {"max_retries": 0},
    }


def test_a_repeated_deterministic_request_is_answered_from_the_cache(
    tmp_path: Path, local_key: str, fake_server: FakeOpenAIServer
) -> None:
    before: list[dict[str, Any]] = []
    after: list[dict[str, Any]] = []
    hub = LLMHub(config=config(fake_server, tmp_path), on_before_call=before.append, on_after_call=after.append)
    first = hub.completion(role="chat", messages=MESSAGES)
    second = hub.completion(role="chat", messages=MESSAGES)
    assert fake_server.count(CHAT) == 1
    assert second.choices[0].message.content == first.choices[0].message.content == "[model-a] hello"
    assert type(second) is type(first) and second.usage == first.usage
    assert [p["cache"] for p in before] == ["miss", "hit"]
    assert [p["cache"] for p in after] == ["miss", "hit"]
    assert after[0]["cost_usd"] > 0 and after[1]["cost_usd"] == 0.0  # nothing was paid for the hit
    assert after[1]["success"] is True and after[1]["final"] is True and after[1]["usage"] == after[0]["usage"]
    assert after[1]["model"] == "model-a" and after[1]["attempt"] == 1


@pytest.mark.parametrize(
    ("params", "call", "cached"),
    [
        ({"temperature": 0}, {}, True),
        ({"temperature": 0.7}, {}, False),  # sampled: a new answer each time is the point
        ({"temperature": 0.7}, {"seed": 7}, True),  # a seed asks for a reproducible answer
        ({"temperature": 0.7}, {"temperature": 0}, True),  # the merged params decide
        ({"temperature": 0}, {"stream": True}, False),  # streams are never cached
    ],
)
def test_only_deterministic_unstreamed_requests_are_cached(
    tmp_path: Path,
    local_key: str,
    fake_server: FakeOpenAIServer,
    params: dict[str, Any],
    call: dict[str, Any],
    cached: bool,
) -> None:
    role = {"provider": "local", "model": "m", "params": params, "cache": {"ttl": 60}}
    before: list[dict[str, Any]] = []
    hub = LLMHub(config=config(fake_server, tmp_path, chat=role), on_before_call=before.append)
    for _ in range(2):
        reply = hub.completion(role="chat", messages=MESSAGES, **call)
        if call.get("stream"):
            list(reply)
    assert fake_server.count(CHAT) == (1 if cached else 2)
    assert before[-1]["cache"] == ("hit" if cached else "skip")


def test_entries_are_never_shared_across_models(tmp_path: Path, local_key: str, fake_server: FakeOpenAIServer) -> None:
    role = {"provider": "local", "params": {"temperature": 0}, "cache": {"ttl": 60}}
    hub = LLMHub(config=config(fake_server, tmp_path, a={**role, "model": "model-a"}, b={**role, "model": "model-b"}))
    assert hub.completion(role="a", messages=MESSAGES).choices[0].message.content == "[model-a] hello"
    assert hub.completion(role="b", messages=MESSAGES).choices[0].message.content == "[model-b] hello"
    assert (fake_server.count(model="model-a"), fake_server.count(model="model-b")) == (1, 1)


def test_entries_are_never_shared_across_keys_and_no_key_is_stored(
    tmp_path: Path, open_server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    hub = LLMHub(config=config(open_server, tmp_path))
    monkeypatch.setenv("LOCAL_LLM_KEY", "sk-first-key-0123456789")
    hub.completion(role="chat", messages=MESSAGES)
    monkeypatch.setenv("LOCAL_LLM_KEY", "sk-second-key-0123456789")
    hub.completion(role="chat", messages=MESSAGES)
    assert open_server.count(CHAT) == 2  # the second key did not see the first key's entry
    monkeypatch.setenv("LOCAL_LLM_KEY", "sk-first-key-0123456789")
    hub.completion(role="chat", messages=MESSAGES)
    assert open_server.count(CHAT) == 2  # but the first key still finds its own
    stored = b"".join(path.read_bytes() for path in tmp_path.rglob("*") if path.is_file())
    assert b"sk-first-key" not in stored and b"sk-second-key" not in stored


def test_a_different_request_misses(tmp_path: Path, local_key: str, fake_server: FakeOpenAIServer) -> None:
    hub = LLMHub(config=config(fake_server, tmp_path))
    hub.completion(role="chat", messages=MESSAGES)
    hub.completion(role="chat", messages=[{"role": "user", "content": "hello!"}])
    hub.completion(role="chat", messages=MESSAGES, max_tokens=5)
    assert fake_server.count(CHAT) == 3


def test_embeddings_are_cached(tmp_path: Path, local_key: str, fake_server: FakeOpenAIServer) -> None:
    role = {"provider": "local", "model": "embed", "mode": "embedding", "cache": {"ttl": 60}}
    hub = LLMHub(config=config(fake_server, tmp_path, e=role))
    first = hub.embedding(role="e", input=["a", "b"])
    second = hub.embedding(role="e", input=["a", "b"])
    assert fake_server.count("/v1/embeddings") == 1
    assert [d.embedding for d in second.data] == [d.embedding for d in first.data]


def test_async_calls_share_the_cache(tmp_path: Path, local_key: str, fake_server: FakeOpenAIServer) -> None:
    hub = LLMHub(config=config(fake_server, tmp_path))
    hub.completion(role="chat", messages=MESSAGES)

    async def again() -> str | None:
        return (await hub.acompletion(role="chat", messages=MESSAGES)).choices[0].message.content

    assert asyncio.run(again()) == "[model-a] hello"
    assert fake_server.count(CHAT) == 1


def test_entries_expire_after_their_ttl(tmp_path: Path, local_key: str, fake_server: FakeOpenAIServer) -> None:
    role = {"provider": "local", "model": "m", "params": {"temperature": 0}, "cache": {"ttl": 0.05}}
    hub = LLMHub(config=config(fake_server, tmp_path, chat=role))
    hub.completion(role="chat", messages=MESSAGES)
    time.sleep(0.2)
    hub.completion(role="chat", messages=MESSAGES)
    assert fake_server.count(CHAT) == 2


def test_a_fallback_answer_is_never_served_for_the_primary(
    tmp_path: Path, local_key: str, fake_server: FakeOpenAIServer
) -> None:
    role = {
        "provider": "local",
        "model": "primary",
        "params": {"temperature": 0},
        "fallbacks": [{"provider": "local", "model": "backup"}],
        "cache": {"ttl": 60},
    }
    hub = LLMHub(config=config(fake_server, tmp_path, chat=role))
    fake_server.enqueue(ScriptedResponse(status=503), model="primary")
    assert hub.completion(role="chat", messages=MESSAGES).choices[0].message.content == "[backup] hello"
    # The primary is back: it answers itself, it is not handed the backup's cached reply.
    assert hub.completion(role="chat", messages=MESSAGES).choices[0].message.content == "[primary] hello"
    assert fake_server.count(model="primary") == 2
    hub.completion(role="chat", messages=MESSAGES)
    assert fake_server.count(model="primary") == 2  # and now the primary's own answer is cached


def test_raising_cache_version_starts_from_an_empty_cache(
    tmp_path: Path, local_key: str, fake_server: FakeOpenAIServer
) -> None:
    settings = config(fake_server, tmp_path)
    LLMHub(config=settings).completion(role="chat", messages=MESSAGES)
    LLMHub(config=settings).completion(role="chat", messages=MESSAGES)  # another process, same directory
    assert fake_server.count(CHAT) == 1
    bumped = {**settings, "cache": {"dir": str(tmp_path), "version": 2}}
    LLMHub(config=bumped).completion(role="chat", messages=MESSAGES)
    assert fake_server.count(CHAT) == 2


def test_a_relative_cache_dir_is_relative_to_the_config_file(
    tmp_path: Path, local_key: str, fake_server: FakeOpenAIServer
) -> None:
    settings = config(fake_server, tmp_path)
    settings["cache"] = {"dir": ".llmhub-cache"}
    path = tmp_path / "app" / "llmhub.yaml"
    path.parent.mkdir()
    path.write_text(json.dumps(settings))  # JSON is YAML
    LLMHub(path).completion(role="chat", messages=MESSAGES)
    assert (tmp_path / "app" / ".llmhub-cache").is_dir()


def test_a_cache_on_an_image_role_is_refused(tmp_path: Path, fake_server: FakeOpenAIServer) -> None:
    role = {"provider": "local", "model": "img", "mode": "image", "cache": {"ttl": 60}}
    with pytest.raises(ConfigError, match=r'roles\["img"\]: cache: only chat and embedding roles are cached'):
        LLMHub(config=config(fake_server, tmp_path, img=role))


def test_a_missing_diskcache_is_a_config_error_naming_the_extra(
    tmp_path: Path, fake_server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "diskcache" else real(name, *a))
    with pytest.raises(ConfigError) as raised:
        LLMHub(config=config(fake_server, tmp_path))
    message = str(raised.value)
    assert 'roles["chat"].cache' in message and "pip install 'llmhub[cache]'" in message


def test_a_disabled_role_cache_sends_every_request(
    tmp_path: Path, local_key: str, fake_server: FakeOpenAIServer
) -> None:
    role = {"provider": "local", "model": "m", "params": {"temperature": 0}, "cache": {"enabled": False}}
    before: list[dict[str, Any]] = []
    hub = LLMHub(config=config(fake_server, tmp_path, chat=role), on_before_call=before.append)
    hub.completion(role="chat", messages=MESSAGES)
    hub.completion(role="chat", messages=MESSAGES)
    assert fake_server.count(CHAT) == 2 and "cache" not in before[0]


def test_diskcache_is_imported_on_the_first_cached_call_not_before(tmp_path: Path) -> None:
    path = tmp_path / "llmhub.yaml"
    path.write_text(
        "providers: {p: {type: openai, api_base: 'http://127.0.0.1:9/v1'}}\n"
        "roles: {r: {provider: p, model: m, params: {temperature: 0}, cache: {ttl: 60}}}\n"
        f"cache: {{dir: '{tmp_path / 'c'}'}}\n"
    )
    code = (
        "import sys; from llmhub_runtime import LLMHub; "
        f"hub = LLMHub({str(path)!r}); print('diskcache' in sys.modules, 'any_llm' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_a_cache_hit_during_a_half_open_trial_does_not_wedge_the_circuit(
    tmp_path: Path, local_key: str, fake_server: FakeOpenAIServer
) -> None:
    from llmhub_runtime.resilience import Timing

    now = [0.0]
    settings = config(fake_server, tmp_path)
    settings["resilience"] = {"max_retries": 0, "circuit_breaker": {"failure_threshold": 1, "cooldown_seconds": 10}}
    hub = LLMHub(config=settings, timing=Timing(clock=lambda: now[0]))
    hub.completion(role="chat", messages=MESSAGES)  # cached
    fake_server.enqueue(ScriptedResponse(status=503))
    with pytest.raises(Exception, match="503"):
        hub.completion(role="chat", messages=[{"role": "user", "content": "other"}])
    assert hub.circuit_open("local", "model-a")
    now[0] = 11.0  # cooled down: the next call is the half-open trial, and it is answered from the cache
    assert hub.completion(role="chat", messages=MESSAGES).choices[0].message.content == "[model-a] hello"
    # The trial sent nothing, so the next real request is let through (not skipped for ever).
    hub.completion(role="chat", messages=[{"role": "user", "content": "third"}])
    assert fake_server.count(CHAT) == 3
