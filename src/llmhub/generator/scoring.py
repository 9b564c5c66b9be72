"""Rank the candidates that passed the hard constraints (pure, deterministic).

Each criterion is scored 0..1 among the candidates:

* quality: the model's figure for the task from the catalog's `QualityIndex` (measured, inherited
  from a measured predecessor, or estimated; an estimate counts at the low end of its interval).
  Kinds the arena does not rate (embeddings, speech) compare on price and release date, labelled;
* cost: the blended price at the role's context (a long-context tier's price when the role needs
  that much), on a log scale;
* latency: estimated, since no source measures it: size words in the name, price, reasoning;
* recency: the release date.

The total is the weighted mean (weights from the role's preference levels), minus soft-target
penalties, plus a small bonus for models discovery saw with your keys. A candidate whose price or
quality is unknown ranks after every candidate whose figures are known: unknown is never cheap and
never good.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from llmhub.catalog.derive import prices_at
from llmhub.catalog.kinds import ModelKind
from llmhub.catalog.models import CanonicalModel
from llmhub.catalog.names import parse_day, tokens
from llmhub.catalog.quality import Quality, QualityIndex
from llmhub.generator.needs import RoleNeeds
from llmhub.generator.rules import RuleSet, Target
from llmhub.spec.models import PreferenceLevel, RoleKind

__all__ = ["Scored", "price_used", "rank", "rerank"]

_EPSILON = 0.01  # keeps free models on the log price scale
_RECENCY_DAYS = 730
_RATED_KINDS = (RoleKind.chat, RoleKind.tool)


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
    """The rating (or estimate) quality was scored from, on the arena's scale."""
    quality_basis: str = ""
    """`measured`, `inherited`, `estimated`, `estimated from price and release date`, or `unknown`."""
    figure: Quality | None = None
    """The full quality figure (interval, source), for chat roles."""
    price: float | None = None
    """The blended price used: at the role's context tier; None when unknown."""
    price_note: str = ""
    """Which price that is (`list`, `tier above 200000 tokens`, `unknown: listed $0, a placeholder`)."""
    group: int = 0
    """0 when price and quality are known; 1 ranks after every 0 (something is unknown)."""
    notes: list[str] = field(default_factory=list)
    """Estimates and penalties, for explanations."""
    figure_notes: int = 0
    """How many of `notes` explain the figures (the rest explain the score: targets, penalties)."""
    dominated_by: str | None = None
    """The candidate that outranks this one on every known fact, when only the latency guess put this one first."""
    overall_tier: int | None = None
    """The quality tier of the model's overall rating (None: it has none), once `tier_known`."""
    tier_known: bool = False


def price_used(model: CanonicalModel, context: int | None) -> tuple[float | None, str]:
    """The blended price a role at `context` tokens pays, and which price it is."""
    if model.pricing.free:
        return 0.0, "free tier"
    price_in, price_out, above = prices_at(model, context)
    input_priced = model.kind in (ModelKind.embedding, ModelKind.rerank)
    if price_in is None or (price_out is None and model.pricing.listed_zero and not input_priced):
        reason = "listed $0, a placeholder" if model.pricing.listed_zero else "not listed"
        return None, f"unknown ({reason})"
    output = None if input_priced else price_out
    blended = price_in if output is None else (3 * price_in + output) / 4
    return round(blended, 6), ("list" if above is None else f"tier above {above} tokens")


def rank(candidates: Sequence[CanonicalModel], needs: RoleNeeds, rules: RuleSet, quality: QualityIndex) -> list[Scored]:
    """Score every candidate and sort them best first (ties broken by `rules.tie_break`)."""
    scored = [Scored(model=m) for m in candidates]
    if not scored:
        return []
    weighs_cost = rules.weights.cost.of(needs.cost) > 0
    for item in scored:
        item.price, item.price_note = price_used(item.model, needs.min_context)
        if item.price is None and weighs_cost:
            item.group = 1
            item.notes.append(f"price {item.price_note}: ranked after every candidate with a known price")
    _score_quality(scored, needs, rules, quality)
    _score_cost(scored, rules)
    _score_latency(scored, rules)
    _score_recency(scored)
    for item in scored:
        item.figure_notes = len(item.notes)
    return _ordered(scored, needs, rules, quality)


