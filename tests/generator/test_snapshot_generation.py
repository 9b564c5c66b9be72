"""Generation from the real catalog snapshots: the picks a person would expect, reproducibly."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from llmhub.catalog import Catalog, build_catalog
from llmhub.catalog.models import CanonicalModel
from llmhub.generator import GenerationResult, GeneratorOptions, generate_runtime_from_spec
from llmhub.spec import load_spec

from .conftest import spec_with

SNAPSHOTS = os.environ.get("LLMHUB_TEST_SNAPSHOTS")
REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(
    not SNAPSHOTS, reason="LLMHUB_TEST_SNAPSHOTS is not set (.ci/run sets it to ../shared/catalog-snapshots)"
)


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    # Lifecycle dates judged on a fixed day: the picks must not change as retirement dates pass.
    return build_catalog(
        sources_dir=SNAPSHOTS, overrides=False, cache_dir=tmp_path_factory.mktemp("cache"), today=date(2026, 12, 4)
    )


def pick(real: Catalog, roles: str, **kwargs: str) -> tuple[GenerationResult, dict[str, CanonicalModel]]:
    result = generate_runtime_from_spec(spec_with(roles, **kwargs), GeneratorOptions(catalog=real, no_llm=True))
    return result, {name: real[f"{r.provider}:{r.model}"] for name, r in result.runtime.roles.items()}


def test_cheap_fast_openai_chat_role_gets_a_small_openai_chat_model(real: Catalog) -> None:
    _, models = pick(real, "  r: {preferences: {cost: low, latency: low, providers: [openai]}}")
    model = models["r"]
    assert model.provider == "openai" and model.kind == "chat"
    assert any(word in model.model_id for word in ("mini", "nano")), model.model_id
    assert model.pricing.blended is not None and model.pricing.blended <= 1.0  # cost low's target


def test_embedding_role_gets_an_embedding_model(real: Catalog) -> None:
    result, models = pick(real, "  r: {kind: embedding, preferences: {providers: [openai]}}")
    assert models["r"].kind == "embedding"
    assert result.runtime.roles["r"].mode == "embedding"
    assert all(real[f"{f.provider}:{f.model}"].kind == "embedding" for f in result.runtime.roles["r"].fallbacks)


def test_vision_role_gets_a_vision_model_ranked_on_the_vision_board(real: Catalog) -> None:
    result, models = pick(real, "  r: {description: Read screenshots of invoices, requires: [vision]}")
    assert "image" in models["r"].capabilities.input_modalities
    explanation = result.explanations["r"]
    assert explanation.task == "vision"
    for fallback in result.runtime.roles["r"].fallbacks:
        assert "image" in real[f"{fallback.provider}:{fallback.model}"].capabilities.input_modalities


def test_high_quality_coding_role_gets_a_top_tier_model(real: Catalog) -> None:
    result, models = pick(
        real,
        "  r: {description: Review and refactor code, preferences: {quality: high, cost: high}}",
        providers="providers:\n  openai: {}\n  anthropic: {}\n",
    )
    from llmhub.catalog.quality import QualityIndex

    overall = QualityIndex(real).of(models["r"])
    assert overall is not None and overall.basis in ("measured", "inherited")
    assert QualityIndex(real).tier(overall.value) == 1
    assert result.explanations["r"].task == "coding"
    assert "coding" in result.explanations["r"].facts["quality"]


def test_seed_spec_generates(real: Catalog) -> None:
    spec = load_spec(REPO / "tests" / "fixtures" / "seed_spec" / "002_2.yaml")
    result = generate_runtime_from_spec(spec, GeneratorOptions(catalog=real, no_llm=True))
    assert set(result.runtime.roles) == set(spec.roles)
    assert all(r.provider in ("openai", "anthropic") for r in result.runtime.roles.values())


def test_twelve_role_spec_is_byte_identical_across_runs(real: Catalog) -> None:
    spec = load_spec(REPO / "bench" / "data" / "twelve_roles.spec.yaml")
    first = generate_runtime_from_spec(spec, GeneratorOptions(catalog=real, no_llm=True))
    second = generate_runtime_from_spec(spec, GeneratorOptions(catalog=real, no_llm=True))
    assert len(first.runtime.roles) == 12
    assert first.text() == second.text()
    assert first.runtime.roles["llm.pinned"].model == "gpt-4.1-mini"
    assert first.explanations["llm.pinned"].decided_by == "forced"
