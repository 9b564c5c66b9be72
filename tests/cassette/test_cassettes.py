"""LLM conversations replayed from vcrpy cassettes in cassettes/, through LLMHub and the real any-llm path.

Replay (the default) needs no server and no key: the config points at a closed port, so a request that
vcrpy failed to serve would fail loudly. To re-record:

    LLMHUB_VCR_RECORD_MODE=all pytest tests/cassette                 # against a local FakeOpenAIServer
    LLMHUB_VCR_RECORD_MODE=all LLMHUB_CASSETTE_API_BASE=https://api.openai.com/v1 \\
        LLMHUB_CASSETTE_API_KEY=$OPENAI_API_KEY LLMHUB_CASSETTE_MODEL=gpt-4o-mini pytest tests/cassette

then update the facts pinned in the tests below. Keys never reach the files: the auth headers are
filtered at record time, and test_cassettes_contain_no_secrets fails otherwise.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from llmhub_runtime import LLMHub
from llmhub_runtime.testing import FakeOpenAIServer

from ._recording import (
    CASSETTES,
    CLOSED_PORT_BASE,
    RECORD_MODE,
    RECORDING_KEY,
    REPO_ROOT,
    SECRET_PATTERNS,
    make_vcr,
)

LIBRARY = CASSETTES / "test_cassettes"
MODEL = os.environ.get("LLMHUB_CASSETTE_MODEL", "fake-chat")
EMBED_MODEL = os.environ.get("LLMHUB_CASSETTE_EMBED_MODEL", "fake-embed")


@pytest.fixture
def cassette_hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[LLMHub]:
    """A hub whose single provider is either the recording target or, on replay, a closed port."""
    server = None
    api_base = os.environ.get("LLMHUB_CASSETTE_API_BASE")
    if RECORD_MODE == "none":
        api_base = CLOSED_PORT_BASE
    elif api_base is None:
        server = FakeOpenAIServer().start()
        api_base = server.base_url
    monkeypatch.setenv("CASSETTE_API_KEY", os.environ.get("LLMHUB_CASSETTE_API_KEY", RECORDING_KEY))
    config = {
        "providers": {"openai": {"api_base": api_base, "env_key": "CASSETTE_API_KEY"}},
        "roles": {
            "llm.inference": {"provider": "openai", "model": MODEL, "params": {"temperature": 0, "max_tokens": 64}},
            "llm.embedding": {"provider": "openai", "model": EMBED_MODEL, "mode": "embedding"},
        },
        "resilience": {"max_retries": 0},
    }
    with LLMHub(config=config) as hub:
        yield hub
    if server is not None:
        server.stop()


def cassette(name: str) -> Any:
    return make_vcr(LIBRARY).use_cassette(f"{name}.yaml", allow_playback_repeats=False)


def test_two_turn_conversation_replays(cassette_hub: LLMHub) -> None:
    messages = [{"role": "user", "content": "Name a colour."}]
    with cassette("two_turn_conversation") as tape:
        first = cassette_hub.completion(role="llm.inference", messages=messages)
        messages += [
            {"role": "assistant", "content": first.choices[0].message.content or ""},
            {"role": "user", "content": "And another one?"},
        ]
        second = cassette_hub.completion(role="llm.inference", messages=messages)
    assert tape.play_count == 2 or RECORD_MODE != "none"
    # Facts recorded in the cassette, pinned here so the recording protects something.
    assert first.choices[0].message.content == "[fake-chat] Name a colour."
    assert second.choices[0].message.content == "[fake-chat] And another one?"
    assert second.usage is not None and second.usage.prompt_tokens == 10
    assert tape.requests[1].body and b"And another one?" in tape.requests[1].body


def test_streamed_reply_replays(cassette_hub: LLMHub) -> None:
    with cassette("streamed_reply") as tape:
        chunks = list(cassette_hub.stream(role="llm.inference", messages=[{"role": "user", "content": "Count: 1 2 3"}]))
    assert tape.play_count == 1 or RECORD_MODE != "none"
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "[fake-chat] Count: 1 2 3"
    assert chunks[-1].choices[0].finish_reason == "stop"


def test_embedding_replays_async(cassette_hub: LLMHub) -> None:
    async def main() -> Any:
        return await cassette_hub.aembedding(role="llm.embedding", input=["alpha", "beta"])

    with cassette("embedding") as tape:
        response = asyncio.run(main())
    assert tape.play_count == 1 or RECORD_MODE != "none"
    assert [len(item.embedding) for item in response.data] == [8, 8]
    assert response.data[0].embedding[:2] == pytest.approx([0.113725, 0.654902], abs=1e-6)  # float32 on the wire


def test_cassettes_exist_and_contain_no_secrets() -> None:
    files = sorted((REPO_ROOT / "cassettes").rglob("*.yaml"))
    assert files, "no cassettes found in cassettes/"
    for path in files:
        text = path.read_text()
        for pattern in SECRET_PATTERNS:
            match = pattern.search(text)
            assert match is None, f"{path.relative_to(REPO_ROOT)} contains a secret-looking {match.group(0)!r}"


def test_recording_filters_the_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "sk-live-DO-NOT-LEAK-0123456789abcdefghij"
    monkeypatch.setenv("SECRET_KEY_UNDER_TEST", secret)
    with FakeOpenAIServer(api_key=secret) as server:
        config = {
            "providers": {"openai": {"api_base": server.base_url, "env_key": "SECRET_KEY_UNDER_TEST"}},
            "roles": {"r": {"provider": "openai", "model": "m"}},
        }
        with make_vcr(tmp_path, "all").use_cassette("fresh.yaml"), LLMHub(config=config) as hub:
            hub.completion(role="r", messages=[{"role": "user", "content": "hi"}])
        assert server.requests[0].headers["authorization"] == f"Bearer {secret}"  # the key was really sent
    recorded = (tmp_path / "fresh.yaml").read_text()
    assert "[m] hi" in recorded  # the interaction was recorded...
    assert secret not in recorded  # ...without the key
    assert "authorization" not in recorded.lower()
    for pattern in SECRET_PATTERNS:
        assert pattern.search(recorded) is None
