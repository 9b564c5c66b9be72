from typing import Any

from llmhub.catalog.derive import assign_tiers, blended_price, tags_for
from llmhub.catalog.kinds import ModelKind
from llmhub.catalog.models import ModelDraft


def model(
    name: str,
    kind: ModelKind = ModelKind.chat,
    price: float | None = None,
    score: float | None = None,
    arena_id: str | None = None,
    **extra: Any,
) -> ModelDraft:
    return ModelDraft(
        canonical_id=f"p:{name}",
        provider="p",
        model_id=name,
        display_name=name,
        kind=kind,
        blended_price_per_million=price,
        arena_score=score,
        arena_id=arena_id or (name if score is not None else None),
        **extra,
    )


def test_blended_price() -> None:
    assert blended_price(ModelKind.chat, 2.0, 8.0) == 3.5
    assert blended_price(ModelKind.embedding, 0.02, 0.0) == 0.02
    assert blended_price(ModelKind.chat, None, 8.0) is None


def test_tiers_are_quintiles_within_a_kind() -> None:
    chats = [model(f"c{i}", price=float(i), score=1000.0 + i) for i in range(10)]
    embeddings = [model(f"e{i}", kind=ModelKind.embedding, price=0.01 * (i + 1)) for i in range(5)]
    assign_tiers(chats + embeddings)
    assert [m.cost_tier for m in chats] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert [m.quality_tier for m in chats] == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]
    # Embeddings are ranked among themselves: the cheapest embedding is tier 1 although it costs
    # more than half the chat models.
    assert [m.cost_tier for m in embeddings] == [1, 2, 3, 4, 5]
    assert all(m.quality_tier is None for m in embeddings)


def test_unknown_values_get_no_tier_never_a_made_up_one() -> None:
    rows = [model("a", price=1.0, score=1200.0), model("b"), model("c", price=2.0)]
    assign_tiers(rows)
    assert rows[1].cost_tier is None and rows[1].quality_tier is None
    assert rows[2].quality_tier is None


def test_quality_population_counts_each_arena_entry_once() -> None:
    # One strong model at 8 hosts must not push a mid model down to tier 5.
    strong = [model(f"s{i}", score=1400.0, arena_id="strong") for i in range(8)]
    mid, weak = model("mid", score=1300.0), model("weak", score=1200.0)
    assign_tiers([*strong, mid, weak])
    assert mid.quality_tier == 2
    assert weak.quality_tier == 4
    assert strong[0].quality_tier == 1


def test_reasoning_and_creative_tiers_come_from_categories() -> None:
    a = model("a", score=1.0, arena_scores={"math": 1400.0, "hard_6": 1500.0, "creative_writing": 1000.0})
    b = model("b", score=1.0, arena_scores={"math": 1300.0, "creative_writing": 1300.0})
    assign_tiers([a, b])
    assert (a.reasoning_tier, b.reasoning_tier) == (1, 3)
    assert (a.creative_tier, b.creative_tier) == (3, 1)


def test_tags() -> None:
    m = model(
        "m",
        price=0.0,
        input_modalities=("text", "image", "pdf"),
        supports_tool_call=True,
        supports_reasoning=True,
        open_weights=True,
        context_tokens=1_000_000,
        cost_tier=1,
        quality_tier=1,
    )
    assert tags_for(m, ["mine"]) == (
        "cheap",
        "free",
        "long-context",
        "mine",
        "open-weights",
        "pdf",
        "reasoning",
        "tools",
        "top-quality",
        "vision",
    )
    assert tags_for(model("e", kind=ModelKind.embedding)) == ("embedding",)
    assert tags_for(model("i", kind=ModelKind.image)) == ("image-generation",)