def rerank(
    ranked: Sequence[Scored], base: RoleNeeds, needs: RoleNeeds, rules: RuleSet, quality: QualityIndex
) -> list[Scored]:
    """`ranked` (for `base`) ranked again for `needs`, which differs from `base` only in preference levels.

    Each candidate's figures (price, quality, latency, recency) do not depend on the levels, so they
    are reused and only the weighted score, the soft targets and the order are worked out again: what
    makes trade-offs (six such rankings a role) cheap. Where a level turns a criterion's weight on or
    off, which decides whether an unknown figure demotes a candidate, everything is scored afresh.
    """
    if _weighed(base, rules) != _weighed(needs, rules):
        return rank([item.model for item in ranked], needs, rules, quality)
    return _ordered([_copy(item) for item in ranked], needs, rules, quality)


def _copy(item: Scored) -> Scored:
    # Six rankings a role copy every candidate: a dict copy is ~5x cheaper than dataclasses.replace.
    copy = Scored.__new__(Scored)
    copy.__dict__.update(item.__dict__)
    copy.notes = item.notes[: item.figure_notes]
    copy.dominated_by = None
    return copy


def _weighed(needs: RoleNeeds, rules: RuleSet) -> tuple[bool, bool]:
    return rules.weights.quality.of(needs.quality) > 0, rules.weights.cost.of(needs.cost) > 0


def _ordered(scored: list[Scored], needs: RoleNeeds, rules: RuleSet, quality: QualityIndex) -> list[Scored]:
    """Weigh the scored figures by the role's levels, apply soft targets and sort best first."""
    weights = rules.weights
    w_quality = weights.quality.of(needs.quality)
    w_cost = weights.cost.of(needs.cost)
    w_latency = weights.latency.of(needs.latency)
    w_recency = weights.recency
    total = w_quality + w_cost + w_latency + w_recency or 1.0
    figures = [s.figure.rank_value for s in scored if s.figure is not None]
    best = max(figures) if figures else None
    for item in scored:
        value = (
            w_quality * item.quality + w_cost * item.cost + w_latency * item.latency + w_recency * item.recency
        ) / total
        value -= _penalties(item, needs, rules, quality, best)
        if item.model.lifecycle.preview and rules.policy.preview_penalty:
            value -= rules.policy.preview_penalty
            item.notes.append(
                f"a preview id or moving alias: it can change under you (-{rules.policy.preview_penalty:g})"
            )
        if item.model.availability.listed:
            value += rules.policy.available_bonus
        # Rounded so that float noise can never reorder candidates between runs or machines.
        item.score = round(value, 6)
    return _guesses_behind_facts(
        _estimates_behind_measured(sorted(scored, key=lambda s: (s.group, *_tie_key(s, rules))))
    )


def _guesses_behind_facts(ordered: list[Scored]) -> list[Scored]:
    """Move the first candidate behind any candidate that is at least as good on every known fact.

    Latency is a guess (size words, price, reasoning: no source measures it). It may decide between
    candidates the facts cannot separate, but it must not carry one past another that is rated at
    least as high (both measured), costs no more, is no older, no less available and no more a
    preview, and is better in rating or price. Only the head of the order is settled, where picks and
    fallbacks come from; each move puts a candidate behind one that dominates it, so it ends.
    """
    for _ in range(len(ordered)):
        top = ordered[0]
        last = max((i for i in range(1, len(ordered)) if _dominates(ordered[i], top)), default=None)
        if last is None:
            break
        top.dominated_by = ordered[last].model.canonical_id
        top.notes.append(
            f"{top.dominated_by} is rated at least as high (measured) at no higher price and is no older: "
            "the latency estimate alone does not put this one first"
        )
        ordered = [*ordered[1 : last + 1], top, *ordered[last + 1 :]]
    return ordered


def _dominates(other: Scored, item: Scored) -> bool:
    mine, theirs = item.figure, other.figure
    if (
        mine is None
        or theirs is None
        or mine.basis != "measured"
        or theirs.basis != "measured"
        or item.price is None
        or other.price is None
        or other.group != item.group
        or other.model.pricing.free
    ):
        return False
    return (
        theirs.value >= mine.value
        and other.price <= item.price
        and (theirs.value > mine.value or other.price < item.price)
        and other.recency >= item.recency
        and (bool(other.model.availability.listed) or not item.model.availability.listed)
        and (item.model.lifecycle.preview or not other.model.lifecycle.preview)
    )


