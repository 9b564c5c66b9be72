"""`llmhub ui` as a command: its options, its errors, and what it leaves unimported."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from llmhub.cli import app
from llmhub.errors import LLMHubError
from llmhub.ui import UIServer, Workspace
from tests.paths import MINI
from tests.ui.conftest import settings_for

SCRIPT = """
import sys
from typer.testing import CliRunner
from llmhub.cli import app
from llmhub.ui.server import UIServer
UIServer.run = lambda self: print("served", self.base)  # instead of serving until Ctrl-C
result = CliRunner().invoke(app, ["--offline", "ui", "--no-browser", "--sources", sys.argv[1], "--page", "plan"])
print(result.output)
assert result.exit_code == 0, result.output
print("any_llm" in sys.modules)
"""


@pytest.mark.slow
def test_the_cli_does_not_import_the_server_stack() -> None:
    modules = "('starlette', 'uvicorn', 'llmhub.ui.server')"
    code = f"import sys, llmhub.cli; print(sorted(m for m in {modules} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


@pytest.mark.slow
def test_ui_prints_its_address_and_never_imports_any_llm(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(MINI)], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[-1] == "False"
    address = next(line for line in lines if line.startswith("llmhub ui at "))
    assert address.startswith("llmhub ui at http://127.0.0.1:") and "?token=" in address and "&page=plan" in address


def test_ui_help_and_a_wrong_page() -> None:
    runner = CliRunner()
    shown = runner.invoke(app, ["ui", "--help"])
    assert shown.exit_code == 0 and "--no-browser" in shown.output and "--port" in shown.output
    wrong = runner.invoke(app, ["ui", "--page", "settings", "--no-browser"])
    assert wrong.exit_code == 2 and "choose one of catalog, compare, plan, edit" in wrong.output


def test_a_taken_port_is_one_line_with_the_fix(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(LLMHubError, match=rf"cannot listen on 127\.0\.0\.1:{port} .*pass --port 0"):
            UIServer(Workspace(start=tmp_path, settings=settings_for(MINI, tmp_path / "cache")), port=port)


def test_the_server_binds_loopback_only(tmp_path: Path) -> None:
    server = UIServer(Workspace(start=tmp_path, settings=settings_for(MINI, tmp_path / "cache")), port=0)
    server.start()
    try:
        assert server.base.startswith("http://127.0.0.1:")
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as connection:
            connection.sendall(b"GET /api/project HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            assert connection.recv(64).startswith(b"HTTP/1.1 403")  # no key, no answer
    finally:
        server.stop()
