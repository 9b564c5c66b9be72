"""One home for what the tool reads from the environment: `llmhub.settings`."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from llmhub.catalog.build import build_catalog, cached_catalog
from llmhub.cli import app
from llmhub.cli._state import options
from llmhub.settings import Settings, current

SRC = Path(__file__).resolve().parents[1] / "src" / "llmhub"


def test_every_variable_is_read_into_its_field(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "LLMHUB_OFFLINE": "yes",
            "LLMHUB_CATALOG_SOURCES": str(tmp_path / "mirror"),
            "LLMHUB_CACHE_DIR": str(tmp_path / "cache"),
            "LLMHUB_CATALOG_OVERRIDES": str(tmp_path / "o.yaml"),
            "LLMHUB_LMARENA_DATASET_URL": "http://127.0.0.1:9/ds",
            "LLMHUB_GENERATOR_MODEL": "openai:gpt-5-mini",
            "LLMHUB_NO_DOTENV": "1",
            "LLMHUB_CONFIG": str(tmp_path / "llmhub.yaml"),
            "OPENAI_API_KEY": "sk-x",
        }
    )
    assert settings.offline and settings.no_dotenv
    assert settings.sources_dir == tmp_path / "mirror" and settings.cache_dir == tmp_path / "cache"
    assert settings.overrides_path == tmp_path / "o.yaml" and settings.config_path == tmp_path / "llmhub.yaml"
    assert settings.arena_dataset_url == "http://127.0.0.1:9/ds"
    assert settings.generator_model == "openai:gpt-5-mini"
    assert settings.variable("OPENAI_API_KEY") == "sk-x" and settings.variable("GROQ_API_KEY") is None
    assert "sk-x" not in repr(settings)  # the environment copy is never printed


def test_unset_and_empty_variables_mean_the_defaults() -> None:
    settings = Settings.from_env({"LLMHUB_OFFLINE": "", "LLMHUB_CATALOG_SOURCES": "", "LLMHUB_OFFLINE_X": "1"})
    assert settings == Settings()
    assert settings.replace(offline=True).offline and not settings.offline  # frozen: replace makes a copy


def test_current_reads_the_environment_at_call_time(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LLMHUB_CACHE_DIR", str(tmp_path))
    assert current().cache_dir == tmp_path
    given = Settings(cache_dir=tmp_path / "other")
    assert current(given) is given


def test_library_calls_take_their_defaults_from_the_settings_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LLMHUB_CATALOG_SOURCES", raising=False)
    monkeypatch.delenv("LLMHUB_OFFLINE", raising=False)
    # An empty cache under settings.cache_dir, offline: nothing cached yet, and no network is tried.
    settings = Settings(offline=True, cache_dir=tmp_path)
    assert cached_catalog(settings=settings) is None
    catalog = build_catalog(settings=settings, discover=False)  # the bundled data, offline
    assert catalog.models and (tmp_path / "catalog").is_dir()
    assert cached_catalog(settings=settings) is not None


def test_the_offline_flag_is_a_setting_not_an_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LLMHUB_OFFLINE", raising=False)
    result = CliRunner().invoke(app, ["--offline", "--no-dotenv", "version"])
    assert result.exit_code == 0, result.output
    assert options.settings.offline is True and options.settings.no_dotenv is True
    assert "LLMHUB_OFFLINE" not in os.environ


def test_only_the_settings_module_reads_the_environment() -> None:
    readers = re.compile(r"os\.environ|os\.getenv|getenv\(")
    found = [
        f"{path.relative_to(SRC)}:{number}"
        for path in SRC.rglob("*.py")
        if path.name != "settings.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if readers.search(line)
    ]
    assert found == []


def test_the_tool_imports_no_private_runtime_module_or_name() -> None:
    # A private name starts with one underscore (`__version__` is public).
    private = re.compile(r"llmhub_runtime(\.\w+)*\._(?!_)|from llmhub_runtime(\.\w+)* import .*\b_(?!_)\w")
    found = [
        f"{path.relative_to(SRC)}:{number}: {line.strip()}"
        for path in SRC.rglob("*.py")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if private.search(line)
    ]
    assert found == []


def test_model_references_split_at_the_first_colon_only() -> None:
    from llmhub.refs import parse_model_ref

    assert parse_model_ref("openai:gpt-4.1-mini") == ("openai", "gpt-4.1-mini")
    assert parse_model_ref("openrouter:qwen/qwen3:free") == ("openrouter", "qwen/qwen3:free")
    for bad in ("gpt-4.1", ":gpt-4.1", "openai:", " : "):
        try:
            parse_model_ref(bad, what="generator model")
        except ValueError as exc:
            assert str(exc) == f"generator model {bad!r} must be provider:model, e.g. openai:gpt-4.1-mini"
        else:
            raise AssertionError(f"{bad!r} was accepted")
