"""Budgets as hard constraints, cost projections per pick and fallback, and trade-offs (issue #10)."""

from __future__ import annotations

import pytest

from llmhub.catalog.models import Catalog, PriceTier
from llmhub.cost import DAYS_PER_MONTH, Traffic, monthly_cost, pricing_of
from llmhub.errors import NoCandidateError, SpecError
from llmhub.generator import GeneratorOptions, generate_runtime_from_spec
from llmhub.generator.rules import RuleSet
from llmhub.spec import parse_spec

from .conftest import chat, fixture_catalog, fixture_models, spec_with

TRAFFIC = "traffic: {requests_per_day: 1000, input_tokens: 2000, output_tokens: 500}"


def per_month(
    price_in: float, price_out: float, requests: float = 1000, tokens_in: int = 2000, out: int = 500
) -> float:
    return (tokens_in * price_in + out * price_out) / 1e6 * requests * DAYS_PER_MONTH


def test_a_role_budget_excludes_the_picks_it_cannot_afford_and_says_so(catalog: Catalog) -> None:
    role = f"  r: {{preferences: {{quality: high, cost: high}}, {TRAFFIC}}}"
    free = generate_runtime_from_spec(spec_with(role), GeneratorOptions(catalog=catalog, no_llm=True))
    first = catalog[f"{free.runtime.roles['r'].provider}:{free.runtime.roles['r'].model}"]
    first_cost = monthly_cost(pricing_of(first), Traffic(1000, 2000, 500))
    assert first_cost is not None and first_cost > 100  # the unconstrained pick is an expensive one

    budget = f"  r: {{preferences: {{quality: high, cost: high}}, {TRAFFIC}, monthly_budget: 100}}"
    result = generate_runtime_from_spec(spec_with(budget), GeneratorOptions(catalog=catalog, no_llm=True))
    target = result.runtime.roles["r"]
    picked = catalog[f"{target.provider}:{target.model}"]
    cost = monthly_cost(pricing_of(picked), Traffic(1000, 2000, 500))
    assert cost is not None and cost <= 100
    for fallback in target.fallbacks:  # a fallback is held to the role's budget too
        fallback_cost = monthly_cost(fallback.pricing, Traffic(1000, 2000, 500))
        assert fallback_cost is not None and fallback_cost <= 100
    explanation = result.explanations["r"]
    cut = next(e for e in explanation.eliminations if e["constraint"].startswith("the role's monthly_budget $100.00"))
    assert cut["removed"] >= 1 and first.canonical_id in cut["examples"]
    assert "monthly_budget $100.00" in str(explanation)


def test_projections_cover_the_pick_and_every_fallback_and_unknown_stays_unknown(catalog: Catalog) -> None:
    result = generate_runtime_from_spec(
        spec_with(f"  r: {{preferences: {{providers: [openai, anthropic]}}, fallbacks: 2, {TRAFFIC}}}"),
        GeneratorOptions(catalog=catalog, no_llm=True),
    )
    projection = result.explanations["r"].projection
    assert projection is not None and projection["basis"] == "1000 requests/day x (2000 in + 500 out tokens)"
    role = result.runtime.roles["r"]
    model = catalog[f"{role.provider}:{role.model}"]
    assert model.pricing.input is not None and model.pricing.output is not None
    assert projection["primary"]["per_month"] == pytest.approx(per_month(model.pricing.input, model.pricing.output))
    assert [f["model"] for f in projection["fallbacks"]] == [f"{f.provider}:{f.model}" for f in role.fallbacks]
    # Without traffic there is nothing to project: None, not $0.
    bare = generate_runtime_from_spec(spec_with("  r: {}"), GeneratorOptions(catalog=catalog, no_llm=True))
    assert bare.explanations["r"].projection is None


