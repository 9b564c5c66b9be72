"""What a role needs, settled from its spec entry, the spec's defaults and the rules (pure)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from llmhub.cost import Traffic
from llmhub.generator.rules import RuleSet
from llmhub.spec.models import Capability, MaxPrice, PreferenceLevel, RoleKind, RoleSpec, SpecConfig

__all__ = ["RoleNeeds", "infer_task", "known_languages", "needs_for", "resolve_kind"]


@dataclass(frozen=True)
class RoleNeeds:
    """Everything that decides a role's model: hard constraints and soft preferences."""

    role: str
    kind: RoleKind
    """The kind models are chosen for: the spec's, or the direction an `audio` role's description names."""
    description: str
    task: str
    task_reason: str
    """Why this task: the words that matched, the role's `task:` field, or the LLM's reading."""
    categories: tuple[str, ...]
    """Arena categories that measure quality for this task (empty: the overall score)."""
    requires: frozenset[Capability]
    min_context: int | None
    max_price: MaxPrice | None
    open_weights_only: bool
    exclude: tuple[str, ...]
    providers: tuple[str, ...]
    """Providers the role may use: enabled in the spec, and allowed by its preferences."""
    force_provider: str | None
    force_model: str | None
    quality: PreferenceLevel
    cost: PreferenceLevel
    latency: PreferenceLevel
    fallbacks: int
    notes: tuple[str, ...] = field(default=())
    kind_reason: str = ""
    """Why `kind` differs from the spec's (`audio` read as transcription or speech), else empty."""
    free_tiers: bool = False
    """Free, rate-limited endpoints may be picked (the spec's `policy.free_tiers`)."""
    previews: bool = False
    """Preview ids and moving aliases need not give way to pinned ids (`policy.previews`)."""
    fallback_price_ratio: float | None = None
    """The ceiling on a fallback's price, as a multiple of the primary's: the role's policy, else the spec's,
    else the rules' (None: no ceiling)."""
    traffic: Traffic | None = None
    """The role's expected volume (the spec's `traffic:`), for cost projections and budgets."""
    monthly_budget: float | None = None
    """The most the role may cost a month at `traffic` (a hard constraint); None: no limit."""
    budget_origin: str = "the role's monthly_budget"
    """Where `monthly_budget` comes from, for explanations (the role's own, or a share of the project's)."""
    languages: tuple[str, ...] = ()
    """Languages the role works in, by the rules' names: the spec's `languages:`, then those the description names."""

    def with_llm(self, **changes: object) -> RoleNeeds:
        """A copy with needs the LLM read from the description."""
        return replace(self, **changes)  # type: ignore[arg-type]


def _says(text: str, word: str) -> bool:
    return re.search(rf"(?<![a-z0-9]){re.escape(word.lower())}(?![a-z0-9])", text) is not None


def infer_task(description: str, rules: RuleSet, languages: Sequence[str] = ()) -> tuple[str, str]:
    """The task a description implies (first task in rule order with a matching word), and why.

    `languages` (the role's `languages:`) count as if the description named them.
    """
    text = f" {description.lower()} "
    for name, task in rules.tasks.items():
        for word in task.words:
            if _says(text, word):
                return name, f"the description says {word!r}"
        named = _languages(description, task.languages, languages) if task.languages else ()
        if len(named) >= 2:
            where = "the role's languages and description name" if languages else "the description names"
            return name, f"{where} {len(named)} languages"
    return "general", "no task words in the description: the overall arena score measures quality"


def known_languages(rules: RuleSet) -> tuple[str, ...]:
    """Every language the rules can measure (some task's `languages:`), in the rules' order."""
    return tuple(_language_words(rules))


def _language_words(rules: RuleSet) -> dict[str, list[str]]:
    """Each language of the rules (any task's `languages:`, the first task naming it) and its spellings."""
    words: dict[str, list[str]] = {}
    for task in rules.tasks.values():
        for name, spellings in task.languages.items():
            words.setdefault(name, spellings)
    return words


def _languages(description: str, languages: dict[str, list[str]], declared: Sequence[str] = ()) -> tuple[str, ...]:
    """The languages of `languages` the role declares or its description names, in the rules' order."""
    text = f" {description.lower()} "
    return tuple(
        name for name, words in languages.items() if name in declared or any(_says(text, word) for word in words)
    )


