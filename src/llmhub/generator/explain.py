"""Choosing the primary and fallbacks from a ranking, and explaining the choice in numbers."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from llmhub.catalog.models import CanonicalModel
from llmhub.catalog.names import parse_name
from llmhub.generator.candidates import Elimination
from llmhub.generator.needs import RoleNeeds
from llmhub.generator.rules import RuleSet
from llmhub.generator.scoring import Scored

__all__ = [
    "DecidedBy",
    "RoleExplanation",
    "choose",
    "explain",
    "facts",
    "model_identity",
    "same_model",
    "why_lost",
]

DecidedBy = Literal["rules", "llm", "forced"]
_LATENCY_NOTE = (
    "latency is estimated (no source measures it): from size words in the model's name, its price, "
    "and whether it reasons before answering"
)


def same_model(a: CanonicalModel, b: CanonicalModel) -> bool:
    """Whether two entries are the same model at the same provider (an alias and its dated id)."""
    if a.provider != b.provider:
        return False
    if a.quality.arena_id is not None and a.quality.arena_id == b.quality.arena_id:
        return True
    return parse_name(a.model_id).core == parse_name(b.model_id).core


def model_identity(model: CanonicalModel) -> str:
    """Which model this is at any host: models.dev's cross-provider id, else the id without a host prefix."""
    if model.identity.canonical_model_id:
        return model.identity.canonical_model_id.lower()
    return model.model_id.rsplit("/", 1)[-1].lower()


def choose(
    ranked: Sequence[Scored], count: int, *, same_weights: bool = False, price_ratio: float | None = None
) -> tuple[Scored, list[Scored]]:
    """The best candidate, and up to `count` fallbacks: other providers first, never the same model twice.

    With `same_weights` (embedding roles) a fallback must be the primary's own model at another
    provider: a different embedding model writes vectors in another space, and an index built
    with the primary would return garbage for its queries. With `price_ratio`, a fallback costs at
    most that many times the primary (an outage must not multiply the bill); candidates over it
    are used only when nothing within it is left.
    """
    primary = ranked[0]
    if price_ratio is not None and primary.price:
        ceiling = primary.price * price_ratio
        affordable = [s for s in ranked[1:] if s.price is not None and s.price <= ceiling]
        if len(affordable) >= count or same_weights:
            ranked = [primary, *affordable]
    if same_weights:
        identity = model_identity(primary.model)
        twins = [
            s for s in ranked[1:] if s.model.provider != primary.model.provider and model_identity(s.model) == identity
        ]
        chosen: list[Scored] = []
        for item in twins:
            if len(chosen) < count and all(item.model.provider != c.model.provider for c in chosen):
                chosen.append(item)
        return primary, chosen
    pool = [s for s in ranked[1:] if not same_model(s.model, primary.model)]
    fallbacks: list[Scored] = []
    providers = {primary.model.provider}
    # A fallback on another provider survives that provider's outage; take those first.
    for item in pool:
        if len(fallbacks) == count:
            break
        if item.model.provider not in providers:
            fallbacks.append(item)
            providers.add(item.model.provider)
    for item in pool:
        if len(fallbacks) == count:
            break
        if item not in fallbacks and not any(same_model(item.model, f.model) for f in fallbacks):
            fallbacks.append(item)
    return primary, fallbacks


