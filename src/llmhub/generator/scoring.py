"""Rank the candidates that passed the hard constraints (pure, deterministic).

Each criterion is scored 0..1 among the candidates:

* quality: the arena rating in the task's categories (their mean), else the overall rating; a model
  the arena has not rated takes its predecessor's standing, labelled as an estimate;
* cost: the blended price, on a log scale (prices span three orders of magnitude);
* latency: estimated, since no source measures it: size words in the name, price, reasoning;
* recency: the release date.

The total is the weighted mean (weights from the role's preference levels), minus soft-target
penalties, plus a small bonus for models discovery saw with your keys.
"""

from __future__ import annotations

import itertools
import math
import re
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from llmhub.catalog.models import CanonicalModel, Catalog
from llmhub.catalog.names import discriminating_words, parse_day, parse_name, tokens
from llmhub.generator.needs import RoleNeeds
from llmhub.generator.rules import RuleSet

__all__ = ["Predecessors", "Scored", "quality_value", "rank", "rating"]

_EPSILON = 0.01  # keeps free models on the log price scale


@dataclass
class Scored:
    """One candidate with its score and how it was made up."""

    model: CanonicalModel
    score: float = 0.0
    quality: float = 0.0
    cost: float = 0.0
    latency: float = 0.0
    recency: float = 0.0
    quality_value: float | None = None
    """The arena rating (or estimate) quality was scored from."""
    quality_basis: str = ""
    """Which rating: `coding`, `overall`, `estimated from X`, `unscored`."""
    notes: list[str] = field(default_factory=list)
    """Estimates and penalties, for explanations."""


class Predecessors:
    """Standing for models the arena has not rated: a predecessor's rating, or how stale the gap is.

    Built once per catalog. Also knows the arena's horizon (the newest rated release), which tells
    a new model the arena has not reached yet from an old one it never rated.
    """

    def __init__(self, catalog: Catalog | Sequence[CanonicalModel]):
        self._rated: dict[tuple[str, str], list[CanonicalModel]] = defaultdict(list)
        newest = None
        for model in catalog:
            if model.arena_score is None:
                continue
            if model.family:
                self._rated[(model.provider, model.family)].append(model)
            day = parse_day(model.release_date)
            if day is not None and (newest is None or day > newest):
                newest = day
        self.horizon = newest
        """The newest release date among rated models (None without arena data)."""

    def of(self, model: CanonicalModel) -> CanonicalModel | None:
        """The most recent rated model of the same family at the same provider released before this one.

        It must also share the size and specialty words of the name (mini, nano, pro, codex...): a
        new mini model starts from the previous mini, never from a full-size model.
        """
        if not model.family:
            return None
        released = parse_day(model.release_date)
        kind = _size_words(model.model_id)
        older = [
            m
            for m in self._rated.get((model.provider, model.family), ())
            if released is not None
            and (day := parse_day(m.release_date)) is not None
            and day <= released
            and _size_words(m.model_id) == kind
        ]
        if not older:
            return None
        return max(older, key=lambda m: (parse_day(m.release_date), m.arena_score or 0, m.canonical_id))

    def days_behind(self, model: CanonicalModel) -> int | None:
        """How long before the arena's horizon this model came out (None when either date is unknown)."""
        released = parse_day(model.release_date)
        if released is None or self.horizon is None:
            return None
        return (self.horizon - released).days


_PARAMETERS = re.compile(r"(?<![a-z0-9.])(\d+(?:\.\d+)?)b(?![a-z0-9])")


def _size_words(model_id: str) -> frozenset[str]:
    """Words that set a model's size or speciality: mini, pro, codex..., and parameter counts (8b, 70b)."""
    lowered = model_id.lower()
    return (frozenset(parse_name(lowered).words) & discriminating_words()) | frozenset(
        f"{n}b" for n in _PARAMETERS.findall(lowered)
    )


def rating(model: CanonicalModel, category: str) -> float | None:
    """One arena rating of a model: a text category, `vision` (the vision board), or `overall`."""
    if category == "overall":
        return model.arena_score
    if category == "vision":
        return model.vision_score
    return model.arena_scores.get(category)


