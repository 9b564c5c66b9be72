"""Fuse the parsed sources into catalog models. No I/O: the same inputs give the same catalog.

Order of authority: models.dev facts, then any-llm discovery (availability, unknown ids), then the
user's overrides (which win), then LMArena scores matched by name (text, vision and text-to-image
boards), then LiteLLM's lifecycle facts (filling gaps only), then derived tiers and tags. Every
field group records which source (and which snapshot of it) it came from.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import NamedTuple

from llmhub.catalog.derive import finish
from llmhub.catalog.kinds import ModelKind, infer_kind
from llmhub.catalog.lifecycle import LifecycleReport, apply_lifecycle, mark_past_deprecations
from llmhub.catalog.mapper import ArenaOverrides, CatalogName, MappingResult, match_arena
from llmhub.catalog.models import (
    NO_SCORES,
    TASK_CATEGORIES,
    ArenaMapping,
    ArenaMatchRef,
    CanonicalModel,
    FieldSource,
    ModelDraft,
)
from llmhub.catalog.names import lab_of, parse_day
from llmhub.catalog.overrides import CatalogOverrides
from llmhub.catalog.providers import is_anyllm_provider
from llmhub.catalog.sources.anyllm import Discovery
from llmhub.catalog.sources.arena import LANGUAGE_CATEGORIES, ArenaBoard
from llmhub.catalog.sources.litellm import LiteLLMFacts

__all__ = ["SCORE_CATEGORIES", "Fused", "FusionInput", "fuse"]

_BY_ID = operator.attrgetter("canonical_id")
_SCORED_KINDS = (ModelKind.chat, ModelKind.image)

SCORE_CATEGORIES: tuple[str, ...] = (*TASK_CATEGORIES, *(c for c in LANGUAGE_CATEGORIES if c not in TASK_CATEGORIES))
"""The text board's categories kept in `arena_scores`: the task ones, then the languages."""

# Which provenance group each overridable field belongs to.
_GROUP = {
    **dict.fromkeys(("display_name", "family", "kind", "callable", "deprecated"), "identity"),
    **dict.fromkeys(("context_tokens", "max_input_tokens", "max_output_tokens"), "limits"),
    **dict.fromkeys(
        (
            "price_input_per_million",
            "price_output_per_million",
            "price_cache_read_per_million",
            "price_cache_write_per_million",
            "price_reasoning_per_million",
        ),
        "pricing",
    ),
    **dict.fromkeys(
        (
            "supports_tool_call",
            "supports_reasoning",
            "supports_structured_output",
            "supports_attachments",
            "supports_temperature",
            "input_modalities",
            "output_modalities",
            "open_weights",
        ),
        "capabilities",
    ),
    **dict.fromkeys(("knowledge_cutoff", "release_date"), "dates"),
    **dict.fromkeys(("deprecation_date", "successor"), "lifecycle"),
    **dict.fromkeys(("arena_score", "arena_scores"), "quality"),
}


@dataclass
class FusionInput:
    """Everything the fusion needs, already loaded and parsed."""

    modelsdev: Sequence[ModelDraft]
    """The base models' drafts, as `sources.modelsdev.parse` makes them. The fusion fills in the rest
    of their facts in place (it owns them from here on) and freezes them at the end."""
    text: ArenaBoard | None = None
    vision: ArenaBoard | None = None
    discovery: Discovery | None = None
    overrides: CatalogOverrides | None = None
    snapshots: Mapping[str, str | None] = field(default_factory=dict)
    """Source name -> snapshot identifier, recorded in provenance."""
    image: ArenaBoard | None = None
    """LMArena's text-to-image board: scores image-generation models (`image_score`)."""
    lifecycle: LiteLLMFacts | None = None
    """LiteLLM's deprecation dates and successors."""
    today: date | None = None
    """The build's date, for deprecation dates that have passed (default: today, UTC)."""


class Fused(NamedTuple):
    """What `fuse` makes."""

    models: list[CanonicalModel]
    arena: list[ArenaMapping]
    warnings: list[str]
    lifecycle: LifecycleReport | None
    """What LiteLLM's lifecycle facts did (None without them)."""