@dataclass
class RoleExplanation:
    """Why a role got its model: the facts, the runner-ups and why they lost, what constraints removed."""

    role: str
    decided_by: DecidedBy
    choice: str | None
    task: str = "general"
    task_reason: str = ""
    facts: dict[str, Any] = field(default_factory=dict)
    score: float | None = None
    fallbacks: list[str] = field(default_factory=list)
    runner_ups: list[dict[str, Any]] = field(default_factory=list)
    eliminations: list[dict[str, Any]] = field(default_factory=list)
    candidates: int = 0
    weights: dict[str, float] = field(default_factory=dict)
    rationale: str | None = None
    """The LLM's reasoning, when it decided."""
    notes: list[str] = field(default_factory=list)
    spec_suggestions: dict[str, Any] = field(default_factory=dict)
    """Needs the LLM read in the description that the spec does not state (only ever stricter); not applied:
    a person adds them to the role in llmhub.spec.yaml to make them hard constraints."""
    projection: dict[str, Any] | None = None
    """At the role's `traffic:`: `basis`, the pick's and each fallback's cost a month (`primary`, `fallbacks`,
    None where a price is unknown), and the `budget` that applied."""
    tradeoffs: list[dict[str, Any]] = field(default_factory=list)
    """The pick one level up and down in quality, cost and latency (see `llmhub.generator.tradeoffs`)."""

    def to_dict(self) -> dict[str, Any]:
        """Plain data for `--json`."""
        return asdict(self)

    def __str__(self) -> str:
        lines = [f"{self.role}: {self.choice or '(none)'}  [decided by {self.decided_by}]"]
        if self.facts:
            lines.append("  why: " + "; ".join(f"{k} {v}" for k, v in self.facts.items() if v not in (None, "", [])))
        lines.append(f"  task: {self.task} ({self.task_reason})")
        if self.weights:
            lines.append("  weights: " + ", ".join(f"{k} {v:g}" for k, v in self.weights.items()))
        if self.rationale:
            lines.append(f"  LLM rationale: {self.rationale}")
        if self.fallbacks:
            lines.append("  fallbacks: " + ", ".join(self.fallbacks))
        for runner in self.runner_ups:
            lines.append(f"  runner-up {runner['model']} (score {runner['score']:.3f}): {runner['why']}")
        cuts = [e for e in self.eliminations if e["removed"]]
        if cuts:
            left = f"{self.candidates} candidate{'s' if self.candidates != 1 else ''} left"
            lines.append(f"  constraints ({left}):")
            for cut in cuts:
                examples = f", e.g. {', '.join(cut['examples'])}" if cut["examples"] else ""
                lines.append(f"    {cut['constraint']}: removed {cut['removed']}{examples}")
        if self.projection is not None:
            lines.append(f"  projected at {self.projection['basis']}: {_projection_line(self.projection)}")
        if self.tradeoffs:
            from llmhub.generator.tradeoffs import TradeOff, describe_tradeoff

            changes = [TradeOff(**t) for t in self.tradeoffs]
            lines.append("  trade-offs (one step in a preference):")
            lines.extend(f"    {describe_tradeoff(c)}" for c in changes if not c.same)
            same = [f"{c.preference} {c.level}" for c in changes if c.same]
            if same:
                lines.append(f"    the same pick with {', '.join(same)}")
        lines.extend(f"  note: {note}" for note in self.notes)
        if self.spec_suggestions:
            implied = ", ".join(f"{k}: {json.dumps(v)}" for k, v in self.spec_suggestions.items())
            lines.append(f"  the description implies (add to the spec to enforce): {{{implied}}}")
        return "\n".join(lines)


def _usd_month(value: float | None) -> str:
    return "unknown" if value is None else f"${value:,.2f}/month"


def _projection_line(projection: dict[str, Any]) -> str:
    primary = projection["primary"]
    text = f"{_usd_month(primary['per_month'])}"
    if projection.get("budget") is not None:
        text += f" (budget ${projection['budget']:,.2f})"
    fallbacks = projection.get("fallbacks") or []
    if fallbacks:
        text += "; fallbacks " + ", ".join(f"{f['model']} {_usd_month(f['per_month'])}" for f in fallbacks)
    return text


def explain(
    needs: RoleNeeds,
    rules: RuleSet,
    ranked: Sequence[Scored],
    primary: Scored | None,
    fallbacks: Sequence[Scored],
    eliminations: Sequence[Elimination],
    decided_by: DecidedBy,
) -> RoleExplanation:
    """Build the explanation of a rules (or LLM) decision from the ranking that supported it."""
    weights = {
        "quality": rules.weights.quality.of(needs.quality),
        "cost": rules.weights.cost.of(needs.cost),
        "latency": rules.weights.latency.of(needs.latency),
        "recency": rules.weights.recency,
    }
    explanation = RoleExplanation(
        role=needs.role,
        decided_by=decided_by,
        choice=primary.model.canonical_id if primary else None,
        task=needs.task,
        task_reason=needs.task_reason,
        fallbacks=[f.model.canonical_id for f in fallbacks],
        eliminations=[
            {"constraint": e.constraint, "removed": e.removed, "examples": list(e.examples)} for e in eliminations
        ],
        candidates=len(ranked),
        weights=weights,
    )
    if primary is None:
        return explanation
    explanation.score = primary.score
    explanation.facts = facts(primary)
    others: list[Scored] = []
    # A candidate the rules scored higher but put behind a model that beats it on every fact is the
    # obvious alternative: it is shown first, with why.
    outscored = [s for s in ranked if s.dominated_by is not None and s.score > primary.score]
    for item in [*outscored, *ranked]:
        if len(others) == 3:
            break
        # One line per model: an alias and its dated id are the same runner-up.
        if item is not primary and not any(item is o or same_model(item.model, o.model) for o in [primary, *others]):
            others.append(item)
    explanation.runner_ups = [
        {"model": s.model.canonical_id, "score": s.score, "why": why_lost(s, primary, weights)} for s in others
    ]
    explanation.notes = list(dict.fromkeys([*primary.notes, _LATENCY_NOTE, *needs.notes]))
    return explanation


