"""Compile a spec into a RuntimeConfig: needs -> candidates -> ranking -> (LLM pick) -> llmhub.yaml."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from llmhub.catalog.models import CanonicalModel, Catalog
from llmhub.catalog.quality import QualityIndex
from llmhub.cost import projected_month
from llmhub.errors import NoCandidateError
from llmhub.generator.budget import BudgetedRole, ceilings
from llmhub.generator.candidates import filter_candidates, satisfies
from llmhub.generator.emit import Choice, build_runtime, header_for
from llmhub.generator.explain import DecidedBy, RoleExplanation, choose, explain, facts, model_identity, same_model
from llmhub.generator.needs import RoleNeeds, needs_for
from llmhub.generator.rules import RuleSet, load_rules
from llmhub.generator.scoring import Scored, rank
from llmhub.generator.tradeoffs import tradeoffs
from llmhub.generator.variants import resolve_variants
from llmhub.settings import GENERATOR_MODEL_VAR, Settings, current
from llmhub.spec.load import apply_environment, spec_fingerprint
from llmhub.spec.models import RoleKind, RoleSpec, SpecConfig
from llmhub_runtime import __version__
from llmhub_runtime.config_loader import dump_config
from llmhub_runtime.models import RuntimeConfig

__all__ = [
    "GENERATOR_MODEL_VAR",
    "GenerationResult",
    "GeneratorOptions",
    "generate_runtime_from_spec",
    "keyed_providers_only",
]

Progress = Callable[[str, str], None]


@dataclass
class GeneratorOptions:
    """How to generate: which rules and catalog, and whether an LLM helps."""

    no_llm: bool = False
    """Use the rules only, even when a generator model is configured."""
    env: str | None = None
    """Merge the spec's `environments.<env>` overlay first."""
    rules: RuleSet | str | os.PathLike[str] | None = None
    """A rule set, or a directory of rules/*.yaml (default: the shipped rules)."""
    catalog: Catalog | None = None
    """The catalog to choose from (default: `build_catalog(sources_dir=...)`, cached)."""
    sources_dir: str | os.PathLike[str] | None = None
    spec_name: str = "llmhub.spec.yaml"
    """How the header names the spec."""
    generator_model: str | None = None
    """`provider:model` for the LLM path; default $LLMHUB_GENERATOR_MODEL, then the spec's generator block."""
    progress: Progress | None = None
    keyed_only: bool = False
    """Only providers whose key variable is set in this environment (or that need none): "use the
    providers I have keys for". The others are left out and a warning names them."""
    explain: bool = True
    """Accepted for the seeds' API (`GeneratorOptions(explain=True)`): explanations are always produced."""
    tradeoffs: bool = True
    """Work out each role's trade-offs (its pick one level up and down in quality, cost and latency: six more
    rankings per role); off when only the file is wanted."""
    settings: Settings | None = None
    """The catalog's sources, cache and offline mode, the generator model and the environment whose
    keys count (default: the environment when generation starts)."""


