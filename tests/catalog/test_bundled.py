"""The offline default: the 2026-09 snapshot bundled with llmhub gives a complete catalog with no network."""

from __future__ import annotations

import gzip
import hashlib
import json
from importlib import resources
from pathlib import Path

import pytest

from llmhub.catalog import build_catalog
from llmhub.catalog.sources import bundled


def test_every_bundled_file_is_the_recorded_snapshot() -> None:
    folder = resources.files("llmhub.catalog").joinpath("data", "offline")
    manifest = json.loads(folder.joinpath("BUNDLE.json").read_text(encoding="utf-8"))
    assert set(manifest["files"]) == {"models.dev", "lmarena-text", "lmarena-vision", "lmarena-image", "litellm"}
    for name, entry in manifest["files"].items():
        body = gzip.decompress(folder.joinpath(entry["file"]).read_bytes())
        assert hashlib.sha256(body).hexdigest() == entry["sha256"], name
        assert bundled.load(name) is not None and bundled.load(name).body == body  # type: ignore[union-attr]
    assert bundled.load("no-such-source") is None


def test_an_offline_build_that_never_fetched_anything_uses_the_bundle_for_every_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LLMHUB_CATALOG_SOURCES", raising=False)
    catalog = build_catalog(offline=True, cache_dir=tmp_path, overrides=False)
    statuses = {s.name: s for s in catalog.sources}
    for name in ("models.dev", "lmarena-text", "lmarena-vision", "lmarena-image", "litellm"):
        assert statuses[name].status == "bundled", (name, statuses[name])
        assert (statuses[name].snapshot or "").endswith("(bundled)")
    assert "CC-BY-4.0" in (statuses["lmarena-text"].detail or "")
    # Complete, not prices alone: quality ratings and lifecycle facts are there.
    assert sum(1 for m in catalog if m.quality.score is not None) > 1000
    assert any(m.lifecycle.deprecation_date for m in catalog)
    assert catalog["openai:gpt-5.5"].quality.score is not None


def test_a_first_build_without_network_uses_the_bundle_not_a_poorer_catalog(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Not offline, never fetched here, every fetch fails: the same complete snapshot --offline uses.
    from llmhub.catalog.sources import arena, arena_dataset, litellm, modelsdev
    from llmhub.errors import SourceError

    def down(*args: object, **kwargs: object) -> None:
        raise SourceError("test", "no network")

    monkeypatch.delenv("LLMHUB_CATALOG_SOURCES", raising=False)
    monkeypatch.delenv("LLMHUB_OFFLINE", raising=False)
    for module in (modelsdev, arena, arena_dataset, litellm):
        monkeypatch.setattr(module, "fetch_live", down)
    catalog = build_catalog(cache_dir=tmp_path, overrides=False, discover=False)
    statuses = {s.name: s for s in catalog.sources}
    for name in ("models.dev", "lmarena-text", "lmarena-vision", "lmarena-image", "litellm"):
        assert statuses[name].status == "bundled", (name, statuses[name])
    assert catalog["openai:gpt-5.5"].quality.score is not None  # ratings, not a price list
    assert any("could not fetch" in w and "--offline" in w for w in catalog.warnings)
