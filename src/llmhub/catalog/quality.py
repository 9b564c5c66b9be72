"""Quality figures for every chat model: measured, inherited or estimated, each with an interval.

The arena rates a few hundred models; the catalog lists thousands, and every model released after
the leaderboard's date is unrated. Choosing among them needs a figure for each, but an honest one:

* **measured**: the model's own LMArena rating (or the same model's at another host, by models.dev's
  `canonical_model_id`), with the arena's 95% interval. A task the arena has no rating of for this
  model is its overall rating shifted by the offset learned across *all* measured models.
* **inherited**: a newer version in the same family, with the same size words and at the same or a
  higher price, takes its most recent measured predecessor's rating, with a wider interval.
* **estimated**: from price and release date by a fit over all measured models, with an interval
  of two residual standard deviations. Rankings use the low end of it, so an estimate never beats a
  measured rating it does not clearly exceed.

Every figure comes from the whole catalog, never from a role's candidates: the same model gets the
same figure in every role. A model with neither rating, predecessor nor known price has no figure.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from llmhub.catalog.kinds import ModelKind
from llmhub.catalog.models import CanonicalModel
from llmhub.catalog.names import discriminating_words, parse_day, parse_name

__all__ = ["Basis", "Quality", "QualityIndex"]

Basis = Literal["measured", "inherited", "estimated"]

_INHERITED_WIDENING = 20.0
"""Points added to each side of a predecessor's interval: a successor is usually better, not always."""
_MIN_FIT_MODELS = 12
_UNLEARNED_SPREAD = 25.0
"""Uncertainty of a task figure read off the overall rating when no offset could be learned."""
_EPOCH = date(2023, 1, 1)


@dataclass(frozen=True, slots=True)
class Quality:
    """One quality figure on the arena's rating scale, with where it came from and how sure it is."""

    value: float
    low: float
    high: float
    basis: Basis
    category: str
    """Which rating: `overall`, an arena category (`coding`, `if`...), `vision` or several joined by `+`."""
    source: str
    """In words, after the basis: `LMArena`, `from anthropic:claude-opus-4-5`, `from price and release date`..."""

    @property
    def rank_value(self) -> float:
        """What ranking uses: the point figure, or the low end when estimated or read off the overall rating.

        A task rating the arena measured (or a predecessor's, inherited) counts as it is; a guess
        counts at its worst plausible value, so it never passes a measurement it does not clearly beat.
        """
        return self.low if self.basis == "estimated" or self.category.startswith("overall shifted") else self.value

    def describe(self) -> str:
        """`1432 measured (LMArena; coding; interval 1425-1439)`."""
        return (
            f"{self.value:.0f} {self.basis} ({self.source}; {self.category}; interval {self.low:.0f}-{self.high:.0f})"
        )


@dataclass(frozen=True, slots=True)
class _Fit:
    intercept: float
    per_log_price: float
    per_year: float
    sd: float
    size: int


