"""Hard constraints: which catalog models a role may use at all, and what each constraint removed.

Constraints are applied in a fixed order, and each records how many candidates it removed (and the
best of them), so "no model fits" can say which constraint removed the last ones, and `--explain`
can say what each one cost. Nothing here is a preference: a model that fails one is never picked.
"""

from __future__ import annotations

import fnmatch
import heapq
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from llmhub.catalog.models import CanonicalModel, Catalog, best_first, group_models
from llmhub.generator.needs import RoleNeeds
from llmhub.generator.rules import RuleSet

__all__ = ["CAPABILITY_CHECKS", "CandidateSet", "Elimination", "filter_candidates", "satisfies"]

CAPABILITY_CHECKS: dict[str, Callable[[CanonicalModel], bool]] = {
    "tools": lambda m: m.supports_tool_call is True,
    "vision": lambda m: "image" in m.input_modalities,
    "structured_output": lambda m: m.supports_structured_output is True,
    "reasoning": lambda m: m.supports_reasoning is True,
    "audio_input": lambda m: "audio" in m.input_modalities,
    "pdf": lambda m: "pdf" in m.input_modalities,
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


def constraints(needs: RoleNeeds, rules: RuleSet) -> list[Check]:
    """The role's hard constraints, in the order they are applied."""
    kind_rule = rules.kinds[needs.kind]
    checks: list[Check] = [
        (
            f"kind {needs.kind.value} (catalog kinds {', '.join(kind_rule.catalog_kinds)})",
            lambda m: str(m.kind) in kind_rule.catalog_kinds,
        ),
        ("callable through any-llm", lambda m: m.callable),
        (
            f"provider enabled and allowed ({', '.join(needs.providers) or 'none'})",
            lambda m: m.provider in needs.providers,
        ),
    ]
    if needs.force_model:
        checks.append((f"force_model {needs.force_model}", lambda m: m.model_id == needs.force_model))
    if rules.policy.exclude_deprecated:
        checks.append(("not deprecated", lambda m: not m.deprecated))
    if rules.policy.exclude_status:
        banned = set(rules.policy.exclude_status)
        checks.append((f"status not {', '.join(sorted(banned))}", lambda m: m.status not in banned))
    checks.append(("reachable with your keys (any-llm discovery)", lambda m: m.available is not False))
    for capability in sorted(needs.requires):
        checks.append((f"requires {capability}", CAPABILITY_CHECKS[capability]))
    if needs.min_context:
        minimum = needs.min_context
        checks.append((f"min_context {minimum}", lambda m: (m.context_tokens or 0) >= minimum))
    if needs.max_price is not None:
        ceiling = needs.max_price
        if ceiling.input is not None:
            cap_in = ceiling.input
            checks.append(
                (
                    f"max_price input {cap_in:g}/M (unknown prices excluded)",
                    lambda m: m.price_input_per_million is not None and m.price_input_per_million <= cap_in,
                )
            )
        if ceiling.output is not None:
            cap_out = ceiling.output
            checks.append(
                (
                    f"max_price output {cap_out:g}/M (unknown prices excluded)",
                    lambda m: m.price_output_per_million is not None and m.price_output_per_million <= cap_out,
                )
            )
    if needs.open_weights_only:
        checks.append(("open weights only", lambda m: m.open_weights is True))
    if needs.exclude:
        patterns = needs.exclude
        checks.append(
            (
                f"exclude {', '.join(patterns)}",
                lambda m: not any(fnmatch.fnmatchcase(v, p) for p in patterns for v in (m.canonical_id, m.model_id)),
            )
        )
    return checks


def filter_candidates(catalog: Catalog | Sequence[CanonicalModel], needs: RoleNeeds, rules: RuleSet) -> CandidateSet:
    """Apply every hard constraint in order, recording what each one removed."""
    checks = constraints(needs, rules)
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
    return CandidateSet(models=remaining, eliminations=eliminations)


def satisfies(model: CanonicalModel, needs: RoleNeeds, rules: RuleSet) -> list[str]:
    """The constraints `model` breaks (empty when it fits): for checking the LLM's and forced picks."""
    return [label for label, check in constraints(needs, rules) if not check(model)]