def test_a_model_without_a_price_never_fits_a_budget(rules: RuleSet) -> None:
    unpriced = chat("openai", "mystery", 1600, 0.0, 0.0)
    unpriced.price_input_per_million = unpriced.price_output_per_million = None
    catalog = fixture_catalog([*fixture_models(), unpriced])
    result = generate_runtime_from_spec(
        spec_with(f"  r: {{preferences: {{quality: high}}, {TRAFFIC}, monthly_budget: 100000}}"),
        GeneratorOptions(catalog=catalog, no_llm=True, rules=rules),
    )
    assert result.runtime.roles["r"].model != "mystery"


def test_long_prompts_are_projected_and_budgeted_at_the_tier_price(rules: RuleSet) -> None:
    tiered = chat(
        "gemini", "tiered-pro", 1500, 1.0, 4.0, context_tokens=1_000_000, price_tiers=(PriceTier(200_000, 3.0, 12.0),)
    )
    catalog = fixture_catalog([*fixture_models(), tiered])
    traffic = "traffic: {requests_per_day: 10, input_tokens: 300000, output_tokens: 1000}"
    result = generate_runtime_from_spec(
        spec_with(f"  r: {{force_provider: gemini, force_model: tiered-pro, min_context: 500000, {traffic}}}"),
        GeneratorOptions(catalog=catalog, no_llm=True, rules=rules),
    )
    projection = result.explanations["r"].projection
    assert projection is not None
    assert projection["primary"]["per_month"] == pytest.approx((300_000 * 3.0 + 1000 * 12.0) / 1e6 * 10 * 30)
    tiers = result.runtime.roles["r"].pricing
    assert tiers is not None and tiers.tiers[0].above_tokens == 200_000  # llmhub.yaml keeps the tier for the hub
    # At the list price it would cost $91.20 a month and fit $250; at the tier price ($273.60) it does not.
    alone = fixture_catalog([tiered])
    budget = f"  r: {{min_context: 500000, {traffic}, monthly_budget: 250}}"
    with pytest.raises(NoCandidateError, match="monthly_budget"):
        generate_runtime_from_spec(spec_with(budget), GeneratorOptions(catalog=alone, no_llm=True, rules=rules))
    enough = budget.replace("250", "280")
    fits = generate_runtime_from_spec(spec_with(enough), GeneratorOptions(catalog=alone, no_llm=True, rules=rules))
    assert fits.runtime.roles["r"].model == "tiered-pro"


def test_the_project_budget_trades_the_role_that_loses_least_per_dollar(catalog: Catalog) -> None:
    roles = (
        f"  a: {{preferences: {{quality: high, cost: high}}, {TRAFFIC}}}\n"
        f"  b: {{preferences: {{quality: high, cost: high}}, {TRAFFIC}}}\n"
        "  c: {}\n"
    )
    free = generate_runtime_from_spec(spec_with(roles), GeneratorOptions(catalog=catalog, no_llm=True))
    totals = {n: free.explanations[n].projection for n in ("a", "b")}
    total = sum(p["primary"]["per_month"] for p in totals.values() if p is not None)
    budget = round(total * 0.6, 2)
    result = generate_runtime_from_spec(
        spec_with(roles, extra=f"monthly_budget: {budget}"), GeneratorOptions(catalog=catalog, no_llm=True)
    )
    spent = 0.0
    for name in ("a", "b"):
        projection = result.explanations[name].projection
        assert projection is not None and projection["primary"]["per_month"] is not None
        spent += projection["primary"]["per_month"]
    assert spent <= budget
    traded = [n for n in ("a", "b") if result.runtime.roles[n].model != free.runtime.roles[n].model]
    assert traded, "something had to give way"
    for name in traded:  # the share caps the pick, not its fallbacks: they still come from the whole ranking
        assert len(result.runtime.roles[name].fallbacks) == 2
    assert any("the spec's monthly_budget" in note for n in traded for note in result.explanations[n].notes)
    assert any("c not counted" in w for w in result.warnings)  # a role without traffic is named, not priced at $0
    with pytest.raises(NoCandidateError, match=r"monthly_budget \$0\.01 cannot be met"):
        generate_runtime_from_spec(
            spec_with(roles, extra="monthly_budget: 0.01"), GeneratorOptions(catalog=catalog, no_llm=True)
        )