def resolve_kind(kind: RoleKind, description: str, rules: RuleSet) -> tuple[RoleKind, str]:
    """The specific kind a role needs: an `audio` role is transcription or speech, as its words say.

    Returns the kind unchanged (and an empty reason) when the kind has no directions or the
    description names none; callers treat an unresolved `audio` role as a spec error.
    """
    text = f" {description.lower()} "
    for target, words in rules.kinds[kind].directions.items():
        for word in words:
            if _says(text, word):
                return target, f"kind {kind.value} read as {target.value}: the description says {word!r}"
    return kind, ""


def needs_for(name: str, role: RoleSpec, spec: SpecConfig, rules: RuleSet) -> RoleNeeds:
    """Settle a role's needs: role fields win over `defaults`, which win over the rules' levels."""
    defaults = spec.defaults
    default_prefs = defaults.preferences if defaults and defaults.preferences else None
    prefs = role.preferences

    def level(criterion: str) -> PreferenceLevel:
        own = getattr(prefs, criterion)
        if own is not None:
            return own  # type: ignore[no-any-return]
        inherited = getattr(default_prefs, criterion) if default_prefs is not None else None
        return inherited if inherited is not None else getattr(rules.levels, criterion)  # type: ignore[no-any-return]

    enabled = [p for p, config in spec.providers.items() if config.enabled]
    allowed = prefs.providers or (defaults.providers if defaults and defaults.providers else None)
    providers = tuple(p for p in (allowed or enabled) if p in enabled)
    if role.force_provider:
        providers = tuple(p for p in providers if p == role.force_provider) or (role.force_provider,)

    kind, kind_reason = resolve_kind(role.kind, role.description, rules)
    if role.task is not None:
        task, reason = role.task, "the role's `task:` field"
    elif role.kind in (RoleKind.chat, RoleKind.tool):
        task, reason = infer_task(role.description, rules, role.languages)
    else:
        task, reason = "general", f"{role.kind.value} roles are not ranked by task"
    kind_rule = rules.kinds[kind]
    requires = frozenset(role.requires) | frozenset(kind_rule.requires)
    if task == "general" and role.task is None and "vision" in requires and "vision" in rules.tasks:
        task, reason = "vision", "the role requires vision, so the vision leaderboard measures quality"
    categories = tuple(rules.tasks[task].categories) if task in rules.tasks else ()
    if task in rules.tasks and rules.tasks[task].languages:
        named = _languages(role.description, rules.tasks[task].languages, role.languages)
        if named:
            categories = named
            reason += f"; measured on the {', '.join(named)} arena boards"
    fallbacks = role.fallbacks
    if fallbacks is None:
        fallbacks = defaults.fallbacks if defaults and defaults.fallbacks is not None else rules.policy.fallbacks
    return RoleNeeds(
        role=name,
        kind=kind,
        description=role.description,
        task=task,
        task_reason=reason,
        categories=categories,
        requires=requires,
        min_context=role.min_context,
        max_price=role.max_price,
        open_weights_only=role.open_weights_only,
        exclude=tuple(role.exclude),
        providers=providers,
        force_provider=role.force_provider,
        force_model=role.force_model,
        quality=level("quality"),
        cost=level("cost"),
        latency=level("latency"),
        fallbacks=fallbacks,
        kind_reason=kind_reason,
        free_tiers=_policy(spec, role, "free_tiers"),
        previews=_policy(spec, role, "previews"),
        fallback_price_ratio=_ratio(spec, role, rules),
        traffic=Traffic.from_spec(role.traffic, embedding=kind == RoleKind.embedding) if role.traffic else None,
        monthly_budget=role.monthly_budget,
        languages=_role_languages(role, rules),
    )


def _role_languages(role: RoleSpec, rules: RuleSet) -> tuple[str, ...]:
    """The role's `languages:`, then the others its description names (whatever its task)."""
    return tuple(dict.fromkeys([*role.languages, *_languages(role.description, _language_words(rules))]))


def _ratio(spec: SpecConfig, role: RoleSpec, rules: RuleSet) -> float | None:
    """The fallback price ratio the role's policy sets, else the spec's, else the rules'."""
    if role.policy is not None and role.policy.fallback_price_ratio is not None:
        return role.policy.fallback_price_ratio
    if spec.policy is not None and spec.policy.fallback_price_ratio is not None:
        return spec.policy.fallback_price_ratio
    return rules.policy.fallback_price_ratio


def _policy(spec: SpecConfig, role: RoleSpec, name: str) -> bool:
    """A policy switch: the role's when it sets it, else the spec's, else off."""
    if role.policy is not None and name in role.policy.model_fields_set:
        return bool(getattr(role.policy, name))
    return bool(getattr(spec.policy, name)) if spec.policy is not None else False
