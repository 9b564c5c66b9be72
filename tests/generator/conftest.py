"""A small hand-made catalog for rule-engine tests: every fact that decides a pick is set here."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from llmhub.catalog.derive import blended_price, finish
from llmhub.catalog.kinds import ModelKind
from llmhub.catalog.models import CanonicalModel, Catalog, ModelDraft, SourceStatus
from llmhub.generator import GenerationResult
from llmhub.generator.rules import RuleSet, load_rules
from llmhub.spec import SpecConfig, parse_spec

MINI_SOURCES = Path(__file__).resolve().parent.parent / "fixtures" / "catalog" / "mini"


def make_model(provider: str, model_id: str, **facts: Any) -> ModelDraft:
    """A callable catalog model's facts (`finish` or `fixture_catalog` derives tiers and tags, then freezes)."""
    kind = facts.pop("kind", ModelKind.chat)
    if facts.get("arena_score") is not None:
        facts.setdefault("arena_id", model_id)  # tiers count each arena entry once
    model = ModelDraft(
        canonical_id=f"{provider}:{model_id}",
        provider=provider,
        model_id=model_id,
        display_name=model_id,
        kind=kind,
        callable=facts.pop("callable", True),
        input_modalities=facts.pop("input_modalities", ("text",)),
        **facts,
    )
    model.blended_price_per_million = blended_price(
        model.kind, model.price_input_per_million, model.price_output_per_million
    )
    return model


def chat(
    provider: str, model_id: str, score: float | None, price_in: float, price_out: float, **facts: Any
) -> ModelDraft:
    facts.setdefault("supports_tool_call", True)
    facts.setdefault("context_tokens", 128_000)
    facts.setdefault("release_date", "2025-06-01")
    return make_model(
        provider,
        model_id,
        arena_score=score,
        price_input_per_million=price_in,
        price_output_per_million=price_out,
        **facts,
    )


def fixture_drafts() -> list[ModelDraft]:
    """The fixture catalog's models as drafts, to change before `finish` derives tiers and tags."""
    vision = ("text", "image")
    models = [
        chat(
            "openai",
            "gpt-big",
            1450,
            2.0,
            8.0,
            family="gpt",
            input_modalities=vision,
            context_tokens=400_000,
            arena_scores={"coding": 1480, "if": 1440},
            supports_structured_output=True,
            release_date="2025-08-01",
        ),
        chat(
            "openai",
            "gpt-mini",
            1380,
            0.4,
            1.6,
            family="gpt",
            input_modalities=vision,
            context_tokens=1_000_000,
            arena_scores={"coding": 1390, "if": 1400},
            supports_structured_output=True,
            release_date="2025-04-14",
        ),
        chat(
            "openai",
            "gpt-nano",
            1300,
            0.1,
            0.4,
            family="gpt",
            context_tokens=1_000_000,
            arena_scores={"coding": 1290, "if": 1330},
            release_date="2025-04-14",
        ),
        chat("openai", "gpt-retired", 1460, 1.0, 4.0, family="gpt", deprecated=True, release_date="2024-05-13"),
        chat("openai", "gpt-5-mini", None, 0.3, 1.2, family="gpt", release_date="2026-01-10"),
        chat(
            "openai",
            "o-think",
            1440,
            1.1,
            4.4,
            family="o",
            supports_reasoning=True,
            supports_temperature=False,
            release_date="2025-04-16",
        ),
        chat(
            "anthropic",
            "claude-top",
            1470,
            5.0,
            25.0,
            family="claude",
            input_modalities=(*vision, "pdf"),
            context_tokens=200_000,
            arena_scores={"coding": 1520, "if": 1470},
            release_date="2025-11-24",
        ),
        chat(
            "anthropic",
            "claude-haiku-x",
            1400,
            1.0,
            5.0,
            family="claude",
            input_modalities=vision,
            context_tokens=200_000,
            release_date="2025-10-01",
        ),
        chat(
            "gemini",
            "gemini-pro",
            1455,
            1.25,
            10.0,
            family="gemini",
            input_modalities=vision,
            context_tokens=1_000_000,
            supports_reasoning=True,
            release_date="2025-06-17",
        ),
        chat(
            "gemini",
            "gemini-flash",
            1420,
            0.3,
            2.5,
            family="gemini",
            input_modalities=vision,
            context_tokens=1_000_000,
            release_date="2025-06-17",
        ),
        chat("mistral", "mistral-open", 1350, 0.1, 0.3, family="mistral", open_weights=True, release_date="2025-06-20"),
        chat(
            "groq", "llama-3-8b-instant", None, 0.05, 0.08, family="llama", open_weights=True, release_date="2024-07-23"
        ),
        make_model(
            "openai",
            "text-embed-small",
            kind=ModelKind.embedding,
            price_input_per_million=0.02,
            context_tokens=8191,
            release_date="2024-01-25",
        ),
        make_model(
            "openai",
            "text-embed-large",
            kind=ModelKind.embedding,
            price_input_per_million=0.13,
            context_tokens=8191,
            release_date="2024-01-25",
        ),
        make_model(
            "mistral",
            "mistral-embed",
            kind=ModelKind.embedding,
            price_input_per_million=0.1,
            context_tokens=8000,
            release_date="2024-01-01",
        ),
        make_model("openai", "img-1", kind=ModelKind.image, price_input_per_million=5.0, release_date="2025-04-23"),
        chat("somehost", "not-callable", 1500, 0.01, 0.01, callable=False),
    ]
    return models