def fuse(data: FusionInput) -> Fused:
    """Build every catalog model, the arena mapping listing, warnings and the lifecycle report."""
    warnings: list[str] = []
    models: dict[str, ModelDraft] = {}
    for model in data.modelsdev:
        # Two models.dev providers never map to one any-llm name; if the data ever does, the first wins.
        models.setdefault(model.canonical_id, model)
    if data.discovery is not None:
        _apply_discovery(models, data.discovery, data.snapshots.get("any-llm"))
    arena_overrides = ArenaOverrides.shipped()
    extra_tags: dict[str, list[str]] = {}
    if data.overrides is not None:
        arena_overrides = arena_overrides.merged(_apply_overrides(models, data.overrides, extra_tags))

    ordered = sorted(models.values(), key=_BY_ID)
    # Only models that generate or understand text can take an arena score (see _match_board).
    names = [
        CatalogName(index, m.model_id, parse_day(m.release_date), parse_day(m.last_updated))
        for index, m in enumerate(ordered)
        if m.kind in _SCORED_KINDS
    ]
    catalog_ids = {index: m.canonical_id for index, m in enumerate(ordered)}
    listing: list[ArenaMapping] = []
    refs: dict[int, ArenaMatchRef] = {}  # one per matched model, shared by every entry (and board) naming it
    for board in (data.text, data.vision, data.image):
        if board is None:
            continue
        result = _match_board(board, ordered, names, catalog_ids, arena_overrides)
        _apply_scores(board, result, ordered, data.snapshots.get(f"lmarena-{board.board}"))
        listing.extend(_listing(board, result, ordered, refs))

    today = data.today or datetime.now(UTC).date()
    protected = _protected_flags(data.overrides)
    report = None
    if data.lifecycle is not None:
        report = apply_lifecycle(ordered, data.lifecycle.entries, data.snapshots.get("litellm"), today, protected)
    else:
        mark_past_deprecations(ordered, today, protected)  # dates from other sources still count

    derived = FieldSource(source="derived", detail="quintiles within the model's kind")
    # Most models end with equal provenance maps and tag lists: they share one object for each
    # (tags_for returns shared tuples), which keeps the catalog small in memory and quick to
    # unpickle from the cache. Each draft is frozen once, at the end: nothing changes a model after.
    frozen = finish(ordered, extra_tags, _ProvenanceExtender("tiers", derived))
    return Fused(frozen, listing, warnings, report)


def _bare(provider: str, model_id: str, source: FieldSource, kind: ModelKind | None = None) -> ModelDraft:
    """A model known only by name (discovered, or added by overrides): every fact unknown."""
    callable_ = is_anyllm_provider(provider)
    return ModelDraft(
        canonical_id=f"{provider}:{model_id}",
        provider=provider,
        model_id=model_id,
        display_name=model_id,
        lab=lab_of(model_id),
        kind=kind or infer_kind(model_id),
        callable=callable_,
        anyllm_id=model_id if callable_ else None,
        arena_scores=NO_SCORES,
        provenance={"identity": source},
    )


class _ProvenanceExtender:
    """Adds one field group's source to provenance maps, giving equal maps one shared result.

    Maps are already shared by many models (every models.dev model starts with the same one), so
    each is extended once, looked up by identity; results are interned by content.
    """

    def __init__(self, group: str, source: FieldSource):
        self.group, self.source = group, source
        self._by_content: dict[tuple[tuple[str, int], ...], Mapping[str, FieldSource]] = {}
        # The map is kept in the value so that its id cannot be reused while it is a key.
        self._by_id: dict[int, tuple[Mapping[str, FieldSource], Mapping[str, FieldSource]]] = {}

    def __call__(self, before: Mapping[str, FieldSource]) -> Mapping[str, FieldSource]:
        known = self._by_id.get(id(before))
        if known is None:
            # FieldSource values are shared instances, so their identities tell equal maps apart.
            key = tuple((group, id(source)) for group, source in before.items())
            after = self._by_content.get(key)
            if after is None:
                after = self._by_content[key] = {**before, self.group: self.source}
            known = self._by_id[id(before)] = (before, after)
        return known[1]


def _protected_flags(overrides: CatalogOverrides | None) -> frozenset[str]:
    """Models whose `deprecated` flag the user's overrides set: no other source changes it."""
    if overrides is None:
        return frozenset()
    return frozenset(
        f"{entry.provider}:{entry.model_id}" for entry in overrides.models if "deprecated" in entry.model_fields_set
    )


def _set_source(model: ModelDraft, group: str, source: FieldSource) -> None:
    """Record where a field group came from; provenance maps are shared, so copy before writing."""
    model.provenance = {**model.provenance, group: source}


def _apply_discovery(models: dict[str, ModelDraft], discovery: Discovery, snapshot: str | None) -> None:
    for provider, ids in discovery.models.items():
        listed = set(ids)
        source = FieldSource(source="any-llm", snapshot=snapshot, detail=f"list_models of {provider}")
        for model in models.values():
            if model.provider == provider:
                # The provider answered, so a model it did not list is not callable with this key.
                model.available = model.model_id in listed
                _set_source(model, "availability", source)
        for model_id in ids:
            canonical_id = f"{provider}:{model_id}"
            if canonical_id not in models:
                model = models[canonical_id] = _bare(provider, model_id, source)
                model.available = True
                _set_source(model, "availability", source)