@dataclass
class GenerationResult:
    """A generated llmhub.yaml, with why each role got its model."""

    runtime: RuntimeConfig
    explanations: dict[str, RoleExplanation]
    header: str
    warnings: list[str] = field(default_factory=list)
    decided_by: dict[str, DecidedBy] = field(default_factory=dict)
    catalog_snapshot: dict[str, str] = field(default_factory=dict)
    usage: str | None = None
    """What the LLM-assisted generation cost (tokens, tool calls, time), when an LLM took part."""

    def text(self) -> str:
        """The llmhub.yaml text, header included: byte-identical for the same spec, catalog and rules."""
        return dump_config(self.runtime, header=self.header)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for `llmhub generate --json`."""
        return {
            "runtime": self.runtime.model_dump(mode="json", exclude_none=True),
            "explanations": {name: e.to_dict() for name, e in self.explanations.items()},
            "decided_by": self.decided_by,
            "warnings": self.warnings,
            "catalog": self.catalog_snapshot,
            "generator_usage": self.usage,
        }


def generate_runtime_from_spec(spec: SpecConfig, options: GeneratorOptions | None = None) -> GenerationResult:
    """Choose a model (and fallbacks) for every role of `spec`, and return the llmhub.yaml to write.

    Raises:
        NoCandidateError: a role has no model meeting its constraints (the message says which removed the last).
        RuleError, CatalogError, SpecError: invalid rules, no catalog, or an unknown --env.
    """
    options = options or GeneratorOptions()
    report = options.progress or (lambda stage, message: None)
    if options.env:
        spec = apply_environment(spec, options.env, source=options.spec_name)
    rules = options.rules if isinstance(options.rules, RuleSet) else load_rules(options.rules)
    spec, warnings_before = _keyed_only(spec, options)
    catalog = options.catalog
    if catalog is None:
        from llmhub.catalog import build_catalog

        report("catalog", "loading")
        catalog = build_catalog(sources_dir=options.sources_dir, settings=options.settings)
    warnings: list[str] = list(warnings_before)
    arena = catalog.source("lmarena-text")
    if arena is None or not arena.usable:
        why = f" ({arena.detail})" if arena is not None and arena.detail else ""
        warnings.append(
            f"the catalog has no LMArena quality ratings{why}: quality is estimated from price and release "
            "date for every role. Run `llmhub catalog refresh` with network access, or pass --sources DIR"
        )
    quality = QualityIndex(catalog)
    assistant = None if options.no_llm else _assistant(spec, options, warnings, catalog, quality)

    if assistant is not None and hasattr(assistant, "prefetch"):
        # The agent researches every role at once; the choices below are still made in spec order.
        researched = [needs_for(name, role, spec, rules) for name, role in spec.roles.items() if not role.force_model]
        assistant.prefetch([n for n in researched if not rules.kinds[n.kind].directions], rules)
    choices, explanations, budgeted, rankings = _choose_roles(
        spec, catalog, rules, quality, assistant, warnings, options.tradeoffs, report
    )
    if spec.monthly_budget is not None:
        rankings.update(
            _project_budget(
                spec.monthly_budget,
                budgeted,
                choices,
                explanations,
                catalog,
                rules,
                quality,
                warnings,
                options.tradeoffs,
            )
        )
        for name, (_, traded) in budgeted.items():
            if choices[name].model is not traded.pick.model:
                report(name, f"{choices[name].provider}:{choices[name].model_id} (within the spec's monthly_budget)")
    for name, role in spec.roles.items():
        if role.variants:
            variants, notes = resolve_variants(name, role, rankings[name], choices[name], catalog, warnings)
            choices[name] = replace(choices[name], variants=variants)
            explanations[name].notes.extend(notes)

    defaults_choice = _defaults(spec, catalog, rules, quality)
    snapshot = catalog.snapshot()
    decided = {name: e.decided_by for name, e in explanations.items()}
    meta = {
        "generated_by": f"llmhub {__version__}",
        "spec": options.spec_name,
        "spec_hash": spec_fingerprint(spec),
        "catalog": snapshot,
        "decided_by": decided,
    }
    runtime = build_runtime(spec, rules, choices, defaults_choice, meta, warnings)
    return GenerationResult(
        runtime=runtime,
        explanations=explanations,
        header=header_for(options.spec_name, snapshot),
        warnings=warnings,
        decided_by=decided,
        catalog_snapshot=snapshot,
        usage=assistant.usage() if assistant is not None and hasattr(assistant, "usage") else None,
    )


_Chosen = tuple[
    dict[str, Choice], dict[str, RoleExplanation], dict[str, tuple[RoleNeeds, BudgetedRole]], dict[str, list[Scored]]
]


def _choose_roles(
    spec: SpecConfig,
    catalog: Catalog,
    rules: RuleSet,
    quality: QualityIndex,
    assistant: Any,
    warnings: list[str],
    with_tradeoffs: bool,
    report: Progress,
) -> _Chosen:
    """Every role's first choice, in spec order: its choice, explanation, what the budget may trade, its ranking.

    Raises NoCandidateError naming the first role without a candidate (and how many more there are).
    """
    choices: dict[str, Choice] = {}
    explanations: dict[str, RoleExplanation] = {}
    failures: list[NoCandidateError] = []
    budgeted: dict[str, tuple[RoleNeeds, BudgetedRole]] = {}
    rankings: dict[str, list[Scored]] = {}
    for name, role in spec.roles.items():
        report(name, "choosing")
        needs = needs_for(name, role, spec, rules)
        try:
            if role.force_model:
                choice, explanation, rankings[name] = _forced(catalog, needs, rules, role, quality, warnings)
                head = Scored(model=choice.model) if choice.model is not None else None
                ranked: list[Scored] = []  # a forced pick is not the project budget's to trade
            else:
                choice, explanation, ranked, head = _chosen(
                    catalog, needs, rules, quality, assistant, warnings, with_tradeoffs
                )
                rankings[name] = ranked
        except NoCandidateError as exc:
            failures.append(exc)
            continue
        if head is not None:
            budgeted[name] = (needs, BudgetedRole(ranked, head, needs.traffic))
        choices[name] = choice
        explanations[name] = explanation
        report(name, f"{choice.provider}:{choice.model_id} ({explanation.decided_by})")
    if failures:
        first = failures[0]
        more = f" (and {len(failures) - 1} more roles)" if len(failures) > 1 else ""
        raise NoCandidateError(f"{first}{more}")
    return choices, explanations, budgeted, rankings


def _chosen(
    catalog: Catalog,
    needs: RoleNeeds,
    rules: RuleSet,
    quality: QualityIndex,
    assistant: Any,
    warnings: list[str],
    with_tradeoffs: bool = True,
) -> tuple[Choice, RoleExplanation, list[Scored], Scored]:
    if rules.kinds[needs.kind].directions:
        # An audio role whose description names no direction: a TTS model would fail every
        # transcription call and the other way round, so guessing is not an option.
        raise NoCandidateError(
            f"role {needs.role!r}: kind {needs.kind.value} needs a direction; write `kind: transcription` or "
            "`kind: speech` (or say 'transcribe' or 'read aloud' in the description)"
        )
    if assistant is not None:
        needs = assistant.refine(needs, catalog, rules, warnings)
    candidates = filter_candidates(catalog, needs, rules)
    if not candidates.models:
        raise NoCandidateError(_no_candidate_message(needs, candidates.last_cut))
    ranked = rank(candidates.models, needs, rules, quality)
    same_weights = needs.kind == RoleKind.embedding
    primary, fallbacks = choose(
        ranked,
        needs.fallbacks,
        same_weights=same_weights,
        price_ratio=needs.fallback_price_ratio,
    )
    decided_by: DecidedBy = "rules"
    rationale = None
    rules_pick = primary
    refused: list[str] = []
    if assistant is not None:
        warned = len(warnings)
        picked = assistant.pick(needs, ranked, rules, warnings)
        # Why the LLM did not decide goes in the role's own explanation too, not only in the run's warnings.
        refused = warnings[warned:] if picked is None else []
        if picked is not None:
            primary, fallbacks, rationale = picked
            decided_by = "llm"
            if same_weights:
                identity = model_identity(primary.model)
                fallbacks = [f for f in fallbacks if model_identity(f.model) == identity]
    explanation = explain(needs, rules, ranked, primary, fallbacks, candidates.eliminations, decided_by)
    explanation.rationale = rationale
    explanation.notes.extend(refused)
    explanation.spec_suggestions = dict(getattr(assistant, "suggestions", {}).get(needs.role, {}))
    if primary is not rules_pick:
        # Where the LLM and the rules disagree, both picks are shown.
        explanation.notes.append(
            f"the rules would have picked {rules_pick.model.canonical_id} (score {rules_pick.score:.3f}; "
            f"quality {facts(rules_pick)['quality']}; price {facts(rules_pick)['price']})"
        )
    if same_weights and len(fallbacks) < needs.fallbacks:
        explanation.notes.append(
            f"{len(fallbacks)} of {needs.fallbacks} fallbacks: an embedding role falls back only to the same "
            "model at another provider (a different model's vectors do not match the stored index)"
        )
    explanation.projection = _projection(needs, primary.model, [f.model for f in fallbacks])
    if with_tradeoffs:
        found = tradeoffs(needs, rules, ranked, quality, primary)
        explanation.tradeoffs = [t.to_dict() for t in found]
    choice = Choice(
        provider=primary.model.provider,
        model_id=primary.model.model_id,
        model=primary.model,
        fallbacks=tuple(f.model for f in fallbacks),
        task=needs.task,
        kind=needs.kind,
    )
    return choice, explanation, ranked, primary


def _projection(
    needs: RoleNeeds, model: CanonicalModel | None, fallbacks: list[CanonicalModel]
) -> dict[str, Any] | None:
    """The pick's and every fallback's cost a month at the role's traffic (None without a complete traffic)."""
    traffic = needs.traffic
    if traffic is None or not traffic.complete:
        return None
    return {
        "basis": traffic.describe(),
        "primary": {
            "model": model.canonical_id if model is not None else None,
            "per_month": _rounded(projected_month(model, traffic)),
        },
        "fallbacks": [{"model": f.canonical_id, "per_month": _rounded(projected_month(f, traffic))} for f in fallbacks],
        "budget": needs.monthly_budget,
    }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _project_budget(
    budget: float,
    budgeted: dict[str, tuple[RoleNeeds, BudgetedRole]],
    choices: dict[str, Choice],
    explanations: dict[str, RoleExplanation],
    catalog: Catalog,
    rules: RuleSet,
    quality: QualityIndex,
    warnings: list[str],
    with_tradeoffs: bool = True,
) -> dict[str, list[Scored]]:
    """Bring the roles' projected total within the spec's `monthly_budget`, choosing traded roles again.

    Returns the new rankings of the roles chosen again (under their share of the budget).
    """
    counted = {
        name: role for name, (_, role) in budgeted.items() if projected_month(role.pick.model, role.traffic) is not None
    }
    left_out = [name for name in choices if name not in counted]
    if left_out:
        warnings.append(
            f"monthly_budget: {', '.join(left_out)} not counted (no traffic: block, or a price that is unknown)"
        )
    caps, total = ceilings(budget, counted)
    rankings: dict[str, list[Scored]] = {}
    for name, cap in sorted(caps.items()):
        needs, role = budgeted[name]
        first = role.pick.model.canonical_id
        was = projected_month(role.pick.model, role.traffic) or 0.0
        origin = f"share of the spec's monthly_budget ${budget:,.2f}:"
        capped = replace(needs, monthly_budget=cap, budget_origin=origin)
        choice, explanation, rankings[name], head = _chosen(
            catalog, capped, rules, quality, None, warnings, with_tradeoffs
        )
        # The share caps the pick, not its fallbacks: they serve only when it fails, so they come from the
        # role's whole ranking (within the fallback price ratio of the new pick), as for any role.
        rest = [s for s in role.ranked if not same_model(s.model, head.model)]
        _, fallbacks = choose(
            [head, *rest],
            needs.fallbacks,
            same_weights=needs.kind == RoleKind.embedding,
            price_ratio=needs.fallback_price_ratio,
        )
        choices[name] = replace(choice, fallbacks=tuple(f.model for f in fallbacks))
        explanation.fallbacks = [f.model.canonical_id for f in fallbacks]
        explanation.projection = _projection(capped, head.model, [f.model for f in fallbacks])
        explanations[name] = explanation
        explanations[name].notes.append(
            f"the spec's monthly_budget ${budget:,.2f} (projected total ${total:,.2f}): the first pick {first} "
            f"(${was:,.2f}/month) gave way to a cheaper one, the smallest loss of score per dollar saved among "
            "the roles; the rules chose it"
        )
    return rankings


