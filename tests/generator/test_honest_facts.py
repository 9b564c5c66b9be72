"""Unknown is never cheap or good; free tiers, previews and retiring models stay out; tiers price long calls."""

from __future__ import annotations

import pytest

from llmhub.catalog.derive import finish
from llmhub.catalog.kinds import ModelKind
from llmhub.catalog.models import Catalog, ModelDraft, PriceTier
from llmhub.generator import GenerationResult, GeneratorOptions, generate_runtime_from_spec
from llmhub.generator.needs import needs_for
from llmhub.generator.rules import RuleSet
from llmhub_runtime import dump_config, parse_config

from .conftest import change, chat, fixture_catalog, fixture_drafts, make_model, spec_with


def catalog_with(*extra: ModelDraft) -> Catalog:
    return fixture_catalog(finish([*fixture_drafts(), *extra]))


def generate(roles: str, catalog: Catalog, rules: RuleSet, extra: str = "") -> GenerationResult:
    spec = spec_with(roles, extra=extra)
    return generate_runtime_from_spec(spec, GeneratorOptions(catalog=catalog, rules=rules, no_llm=True))


def picks(result: GenerationResult, role: str = "r") -> list[str]:
    config = result.runtime.roles[role]
    return [f"{config.provider}:{config.model}", *(f"{f.provider}:{f.model}" for f in config.fallbacks)]


def placeholder(model_id: str, score: float | None = 1500) -> ModelDraft:
    """A strong-looking model whose $0 listing is a placeholder: its price is unknown."""
    made = chat("openai", model_id, score, 0.0, 0.0, release_date="2026-01-01")
    made.price_input_per_million = made.price_output_per_million = made.blended_price_per_million = None
    made.listed_zero_price = True
    return made


def test_an_unknown_price_never_wins_for_being_zero(rules: RuleSet) -> None:
    catalog = catalog_with(placeholder("zero-priced"))
    result = generate("  r: {preferences: {cost: low}}", catalog, rules)
    assert "openai:zero-priced" not in picks(result)
    quality_first = generate("  r: {preferences: {quality: high, cost: high}}", catalog, rules)
    assert "openai:zero-priced" not in picks(quality_first)[:1]


def test_the_explanation_says_when_a_price_is_unknown(rules: RuleSet) -> None:
    catalog = catalog_with(placeholder("zero-priced"))
    result = generate("  r: {force_provider: openai, force_model: zero-priced}", catalog, rules)
    assert result.explanations["r"].facts["price"] == "unknown: listed $0, a placeholder"


def test_free_tiers_are_excluded_unless_the_spec_allows_them(rules: RuleSet) -> None:
    free = chat("groq", "best:free", 1600, 0.0, 0.0, free_tier=True)
    catalog = catalog_with(free)
    assert "groq:best:free" not in picks(generate("  r: {preferences: {quality: high}}", catalog, rules))
    allowed = generate("  r: {preferences: {quality: high}, policy: {free_tiers: true}}", catalog, rules)
    assert picks(allowed)[0] == "groq:best:free"
    spec_wide = generate("  r: {preferences: {quality: high}}", catalog, rules, extra="policy: {free_tiers: true}")
    assert picks(spec_wide)[0] == "groq:best:free"


def test_a_preview_gives_way_to_the_pinned_id_of_the_same_model(rules: RuleSet) -> None:
    preview = chat("openai", "gpt-big-preview-05-20", 1470, 2.0, 8.0, preview=True, release_date="2025-09-01")
    catalog = catalog_with(preview)
    result = generate("  r: {preferences: {quality: high}, force_provider: openai}", catalog, rules)
    assert "openai:gpt-big-preview-05-20" not in picks(result)
    cut = [e for e in result.explanations["r"].eliminations if "pinned id" in e["constraint"]]
    assert cut and cut[0]["removed"] == 1
    allowed = generate(
        "  r: {preferences: {quality: high}, force_provider: openai, policy: {previews: true}}", catalog, rules
    )
    assert picks(allowed)[0] == "openai:gpt-big-preview-05-20"


