"""Hostile YAML and files: refused in bounded time with one error naming the file, nothing written.

The same reader serves every YAML file llmhub reads (spec, llmhub.yaml, rules, overrides), so each
case is tried on the spec and on llmhub.yaml.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from llmhub.cli import app
from llmhub.errors import SpecError
from llmhub.spec import load_spec
from llmhub_runtime import LLMHub
from llmhub_runtime.errors import ConfigError
from llmhub_runtime.yamlmodel import MAX_FILE_BYTES

LAUGHS = "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 10) if prev else ', '.join(['x'] * 10)}]\n"
    for prev, name in zip([None, "a", "b", "c", "d", "e", "f", "g"], "abcdefgh", strict=True)
)

CASES = {
    "billion laughs": (LAUGHS + "roles: *h\n", "aliases expand this file to more than"),
    "recursive anchor": ("roles: &r\n  r: *r\n", "recursive anchor"),
    "deep nesting": ("roles: " + "[" * 5000 + "]" * 5000 + "\n", "nest"),
    "duplicate key": ("roles: {}\nroles: {}\n", "duplicate key 'roles'"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_yaml_is_refused_quickly_in_both_files(tmp_path: Path, case: str) -> None:
    text, message = CASES[case]
    path = tmp_path / "file.yaml"
    path.write_text(text)
    for load, error in ((load_spec, SpecError), (lambda p: LLMHub(config_path=p), ConfigError)):
        started = time.monotonic()
        with pytest.raises(error) as caught:
            load(path)
        assert time.monotonic() - started < 5
        assert str(caught.value).startswith(str(path))
        assert message in str(caught.value).lower() or message in str(caught.value)


def test_a_merge_key_with_an_override_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "llmhub.spec.yaml"
    path.write_text(
        "providers: {openai: {}}\n"
        "roles:\n"
        "  a: &base {description: base role, preferences: {cost: low}}\n"
        "  b:\n    <<: *base\n    description: overridden\n"
    )
    spec = load_spec(path)
    assert spec.roles["b"].description == "overridden"
    assert spec.roles["b"].preferences.cost == "low"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this platform")
def test_a_fifo_and_a_device_are_refused_without_reading(tmp_path: Path) -> None:
    fifo = tmp_path / "llmhub.spec.yaml"
    os.mkfifo(fifo)  # reading it would block forever
    for path in (fifo, Path("/dev/zero")):
        if not path.exists():
            continue
        with pytest.raises(SpecError, match="is not a regular file"):
            load_spec(path)


def test_an_oversized_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "llmhub.yaml"
    path.write_bytes(b"# " + b"x" * MAX_FILE_BYTES + b"\n")
    with pytest.raises(ConfigError, match=f"at most {MAX_FILE_BYTES} bytes"):
        LLMHub(config_path=path)


def test_a_refused_spec_leaves_llmhub_yaml_byte_identical(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    existing = b"# hand-kept\nroles: {}\n"
    (tmp_path / "llmhub.yaml").write_bytes(existing)
    (tmp_path / "llmhub.spec.yaml").write_text(CASES["billion laughs"][0])
    result = CliRunner().invoke(app, ["generate", "--no-llm", "--force"])
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert (tmp_path / "llmhub.yaml").read_bytes() == existing
