import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from llmhub.cli import app
from tests.paths import MINI


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLMHUB_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("LLMHUB_CATALOG_SOURCES", str(MINI))
    monkeypatch.chdir(tmp_path)


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def test_refresh_summarises_sources_and_mapping() -> None:
    result = run("catalog", "refresh")
    assert result.exit_code == 0, result.output
    assert "models.dev\tlocal" in result.output
    assert "LMArena text: 9 of 14 entries matched" in result.output


def test_refresh_json() -> None:
    result = run("catalog", "refresh", "--json")
    summary = json.loads(result.stdout)
    assert summary["arena"]["text"]["matched"] == 9
    assert [s["name"] for s in summary["sources"]][:3] == ["models.dev", "lmarena-text", "lmarena-vision"]


def test_show_sorts_by_quality_then_cost() -> None:
    result = run("catalog", "show", "--provider", "openai", "--json")
    ids = [m["canonical_id"] for m in json.loads(result.stdout)]
    assert ids[:4] == ["openai:gpt-5", "openai:gpt-4.1", "openai:o1", "openai:gpt-4.1-mini"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--kind", "embedding"], {"openai:text-embedding-3-small", "openai:text-embedding-3-large"}),
        (["--tag", "free"], {"openrouter:meta-llama/llama-3.3-70b-instruct:free"}),
    ],
)
def test_show_filters(args: list[str], expected: set[str]) -> None:
    result = run("catalog", "show", "--json", *args)
    assert {m["canonical_id"] for m in json.loads(result.stdout)} == expected


def test_show_table_and_limit() -> None:
    result = run("catalog", "show", "--limit", "2", "--details")
    lines = result.stdout.splitlines()
    assert lines[0].split("\t")[:4] == ["model", "kind", "arena", "$ in/out per M"]  # quality beside price
    assert len([line for line in lines if line.startswith(("openai:", "gemini:", "anthropic:", "openrouter:"))]) == 2
    assert "(2 of " in result.output


def test_show_lists_measured_models_first_and_unknown_prices_last() -> None:
    rows = [line.split("\t") for line in run("catalog", "show", "--limit", "0").stdout.splitlines()[1:]]
    rows = [row for row in rows if len(row) >= 4]
    ratings = [row[2] for row in rows]
    first_unrated = ratings.index("unrated")
    assert first_unrated > 0 and all(r != "unrated" for r in ratings[:first_unrated])
    assert all(r == "unrated" for r in ratings[first_unrated:])  # every measured model comes first
    measured = [float(r) for r in ratings[:first_unrated]]
    assert measured == sorted(measured, reverse=True)
    unrated_prices = [row[3] for row in rows[first_unrated:]]
    if "-" in unrated_prices:  # unknown prices come after every known one
        assert all(p == "-" for p in unrated_prices[unrated_prices.index("-") :])


def test_show_hides_uncallable_unless_all() -> None:
    assert "somehost:odd-model" not in run("catalog", "show", "--limit", "0").output
    assert "somehost:odd-model" in run("catalog", "show", "--all", "--limit", "0").output


def test_model_shows_every_field_with_provenance() -> None:
    result = run("catalog", "model", "openai:gpt-4.1", "--json")
    data = json.loads(result.stdout)
    assert data["arena_id"] == "gpt-4.1-2025-04-14"
    assert data["provenance"]["pricing"] == {
        "source": "models.dev",
        "snapshot": data["provenance"]["pricing"]["snapshot"],
        "detail": "openai/gpt-4.1",
    }
    assert data["provenance"]["quality"]["detail"] == "arena entry gpt-4.1-2025-04-14 (alias match)"
    figure = data["quality_figure"]
    assert (figure["basis"], figure["value"], figure["source"]) == ("measured", data["arena_score"], "LMArena")
    assert figure["low"] < figure["value"] < figure["high"]
    table = run("catalog", "model", "openai:gpt-4.1").output
    assert "price_input_per_million\t2.0" in table and "quality\tlmarena-text" in table
    assert f"quality_figure\t{data['arena_score']:.0f} measured (LMArena; overall; interval" in table