def quality_value(model: CanonicalModel, categories: Sequence[str]) -> tuple[float | None, str]:
    """The rating that measures a model for a task, and which one it is (None: not measured)."""
    if categories:
        values = [v for c in categories if (v := rating(model, c)) is not None]
        if len(values) == len(categories):
            return sum(values) / len(values), "+".join(categories)
        return None, "unscored"
    if model.arena_score is None:
        return None, "unscored"
    return model.arena_score, "overall"


def rank(
    candidates: Sequence[CanonicalModel], needs: RoleNeeds, rules: RuleSet, predecessors: Predecessors
) -> list[Scored]:
    """Score every candidate and sort them best first (ties broken by `rules.tie_break`)."""
    scored = [Scored(model=m) for m in candidates]
    if not scored:
        return []
    _score_quality(scored, needs, rules, predecessors)
    _score_cost(scored, rules)
    _score_latency(scored, rules)
    _score_recency(scored)
    weights = rules.weights
    w_quality = weights.quality.of(needs.quality)
    w_cost = weights.cost.of(needs.cost)
    w_latency = weights.latency.of(needs.latency)
    w_recency = weights.recency
    total = w_quality + w_cost + w_latency + w_recency or 1.0
    for item in scored:
        value = (
            w_quality * item.quality + w_cost * item.cost + w_latency * item.latency + w_recency * item.recency
        ) / total
        value -= _penalties(item, needs, rules)
        if item.model.available:
            value += rules.policy.available_bonus
        # Rounded so that float noise can never reorder candidates between runs or machines.
        item.score = round(value, 6)
    return sorted(scored, key=lambda s: _tie_key(s, rules))


def _score_quality(scored: list[Scored], needs: RoleNeeds, rules: RuleSet, predecessors: Predecessors) -> None:
    categories = needs.categories
    offset = _category_offset(scored, categories)
    for item in scored:
        value, basis = quality_value(item.model, categories)
        if value is None and categories and item.model.arena_score is not None:
            if offset is None:
                # No candidate has the task's ratings: compare them all on the overall one.
                value, basis = item.model.arena_score, "overall"
            else:
                # Rated overall but not in the task's categories (common for the newest entries):
                # shift its overall rating by how the field's task ratings differ from their overall.
                value = item.model.arena_score + offset
                named = "+".join(categories)
                basis = f"overall {item.model.arena_score:.0f} shifted {offset:+.0f} to the {named} scale"
                item.notes.append(f"no {named} rating: estimated from its overall rating")
        if value is None:
            before = predecessors.of(item.model)
            if before is not None:
                value, _ = quality_value(before, categories)
                if value is None and before.arena_score is not None:
                    value = before.arena_score + (offset or 0.0)
                if value is not None:
                    basis = f"estimated from {before.canonical_id} (no arena rating yet)"
                    item.notes.append(f"quality estimated from its predecessor {before.canonical_id}")
        item.quality_value = round(value, 2) if value is not None else None
        item.quality_basis = basis
    values = [s.quality_value for s in scored if s.quality_value is not None]
    if not values:
        _quality_from_price(scored, rules)
        return
    low, high = min(values), max(values)
    estimates = rules.estimates
    for item in scored:
        if item.quality_value is not None:
            item.quality = (item.quality_value - low) / (high - low) if high > low else 1.0
            continue
        behind = predecessors.days_behind(item.model)
        if behind is not None and behind > estimates.stale_after_days:
            # The arena had months to rate it and did not: not a new release waiting for a score.
            item.quality = estimates.stale_unscored_quality
            item.quality_basis = "unrated (old)"
            item.notes.append(
                f"no arena rating although released {behind // 30} months before the newest rated model: assumed weak"
            )
        else:
            item.quality = estimates.unscored_quality
            item.quality_basis = "unrated (new)"
            item.notes.append("no arena rating yet and no rated predecessor: quality assumed below the middle")


