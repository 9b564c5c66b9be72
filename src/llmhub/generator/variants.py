"""A role's traffic split: the spec's `variants:`, with `pick: runner_up|cheaper` resolved to catalog models.

`runner_up` is the best-ranked candidate that is another model (not the pick at another host), so an
A/B test compares two models; `cheaper` is the best-ranked candidate, again another model, whose price
at the role's context is below the pick's: what a run-time budget's `fallback_variant` switches to.
Both come from the role's own ranking, so they pass every hard constraint the pick passes.
"""

from __future__ import annotations

from collections.abc import Sequence

from llmhub.cost import pricing_of
from llmhub.errors import NoCandidateError
from llmhub.generator.emit import Choice
from llmhub.generator.explain import model_identity
from llmhub.generator.scoring import Scored
from llmhub.spec.models import RoleSpec, VariantSpec
from llmhub_runtime.models import VariantConfig

__all__ = ["resolve_variants"]


def resolve_variants(
    name: str, role: RoleSpec, ranked: Sequence[Scored], choice: Choice
) -> tuple[tuple[VariantConfig, ...], list[str]]:
    """The role's variants for llmhub.yaml, and a note per variant for its explanation.

    Raises:
        NoCandidateError: a `pick:` variant has no candidate (no other model, or nothing cheaper).
    """
    total = sum(v.weight for v in role.variants) or 1.0
    variants: list[VariantConfig] = []
    notes: list[str] = []
    for spec in role.variants:
        share = f"{spec.weight / total:.0%} of calls" if spec.weight else "only when a budget runs out"
        if spec.pick is None:
            variants.append(_as_written(spec))
            target = f"{spec.provider or choice.provider}:{spec.model or choice.model_id}"
            how = "the pick" if spec.provider is None and spec.model is None else "as the spec names it"
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
        variants.append(
            VariantConfig(
                name=spec.name,
                weight=spec.weight,
                provider=model.provider,
                model=model.model_id,
                params=dict(spec.params),
                pricing=pricing_of(model),
            )
        )
        price = f"${found.price:g} per M blended" if found.price is not None else "price unknown"
        notes.append(f"variant {spec.name} ({share}): {model.canonical_id}, the rules' {_WORDS[spec.pick]} ({price})")
    return tuple(variants), notes


_WORDS = {"runner_up": "runner-up (another model)", "cheaper": "best-ranked cheaper model"}


def _as_written(spec: VariantSpec) -> VariantConfig:
    return VariantConfig(
        name=spec.name, weight=spec.weight, provider=spec.provider, model=spec.model, params=dict(spec.params)
    )


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
