"""The Catalog and Compare pages' data: the whole catalog as a compact table, one model, a comparison.

The table is sent once as columns and rows (about 150 bytes a model) and filtered, sorted and paged
in the browser, so the full catalog of ~8,000 models stays quick without a round trip per keystroke.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from llmhub.catalog.models import TASK_CATEGORIES, CanonicalModel
from llmhub.catalog.quality import Quality
from llmhub.errors import CatalogError
from llmhub.ui.workspace import Workspace

__all__ = ["CAPABILITIES", "COLUMNS", "MAX_COMPARED", "catalog_table", "compare_models", "model_page"]

COLUMNS = (
    "id",
    "name",
    "provider",
    "kind",
    "capabilities",
    "price_in",
    "price_out",
    "blended",
    "context",
    "open_weights",
    "quality",
    "quality_low",
    "quality_high",
    "quality_source",
    "status",
    "callable",
)
"""The table's columns, in the order of each row."""

CAPABILITIES = ("tools", "vision", "reasoning", "structured-output", "pdf", "audio-input", "long-context")
MAX_COMPARED = 6


def _status(model: CanonicalModel) -> str:
    """One word for the model's lifecycle: deprecated, retiring, preview, free tier, beta... or current."""
    if model.lifecycle.deprecated:
        return "deprecated"
    if model.lifecycle.deprecation_date:
        return "retiring"
    if model.pricing.free:
        return "free tier"
    if model.lifecycle.preview:
        return "preview"
    return model.lifecycle.status or "current"


def _row(model: CanonicalModel, figure: Quality | None) -> list[Any]:
    return [
        model.canonical_id,
        model.identity.display_name,
        model.provider,
        str(model.kind),
        [tag for tag in model.tags if tag in CAPABILITIES],
        model.pricing.input,
        model.pricing.output,
        model.pricing.blended,
        model.limits.context,
        model.capabilities.open_weights,
        figure.value if figure else None,
        figure.low if figure else None,
        figure.high if figure else None,
        figure.basis if figure else None,
        _status(model),
        model.identity.callable,
    ]


def catalog_table(workspace: Workspace) -> dict[str, Any]:
    """Every model as one row, with the catalog's sources: what the Catalog page filters and sorts client-side."""
    from llmhub.catalog.browse import catalog_summary, select_models

    catalog, quality = workspace.catalog, workspace.quality
    summary = catalog_summary(catalog)
    return {
        "columns": list(COLUMNS),
        # In `llmhub catalog show` order (measured best first, then unrated cheapest first): the page's default.
        "rows": [_row(model, quality.of(model)) for model in select_models(catalog, include_all=True)],
        "summary": {key: summary[key] for key in ("built_at", "models", "callable", "sources", "warnings")},
    }


def _figure(figure: Quality | None) -> dict[str, Any] | None:
    return dataclasses.asdict(figure) if figure is not None else None


def _related(workspace: Workspace, model: CanonicalModel) -> dict[str, list[str]]:
    """The model's family at its provider, the same model elsewhere, its successor and predecessors."""
    catalog = workspace.catalog
    family = sorted(
        (
            m
            for m in catalog
            if m.identity.family and m.identity.family == model.identity.family and m.provider == model.provider
        ),
        key=lambda m: (m.dates.release or "", m.canonical_id),
        reverse=True,
    )
    hosts = [
        m.canonical_id
        for m in catalog
        if model.identity.canonical_model_id
        and m.identity.canonical_model_id == model.identity.canonical_model_id
        and m is not model
    ]
    successor = catalog.get(model.provider, model.lifecycle.successor) if model.lifecycle.successor else None
    before = [
        m.canonical_id for m in catalog if m.provider == model.provider and m.lifecycle.successor == model.model_id
    ]
    source = workspace.quality.inherited_from(model)
    return {
        "family": [m.canonical_id for m in family if m is not model][:40],
        "elsewhere": sorted(hosts)[:40],
        "successor": [successor.canonical_id] if successor is not None else [],
        "predecessors": sorted(before),
        "rated_as": [source.canonical_id] if source is not None and source is not model else [],
    }


def model_page(workspace: Workspace, reference: str) -> dict[str, Any]:
    """Every fact of one model with its provenance, its quality figure and its relatives.

    Raises:
        CatalogError: no such model (with the closest id).
    """
    from llmhub.catalog.browse import find_model, model_facts

    model = find_model(workspace.catalog, reference)
    facts = model_facts(workspace.catalog, model)
    return {
        "id": model.canonical_id,
        "facts": {k: v for k, v in facts.items() if k not in ("provenance", "quality_figure")},
        "provenance": facts["provenance"],
        "quality": facts["quality_figure"],
        "successor_named": model.lifecycle.successor,
        "related": _related(workspace, model),
    }


def _prices(model: CanonicalModel, context: int | None) -> dict[str, Any]:
    from llmhub.catalog.derive import prices_at
    from llmhub.generator.scoring import price_used

    price_in, price_out, above = prices_at(model, context)
    blended, which = price_used(model, context)
    return {"input": price_in, "output": price_out, "tier_above": above, "blended": blended, "which": which}


def _compared(workspace: Workspace, model: CanonicalModel, context: int | None) -> dict[str, Any]:
    quality = workspace.quality
    categories = {c: _figure(quality.of(model, [c])) for c in TASK_CATEGORIES if model.quality.scores.get(c)}
    return {
        "id": model.canonical_id,
        "name": model.identity.display_name,
        "provider": model.provider,
        "kind": str(model.kind),
        "quality": _figure(quality.of(model)),
        "categories": categories,
        "prices": _prices(model, context),
        "limits": {
            "context": model.limits.context,
            "max_input": model.limits.max_input,
            "max_output": model.limits.max_output,
        },
        "dates": {
            "released": model.dates.release,
            "knowledge_cutoff": model.dates.knowledge_cutoff,
            "last_updated": model.dates.last_updated,
            "retires": model.lifecycle.deprecation_date,
        },
        "flags": {
            "callable": model.identity.callable,
            "open_weights": model.capabilities.open_weights,
            "deprecated": model.lifecycle.deprecated,
            "preview": model.lifecycle.preview,
            "free_tier": model.pricing.free,
            "status": _status(model),
            "capabilities": [tag for tag in model.tags if tag in CAPABILITIES],
        },
    }


def compare_models(workspace: Workspace, references: list[str], context: int | None = None) -> dict[str, Any]:
    """A few models side by side: ratings with intervals per category, prices at `context`, limits, dates, flags.

    Raises:
        CatalogError: no models named, too many, or one is not in the catalog.
    """
    from llmhub.catalog.browse import find_model

    wanted = list(dict.fromkeys(r.strip() for r in references if r.strip()))
    if not wanted:
        raise CatalogError("name the models to compare as provider:model, separated by commas")
    if len(wanted) > MAX_COMPARED:
        raise CatalogError(f"compare at most {MAX_COMPARED} models at once ({len(wanted)} given)")
    models = [find_model(workspace.catalog, reference) for reference in wanted]
    return {"context": context, "models": [_compared(workspace, model, context) for model in models]}
