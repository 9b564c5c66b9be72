"""Real facts from a full build of the shared catalog snapshots (the path comes from LLMHUB_TEST_SNAPSHOTS)."""

import json
import os
from pathlib import Path
from typing import Any

import pytest

from llmhub.catalog import ModelKind, build_catalog
from llmhub.catalog.models import Catalog

SNAPSHOTS = os.environ.get("LLMHUB_TEST_SNAPSHOTS")
pytestmark = pytest.mark.skipif(
    not SNAPSHOTS, reason="LLMHUB_TEST_SNAPSHOTS is not set (.ci/run sets it to ../shared/catalog-snapshots)"
)


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    os.environ["LLMHUB_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    return build_catalog(sources_dir=SNAPSHOTS, overrides=False)


@pytest.fixture(scope="module")
def text_board() -> Any:
    assert SNAPSHOTS is not None
    return json.loads((Path(SNAPSHOTS) / "arena-catalog/data/leaderboard-text-style-control.json").read_text())


def test_sizes(catalog: Catalog) -> None:
    assert len(catalog) == 5276  # every provider-model entry of models.dev, callable or not
    assert 1000 < sum(m.identity.callable for m in catalog) < 2000
    assert {s.name: s.status for s in catalog.sources}["models.dev"] == "local"
    source = catalog.source("models.dev")
    assert source is not None and source.snapshot == "2026-07-02 (f3fc692)"


def test_known_model_price_context_and_score(catalog: Catalog, text_board: Any) -> None:
    gpt = catalog["openai:gpt-4.1"]
    assert (gpt.pricing.input, gpt.pricing.output) == (2.0, 8.0)
    assert gpt.limits.context == 1047576
    assert gpt.quality.arena_id == "gpt-4.1-2025-04-14"
    assert gpt.quality.score == round(text_board["full"]["gpt-4.1-2025-04-14"]["rating"], 2)
    opus = catalog["anthropic:claude-opus-4-5"]
    assert (opus.quality.arena_id, opus.quality.match) == ("claude-opus-4-5-20251101", "alias")
    assert catalog["gemini:gemini-2.5-pro"].quality.arena_id == "gemini-2.5-pro"


def test_every_arena_id_exists_in_the_arena_file(catalog: Catalog, text_board: Any) -> None:
    scored = [m for m in catalog if m.quality.arena_id is not None]
    assert len(scored) > 1000
    assert {m.quality.arena_id for m in scored} <= set(text_board["full"])
    for model in scored[:200]:
        assert model.quality.score == round(text_board["full"][model.quality.arena_id]["rating"], 2)


def test_no_model_of_the_wrong_kind_in_a_tier(catalog: Catalog) -> None:
    for model in catalog:
        if model.kind != ModelKind.chat:
            # The text arena ranks chat models only: nothing else may carry its score or tiers.
            assert model.quality.score is None and model.tiers.quality is None, model.canonical_id
    embeddings = [m for m in catalog if m.kind == ModelKind.embedding and m.tiers.cost is not None]
    # Embedding cost tiers are quintiles among embeddings: the cheapest embeddings are tier 1.
    cheapest = min(price for m in embeddings if (price := m.pricing.blended) is not None)
    assert all(m.tiers.cost == 1 for m in embeddings if m.pricing.blended == cheapest)
    assert {m.tiers.cost for m in embeddings} == {1, 2, 3, 4, 5}


def test_arena_mapping_listing(catalog: Catalog, text_board: Any) -> None:
    listing = [e for e in catalog.arena if e.board == "text"]
    assert {e.arena_name for e in listing} == set(text_board["full"])
    matched = [e for e in listing if e.matches]
    assert 150 <= len(matched) <= 200  # precision first: old and arena-only names stay unmatched
    assert all(e.reason for e in listing if not e.matches)
    gpt5 = next(e for e in listing if e.arena_name == "gpt-5-high")
    assert {"provider": "openai", "model_id": "gpt-5", "modelsdev": "openai/gpt-5"} in gpt5.to_dict()["matches"]
