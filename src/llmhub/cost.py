"""What a project's roles will cost: per request, per day and per month, from llmhub.yaml's prices.

    from llmhub.cost import Traffic, project_costs

    for row in project_costs(runtime, {"llm.inference": Traffic(2000, 1500, 300)}):
        print(row.role, row.model, row.per_month)

Prices come from each role's `pricing` block in llmhub.yaml (what `generate` wrote from the catalog,
and what the hub reports `cost_usd` with), or from a catalog model through `pricing_of`: one formula
for both, so a forecast, a budget and the hub's own figure agree. A prompt longer than a price tier's
threshold pays that tier's prices; the cached share of the prompt pays the cached price. Volumes come
from the spec's `traffic:` or are given explicitly. A price or a volume that is not known gives
`None`, never $0: the note says which.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING

from llmhub_runtime.models import PriceTierConfig, PricingConfig, RuntimeConfig

if TYPE_CHECKING:
    from llmhub.catalog.models import CanonicalModel
    from llmhub.spec.models import SpecConfig, TrafficSpec

__all__ = [
    "DAYS_PER_MONTH",
    "CostReport",
    "RoleCost",
    "Traffic",
    "compare_costs",
    "cost_report",
    "monthly_cost",
    "parse_volume",
    "pricing_of",
    "project_costs",
    "projected_month",
    "request_cost",
    "signed_usd",
    "spec_budgets",
    "spec_traffic",
    "total_per_month",
]

DAYS_PER_MONTH = 30


@dataclass(frozen=True)
class Traffic:
    """How much one role is used."""

    requests_per_day: float | None
    input_tokens: int | None
    output_tokens: int | None
    cached_share: float = 0.0
    reasoning_tokens: int = 0
    """Thinking tokens a reasoning model adds to each answer, billed as output (see `without_reasoning`)."""

    def without_reasoning(self) -> Traffic:
        """The same volume for a model that does not reason: it spends no thinking tokens."""
        return replace(self, reasoning_tokens=0) if self.reasoning_tokens else self

    @classmethod
    def from_spec(cls, spec: TrafficSpec, *, embedding: bool = False) -> Traffic:
        """A role's `traffic:` block (requests a month become requests a day, over 30 days).

        An embedding call has no output tokens: for an embedding role, none given means 0.
        """
        per_day = spec.requests_per_day
        if per_day is None and spec.requests_per_month is not None:
            per_day = spec.requests_per_month / DAYS_PER_MONTH
        outputs = 0 if embedding and spec.output_tokens is None else spec.output_tokens
        return cls(per_day, spec.input_tokens, outputs, spec.cached_share, spec.reasoning_tokens or 0)

    @property
    def complete(self) -> bool:
        """Enough to project a monthly cost: requests and tokens both ways."""
        return None not in (self.requests_per_day, self.input_tokens, self.output_tokens)

    def describe(self) -> str:
        """`2000 requests/day x (1500 in + 300 out tokens), 20% cached`, for explanations."""
        parts = [f"{self.requests_per_day:g} requests/day" if self.requests_per_day is not None else "? requests/day"]
        parts.append(f"({self.input_tokens if self.input_tokens is not None else '?'} in + ")
        parts[-1] += f"{self.output_tokens if self.output_tokens is not None else '?'} out tokens)"
        cached = f", {self.cached_share:.0%} cached" if self.cached_share else ""
        thinking = f", +{self.reasoning_tokens} reasoning tokens" if self.reasoning_tokens else ""
        return " x ".join(parts) + cached + thinking


@dataclass(frozen=True)
class RoleCost:
    """One role's projected cost, in USD (None where a price or a volume is unknown)."""

    role: str
    model: str
    per_request: float | None
    per_day: float | None
    per_month: float | None
    note: str = ""
    budget_per_month: float | None = None
    """The role's `monthly_budget` in the spec, when it has one."""

    def to_dict(self) -> dict[str, object]:
        """Plain data for `--json`."""
        return asdict(self)


def pricing_of(model: CanonicalModel | None) -> PricingConfig | None:
    """A catalog model's prices as llmhub.yaml records them (tiers included); None when none is known."""
    if model is None or (model.pricing.input is None and model.pricing.output is None):
        return None
    return PricingConfig(
        input_per_million=model.pricing.input,
        output_per_million=model.pricing.output,
        cached_input_per_million=model.pricing.cache_read,
        tiers=[
            PriceTierConfig(
                above_tokens=t.above_tokens,
                input_per_million=t.input,
                output_per_million=t.output,
                cached_input_per_million=t.cache_read,
            )
            for t in model.pricing.context_tiers
        ],
    )