def test_arena_json_shape() -> None:
    result = run("catalog", "arena", "--json")
    entries = json.loads(result.stdout)
    assert all(set(e) == {"arena_name", "matches", "reason"} for e in entries)
    gpt = next(e for e in entries if e["arena_name"] == "gpt-4.1-2025-04-14")
    assert {"provider": "openai", "model_id": "gpt-4.1", "modelsdev": "openai/gpt-4.1"} in gpt["matches"]
    assert {"provider": "openrouter", "model_id": "openai/gpt-4.1", "modelsdev": "openrouter/openai/gpt-4.1"} in gpt[
        "matches"
    ]
    vicuna = next(e for e in entries if e["arena_name"] == "vicuna-13b")
    assert vicuna["matches"] == [] and "no catalog model is named like it" in vicuna["reason"]
    advanced = next(e for e in entries if e["arena_name"] == "gemini-advanced-0514")
    assert advanced["reason"].startswith("never matched:")


def test_arena_honours_sources_option(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LLMHUB_CATALOG_SOURCES")
    result = run("catalog", "arena", "--unmatched", "--json", "--sources", str(MINI))
    assert result.exit_code == 0, result.output
    assert all(e["matches"] == [] for e in json.loads(result.stdout))


def test_arena_unmatched_footer_counts_the_whole_board() -> None:
    result = run("catalog", "arena", "--unmatched")
    assert result.exit_code == 0, result.output
    # 9 of the mini mirror's 14 text entries match (see the refresh summary): 5 match nothing.
    assert result.output.rstrip().endswith("5 of 14 text entries matched no catalog model")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["catalog", "model", "openai:gpt-4.2"], "'openai:gpt-4.2' is not in the catalog; did you mean"),
        (["catalog", "model", "gpt-4.1"], "must be provider:model"),
        (["catalog", "show", "--kind", "chatt"], "--kind 'chatt': no such kind"),
        (["catalog", "arena", "--board", "audio"], "--board 'audio': use text, vision or image"),
        (["catalog", "show", "--sources", "/"], "is not a catalog sources directory"),
    ],
)
def test_errors_are_one_line_exit_1(args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_subprocess_error_has_no_traceback_and_verbose_shows_one(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "llmhub", "catalog", "model", "nope:nothing"]
    quiet = subprocess.run(command, capture_output=True, text=True)
    assert quiet.returncode == 1
    assert quiet.stderr.strip().splitlines()[-1] == "llmhub: error: 'nope:nothing' is not in the catalog"
    assert "Traceback" not in quiet.stderr
    loud = subprocess.run([sys.executable, "-m", "llmhub", "--verbose", *command[3:]], capture_output=True, text=True)
    assert loud.returncode == 1 and "Traceback" in loud.stderr


def test_refresh_exits_1_when_no_source_answers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from llmhub.catalog.sources import arena, arena_dataset, litellm, modelsdev
    from llmhub.errors import SourceError

    def down(*args: Any, **kwargs: Any) -> None:
        raise SourceError("test", "connection refused")

    monkeypatch.delenv("LLMHUB_CATALOG_SOURCES", raising=False)
    monkeypatch.setenv("LLMHUB_CACHE_DIR", str(tmp_path / "cache"))
    for module in (modelsdev, arena, litellm):
        monkeypatch.setattr(module, "fetch_live", down)
    monkeypatch.setattr(arena_dataset, "fetch_live", down, raising=False)
    result = run("catalog", "refresh", "--no-discover")
    assert result.exit_code == 1, result.output
    assert "no source could be refreshed" in result.stderr
    assert "Traceback" not in result.output
    # Discovery asking the providers with keys is not a catalog source: its answer refreshes nothing.
    from llmhub.catalog.sources import anyllm

    monkeypatch.setattr(anyllm, "discover", lambda **kwargs: anyllm.Discovery(errors={"openai": "Connection error."}))
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    result = run("catalog", "refresh", "--discover")
    assert result.exit_code == 1, result.output
    assert "no source could be refreshed" in result.stderr


def test_refresh_with_sources_says_the_option_is_one_off() -> None:
    from tests.paths import MINI

    result = run("catalog", "refresh", "--sources", str(MINI))
    assert result.exit_code == 0, result.output
    assert "--sources applies to this command only; set LLMHUB_CATALOG_SOURCES=" in result.output