def _forced(
    catalog: Catalog,
    needs: RoleNeeds,
    rules: RuleSet,
    role: RoleSpec,
    quality: QualityIndex,
    warnings: list[str],
) -> tuple[Choice, RoleExplanation, list[Scored]]:
    """A `force_model` role: that model, even unknown to the catalog; fallbacks still chosen by the rules."""
    assert role.force_model is not None
    provider = role.force_provider or (needs.providers[0] if len(needs.providers) == 1 else None)
    if provider is None:
        matches = sorted(
            m.provider for m in catalog if m.model_id == role.force_model and m.provider in needs.providers
        )
        provider = matches[0] if matches else (needs.providers[0] if needs.providers else "openai")
    model = catalog.get(provider, role.force_model)
    notes: list[str] = []
    if model is None:
        warnings.append(
            f"role {needs.role!r}: forced model {provider}:{role.force_model} is not in the catalog; "
            "using it as given (its price, limits and quality are unknown)"
        )
        notes.append("not in the catalog: facts unknown")
    else:
        broken = satisfies(model, replace(needs, force_model=None), rules)
        if broken:
            warnings.append(f"role {needs.role!r}: forced model {model.canonical_id} breaks: {'; '.join(broken)}")
            notes.append("breaks: " + "; ".join(broken))
    unforced = replace(needs, force_model=None)
    others = filter_candidates(catalog, unforced, rules)
    forced_id = f"{provider}:{role.force_model}"
    # Rank the forced model among the others, so its facts read like any other pick's.
    pool = others.models if model is None or model in others.models else [model, *others.models]
    ranked = rank(pool, unforced, rules, quality)
    head = next((s for s in ranked if s.model.canonical_id == forced_id), None)
    stand_in = head or Scored(
        model=CanonicalModel.build(canonical_id=forced_id, provider=provider, model_id=role.force_model)
    )
    rest = [s for s in ranked if s is not head]
    _, fallbacks = (
        choose([stand_in, *rest], needs.fallbacks, same_weights=needs.kind == RoleKind.embedding)
        if rest and needs.fallbacks
        else (stand_in, [])
    )
    explanation = RoleExplanation(
        role=needs.role,
        decided_by="forced",
        choice=forced_id,
        task=needs.task,
        task_reason=needs.task_reason,
        facts=facts(head) if head is not None else {},
        score=head.score if head is not None else None,
        fallbacks=[f.model.canonical_id for f in fallbacks],
        candidates=len(ranked),
        notes=["force_model in the spec decided this role; the rules chose its fallbacks", *notes],
        projection=_projection(needs, model, [f.model for f in fallbacks]),
    )
    choice = Choice(
        provider, role.force_model, model, tuple(f.model for f in fallbacks), task=needs.task, kind=needs.kind
    )
    return choice, explanation, ranked