def projected_month(model: CanonicalModel | None, traffic: Traffic | None) -> float | None:
    """A catalog model's cost a month at `traffic` (tier and cache prices applied); None when unknown.

    A model the catalog marks as not reasoning spends none of the traffic's reasoning tokens.
    """
    if traffic is not None and model is not None and model.capabilities.reasoning is False:
        traffic = traffic.without_reasoning()
    return monthly_cost(pricing_of(model), traffic)


def request_cost(pricing: PricingConfig | None, traffic: Traffic) -> tuple[float | None, str]:
    """USD for one request of `traffic`'s size at `pricing`, and why it is unknown when it is."""
    if pricing is None or pricing.input_per_million is None:
        return None, "price unknown"
    if traffic.input_tokens is None or traffic.output_tokens is None:
        return None, "tokens per request not given"
    prices = pricing.at(traffic.input_tokens)
    if prices.output_per_million is None and (traffic.output_tokens or traffic.reasoning_tokens):
        return None, "output price unknown"
    input_rate = prices.input_per_million or 0.0  # known: checked above, and a tier never removes it
    cached_rate = prices.cached_input_per_million
    if cached_rate is None:
        cached_rate = input_rate
    output_rate = prices.output_per_million or 0.0  # only reached with no output tokens to price
    cached = traffic.input_tokens * traffic.cached_share
    outputs = traffic.output_tokens + traffic.reasoning_tokens
    total = (traffic.input_tokens - cached) * input_rate + cached * cached_rate + outputs * output_rate
    return total / 1e6, ""


def monthly_cost(pricing: PricingConfig | None, traffic: Traffic | None) -> float | None:
    """USD a month (30 days) at `traffic`; None when a price or a volume is unknown."""
    if traffic is None or traffic.requests_per_day is None:
        return None
    per_request, _ = request_cost(pricing, traffic)
    return None if per_request is None else per_request * traffic.requests_per_day * DAYS_PER_MONTH


def project_costs(
    runtime: RuntimeConfig, traffic: Mapping[str, Traffic], budgets: Mapping[str, float] | None = None
) -> list[RoleCost]:
    """Every role's cost at the primary model's prices (fallbacks only serve when it fails).

    With `budgets` (role -> USD a month, the spec's `monthly_budget`s), a role projected over its
    budget says so in its note (llmhub.yaml may be older than the budget, or the volume another).
    """
    rows = _project(runtime, traffic)
    for row in rows if budgets else []:
        budget = budgets.get(row.role) if budgets else None
        if budget is not None:
            over = row.per_month is not None and row.per_month > budget
            note = f"over its monthly_budget ${budget:,.2f}" if over else row.note
            rows[rows.index(row)] = replace(row, budget_per_month=budget, note=note)
    return rows


def _project(runtime: RuntimeConfig, traffic: Mapping[str, Traffic]) -> list[RoleCost]:
    rows: list[RoleCost] = []
    for name, role in runtime.roles.items():
        model = f"{role.provider}:{role.model}"
        volume = traffic.get(name)
        if volume is None:
            rows.append(RoleCost(name, model, None, None, None, "no traffic given (spec `traffic:` or --volume)"))
            continue
        per_request, why = request_cost(role.pricing, volume)
        if per_request is None:
            note = f"{why}: llmhub.yaml has no price for it" if why.endswith("unknown") else why
            rows.append(RoleCost(name, model, None, None, None, note))
            continue
        if volume.requests_per_day is None:
            rows.append(RoleCost(name, model, per_request, None, None, "requests per day not given"))
            continue
        per_day = per_request * volume.requests_per_day
        tier = role.pricing.at(volume.input_tokens or 0) if role.pricing else None
        note = "long-prompt tier prices" if tier is not None and tier is not role.pricing else ""
        # Rounded past any bill's precision, so --json shows 86.4, not 86.39999999999999.
        rows.append(
            RoleCost(name, model, round(per_request, 10), round(per_day, 6), round(per_day * DAYS_PER_MONTH, 6), note)
        )
    return rows


