"""Agentic generations (`generator.mode: agent`) replayed from cassettes: LLMHub -> any-llm, with tool calls.

Each cassette holds the whole research of one role on the mini catalog mirror: the generator model's
tool calls, the catalog's answers (in the recorded request bodies) and its final pick. Replay needs no
server and no key; the generator's provider points at a closed port.

Re-record against a local FakeOpenAIServer playing the scripted turns below:

    LLMHUB_VCR_RECORD_MODE=all pytest tests/cassette/test_agent_cassettes.py

(delete the files in cassettes/agent/ first: record mode `all` appends to existing ones; the real
model's cassette also needs its server, see `test_a_real_small_model_researches...`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import pytest

from llmhub.catalog import Catalog, build_catalog
from llmhub.generator import GeneratorOptions, generate_runtime_from_spec
from llmhub.generator.pipeline import GenerationResult
from llmhub.spec import parse_spec
from llmhub_runtime.testing import FakeOpenAIServer, ScriptedResponse, ScriptedToolCall
from tests.paths import MINI

from ._recording import CASSETTES, CLOSED_PORT_BASE, RECORD_MODE, RECORDING_KEY, make_vcr

LIBRARY = CASSETTES / "agent"

SPEC = """\
project: cassettes
providers:
  openai: {env_key: OPENAI_API_KEY}
  anthropic: {env_key: ANTHROPIC_API_KEY}
  brain: {type: openai, api_base: "${GENERATOR_API_BASE}", env_key: GENERATOR_API_KEY}
roles:
  llm.inference:
    description: Answers hard analytical questions from customers
    preferences: {quality: high}
    fallbacks: 1
generator: {model: 'brain:fake-generator', mode: agent, timeout: 30}
"""


def pick(primary: str, *fallbacks: str) -> ScriptedResponse:
    body = {"primary": primary, "fallbacks": list(fallbacks), "rationale": f"{primary} leads the measured ones"}
    return ScriptedResponse(content=json.dumps(body), usage=(1200, 80))


def calls(*made: tuple[str, dict[str, Any] | str]) -> ScriptedResponse:
    return ScriptedResponse(tool_calls=[ScriptedToolCall(name, args) for name, args in made], usage=(800, 40))


@pytest.fixture(scope="module")
def mini_catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    return build_catalog(sources_dir=MINI, overrides=False, cache_dir=tmp_path_factory.mktemp("cache"))


@pytest.fixture
def generator_api(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAIServer | None]:
    """The recording target, or a closed port on replay."""
    monkeypatch.setenv("GENERATOR_API_KEY", RECORDING_KEY)
    if RECORD_MODE == "none":
        monkeypatch.setenv("GENERATOR_API_BASE", CLOSED_PORT_BASE)
        yield None
        return
    with FakeOpenAIServer(api_key=RECORDING_KEY) as server:
        monkeypatch.setenv("GENERATOR_API_BASE", server.base_url)
        yield server


def run(catalog: Catalog, server: FakeOpenAIServer | None, name: str, *turns: ScriptedResponse) -> tuple[Any, Any]:
    if server is not None:
        server.enqueue(*turns)
    spec = parse_spec(SPEC, source="llmhub.spec.yaml")
    with make_vcr(LIBRARY).use_cassette(f"{name}.yaml", allow_playback_repeats=False) as tape:
        result: GenerationResult = generate_runtime_from_spec(spec, GeneratorOptions(catalog=catalog))
    assert tape.play_count == len(turns) or RECORD_MODE != "none"
    return result, tape


def bodies(tape: Any) -> list[dict[str, Any]]:
    return [json.loads(request.body) for request in tape.requests]


def test_research_then_a_checked_pick(mini_catalog: Catalog, generator_api: FakeOpenAIServer | None) -> None:
    result, tape = run(
        mini_catalog,
        generator_api,
        "research_and_pick",
        calls(("search", {"limit": 5})),
        calls(("compare", {"model_ids": ["openai:gpt-5", "anthropic:claude-opus-4-5"]})),
        pick("openai:gpt-5", "anthropic:claude-opus-4-5"),
    )
    role = result.runtime.roles["llm.inference"]
    assert (role.provider, role.model) == ("openai", "gpt-5") and result.decided_by["llm.inference"] == "llm"
    assert [f"{f.provider}:{f.model}" for f in role.fallbacks] == ["anthropic:claude-opus-4-5"]
    sent = bodies(tape)
    assert all(body["tools"] for body in sent)  # the tools are offered on every turn
    search_answer = json.loads(sent[1]["messages"][-1]["content"])
    assert any(m["id"] == "openai:gpt-5" for m in search_answer["models"])  # the catalog, not the LLM, answered
    assert "search(" in (result.explanations["llm.inference"].rationale or "")
    assert result.usage is not None and "2 tool calls" in result.usage


def test_tool_errors_are_answered_and_the_research_goes_on(
    mini_catalog: Catalog, generator_api: FakeOpenAIServer | None
) -> None:
    result, tape = run(
        mini_catalog,
        generator_api,
        "tool_errors",
        calls(("search", '{"limit": '), ("order_pizza", {})),
        calls(("model", {"model_id": "openai:gpt-5"})),
        pick("openai:gpt-5"),
    )
    assert result.decided_by["llm.inference"] == "llm"
    errors = [json.loads(m["content"]) for m in bodies(tape)[1]["messages"] if m["role"] == "tool"]
    assert len(errors) == 2 and all("error" in e for e in errors)


def test_a_pick_that_fails_is_sent_back_and_corrected(
    mini_catalog: Catalog, generator_api: FakeOpenAIServer | None
) -> None:
    result, tape = run(
        mini_catalog, generator_api, "bad_pick_corrected", pick("openai:gpt-7-ultra"), pick("openai:gpt-5")
    )
    assert result.runtime.roles["llm.inference"].model == "gpt-5" and result.decided_by["llm.inference"] == "llm"
    reask = bodies(tape)[1]["messages"][-1]["content"]
    assert "gpt-7-ultra" in reask and "not in the catalog" in reask


REAL_MODEL_BASE = os.environ.get("LLMHUB_CASSETTE_LOCAL_MODEL_BASE")
"""Where a real local model serves OpenAI's API when `small_local_model.yaml` is recorded (see below)."""


