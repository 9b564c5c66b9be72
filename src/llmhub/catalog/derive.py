"""Derived fields: blended price, tiers 1-5 and tags. Pure functions over the fused catalog.

Tiers are quintiles *within one kind* (chat with chat, embeddings with embeddings): tier 1 is the
best fifth (highest score / lowest price), tier 5 the worst. A model without the underlying number
gets no tier (None), never a made-up middle value.
"""

from __future__ import annotations

import bisect
import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from llmhub.catalog.kinds import ModelKind
from llmhub.catalog.models import CanonicalModel, FieldSource, ModelDraft, SharedRecords

__all__ = ["LONG_CONTEXT_TOKENS", "assign_tiers", "blended_price", "finish", "prices_at", "tags_for"]

LONG_CONTEXT_TOKENS = 200_000
_TIERS = 5


def blended_price(kind: ModelKind, price_in: float | None, price_out: float | None) -> float | None:
    """The price tiers rank: (3 x input + output) / 4 (a typical prompt-heavy mix); input only for embeddings."""
    return _blend(price_in, None if kind in _INPUT_PRICED else price_out)


_INPUT_PRICED = (ModelKind.embedding, ModelKind.rerank)


@functools.lru_cache(maxsize=8192)  # thousands of models share a few hundred price pairs
def _blend(price_in: float | None, price_out: float | None) -> float | None:
    if price_in is None:
        return None
    if price_out is None:
        return price_in
    # Rounded so that equal mixes compare equal; round() to a number of digits is slow, hence the cache.
    return round((3 * price_in + price_out) / 4, 6)


def finish(
    drafts: Sequence[ModelDraft],
    extra_tags: Mapping[str, Iterable[str]] | None = None,
    provenance: Callable[[Mapping[str, FieldSource]], Mapping[str, FieldSource]] | None = None,
) -> list[CanonicalModel]:
    """The build's last step: derive blended prices, tiers and tags on the drafts, then freeze each once.

    Args:
        drafts: Every model of the catalog (tiers are quintiles among them, kind by kind).
        extra_tags: Canonical id -> tags to add (the user's overrides).
        provenance: Gives each draft's provenance map its `tiers` entry (shared maps stay shared).
    """
    for draft in drafts:
        draft.blended_price_per_million = blended_price(
            draft.kind, draft.price_input_per_million, draft.price_output_per_million
        )
    assign_tiers(drafts)
    extra = extra_tags or {}
    for draft in drafts:
        draft.tags = tags_for(draft, extra.get(draft.canonical_id))
        if provenance is not None:
            draft.provenance = provenance(draft.provenance)
    shared = SharedRecords()
    return [draft.freeze(shared) for draft in drafts]


def prices_at(model: CanonicalModel, context: int | None) -> tuple[float | None, float | None, int | None]:
    """Input and output price for prompts of `context` tokens, and the tier threshold that set them.

    A role that needs a 500k-token context pays the price of the tier above 200k on every long call:
    that price, not the list price, is the one to rank, cap and forecast with. The list price when
    `context` is None or below every tier (threshold None).
    """
    pricing = model.pricing
    if not context or not pricing.context_tiers:
        return pricing.input, pricing.output, None
    applying = [tier for tier in pricing.context_tiers if context > tier.above_tokens]
    if not applying:
        return pricing.input, pricing.output, None
    tier = max(applying, key=lambda t: t.above_tokens)
    price_in = tier.input if tier.input is not None else pricing.input
    price_out = tier.output if tier.output is not None else pricing.output
    return price_in, price_out, tier.above_tokens


def reasoning_score(categories: Mapping[str, float]) -> float | None:
    """Mean of the arena's math and hard-prompt ratings, the basis of reasoning_tier."""
    values = [categories[c] for c in ("math", "hard_6") if c in categories]
    return sum(values) / len(values) if values else None


