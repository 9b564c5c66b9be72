"""The model catalog: every model LLM Hub can choose from, with prices, limits, capabilities and quality.

from llmhub import build_catalog, get_catalog

catalog = build_catalog()                                   # cached for 24 h
model = catalog["openai:gpt-4.1"]
print(model.pricing.input, model.quality.score, model.tiers.quality)
cheap_tools = get_catalog(kind="chat", tags=["tools", "cheap"], callable_only=True)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal

from llmhub._lazy import lazy_attributes
from llmhub.errors import CatalogError

if TYPE_CHECKING:
    from llmhub.catalog.build import build_catalog
    from llmhub.catalog.kinds import ModelKind
    from llmhub.catalog.models import (
        ArenaMapping,
        ArenaMatchRef,
        CanonicalModel,
        Catalog,
        FieldSource,
        PriceTier,
        SourceStatus,
    )
    from llmhub.catalog.overrides import CatalogOverrides, ModelOverride, load_overrides

# Imported on first use: building a catalog pulls in diskcache, the sources and the mapper (~70 ms),
# which commands that only read provider facts (`init`, `spec validate`) never need.
_LAZY = {
    "build_catalog": "llmhub.catalog.build",
    "ModelKind": "llmhub.catalog.kinds",
    "ArenaMapping": "llmhub.catalog.models",
    "ArenaMatchRef": "llmhub.catalog.models",
    "CanonicalModel": "llmhub.catalog.models",
    "Catalog": "llmhub.catalog.models",
    "FieldSource": "llmhub.catalog.models",
    "PriceTier": "llmhub.catalog.models",
    "SourceStatus": "llmhub.catalog.models",
    "CatalogOverrides": "llmhub.catalog.overrides",
    "ModelOverride": "llmhub.catalog.overrides",
    "load_overrides": "llmhub.catalog.overrides",
}


__getattr__ = lazy_attributes(__name__, _LAZY)


__all__ = [
    "ArenaMapping",
    "ArenaMatchRef",
    "CanonicalModel",
    "Catalog",
    "CatalogError",
    "CatalogOverrides",
    "FieldSource",
    "ModelKind",
    "ModelOverride",
    "PriceTier",
    "SourceStatus",
    "arena_mapping",
    "build_catalog",
    "get_catalog",
    "load_overrides",
]


def get_catalog(
    provider: str | None = None,
    tags: Iterable[str] | None = None,
    kind: str | ModelKind | None = None,
    callable_only: bool = False,
    include_deprecated: bool = True,
    max_quality_tier: int | None = None,
    max_cost_tier: int | None = None,
    unknown_tiers: Literal["exclude", "include"] = "exclude",
    **build_options: Any,
) -> Catalog:
    """The catalog (built or cached, see `build_catalog`), filtered: every condition given must hold.

    Tier limits drop models whose tier is unknown unless `unknown_tiers="include"` (see `Catalog.filter`).
    """
    from llmhub.catalog.build import build_catalog

    return build_catalog(**build_options).filter(
        provider=provider,
        tags=tags,
        kind=kind,
        callable_only=callable_only,
        include_deprecated=include_deprecated,
        max_quality_tier=max_quality_tier,
        max_cost_tier=max_cost_tier,
        unknown_tiers=unknown_tiers,
    )


def arena_mapping(catalog: Catalog | None = None, board: str = "text", **build_options: Any) -> list[ArenaMapping]:
    """Every LMArena entry of a board with the catalog models it was matched to, or why none.

    The Python equivalent of `llmhub catalog arena`; `mapping.to_dict()` gives its JSON shape.
    """
    from llmhub.catalog.build import build_catalog

    chosen = catalog if catalog is not None else build_catalog(**build_options)
    return [entry for entry in chosen.arena if entry.board == board]


def sources_dir_from_env() -> str | None:
    """$LLMHUB_CATALOG_SOURCES, when set."""
    from llmhub.settings import current

    found = current().sources_dir
    return str(found) if found is not None else None