class QualityIndex:
    """Quality figures for a whole catalog, worked out once and shared by every role.

    Args:
        models: The catalog's models (all of them: estimates must not depend on a role's pool).
    """

    def __init__(self, models: Iterable[CanonicalModel]):
        self._models = [m for m in models if m.kind == ModelKind.chat]
        measured = [m for m in self._models if m.quality.score is not None]
        self._offsets = _category_offsets(measured)
        self._vision_offset = _vision_offset(measured)
        self._by_identity: dict[str, CanonicalModel] = {}
        for model in sorted(measured, key=lambda m: m.canonical_id):
            if model.identity.canonical_model_id:
                self._by_identity.setdefault(model.identity.canonical_model_id, model)
        self._family: dict[str, list[CanonicalModel]] = defaultdict(list)
        for model in measured:
            if model.identity.family:
                self._family[model.identity.family].append(model)
        self._fit = _fit(measured)
        days = [d for m in measured if (d := parse_day(m.dates.release)) is not None]
        self.horizon = max(days) if days else None
        """The newest release date among rated models: the arena data's reach (None without arena data)."""
        self._base: dict[str, tuple[CanonicalModel, Basis, str] | None] = {}
        overall = sorted(m.quality.score for m in _unique_entries(measured) if m.quality.score is not None)
        # Quintile boundaries of the measured overall ratings, best first: tier 1 is the top fifth.
        self._tier_floors = [overall[int(len(overall) * k / 5)] for k in (4, 3, 2, 1)] if len(overall) >= 5 else []

    def tier(self, value: float) -> int | None:
        """Quality tier 1 (best) to 5 of an overall-scale figure, by the quintiles of measured ratings."""
        if not self._tier_floors:
            return None
        for tier, floor in enumerate(self._tier_floors, start=1):
            if value >= floor:
                return tier
        return 5

    @property
    def offsets(self) -> dict[str, tuple[float, float]]:
        """Arena category -> (median gap to the overall rating, spread of that gap), over measured models."""
        return dict(self._offsets)

    def of(self, model: CanonicalModel, categories: Sequence[str] = ()) -> Quality | None:
        """The model's figure for a task measured by `categories` (the overall rating when empty)."""
        if model.kind != ModelKind.chat:
            return None
        base = self._base_of(model)
        if base is None:
            return self._estimate(model, categories)
        rated, basis, how = base
        value, spread, category = self._rating(rated, categories)
        if value is None:
            return None
        half = self._half_width(rated) + spread
        if basis == "inherited":
            half += _INHERITED_WIDENING
        return Quality(
            value=round(value, 1),
            low=round(value - half, 1),
            high=round(value + half, 1),
            basis=basis,
            category=category,
            source=how,
        )

    def inherited_from(self, model: CanonicalModel) -> CanonicalModel | None:
        """The measured model whose rating `model` takes (itself when measured), or None."""
        base = self._base_of(model)
        return base[0] if base is not None else None

    def _base_of(self, model: CanonicalModel) -> tuple[CanonicalModel, Basis, str] | None:
        key = model.canonical_id
        if key not in self._base:
            self._base[key] = self._find_base(model)
        return self._base[key]

    def _find_base(self, model: CanonicalModel) -> tuple[CanonicalModel, Basis, str] | None:
        if model.quality.score is not None:
            given = model.provenance.get("quality")
            # A rating written in the overrides file is the user's figure, not LMArena's: say whose.
            return model, "measured", "your overrides file" if given and given.source == "overrides" else "LMArena"
        same = self._by_identity.get(model.identity.canonical_model_id or "")
        if same is not None:
            return same, "measured", f"LMArena, the same model at {same.canonical_id}"
        before = self._predecessor(model)
        if before is not None:
            return before, "inherited", f"from {before.canonical_id}"
        return None

    def _predecessor(self, model: CanonicalModel) -> CanonicalModel | None:
        """The newest measured model of the same family and size, released before, priced no higher."""
        if not model.identity.family or model.pricing.blended is None:
            return None
        released = parse_day(model.dates.release)
        if released is None:
            return None
        words = _size_words(model.model_id)
        price = model.pricing.blended
        older = [
            m
            for m in self._family.get(model.identity.family, ())
            if (day := parse_day(m.dates.release)) is not None
            and day <= released
            and m.pricing.blended is not None
            # "same or higher price": a successor sold for less may be a smaller model in disguise.
            and price >= 0.95 * m.pricing.blended
            and _size_words(m.model_id) == words
        ]
        if not older:
            return None
        # Prices are compared at the same host where possible (hosts price one model differently),
        # and among the newest predecessors the lowest rating is taken: inheritance is conservative.
        same_host = [m for m in older if m.provider == model.provider]
        return max(
            same_host or older,
            key=lambda m: (parse_day(m.dates.release), -(m.quality.score or 0.0), m.canonical_id),
        )

    def _rating(self, model: CanonicalModel, categories: Sequence[str]) -> tuple[float | None, float, str]:
        """A measured model's rating for the task, how uncertain the shift to it is, and its name."""
        if not categories:
            return model.quality.score, 0.0, "overall"
        values: list[float] = []
        spread = 0.0
        shifted = False
        for category in categories:
            if category == "vision":
                if model.vision.score is not None:
                    values.append(model.vision.score)
                    continue
                if model.quality.score is None:
                    return None, 0.0, "vision"
                # Too few models rated on both boards to learn the gap: the overall rating as it is.
                gap, gap_spread = self._vision_offset or (0.0, _UNLEARNED_SPREAD)
            else:
                own = model.quality.scores.get(category)
                if own is not None:
                    values.append(own)
                    continue
                if model.quality.score is None:
                    return None, 0.0, category
                gap, gap_spread = self._offsets.get(category, (0.0, _UNLEARNED_SPREAD))
            values.append(model.quality.score + gap)
            spread = max(spread, gap_spread)
            shifted = True
        name = "+".join(categories)
        return sum(values) / len(values), spread, f"overall shifted to {name}" if shifted else name

    def _half_width(self, model: CanonicalModel) -> float:
        if model.quality.ci_low is not None and model.quality.ci_high is not None and model.quality.score is not None:
            return max(model.quality.ci_high - model.quality.score, model.quality.score - model.quality.ci_low, 0.0)
        return 10.0

    def _estimate(self, model: CanonicalModel, categories: Sequence[str]) -> Quality | None:
        fit = self._fit
        price = model.pricing.blended
        released = parse_day(model.dates.release)
        if fit is None or price is None or price <= 0 or released is None:
            return None
        overall = fit.intercept + fit.per_log_price * math.log(price) + fit.per_year * _years(released)
        gap, spread = 0.0, 0.0
        for category in categories:
            shift = self._vision_offset if category == "vision" else self._offsets.get(category)
            if shift is not None:
                gap += shift[0] / len(categories)
                spread = max(spread, shift[1])
        value = overall + gap
        half = 2 * fit.sd + spread
        return Quality(
            value=round(value, 1),
            low=round(value - half, 1),
            high=round(value + half, 1),
            basis="estimated",
            category="+".join(categories) or "overall",
            source=f"from price and release date, a fit over {fit.size} rated models",
        )


