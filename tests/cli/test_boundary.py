"""The error boundary, from outside: real processes, their exit codes, and what they print.

Every failure is one line on stderr naming the file and the fix, exit 1 (2 for usage errors, 130
for Ctrl-C), no traceback unless --verbose, and never a secret.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from llmhub_runtime.testing import FakeOpenAIServer, ScriptedResponse
from tests.paths import MINI


def llmhub(
    *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "llmhub", *args], cwd=cwd, env=environ, capture_output=True, text=True, timeout=timeout
    )


def one_error_line(done: subprocess.CompletedProcess[str]) -> str:
    """The one error line, last on stderr; anything before it is progress (finished steps, piped)."""
    assert "Traceback" not in done.stderr + done.stdout
    lines = done.stderr.strip().splitlines()
    errors = [line for line in lines if line.startswith("llmhub: error: ")]
    assert len(errors) == 1 and lines[-1] == errors[0], done.stderr
    assert all(line.startswith("llmhub: ") for line in lines), done.stderr  # nothing unprefixed, no log noise
    return errors[0]


def test_no_spec_anywhere(tmp_path: Path) -> None:
    done = llmhub("generate", cwd=tmp_path)
    assert done.returncode == 1
    assert "llmhub init" in one_error_line(done)


def test_malformed_yaml_names_the_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "llmhub.spec.yaml").write_text("roles:\n  llm.x: [unclosed\n")
    done = llmhub("spec", "show", cwd=tmp_path)
    assert done.returncode == 1
    line = one_error_line(done)
    assert "llmhub.spec.yaml:3: YAML syntax error" in line


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    done = llmhub("generate", "--no-such-flag", cwd=tmp_path)
    assert done.returncode == 2
    assert "No such option" in done.stderr
    assert "Traceback" not in done.stderr


def test_catalog_unavailable(tmp_path: Path) -> None:
    (tmp_path / "llmhub.spec.yaml").write_text("roles:\n  llm.x: {}\n")
    done = llmhub("generate", "--no-llm", cwd=tmp_path, env={"LLMHUB_CATALOG_SOURCES": str(tmp_path / "missing")})
    assert done.returncode != 0
    assert "missing" in done.stderr
    assert "Traceback" not in done.stderr


def test_unwritable_output_leaves_nothing_half_written(tmp_path: Path) -> None:
    (tmp_path / "llmhub.spec.yaml").write_text("providers: {openai: {}}\nroles:\n  llm.x: {}\n")
    (tmp_path / "blocker").write_text("a file where a directory should be\n")
    done = llmhub(
        "generate", "--no-llm", "--output", str(tmp_path / "blocker" / "llmhub.yaml"),
        cwd=tmp_path, env={"LLMHUB_CATALOG_SOURCES": str(MINI)},
    )  # fmt: skip
    assert done.returncode == 1
    assert "blocker" in one_error_line(done)
    assert (tmp_path / "blocker").read_text() == "a file where a directory should be\n"


def test_verbose_shows_the_traceback(tmp_path: Path) -> None:
    done = llmhub("--verbose", "generate", cwd=tmp_path)
    assert done.returncode == 1
    assert "Traceback" in done.stderr
    assert done.stderr.rstrip().splitlines()[-1].startswith("llmhub: error: ")


def test_ctrl_c_exits_130_without_a_traceback(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "llmhub", "setup", "--interactive"],
        cwd=tmp_path,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 30
        seen = ""
        while "Project name" not in seen and time.monotonic() < deadline:
            seen += process.stdout.read(1)  # waits at the first question
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 130
    assert "Traceback" not in stderr
    assert not (tmp_path / "llmhub.spec.yaml").exists()


@pytest.mark.slow  # four CLI processes per case, each importing any-llm
@pytest.mark.parametrize("verbose", [[], ["--verbose"]])
def test_a_rejected_key_never_reaches_the_output(
    tmp_path: Path, fake_server: FakeOpenAIServer, verbose: list[str]
) -> None:
    secret = "sk-subprocess-secret-value-42"
    (tmp_path / "llmhub.yaml").write_text(
        "providers:\n"
        f"  local: {{type: openai, api_base: '{fake_server.base_url}', env_key: LOCAL_LLM_KEY}}\n"
        "roles:\n  llm.x: {provider: local, model: fake-chat}\n"
    )
    for command in (["test"], ["test", "--json"], ["doctor"], ["doctor", "--json"]):
        done = llmhub(*verbose, *command, cwd=tmp_path, env={"LOCAL_LLM_KEY": secret})
        assert done.returncode == 1, done.stderr
        assert secret not in done.stdout + done.stderr
        assert "401" in done.stdout + done.stderr  # it did fail on the key, and said so


@pytest.mark.slow  # two CLI processes per case, each importing any-llm
@pytest.mark.parametrize("verbose", [[], ["--verbose"]])
def test_a_key_under_a_plain_looking_name_is_masked_too(
    tmp_path: Path, fake_server: FakeOpenAIServer, verbose: list[str]
) -> None:
    # GATEWAY_CRED does not look like a secret by its name: it is one because llmhub.yaml says so.
    # The provider echoes the key in its error body (proxies do), and --verbose prints tracebacks.
    secret = "sk-test-local"  # the fake server's key, so the request is accepted and the echo scripted
    (tmp_path / "llmhub.yaml").write_text(
        "providers:\n"
        f"  local: {{type: openai, api_base: '{fake_server.base_url}', env_key: GATEWAY_CRED}}\n"
        "roles:\n  llm.x: {provider: local, model: fake-chat}\n"
        "resilience: {max_retries: 0}\n"
    )
    for command in (["test"], ["test", "--json"]):
        fake_server.enqueue(ScriptedResponse(status=400, message=f"route refused for key {secret}"))
        done = llmhub(*verbose, *command, cwd=tmp_path, env={"GATEWAY_CRED": secret})
        assert done.returncode == 1, done.stderr
        assert secret not in done.stdout + done.stderr
        assert "route refused for key" in done.stdout + done.stderr


def test_redact_masks_the_value_of_every_declared_env_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from llmhub.cli._output import redact

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GATEWAY_CRED", "plain-named-secret-99")
    text = "upstream said: bad credential plain-named-secret-99"
    assert redact(text) == text  # no project declares it: nothing marks it secret
    (tmp_path / "llmhub.yaml").write_text("providers:\n  gw: {type: openai, env_key: GATEWAY_CRED}\nroles: {}\n")
    assert redact(text) == "upstream said: bad credential ***"


@pytest.mark.slow  # builds the bundled catalog in a subprocess
def test_a_closed_pipe_ends_the_command_quietly(tmp_path: Path) -> None:
    # `llmhub catalog show --json | head -1`: the reader leaves early, which is not an error.
    env = {**os.environ, "LLMHUB_CACHE_DIR": str(tmp_path / "cache"), "LLMHUB_OFFLINE": "1"}
    env.pop("LLMHUB_CATALOG_SOURCES", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "llmhub", "-q", "catalog", "show", "--all", "--json"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stderr is not None
    with process.stderr:
        assert process.stdout.readline().startswith("[")
        process.stdout.close()  # the reader goes away with megabytes still to come
        stderr = process.stderr.read()
    assert process.wait(timeout=60) == 0, stderr
    assert stderr == ""