def test_a_model_retiring_soon_is_never_picked(rules: RuleSet) -> None:
    catalog = catalog_with()
    change(catalog, "anthropic:claude-top", deprecation_date="2026-02-01")  # the catalog is built 2026-01-01
    result = generate("  r: {description: Refactor code, preferences: {quality: high}}", catalog, rules)
    assert "anthropic:claude-top" not in picks(result)
    assert any("not retiring before" in e["constraint"] for e in result.explanations["r"].eliminations)


def test_an_estimate_does_not_pass_a_measured_rating_it_does_not_clearly_beat(rules: RuleSet) -> None:
    # A cheap unrated newcomer whose estimate might be high, but whose interval reaches far below
    # the measured models: the measured ones rank first.
    rated = [chat("openai", f"r{i}", 1250 + 12 * i, 0.1 * 1.4**i, 0.4 * 1.4**i) for i in range(14)]
    newcomer = chat("openai", "newcomer", None, 0.05, 0.1, release_date="2026-01-01")
    catalog = catalog_with(*rated, newcomer)
    result = generate("  r: {preferences: {cost: low}, force_provider: openai}", catalog, rules)
    assert picks(result)[0] != "openai:newcomer"


def _router(rules: RuleSet, rival_release: str, rival_score: float | None = 1360) -> GenerationResult:
    """A latency-low role on its own catalog: a 'mini' the latency guess likes, and a reasoning model that
    is rated higher at the same price (newer, or not, as asked)."""
    mini = chat("openai", "quick-mini", 1320, 0.15, 0.6, release_date="2024-07-18")
    rival = chat("openai", "thinker-120b", rival_score, 0.15, 0.6, release_date=rival_release, supports_reasoning=True)
    catalog = fixture_catalog(finish([mini, rival]))
    return generate("  r: {preferences: {cost: low, latency: low, quality: low}}", catalog, rules)


def test_the_latency_guess_does_not_outrank_measured_facts(rules: RuleSet) -> None:
    # quick-mini scores higher only because its name sounds fast and it does not reason: a guess.
    # thinker-120b is rated higher (measured), costs the same and is newer: it is picked.
    result = _router(rules, rival_release="2025-08-05")
    assert picks(result)[0] == "openai:thinker-120b"
    (runner,) = result.explanations["r"].runner_ups
    assert runner["model"] == "openai:quick-mini" and runner["score"] > result.explanations["r"].score
    assert "thinker-120b is rated at least as high (measured)" in runner["why"]
    assert "latency estimate" in runner["why"]


def test_the_latency_guess_still_decides_where_the_facts_do_not(rules: RuleSet) -> None:
    # An older rival is not better on every fact (release dates are facts), and an unrated one is
    # not measured: the guess decides, as the preference levels say.
    assert picks(_router(rules, rival_release="2023-01-01"))[0] == "openai:quick-mini"
    assert picks(_router(rules, rival_release="2025-08-05", rival_score=None))[0] == "openai:quick-mini"


def test_a_long_context_role_is_priced_at_its_tier(rules: RuleSet) -> None:
    tiered = chat(
        "gemini",
        "gemini-tiered",
        1455,
        1.0,
        4.0,
        context_tokens=2_000_000,
        price_tiers=(PriceTier(above_tokens=200_000, input=10.0, output=40.0),),
    )
    catalog = catalog_with(tiered)
    wants = "preferences: {quality: high, cost: high}, force_provider: gemini"
    short = generate(f"  r: {{max_price: {{input: 2}}, {wants}}}", catalog, rules)
    assert picks(short)[0] == "gemini:gemini-tiered"
    long = generate(f"  r: {{max_price: {{input: 2}}, min_context: 500000, {wants}}}", catalog, rules)
    assert "gemini:gemini-tiered" not in picks(long)
    explained = generate(
        "  r: {min_context: 500000, force_provider: gemini, force_model: gemini-tiered}", catalog, rules
    )
    assert "tier above 200000 tokens" in explained.explanations["r"].facts["price"]


