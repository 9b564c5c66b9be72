"""What a project's roles will cost: per request, per day and per month, from llmhub.yaml's prices.

    from llmhub.cost import Traffic, project_costs

    for row in project_costs(runtime, {"llm.inference": Traffic(2000, 1500, 300)}):
        print(row.role, row.model, row.per_month)

Prices come from each role's `pricing` block in llmhub.yaml (what `generate` wrote from the catalog,
and what the hub reports `cost_usd` with). Volumes come from the spec's `traffic:` or are given
explicitly. A price or a volume that is not known gives `None`, never $0: the note says which.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass

from llmhub_runtime.models import RuntimeConfig

__all__ = ["DAYS_PER_MONTH", "RoleCost", "Traffic", "project_costs"]

DAYS_PER_MONTH = 30


@dataclass(frozen=True)
class Traffic:
    """How much one role is used."""

    requests_per_day: float | None
    input_tokens: int | None
    output_tokens: int | None
    cached_share: float = 0.0


@dataclass(frozen=True)
class RoleCost:
    """One role's projected cost, in USD (None where a price or a volume is unknown)."""

    role: str
    model: str
    per_request: float | None
    per_day: float | None
    per_month: float | None
    note: str = ""

    def to_dict(self) -> dict[str, object]:
        """Plain data for `--json`."""
        return asdict(self)


def project_costs(runtime: RuntimeConfig, traffic: Mapping[str, Traffic]) -> list[RoleCost]:
    """Every role's cost at the primary model's prices (fallbacks only serve when it fails)."""
    rows: list[RoleCost] = []
    for name, role in runtime.roles.items():
        model = f"{role.provider}:{role.model}"
        volume = traffic.get(name)
        pricing = role.pricing
        if volume is None:
            rows.append(RoleCost(name, model, None, None, None, "no traffic given (spec `traffic:` or --volume)"))
            continue
        if pricing is None or pricing.input_per_million is None:
            rows.append(RoleCost(name, model, None, None, None, "price unknown: llmhub.yaml has no pricing for it"))
            continue
        if volume.input_tokens is None or volume.output_tokens is None:
            rows.append(RoleCost(name, model, None, None, None, "tokens per request not given"))
            continue
        if pricing.output_per_million is None and volume.output_tokens:
            rows.append(RoleCost(name, model, None, None, None, "output price unknown: llmhub.yaml gives none"))
            continue
        cached_rate = pricing.cached_input_per_million
        if cached_rate is None:
            cached_rate = pricing.input_per_million
        output_rate = pricing.output_per_million or 0.0  # only reached with no output tokens to price
        cached = volume.input_tokens * volume.cached_share
        per_request = (
            (volume.input_tokens - cached) * pricing.input_per_million
            + cached * cached_rate
            + volume.output_tokens * output_rate
        ) / 1e6
        if volume.requests_per_day is None:
            rows.append(RoleCost(name, model, per_request, None, None, "requests per day not given"))
            continue
        per_day = per_request * volume.requests_per_day
        rows.append(RoleCost(name, model, per_request, per_day, per_day * DAYS_PER_MONTH))
    return rows