def assign_tiers(models: Sequence[ModelDraft]) -> None:
    """Set cost_tier, quality_tier, reasoning_tier and creative_tier on every model, kind by kind."""
    by_kind: dict[ModelKind, list[ModelDraft]] = defaultdict(list)
    for model in models:
        by_kind[model.kind].append(model)
    # Score tables are shared by every model scored from one arena entry: read each table once.
    from_table: dict[int, tuple[float | None, float | None]] = {}
    for group in by_kind.values():
        prices, quality, reasoning, creative = [], [], [], []
        for model in group:
            scores = model.arena_scores
            derived = from_table.get(id(scores))
            if derived is None:
                derived = from_table[id(scores)] = (
                    reasoning_score(scores) if scores else None,
                    scores.get("creative_writing"),
                )
            prices.append(model.blended_price_per_million)
            quality.append(model.arena_score)
            reasoning.append(derived[0])
            creative.append(derived[1])
        arena_ids = [model.arena_id for model in group]
        cost = _tiers(prices, higher_is_better=False)
        # Score populations count each arena entry once: a model served by 40 hosts must not crowd
        # the quantiles.
        by_quality = _tiers(quality, higher_is_better=True, keys=arena_ids)
        by_reasoning = _tiers(reasoning, higher_is_better=True, keys=arena_ids)
        by_creative = _tiers(creative, higher_is_better=True, keys=arena_ids)
        # One pass setting all four: plain attribute stores, not a setattr() per model per tier.
        for model, price, score, reasoning_value, creative_value in zip(
            group, prices, quality, reasoning, creative, strict=True
        ):
            model.cost_tier = cost[price]
            model.quality_tier = by_quality[score]
            model.reasoning_tier = by_reasoning[reasoning_value]
            model.creative_tier = by_creative[creative_value]


def _tiers(
    values: Sequence[float | None], *, higher_is_better: bool, keys: Sequence[Any] | None = None
) -> dict[float | None, int | None]:
    """Each value's tier (None for None): its quintile in the population of values (one per key, if given)."""
    if keys is None:
        population = [value for value in values if value is not None]
    else:
        population = list({key: value for key, value in zip(keys, values, strict=True) if value is not None}.values())
    population.sort()
    size = len(population)
    # Thousands of models share a few hundred prices and scores: rank each distinct value once.
    tiers: dict[float | None, int | None] = {None: None}
    for number in set(values):
        if number is not None:
            # Fraction of the population strictly better than this value.
            better = (
                size - bisect.bisect_right(population, number)
                if higher_is_better
                else bisect.bisect_left(population, number)
            )
            tiers[number] = 1 + min(_TIERS - 1, int(_TIERS * better / size))
    return tiers


def tags_for(model: ModelDraft, extra: Iterable[str] | None = None) -> tuple[str, ...]:
    """Searchable labels, sorted: capabilities, modalities, kind, price and quality standing."""
    # Everything the tags depend on, read here and only here; thousands of models share a few
    # hundred combinations, each worked out once.
    tags = _tags(
        model.kind,
        model.input_modalities,
        bool(model.supports_reasoning),
        bool(model.supports_tool_call),
        bool(model.supports_structured_output),
        bool(model.open_weights),
        bool(model.deprecated),
        bool(model.available),
        (model.context_tokens or 0) >= LONG_CONTEXT_TOKENS,
        model.cost_tier == 1,
        model.blended_price_per_million == 0,
        model.quality_tier == 1,
    )
    return tuple(sorted({*tags, *extra})) if extra else tags


@functools.lru_cache(maxsize=4096)
def _tags(
    kind: ModelKind,
    inputs: tuple[str, ...],
    reasoning: bool,
    tools: bool,
    structured_output: bool,
    open_weights: bool,
    deprecated: bool,
    available: bool,
    long_context: bool,
    cheap: bool,
    free: bool,
    top_quality: bool,
) -> tuple[str, ...]:
    tags = [] if kind == ModelKind.chat else [_KIND_TAGS.get(kind, str(kind))]
    if "image" in inputs:
        tags.append("vision")
    if "pdf" in inputs:
        tags.append("pdf")
    if "audio" in inputs and kind == ModelKind.chat:
        tags.append("audio-input")
    flags = (
        (reasoning, "reasoning"),
        (tools, "tools"),
        (structured_output, "structured-output"),
        (open_weights, "open-weights"),
        (deprecated, "deprecated"),
        (available, "available"),
        (long_context, "long-context"),
        (cheap, "cheap"),
        (free, "free"),
        (top_quality, "top-quality"),
    )
    tags.extend(tag for flag, tag in flags if flag)
    found = tuple(sorted(set(tags)))
    # Interned: many flag combinations give the same tags (kind and flags the tags ignore), so a
    # catalog holds ~400 distinct tag tuples where it would hold ~550.
    return _SHARED_TAGS.setdefault(found, found)


_SHARED_TAGS: dict[tuple[str, ...], tuple[str, ...]] = {}


_KIND_TAGS = {ModelKind.image: "image-generation"}
