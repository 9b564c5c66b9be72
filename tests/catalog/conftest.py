from pathlib import Path

import pytest

from tests.paths import MINI


@pytest.fixture
def mini_dir() -> Path:
    """A hand-written sources mirror: a dozen models with every edge case the parsers handle."""
    return MINI


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own empty catalog cache and no user overrides file."""
    monkeypatch.setenv("LLMHUB_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("LLMHUB_CATALOG_SOURCES", raising=False)
    monkeypatch.delenv("LLMHUB_CATALOG_OVERRIDES", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
