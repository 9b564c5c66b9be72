"""`llmhub test`: real calls through the runtime and any-llm, against the local OpenAI-compatible server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from llmhub.cli import app
from llmhub_runtime.testing import FakeOpenAIServer, ScriptedResponse


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_server: FakeOpenAIServer, local_key: str) -> Path:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "llmhub.yaml"
    path.write_text(
        "providers:\n"
        f"  local: {{type: openai, api_base: '{fake_server.base_url}', env_key: LOCAL_LLM_KEY}}\n"
        "roles:\n"
        "  llm.inference:\n"
        "    provider: local\n"
        "    model: fake-chat\n"
        "    pricing: {input_per_million: 2.0, output_per_million: 10.0}\n"
        "  llm.embedding: {provider: local, model: fake-embed, mode: embedding}\n"
        "  llm.image: {provider: local, model: fake-image, mode: image}\n"
    )
    return path


def test_every_role_is_called_with_latency_tokens_and_cost(config: Path, fake_server: FakeOpenAIServer) -> None:
    result = run("test")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "✓ llm.inference: local:fake-chat:" in out
    assert "9 in / 10 out tokens, $0.000118" in out  # 9 x $2 + 10 x $10 per million
    assert "[fake-chat] Reply with one short sentence" in out  # the reply itself
    assert "✓ llm.embedding: local:fake-embed:" in out and "dimensions" in out
    assert "- llm.image: local:fake-image: skipped" in out
    assert "2 of 3 roles answered" in out
    assert fake_server.count() == 2


def test_json_carries_the_real_any_llm_response(config: Path, fake_server: FakeOpenAIServer) -> None:
    result = run("test", "--role", "llm.inference", "--prompt", "hello there", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    [entry] = report["results"]
    assert entry["status"] == "ok"
    assert entry["reply"] == "[fake-chat] hello there"
    assert entry["usage"]["total_tokens"] == entry["usage"]["prompt_tokens"] + entry["usage"]["completion_tokens"]
    expected_cost = (entry["usage"]["prompt_tokens"] * 2.0 + entry["usage"]["completion_tokens"] * 10.0) / 1e6
    assert entry["cost_usd"] == pytest.approx(expected_cost)
    assert entry["response"]["object"] == "chat.completion"
    assert entry["response"]["choices"][0]["message"]["content"] == "[fake-chat] hello there"
    assert fake_server.requests[0].body["messages"] == [{"role": "user", "content": "hello there"}]


def test_a_failing_role_exits_1_and_names_it(config: Path, fake_server: FakeOpenAIServer) -> None:
    fake_server.enqueue(ScriptedResponse(status=400, message="bad model"), model="fake-chat")
    result = run("test", "-r", "llm.inference", "-r", "llm.embedding")
    assert result.exit_code == 1
    assert "✗ llm.inference: local:fake-chat:" in result.stdout
    assert "✓ llm.embedding" in result.stdout
    assert "llm.inference failed" in result.stderr


def test_an_unknown_role_is_a_usage_error_with_a_suggestion(config: Path, fake_server: FakeOpenAIServer) -> None:
    result = run("test", "--role", "llm.inferense")
    assert result.exit_code == 2
    assert "did you mean 'llm.inference'" in result.output
    assert fake_server.count() == 0  # nothing spent on a typo


def test_a_missing_key_is_named_and_never_a_traceback(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LOCAL_LLM_KEY")
    result = run("test", "-r", "llm.inference")
    assert result.exit_code == 1
    assert "LOCAL_LLM_KEY" in result.stdout
    assert "Traceback" not in result.output


def test_a_rejected_key_never_appears_in_the_output(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOCAL_LLM_KEY", "sk-rejected-secret-value")
    result = run("test", "--json")
    assert result.exit_code == 1
    assert "sk-rejected-secret-value" not in result.output
    statuses = {r["role"]: r["status"] for r in json.loads(result.stdout)["results"]}
    assert statuses == {"llm.inference": "failed", "llm.embedding": "failed", "llm.image": "skipped"}


def test_a_role_with_variants_is_called_once_per_variant(config: Path, fake_server: FakeOpenAIServer) -> None:
    text = config.read_text().replace(
        "    pricing: {input_per_million: 2.0, output_per_million: 10.0}\n",
        "    pricing: {input_per_million: 2.0, output_per_million: 10.0}\n"
        "    variants: [{name: a, weight: 0.9}, {name: b, weight: 0.1, model: fake-chat-b}]\n",
    )
    config.write_text(text)
    result = run("test", "--role", "llm.inference")
    assert result.exit_code == 0, result.output
    assert "✓ llm.inference [a]: local:fake-chat:" in result.stdout
    assert "✓ llm.inference [b]: local:fake-chat-b:" in result.stdout  # the 10% arm is tried too
    assert "2 of 2 calls answered" in result.stdout
    data = json.loads(run("test", "--role", "llm.inference", "--json").stdout)
    assert [(r["variant"], r["model"]) for r in data["results"]] == [("a", "fake-chat"), ("b", "fake-chat-b")]
