"""Meeting the spec's project-wide `monthly_budget`: which roles give up what, at the least quality per dollar.

A role's own `monthly_budget` is a hard constraint like `max_price` (see candidates.py). The project's
budget spans roles, so no single role can apply it: after every role has its first pick, while the
projected total is over the budget, the role whose next cheaper candidate (in its own ranking) loses
the least score per dollar saved moves to it. Each role's "next cheaper" steps are its ranking's
staircase: the candidates that are cheaper than every candidate ranked above them. The result is a
per-role ceiling; the caller chooses those roles again under it, so the explanation shows the ceiling
as a constraint like any other.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from llmhub.cost import Traffic, projected_month
from llmhub.errors import NoCandidateError
from llmhub.generator.scoring import Scored

__all__ = ["BudgetedRole", "ceilings"]


@dataclass(frozen=True)
class BudgetedRole:
    """One role's ranking, its pick, and its volume: what the project budget can trade."""

    ranked: Sequence[Scored]
    pick: Scored
    traffic: Traffic | None


def _staircase(role: BudgetedRole) -> list[tuple[float, float]]:
    """(score, monthly cost) of the pick, then of each candidate cheaper than everything ranked above it."""
    start = projected_month(role.pick.model, role.traffic)
    assert start is not None
    steps = [(role.pick.score, start)]
    for item in role.ranked:
        cost = projected_month(item.model, role.traffic)
        if cost is not None and cost < steps[-1][1]:
            steps.append((item.score, cost))
    return steps


def ceilings(budget: float, roles: Mapping[str, BudgetedRole]) -> tuple[dict[str, float], float]:
    """Per-role monthly ceilings that bring the counted roles' total within `budget`, and that total.

    Only roles whose pick has a projected cost are counted (the caller warns about the others).
    Raises NoCandidateError when even the cheapest candidates of every role add up to more.
    """
    stairs = {name: _staircase(role) for name, role in roles.items()}
    position = dict.fromkeys(stairs, 0)
    total = sum(steps[0][1] for steps in stairs.values())
    while total > budget + 1e-9:
        best: tuple[float, str] | None = None
        for name in sorted(stairs):
            steps, at = stairs[name], position[name]
            if at + 1 < len(steps):
                loss = steps[at][0] - steps[at + 1][0]
                saving = steps[at][1] - steps[at + 1][1]
                if best is None or loss / saving < best[0]:
                    best = (loss / saving, name)
        if best is None:
            cheapest = ", ".join(f"{name} ${stairs[name][position[name]][1]:,.2f}" for name in sorted(stairs))
            raise NoCandidateError(
                f"the spec's monthly_budget ${budget:,.2f} cannot be met: the cheapest candidates the roles' "
                f"constraints allow cost ${total:,.2f} a month ({cheapest}). Raise the budget, lower a role's "
                "traffic, or relax its constraints"
            )
        name = best[1]
        total -= stairs[name][position[name]][1] - stairs[name][position[name] + 1][1]
        position[name] += 1
    return {name: stairs[name][at][1] for name, at in position.items() if at}, total
