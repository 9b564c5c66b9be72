"""The spec's run-time operations (issue #11): `variants:` resolved by generate, `budget:` and `cache:` copied."""

from __future__ import annotations

import pytest

from llmhub.catalog.models import Catalog
from llmhub.errors import NoCandidateError, SpecError
from llmhub.generator import GenerationResult, GeneratorOptions, generate_runtime_from_spec
from llmhub.generator.explain import model_identity
from llmhub.spec import parse_spec
from llmhub_runtime.config_loader import parse_config

from .conftest import change, spec_with

SPLIT = """  r:
    preferences: {quality: high}
    variants:
      - {name: a, weight: 0.9}
      - {name: b, weight: 0.1, pick: runner_up}
      - {name: cheap, weight: 0, pick: cheaper}
    budget: {period: day, soft_usd: 5, hard_usd: 10, fallback_variant: cheap}
    cache: {ttl: 600}
"""


def generate(roles: str, catalog: Catalog, extra: str = "") -> GenerationResult:
    return generate_runtime_from_spec(spec_with(roles, extra=extra), GeneratorOptions(catalog=catalog, no_llm=True))


def test_runner_up_and_cheaper_variants_are_other_models_from_the_roles_ranking(catalog: Catalog) -> None:
    result = generate(SPLIT, catalog)
    role = result.runtime.roles["r"]
    pick = catalog[f"{role.provider}:{role.model}"]
    a, b, cheap = role.variants
    assert (a.name, a.weight, a.provider, a.model) == ("a", 0.9, None, None)  # the pick itself
    assert b.provider is not None and b.model is not None and cheap.provider is not None and cheap.model is not None
    runner_up = catalog[f"{b.provider}:{b.model}"]
    cheaper = catalog[f"{cheap.provider}:{cheap.model}"]
    assert model_identity(runner_up) != model_identity(pick) and model_identity(cheaper) != model_identity(pick)
    # The runner-up is what the explanation names first among the other models.
    first_other = next(
        r["model"]
        for r in result.explanations["r"].runner_ups
        if model_identity(catalog[r["model"]]) != model_identity(pick)
    )
    assert runner_up.canonical_id == first_other
    assert pick.pricing.blended is not None and cheaper.pricing.blended is not None
    assert cheaper.pricing.blended < pick.pricing.blended
    assert b.pricing is not None and b.pricing.input_per_million == runner_up.pricing.input
    notes = "\n".join(result.explanations["r"].notes)
    assert "variant b (10% of calls)" in notes and "variant cheap (only when a budget runs out)" in notes
    # Run-time settings are copied as written, and the file loads in the runtime.
    assert role.budget is not None and (role.budget.hard_usd, role.budget.fallback_variant) == (10, "cheap")
    assert role.cache is not None and role.cache.ttl == 600
    loaded = parse_config(result.text())
    assert [v.name for v in loaded.roles["r"].variants] == ["a", "b", "cheap"]


def test_variant_providers_are_declared_in_llmhub_yaml(catalog: Catalog) -> None:
    roles = (
        "  r:\n    preferences: {providers: [openai]}\n"
        "    variants: [{name: a, weight: 1}, {name: b, weight: 1, pick: runner_up}]\n"
    )
    result = generate(roles, catalog)
    for variant in result.runtime.roles["r"].variants:
        assert variant.provider is None or variant.provider in result.runtime.providers


def test_a_monthly_budget_becomes_a_run_time_warning_when_no_budget_is_given(catalog: Catalog) -> None:
    traffic = "traffic: {requests_per_day: 10, input_tokens: 100, output_tokens: 100}"
    result = generate(f"  r: {{{traffic}, monthly_budget: 50}}", catalog, extra="monthly_budget: 80")
    role_budget, project_budget = result.runtime.roles["r"].budget, result.runtime.budget
    assert role_budget is not None and (role_budget.soft_usd, role_budget.hard_usd) == (50, None)
    assert project_budget is not None and (project_budget.soft_usd, project_budget.hard_usd) == (80, None)
    own = generate(f"  r: {{{traffic}, monthly_budget: 50, budget: {{hard_usd: 70}}}}", catalog)
    assert own.runtime.roles["r"].budget is not None and own.runtime.roles["r"].budget.soft_usd is None


def test_no_cheaper_model_is_an_error_naming_the_variant(catalog: Catalog) -> None:
    roles = (
        "  r:\n    preferences: {cost: low, providers: [groq]}\n"
        "    variants: [{name: a, weight: 1}, {name: cheap, weight: 0, pick: cheaper}]\n"
    )
    with pytest.raises(NoCandidateError, match="variant 'cheap' \\(pick: cheaper\\)"):
        generate(roles, catalog)