def _defaults(spec: SpecConfig, catalog: Catalog, rules: RuleSet, quality: QualityIndex) -> Choice | None:
    """llmhub.yaml's `defaults` role (for roles the file lacks): a general chat model per `defaults:`."""
    if spec.defaults is None:
        return None
    prefs = spec.defaults.preferences
    role = RoleSpec(
        kind=RoleKind.chat, description="general purpose default", preferences=prefs or RoleSpec().preferences
    )
    needs = needs_for("defaults", role, spec, rules)
    candidates = filter_candidates(catalog, needs, rules)
    if not candidates.models:
        return None
    best = rank(candidates.models, needs, rules, quality)[0]
    return Choice(best.model.provider, best.model.model_id, best.model)


def _keyed_only(spec: SpecConfig, options: GeneratorOptions) -> tuple[SpecConfig, list[str]]:
    """With --keyed-only or `policy.keyed_only`, the spec without unkeyed providers, and a warning naming them."""
    if not (options.keyed_only or (spec.policy is not None and spec.policy.keyed_only)):
        return spec, []
    spec, unkeyed = keyed_providers_only(spec, options.settings)
    if not unkeyed:
        return spec, []
    origin = "--keyed-only" if options.keyed_only else "policy.keyed_only"
    left_out = ", ".join(f"{p} ({v})" for p, v in unkeyed)
    return spec, [f"{origin}: left out {left_out}: their key variables are not set here"]


