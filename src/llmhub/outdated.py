"""Model lifecycle for a project: which models in llmhub.yaml are deprecated or retiring, and what next.

    from llmhub.outdated import outdated_targets

    for target in outdated_targets(runtime, catalog, within_days=90):
        print(target.role, target.model, target.status, target.date, target.successor)

What `llmhub outdated` and `llmhub doctor` report. A deprecation date and a successor come from
models.dev, LiteLLM or your overrides file, and each finding names its source.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any, Literal

from llmhub.catalog.models import Catalog
from llmhub_runtime.models import RuntimeConfig

__all__ = ["Status", "TargetLifecycle", "outdated_targets"]

Status = Literal["deprecated", "retiring", "unknown", "ok"]


@dataclass(frozen=True)
class TargetLifecycle:
    """One target (a role's primary or a fallback) and where it stands."""

    role: str
    position: int
    """0 for the primary, 1 for the first fallback, and so on."""
    model: str
    """`provider:model`."""
    status: Status
    """`deprecated` (retired already), `retiring` (a date within the window), `unknown` (not in the
    catalog), `ok`."""
    date: str | None = None
    """The deprecation date, when a source gives one (also for `ok` models retiring after the window)."""
    source: str | None = None
    """Which source says so: models.dev, litellm, overrides."""
    successor: str | None = None
    """The model the source names as its replacement."""
    variant: str | None = None
    """The variant of the role this target serves (None: the role's own primary and fallbacks)."""

    def to_dict(self) -> dict[str, Any]:
        """Plain data for `--json`."""
        return asdict(self)

    def describe(self) -> str:
        """`retires on 2026-12-11; its successor is gpt-5.6-terra (per litellm)`."""
        source = f" (per {self.source})" if self.source else ""
        successor = f"; its successor is {self.successor}" if self.successor else ""
        if self.status == "deprecated":
            since = f" since {self.date}" if self.date else ""
            return f"deprecated{since}{successor}{source}"
        if self.status == "retiring":
            return f"retires on {self.date}{successor}{source}"
        if self.status == "unknown":
            return "not in the catalog"
        later = f"; retires on {self.date}" if self.date else ""
        return f"current{later}{successor}{source if later or successor else ''}"


def outdated_targets(
    runtime: RuntimeConfig,
    catalog: Catalog,
    *,
    within_days: int | None = None,
    today: datetime.date | None = None,
) -> list[TargetLifecycle]:
    """Every catalog-served target of every role, with its lifecycle status.

    Args:
        runtime: The llmhub.yaml to check.
        catalog: The catalog whose lifecycle facts judge it.
        within_days: A deprecation date within this many days makes a model `retiring`; None: any
            announced date does.
        today: The day dates are judged against (default: the catalog's judging day, else today).

    Targets on a self-hosted provider (one with an `api_base`) are left out: whatever model the
    server loads, the catalog cannot know it.
    """
    day = today or _catalog_day(catalog)
    horizon = (day + datetime.timedelta(days=within_days)).isoformat() if within_days is not None else None
    found: list[TargetLifecycle] = []
    for role_name, variant, position, (provider_name, model_id) in _targets(runtime):
        provider = runtime.providers.get(provider_name)
        if provider is not None and provider.api_base:
            continue
        label = f"{provider_name}:{model_id}"
        model = catalog.get(provider_name, model_id)
        if model is None:
            found.append(TargetLifecycle(role_name, position, label, "unknown", variant=variant))
            continue
        source = model.source_of("lifecycle").get("source") or model.source_of("dates").get("source")
        status: Status = "ok"
        if model.lifecycle.deprecated:
            status = "deprecated"
        elif model.lifecycle.deprecation_date and (horizon is None or model.lifecycle.deprecation_date <= horizon):
            status = "retiring"
        date = model.lifecycle.deprecation_date
        found.append(
            TargetLifecycle(
                role_name,
                position,
                label,
                status,
                date,
                source if date or model.lifecycle.successor else None,
                model.lifecycle.successor,
                variant,
            )
        )
    return found


def _targets(runtime: RuntimeConfig) -> Iterator[tuple[str, str | None, int, tuple[str, str]]]:
    """Every (role, variant, position, (provider, model)) a call can reach: variants and their fallbacks included."""
    for name, role in runtime.roles.items():
        yield name, None, 0, (role.provider, role.model)
        for position, fallback in enumerate(role.fallbacks, start=1):
            yield name, None, position, (fallback.provider, fallback.model)
        for variant in role.variants:
            own = (variant.provider or role.provider, variant.model or role.model)
            if own != (role.provider, role.model):
                yield name, variant.name, 0, own
            for position, fallback in enumerate(variant.fallbacks or [], start=1):
                yield name, variant.name, position, (fallback.provider, fallback.model)


def _catalog_day(catalog: Catalog) -> datetime.date:
    try:
        return datetime.date.fromisoformat(catalog.judged_on or catalog.built_at[:10])
    except ValueError:
        return datetime.datetime.now(datetime.UTC).date()
