"""The rule engine on a hand-made catalog: hard constraints, preferences, ties, fallbacks, determinism."""

from __future__ import annotations

import random

import pytest

from llmhub.catalog.kinds import ModelKind
from llmhub.catalog.models import Catalog, ModelDraft
from llmhub.errors import NoCandidateError
from llmhub.generator import GeneratorOptions, generate_runtime_from_spec
from llmhub.generator.pipeline import GenerationResult
from llmhub.generator.rules import RuleSet
from llmhub_runtime.config_loader import parse_config

from .conftest import ALL_PROVIDERS, change, changed, chat, fixture_catalog, fixture_models, make_model, spec_with


def generate(
    roles: str, catalog: Catalog, rules: RuleSet, providers: str = ALL_PROVIDERS, extra: str = ""
) -> GenerationResult:
    spec = spec_with(roles, providers, extra)
    return generate_runtime_from_spec(spec, GeneratorOptions(catalog=catalog, rules=rules, no_llm=True))


def target(result: GenerationResult, role: str = "r") -> str:
    config = result.runtime.roles[role]
    return f"{config.provider}:{config.model}"


def fallbacks(result: GenerationResult, role: str = "r") -> list[str]:
    return [f"{f.provider}:{f.model}" for f in result.runtime.roles[role].fallbacks]


def picks_under(roles: str, catalog: Catalog, rules: RuleSet, **kwargs: str) -> set[str]:
    """The primary and every fallback: the models a role may ever be served by."""
    result = generate(roles, catalog, rules, **kwargs)
    return {target(result), *fallbacks(result)}


# --- hard constraints -------------------------------------------------------------------------


def test_kind_embedding_gets_an_embedding_model(catalog: Catalog, rules: RuleSet) -> None:
    result = generate("  r: {kind: embedding}", catalog, rules)
    assert target(result) == "openai:text-embed-small"  # the cheapest of three unrated embedders
    assert result.runtime.roles["r"].mode == "embedding"
    assert set(fallbacks(result)) <= {"openai:text-embed-large", "mistral:mistral-embed"}


def test_kind_image_gets_an_image_model(catalog: Catalog, rules: RuleSet) -> None:
    result = generate("  r: {kind: image}", catalog, rules)
    assert target(result) == "openai:img-1"
    assert result.runtime.roles["r"].mode == "image"
    assert fallbacks(result) == []  # nothing else can draw


def test_never_picks_uncallable_or_deprecated_models(catalog: Catalog, rules: RuleSet) -> None:
    # Both would win on quality: not-callable is rated 1500 and nearly free; gpt-retired is rated 1460.
    picked = picks_under("  r: {preferences: {quality: high}, fallbacks: 20}", catalog, rules)
    assert "somehost:not-callable" not in picked
    assert "openai:gpt-retired" not in picked


def test_only_enabled_and_allowed_providers(catalog: Catalog, rules: RuleSet) -> None:
    providers = ALL_PROVIDERS.replace("gemini: {env_key: GEMINI_API_KEY}", "gemini: {enabled: false}")
    picked = picks_under(
        "  r: {preferences: {providers: [anthropic, gemini]}, fallbacks: 5}", catalog, rules, providers=providers
    )
    assert {p.split(":")[0] for p in picked} == {"anthropic"}  # gemini is allowed but disabled


def test_requires_tools_and_vision(catalog: Catalog, rules: RuleSet) -> None:
    catalog.models.append(
        chat(
            "openai", "gpt-no-tools", 1465, 0.5, 1.0, supports_tool_call=False, input_modalities=("text", "image")
        ).freeze()
    )
    result = generate("  r: {requires: [tools, vision], fallbacks: 10}", catalog, rules)
    for name in {target(result), *fallbacks(result)}:
        model = catalog[name]
        assert model.capabilities.tool_call is True and "image" in model.capabilities.input_modalities, name


def test_tool_kind_requires_tools(catalog: Catalog, rules: RuleSet) -> None:
    catalog.models.append(chat("openai", "gpt-no-tools", 1499, 0.01, 0.01, supports_tool_call=False).freeze())
    picked = picks_under("  r: {kind: tool, fallbacks: 10}", catalog, rules)
    assert "openai:gpt-no-tools" not in picked


