"""LLM Hub, the tool: turns `llmhub.spec.yaml` into `llmhub.yaml` (spec, catalog, generator, CLI).

    from llmhub import build_catalog, get_catalog, Catalog, CanonicalModel, CatalogError

The runtime that applications import is the separate, light `llmhub_runtime` package. Names here are
imported on first use, so `import llmhub` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from llmhub_runtime._version import __version__

if TYPE_CHECKING:
    from llmhub.catalog import (
        CanonicalModel,
        Catalog,
        CatalogOverrides,
        ModelKind,
        arena_mapping,
        build_catalog,
        get_catalog,
        load_overrides,
    )
    from llmhub.errors import CatalogError, GenerationError, LLMHubError, SourceError, SpecError

__all__ = [
    "CanonicalModel",
    "Catalog",
    "CatalogError",
    "CatalogOverrides",
    "GenerationError",
    "LLMHubError",
    "ModelKind",
    "SourceError",
    "SpecError",
    "__version__",
    "arena_mapping",
    "build_catalog",
    "get_catalog",
    "load_overrides",
]

_LAZY = {
    "CanonicalModel": "llmhub.catalog",
    "Catalog": "llmhub.catalog",
    "CatalogOverrides": "llmhub.catalog",
    "ModelKind": "llmhub.catalog",
    "arena_mapping": "llmhub.catalog",
    "build_catalog": "llmhub.catalog",
    "get_catalog": "llmhub.catalog",
    "load_overrides": "llmhub.catalog",
    "CatalogError": "llmhub.errors",
    "GenerationError": "llmhub.errors",
    "LLMHubError": "llmhub.errors",
    "SourceError": "llmhub.errors",
    "SpecError": "llmhub.errors",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'llmhub' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