def spec_budgets(spec: SpecConfig) -> dict[str, float]:
    """Every role's `monthly_budget`, by role name (roles without one are left out)."""
    return {name: role.monthly_budget for name, role in spec.roles.items() if role.monthly_budget is not None}


def signed_usd(amount: float) -> str:
    """`+$212.00` or `-$33.00`: a change in cost."""
    return f"{'+' if amount >= 0 else '-'}${abs(amount):,.2f}"


def parse_volume(text: str) -> tuple[str, float]:
    """`llm.inference=2000/day` (or `=60000/month`) -> ("llm.inference", 2000.0 requests a day)."""
    match = re.fullmatch(r"\s*([^=\s]+)\s*=\s*(\d+(?:\.\d+)?)\s*/\s*(day|month)\s*", text)
    if match is None:
        raise ValueError(f"{text!r}: write ROLE=N/day or ROLE=N/month")
    count = float(match.group(2))
    return match.group(1), count if match.group(3) == "day" else count / DAYS_PER_MONTH


def spec_traffic(spec: SpecConfig) -> dict[str, Traffic]:
    """Every role's `traffic:` block, by role name (roles without one are left out)."""
    from llmhub.spec.models import RoleKind

    return {
        name: Traffic.from_spec(role.traffic, embedding=role.kind == RoleKind.embedding)
        for name, role in spec.roles.items()
        if role.traffic is not None
    }


def total_per_month(rows: list[RoleCost]) -> tuple[float | None, list[str]]:
    """The sum of the roles whose monthly cost is known (None when none is), and the roles left out."""
    known = [r.per_month for r in rows if r.per_month is not None]
    # Nothing known adds up to unknown, not $0.
    return (round(sum(known), 6) if known else None), [r.role for r in rows if r.per_month is None]


def compare_costs(current: list[RoleCost], planned: list[RoleCost]) -> list[dict[str, object]]:
    """Role by role, the current llmhub.yaml's cost beside a regenerated plan's (a role in one only has None)."""
    before = {r.role: r for r in current}
    after = {r.role: r for r in planned}
    rows: list[dict[str, object]] = []
    for name in [*before, *(n for n in after if n not in before)]:
        old, new = before.get(name), after.get(name)
        old_month = old.per_month if old else None
        new_month = new.per_month if new else None
        rows.append(
            {
                "role": name,
                "current_model": old.model if old else None,
                "current_per_month": old_month,
                "planned_model": new.model if new else None,
                "planned_per_month": new_month,
                "change_per_month": None if old_month is None or new_month is None else round(new_month - old_month, 6),
            }
        )
    return rows


@dataclass(frozen=True)
class CostReport:
    """What `llmhub cost` shows: every role's projection, the total, and the budget it is held to."""

    rows: list[RoleCost]
    total_per_month: float | None
    """The roles whose cost is known, added up; None when none is."""
    unknown: list[str]
    """The roles left out of the total (a price or a volume unknown)."""
    budget: float | None
    """The spec's `monthly_budget` for all roles together."""
    traffic: dict[str, Traffic] = field(default_factory=dict)
    """The volumes projected with: the spec's traffic, with the given volumes over it."""

    def to_dict(self) -> dict[str, object]:
        """Plain data for `--json`."""
        return {
            "roles": [r.to_dict() for r in self.rows],
            "total_per_month": self.total_per_month,
            "unknown": self.unknown,
            "budget": self.budget,
        }


def cost_report(
    runtime: RuntimeConfig, spec: SpecConfig | None = None, volumes: Mapping[str, float] | None = None
) -> CostReport:
    """The projection of `runtime` at the spec's traffic, with `volumes` (role -> requests a day) over it.

    Raises:
        ValueError: a volume names a role `runtime` does not have (the message suggests the closest).
    """
    from llmhub_runtime.suggest import did_you_mean

    traffic = spec_traffic(spec) if spec is not None else {}
    for name, per_day in (volumes or {}).items():
        if name not in runtime.roles:
            raise ValueError(f"{name!r} is not a role of llmhub.yaml{did_you_mean(name, runtime.roles)}")
        known = traffic.get(name, Traffic(None, None, None))
        traffic[name] = replace(known, requests_per_day=per_day)
    rows = project_costs(runtime, traffic, spec_budgets(spec) if spec is not None else None)
    total, unknown = total_per_month(rows)
    return CostReport(rows, total, unknown, spec.monthly_budget if spec is not None else None, traffic)