def test_min_context(catalog: Catalog, rules: RuleSet) -> None:
    picked = picks_under("  r: {min_context: 500000, fallbacks: 10}", catalog, rules)
    assert picked and all((catalog[p].limits.context or 0) >= 500_000 for p in picked)


def test_max_price_excludes_pricier_and_unpriced_models(catalog: Catalog, rules: RuleSet) -> None:
    unpriced = chat("openai", "gpt-unpriced", 1499, 0, 0)
    unpriced.price_input_per_million = None
    catalog.models.append(unpriced.freeze())
    picked = picks_under("  r: {max_price: {input: 0.5, output: 2.0}, fallbacks: 10}", catalog, rules)
    assert "openai:gpt-unpriced" not in picked
    for name in picked:
        price_in, price_out = catalog[name].pricing.input, catalog[name].pricing.output
        assert price_in is not None and price_out is not None
        assert price_in <= 0.5 and price_out <= 2.0


def test_open_weights_only(catalog: Catalog, rules: RuleSet) -> None:
    picked = picks_under("  r: {open_weights_only: true, fallbacks: 10}", catalog, rules)
    assert picked == {"mistral:mistral-open", "groq:llama-3-8b-instant"}


def test_exclude_globs_match_canonical_and_bare_ids(catalog: Catalog, rules: RuleSet) -> None:
    picked = picks_under("  r: {exclude: ['anthropic:*', 'gpt-*'], fallbacks: 20}", catalog, rules)
    assert picked and not any(p.startswith("anthropic:") or p.split(":")[1].startswith("gpt-") for p in picked)


def test_force_provider_limits_primary_and_fallbacks(catalog: Catalog, rules: RuleSet) -> None:
    result = generate("  r: {force_provider: gemini, preferences: {quality: high}}", catalog, rules)
    assert target(result) == "gemini:gemini-pro"
    assert fallbacks(result) == ["gemini:gemini-flash"]  # only one other gemini chat model exists


def test_force_model_in_catalog_is_used_with_rule_fallbacks(catalog: Catalog, rules: RuleSet) -> None:
    result = generate("  r: {force_provider: openai, force_model: gpt-nano}", catalog, rules)
    assert target(result) == "openai:gpt-nano"
    assert result.explanations["r"].decided_by == "forced"
    assert result.explanations["r"].facts["price"] == "$0.1/$0.4 per M in/out"
    assert len(fallbacks(result)) == 2 and "openai:gpt-nano" not in fallbacks(result)
    assert result.warnings == []


def test_force_model_missing_from_catalog_is_used_with_a_warning(catalog: Catalog, rules: RuleSet) -> None:
    result = generate("  r: {force_provider: openai, force_model: gpt-private-ft}", catalog, rules)
    assert target(result) == "openai:gpt-private-ft"
    assert any("gpt-private-ft is not in the catalog" in w for w in result.warnings)
    assert result.runtime.roles["r"].pricing is None  # unknown, not invented


def test_no_candidate_names_the_constraint_that_removed_the_last_ones(catalog: Catalog, rules: RuleSet) -> None:
    with pytest.raises(NoCandidateError) as caught:
        generate("  r: {requires: [vision], open_weights_only: true}", catalog, rules)
    message = str(caught.value)
    assert "role 'r'" in message
    assert "`open weights only`" in message
    assert "removed by" in message and "Relax that constraint" in message
    assert "llmhub.catalog-overrides.yaml" in message and "force_model" in message  # the ways out


def test_no_candidate_counts_the_other_failing_roles(catalog: Catalog, rules: RuleSet) -> None:
    roles = "  a: {min_context: 99000000}\n  b: {kind: image, open_weights_only: true}\n  c: {kind: embedding}"
    with pytest.raises(NoCandidateError, match=r"role 'a'.*min_context 99000000.*\(and 1 more roles\)"):
        generate(roles, catalog, rules)


# --- preferences move picks in the expected direction --------------------------------------------


def test_cost_low_picks_cheaper_than_cost_high(catalog: Catalog, rules: RuleSet) -> None:
    cheap = generate("  r: {preferences: {cost: low, quality: medium}}", catalog, rules)
    lavish = generate("  r: {preferences: {cost: high, quality: medium}}", catalog, rules)
    cheap_price = catalog[target(cheap)].pricing.blended
    lavish_price = catalog[target(lavish)].pricing.blended
    assert cheap_price is not None and lavish_price is not None
    assert cheap_price < lavish_price