def _apply_overrides(
    models: dict[str, ModelDraft], overrides: CatalogOverrides, extra_tags: dict[str, list[str]]
) -> ArenaOverrides:
    source = FieldSource(source="overrides", snapshot=overrides.digest, detail=overrides.source)
    pins: dict[str, list[str]] = {}
    for entry in overrides.models:
        canonical_id = f"{entry.provider}:{entry.model_id}"
        model = models.get(canonical_id)
        if model is None:
            model = models[canonical_id] = _bare(entry.provider, entry.model_id, source, entry.kind)
        values = entry.model_dump(exclude_unset=True, exclude={"provider", "model_id", "arena_id", "tags"})
        for name, value in values.items():
            if isinstance(value, list):
                value = tuple(value)
            setattr(model, name, value)
            _set_source(model, _GROUP[name], source)
        if "deprecated" in values:
            model.status = "deprecated" if values["deprecated"] else None
        if entry.tags:
            extra_tags[canonical_id] = list(entry.tags)
        if entry.arena_id:
            pins.setdefault(entry.arena_id, []).append(canonical_id)
    never: dict[str, str] = {}
    for name, targets in overrides.arena.items():
        if targets:
            pins.setdefault(name, []).extend(targets)
        else:
            never[name] = f"the overrides file ({overrides.source}) says never match it"
    return ArenaOverrides(match=pins, never=never)


def _match_board(
    board: ArenaBoard,
    ordered: Sequence[ModelDraft],
    names: Sequence[CatalogName],
    catalog_ids: Mapping[int, str],
    overrides: ArenaOverrides,
) -> MappingResult:
    # Scores go to models that generate or understand text (`names` holds chat and image models);
    # an image or embedding model never takes a chat score because its name resembles a chat model's,
    # and only image-generation models take text-to-image scores.
    if board.board == "text":
        names = [name for name in names if ordered[name.index].kind == ModelKind.chat]
    elif board.board == "image":
        names = [name for name in names if ordered[name.index].kind == ModelKind.image]
    return match_arena(board.ratings, names, overrides, catalog_ids)


def _apply_scores(
    board: ArenaBoard, result: MappingResult, ordered: Sequence[ModelDraft], snapshot: str | None
) -> None:
    if board.board == "image":
        _apply_image_scores(board, result, ordered, snapshot)
        return
    source = FieldSource(source=f"lmarena-{board.board}", snapshot=snapshot)
    group = "vision" if board.board == "vision" else "quality"
    # One arena entry scores every host of its model: work out its rounded values once, and share
    # the extended provenance maps.
    scored: dict[str, tuple[float, float | None, float | None, Mapping[str, float], float | None]] = {}
    with_source = _ProvenanceExtender(group, source)
    for index, match in result.chosen.items():
        model = ordered[index]
        model.provenance = with_source(model.provenance)
        values = scored.get(match.arena_name)
        if values is None:
            rating = board.ratings[match.arena_name]
            coding = rating.categories.get("coding")
            values = scored[match.arena_name] = (
                round(rating.rating, 2),
                round(rating.ci_low, 2) if rating.ci_low is not None else None,
                round(rating.ci_high, 2) if rating.ci_high is not None else None,
                {c: round(rating.categories[c], 2) for c in SCORE_CATEGORIES if c in rating.categories},
                round(coding, 2) if coding is not None else None,
            )
        if board.board == "vision":
            model.vision_arena_id = match.arena_name
            model.vision_score = values[0]
            continue
        model.arena_id = match.arena_name
        model.arena_match = match.method
        model.arena_score, model.arena_ci_low, model.arena_ci_high, model.arena_scores, model.coding_score = values


def _apply_image_scores(
    board: ArenaBoard, result: MappingResult, ordered: Sequence[ModelDraft], snapshot: str | None
) -> None:
    """Text-to-image ratings: `image_score`, with the arena entry named in the `image` provenance."""
    sources: dict[str, FieldSource] = {}
    for index, match in result.chosen.items():
        model = ordered[index]
        source = sources.get(match.arena_name)
        if source is None:
            detail = f"arena entry {match.arena_name} ({match.method} match)"
            source = sources[match.arena_name] = FieldSource(source="lmarena-image", snapshot=snapshot, detail=detail)
        model.image_score = round(board.ratings[match.arena_name].rating, 2)
        _set_source(model, "image", source)


def _listing(
    board: ArenaBoard, result: MappingResult, ordered: Sequence[ModelDraft], refs: dict[int, ArenaMatchRef]
) -> list[ArenaMapping]:
    listing = []
    for name, rating in board.ratings.items():
        # `ordered` is sorted by canonical id, so its indices in order list the models by id.
        matched = tuple([refs.get(i) or _ref(refs, i, ordered[i]) for i in sorted(result.matches.get(name, ()))])
        listing.append(
            ArenaMapping(
                arena_name=name,
                board=board.board,
                score=round(rating.rating, 2),
                matches=matched,
                reason=None if matched else result.reasons.get(name, "no match"),
            )
        )
    return listing


def _ref(refs: dict[int, ArenaMatchRef], index: int, model: ModelDraft) -> ArenaMatchRef:
    """The listing's reference to one catalog model, made once: 2,800 matches name 1,800 models."""
    modelsdev = f"{model.modelsdev_provider}/{model.modelsdev_id}" if model.modelsdev_provider else None
    made = refs[index] = ArenaMatchRef(provider=model.provider, model_id=model.model_id, modelsdev=modelsdev)
    return made
