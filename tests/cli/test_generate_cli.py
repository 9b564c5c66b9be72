"""`llmhub generate`, `llmhub spec`, `llmhub schema` as a user runs them, on the mini catalog mirror."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from llmhub._resources import data_dir
from llmhub.cli import app
from llmhub.schemas import schema_for
from llmhub_runtime.config_loader import load_config
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
  llm.cheap:
    description: Classify support tickets
    preferences: {cost: low, latency: low}
  llm.embedding:
    kind: embedding
environments:
  prod:
    roles:
      llm.cheap:
        preferences: {quality: high, cost: high}
"""


@pytest.fixture(autouse=True)
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LLMHUB_CATALOG_SOURCES", str(MINI))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "llmhub.spec.yaml").write_text(SPEC)
    return tmp_path


def with_role(role: str) -> str:
    """SPEC with one more role (YAML indented under `roles:`)."""
    return SPEC.replace("environments:", role + "environments:")


def run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(app, list(args), input=input)


def roles_of(path: Path) -> dict[str, str]:
    config = load_config(path)
    return {name: f"{role.provider}:{role.model}" for name, role in config.roles.items()}


def test_generate_writes_a_loadable_llmhub_yaml_with_its_schema(project: Path) -> None:
    result = run("generate", "--no-llm")
    assert result.exit_code == 0, result.output
    roles = roles_of(project / "llmhub.yaml")
    assert set(roles) == {"llm.inference", "llm.cheap", "llm.embedding"}
    assert roles["llm.embedding"].startswith("openai:text-embedding")
    assert f"llm.inference: {roles['llm.inference']}" in result.stdout
    assert "[rules]" in result.stdout
    schema = json.loads((project / ".llmhub" / "schema" / "runtime.schema.json").read_text())
    assert schema == schema_for("runtime")