def test_quality_high_picks_better_rated_than_quality_low(catalog: Catalog, rules: RuleSet) -> None:
    best = generate("  r: {preferences: {quality: high}}", catalog, rules)
    enough = generate("  r: {preferences: {quality: low}}", catalog, rules)
    best_score = catalog[target(best)].quality.score
    assert best_score is not None
    assert best_score > (catalog[target(enough)].quality.score or 0)
    # Within 30 points of the best model a role at `cost: medium` would pay for ($12 blended at most).
    affordable = [
        m.quality.score or 0
        for m in catalog
        if m.identity.callable and not m.lifecycle.deprecated and (m.pricing.blended or 99) <= 12
    ]
    assert best_score >= max(affordable) - 30


def test_latency_low_prefers_small_non_reasoning_models(catalog: Catalog, rules: RuleSet) -> None:
    fast = generate("  r: {preferences: {latency: low, cost: high, quality: low}}", catalog, rules)
    slow_ok = generate("  r: {preferences: {latency: high, cost: high, quality: high}}", catalog, rules)
    chosen = catalog[target(fast)]
    assert not chosen.capabilities.reasoning
    assert any(word in chosen.model_id for word in ("mini", "nano", "flash", "haiku", "instant", "8b"))
    assert target(fast) != target(slow_ok)
    assert "latency is estimated" in " ".join(fast.explanations["r"].notes)


def test_task_categories_decide_quality(catalog: Catalog, rules: RuleSet) -> None:
    # claude-top leads on coding (1520); gpt-big leads gemini-pro overall but not on coding.
    result = generate(
        "  r: {description: Refactor the Python code, preferences: {quality: high, cost: high}}", catalog, rules
    )
    explanation = result.explanations["r"]
    assert explanation.task == "coding"
    assert target(result) == "anthropic:claude-top"
    assert explanation.facts["quality"].startswith("1520 measured (LMArena; coding; interval")


def test_task_params_go_into_llmhub_yaml(catalog: Catalog, rules: RuleSet) -> None:
    result = generate(
        "  r: {description: Extract fields from invoices}\n"
        "  w: {description: Write marketing slogans, mode_params: {max_tokens: 300}}",
        catalog,
        rules,
    )
    assert result.runtime.roles["r"].params["temperature"] == 0.1
    assert result.runtime.roles["w"].params == {"temperature": 0.9, "max_tokens": 300}


def test_role_mode_params_win_over_rules(catalog: Catalog, rules: RuleSet) -> None:
    result = generate("  r: {description: Extract fields, mode_params: {temperature: 0.5}}", catalog, rules)
    assert result.runtime.roles["r"].params["temperature"] == 0.5


def test_temperature_left_out_for_models_that_reject_it(catalog: Catalog, rules: RuleSet) -> None:
    result = generate("  r: {force_provider: openai, force_model: o-think}", catalog, rules)
    assert "temperature" not in result.runtime.roles["r"].params


# --- estimates for unrated models ----------------------------------------------------------------


def test_a_successor_at_the_same_price_inherits_and_says_so(rules: RuleSet) -> None:
    from llmhub.catalog.quality import QualityIndex
    from llmhub.generator.needs import needs_for
    from llmhub.generator.scoring import rank

    models = fixture_models()
    models.append(chat("openai", "gpt-mini-2", None, 0.4, 1.6, family="gpt", release_date="2026-01-10").freeze())
    catalog = fixture_catalog(models)
    spec = spec_with("  r: {force_provider: openai}")
    needs = needs_for("r", spec.roles["r"], spec, rules)
    scored = {s.model.canonical_id: s for s in rank(list(catalog), needs, rules, QualityIndex(catalog))}
    item = scored["openai:gpt-mini-2"]
    assert item.quality_value == 1380  # gpt-mini's rating: same family and size words, same price
    assert item.quality_basis == "inherited"
    assert item.figure is not None and item.figure.source == "from openai:gpt-mini"
    assert item.figure.describe().startswith("1380 inherited (from openai:gpt-mini; overall; interval")
    assert item.figure.low < 1380 < item.figure.high  # wider than a measured interval
    # A cheaper successor does not inherit: it may be a smaller model in disguise.
    assert scored["openai:gpt-5-mini"].quality_basis != "inherited"


