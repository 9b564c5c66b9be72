"""`generator.mode: agent` end to end, through the real any-llm path against the local scripted server."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from llmhub.generator import GenerationResult, GeneratorOptions, generate_runtime_from_spec
from llmhub.spec import parse_spec
from llmhub_runtime.testing import FakeOpenAIServer, ScriptedResponse, ScriptedToolCall

from .conftest import assert_fallbacks_within, brain_providers, fixture_catalog


def spec_text(server: FakeOpenAIServer) -> str:
    return f"""
{brain_providers(server.base_url)}roles:
  a: {{description: Answer questions, fallbacks: 1}}
generator: {{model: 'brain:gen-1', mode: agent, timeout: 5, research_steps: 4}}
"""


def generate(text: str, no_llm: bool = False) -> GenerationResult:
    return generate_runtime_from_spec(parse_spec(text), GeneratorOptions(catalog=fixture_catalog(), no_llm=no_llm))


def final(primary: str, *fallbacks: str) -> ScriptedResponse:
    body = {
        "primary": primary,
        "fallbacks": list(fallbacks),
        "rationale": "best measured within budget",
        "needs": {"min_context": 64000},
    }
    return ScriptedResponse(content=json.dumps(body), usage=(900, 60))


def test_the_llm_researches_with_tools_then_its_checked_pick_decides(
    fake_server: FakeOpenAIServer, local_key: str
) -> None:
    rules_only = generate(spec_text(fake_server), no_llm=True)
    rules_pick = rules_only.runtime.roles["a"]
    # Something other than the rules' pick, that passes every constraint of the role.
    other = next(
        m.canonical_id
        for m in fixture_catalog()
        if m.provider in ("openai", "anthropic")
        and m.identity.callable
        and str(m.kind) == "chat"
        and not m.lifecycle.deprecated
        and m.canonical_id != f"{rules_pick.provider}:{rules_pick.model}"
    )
    fake_server.enqueue(
        ScriptedResponse(tool_calls=[ScriptedToolCall("search", {"limit": 3})], usage=(500, 20)),
        ScriptedResponse(tool_calls=[ScriptedToolCall("check", {"model_id": other})], usage=(700, 20)),
        final(other),
    )
    result = generate(spec_text(fake_server))
    role = result.runtime.roles["a"]
    assert f"{role.provider}:{role.model}" == other and result.decided_by["a"] == "llm"
    assert len(role.fallbacks) == 1  # topped up by the rules when the LLM names none
    rationale = result.explanations["a"].rationale or ""
    assert "best measured within budget" in rationale and "search(" in rationale and "check(" in rationale
    assert result.usage is not None and "2200 tokens, 2 tool calls" in result.usage
    # brain:gen-1 has no catalog price: the cost is unknown, never $0; one line per role follows.
    assert "cost unknown (no catalog price for the generator model)" in result.usage
    assert "\n  a: 3 turns, 2200 tokens, cost unknown, " in result.usage  # why, once, in the total
    explanation = result.explanations["a"]
    assert explanation.spec_suggestions == {"min_context": 64000}  # shown, not applied
    assert "the description implies (add to the spec to enforce): {min_context: 64000}" in str(explanation)
    rules_id = f"{rules_pick.provider}:{rules_pick.model}"
    assert any(n.startswith(f"the rules would have picked {rules_id}") for n in result.explanations["a"].notes)
    chats = [r for r in fake_server.requests if r.path.endswith("/chat/completions")]
    assert len(chats) == 3 and all(r.body.get("tools") for r in chats)
    tool_reply = chats[1].body["messages"][-1]
    assert tool_reply["role"] == "tool" and "models" in json.loads(tool_reply["content"])  # the catalog answered


def test_a_401_mid_research_leaves_the_role_to_the_rules_and_exits_clean(
    fake_server: FakeOpenAIServer, local_key: str
) -> None:
    fake_server.enqueue(
        ScriptedResponse(tool_calls=[ScriptedToolCall("search", {})]), ScriptedResponse(status=401, message="bad key")
    )
    result = generate(spec_text(fake_server))
    rules_only = generate(spec_text(fake_server), no_llm=True)
    assert result.decided_by["a"] == "rules"
    assert result.runtime.roles["a"] == rules_only.runtime.roles["a"]
    assert any("the LLM's research gave no usable pick" in w and "failed" in w for w in result.warnings)
    # --explain says so in the role's own block, with what the LLM looked up before it failed.
    (note,) = [n for n in result.explanations["a"].notes if "no usable pick" in n]
    assert "it looked up: search(" in note and note in str(result.explanations["a"])


def test_a_pick_outside_the_catalog_twice_is_refused(
    fake_server: FakeOpenAIServer, local_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    instructor_log = logging.getLogger("instructor")
    monkeypatch.setattr(instructor_log, "handlers", [])
    fake_server.enqueue(final("openai:gpt-imaginary"), final("openai:gpt-imaginary"))
    result = generate(spec_text(fake_server))
    # instructor logs both failed attempts; the warning says it once, and the terminal gets no traceback-like log.
    assert [type(h) for h in instructor_log.handlers] == [logging.NullHandler]
    assert result.decided_by["a"] == "rules"
    assert any("unusable twice" in w for w in result.warnings)
    second = [r for r in fake_server.requests if r.path.endswith("/chat/completions")][1]
    assert "is not in the catalog" in second.body["messages"][-1]["content"]  # sent back with the reason


def test_fallbacks_topped_up_after_research_keep_the_price_ratio(fake_server: FakeOpenAIServer, local_key: str) -> None:
    text = spec_text(fake_server).replace("fallbacks: 1}", "fallbacks: 2, policy: {fallback_price_ratio: 2}}")
    fake_server.enqueue(final("openai:gpt-mini"))
    result = generate(text)
    assert result.decided_by["a"] == "llm"
    assert_fallbacks_within(result, "a", ratio=2, count=2)  # the LLM named none: the rules topped up


def test_needs_read_in_a_description_are_a_spec_diff_the_user_can_accept(
    fake_server: FakeOpenAIServer, local_key: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from llmhub.cli import app
    from tests.paths import MINI

    monkeypatch.setenv("LLMHUB_CATALOG_SOURCES", str(MINI))
    monkeypatch.setenv("LLMHUB_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    spec = tmp_path / "llmhub.spec.yaml"
    text = "# our roles\n" + spec_text(fake_server)
    spec.write_text(text)
    runner = CliRunner()
    rules_only = runner.invoke(app, ["generate", "--no-llm", "--dry-run", "--json"])
    assert rules_only.exit_code == 0, rules_only.output
    assert json.loads(rules_only.stdout)["spec_diff"] == ""  # the rules read nothing into descriptions
    pick = json.loads(rules_only.stdout)["runtime"]["roles"]["a"]
    fake_server.enqueue(final(f"{pick['provider']}:{pick['model']}"))
    shown = runner.invoke(app, ["generate", "--dry-run"])
    assert shown.exit_code == 0, shown.output
    assert "-  a: {description: Answer questions, fallbacks: 1}" in shown.stdout
    assert "+  a: {description: Answer questions, fallbacks: 1, min_context: 64000}" in shown.stdout
    assert spec.read_text() == text  # shown, never applied on its own

    fake_server.enqueue(final(f"{pick['provider']}:{pick['model']}"))
    accepted = runner.invoke(app, ["generate", "--accept-suggestions", "--force"])
    assert accepted.exit_code == 0, accepted.output
    assert "run `llmhub generate` again to apply them" in accepted.stdout
    assert spec.read_text() == text.replace("fallbacks: 1}", "fallbacks: 1, min_context: 64000}")  # the rest as written
    assert parse_spec(spec.read_text()).roles["a"].min_context == 64000
    assert list((tmp_path / ".llmhub" / "backup").glob("llmhub.spec.*.yaml"))  # the old spec kept


def test_a_language_read_in_a_description_is_suggested_and_shown_to_the_model(
    fake_server: FakeOpenAIServer, local_key: str
) -> None:
    text = spec_text(fake_server).replace("Answer questions", "Answer questions from our Quebec customers")
    pick = generate(text, no_llm=True).runtime.roles["a"]
    body = {"primary": f"{pick.provider}:{pick.model}", "rationale": "r", "needs": {"languages": ["French"]}}
    fake_server.enqueue(ScriptedResponse(content=json.dumps(body), usage=(900, 60)))
    result = generate(text)
    assert result.explanations["a"].spec_suggestions == {"languages": ["french"]}
    brief = json.loads(fake_server.requests[0].body["messages"][1]["content"].split("\n", 1)[1])
    assert brief["languages"] == [] and "french" in brief["languages known"]  # what the model may name


def test_the_research_is_priced_at_the_generator_models_catalog_prices(
    fake_server: FakeOpenAIServer, local_key: str
) -> None:
    # The generator is a catalog model (openai:gpt-mini, $0.4 / $1.6 per M) reached at the local server.
    text = f"""
providers:
  openai: {{api_base: "{fake_server.base_url}", env_key: LOCAL_LLM_KEY}}
  anthropic: {{env_key: ANTHROPIC_API_KEY}}
roles:
  a: {{description: Answer questions, fallbacks: 1}}
generator: {{model: 'openai:gpt-mini', mode: agent, timeout: 5, research_steps: 4}}
"""
    pick = generate(text, no_llm=True).runtime.roles["a"]
    fake_server.enqueue(final(f"{pick.provider}:{pick.model}"))  # 900 tokens in, 60 out
    usage = generate(text).usage or ""
    cost = (900 * 0.4 + 60 * 1.6) / 1e6
    assert "960 tokens, 0 tool calls" in usage and f"${cost:.4f}" in usage
    assert f"\n  a: 1 turns, 960 tokens, ${cost:.4f}, 0 tool calls" in usage
