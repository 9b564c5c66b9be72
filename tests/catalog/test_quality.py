"""Quality figures: measured, inherited or estimated, from the whole catalog, the same in every role."""

from __future__ import annotations

from typing import Any

import pytest

from llmhub.catalog.kinds import ModelKind
from llmhub.catalog.models import CanonicalModel
from llmhub.catalog.quality import Quality, QualityIndex


def model(model_id: str, score: float | None, price: float | None, day: str, **facts: Any) -> CanonicalModel:
    provider = str(facts.pop("provider", "p"))
    return CanonicalModel.build(
        provider=provider,
        model_id=model_id,
        kind=facts.pop("kind", ModelKind.chat),
        arena_score=score,
        arena_id=model_id if score is not None else None,
        release_date=day,
        blended_price_per_million=price,
        **facts,
    )


def population() -> list[CanonicalModel]:
    """Twenty rated models where quality rises with price and date, plus the unrated cases."""
    rated = [
        model(
            f"rated-{i}",
            1200 + 10 * i,
            0.1 * (1.3**i),
            f"2025-{1 + i % 12:02d}-01",
            arena_scores={"coding": 1240 + 10 * i, "if": 1190 + 10 * i},
            arena_ci_low=1195 + 10 * i,
            arena_ci_high=1205 + 10 * i,
        )
        for i in range(20)
    ]
    return [
        *rated,
        model("opus-4", 1450, 10.0, "2025-05-01", family="opus", arena_ci_low=1444, arena_ci_high=1456),
        model("opus-5", None, 10.0, "2026-05-01", family="opus"),  # successor, same price: inherits
        model("opus-mini-5", None, 10.0, "2026-05-01", family="opus"),  # other size words: does not
        model("opus-cheap", None, 1.0, "2026-05-01", family="opus"),  # cheaper: does not inherit
        model("copy", None, 3.0, "2025-06-01", canonical_model_id="lab/opus-4", provider="host"),
        model("newcomer", None, 2.0, "2026-06-01"),
        model("mystery", None, None, "2026-06-01"),
    ]


@pytest.fixture(scope="module")
def index() -> QualityIndex:
    models = population()
    models[20] = CanonicalModel.build(**{**models[20].facts(), "canonical_model_id": "lab/opus-4"})  # the rated copy
    return QualityIndex(models)


def by_id(index: QualityIndex, model_id: str, categories: tuple[str, ...] = ()) -> Quality | None:
    found = next(m for m in index._models if m.model_id == model_id)
    return index.of(found, categories)


def test_measured_models_keep_their_rating_and_interval(index: QualityIndex) -> None:
    figure = by_id(index, "rated-3", ("coding",))
    assert figure is not None
    assert (figure.value, figure.low, figure.high, figure.basis) == (1270, 1265, 1275, "measured")
    assert figure.describe() == "1270 measured (LMArena; coding; interval 1265-1275)"


def test_a_task_without_a_rating_is_the_overall_shifted_by_the_learned_offset(index: QualityIndex) -> None:
    figure = by_id(index, "opus-4", ("coding",))
    assert figure is not None
    assert figure.basis == "measured"
    assert figure.value == 1490  # 1450 + the median coding gap (+40) over all rated models
    assert figure.category == "overall shifted to coding"


def test_the_same_model_at_another_host_is_measured(index: QualityIndex) -> None:
    figure = by_id(index, "copy")
    assert figure is not None
    assert figure.basis == "measured" and figure.value == 1450
    assert "the same model at p:opus-4" in figure.source


def test_a_successor_at_the_same_price_inherits_with_a_wider_interval(index: QualityIndex) -> None:
    figure = by_id(index, "opus-5")
    assert figure is not None
    assert figure.basis == "inherited" and figure.value == 1450
    assert figure.source == "from p:opus-4"
    assert figure.high - figure.low > 12 + 30  # the predecessor's interval, widened on each side
    assert figure.rank_value == 1450  # ranks at its value, not penalised for being inherited


@pytest.mark.parametrize("model_id", ["opus-mini-5", "opus-cheap"])
def test_other_sizes_and_cheaper_models_do_not_inherit(index: QualityIndex, model_id: str) -> None:
    figure = by_id(index, model_id)
    assert figure is not None and figure.basis == "estimated"


def test_an_estimate_comes_from_the_whole_catalog_with_a_wide_interval_and_ranks_low(index: QualityIndex) -> None:
    figure = by_id(index, "newcomer")
    assert figure is not None
    assert figure.basis == "estimated"
    assert figure.high - figure.low > 40
    assert figure.rank_value == figure.low
    assert "a fit over 21 rated models" in figure.source  # 20 + opus-4 (the copy counts once)


def test_the_same_model_gets_the_same_figure_whatever_else_is_around(index: QualityIndex) -> None:
    # Estimates depend on the catalog, never on a role's pool: asking twice, or after other
    # models were asked about, gives the same figure.
    first = by_id(index, "newcomer", ("coding",))
    by_id(index, "rated-1", ("coding",))
    assert by_id(index, "newcomer", ("coding",)) == first


def test_without_a_price_or_anything_to_inherit_quality_is_unknown(index: QualityIndex) -> None:
    assert by_id(index, "mystery") is None


def test_kinds_the_arena_does_not_rate_get_no_figure(index: QualityIndex) -> None:
    embed = model("embed", None, 0.02, "2025-01-01", kind=ModelKind.embedding)
    assert index.of(embed) is None


def test_tiers_are_quintiles_of_measured_ratings(index: QualityIndex) -> None:
    assert index.tier(1500) == 1
    assert index.tier(1100) == 5
    figure = by_id(index, "opus-5")
    assert figure is not None
    assert index.tier(figure.value) == 1  # an inherited figure is tiered like any other


def test_a_rating_from_the_overrides_file_says_whose_it_is() -> None:
    from llmhub.catalog.models import FieldSource

    source = FieldSource(source="overrides", detail="llmhub.catalog-overrides.yaml")
    private = model("private-1", 1400, 3.0, "2026-01-01", provenance={"quality": source})
    figure = QualityIndex([*population(), private]).of(private)
    assert figure is not None and figure.source == "your overrides file"
    assert "LMArena" not in figure.describe()