def test_a_real_small_model_researches_and_the_rules_decide_what_it_could_not(
    mini_catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real model's research, replayed: gemma-3-270m served by llama-cpp-python on loopback.

    Its replies are a real server's (llama.cpp's ids, usage and extra fields), read through any-llm
    and instructor as in production. Recorded with, after deleting the cassette:

        LLMHUB_VCR_RECORD_MODE=all LLMHUB_CASSETTE_LOCAL_MODEL_BASE=http://127.0.0.1:8765/v1 \\
            pytest tests/cassette/test_agent_cassettes.py -k real_small_model

    (docs/generator.md says how that server was run). Whatever the model does, every role ends with a
    pick that passes the constraints: its own when usable, else the rules', with the reason.
    """
    if RECORD_MODE != "none" and not REAL_MODEL_BASE:
        pytest.skip("recording this cassette needs a local model: set LLMHUB_CASSETTE_LOCAL_MODEL_BASE")
    monkeypatch.setenv("GENERATOR_API_KEY", RECORDING_KEY)
    monkeypatch.setenv("GENERATOR_API_BASE", (REAL_MODEL_BASE or "") if RECORD_MODE != "none" else CLOSED_PORT_BASE)
    # A model on two CPU cores reads a long prompt slowly: two minutes per call rather than 30 s. One
    # turn: given its tool's answer, this model's server (llama-cpp-python's chatml-function-calling)
    # generated past any timeout, so the recording stops at the step limit after the first tool call.
    text = SPEC.replace("brain:fake-generator", "brain:gemma-3-270m").replace(
        "timeout: 30", "timeout: 120, research_steps: 1"
    )
    spec = parse_spec(text, source="llmhub.spec.yaml")
    with make_vcr(LIBRARY).use_cassette("small_local_model.yaml", allow_playback_repeats=False) as tape:
        result = generate_runtime_from_spec(spec, GeneratorOptions(catalog=mini_catalog))
    assert RECORD_MODE != "none" or tape.all_played
    replies = [json.loads(r["body"]["string"]) for r in tape.responses]
    assert replies and all(
        r["model"].endswith("gemma-3-270m-q4_k_m.gguf") or r["model"] == "gemma-3-270m" for r in replies
    )
    assert all(r["usage"]["prompt_tokens"] > 500 for r in replies)  # the real prompt, as the server counted it
    assert result.usage is not None and f"{len(replies)} turns" in result.usage
    if result.decided_by["llm.inference"] == "rules":  # as recorded: a tool call, then the step limit
        assert any("the LLM's research gave no usable pick" in w for w in result.warnings)
        rules_only = generate_runtime_from_spec(spec, GeneratorOptions(catalog=mini_catalog, no_llm=True))
        assert result.runtime.roles == rules_only.runtime.roles


def test_no_agent_cassette_holds_a_key() -> None:
    texts = [path.read_text() for path in sorted(LIBRARY.glob("*.yaml"))]
    assert len(texts) == 4
    assert not any(RECORDING_KEY in text or "sk-" in text for text in texts)
    assert os.environ.get("LLMHUB_CASSETTE_API_KEY", RECORDING_KEY) not in "".join(texts)