def test_a_budget_without_traffic_is_a_spec_error() -> None:
    with pytest.raises(SpecError, match="monthly_budget needs the role's traffic"):
        parse_spec("roles:\n  r: {monthly_budget: 50}\n", source="s.yaml")
    parse_spec(f"roles:\n  r: {{monthly_budget: 50, {TRAFFIC}}}\n", source="s.yaml")  # complete: accepted


def test_tradeoffs_name_the_pick_one_step_away_and_are_deterministic(catalog: Catalog) -> None:
    role = f"  r: {{preferences: {{quality: medium, cost: medium, latency: medium}}, {TRAFFIC}}}"
    first = generate_runtime_from_spec(spec_with(role), GeneratorOptions(catalog=catalog, no_llm=True))
    again = generate_runtime_from_spec(spec_with(role), GeneratorOptions(catalog=catalog, no_llm=True))
    changes = first.explanations["r"].tradeoffs
    assert changes == again.explanations["r"].tradeoffs
    assert {(c["preference"], c["level"]) for c in changes} == {
        (p, level) for p in ("quality", "cost", "latency") for level in ("low", "high")
    }
    # Each alternative is what generation with that level would pick: the trade-off is no guess.
    for change in changes:
        moved = role.replace(f"{change['preference']}: medium", f"{change['preference']}: {change['level']}")
        other = generate_runtime_from_spec(spec_with(moved), GeneratorOptions(catalog=catalog, no_llm=True))
        picked = other.runtime.roles["r"]
        assert change["model"] == f"{picked.provider}:{picked.model}", change
        if not change["same"] and change["monthly_delta"] is not None:
            mine = first.explanations["r"].projection
            theirs = other.explanations["r"].projection
            assert mine is not None and theirs is not None
            delta = theirs["primary"]["per_month"] - mine["primary"]["per_month"]
            assert change["monthly_delta"] == pytest.approx(delta, abs=0.01)
    up = next(c for c in changes if c["preference"] == "quality" and c["level"] == "high")
    assert up["same"] or (up["quality_delta"] is not None and up["quality_delta"] >= 0)
    text = str(first.explanations["r"])
    assert "trade-offs (one step in a preference):" in text


def test_tradeoffs_can_be_left_out(catalog: Catalog) -> None:
    result = generate_runtime_from_spec(
        spec_with("  r: {}"), GeneratorOptions(catalog=catalog, no_llm=True, tradeoffs=False)
    )
    assert result.explanations["r"].tradeoffs == []


def test_reasoning_tokens_are_billed_as_output_for_models_that_reason() -> None:
    from llmhub.cost import projected_month

    thinker = chat("openai", "thinker", 1400, 1.0, 4.0, supports_reasoning=True).freeze()
    plain = chat("openai", "plain", 1400, 1.0, 4.0, supports_reasoning=False).freeze()
    traffic = Traffic(100, 1000, 200, reasoning_tokens=800)
    # 1000 in at $1, 200 + 800 out at $4 per million, 100 calls a day for 30 days.
    assert projected_month(thinker, traffic) == pytest.approx((1000 * 1.0 + 1000 * 4.0) / 1e6 * 100 * 30)
    assert projected_month(plain, traffic) == pytest.approx((1000 * 1.0 + 200 * 4.0) / 1e6 * 100 * 30)
    assert traffic.describe() == "100 requests/day x (1000 in + 200 out tokens), +800 reasoning tokens"
    spec = parse_spec(
        "roles:\n  r: {traffic: {requests_per_day: 1, input_tokens: 1, output_tokens: 1, reasoning_tokens: 5}}\n",
        source="s.yaml",
    )
    assert Traffic.from_spec(spec.roles["r"].traffic).reasoning_tokens == 5  # type: ignore[arg-type]