def test_a_model_with_nothing_known_ranks_after_every_known_one(rules: RuleSet) -> None:
    from llmhub.catalog.quality import QualityIndex
    from llmhub.generator.needs import needs_for
    from llmhub.generator.scoring import rank

    catalog = fixture_catalog()
    spec = spec_with("  r: {open_weights_only: true}")
    needs = needs_for("r", spec.roles["r"], spec, rules)
    pool = [m for m in catalog if m.capabilities.open_weights]
    ranked = rank(pool, needs, rules, QualityIndex(catalog))
    old = next(s for s in ranked if s.model.canonical_id == "groq:llama-3-8b-instant")
    # Unrated, no predecessor, and too few rated models here to estimate from: unknown, not middling.
    assert old.quality_basis == "unknown" and old.group == 1
    assert all(s.group == 0 for s in ranked[: ranked.index(old)])
    assert any("quality unknown" in note for note in old.notes)


# --- fallbacks -----------------------------------------------------------------------------------


def test_two_fallbacks_by_default_on_other_providers_first(catalog: Catalog, rules: RuleSet) -> None:
    result = generate("  r: {preferences: {quality: high}}", catalog, rules)
    primary = target(result).split(":")[0]
    chosen = fallbacks(result)
    assert len(chosen) == 2
    assert all(f.split(":")[0] != primary for f in chosen)
    assert len({f.split(":")[0] for f in chosen}) == 2


def test_fallback_count_from_role_then_defaults(catalog: Catalog, rules: RuleSet) -> None:
    result = generate("  a: {}\n  b: {fallbacks: 3}", catalog, rules, extra="defaults: {fallbacks: 0}")
    assert fallbacks(result, "a") == []
    assert len(fallbacks(result, "b")) == 3


def test_fallbacks_never_repeat_a_model_under_another_id(catalog: Catalog, rules: RuleSet) -> None:
    catalog.models.append(
        chat(
            "anthropic",
            "claude-top-20251124",
            1470,
            5.0,
            25.0,
            family="claude",
            arena_id="claude-top",
            release_date="2025-11-24",
        ).freeze()
    )
    change(catalog, "anthropic:claude-top", arena_id="claude-top")
    result = generate("  r: {force_provider: anthropic, preferences: {quality: high}, fallbacks: 2}", catalog, rules)
    picked = [target(result), *fallbacks(result)]
    assert not ({"anthropic:claude-top", "anthropic:claude-top-20251124"} <= set(picked))


def test_fallbacks_are_written_for_the_runtime(catalog: Catalog, rules: RuleSet) -> None:
    result = generate("  r: {}", catalog, rules)
    config = parse_config(result.text())
    assert [f"{f.provider}:{f.model}" for f in config.roles["r"].fallbacks] == fallbacks(result)
    for fallback in config.roles["r"].fallbacks:
        assert fallback.provider in config.providers


# --- ties and determinism ------------------------------------------------------------------------


def test_ties_break_on_the_model_id(rules: RuleSet) -> None:
    twins = [chat("openai", "twin-b", 1400, 1.0, 1.0), chat("openai", "twin-a", 1400, 1.0, 1.0)]
    result = generate("  r: {fallbacks: 1}", fixture_catalog(twins), rules)
    assert target(result) == "openai:twin-a"
    assert fallbacks(result) == ["openai:twin-b"]
    assert "lost the tie-break" in result.explanations["r"].runner_ups[0]["why"]


def test_same_inputs_give_byte_identical_output_whatever_the_catalog_order(rules: RuleSet) -> None:
    roles = (
        "  a: {description: Write code, preferences: {quality: high}}\n"
        "  b: {kind: embedding}\n  c: {preferences: {cost: low, latency: low}, requires: [tools]}"
    )
    models = fixture_models()
    first = generate(roles, fixture_catalog(models), rules).text()
    shuffled = fixture_models()
    random.Random(7).shuffle(shuffled)
    second = generate(roles, fixture_catalog(shuffled), rules).text()
    assert first == second


def test_header_records_provenance_not_the_clock(catalog: Catalog, rules: RuleSet) -> None:
    text = generate("  r: {}", catalog, rules).text()
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert header[0] == "# yaml-language-server: $schema=.llmhub/schema/runtime.schema.json"
    assert any("models.dev fixture-1" in line for line in header)
    assert any("Generated by llmhub" in line for line in header)
    assert "2026" not in "\n".join(header)  # no timestamp (the catalog was "built" in 2026)