def _estimates_behind_measured(ordered: list[Scored]) -> list[Scored]:
    """Move each estimate after every measured (or inherited) candidate it does not clearly beat.

    An estimate clearly beats a measured rating only when the low end of its interval is above it;
    otherwise being cheaper or newer must not carry a guess past a measurement.
    """
    # Per group, the measured figures from the highest value down, with the latest position seen so
    # far: "the last measured candidate rated at least x" is then one binary search, not a scan.
    measured: dict[int, tuple[list[float], list[int]]] = {}
    for group in {item.group for item in ordered}:
        pairs = sorted(
            (
                (-other.figure.value, index)
                for index, other in enumerate(ordered)
                if other.group == group and other.figure is not None and other.figure.basis != "estimated"
            ),
        )
        latest = list(itertools.accumulate((index for _, index in pairs), max))
        measured[group] = ([value for value, _ in pairs], latest)
    keys: list[tuple[int, float, int]] = []
    for index, item in enumerate(ordered):
        key = float(index)
        figure = item.figure
        if figure is not None and figure.basis == "estimated":
            values, latest = measured[item.group]
            count = bisect.bisect_right(values, -figure.low)  # the measured figures >= figure.low
            last = latest[count - 1] if count else -1
            if last > index:
                key = last + 0.5
                item.notes.append(
                    f"estimated quality (low end {figure.low:.0f}) does not clearly beat a measured rating: "
                    "ranked after the measured models it might not match"
                )
        keys.append((item.group, key, index))
    order = sorted(range(len(ordered)), key=lambda i: keys[i])
    return [ordered[i] for i in order]


def _score_quality(scored: list[Scored], needs: RoleNeeds, rules: RuleSet, index: QualityIndex) -> None:
    # An unknown figure only demotes a candidate for a criterion that counts at all.
    weighs_quality = rules.weights.quality.of(needs.quality) > 0
    if needs.kind not in _RATED_KINDS:
        if needs.kind == RoleKind.image and any(s.model.image.score is not None for s in scored):
            _quality_from_image_board(scored, rules)
        else:
            _quality_from_price(scored, rules)
        return
    figures = [index.of(item.model, needs.categories) for item in scored]
    if all(figure is None for figure in figures):
        # No arena data at all (offline, bundled models.dev): price and date stand in, labelled.
        _quality_from_price(scored, rules)
        return
    for item, figure in zip(scored, figures, strict=True):
        item.figure = figure
        if figure is None:
            item.quality_basis = "unknown"
            if weighs_quality:
                item.group = 1
            item.notes.append("no arena rating, no rated predecessor and no price to estimate from: quality unknown")
            continue
        item.quality_value = figure.value
        item.quality_basis = figure.basis
        if figure.basis != "measured":
            item.notes.append(f"quality {figure.basis}: {figure.describe()}")
    values = [s.figure.rank_value for s in scored if s.figure is not None]
    if not values:
        return
    high = max(values)
    window = rules.weights.quality_window
    low = high - window if window is not None else min(values)
    for item in scored:
        if item.figure is not None:
            item.quality = max(0.0, (item.figure.rank_value - low) / (high - low)) if high > low else 1.0


def _quality_from_image_board(scored: list[Scored], rules: RuleSet) -> None:
    rated = [s.model.image.score for s in scored if s.model.image.score is not None]
    high = max(rated)
    window = rules.weights.quality_window
    low = high - window if window is not None else min(rated)
    for item in scored:
        score = item.model.image.score
        if score is None:
            item.quality_basis = "unknown"
            item.group = 1
            item.notes.append("no text-to-image arena rating: ranked after the rated image models")
            continue
        item.quality_value = score
        item.quality_basis = "measured"
        item.quality = max(0.0, (score - low) / (high - low)) if high > low else 1.0


def _quality_from_price(scored: list[Scored], rules: RuleSet) -> None:
    """Estimate quality where the arena rates no candidate, from price and release date, labelled as such.

    Embedding and speech models are never rated. What is left: within a line-up the stronger model
    costs more, and a newer generation beats an older one. Either alone misleads (the priciest
    model is often an old one), so they count half each.
    """
    prices = [p for s in scored if (p := s.price) is not None and p > 0]
    window = rules.weights.cost_window
    if not rules.estimates.price_stands_in_for_quality or len(set(prices)) < 2:
        for item in scored:
            item.quality = 0.5
            item.quality_basis = "not rated"
            item.notes.append("no candidate has a quality rating: quality does not separate them")
        return
    # The same log scale as cost: a price that counts for quality counts as much against cost.
    low = math.log(min(prices))
    high = low + math.log(window) if window is not None else math.log(max(prices))
    _score_recency(scored)
    for item in scored:
        price = item.price
        by_price = min(1.0, (math.log(price) - low) / (high - low)) if price is not None and price > 0 else 0.0
        item.quality = (by_price + item.recency) / 2
        item.quality_basis = "estimated from price and release date"
        item.notes.append(
            "no candidate has a quality rating: quality estimated from price and release date "
            "(stronger models cost more; newer generations beat older ones)"
        )


