"""Real facts from a full build of the newer (2026-09) shared snapshot: kinds, honest prices, identity, lifecycle.

The path is the sibling `catalog-snapshots-2026-09` of LLMHUB_TEST_SNAPSHOTS (the 2026-07 baseline).
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from llmhub.catalog import ModelKind, build_catalog
from llmhub.catalog.models import Catalog
from llmhub.catalog.quality import QualityIndex

BASE = os.environ.get("LLMHUB_TEST_SNAPSHOTS")
NEWER = Path(BASE).parent / "catalog-snapshots-2026-09" if BASE else None
pytestmark = pytest.mark.skipif(
    NEWER is None or not (NEWER / "models.dev" / "api.json").is_file(),
    reason="LLMHUB_TEST_SNAPSHOTS is not set, or has no sibling catalog-snapshots-2026-09 (.ci/run sets it)",
)


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    return build_catalog(
        sources_dir=NEWER, overrides=False, cache_dir=tmp_path_factory.mktemp("cache"), today=date(2026, 12, 4)
    )


def test_sizes_and_sources(catalog: Catalog) -> None:
    assert len(catalog) == 8337
    statuses = {s.name: s.status for s in catalog.sources}
    assert {statuses[n] for n in ("models.dev", "lmarena-text", "lmarena-vision", "lmarena-image", "litellm")} == {
        "local"
    }


def test_no_audio_or_music_model_is_a_chat_candidate(catalog: Catalog) -> None:
    kinds = {m.canonical_id: m.kind for m in catalog}
    assert kinds["gemini:lyria-3-pro-preview"] == ModelKind.music
    assert kinds["groq:whisper-large-v3"] == ModelKind.transcription
    assert kinds["groq:canopylabs/orpheus-v1-english"] == ModelKind.speech
    assert kinds["openai:gpt-realtime-2.1"] == ModelKind.realtime
    for model in catalog:
        if model.kind == ModelKind.chat:
            assert "music" not in model.model_id and "lyria" not in model.model_id, model.canonical_id


def test_zero_listings_are_unknown_prices_and_free_tiers_are_flagged(catalog: Catalog) -> None:
    placeholders = [m for m in catalog if m.pricing.listed_zero]
    assert placeholders and all(m.pricing.input is None or m.pricing.output is None for m in placeholders)
    free = [m for m in catalog if m.pricing.free]
    assert free and all(m.model_id.endswith((":free", "-free")) for m in free)
    assert not any(m.pricing.blended == 0 and not m.pricing.free for m in catalog)


def test_cross_provider_identity_and_lifecycle(catalog: Catalog) -> None:
    assert sum(1 for m in catalog if m.identity.canonical_model_id) > 5000
    dated = [m for m in catalog if m.lifecycle.deprecation_date]
    assert len(dated) > 100
    assert any(m.lifecycle.successor for m in dated)
    assert all(m.lifecycle.deprecated for m in dated if m.lifecycle.deprecation_date <= "2026-12-04")  # type: ignore[operator]


def test_every_callable_chat_model_has_one_honest_quality_figure(catalog: Catalog) -> None:
    index = QualityIndex(catalog)
    counts: dict[str | None, int] = {}
    for model in catalog:
        if model.kind == ModelKind.chat and model.identity.callable:
            figure = index.of(model)
            counts[figure.basis if figure else None] = counts.get(figure.basis if figure else None, 0) + 1
            if figure is not None:
                assert figure.low <= figure.value <= figure.high
    assert counts["measured"] > counts["inherited"] > 0 and counts["estimated"] > 0
    assert counts.get(None, 0) < counts["measured"]  # unknown stays unknown, but is the exception