def test_embedding_fallbacks_are_the_same_model_elsewhere_or_none(rules: RuleSet) -> None:
    twin = make_model(
        "mistral",
        "openai/text-embed-small",
        kind=ModelKind.embedding,
        price_input_per_million=0.03,
        release_date="2024-01-25",
    )
    catalog = catalog_with(twin)
    result = generate("  r: {kind: embedding, preferences: {cost: low}}", catalog, rules)
    chosen = picks(result)
    assert chosen[0] == "openai:text-embed-small"
    assert chosen[1:] == ["mistral:openai/text-embed-small"]
    alone = generate("  r: {kind: embedding, preferences: {quality: high, cost: high}}", catalog_with(), rules)
    assert picks(alone)[1:] == []
    assert any("falls back only to the same model" in n for n in alone.explanations["r"].notes)


def test_fallbacks_never_repeat_a_model(rules: RuleSet) -> None:
    result = generate("  r: {preferences: {quality: high}, fallbacks: 4}", catalog_with(), rules)
    chosen = picks(result)
    assert len(chosen) == len(set(chosen))


def test_a_translation_role_is_measured_on_the_languages_it_names(rules: RuleSet) -> None:
    polyglot = chat("mistral", "polyglot", 1380, 0.2, 0.6, arena_scores={"german": 1500, "french": 1490})
    catalog = catalog_with(polyglot)
    result = generate(
        "  r: {description: 'Translate help articles into German and French', preferences: {quality: high}}",
        catalog,
        rules,
    )
    explanation = result.explanations["r"]
    assert explanation.task == "translation"
    assert "measured on the french, german arena boards" in explanation.task_reason
    assert picks(result)[0] == "mistral:polyglot"  # weaker overall, strongest where it matters
    assert "french+german" in explanation.facts["quality"]


def test_a_roles_languages_count_as_if_its_description_named_them(rules: RuleSet) -> None:
    polyglot = chat("mistral", "polyglot", 1380, 0.2, 0.6, arena_scores={"german": 1500, "french": 1490})
    catalog = catalog_with(polyglot)
    role = "  r: {description: 'Rewrites help articles', languages: [German, french], preferences: {quality: high}}"
    explanation = generate(role, catalog, rules).explanations["r"]
    assert explanation.task == "translation"
    assert explanation.task_reason.startswith("the role's languages and description name 2 languages")
    assert "measured on the french, german arena boards" in explanation.task_reason
    # One language declared, one named: together two, as if both were in the description.
    mixed = generate("  r: {description: 'Rewrites articles in Spanish', languages: [french]}", catalog, rules)
    assert mixed.explanations["r"].task == "translation"
    # A single language makes no translation role; it is still the role's language.
    spec = spec_with("  r: {description: 'Answers billing questions', languages: [french]}")
    needs = needs_for("r", spec.roles["r"], spec, rules)
    assert needs.task != "translation" and needs.languages == ("french",)


def test_an_unknown_language_is_a_spec_error_naming_the_field(rules: RuleSet) -> None:
    from llmhub.spec.validate import validate_spec

    spec = spec_with("  r: {description: 'Answers questions', languages: [french, klingon]}")
    report = validate_spec(spec, rules=rules, catalog=False, check_env_keys=False)
    (error,) = [e for e in report.errors if "languages" in str(e)]
    assert 'roles["r"].languages' in str(error) and "unknown language 'klingon'" in str(error)
    assert "known: chinese, french, german" in str(error)