# --- what else goes into llmhub.yaml -------------------------------------------------------------


def test_provider_settings_are_carried_into_llmhub_yaml(catalog: Catalog, rules: RuleSet) -> None:
    providers = """
providers:
  openai:
    env_key: OPENAI_API_KEY
    api_base: http://127.0.0.1:8000/v1
    timeout: 12
    client_args: {default_headers: {X-Team: search}}
"""
    result = generate("  r: {}", catalog, rules, providers=providers)
    config = parse_config(result.text())
    openai = config.providers["openai"]
    assert (openai.api_base, openai.timeout, openai.env_key) == ("http://127.0.0.1:8000/v1", 12, "OPENAI_API_KEY")
    assert openai.client_args == {"default_headers": {"X-Team": "search"}}
    assert set(config.providers) == {"openai"}  # only the providers the file uses


def test_defaults_role_follows_spec_defaults(catalog: Catalog, rules: RuleSet) -> None:
    result = generate("  r: {}", catalog, rules, extra="defaults: {preferences: {cost: low}, providers: [openai]}")
    defaults = result.runtime.defaults
    assert defaults is not None and defaults.provider == "openai"
    cost_tier = catalog[f"openai:{defaults.model}"].tiers.cost
    assert cost_tier is not None and cost_tier <= 2


def test_every_seed_role_description_lands_in_the_output(catalog: Catalog, rules: RuleSet) -> None:
    result = generate("  llm.inference: {description: Main reasoning model}", catalog, rules)
    assert result.runtime.roles["llm.inference"].description == "Main reasoning model"
    assert result.decided_by == {"llm.inference": "rules"}


def test_soft_targets_penalise_but_do_not_exclude(catalog: Catalog, rules: RuleSet) -> None:
    from llmhub.catalog.quality import QualityIndex
    from llmhub.generator.needs import needs_for
    from llmhub.generator.scoring import rank

    spec = spec_with("  r: {preferences: {quality: high}, force_provider: openai}")
    needs = needs_for("r", spec.roles["r"], spec, rules)
    pool = [m for m in catalog if m.provider == "openai" and m.kind == "chat" and not m.lifecycle.deprecated]
    scored = {s.model.canonical_id: s for s in rank(pool, needs, rules, QualityIndex(catalog))}
    nano = scored["openai:gpt-nano"]
    # gpt-nano (1300) is far below gpt-big (1450), the best candidate: quality high's target misses it.
    assert any(note.startswith("quality high: 150 points below the best candidate") for note in nano.notes)
    assert not any(note.startswith("quality ") and "below" in note for note in scored["openai:gpt-big"].notes)
    assert "openai:gpt-nano" in scored  # still a candidate


def test_without_arena_data_quality_comes_from_price_and_date_and_it_says_so(rules: RuleSet) -> None:
    catalog = fixture_catalog([changed(model, arena_score=None, arena_scores={}) for model in fixture_models()])
    catalog.sources = [s for s in catalog.sources if s.name != "lmarena-text"]
    result = generate("  r: {preferences: {quality: high, cost: high}, force_provider: openai}", catalog, rules)
    assert any("no LMArena quality ratings" in w for w in result.warnings)
    explanation = result.explanations["r"]
    assert explanation.facts["quality"] == "unknown (estimated from price and release date)"
    # Not the cheapest, nor the old and pricey deprecated one: the newest strong line-up member.
    assert target(result) in {"openai:gpt-big", "openai:gpt-5-mini"}


def test_image_runner_up_names_its_text_to_image_rating(rules: RuleSet) -> None:
    # Image models are rated on the text-to-image board, not the chat figure: the explanation must
    # compare those ratings instead of calling the runner-up's quality unknown.
    def image(model_id: str, score: float) -> ModelDraft:
        model = make_model("openai", model_id, kind=ModelKind.image, price_input_per_million=5.0)
        model.price_output_per_million = 30.0
        model.image_score = score
        return model

    result = generate("  r: {kind: image}", fixture_catalog([image("img-best", 1385), image("img-ok", 1250)]), rules)
    assert target(result) == "openai:img-best"
    assert result.explanations["r"].runner_ups[0]["why"] == "lower quality (1250 vs 1385, measured)"
