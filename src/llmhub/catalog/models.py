"""The catalog's data model: `CanonicalModel` (one per provider and model) and `Catalog`.

Plain slotted dataclasses rather than pydantic models: a catalog holds ~5,000 models with ~60
fields each, and it is built and loaded often enough (every `llmhub` command that chooses a model)
that construction cost matters: 20 ms here against ~200 ms as validated pydantic models. Nothing
in a catalog comes from users unchecked, so validation buys nothing; the sources are parsed
defensively instead. Treat instances as read-only: identical provenance entries and score tables
are shared between models to keep the catalog small in memory and quick to load from the cache.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from llmhub.catalog.kinds import ModelKind
from llmhub.errors import CatalogError

__all__ = [
    "ArenaMapping",
    "ArenaMatchRef",
    "CanonicalModel",
    "Catalog",
    "FieldSource",
    "PriceTier",
    "SourceStatus",
]

CATALOG_VERSION = 4
"""Bumped when the shape changes, so older cached catalogs are rebuilt instead of misread."""

# The arena categories kept per model (the leaderboard has 29; these are the task-level ones).
TASK_CATEGORIES = (
    "coding",
    "math",
    "creative_writing",
    "hard_6",
    "hard_english_6",
    "if",
    "multiturn",
    "long_user",
    "expert",
    "english",
    "industry_software_and_it_services",
    "industry_legal_and_government",
    "industry_medicine_and_healthcare",
    "industry_business_and_management_and_financial_operations",
    # Language boards (prompts written in that language), for translation and multilingual roles.
    "chinese",
    "french",
    "german",
    "japanese",
    "korean",
    "russian",
    "spanish",
)

NO_SCORES: Mapping[str, float] = {}
"""The empty score table every unscored model shares (read-only, like all catalog data)."""

SourceName = Literal[
    "models.dev", "lmarena-text", "lmarena-vision", "lmarena-image", "litellm", "any-llm", "overrides", "derived"
]


@dataclass(frozen=True, slots=True)
class FieldSource:
    """Where a group of a model's fields came from."""

    source: str
    """models.dev, lmarena-text, lmarena-vision, any-llm, overrides or derived."""
    snapshot: str | None = None
    """Which version of that source: a date and commit, an ETag date, a package version or a hash."""
    detail: str | None = None
    """What else identifies it: the overrides file, the discovery run."""

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled as a plain tuple: dataclasses' slot-state pickling is several times slower.
        return (FieldSource, (self.source, self.snapshot, self.detail))


@dataclass(frozen=True, slots=True)
class PriceTier:
    """Prices that apply once the prompt is longer than `above_tokens` (USD per million tokens)."""

    above_tokens: int
    input: float | None = None
    output: float | None = None
    cache_read: float | None = None
    cache_write: float | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        return (PriceTier, (self.above_tokens, self.input, self.output, self.cache_read, self.cache_write))