@pytest.mark.parametrize(
    ("role", "message"),
    [
        ("{variants: [{name: a, weight: 0}]}", "every weight is 0"),
        ("{variants: [{name: a, weight: 1}, {name: a, weight: 1}]}", "its own name"),
        ("{variants: [{name: b, weight: 1, pick: runner_up, model: x}]}", "either pick or provider/model"),
        ("{kind: embedding, variants: [{name: b, weight: 1, pick: runner_up}]}", "must keep its model"),
        ("{variants: [{name: a, weight: 1}], budget: {hard_usd: 1, fallback_variant: c}}", "fallback_variant 'c'"),
        ("{variants: [{name: 'no spaces', weight: 1}]}", "not a variant name"),
    ],
)
def test_bad_variants_are_spec_errors_with_the_fix(role: str, message: str) -> None:
    with pytest.raises(SpecError, match=message):
        parse_spec(f"roles:\n  r: {role}\n", source="s.yaml")


def _twins() -> Catalog:
    from .conftest import chat, fixture_catalog

    return fixture_catalog(
        [
            chat("openai", "m1", 1400, 1.0, 4.0, canonical_model_id="lab/m1"),
            chat("groq", "lab/m1", 1400, 0.8, 3.0, canonical_model_id="lab/m1"),
            chat("groq", "other", 1300, 0.1, 0.2),
        ]
    )


def test_a_provider_only_variant_is_the_picks_model_at_that_host(rules: object) -> None:
    roles = (
        "  r:\n    preferences: {providers: [openai]}\n"
        "    variants: [{name: a, weight: 1}, {name: g, weight: 1, provider: groq}]\n"
    )
    result = generate(roles, _twins())
    g = result.runtime.roles["r"].variants[1]
    assert (g.provider, g.model) == ("groq", "lab/m1")  # as groq spells it, with groq's prices
    assert g.pricing is not None and g.pricing.input_per_million == 0.8
    assert "groq" in result.runtime.providers
    lonely = roles.replace("provider: groq", "provider: mistral")
    with pytest.raises(NoCandidateError, match="provider 'mistral' has no m1"):
        generate(lonely, _twins())


def test_a_variant_on_an_undeclared_provider_is_a_spec_error() -> None:
    variants = "[{name: a, weight: 1}, {name: b, weight: 1, provider: groq}]"
    text = f"providers: {{openai: {{}}}}\nroles:\n  r: {{variants: {variants}}}\n"
    with pytest.raises(SpecError, match="variant 'b' names provider 'groq', which is not an enabled provider"):
        parse_spec(text, source="s.yaml")


def test_the_cheaper_variant_falls_back_to_nothing_dearer_than_itself(catalog: Catalog) -> None:
    result = generate(SPLIT.replace("{quality: high}", "{quality: high}\n    fallbacks: 2"), catalog)
    cheap = result.runtime.roles["r"].variants[2]
    assert cheap.pricing is not None and cheap.fallbacks is not None
    price = catalog[f"{cheap.provider}:{cheap.model}"].pricing.blended
    for fallback in cheap.fallbacks:
        theirs = catalog[f"{fallback.provider}:{fallback.model}"].pricing.blended
        assert price is not None and theirs is not None and theirs <= price


def test_a_cache_that_could_never_hit_is_warned_about(catalog: Catalog) -> None:
    plain = generate("  r: {cache: {ttl: 60}}", catalog)
    assert any("only chat calls with temperature 0 or a seed are cached" in w for w in plain.warnings)
    fixed = generate("  r: {cache: {ttl: 60}, mode_params: {temperature: 0}}", catalog)
    assert not any("are cached" in w for w in fixed.warnings)
    assert not any("are cached" in w for w in generate("  r: {kind: embedding, cache: {ttl: 60}}", catalog).warnings)


@pytest.mark.parametrize(
    ("role", "message"),
    [
        ("{kind: image, cache: {ttl: 60}}", "only chat, tool and embedding roles are cached, not image"),
        (
            "{traffic: {requests_per_day: 10, requests_per_month: 300, input_tokens: 1, output_tokens: 1}}",
            "requests_per_day or requests_per_month, not both",
        ),
    ],
)
def test_operations_fields_that_cannot_work_are_spec_errors(role: str, message: str) -> None:
    with pytest.raises(SpecError, match=message):
        parse_spec(f"roles:\n  r: {role}\n", source="s.yaml")


def test_an_embedding_budget_needs_no_output_tokens(catalog: Catalog) -> None:
    role = "  r: {kind: embedding, traffic: {requests_per_day: 1000, input_tokens: 500}, monthly_budget: 5}"
    result = generate(role, catalog)
    projection = result.explanations["r"].projection
    assert projection is not None and projection["primary"]["per_month"] is not None
    assert projection["primary"]["per_month"] <= 5


def test_outdated_looks_at_variants_and_their_fallbacks(catalog: Catalog) -> None:
    from llmhub.outdated import outdated_targets

    result = generate(SPLIT, catalog)
    b = result.runtime.roles["r"].variants[1]
    change(catalog, f"{b.provider}:{b.model}", deprecated=True)  # the runner-up retires after generation
    found = outdated_targets(result.runtime, catalog)
    flagged = [t for t in found if t.status == "deprecated"]
    assert [(t.variant, t.position, t.model) for t in flagged if t.variant == "b"] == [
        ("b", 0, f"{b.provider}:{b.model}")
    ]
    assert any(t.variant == "cheap" for t in found)  # the cheap variant and its own fallbacks are listed too