def _score_cost(scored: list[Scored], rules: RuleSet) -> None:
    prices = [s.price for s in scored if s.price is not None]
    if not prices:
        return
    low = math.log(min(prices) + _EPSILON)
    window = rules.weights.cost_window
    high = low + math.log(window) if window is not None else math.log(max(prices) + _EPSILON)
    for item in scored:
        price = item.price
        if price is not None:
            item.cost = max(0.0, 1.0 - (math.log(price + _EPSILON) - low) / (high - low)) if high > low else 1.0


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
        if item.model.capabilities.reasoning:
            value -= latency.reasoning_penalty
        item.latency = min(max(value, 0.0), 1.0)


def _score_recency(scored: list[Scored]) -> None:
    """1 for the newest candidate, falling to 0 two years before it (a fixed scale, not the pool's spread)."""
    days = [d.toordinal() for s in scored if (d := parse_day(s.model.dates.release)) is not None]
    newest = max(days) if days else 0
    for item in scored:
        day = parse_day(item.model.dates.release)
        item.recency = 0.0 if day is None else max(0.0, 1.0 - (newest - day.toordinal()) / _RECENCY_DAYS)


# Targets are nested: a stricter level also keeps every looser level's target, so that asking for
# more quality (or less cost) can only add penalties to the models that miss them, never lift one.
_QUALITY_LEVELS_UP_TO = {
    PreferenceLevel.low: (PreferenceLevel.low,),
    PreferenceLevel.medium: (PreferenceLevel.low, PreferenceLevel.medium),
    PreferenceLevel.high: (PreferenceLevel.low, PreferenceLevel.medium, PreferenceLevel.high),
}
_COST_LEVELS_UP_TO = {
    PreferenceLevel.high: (PreferenceLevel.high,),
    PreferenceLevel.medium: (PreferenceLevel.high, PreferenceLevel.medium),
    PreferenceLevel.low: (PreferenceLevel.high, PreferenceLevel.medium, PreferenceLevel.low),
}


def _penalties(item: Scored, needs: RoleNeeds, rules: RuleSet, index: QualityIndex, best: float | None) -> float:
    """Soft targets missed (`quality: high`: within 30 points of the best candidate; `cost: low`: at most $1).

    Quality is judged on the model's figure (measured, inherited or estimated alike, an estimate at
    the low end of its interval): a model is never penalised for being estimated rather than
    measured, and an unknown one is not penalised at all (it already ranks after every known one).
    """
    total = 0.0
    for level in _QUALITY_LEVELS_UP_TO[needs.quality]:
        target = rules.targets.quality.get(level)
        missed = _quality_missed(item, needs, target, index, best) if target is not None else ""
        if target is not None and missed:
            total += target.penalty
            item.notes.append(f"quality {level.value}: {missed} (-{target.penalty:g})")
    for level in _COST_LEVELS_UP_TO[needs.cost]:
        target = rules.targets.cost.get(level)
        if target is None or item.price is None:
            continue
        tier = item.model.tiers.cost
        missed = ""
        if target.max_price is not None and item.price > target.max_price:
            missed = f"${item.price:g} blended (target: at most ${target.max_price:g})"
        elif target.max_tier is not None and tier is not None and tier > target.max_tier:
            missed = f"cost tier {tier} (target: tier <= {target.max_tier})"
        if missed:
            total += target.penalty
            item.notes.append(f"cost {level.value}: {missed} (-{target.penalty:g})")
    return total


def _quality_missed(item: Scored, needs: RoleNeeds, target: Target, index: QualityIndex, best: float | None) -> str:
    if target.within is not None and item.figure is not None and best is not None:
        gap = best - item.figure.rank_value
        if gap > target.within:
            return f"{gap:.0f} points below the best candidate (target: within {target.within:g})"
    if target.max_tier is not None:
        tier = _overall_tier(item, needs, index)
        if tier is not None and tier > target.max_tier:
            return f"quality tier {tier} (target: tier <= {target.max_tier})"
    return ""


def _overall_tier(item: Scored, needs: RoleNeeds, index: QualityIndex) -> int | None:
    # Level-independent, so worked out once per candidate however many times trade-offs re-rank it.
    if not item.tier_known:
        overall = index.of(item.model) if item.figure is not None else None
        if overall is not None:
            item.overall_tier = index.tier(overall.value)
        else:
            item.overall_tier = item.model.tiers.quality if needs.kind not in _RATED_KINDS else None
        item.tier_known = True
    return item.overall_tier


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
