"""Hard constraints: which catalog models a role may use at all, and what each constraint removed.

Constraints are applied in a fixed order, and each records how many candidates it removed (and the
best of them), so "no model fits" can say which constraint removed the last ones, and `--explain`
can say what each one cost. Nothing here is a preference: a model that fails one is never picked.
"""

from __future__ import annotations

import datetime
import fnmatch
import heapq
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from llmhub.catalog.derive import prices_at
from llmhub.catalog.models import CanonicalModel, Catalog, best_first, group_models
from llmhub.catalog.names import parse_name
from llmhub.cost import projected_month
from llmhub.generator.needs import RoleNeeds
from llmhub.generator.rules import RuleSet

__all__ = ["CAPABILITY_CHECKS", "CandidateSet", "Elimination", "filter_candidates", "satisfies"]

CAPABILITY_CHECKS: dict[str, Callable[[CanonicalModel], bool]] = {
    "tools": lambda m: m.capabilities.tool_call is True,
    "vision": lambda m: "image" in m.capabilities.input_modalities,
    "structured_output": lambda m: m.capabilities.structured_output is True,
    "reasoning": lambda m: m.capabilities.reasoning is True,
    "audio_input": lambda m: "audio" in m.capabilities.input_modalities,
    "pdf": lambda m: "pdf" in m.capabilities.input_modalities,
}


@dataclass(frozen=True)
class Elimination:
    """One hard constraint and what it removed."""

    constraint: str
    removed: int
    examples: tuple[str, ...] = ()
    """The best-scored models it removed, to show what was given up."""


@dataclass
class CandidateSet:
    """The models left after every hard constraint, and the trail of what each removed."""

    models: list[CanonicalModel]
    eliminations: list[Elimination] = field(default_factory=list)

    @property
    def last_cut(self) -> Elimination | None:
        """The constraint that removed the last candidates, when none are left."""
        if self.models:
            return None
        cuts = [e for e in self.eliminations if e.removed]
        return cuts[-1] if cuts else None


Check = tuple[str, Callable[[CanonicalModel], bool]]
GroupKey = tuple[str, bool, str]


def catalog_day(catalog: Catalog | Sequence[CanonicalModel]) -> datetime.date | None:
    """The day retirement dates are judged against: the catalog's build day (None: not judged)."""
    if isinstance(catalog, Catalog) and (catalog.judged_on or catalog.built_at):
        try:
            return datetime.date.fromisoformat((catalog.judged_on or catalog.built_at)[:10])
        except ValueError:
            return None
    return None


def constraints(needs: RoleNeeds, rules: RuleSet, today: datetime.date | None = None) -> list[Check]:
    """The role's hard constraints, in the order they are applied (`today` judges retirement dates)."""
    kind_rule = rules.kinds[needs.kind]
    checks: list[Check] = [
        (
            f"kind {needs.kind.value} (catalog kinds {', '.join(kind_rule.catalog_kinds)})",
            lambda m: str(m.kind) in kind_rule.catalog_kinds,
        ),
        ("callable through any-llm", lambda m: m.identity.callable),
        (
            f"provider enabled and allowed ({', '.join(needs.providers) or 'none'})",
            lambda m: m.provider in needs.providers,
        ),
    ]
    if needs.force_model:
        checks.append((f"force_model {needs.force_model}", lambda m: m.model_id == needs.force_model))
    if rules.policy.exclude_deprecated:
        checks.append(("not deprecated", lambda m: not m.lifecycle.deprecated))
    if rules.policy.exclude_status:
        banned = set(rules.policy.exclude_status)
        checks.append((f"status not {', '.join(sorted(banned))}", lambda m: m.lifecycle.status not in banned))
    if today is not None and rules.policy.retiring_within_days is not None:
        cutoff = (today + datetime.timedelta(days=rules.policy.retiring_within_days)).isoformat()
        checks.append(
            (
                f"not retiring before {cutoff} (deprecation dates)",
                lambda m: m.lifecycle.deprecation_date is None or m.lifecycle.deprecation_date > cutoff,
            )
        )
    if not needs.free_tiers:
        checks.append(("not a free tier (policy.free_tiers)", lambda m: not m.pricing.free))
    checks.append(("reachable with your keys (any-llm discovery)", lambda m: m.availability.listed is not False))
    for capability in sorted(needs.requires):
        checks.append((f"requires {capability}", CAPABILITY_CHECKS[capability]))
    if needs.min_context:
        minimum = needs.min_context
        checks.append((f"min_context {minimum}", lambda m: (m.limits.context or 0) >= minimum))
    checks.extend(_price_checks(needs))
    if needs.monthly_budget is not None and needs.traffic is not None and needs.traffic.complete:
        budget, traffic = needs.monthly_budget, needs.traffic
        checks.append(
            (
                f"{needs.budget_origin} ${budget:,.2f} at {traffic.describe()} (unknown prices excluded)",
                lambda m: (cost := projected_month(m, traffic)) is not None and cost <= budget,
            )
        )
    if needs.open_weights_only:
        checks.append(("open weights only", lambda m: m.capabilities.open_weights is True))
    if needs.exclude:
        patterns = needs.exclude
        checks.append(
            (
                f"exclude {', '.join(patterns)}",
                lambda m: not any(fnmatch.fnmatchcase(v, p) for p in patterns for v in (m.canonical_id, m.model_id)),
            )
        )
    return checks