def test_keyed_only_uses_just_the_providers_whose_keys_are_set(rules: RuleSet, monkeypatch: pytest.MonkeyPatch) -> None:
    providers = "providers:\n  openai: {env_key: OPENAI_API_KEY}\n  anthropic: {env_key: ANTHROPIC_API_KEY}\n"
    monkeypatch.setenv("OPENAI_API_KEY", "sk-present")
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    spec = spec_with("  r: {description: Refactor code, preferences: {quality: high}}", providers=providers)
    options = GeneratorOptions(catalog=catalog_with(), rules=rules, no_llm=True, keyed_only=True)
    result = generate_runtime_from_spec(spec, options)
    assert all(pick.startswith("openai:") for pick in picks(result))
    assert any("left out anthropic (ANTHROPIC_API_KEY)" in w for w in result.warnings)
    everyone = generate_runtime_from_spec(spec, GeneratorOptions(catalog=catalog_with(), rules=rules, no_llm=True))
    assert any(pick.startswith("anthropic:") for pick in picks(everyone))  # without the option, it competes
    # The same as a spec policy, for every run.
    pinned = spec_with(
        "  r: {description: Refactor code, preferences: {quality: high}}",
        providers=providers,
        extra="policy: {keyed_only: true}\n",
    )
    by_policy = generate_runtime_from_spec(pinned, GeneratorOptions(catalog=catalog_with(), rules=rules, no_llm=True))
    assert all(pick.startswith("openai:") for pick in picks(by_policy))
    assert any(w.startswith("policy.keyed_only: left out anthropic") for w in by_policy.warnings)


def test_fallbacks_stay_within_the_price_ratio_of_the_primary(rules: RuleSet) -> None:
    # A cheap model leads the board: the next best are far pricier, but enough cheap ones exist.
    catalog = catalog_with(chat("groq", "cheap-great", 1530, 0.1, 0.4, arena_scores={"coding": 1560}))
    result = generate("  r: {preferences: {quality: high, cost: high}, fallbacks: 2}", catalog, rules)
    config = result.runtime.roles["r"]
    assert (config.provider, config.model) == ("groq", "cheap-great")
    primary_price, ratio = catalog["groq:cheap-great"].pricing.blended, rules.policy.fallback_price_ratio
    assert primary_price is not None and ratio is not None
    ceiling = primary_price * ratio
    prices = [catalog[f"{f.provider}:{f.model}"].pricing.blended for f in config.fallbacks]
    assert len(prices) == 2 and all(p is not None and p <= ceiling for p in prices), prices


def test_the_spec_may_allow_pricier_fallbacks(rules: RuleSet) -> None:
    catalog = catalog_with(chat("groq", "cheap-great", 1530, 0.1, 0.4, arena_scores={"coding": 1560}))
    role = "  r: {preferences: {quality: high, cost: high}, fallbacks: 2}"
    capped = generate(role, catalog, rules).runtime.roles["r"]
    allowed = generate(role + "\n", catalog, rules, extra="policy: {fallback_price_ratio: 1000}\n").runtime.roles["r"]
    primary_price = catalog["groq:cheap-great"].pricing.blended
    assert primary_price is not None and rules.policy.fallback_price_ratio is not None
    pricier = [catalog[f"{f.provider}:{f.model}"].pricing.blended or 0 for f in allowed.fallbacks]
    assert any(p > primary_price * rules.policy.fallback_price_ratio for p in pricier)  # the spec allowed it
    assert [f.model for f in allowed.fallbacks] != [f.model for f in capped.fallbacks]


def test_providers_enabled_without_an_env_key_are_written_so_the_file_loads(rules: RuleSet) -> None:
    spec = spec_with(
        "  r: {preferences: {quality: high}, fallbacks: 1}", providers="providers:\n  openai: {enabled: true}\n"
    )
    result = generate_runtime_from_spec(spec, GeneratorOptions(rules=rules, catalog=catalog_with(), no_llm=True))
    loaded = parse_config(dump_config(result.runtime))
    assert loaded.roles["r"].provider == "openai" and list(loaded.providers) == ["openai"]
