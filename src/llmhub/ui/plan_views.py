"""The Plan page's data: per role, its candidates on price and quality, the pick and why.

The candidates are the generator's own: `needs_for` settles the role's needs, `filter_candidates`
applies its hard constraints and `rank` scores what is left, exactly as `llmhub generate` does.
The pick, fallbacks and explanation come from `plan_generation` (rules only: the UI never calls an
LLM); the Pareto frontier is worked out here, over the candidates whose price and quality are known.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from llmhub.ui.workspace import Workspace

if TYPE_CHECKING:
    from llmhub.generator import RoleExplanation
    from llmhub.generator.scoring import Scored
    from llmhub.spec.models import SpecConfig

__all__ = ["MAX_POINTS", "explanation_data", "pareto_frontier", "plan_page", "role_chart"]

MAX_POINTS = 300
"""Candidates drawn per role: the best-ranked ones (the pick and fallbacks always among them)."""


def pareto_frontier(points: list[tuple[str, float, float]]) -> set[str]:
    """The ids of points no other point beats: none is as cheap and as good, and cheaper or better.

    Args:
        points: (id, price, quality) for each candidate whose price and quality are known.
    """
    by_price: dict[float, list[tuple[str, float]]] = {}
    for ident, price, value in points:
        by_price.setdefault(price, []).append((ident, value))
    frontier: set[str] = set()
    best = float("-inf")  # the best quality among strictly cheaper points
    for price in sorted(by_price):
        top = max(value for _, value in by_price[price])
        if top > best:
            # Equal points do not beat each other: an alias and its dated id are both on the frontier.
            frontier.update(ident for ident, value in by_price[price] if value == top)
            best = top
    return frontier


def _point(item: Scored, rank: int) -> dict[str, Any]:
    figure = item.figure
    return {
        "id": item.model.canonical_id,
        "name": item.model.identity.display_name,
        "rank": rank,
        "score": item.score,
        "price": item.price,
        "price_note": item.price_note,
        "quality": figure.value if figure is not None else item.quality_value,
        "low": figure.low if figure is not None else None,
        "high": figure.high if figure is not None else None,
        "basis": figure.basis if figure is not None else (item.quality_basis or "unknown"),
    }


def role_chart(
    workspace: Workspace, spec: SpecConfig, name: str, pick: str | None, fallbacks: list[str]
) -> dict[str, Any]:
    """The role's ranked candidates as chart points, with the frontier, the pick and the fallbacks marked."""
    from llmhub.generator.candidates import filter_candidates
    from llmhub.generator.needs import needs_for
    from llmhub.generator.scoring import rank

    rules = workspace.rules
    if spec.policy is not None and spec.policy.keyed_only:
        # As generate does: only the providers whose key variables are set here.
        from llmhub.generator.pipeline import keyed_providers_only

        spec, _ = keyed_providers_only(spec, workspace.settings)
    needs = needs_for(name, spec.roles[name], spec, rules)
    if needs.force_model:
        needs = dataclasses.replace(needs, force_model=None)  # a forced pick is drawn among the others
    ranked = rank(filter_candidates(workspace.catalog, needs, rules).models, needs, rules, workspace.quality)
    marked = {pick, *fallbacks}
    points = [_point(item, i) for i, item in enumerate(ranked, start=1)]
    shown = [p for p in points if p["rank"] <= MAX_POINTS or p["id"] in marked]
    known = [(p["id"], p["price"], p["quality"]) for p in shown if p["price"] is not None and p["quality"] is not None]
    frontier = pareto_frontier([(i, max(price, 0.0), value) for i, price, value in known])
    for point in shown:
        point["frontier"] = point["id"] in frontier
        point["role"] = "pick" if point["id"] == pick else ("fallback" if point["id"] in fallbacks else "")
    return {
        "task": needs.task,
        "categories": list(needs.categories),
        "candidates": len(ranked),
        "unplotted": len(ranked) - len(known),
        "points": shown,
    }


def explanation_data(explanation: RoleExplanation) -> dict[str, Any]:
    """The explanation as plain data, with the trade-offs and cost projection when the generator has them."""
    data = explanation.to_dict()
    data["tradeoffs"] = list(getattr(explanation, "tradeoffs", None) or [])
    data["projection"] = getattr(explanation, "projection", None)
    return data


def _current_roles(text: str | None) -> dict[str, str]:
    """`role -> provider:model` in the current llmhub.yaml (empty when there is none or it does not load)."""
    if text is None:
        return {}
    from llmhub_runtime.config_loader import parse_config
    from llmhub_runtime.errors import ConfigError

    try:
        config = parse_config(text)
    except ConfigError:
        return {}
    return {role: f"{entry.provider}:{entry.model}" for role, entry in config.roles.items()}


def plan_page(workspace: Workspace) -> dict[str, Any]:
    """Every role of the spec: its description and preferences, chart, pick, explanation and change.

    Raises:
        InvalidSpecError: the spec has errors (each in `issues`); SpecError, CatalogError, NoCandidateError.
    """
    from llmhub.plan import plan_generation
    from llmhub.spec import load_spec

    path = workspace.spec_path
    plan = plan_generation(path, env=workspace.env, sources=workspace.sources, no_llm=True, settings=workspace.settings)
    spec = load_spec(path, env=workspace.env)
    current = _current_roles(plan.previous_text)
    changes = {change.role: change.to_dict() for change in plan.changes}
    roles = []
    for name, explanation in plan.result.explanations.items():
        role = spec.roles[name]
        roles.append(
            {
                "name": name,
                "description": role.description,
                "kind": role.kind.value,
                "preferences": role.preferences.model_dump(mode="json", exclude_none=True),
                "in_file": current.get(name),
                "change": changes.get(name),
                "explanation": explanation_data(explanation),
                "chart": role_chart(workspace, spec, name, explanation.choice, explanation.fallbacks),
            }
        )
    return {
        "project": workspace.describe(),
        "up_to_date": plan.up_to_date,
        "warnings": list(plan.result.warnings),
        "roles": roles,
    }
