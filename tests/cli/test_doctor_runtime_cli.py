"""`llmhub doctor` and `llmhub runtime show|diff` on a project built from the mini catalog mirror."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from llmhub.cli import app
from llmhub_runtime.config_loader import load_config
from llmhub_runtime.testing import FakeOpenAIServer
from tests.paths import MINI

SPEC = """\
project: demo
providers:
  openai: {env_key: OPENAI_API_KEY}
  anthropic: {env_key: ANTHROPIC_API_KEY}
roles:
  llm.inference:
    description: Main reasoning model for answering questions
    preferences: {quality: high}
  llm.embedding:
    kind: embedding
"""


def run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(app, list(args), input=input)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LLMHUB_CATALOG_SOURCES", str(MINI))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "llmhub.spec.yaml").write_text(SPEC)
    return tmp_path


@pytest.fixture
def generated(project: Path) -> Path:
    result = run("generate", "--no-llm")
    assert result.exit_code == 0, result.output
    return project / "llmhub.yaml"


def checks(result: Result) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for check in json.loads(result.stdout)["checks"]:
        found.setdefault(check["name"], []).append(check)
    return found


def test_doctor_in_an_empty_directory_says_to_run_init(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("doctor", "--no-network")
    assert result.exit_code == 1
    assert "✗ spec: no llmhub.spec.yaml" in result.stdout
    assert "fix: run `llmhub init`" in result.stdout
    assert "- ping: --no-network" in result.stdout
    assert "Traceback" not in result.output


def test_doctor_on_a_healthy_project(generated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-doctor-secret-1")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-doctor-secret-2")
    result = run("doctor", "--no-network", "--json")
    assert result.exit_code == 0, result.output
    found = checks(result)
    assert [c["status"] for c in found["spec"]] == ["ok"]
    assert [c["status"] for c in found["runtime"]] == ["ok"]
    assert {c["status"] for c in found["in sync"]} == {"ok"}
    assert any("its picks are what the spec and this catalog give now" in c["message"] for c in found["in sync"])
    assert {c["status"] for c in found["env keys"]} == {"ok"}
    assert found["catalog"][0]["status"] == "ok"  # built by generate, from the mirror
    assert "models.dev (local" in found["catalog"][0]["message"]
    assert [c["status"] for c in found["models"]] == ["ok"]
    assert "secret" not in result.stdout


def test_doctor_finds_a_missing_key_a_changed_spec_and_a_deprecated_model(
    generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-doctor-secret-1")
    text = generated.read_text()
    generated.write_text(
        text.replace("fallbacks:\n", "fallbacks:\n    - provider: anthropic\n      model: claude-3-opus-20240229\n", 1)
    )
    (generated.parent / "llmhub.spec.yaml").write_text(SPEC.replace("quality: high", "quality: low"))
    result = run("doctor", "--no-network")
    assert result.exit_code == 1
    out = result.stdout
    assert "✗ env keys: ANTHROPIC_API_KEY is not set (anthropic)" in out
    assert "✓ env keys: OPENAI_API_KEY is set" in out
    assert "✗ in sync: the spec changed since" in out
    assert "claude-3-opus-20240229 is deprecated" in out
    assert "fix: run `llmhub generate`" in out
    assert "sk-doctor-secret-1" not in result.output


def test_doctor_reports_a_malformed_spec_and_runtime_without_a_traceback(project: Path) -> None:
    (project / "llmhub.spec.yaml").write_text("roles:\n  x:\n    preferences: {qualty: high}\n")
    (project / "llmhub.yaml").write_text("roles: [not, a, mapping]\n")
    result = run("doctor", "--no-network")
    assert result.exit_code == 1
    assert "✗ spec:" in result.stdout and "qualty" in result.stdout
    assert "✗ runtime:" in result.stdout
    assert "Traceback" not in result.output


def test_doctor_pings_each_provider_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_server: FakeOpenAIServer, local_key: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "llmhub.yaml").write_text(
        "providers:\n"
        f"  local: {{type: openai, api_base: '{fake_server.base_url}', env_key: LOCAL_LLM_KEY}}\n"
        "roles:\n"
        "  llm.a: {provider: local, model: fake-chat}\n"
        "  llm.b: {provider: local, model: fake-chat-small}\n"
        "  llm.e: {provider: local, model: fake-embed, mode: embedding}\n"
    )
    result = run("doctor")
    assert "✓ ping: local (fake-chat, from llm.a) answered" in result.stdout, result.output
    assert fake_server.count() == 1
    body = fake_server.requests[0].body
    assert body.get("max_completion_tokens", body.get("max_tokens")) == 1  # any-llm renames it for OpenAI
    monkeypatch.setenv("LOCAL_LLM_KEY", "sk-wrong-key-for-ping")
    result = run("doctor")
    assert "✗ ping: local" in result.stdout
    assert "sk-wrong-key-for-ping" not in result.output


def test_runtime_show(generated: Path) -> None:
    result = run("runtime", "show")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[1].split("\t") == ["role", "model", "mode", "fallbacks", "params"]
    assert any(line.startswith("llm.embedding\topenai:text-embedding") for line in lines)
    as_json = json.loads(run("runtime", "show", "--json").stdout)
    assert set(as_json["roles"]) == {"llm.inference", "llm.embedding"}


def test_runtime_diff_against_the_spec_and_between_files(generated: Path, project: Path) -> None:
    same = run("runtime", "diff", "--no-llm", "--exit-code")
    assert same.exit_code == 0, same.output
    assert "No role differences" in same.stdout
    (project / "llmhub.spec.yaml").write_text(SPEC.replace("quality: high", "cost: low, latency: low"))
    changed = run("runtime", "diff", "--no-llm", "--exit-code", "--json")
    assert changed.exit_code == 1
    report = json.loads(changed.stdout)
    assert [c["role"] for c in report["changes"]] == ["llm.inference"]
    assert report["changes"][0]["before"] != report["changes"][0]["after"]
    assert generated.read_text() == (project / "llmhub.yaml").read_text()  # nothing written

    other = project / "other.yaml"
    other.write_text(
        generated.read_text().replace("temperature: 0.3", "temperature: 0.9").replace("llm.embedding:", "llm.vec:")
    )
    result = run("runtime", "diff", str(generated), str(other))
    assert result.exit_code == 0
    assert "params.temperature: 0.3 -> 0.9" in result.stdout
    assert "+ llm.vec:" in result.stdout and "- llm.embedding:" in result.stdout


def test_runtime_commands_without_a_file_fail_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for args in (("runtime", "show"), ("runtime", "diff")):
        result = run(*args)
        assert result.exit_code == 1
        assert result.stderr.count("\n") == 1 and "llmhub.yaml" in result.stderr


def test_outside_a_project_llmhub_config_is_used_like_the_app_would(
    generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.setenv("LLMHUB_CONFIG", str(generated))
    result = run("runtime", "show", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["path"] == str(generated)


def test_quiet_doctor_prints_only_what_needs_attention(generated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-doctor-secret-1")
    result = run("--quiet", "doctor", "--no-network")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "✗ env keys: ANTHROPIC_API_KEY is not set (anthropic)"
    assert not any(line.startswith("✓") for line in lines)


def test_doctor_warns_about_a_model_that_retires_and_names_its_successor(
    generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-doctor-secret-1")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-doctor-secret-2")
    role = load_config(generated).roles["llm.inference"]
    (generated.parent / "llmhub.catalog-overrides.yaml").write_text(
        f"models:\n  - {{provider: {role.provider}, model_id: {role.model}, deprecation_date: '2099-03-01',"
        " successor: better-model}\n"
    )
    assert run("generate", "--no-llm", "--force").exit_code == 0  # a date years away: still the pick
    result = run("doctor", "--no-network", "--json")
    found = checks(result)
    messages = [c["message"] for c in found["models"] if c["status"] == "warn"]
    assert messages == [
        f"llm.inference: {role.provider}:{role.model} retires on 2099-03-01; its successor is better-model "
        "(per overrides)"
    ]


def test_doctor_and_runtime_diff_agree_on_a_hand_edited_file(generated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-doctor-secret-1")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-doctor-secret-2")
    config = load_config(generated)
    role = config.roles["llm.inference"]
    other = next(f for f in role.fallbacks)
    text = generated.read_text().replace(f"model: {role.model}\n", f"model: {other.model}\n", 1)
    text = text.replace(f"provider: {role.provider}\n", f"provider: {other.provider}\n", 1)
    generated.write_text(text)
    assert run("runtime", "diff", "--no-llm", "--exit-code").exit_code == 1
    result = run("doctor", "--no-network", "--json")
    assert result.exit_code == 1
    sync = checks(result)["in sync"]
    assert any(c["status"] == "fail" and "edited by hand" in c["message"] for c in sync), sync


def test_outdated_names_retiring_and_deprecated_models_and_exits_by_fail_on(
    generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    role = load_config(generated).roles["llm.inference"]
    target = f"{role.provider}:{role.model}"
    overrides = generated.parent / "llmhub.catalog-overrides.yaml"
    overrides.write_text(
        f"models:\n  - {{provider: {role.provider}, model_id: {role.model}, deprecation_date: '2099-03-01',"
        " successor: better-model}\n"
    )
    far = run("outdated", "--json")  # a date decades away is outside the default 180-day window
    assert far.exit_code == 0, far.output
    listed = {t["model"]: t for t in json.loads(far.stdout)["targets"] if t["role"] == "llm.inference"}
    assert listed[target]["status"] == "ok" and listed[target]["successor"] == "better-model"
    assert listed[target]["source"] == "overrides"
    near = run("outdated", "--within", "40000d")
    assert near.exit_code == 1  # retiring within the window: needs attention by default
    assert f"! llm.inference (primary): {target} retires on 2099-03-01; its successor is better-model" in near.output
    assert run("outdated", "--within", "40000d", "--fail-on", "deprecated").exit_code == 0
    overrides.write_text(f"models:\n  - {{provider: {role.provider}, model_id: {role.model}, deprecated: true}}\n")
    gone = run("outdated", "--fail-on", "deprecated")
    assert gone.exit_code == 1 and f"✗ llm.inference (primary): {target} deprecated" in gone.output
    assert run("outdated", "--fail-on", "everything").exit_code == 2


def test_outdated_fail_on_better_when_todays_rules_pick_otherwise(generated: Path) -> None:
    assert run("outdated", "--fail-on", "better").exit_code == 0  # just generated: nothing better
    text = generated.read_text()
    role = load_config(generated).roles["llm.inference"]
    generated.write_text(text.replace(f"model: {role.model}", "model: an-older-pick", 1))
    result = run("outdated", "--fail-on", "better")
    assert result.exit_code == 1
    assert f"llm.inference: {role.provider}:an-older-pick -> {role.provider}:{role.model}" in result.output
