"""What a role's pick would be one step up or down in each preference, and what that changes.

`generate --explain` answers "what if I asked for more quality, or less cost?" without another run:
the same candidates are ranked again with one preference moved one level (low < medium < high), and
the new first choice is compared with the pick, in arena points (with the alternative's source and
interval) and in projected dollars a month when the role has `traffic:`. The rule engine does it, so
it is deterministic and costs a few rankings per role; the candidates, and so every hard constraint,
stay those of the role.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from llmhub.catalog.quality import QualityIndex
from llmhub.cost import Traffic, projected_month, signed_usd
from llmhub.generator.needs import RoleNeeds
from llmhub.generator.rules import RuleSet
from llmhub.generator.scoring import Scored, rerank
from llmhub.spec.models import PreferenceLevel

__all__ = ["TradeOff", "describe_tradeoff", "tradeoffs"]

_LEVELS = (PreferenceLevel.low, PreferenceLevel.medium, PreferenceLevel.high)
_CRITERIA = ("quality", "cost", "latency")


@dataclass(frozen=True)
class TradeOff:
    """One preference moved one step, and the pick it would give."""

    preference: str
    direction: str
    """`up` or `down`."""
    level: str
    """The level it would be moved to."""
    model: str
    same: bool
    """The pick would not change."""
    quality_delta: float | None
    """Arena points, the alternative minus the pick (None when either is unrated)."""
    quality: str
    """The alternative's quality figure with its source and interval."""
    price_ratio: float | None
    """The alternative's blended price per million tokens over the pick's (None when either is unknown)."""
    monthly_delta: float | None
    """USD a month at the role's traffic, the alternative minus the pick (None without traffic or a price)."""

    def to_dict(self) -> dict[str, Any]:
        """Plain data for `--json`."""
        return dict(self.__dict__)


def tradeoffs(
    needs: RoleNeeds,
    rules: RuleSet,
    ranked: Sequence[Scored],
    quality: QualityIndex,
    pick: Scored,
) -> list[TradeOff]:
    """For quality, cost and latency, the first choice one level up and one level down (where there is one)."""
    found: list[TradeOff] = []
    for criterion in _CRITERIA:
        current = _LEVELS.index(getattr(needs, criterion))
        for direction, step in (("up", 1), ("down", -1)):
            if not 0 <= current + step < len(_LEVELS):
                continue
            level = _LEVELS[current + step]
            moved = replace(needs, **{criterion: level})  # type: ignore[arg-type]
            first = rerank(ranked, needs, moved, rules, quality)[0]
            found.append(_compare(criterion, direction, level, pick, first, needs.traffic))
    return found


def _compare(
    criterion: str, direction: str, level: PreferenceLevel, pick: Scored, alternative: Scored, traffic: Traffic | None
) -> TradeOff:
    mine, theirs = _rating(pick), _rating(alternative)
    here, there = projected_month(pick.model, traffic), projected_month(alternative.model, traffic)
    return TradeOff(
        preference=criterion,
        direction=direction,
        level=level.value,
        model=alternative.model.canonical_id,
        same=alternative.model.canonical_id == pick.model.canonical_id,
        quality_delta=None if mine is None or theirs is None else round(theirs - mine, 1),
        quality=alternative.figure.describe() if alternative.figure is not None else _basis(alternative),
        price_ratio=(
            round(alternative.price / pick.price, 3) if alternative.price is not None and pick.price else None
        ),
        monthly_delta=None if here is None or there is None else round(there - here, 2),
    )


def _rating(item: Scored) -> float | None:
    return item.figure.value if item.figure is not None else item.quality_value


def _basis(item: Scored) -> str:
    if item.quality_value is None:
        return "unknown"
    return f"{item.quality_value:.0f} ({item.quality_basis})"


def describe_tradeoff(change: TradeOff) -> str:
    """`quality high: anthropic:claude-opus-4-5, +38 arena points (1460 measured ...), +$212.00/month`."""
    head = f"{change.preference} {change.level}"
    if change.same:
        return f"{head}: the same pick"
    parts = [change.model]
    if change.quality_delta is not None:
        parts.append(f"{change.quality_delta:+.0f} arena points [{change.quality}]")
    else:
        parts.append(f"quality {change.quality}")
    if change.monthly_delta is not None:
        parts.append(f"{signed_usd(change.monthly_delta)}/month")
    elif change.price_ratio is not None:
        parts.append(f"{change.price_ratio:g}x the price per token")
    return f"{head}: " + ", ".join(parts)