def _price_checks(needs: RoleNeeds) -> list[Check]:
    """`max_price` ceilings, judged at the role's context tier; a model with no known price never passes."""
    ceiling, context = needs.max_price, needs.min_context
    if ceiling is None:
        return []
    at = f" at {context} tokens" if context else ""
    checks: list[Check] = []
    if ceiling.input is not None:
        cap_in = ceiling.input
        checks.append(
            (
                f"max_price input {cap_in:g}/M{at} (unknown prices excluded)",
                lambda m: (price := prices_at(m, context)[0]) is not None and price <= cap_in,
            )
        )
    if ceiling.output is not None:
        cap_out = ceiling.output
        checks.append(
            (
                f"max_price output {cap_out:g}/M{at} (unknown prices excluded)",
                lambda m: (price := prices_at(m, context)[1]) is not None and price <= cap_out,
            )
        )
    return checks


def filter_candidates(catalog: Catalog | Sequence[CanonicalModel], needs: RoleNeeds, rules: RuleSet) -> CandidateSet:
    """Apply every hard constraint in order, recording what each one removed.

    Last, unless the spec allows previews, a preview id or moving alias gives way to a pinned id of
    the same model among the candidates (`gemini-2.5-flash` over `gemini-2.5-flash-preview-05-20`).
    """
    checks = constraints(needs, rules, catalog_day(catalog))
    # The first three (kind, callable, provider) remove ~99% of a real catalog: answer them from the
    # catalog's (kind, callable, provider) groups instead of testing every model three times.
    groups = catalog.grouped() if isinstance(catalog, Catalog) else group_models(catalog)
    kinds = set(rules.kinds[needs.kind].catalog_kinds)
    allowed = set(needs.providers)
    structural: tuple[Callable[[GroupKey], bool], ...] = (
        lambda key: key[0] in kinds,
        lambda key: key[1],
        lambda key: key[2] in allowed,
    )
    live = list(groups.items())
    eliminations: list[Elimination] = []
    for (label, _), keep in zip(checks[:3], structural, strict=True):
        cut = [members for key, members in live if not keep(key)]
        live = [(key, members) for key, members in live if keep(key)]
        best = itertools.islice(heapq.merge(*cut, key=best_first), 3)
        eliminations.append(Elimination(label, sum(map(len, cut)), tuple(m.canonical_id for m in best)))
    remaining = [model for _, members in live for model in members]
    for label, check in checks[3:]:
        kept: list[CanonicalModel] = []
        removed: list[CanonicalModel] = []
        for model in remaining:
            (kept if check(model) else removed).append(model)
        eliminations.append(
            Elimination(label, len(removed), tuple(m.canonical_id for m in sorted(removed, key=best_first)[:3]))
        )
        remaining = kept
    if not needs.previews:
        pinned = {_identity(m) for m in remaining if not m.lifecycle.preview}
        pinned_families = {
            (m.provider, m.identity.family) for m in remaining if not m.lifecycle.preview and m.identity.family
        }
        kept, removed = [], []
        for model in remaining:
            # A moving alias (`-latest`) points at some member of its family: any pinned member
            # at the same provider is the reviewable choice.
            moving = parse_name(model.model_id).moving and (model.provider, model.identity.family) in pinned_families
            gives_way = model.lifecycle.preview and (_identity(model) in pinned or moving)
            (removed if gives_way else kept).append(model)
        eliminations.append(
            Elimination(
                "a pinned id rather than a preview or -latest alias of the same model (policy.previews)",
                len(removed),
                tuple(m.canonical_id for m in sorted(removed, key=best_first)[:3]),
            )
        )
        remaining = kept
    return CandidateSet(models=remaining, eliminations=eliminations)


def _identity(model: CanonicalModel) -> tuple[str, ...]:
    """The same model at the same provider: its cross-provider id, else its name's core and variants."""
    if model.identity.canonical_model_id:
        return (model.provider, model.identity.canonical_model_id)
    name = parse_name(model.model_id)
    return (model.provider, *name.core, "|", *sorted(name.variants))


def satisfies(model: CanonicalModel, needs: RoleNeeds, rules: RuleSet, today: datetime.date | None = None) -> list[str]:
    """The constraints `model` breaks (empty when it fits): for checking the LLM's and forced picks."""
    return [label for label, check in constraints(needs, rules, today) if not check(model)]