def facts(item: Scored) -> dict[str, Any]:
    """The numbers behind a pick: price, rating and category, context, capabilities, tiers."""
    model = item.model
    if item.price is None and item.price_note:
        price = f"unknown: {item.price_note.removeprefix('unknown ').strip('()')}"
    elif model.pricing.input is None:
        price = "unknown"
    elif model.pricing.output is None:
        price = f"${model.pricing.input:g} per M input"
    else:
        price = f"${model.pricing.input:g}/${model.pricing.output:g} per M in/out"
    if item.price is not None and item.price_note not in ("", "list"):
        price += f" ({item.price_note}: ${item.price:g} blended)"
    if item.figure is not None:
        rating = item.figure.describe()
    elif item.quality_value is not None:
        rating = f"{item.quality_value:.0f} ({item.quality_basis})"
    else:
        rating = f"unknown ({item.quality_basis})" if item.quality_basis not in ("", "unknown") else "unknown"
    return {
        "price": price,
        "quality": rating,
        "quality tier": model.tiers.quality,
        "cost tier": model.tiers.cost,
        "context": model.limits.context,
        "capabilities": ", ".join(t for t in model.tags if t in _CAPABILITY_TAGS),
        "score": f"{item.score:.3f}",
    }


_CAPABILITY_TAGS = {
    "tools",
    "vision",
    "reasoning",
    "structured-output",
    "pdf",
    "audio-input",
    "open-weights",
    "long-context",
}


def _placed_behind(runner: Scored, winner: Scored) -> str | None:
    """Why a runner-up is behind the winner other than by score: an unknown figure, a guess, the LLM."""
    if runner.group > winner.group:
        unknown = "price" if runner.price is None else "quality"
        return f"its {unknown} is unknown: ranked after every candidate whose figures are known"
    if runner.dominated_by is not None and runner.score >= winner.score:
        return (
            f"{runner.dominated_by} is rated at least as high (measured) at no higher price and is no older: "
            "its only edge was the latency estimate, a guess"
        )
    if runner.score > winner.score:
        return (
            f"ranked higher by the rules ({runner.score:.3f} vs {winner.score:.3f}), "
            "but the LLM chose otherwise (see its rationale)"
        )
    return None


def why_lost(runner: Scored, winner: Scored, weights: dict[str, float]) -> str:
    """The criterion that cost a runner-up the most against the winner, in numbers."""
    placed = _placed_behind(runner, winner)
    if placed is not None:
        return placed
    deficits = {
        k: weights[k] * (getattr(winner, k) - getattr(runner, k)) for k in ("quality", "cost", "latency", "recency")
    }
    criterion = max(deficits, key=lambda k: deficits[k])
    if deficits[criterion] <= 0:
        return "tie on every criterion; lost the tie-break" if runner.score == winner.score else "soft-target penalty"
    if criterion == "quality":
        if winner.quality_basis == "estimated from price and release date":
            return "estimated weaker: cheaper or older (no arena ratings here to compare)"
        if runner.figure is None or winner.figure is None:
            # Image roles are rated on the text-to-image board: a value without a chat figure.
            mine, theirs = runner.quality_value, winner.quality_value
            if mine is not None and theirs is not None:
                return f"lower quality ({mine:.0f} vs {theirs:.0f}, {runner.quality_basis})"
            return "quality unknown" if runner.quality_value is None else "lower quality"
        if runner.figure.basis == "estimated" and runner.figure.value > winner.figure.rank_value:
            return (
                f"estimated {runner.figure.value:.0f} (low end {runner.figure.low:.0f}) does not clearly beat "
                f"{winner.figure.rank_value:.0f} ({winner.figure.basis})"
            )
        mine, theirs = runner.figure.rank_value, winner.figure.rank_value
        # Ranking compares an estimate or a shifted overall rating at the low end of its interval: say so.
        low_end = ", the low end of its interval" if theirs != winner.figure.value else ""
        return f"lower quality ({mine:.0f} vs {theirs:.0f}{low_end})"
    if criterion == "cost":
        a, b = runner.price, winner.price
        if a is None or b is None:
            return "no known price" if a is None else "costs more (the winner's price is unknown)"
        ratio = f"{a / b:.1f}x" if b else "more"
        return f"costs {ratio} as much (${a:g} vs ${b:g} per M, blended)"
    if criterion == "latency":
        return "estimated slower (larger or reasoning model)"
    return f"older (released {runner.model.dates.release or 'unknown'} vs {winner.model.dates.release})"