def fixture_models() -> list[CanonicalModel]:
    """The fixture catalog's models, tiered and tagged among themselves as the build does it."""
    return finish(fixture_drafts())


def changed(model: CanonicalModel, **facts: Any) -> CanonicalModel:
    """The same model with some facts changed (tiers and tags as they were)."""
    return ModelDraft(**{**model.facts(), **facts}).freeze()


def change(catalog: Catalog, canonical_id: str, **facts: Any) -> None:
    """Replace one model of a catalog with `changed(model, **facts)`."""
    at = next(i for i, m in enumerate(catalog.models) if m.canonical_id == canonical_id)
    catalog.models[at] = changed(catalog.models[at], **facts)
    catalog._by_id = catalog._groups = None  # the indexes are rebuilt on the next lookup


def fixture_catalog(models: Sequence[ModelDraft | CanonicalModel] | None = None) -> Catalog:
    """A catalog of these models (drafts frozen as they are: no tiers or tags unless `finish` gave them)."""
    return Catalog(
        built_at="2026-01-01T00:00:00Z",
        models=[m.freeze() if isinstance(m, ModelDraft) else m for m in models]
        if models is not None
        else fixture_models(),
        sources=[
            SourceStatus(name="models.dev", status="local", snapshot="fixture-1"),
            SourceStatus(name="lmarena-text", status="local", snapshot="fixture-arena"),
        ],
    )


@pytest.fixture
def catalog() -> Catalog:
    return fixture_catalog()


@pytest.fixture(scope="session")
def rules() -> RuleSet:
    return load_rules()


ALL_PROVIDERS = """
providers:
  openai: {env_key: OPENAI_API_KEY}
  anthropic: {env_key: ANTHROPIC_API_KEY}
  gemini: {env_key: GEMINI_API_KEY}
  mistral: {env_key: MISTRAL_API_KEY}
  groq: {env_key: GROQ_API_KEY}
"""


def spec_with(roles: str, providers: str = ALL_PROVIDERS, extra: str = "") -> SpecConfig:
    """A spec with these roles (YAML under `roles:`, indented two spaces) and every fixture provider."""
    return parse_spec(f"{providers}\nroles:\n{roles}\n{extra}", source="test.spec.yaml")


def brain_providers(base_url: str) -> str:
    """The providers block of the LLM-generator specs: two catalog providers and the local generator `brain`."""
    return f"""providers:
  openai: {{env_key: OPENAI_API_KEY}}
  anthropic: {{env_key: ANTHROPIC_API_KEY}}
  brain: {{type: openai, api_base: "{base_url}", env_key: LOCAL_LLM_KEY}}
"""


def assert_fallbacks_within(result: GenerationResult, role: str, *, ratio: float, count: int) -> None:
    """The role has `count` fallbacks, none costing more than `ratio` times its primary (fixture catalog prices)."""
    catalog = fixture_catalog()
    target = result.runtime.roles[role]
    primary = catalog[f"{target.provider}:{target.model}"].pricing.blended
    assert primary is not None and len(target.fallbacks) == count
    for fallback in target.fallbacks:
        price = catalog[f"{fallback.provider}:{fallback.model}"].pricing.blended
        assert price is not None and price <= ratio * primary, (fallback, price)