@dataclass(slots=True)
class CanonicalModel:
    """One model at one provider, with every fact the catalog knows about it."""

    canonical_id: str
    """`provider:model_id`, the catalog's key."""
    provider: str
    """The any-llm provider name that goes into llmhub.yaml (models.dev's id when not callable)."""
    model_id: str
    """The id to send to the provider."""
    display_name: str
    family: str | None = None
    lab: str | None = None
    """The lab that made the model (openai, anthropic, meta...), when its name says."""
    kind: ModelKind = ModelKind.chat
    callable: bool = False
    """any-llm has a provider that can call this model."""
    available: bool | None = None
    """True when any-llm discovery listed it with this machine's keys; None when not checked."""
    status: str | None = None
    """models.dev status: alpha, beta or deprecated."""
    deprecated: bool = False

    modelsdev_provider: str | None = None
    """The provider id on models.dev, when the model came from there."""
    modelsdev_id: str | None = None
    anyllm_id: str | None = None
    """The id any-llm uses for it (the same as model_id for callable models)."""
    arena_id: str | None = None
    """The LMArena entry the quality scores came from."""
    arena_match: str | None = None
    """How arena_id was matched: exact, alias, variant, fuzzy or override."""
    vision_arena_id: str | None = None

    context_tokens: int | None = None
    max_input_tokens: int | None = None
    max_output_tokens: int | None = None

    price_input_per_million: float | None = None
    price_output_per_million: float | None = None
    price_cache_read_per_million: float | None = None
    price_cache_write_per_million: float | None = None
    price_reasoning_per_million: float | None = None
    price_input_audio_per_million: float | None = None
    price_output_audio_per_million: float | None = None
    price_tiers: tuple[PriceTier, ...] = ()
    blended_price_per_million: float | None = None
    """(3 x input + output) / 4 for chat models, the input price for embeddings: what cost_tier ranks."""

    supports_tool_call: bool | None = None
    supports_reasoning: bool | None = None
    supports_structured_output: bool | None = None
    supports_attachments: bool | None = None
    supports_temperature: bool | None = None
    input_modalities: tuple[str, ...] = ()
    output_modalities: tuple[str, ...] = ()
    open_weights: bool | None = None
    knowledge_cutoff: str | None = None
    release_date: str | None = None
    last_updated: str | None = None

    arena_score: float | None = None
    """Overall LMArena text rating (style control, category `full`)."""
    arena_ci_low: float | None = None
    arena_ci_high: float | None = None
    arena_scores: Mapping[str, float] = field(default_factory=dict)
    """Task category ratings: coding, math, creative_writing, hard_6, if, multiturn, long_user..."""
    coding_score: float | None = None
    vision_score: float | None = None
    """LMArena vision leaderboard rating (style control)."""

    quality_tier: int | None = None
    """1 (best) to 5 by overall arena score, among models of the same kind; None when unscored."""
    cost_tier: int | None = None
    """1 (cheapest) to 5 by blended price, among models of the same kind."""
    reasoning_tier: int | None = None
    """1 (best) to 5 by the arena's math and hard-prompt ratings."""
    creative_tier: int | None = None
    """1 (best) to 5 by the arena's creative-writing rating."""
    tags: tuple[str, ...] = ()
    provenance: Mapping[str, FieldSource] = field(default_factory=dict)
    """Field group (identity, limits, pricing, capabilities, dates, quality, vision, tiers, availability,
    lifecycle) -> source."""

    # Fields added in catalog version 3. They come last so that sources building models positionally
    # are unaffected.
    canonical_model_id: str | None = None
    """models.dev's cross-provider identity (`<lab>/<model>`): the same model at every host."""
    free_tier: bool = False
    """A free, rate-limited endpoint (`:free`, a trial tier): never picked unless the spec allows free tiers."""
    preview: bool = False
    """A preview or experimental id, or a moving alias (`-latest`): kept behind pinned ids unless allowed."""
    deprecation_date: str | None = None
    """When the provider retires (or retired) the model (YYYY-MM-DD), from models.dev or LiteLLM."""
    successor: str | None = None
    """The model the source names as its replacement, as that source spells it."""
    image_score: float | None = None
    """LMArena text-to-image rating, for image-generation models."""
    listed_zero_price: bool = False
    """The source listed $0 for a model that is not a free tier: a placeholder, so the price is unknown (None)."""

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data, provenance details included."""
        data: dict[str, Any] = {name: getattr(self, name) for name in FIELD_NAMES}
        data["kind"] = str(self.kind)
        data["price_tiers"] = [dataclasses.asdict(t) for t in self.price_tiers]
        data["input_modalities"] = list(self.input_modalities)
        data["output_modalities"] = list(self.output_modalities)
        data["arena_scores"] = dict(self.arena_scores)
        data["tags"] = list(self.tags)
        data["provenance"] = {group: self.source_of(group) for group in self.provenance}
        return data

    def source_of(self, group: str) -> dict[str, str | None]:
        """Where a field group came from, with the details that identify this model in that source."""
        found = self.provenance.get(group)
        if found is None:
            return {"source": None, "snapshot": None, "detail": None}
        detail = found.detail
        if found.source == "models.dev":
            detail = f"{self.modelsdev_provider}/{self.modelsdev_id}"
        elif found.source == "lmarena-text":
            detail = f"arena entry {self.arena_id} ({self.arena_match} match)"
        elif found.source == "lmarena-vision":
            detail = f"arena entry {self.vision_arena_id}"
        return {"source": found.source, "snapshot": found.snapshot, "detail": detail}


FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(CanonicalModel))


@dataclass(slots=True)
class SourceStatus:
    """How one source fared in the build that produced a catalog."""

    name: str
    """models.dev, lmarena-text, lmarena-vision, any-llm or overrides."""
    status: Literal["live", "not-modified", "cached", "bundled", "local", "missing", "failed", "skipped"]
    origin: str | None = None
    """URL, file path or package the data came from."""
    snapshot: str | None = None
    fetched_at: str | None = None
    entries: int = 0
    detail: str | None = None

    @property
    def usable(self) -> bool:
        """Whether this source contributed data."""
        return self.status not in ("missing", "failed", "skipped")


@dataclass(frozen=True, slots=True)
class ArenaMatchRef:
    """A catalog model an arena entry was matched to."""

    provider: str
    model_id: str
    modelsdev: str | None = None
    """`<models.dev provider>/<model id>`, when the model came from models.dev."""

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled as a plain tuple (thousands of these are cached with every catalog).
        return (ArenaMatchRef, (self.provider, self.model_id, self.modelsdev))


@dataclass(slots=True)
class ArenaMapping:
    """One leaderboard entry and what it was matched to (or why nothing)."""

    arena_name: str
    board: Literal["text", "vision"] = "text"
    score: float | None = None
    matches: tuple[ArenaMatchRef, ...] = ()
    reason: str | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        return (ArenaMapping, (self.arena_name, self.board, self.score, self.matches, self.reason))

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of `llmhub catalog arena --json`."""
        return {
            "arena_name": self.arena_name,
            "matches": [
                {"provider": m.provider, "model_id": m.model_id, "modelsdev": m.modelsdev} for m in self.matches
            ],
            "reason": self.reason,
        }


