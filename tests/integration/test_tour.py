"""The README's 5-minute tour and the bundled example, run as a user would (offline, on a local catalog mirror)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from llmhub.cli import app
from llmhub_runtime import LLMHub
from tests.paths import MINI

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> Result:
    result = CliRunner().invoke(app, list(args))
    return result


def test_the_five_minute_tour(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LLMHUB_CATALOG_SOURCES", str(MINI))
    monkeypatch.delenv("LLMHUB_NO_DOTENV")  # the tour puts the key in .env

    assert run("init").exit_code == 0
    (tmp_path / ".env").write_text(
        (tmp_path / ".env.example").read_text().replace("OPENAI_API_KEY=", "OPENAI_API_KEY=sk-tour-placeholder")
    )
    assert run("env", "check").exit_code == 0

    explained = run("generate", "--explain")
    assert explained.exit_code == 0, explained.output
    assert "why:" in explained.stdout
    first = LLMHub(config_path=tmp_path / "llmhub.yaml").resolve("llm.inference")

    spec = tmp_path / "llmhub.spec.yaml"
    spec.write_text(spec.read_text().replace("quality: high", "cost: low"))
    diff = run("runtime", "diff", "--json", "--exit-code")
    assert diff.exit_code == 1
    assert [c["role"] for c in json.loads(diff.stdout)["changes"]] == ["llm.inference"]
    doctor = run("doctor", "--no-network")
    assert doctor.exit_code == 1 and "✗ in sync" in doctor.stdout

    assert run("generate", "--force").exit_code == 0
    second = LLMHub(config_path=tmp_path / "llmhub.yaml").resolve("llm.inference")
    assert second.model != first.model
    doctor = run("doctor", "--no-network")
    assert doctor.exit_code == 0, doctor.stdout
    assert "sk-tour-placeholder" not in doctor.output


@pytest.mark.slow  # the README's first command: the example app in a subprocess
def test_the_bundled_example_runs_end_to_end(tmp_path: Path) -> None:
    example = tmp_path / "quickstart"
    shutil.copytree(ROOT / "examples" / "quickstart", example, ignore=shutil.ignore_patterns(".llmhub"))
    done = subprocess.run(
        [sys.executable, str(example / "app.py")],
        cwd=tmp_path, env=dict(os.environ), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "llm.inference: local:fake-chat" in out
    assert "completion: [fake-chat]" in out
    assert "after 3 x 503 on the primary: [fake-chat-small]" in out  # the generated fallback answered
    assert (example / "llmhub.yaml").read_text() == (ROOT / "examples" / "quickstart" / "llmhub.yaml").read_text()
