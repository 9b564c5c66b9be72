"""What the CLI prints on a terminal: words wrapped whole, progress without log noise."""

from __future__ import annotations

import os

import pytest

from llmhub.cli import _output as out
from llmhub.cli._state import options


def test_long_lines_wrap_at_word_boundaries_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(out, "is_terminal", lambda: True)
    monkeypatch.setattr("shutil.get_terminal_size", lambda: os.terminal_size((40, 20)))
    text = "  why: price $5/$30 per M in/out; quality 1385 measured; openrouter:qwen/qwen3-235b-a22b-instruct-2507"
    fitted = out._fit(text)
    lines = fitted.splitlines()
    assert len(lines) > 1 and all(line.startswith("  ") for line in lines)
    assert all(len(line) <= 40 for line in lines if " " in line.strip())  # only an unbreakable id may overflow
    assert "openrouter:qwen/qwen3-235b-a22b-instruct-2507" in fitted  # ids are never broken
    assert " ".join(fitted.split()) == " ".join(text.split())  # nothing lost or reordered


def test_piped_output_is_never_wrapped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(out, "is_terminal", lambda: False)
    text = "x " * 200
    assert out._fit(text) == text


def test_progress_prints_plain_lines_and_a_bar(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(out, "is_terminal", lambda: True)
    monkeypatch.setattr(options, "quiet", False)
    with out.progress("Building the catalog") as show:
        show("models.dev", "loading")
        show("models.dev", "live: 10 models [bold]")
    err = capsys.readouterr().err
    assert "models.dev: live: 10 models [bold]" in err  # markup in names is shown, not obeyed
    assert "models.dev: loading" not in err  # steps under way show in the status line only
    assert "_output.py" not in err and ".py:" not in err  # no log-format source locations
    with out.progress("Testing roles", total=2) as advance:
        advance("llm.a", "calling")
        advance("llm.a", "ok")
        advance("llm.b", "failed")
    assert "Traceback" not in capsys.readouterr().err


def test_piped_progress_is_plain_lines_on_stderr(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(out, "is_terminal", lambda: False)
    monkeypatch.setattr(options, "quiet", False)
    with out.progress("Building the catalog") as show:
        show("models.dev", "loading")
        show("models.dev", "live: 10 models")
    captured = capsys.readouterr()
    assert captured.out == ""  # stdout is the command's answer only
    assert captured.err == "llmhub: models.dev: live: 10 models\n"
    monkeypatch.setattr(options, "quiet", True)
    with out.progress("Building the catalog") as show:
        show("models.dev", "live: 10 models")
    assert capsys.readouterr().err == ""
