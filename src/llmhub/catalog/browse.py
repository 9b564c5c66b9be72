"""Questions people ask the catalog: what `llmhub catalog show|model|arena|refresh` answer, from Python.

from llmhub.catalog import build_catalog
from llmhub.catalog.browse import find_model, model_facts, select_models

catalog = build_catalog()
for model in select_models(catalog, kind="embedding")[:5]:   # best quality first, then cheapest
print(model.canonical_id)
facts = model_facts(catalog, find_model(catalog, "openai:gpt-4.1"))
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from llmhub.catalog.models import ArenaMapping, ArenaMatchRef, CanonicalModel, Catalog
from llmhub.errors import CatalogError
from llmhub.refs import parse_model_ref

__all__ = [
    "ARENA_BOARDS",
    "ArenaEntry",
    "ArenaMatch",
    "arena_entries",
    "catalog_summary",
    "find_model",
    "model_facts",
    "refreshed_sources",
    "select_models",
]

_ANSWERED = ("live", "not-modified", "local")

ARENA_BOARDS = ("text", "vision", "image")
"""The LMArena boards the catalog reads: text and vision rate chat models, image (text-to-image) rates
image-generation models."""
_SCORED_ON: dict[str, Callable[[CanonicalModel], object]] = {
    "text": lambda m: m.quality.arena_id,
    "vision": lambda m: m.vision.arena_id,
    "image": lambda m: m.image.score,
}
"""What a model holds when a board scored it."""


def select_models(
    catalog: Catalog,
    *,
    provider: str | None = None,
    kind: str | None = None,
    tags: Iterable[str] | None = None,
    include_all: bool = False,
) -> list[CanonicalModel]:
    """Models matching every condition, best quality first, then cheapest.

    Only models any-llm can call, unless `include_all` or a `provider` is named.

    Raises:
        CatalogError: no such kind, or no models of that provider (with a "did you mean").
    """
    kinds = {str(m.kind) for m in catalog.models}
    if kind is not None and kind not in kinds:
        raise CatalogError(f"--kind {kind!r}: no such kind; kinds: {', '.join(sorted(kinds))}")
    if provider is not None and not any(m.provider == provider for m in catalog):
        from llmhub_runtime.suggest import did_you_mean

        known = sorted({m.provider for m in catalog if m.identity.callable})
        raise CatalogError(
            f"--provider {provider!r}: no models{did_you_mean(provider, known)}; callable: {', '.join(known)}"
        )
    chosen = catalog.filter(provider=provider, kind=kind, tags=tags, callable_only=not include_all and provider is None)
    return sorted(chosen.models, key=_rank)


def _rank(model: CanonicalModel) -> tuple[Any, ...]:
    """The `show` order: measured models first, best first; then unrated ones, cheapest first.

    Free tiers and unknown prices come last: nothing known of a model is no reason to list it first.
    """
    price = model.pricing.blended
    return (
        model.quality.score is None,
        -(model.quality.score or 0.0),
        model.pricing.free,
        price is None,
        price if price is not None else 0.0,
        model.canonical_id,
    )


def find_model(catalog: Catalog, reference: str) -> CanonicalModel:
    """The model `provider:model`.

    Raises:
        CatalogError: not a `provider:model` reference, or no such model (with the closest id).
    """
    try:
        provider, _ = parse_model_ref(reference)
    except ValueError as exc:
        raise CatalogError(str(exc)) from None
    model = catalog.get(reference)
    if model is None:
        from llmhub_runtime.suggest import closest

        same_provider = [m.canonical_id for m in catalog if m.provider == provider]
        near = closest(reference, same_provider or [m.canonical_id for m in catalog])
        hint = f"; did you mean {near!r}?" if near else ""
        raise CatalogError(f"{reference!r} is not in the catalog{hint}")
    return model


def model_facts(catalog: Catalog, model: CanonicalModel) -> dict[str, Any]:
    """Every field of a model, its provenance, and `quality_figure`: the figure the generator ranks it by.

    The figure is measured, inherited or estimated (with its interval), as a dict; None when unknown.
    """
    from llmhub.catalog.quality import QualityIndex

    data = model.to_dict()
    figure = QualityIndex(catalog).of(model)
    data["quality_figure"] = dataclasses.asdict(figure) if figure is not None else None
    return data


@dataclass(frozen=True)
class ArenaMatch:
    """One catalog model an arena entry was matched to, and how."""

    ref: ArenaMatchRef
    method: str
    """exact, alias, variant, partial, fuzzy or override."""
    detail: str
    doubtful: bool
    """Another effort or thinking mode of the model, or not the entry's name: worth a look."""