def test_generate_finds_the_spec_from_a_subdirectory(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run("generate", "--no-llm").exit_code == 0
    nested = project / "src" / "pkg"
    nested.mkdir(parents=True)
    monkeypatch.chdir(nested)
    result = run("generate", "--no-llm")
    assert result.exit_code == 0, result.output
    assert "up to date" in result.stdout  # found ../../llmhub.spec.yaml and its llmhub.yaml


def test_second_run_is_up_to_date_and_byte_identical(project: Path) -> None:
    assert run("generate", "--no-llm").exit_code == 0
    first = (project / "llmhub.yaml").read_bytes()
    result = run("generate", "--no-llm")
    assert result.exit_code == 0
    assert "llmhub.yaml is up to date" in result.stdout
    assert (project / "llmhub.yaml").read_bytes() == first
    assert not (project / ".llmhub" / "backup").exists()


def test_changes_need_force_when_nobody_can_answer(project: Path) -> None:
    assert run("generate", "--no-llm").exit_code == 0
    before = (project / "llmhub.yaml").read_text()
    spec = project / "llmhub.spec.yaml"
    spec.write_text(SPEC.replace("preferences: {quality: high}", "preferences: {quality: low, cost: low}"))
    result = run("generate", "--no-llm")
    assert result.exit_code == 1
    assert "~ llm.inference:" in result.stdout  # the diff of role changes is shown first
    assert "rerun with --force" in result.stderr
    assert (project / "llmhub.yaml").read_text() == before  # nothing lost

    result = run("generate", "--no-llm", "--force")
    assert result.exit_code == 0, result.output
    assert (project / "llmhub.yaml").read_text() != before
    backups = list((project / ".llmhub" / "backup").iterdir())
    assert len(backups) == 1 and backups[0].read_text() == before
    assert str(backups[0]) in result.stdout


def test_interactive_confirmation(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("llmhub.cli.review._interactive", lambda: True)
    assert run("generate", "--no-llm").exit_code == 0
    before = (project / "llmhub.yaml").read_text()
    (project / "llmhub.spec.yaml").write_text(SPEC.replace("{quality: high}", "{quality: low, cost: low}"))
    declined = run("generate", "--no-llm", input="n\n")
    assert declined.exit_code == 0  # declining is not a failure
    assert "Nothing written." in declined.stdout
    assert (project / "llmhub.yaml").read_text() == before
    accepted = run("generate", "--no-llm", input="y\n")
    assert accepted.exit_code == 0
    assert (project / "llmhub.yaml").read_text() != before


def test_dry_run_prints_and_writes_nothing(project: Path) -> None:
    result = run("generate", "--no-llm", "--dry-run")
    assert result.exit_code == 0
    assert result.stdout.startswith("# yaml-language-server: $schema=")
    assert "roles:\n  llm.inference:" in result.stdout
    assert not (project / "llmhub.yaml").exists()
    assert not (project / ".llmhub").exists()


def test_explain_shows_facts_runner_ups_and_constraints(project: Path) -> None:
    result = run("generate", "--no-llm", "--explain", "--dry-run")
    assert result.exit_code == 0
    out = result.stdout
    assert "llm.inference: " in out and "[decided by rules]" in out
    assert "why: price $" in out and "quality " in out
    assert "runner-up " in out
    assert "constraints (" in out and "provider enabled and allowed (openai, anthropic)" in out
    assert "task: reasoning (the description says 'reasoning')" in out
    assert "latency is estimated" in out


def test_explain_shows_trade_offs_and_projections_identically_across_runs(project: Path) -> None:
    traffic = "    traffic: {requests_per_day: 500, input_tokens: 1000, output_tokens: 200}\n"
    text = SPEC.replace("    preferences: {quality: high}\n", "    preferences: {quality: high}\n" + traffic, 1)
    (project / "llmhub.spec.yaml").write_text(text)
    first = run("generate", "--no-llm", "--explain", "--dry-run")
    second = run("generate", "--no-llm", "--explain", "--dry-run")
    assert first.exit_code == 0, first.output
    assert first.stdout == second.stdout
    assert first.stdout.count("trade-offs (one step in a preference):") == 3
    assert "projected at 500 requests/day x (1000 in + 200 out tokens): $" in first.stdout
    data = json.loads(run("generate", "--no-llm", "--json", "--dry-run").stdout)
    inference = data["explanations"]["llm.inference"]
    assert {t["preference"] for t in inference["tradeoffs"]} == {"quality", "cost", "latency"}
    assert inference["projection"]["primary"]["per_month"] > 0
    assert data["explanations"]["llm.cheap"]["projection"] is None  # no traffic: nothing to project


def test_json_result_with_explanations(project: Path) -> None:
    result = run("generate", "--no-llm", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["written"] is True
    assert data["output"].endswith("llmhub.yaml")
    assert set(data["runtime"]["roles"]) == {"llm.inference", "llm.cheap", "llm.embedding"}
    explanation = data["explanations"]["llm.inference"]
    assert explanation["decided_by"] == "rules" and explanation["choice"]
    assert explanation["runner_ups"] and explanation["eliminations"]
    assert {c["change"] for c in data["changes"]} == {"added"}
    assert data["catalog"]["models.dev"].startswith("sha256:")


def test_env_overlay_writes_its_own_file(project: Path) -> None:
    assert run("generate", "--no-llm").exit_code == 0
    result = run("generate", "--no-llm", "--env", "prod")
    assert result.exit_code == 0, result.output
    dev, prod = roles_of(project / "llmhub.yaml"), roles_of(project / "llmhub.prod.yaml")
    assert dev["llm.cheap"] != prod["llm.cheap"]
    assert load_config(project / "llmhub.prod.yaml").env == "prod"


def test_output_option(project: Path) -> None:
    result = run("generate", "--no-llm", "--output", "config/llmhub.yaml")
    assert result.exit_code == 0
    assert (project / "config" / "llmhub.yaml").is_file()
    assert (project / "config" / ".llmhub" / "schema" / "runtime.schema.json").is_file()


def test_invalid_spec_lists_every_problem_and_writes_nothing(project: Path) -> None:
    (project / "llmhub.spec.yaml").write_text(
        SPEC.replace(
            "  llm.embedding:\n    kind: embedding\n", "  llm.embedding:\n    kind: embedding\n    task: codng\n"
        ).replace("preferences: {quality: high}", "force_provider: anthropc")
    )
    result = run("generate", "--no-llm")
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("llmhub: error:")]
    assert any("did you mean 'coding'?" in line for line in errors)
    assert any("force_provider: provider 'anthropc' is not declared" in line for line in errors)
    assert errors[-1].endswith("2 problems to fix; nothing written")
    assert errors[-1].count("llmhub.spec.yaml") == 1  # the file named once
    assert "Traceback" not in result.output
    assert not (project / "llmhub.yaml").exists()


def test_unsatisfiable_role_names_the_constraint(project: Path) -> None:
    (project / "llmhub.spec.yaml").write_text(with_role("  llm.huge:\n    min_context: 50000000\n"))
    result = run("generate", "--no-llm")
    assert result.exit_code == 1
    assert "min_context 50000000" in result.stderr and "llm.huge" in result.stderr
    assert not (project / "llmhub.yaml").exists()


def test_missing_spec_says_how_to_start(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path_factory.mktemp("empty"))
    result = run("generate", "--no-llm")
    assert result.exit_code == 1
    assert "no llmhub.spec.yaml here or in any parent directory" in result.stderr
    assert "llmhub init" in result.stderr and "Traceback" not in result.output


def test_users_rules_directory(project: Path) -> None:
    rules = project / "my-rules"
    shutil.copytree(data_dir("rules"), rules)
    (rules / "kinds.yaml").write_text(
        (rules / "kinds.yaml").read_text().replace("temperature: 0.7", "temperature: 0.55")
    )
    (project / "llmhub.spec.yaml").write_text(
        SPEC.replace("description: Main reasoning model for answering questions", "description: Say hello")
    )
    assert run("generate", "--no-llm", "--rules", str(rules)).exit_code == 0
    assert load_config(project / "llmhub.yaml").roles["llm.inference"].params["temperature"] == 0.55


def test_configured_generator_without_key_falls_back_to_rules_with_a_warning(project: Path) -> None:
    (project / "llmhub.spec.yaml").write_text(SPEC + "generator:\n  model: openai:gpt-4.1-mini\n")
    result = run("generate")
    assert result.exit_code == 0, result.output
    assert "LLM-assisted generation skipped (OPENAI_API_KEY is not set)" in result.stderr
    assert "[rules]" in result.stdout


def test_project_overrides_beside_the_spec_add_private_models(project: Path) -> None:
    (project / "llmhub.catalog-overrides.yaml").write_text(
        "models:\n  - {provider: openai, model_id: ft-house-model, kind: chat, callable: true,"
        " price_input_per_million: 0.01, price_output_per_million: 0.01, arena_score: 1500,"
        " supports_tool_call: true, release_date: '2025-09-01'}\n"
    )
    result = run("generate", "--no-llm")
    assert result.exit_code == 0, result.output
    assert roles_of(project / "llmhub.yaml")["llm.inference"] == "openai:ft-house-model"


# --- spec and schema commands --------------------------------------------------------------------


def test_spec_validate_ok_and_with_errors(project: Path) -> None:
    result = run("spec", "validate", "--no-catalog")
    assert result.exit_code == 0
    assert "is valid: 3 roles" in result.stdout
    (project / "llmhub.spec.yaml").write_text(SPEC.replace("kind: embedding", "kind: embeding"))
    result = run("spec", "validate")
    assert result.exit_code == 1
    assert "did you mean 'embedding'?" in result.stderr
    assert "Traceback" not in result.output


def test_spec_validate_checks_roles_against_the_catalog(project: Path) -> None:
    (project / "llmhub.spec.yaml").write_text(with_role("  llm.open:\n    open_weights_only: true\n"))
    result = run("spec", "validate", "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["catalog_checked"] is True
    assert any("open weights only" in e["message"] for e in data["errors"])


def test_spec_validate_sources_checks_against_that_catalog(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LLMHUB_CATALOG_SOURCES")
    (project / "llmhub.spec.yaml").write_text(with_role("  llm.open:\n    open_weights_only: true\n"))
    unchecked = run("--offline", "spec", "validate", "--json")  # nothing cached, no mirror: not checked
    assert json.loads(unchecked.stdout)["catalog_checked"] is False
    # The mini mirror has no open-weights model for these providers; --sources makes the check use it.
    result = run("--offline", "spec", "validate", "--json", "--sources", str(MINI))
    assert result.exit_code == 1 and json.loads(result.stdout)["catalog_checked"] is True
    assert "open weights only" in result.stdout


def test_spec_show_applies_the_overlay(project: Path) -> None:
    result = run("spec", "show", "--env", "prod", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["env"] == "prod"
    assert data["roles"]["llm.cheap"]["preferences"] == {"quality": "high", "cost": "high", "latency": "low"}
    plain = run("spec", "show")
    assert "llm.inference:" in plain.stdout and plain.stdout.startswith("# ")


@pytest.mark.parametrize(("which", "title"), [("spec", "llmhub.spec.yaml"), ("runtime", "llmhub.yaml")])
def test_schema_command(project: Path, which: str, title: str) -> None:
    result = run("schema", which)
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["title"] == title and "$defs" in data
    written = run("schema", which, "--output", f"{which}.json")
    assert written.exit_code == 0
    assert json.loads((project / f"{which}.json").read_text()) == data


def test_schema_rejects_unknown_names(project: Path) -> None:
    result = run("schema", "nope")
    assert result.exit_code == 2


def test_json_mode_keeps_stdout_pure_and_never_prompts(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("llmhub.cli.review._interactive", lambda: True)
    assert run("generate", "--no-llm").exit_code == 0
    (project / "llmhub.spec.yaml").write_text(SPEC.replace("{quality: high}", "{quality: low, cost: low}"))
    refused = run("generate", "--no-llm", "--json")
    assert refused.exit_code == 1
    assert refused.stdout == ""
    assert "~ llm.inference:" in refused.stderr and "rerun with --force" in refused.stderr
    forced = run("generate", "--no-llm", "--json", "--force")
    data = json.loads(forced.stdout)
    assert data["written"] is True and data["backup"]
    assert {c["role"]: c["change"] for c in data["changes"]} == {"llm.inference": "changed"}


def test_backups_of_llmhub_yaml_and_of_the_spec_are_counted_apart(project: Path) -> None:
    from llmhub.runtime_files import backup_file, backups

    (project / "llmhub.yaml").write_text("version: 1\n")
    spec = project / "llmhub.spec.yaml"
    for _ in range(3):
        backup_file(spec)
    backup_file(project / "llmhub.yaml")
    assert len(backups(project / "llmhub.yaml")) == 1  # the spec's three are not llmhub.yaml's
    assert len(backups(spec)) == 3
