"""Commands that call no provider never import any-llm (its import costs seconds)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = """
import sys
from typer.testing import CliRunner
from llmhub.cli import app
runner = CliRunner()
for args in ({commands}):
    result = runner.invoke(app, list(args))
    assert result.exit_code in (0, 1), (args, result.output)
print('any_llm' in sys.modules)
"""


@pytest.mark.parametrize(
    "commands",
    [
        "('init',), ('env', 'check'), ('spec', 'validate', '--no-catalog')",
        "('setup', '-y', '-p', 'openai', '-p', 'gemini', '-p', 'ollama', '-r', 'inference'), ('env', 'sync')",
    ],
)
def test_init_setup_env_and_validate_do_not_import_any_llm(tmp_path: Path, commands: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(commands=commands)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_the_cli_does_not_import_the_catalog_until_a_command_needs_it() -> None:
    # Building a catalog pulls in diskcache, the sources and the mapper (~70 ms): `--help`, init,
    # setup and env check never pay for it.
    code = "import sys, llmhub.cli; print(sorted(m for m in ('llmhub.catalog.build', 'diskcache') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