@dataclass(frozen=True)
class ArenaEntry:
    """One leaderboard entry with its matches (or why none)."""

    entry: ArenaMapping
    matches: list[ArenaMatch] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of `llmhub catalog arena --doubtful --json`."""
        return {
            "arena_name": self.entry.arena_name,
            "matches": [
                {
                    "provider": m.ref.provider,
                    "model_id": m.ref.model_id,
                    "modelsdev": m.ref.modelsdev,
                    "method": m.method,
                    "detail": m.detail,
                }
                for m in self.matches
            ],
            "reason": self.entry.reason,
        }


def arena_entries(
    catalog: Catalog, board: str = "text", *, unmatched: bool = False, doubtful: bool = False
) -> list[ArenaEntry]:
    """A board's entries with how each match was made; only unmatched ones, or only doubtful matches.

    Raises:
        CatalogError: an unknown board, or both filters (they select different entries).
    """
    from llmhub.catalog.mapper import ArenaOverrides, describe_match, is_doubtful

    if board not in ARENA_BOARDS:
        raise CatalogError(f"--board {board!r}: use {', '.join(ARENA_BOARDS[:-1])} or {ARENA_BOARDS[-1]}")
    if unmatched and doubtful:
        raise CatalogError("--unmatched and --doubtful select different entries: give one of them")
    pinned = ArenaOverrides.shipped().match

    def how(entry: ArenaMapping, ref: ArenaMatchRef) -> ArenaMatch:
        # The mapping's own method when the listing carries it, else read off the two names.
        method, detail = getattr(ref, "method", None), getattr(ref, "detail", None) or ""
        if not method:
            if entry.arena_name in pinned:
                method, detail = "override", "arena overrides"
            else:
                found = describe_match(entry.arena_name, ref.model_id)
                method, detail = found.method, found.detail
        return ArenaMatch(ref, method, detail, is_doubtful(entry.arena_name, ref.model_id, method))

    found = []
    for entry in catalog.arena:
        if entry.board != board or (unmatched and entry.matches):
            continue
        matches = [how(entry, ref) for ref in entry.matches]
        if doubtful:
            matches = [m for m in matches if m.doubtful]
            if not matches:
                continue
        found.append(ArenaEntry(entry, matches))
    return found


def refreshed_sources(catalog: Catalog) -> tuple[list[str], list[str]]:
    """The catalog's data sources that answered now (live, not modified, or the mirror), and those that failed.

    Discovery (any-llm asking the providers with keys) is not a data source: a refresh in which only
    it answered refreshed nothing.
    """
    data = [s for s in catalog.sources if s.name not in ("any-llm", "overrides")]
    answered = [s.name for s in data if s.status in _ANSWERED]
    failed = [s.name for s in data if s.status not in (*_ANSWERED, "skipped")]
    return answered, failed


def catalog_summary(catalog: Catalog) -> dict[str, Any]:
    """What `llmhub catalog refresh` reports: models, sources and how many arena entries matched."""
    arena: dict[str, dict[str, int]] = {}
    for board in ARENA_BOARDS:
        entries = [e for e in catalog.arena if e.board == board]
        if not entries:
            continue
        scored = sum(1 for m in catalog.models if _SCORED_ON[board](m) is not None)
        matched = sum(1 for e in entries if e.matches)
        arena[board] = {
            "entries": len(entries),
            "matched": matched,
            "unmatched": len(entries) - matched,
            "scored_models": scored,
        }
    return {
        "built_at": catalog.built_at,
        "models": len(catalog.models),
        "callable": sum(1 for m in catalog.models if m.identity.callable),
        "sources": [
            {
                "name": s.name,
                "status": s.status,
                "snapshot": s.snapshot,
                "entries": s.entries,
                "detail": s.detail,
                "origin": s.origin,
            }
            for s in catalog.sources
        ],
        "arena": arena,
        "warnings": list(catalog.warnings),
    }