def _quality_from_price(scored: list[Scored], rules: RuleSet) -> None:
    """Estimate quality where no candidate is rated, from price and release date, labelled as such.

    Embedding and image models are never rated, and without arena data no model is. What is left:
    within a line-up the stronger model costs more, and a newer generation beats an older one.
    Either alone misleads (the priciest model is often an old one), so they count half each.
    """
    prices = [p for s in scored if (p := s.model.blended_price_per_million) is not None and p > 0]
    if not rules.estimates.price_stands_in_for_quality or len(set(prices)) < 2:
        for item in scored:
            item.quality = rules.estimates.unscored_quality
            item.notes.append("no candidate has an arena rating: quality does not separate them")
        return
    low, high = math.log(min(prices)), math.log(max(prices))
    _score_recency(scored)
    for item in scored:
        price = item.model.blended_price_per_million
        by_price = (math.log(price) - low) / (high - low) if price is not None and price > 0 else 0.0
        item.quality = (by_price + item.recency) / 2
        item.quality_basis = "estimated from price and release date"
        item.notes.append(
            "no candidate has an arena rating: quality estimated from price and release date "
            "(stronger models cost more; newer generations beat older ones)"
        )


def _category_offset(scored: Sequence[Scored], categories: Sequence[str]) -> float | None:
    """The median gap between the task's ratings and the overall rating, among candidates with both."""
    if not categories:
        return None
    gaps = []
    for item in scored:
        value, _ = quality_value(item.model, categories)
        if value is not None and item.model.arena_score is not None:
            gaps.append(value - item.model.arena_score)
    return statistics.median(gaps) if gaps else None


def _score_cost(scored: list[Scored], rules: RuleSet) -> None:
    prices = [s.model.blended_price_per_million for s in scored if s.model.blended_price_per_million is not None]
    if not prices:
        for item in scored:
            item.cost = rules.estimates.unpriced_cost
        return
    low, high = math.log(min(prices) + _EPSILON), math.log(max(prices) + _EPSILON)
    for item in scored:
        price = item.model.blended_price_per_million
        if price is None:
            item.cost = rules.estimates.unpriced_cost
            item.notes.append("no known price: cost assumed high")
        else:
            item.cost = 1.0 - (math.log(price + _EPSILON) - low) / (high - low) if high > low else 1.0


def _score_latency(scored: list[Scored], rules: RuleSet) -> None:
    latency = rules.latency
    fast = {word.lower() for word in latency.size_words.get("fast", [])}
    slow = {word.lower() for word in latency.size_words.get("slow", [])}
    for item in scored:
        parts = tokens(item.model.model_id)
        # "8b" is tokenised as 8 and b: look for adjacent pairs too.
        names = set(parts) | {a + b for a, b in itertools.pairwise(parts)}
        if names & fast:
            base = latency.scores["fast"]
        elif names & slow:
            base = latency.scores["slow"]
        else:
            base = latency.scores["neutral"]
        value = base * (1 - latency.price_weight) + item.cost * latency.price_weight
        if item.model.supports_reasoning:
            value -= latency.reasoning_penalty
        item.latency = min(max(value, 0.0), 1.0)


def _score_recency(scored: list[Scored]) -> None:
    days = [d.toordinal() for s in scored if (d := parse_day(s.model.release_date)) is not None]
    low, high = (min(days), max(days)) if days else (0, 0)
    for item in scored:
        day = parse_day(item.model.release_date)
        if day is None:
            item.recency = 0.0
        else:
            item.recency = (day.toordinal() - low) / (high - low) if high > low else 1.0


def _penalties(item: Scored, needs: RoleNeeds, rules: RuleSet) -> float:
    """Soft targets missed: e.g. `quality: high` wants quality tier <= 2, `cost: low` cost tier <= 2."""
    total = 0.0
    for criterion, targets, tier, missing in (
        ("quality", rules.targets.quality, item.model.quality_tier, "unrated"),
        ("cost", rules.targets.cost, item.model.cost_tier, "unpriced"),
    ):
        level = getattr(needs, criterion)
        target = targets.get(level)
        if target is None or (tier is not None and tier <= target.max_tier):
            continue
        total += target.penalty
        item.notes.append(
            f"{criterion} {level.value} targets {criterion} tier <= {target.max_tier}; "
            f"this model is {missing if tier is None else f'tier {tier}'} (-{target.penalty:g})"
        )
    return total


def _tie_key(item: Scored, rules: RuleSet) -> tuple[object, ...]:
    keys: list[object] = []
    for name in rules.tie_break:
        if name == "canonical_id":
            keys.append(item.model.canonical_id)
        else:
            keys.append(-round(float(getattr(item, name)), 6))
    if "canonical_id" not in rules.tie_break:
        keys.append(item.model.canonical_id)
    return tuple(keys)
