"""`llmhub init`, `llmhub setup` and `llmhub env check|sync`, as a new user runs them."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from llmhub.cli import app
from llmhub.spec import load_spec
from llmhub.spec.models import RoleKind


@pytest.fixture(autouse=True)
def empty_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(app, list(args), input=input)


def test_init_writes_a_valid_minimal_spec_and_env_example(empty_dir: Path) -> None:
    result = run("init")
    assert result.exit_code == 0, result.output
    spec = load_spec(empty_dir / "llmhub.spec.yaml")
    kinds = {name: role.kind for name, role in spec.roles.items()}
    assert kinds == {"llm.inference": RoleKind.chat, "llm.embedding": RoleKind.embedding}
    assert spec.providers["openai"].env_key == "OPENAI_API_KEY"
    assert spec.project == empty_dir.name
    example = (empty_dir / ".env.example").read_text()
    assert "OPENAI_API_KEY=\n" in example
    assert (empty_dir / ".llmhub" / "schema" / "spec.schema.json").is_file()
    assert "llmhub generate" in result.stdout  # says what to do next


def test_init_refuses_to_overwrite_without_force(empty_dir: Path) -> None:
    (empty_dir / "llmhub.spec.yaml").write_text("project: mine\nroles: {}\n")
    result = run("init")
    assert result.exit_code == 1
    assert "already exists" in result.stderr and "--force" in result.stderr
    assert (empty_dir / "llmhub.spec.yaml").read_text() == "project: mine\nroles: {}\n"
    assert not (empty_dir / ".env.example").exists()  # nothing written at all
    assert run("init", "--force").exit_code == 0
    assert load_spec(empty_dir / "llmhub.spec.yaml").project == empty_dir.name


def test_init_keeps_an_existing_env_example_and_adds_what_is_missing(empty_dir: Path) -> None:
    (empty_dir / ".env.example").write_text("MY_APP_SETTING=1\n")
    assert run("init", "-p", "anthropic").exit_code == 0
    text = (empty_dir / ".env.example").read_text()
    assert text.startswith("MY_APP_SETTING=1\n")
    assert "ANTHROPIC_API_KEY=" in text


def test_setup_runs_from_flags_alone(empty_dir: Path) -> None:
    result = run(
        "setup",
        "--yes",
        "-p",
        "openai",
        "-p",
        "anthropic",
        "-r",
        "preprocess",
        "-r",
        "tools",
        "-r",
        "llm.summarize",
        "--pref",
        "tools:quality=high",
        "--pref",
        "llm.summarize:cost=low",
        "--project",
        "shop",
    )
    assert result.exit_code == 0, result.output
    spec = load_spec(empty_dir / "llmhub.spec.yaml")
    assert spec.project == "shop"
    assert list(spec.roles) == ["llm.preprocess", "llm.tools", "llm.summarize"]
    assert spec.roles["llm.tools"].kind == RoleKind.tool
    assert spec.roles["llm.tools"].preferences.quality == "high"
    assert spec.roles["llm.tools"].preferences.latency == "low"  # the template's, kept
    assert spec.roles["llm.summarize"].preferences.cost == "low"
    assert spec.roles["llm.preprocess"].preferences.cost == "low"
    assert set(spec.providers) == {"openai", "anthropic"}
    example = (empty_dir / ".env.example").read_text()
    assert "OPENAI_API_KEY=" in example and "ANTHROPIC_API_KEY=" in example


def test_setup_asks_for_what_the_flags_leave_out(empty_dir: Path) -> None:
    answers = "\n".join(["demo", "openai, mistral", "inference, embedding", "", "", "low", "", "", ""]) + "\n"
    result = run("setup", "--interactive", input=answers)
    assert result.exit_code == 0, result.output
    spec = load_spec(empty_dir / "llmhub.spec.yaml")
    assert spec.project == "demo"
    assert set(spec.providers) == {"openai", "mistral"}
    assert list(spec.roles) == ["llm.inference", "llm.embedding"]
    # inference: cost kept unset ("-"), latency unset, quality answered "low" over the template's high
    assert spec.roles["llm.inference"].preferences.quality == "low"
    assert spec.roles["llm.embedding"].preferences.cost == "low"


@pytest.mark.parametrize(
    ("pref", "message"),
    [
        ("inference:speed=low", "unknown preference 'speed'"),
        ("inference:quality=best", "quality must be one of low, medium, high"),
        ("inference-quality-high", "is not ROLE:KEY=LEVEL"),
        ("embedding:cost=low", "not among the roles"),
    ],
)
def test_setup_rejects_bad_preferences_in_one_line(empty_dir: Path, pref: str, message: str) -> None:
    result = run("setup", "-y", "-r", "inference", "--pref", pref)
    assert result.exit_code in (1, 2)
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert not (empty_dir / "llmhub.spec.yaml").exists()


def test_env_check_names_missing_keys_and_never_prints_values(empty_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run("init", "-p", "openai", "-p", "anthropic")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-visible-if-leaked-123")
    result = run("env", "check")
    assert result.exit_code == 1
    assert "✓ OPENAI_API_KEY (openai): set" in result.stdout
    assert "✗ ANTHROPIC_API_KEY (anthropic): not set" in result.stdout
    assert "missing ANTHROPIC_API_KEY" in result.stderr
    assert "sk-visible-if-leaked-123" not in result.output
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-also-secret-456")
    result = run("env", "check", "--json")
    assert result.exit_code == 0
    assert "secret" not in result.stdout
    assert '"set": true' in result.stdout


def test_env_check_reads_the_project_dotenv_without_overriding_exported_values(
    empty_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("init", "-p", "openai", "-p", "anthropic")
    (empty_dir / ".env").write_text("OPENAI_API_KEY=sk-from-dotenv-file\nANTHROPIC_API_KEY=sk-ant-from-dotenv\n")
    monkeypatch.delenv("LLMHUB_NO_DOTENV")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-exported-wins")
    nested = empty_dir / "src"
    nested.mkdir()
    monkeypatch.chdir(nested)  # found by walking up to the project
    result = run("env", "check")
    assert result.exit_code == 0, result.output
    import os

    assert os.environ["OPENAI_API_KEY"] == "sk-exported-wins"
    assert os.environ["ANTHROPIC_API_KEY"] == "sk-ant-from-dotenv"


def test_no_dotenv_and_a_missing_env_file(empty_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run("init")
    (empty_dir / ".env").write_text("OPENAI_API_KEY=sk-from-dotenv-file\n")
    monkeypatch.delenv("LLMHUB_NO_DOTENV")
    assert run("--no-dotenv", "env", "check").exit_code == 1
    result = run("--env-file", "nope.env", "env", "check")
    assert result.exit_code == 2
    assert "nope.env does not exist" in result.output


def test_env_sync_adds_new_keys_and_keeps_values(empty_dir: Path) -> None:
    run("init")
    (empty_dir / ".env").write_text("OPENAI_API_KEY=sk-kept-as-is\nOTHER=1\n")
    spec = (empty_dir / "llmhub.spec.yaml").read_text()
    (empty_dir / "llmhub.spec.yaml").write_text(
        spec.replace("providers:\n", "providers:\n  groq:\n    env_key: GROQ_API_KEY\n")
    )
    result = run("env", "sync", "--dotenv")
    assert result.exit_code == 0, result.output
    assert f"Added GROQ_API_KEY to {empty_dir / '.env.example'}" in result.stdout
    dotenv = (empty_dir / ".env").read_text()
    assert dotenv.startswith("OPENAI_API_KEY=sk-kept-as-is\nOTHER=1\n")
    assert "GROQ_API_KEY=\n" in dotenv
    assert "not needed by the project (kept): OTHER" in result.stdout
    again = run("env", "sync")
    assert "already lists every needed variable" in again.stdout


def test_env_commands_in_an_empty_directory_say_what_to_do(empty_dir: Path) -> None:
    result = run("env", "check")
    assert result.exit_code == 1
    assert "run `llmhub init`" in result.stderr
    assert "Traceback" not in result.output