def _size_words(model_id: str) -> frozenset[str]:
    lowered = model_id.lower()
    words = frozenset(parse_name(lowered).words) & discriminating_words()
    counts = frozenset(part for part in lowered.replace("/", "-").split("-") if part[:-1].isdigit() and part[-1] == "b")
    return words | counts


def _years(day: date) -> float:
    return (day - _EPOCH).days / 365.25


def _unique_entries(models: Iterable[CanonicalModel]) -> list[CanonicalModel]:
    """One model per arena entry (the first by id): a model at 40 hosts counts once."""
    seen: dict[str, CanonicalModel] = {}
    for model in sorted(models, key=lambda m: m.canonical_id):
        seen.setdefault(model.quality.arena_id or model.canonical_id, model)
    return list(seen.values())


def _category_offsets(measured: Sequence[CanonicalModel]) -> dict[str, tuple[float, float]]:
    gaps: dict[str, list[float]] = defaultdict(list)
    for model in _unique_entries(measured):
        for category, value in model.quality.scores.items():
            gaps[category].append(value - model.quality.score)  # type: ignore[operator]
    return {c: _center_and_spread(values) for c, values in sorted(gaps.items()) if len(values) >= 5}


def _vision_offset(measured: Sequence[CanonicalModel]) -> tuple[float, float] | None:
    gaps = [m.vision.score - m.quality.score for m in _unique_entries(measured) if m.vision.score is not None]  # type: ignore[operator]
    return _center_and_spread(gaps) if len(gaps) >= 5 else None


def _center_and_spread(values: list[float]) -> tuple[float, float]:
    center = statistics.median(values)
    # Half the middle 68% of gaps: one standard deviation for a normal spread, robust to outliers.
    ordered = sorted(values)
    low = ordered[int(0.16 * (len(ordered) - 1))]
    high = ordered[int(0.84 * (len(ordered) - 1))]
    return round(center, 2), round((high - low) / 2, 2)


def _fit(measured: Sequence[CanonicalModel]) -> _Fit | None:
    """Least squares of the overall rating on log price and release year, over one model per arena entry."""
    rows = [
        (math.log(price), _years(day), model.quality.score)
        for model in _unique_entries(measured)
        if (price := model.pricing.blended) is not None
        and price > 0
        and (day := parse_day(model.dates.release)) is not None
        and model.quality.score is not None
    ]
    if len(rows) < _MIN_FIT_MODELS:
        return None
    n = len(rows)
    mean = [sum(r[i] for r in rows) / n for i in range(3)]
    centred = [(r[0] - mean[0], r[1] - mean[1], r[2] - mean[2]) for r in rows]
    sxx = sum(x * x for x, _, _ in centred)
    syy = sum(y * y for _, y, _ in centred)
    sxy = sum(x * y for x, y, _ in centred)
    sxz = sum(x * z for x, _, z in centred)
    syz = sum(y * z for _, y, z in centred)
    det = sxx * syy - sxy * sxy
    if det <= 1e-9:
        return None
    per_log_price = (sxz * syy - syz * sxy) / det
    per_year = (syz * sxx - sxz * sxy) / det
    intercept = mean[2] - per_log_price * mean[0] - per_year * mean[1]
    residuals = [z - (per_log_price * x + per_year * y) for x, y, z in centred]
    sd = math.sqrt(sum(r * r for r in residuals) / max(n - 3, 1))
    return _Fit(intercept, per_log_price, per_year, sd, n)
