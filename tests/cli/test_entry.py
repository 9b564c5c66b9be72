import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import llmhub
from llmhub import _entry
from llmhub.cli import app


def test_version_flag() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"llmhub {llmhub.__version__}"


@pytest.mark.parametrize(
    "command",
    [
        [str(Path(sys.executable).with_name("llmhub")), "--version"],  # the console script
        [sys.executable, "-m", "llmhub", "--version"],
    ],
)
def test_console_script_and_module_entry_print_the_version(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"llmhub {llmhub.__version__}"


def test_without_the_cli_extra_the_install_command_is_printed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None if name == "typer" else real(name))
    with pytest.raises(SystemExit) as info:
        _entry.main()
    assert info.value.code == 1
    assert "pip install 'llmhub[cli]'" in capsys.readouterr().err