def keyed_providers_only(spec: SpecConfig, settings: Settings | None) -> tuple[SpecConfig, list[tuple[str, str]]]:
    """`spec` with every enabled provider whose key variable is unset disabled, and which those were."""
    from llmhub.env_manager import check_env, required_env_keys

    missing = check_env(required_env_keys(spec=spec), environ=current(settings).environ).missing
    unkeyed: list[tuple[str, str]] = []
    providers = dict(spec.providers)
    for variable, users in missing.items():
        for name in users:
            if name in providers and providers[name].enabled:
                providers[name] = providers[name].model_copy(update={"enabled": False})
                unkeyed.append((name, variable))
    return spec.model_copy(update={"providers": providers}), sorted(unkeyed)


def _no_candidate_message(needs: RoleNeeds, cut: Any) -> str:
    if cut is None:
        return f"role {needs.role!r}: the catalog has no models at all; run `llmhub catalog refresh`"
    examples = f" (e.g. {', '.join(cut.examples)})" if cut.examples else ""
    return (
        f"role {needs.role!r}: no model satisfies every constraint; the last {cut.removed} candidates were "
        f"removed by `{cut.constraint}`{examples}. Relax that constraint in the spec, or enable more providers; "
        "for a private or self-hosted model, describe it in llmhub.catalog-overrides.yaml beside the spec, or "
        "name it with force_provider and force_model"
    )


def _assistant(
    spec: SpecConfig, options: GeneratorOptions, warnings: list[str], catalog: Catalog, quality: QualityIndex
) -> Any:
    """The LLM helper when a generator model is configured and usable, else None (with a warning why)."""
    settings = current(options.settings)
    reference = (
        options.generator_model
        or settings.generator_model
        or (spec.generator.model if spec.generator is not None else None)
    )
    if reference is None or (spec.generator is not None and not spec.generator.enabled and not options.generator_model):
        return None
    if settings.offline:
        warnings.append(
            "LLM-assisted generation skipped (offline: it would call the generator model); the rules chose every role"
        )
        return None
    from llmhub.generator.llm import LLMAssistant, unusable_reason

    problem = unusable_reason(spec, reference, options.settings)
    if problem is not None:
        warnings.append(f"LLM-assisted generation skipped ({problem}); the rules chose every role")
        return None
    if spec.generator is None or spec.generator.mode == "agent":
        from llmhub.generator.agent import AgentAssistant

        return AgentAssistant(spec, reference, catalog, quality)
    return LLMAssistant(spec, reference)
