"""The LLM path's failure handling, live against a local OpenAI-compatible server (no cassette needed).

Every failure ends in the rules' choice with a warning, never in an error: a bad key or a timeout
stops the LLM for the rest of the run after one attempt; what the LLM reads cannot make a role
impossible; the generator model comes from the spec or $LLMHUB_GENERATOR_MODEL.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from llmhub.generator import GenerationResult, GeneratorOptions, generate_runtime_from_spec
from llmhub.spec import parse_spec
from llmhub_runtime.testing import FakeOpenAIServer, ScriptedResponse

from .conftest import assert_fallbacks_within, brain_providers, fixture_catalog

READING = json.dumps({"task": "general", "requires": [], "min_context": None, "summary": "answers"})


def spec_text(
    server: FakeOpenAIServer, generator: str = "generator: {model: 'brain:gen-1', timeout: 2, mode: json}"
) -> str:
    return f"""
{brain_providers(server.base_url)}roles:
  a: {{description: Answer questions}}
  b: {{description: Summarise tickets}}
{generator}
"""


def generate(text: str, **options: Any) -> GenerationResult:
    return generate_runtime_from_spec(parse_spec(text), GeneratorOptions(catalog=fixture_catalog(), **options))


def test_a_rejected_key_stops_the_llm_after_one_call(
    fake_server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOCAL_LLM_KEY", "sk-wrong-key")
    result = generate(spec_text(fake_server))
    assert result.decided_by == {"a": "rules", "b": "rules"}
    assert fake_server.count("/v1/chat/completions") == 1  # not once per role
    assert len(result.warnings) == 1
    assert result.warnings[0].startswith("LLM-assisted generation stopped at role 'a' (AuthenticationError")
    assert "sk-wrong-key" not in result.warnings[0]


def test_a_timeout_falls_back_to_the_rules(fake_server: FakeOpenAIServer, local_key: str) -> None:
    fake_server.enqueue(*[ScriptedResponse(delay=5)] * 4)
    result = generate(spec_text(fake_server).replace("timeout: 2", "timeout: 0.5"))
    assert result.decided_by == {"a": "rules", "b": "rules"}
    assert "LLM-assisted generation stopped at role 'a'" in result.warnings[0]
    assert "Timeout" in result.warnings[0] or "timed out" in result.warnings[0].lower()


def test_the_llm_reading_cannot_make_a_role_impossible(fake_server: FakeOpenAIServer, local_key: str) -> None:
    impossible = json.dumps({"task": "general", "requires": ["audio_input"], "min_context": None, "summary": "x"})
    pick = json.dumps({"primary": "anthropic:claude-top", "fallbacks": [], "rationale": "best rated"})
    fake_server.enqueue(impossible, pick)
    result = generate(spec_text(fake_server).replace("  b: {description: Summarise tickets}\n", ""))
    assert any("no model meets the needs the LLM read" in w for w in result.warnings)
    assert result.decided_by == {"a": "llm"}
    assert result.runtime.roles["a"].model == "claude-top"


def test_environment_variable_names_the_generator_model(
    fake_server: FakeOpenAIServer, local_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LLMHUB_GENERATOR_MODEL", "brain:from-env")
    text = spec_text(fake_server, generator="").replace("  b: {description: Summarise tickets}\n", "")
    fake_server.enqueue(READING, json.dumps({"primary": "openai:gpt-mini", "fallbacks": [], "rationale": "cheap"}))
    result = generate(text)
    assert result.decided_by == {"a": "llm"}
    assert fake_server.requests[0].body["model"] == "from-env"


@pytest.mark.parametrize(
    ("generator", "options"),
    [
        ("generator: {model: 'brain:gen-1', enabled: false}", {}),
        ("generator: {model: 'brain:gen-1'}", {"no_llm": True}),
    ],
    ids=["disabled-in-spec", "no-llm"],
)
def test_rules_only_makes_no_call(
    fake_server: FakeOpenAIServer, local_key: str, generator: str, options: dict[str, Any]
) -> None:
    result = generate(spec_text(fake_server, generator=generator), **options)
    assert result.decided_by == {"a": "rules", "b": "rules"}
    assert fake_server.requests == []
    assert result.warnings == []


def test_a_missing_key_skips_the_llm_with_one_warning(fake_server: FakeOpenAIServer) -> None:
    result = generate(spec_text(fake_server))
    assert result.warnings == ["LLM-assisted generation skipped (LOCAL_LLM_KEY is not set); the rules chose every role"]
    assert fake_server.requests == []


def test_fallbacks_topped_up_after_an_llm_pick_keep_the_price_ratio(
    fake_server: FakeOpenAIServer, local_key: str
) -> None:
    text = spec_text(fake_server).replace(
        "  a: {description: Answer questions}\n",
        "  a: {description: Answer questions, fallbacks: 2, policy: {fallback_price_ratio: 2}}\n",
    )
    text = text.replace("  b: {description: Summarise tickets}\n", "")
    fake_server.enqueue(READING, json.dumps({"primary": "openai:gpt-mini", "fallbacks": [], "rationale": "cheap"}))
    result = generate(text)
    assert result.decided_by == {"a": "llm"}
    assert_fallbacks_within(result, "a", ratio=2, count=2)  # the LLM named none: the rules topped up