@dataclass(slots=True)
class Catalog:
    """Every model LLM Hub knows, fused from models.dev, LMArena, any-llm discovery and overrides."""

    built_at: str
    """When this catalog was built (UTC, ISO 8601); the sources' snapshots say how fresh its data is."""
    models: list[CanonicalModel] = field(default_factory=list)
    sources: list[SourceStatus] = field(default_factory=list)
    arena: list[ArenaMapping] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    catalog_version: int = CATALOG_VERSION
    judged_on: str | None = None
    """The day (YYYY-MM-DD) lifecycle dates were judged against (`build_catalog(today=...)`); None: the
    build's day. Pinning it makes choices reproducible as retirement dates pass."""
    _by_id: dict[str, CanonicalModel] | None = field(default=None, repr=False, compare=False)
    _groups: dict[tuple[str, bool, str], list[CanonicalModel]] | None = field(default=None, repr=False, compare=False)

    def __iter__(self) -> Iterator[CanonicalModel]:
        return iter(self.models)

    def __len__(self) -> int:
        return len(self.models)

    def get(self, provider_or_id: str, model_id: str | None = None) -> CanonicalModel | None:
        """Look a model up by `provider:model` (or provider and model id); None when absent."""
        key = provider_or_id if model_id is None else f"{provider_or_id}:{model_id}"
        return self._index().get(key)

    def __getitem__(self, canonical_id: str) -> CanonicalModel:
        found = self.get(canonical_id)
        if found is None:
            raise CatalogError(f"model {canonical_id!r} is not in the catalog; list models with `llmhub catalog show`")
        return found

    def __contains__(self, canonical_id: object) -> bool:
        return isinstance(canonical_id, str) and canonical_id in self._index()

    def filter(
        self,
        provider: str | None = None,
        tags: Iterable[str] | None = None,
        kind: str | ModelKind | None = None,
        callable_only: bool = False,
        include_deprecated: bool = True,
        max_quality_tier: int | None = None,
        max_cost_tier: int | None = None,
        unknown_tiers: Literal["exclude", "include"] = "exclude",
    ) -> Catalog:
        """A catalog of only the models matching every condition given (all `tags` must be present).

        `max_quality_tier` / `max_cost_tier` keep tiers 1..N (1 is the best / cheapest). A model whose
        tier is unknown (unrated, unpriced) is dropped by such a filter unless `unknown_tiers="include"`:
        unknown is never compared as if it were a number.
        """
        wanted = set(tags or ())
        keep_unknown = unknown_tiers == "include"

        def within(tier: int | None, limit: int | None) -> bool:
            return limit is None or (keep_unknown if tier is None else tier <= limit)

        kept = [
            m
            for m in self.models
            if (provider is None or m.provider == provider)
            and (kind is None or m.kind == kind)
            and wanted <= set(m.tags)
            and (not callable_only or m.callable)
            and (include_deprecated or not m.deprecated)
            and within(m.quality_tier, max_quality_tier)
            and within(m.cost_tier, max_cost_tier)
        ]
        return Catalog(
            built_at=self.built_at,
            models=kept,
            sources=self.sources,
            arena=self.arena,
            warnings=self.warnings,
            catalog_version=self.catalog_version,
            judged_on=self.judged_on,
        )

    def snapshot(self) -> dict[str, str]:
        """Source name -> snapshot identifier: what a generated llmhub.yaml records it was built from."""
        return {s.name: s.snapshot for s in self.sources if s.snapshot and s.usable}

    def source(self, name: str) -> SourceStatus | None:
        """The status of one source in this catalog's build."""
        return next((s for s in self.sources if s.name == name), None)

    def grouped(self) -> dict[tuple[str, bool, str], list[CanonicalModel]]:
        """Models by (kind, callable, provider), each group best arena score first (then by id).

        Computed once per catalog: choosing models for a spec starts from these groups instead of
        scanning all ~5,000 models for every role.
        """
        if self._groups is None:
            self._groups = group_models(self.models)
        return self._groups

    def _index(self) -> dict[str, CanonicalModel]:
        if self._by_id is None:
            self._by_id = {m.canonical_id: m for m in self.models}
        return self._by_id


def best_first(model: CanonicalModel) -> tuple[float, str]:
    """Sort key: highest overall arena score first, then by id (deterministic)."""
    return (-(model.arena_score or 0.0), model.canonical_id)


def group_models(models: Iterable[CanonicalModel]) -> dict[tuple[str, bool, str], list[CanonicalModel]]:
    """Models by (kind, callable, provider), each group sorted `best_first`."""
    groups: dict[tuple[str, bool, str], list[CanonicalModel]] = {}
    for model in models:
        groups.setdefault((str(model.kind), model.callable, model.provider), []).append(model)
    for members in groups.values():
        members.sort(key=best_first)
    return groups
