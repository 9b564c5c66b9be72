"""The exit-code table of docs/cli.md, command by command.

0 success; 1 an error or a failed check; 2 a usage error (unknown option, bad value). Each command is
run in-process (the CLI's own error boundary included) on a project made for the case.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from llmhub.cli import app
from tests.paths import MINI, ROOT

EXAMPLE = ROOT / "examples" / "quickstart"
DOCS = ROOT / "docs" / "cli.md"


def project(path: Path) -> None:
    """The bundled example: a valid spec and llmhub.yaml."""
    shutil.copytree(EXAMPLE, path, dirs_exist_ok=True)


def broken_spec(path: Path) -> None:
    project(path)
    (path / "llmhub.spec.yaml").write_text("providers: {openai: {}}\nroles:\n  r: {kind: nonsense}\n")


def empty(path: Path) -> None:
    """No project at all."""


def hand_edited(path: Path) -> None:
    project(path)
    runtime = path / "llmhub.yaml"
    runtime.write_text(runtime.read_text().replace("model: fake-embed", "model: fake-embed-2", 1))


CASES: list[tuple[str, Callable[[Path], None], list[str], int]] = [
    ("version", empty, ["version"], 0),
    ("unknown command", empty, ["frobnicate"], 2),
    ("unknown option", empty, ["generate", "--frobnicate"], 2),
    ("init", empty, ["init"], 0),
    ("init over a spec", project, ["init"], 1),
    ("setup, unknown provider", empty, ["setup", "-y", "-p", "opneai"], 2),
    ("setup, bad --pref", empty, ["setup", "-y", "--pref", "inference-high"], 2),
    ("spec validate", project, ["spec", "validate", "--no-catalog"], 0),
    ("spec validate, invalid", broken_spec, ["spec", "validate", "--no-catalog"], 1),
    ("spec show, no spec", empty, ["spec", "show"], 1),
    ("generate, invalid spec", broken_spec, ["generate", "--no-llm", "--dry-run"], 1),
    ("generate, no spec", empty, ["generate"], 1),
    ("generate --dry-run", project, ["generate", "--no-llm", "--dry-run", "--sources", str(MINI)], 0),
    ("test, unknown role", project, ["test", "--role", "llm.nope"], 2),
    ("doctor, empty directory", empty, ["doctor", "--no-network"], 1),
    ("env check, keys missing", project, ["env", "check"], 1),
    ("runtime show", project, ["runtime", "show"], 0),
    ("runtime show, no file", empty, ["runtime", "show"], 1),
    ("runtime diff --exit-code, differences", hand_edited, ["runtime", "diff", "--exit-code", "--no-llm"], 1),
    ("catalog show, unknown kind", empty, ["catalog", "show", "--kind", "nope", "--sources", str(MINI)], 1),
    (
        "catalog arena, both filters",
        empty,
        ["catalog", "arena", "--unmatched", "--doubtful", "--sources", str(MINI)],
        1,
    ),
    ("catalog model, not provider:model", empty, ["catalog", "model", "gpt", "--sources", str(MINI)], 1),
    ("schema, unknown file", empty, ["schema", "nonsense"], 2),
    ("outdated, no llmhub.yaml", empty, ["outdated"], 1),
    ("outdated, bad --fail-on", project, ["outdated", "--fail-on", "everything"], 2),
]


@pytest.mark.parametrize(("setup", "args", "code"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_exit_code(
    setup: Callable[[Path], None], args: list[str], code: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    setup(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LLMHUB_CACHE_DIR", str(tmp_path / ".cache"))
    monkeypatch.setenv("LLMHUB_OFFLINE", "1")
    monkeypatch.setenv("LLMHUB_NO_DOTENV", "1")
    for variable in ("LLMHUB_CATALOG_SOURCES", "LLMHUB_CONFIG", "LLMHUB_ENV", "OPENAI_API_KEY", "LLMHUB_EXAMPLE_KEY"):
        monkeypatch.delenv(variable, raising=False)
    result = CliRunner().invoke(app, args)
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output


def test_the_documented_codes_are_the_ones_tested() -> None:
    documented = set(re.findall(r"^\| (\d+) \|", DOCS.read_text(), flags=re.MULTILINE))
    tested = {str(c[3]) for c in CASES}
    assert tested <= documented  # every code a command returns is in the table
    assert documented - tested == {"130"}  # Ctrl-C: tests/cli/test_boundary.py sends a real SIGINT


def test_offline_never_calls_a_provider(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `test` would call every role's provider: refused. The LLM-assisted generator: skipped, said so.
    project(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LLMHUB_CACHE_DIR", str(tmp_path / ".cache"))
    monkeypatch.setenv("LLMHUB_GENERATOR_MODEL", "openai:gpt-4.1-mini")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    refused = CliRunner().invoke(app, ["--offline", "test"])
    assert refused.exit_code == 2 and "without --offline" in refused.output
    planned = CliRunner().invoke(app, ["--offline", "generate", "--dry-run"])
    assert planned.exit_code == 0, planned.output
    assert "LLM-assisted generation skipped (offline" in planned.output
