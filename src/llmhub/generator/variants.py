"""A role's traffic split: the spec's `variants:`, with `pick: runner_up|cheaper` resolved to catalog models.

`runner_up` is the best-ranked candidate that is another model (not the pick at another host), so an
A/B test compares two models; `cheaper` is the best-ranked candidate, again another model, whose price
at the role's context is below the pick's: what a run-time budget's `fallback_variant` switches to.
Both come from the role's own ranking, so they pass every hard constraint the pick passes.
"""

from __future__ import annotations

from collections.abc import Sequence

from llmhub.catalog.models import Catalog
from llmhub.cost import pricing_of
from llmhub.errors import NoCandidateError
from llmhub.generator.emit import Choice
from llmhub.generator.explain import choose, model_identity
from llmhub.generator.scoring import Scored
from llmhub.spec.models import RoleSpec, VariantSpec
from llmhub_runtime.models import FallbackConfig, PricingConfig, VariantConfig

__all__ = ["resolve_variants"]


def resolve_variants(
    name: str, role: RoleSpec, ranked: Sequence[Scored], choice: Choice, catalog: Catalog, warnings: list[str]
) -> tuple[tuple[VariantConfig, ...], list[str]]:
    """The role's variants for llmhub.yaml, and a note per variant for its explanation.

    A variant that names only a provider is the pick's model at that host, as the catalog spells it
    there (with that host's prices); a `cheaper` variant gets its own fallbacks, none pricier than
    itself, so running out of budget never sends a failed call to a dearer model.

    Raises:
        NoCandidateError: a `pick:` variant has no candidate (no other model, or nothing cheaper), or a
            provider-only variant's provider does not serve the pick's model.
    """
    total = sum(v.weight for v in role.variants) or 1.0
    variants: list[VariantConfig] = []
    notes: list[str] = []
    for spec in role.variants:
        share = f"{spec.weight / total:.0%} of calls" if spec.weight else "only when a budget runs out"
        if spec.pick is None:
            variant, how = _named(name, spec, choice, catalog, warnings)
            variants.append(variant)
            target = f"{variant.provider or choice.provider}:{variant.model or choice.model_id}"
            notes.append(f"variant {spec.name} ({share}): {target}, {how}")
            continue
        found = _runner_up(ranked, choice) if spec.pick == "runner_up" else _cheaper(ranked, choice)
        if found is None:
            what = "no other model" if spec.pick == "runner_up" else "no other model cheaper than the pick"
            raise NoCandidateError(
                f"role {name!r}: variant {spec.name!r} (pick: {spec.pick}): {what} passes the role's constraints; "
                "relax them, or name the variant's model"
            )
        model = found.model
        own = _fallbacks_no_dearer(found, ranked, len(choice.fallbacks)) if spec.pick == "cheaper" else None
        variants.append(
            VariantConfig(
                name=spec.name,
                weight=spec.weight,
                provider=model.provider,
                model=model.model_id,
                params=dict(spec.params),
                pricing=pricing_of(model),
                fallbacks=own,
            )
        )
        price = f"${found.price:g} per M blended" if found.price is not None else "price unknown"
        notes.append(f"variant {spec.name} ({share}): {model.canonical_id}, the rules' {_WORDS[spec.pick]} ({price})")
    return tuple(variants), notes


_WORDS = {"runner_up": "runner-up (another model)", "cheaper": "best-ranked cheaper model"}


def _named(
    role: str, spec: VariantSpec, choice: Choice, catalog: Catalog, warnings: list[str]
) -> tuple[VariantConfig, str]:
    """A variant the spec writes out: the pick itself, the pick at another host, or a model it names."""

    def variant(
        provider: str | None = None, model: str | None = None, pricing: PricingConfig | None = None
    ) -> VariantConfig:
        return VariantConfig(
            name=spec.name,
            weight=spec.weight,
            params=dict(spec.params),
            provider=provider,
            model=model,
            pricing=pricing,
        )

    if spec.provider is None and spec.model is None:
        return variant(), "the pick"
    if spec.model is not None:
        provider = spec.provider or choice.provider
        known = catalog.get(provider, spec.model)
        if known is None:
            warnings.append(
                f"role {role!r}: variant {spec.name!r} names {provider}:{spec.model}, which the catalog does not "
                "know; it is written as given (its price is unknown)"
            )
        return variant(spec.provider, spec.model, pricing_of(known)), "as the spec names it"
    identity = _identity(choice)
    twins = sorted(
        (m for m in catalog if m.provider == spec.provider and m.identity.callable and model_identity(m) == identity),
        key=lambda m: m.model_id,
    )
    if not twins:
        raise NoCandidateError(
            f"role {role!r}: variant {spec.name!r}: provider {spec.provider!r} has no {choice.model_id} (the pick) in "
            "the catalog; name its model there with `model:`, or choose another provider"
        )
    twin = twins[0]
    return variant(twin.provider, twin.model_id, pricing_of(twin)), "the pick's model at another provider"


def _fallbacks_no_dearer(cheap: Scored, ranked: Sequence[Scored], count: int) -> list[FallbackConfig]:
    """Fallbacks for a budget's cheap variant: from the role's ranking, none costing more than it."""
    if cheap.price is None or not count:
        return []
    pool = [s for s in ranked if s is not cheap and s.price is not None and s.price <= cheap.price]
    _, chosen = choose([cheap, *pool], count)
    return [
        FallbackConfig(provider=s.model.provider, model=s.model.model_id, pricing=pricing_of(s.model)) for s in chosen
    ]


def _identity(choice: Choice) -> str:
    return model_identity(choice.model) if choice.model is not None else choice.model_id.lower()


def _runner_up(ranked: Sequence[Scored], choice: Choice) -> Scored | None:
    identity = _identity(choice)
    return next((s for s in ranked if model_identity(s.model) != identity), None)


def _cheaper(ranked: Sequence[Scored], choice: Choice) -> Scored | None:
    identity = _identity(choice)
    mine = next((s.price for s in ranked if s.model is choice.model), None)
    if mine is None:
        return None  # the pick's price is unknown: nothing is known to be cheaper
    return next(
        (s for s in ranked if s.price is not None and s.price < mine and model_identity(s.model) != identity), None
    )
