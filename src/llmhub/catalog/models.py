"""The catalog's data model: `CanonicalModel` (one per provider and model) and `Catalog`.

A `CanonicalModel` is immutable and grouped as its provenance is: `identity`, `limits`, `pricing`,
`capabilities`, `dates`, `quality`, `vision`, `image`, `tiers`, `availability` and `lifecycle`, each
a small record, so every fact has one home and `model.provenance[group]` says where that record came
from. What identifies the model (`canonical_id`, `provider`, `model_id`) and what every lookup
filters on (`kind`, `tags`) stay on the model itself: they are its key and its index, not facts
some source supplied about it, and they have no provenance group of their own.

The build never changes a model: sources and the fusion fill in flat, mutable `ModelDraft`s, and
each draft is frozen once at the end (`ModelDraft.freeze()`, which `CanonicalModel.build(**facts)`
also uses: one way to make a model from facts). `to_dict()` gives the flat JSON keys the CLI and the
UI have always shown.

The model and its groups are `NamedTuple`s rather than frozen dataclasses, and nothing is
validated: a catalog holds ~5,000 models, each made on every cold build and again on every load
from the cache, and a NamedTuple is made at about the cost of a tuple, where a frozen dataclass pays
an `object.__setattr__` per field (measured: freezing the 5,276 models of the 2026-07 snapshot took
8.5 ms for the frozen-dataclass models alone, which put the cold build over its 4x-parse target).
Equal groups are shared between models, like provenance maps and score tables, which keeps the
catalog small in memory and quick to load from the cache. Nothing in a catalog comes from users
unchecked, so validation would buy nothing; the sources are parsed defensively instead. Two warts
of tuples to know: records are also sequences (read them by field name, never by position), and two
records of different classes with equal values compare equal; compare fields, not whole records of
different kinds.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple, TypeVar

from llmhub.catalog.kinds import ModelKind
from llmhub.errors import CatalogError

__all__ = [
    "ArenaMapping",
    "ArenaMatchRef",
    "Availability",
    "CanonicalModel",
    "Capabilities",
    "Catalog",
    "Dates",
    "FieldSource",
    "Identity",
    "Image",
    "Lifecycle",
    "Limits",
    "ModelDraft",
    "PriceTier",
    "Pricing",
    "QualityRatings",
    "SharedRecords",
    "SourceStatus",
    "Tiers",
    "Vision",
]

CATALOG_VERSION = 5
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
NO_PROVENANCE: Mapping[str, FieldSource] = {}
"""The empty provenance map (read-only, like all catalog data)."""

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
class ModelDraft:
    """A model's facts while the catalog is built: flat and mutable. `freeze()` makes the catalog's record.

    Sources and the fusion fill these in; nothing else holds one. The keyword names are the flat
    fact names of `CanonicalModel.to_dict()` (and of the overrides file).
    """

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

    def freeze(self, shared: SharedRecords | None = None) -> CanonicalModel:
        """The catalog's immutable record of these facts: the one way a `CanonicalModel` is made from facts.

        Args:
            shared: The records made so far in this build (`derive.finish` passes one for the whole
                catalog): equal groups are then one record, like provenance maps and score tables
                (less memory, a smaller cache, a quicker load). A group is looked up by its values
                and made only when new; the identity, unique to each model, is always made.
        """
        tables = shared or SharedRecords()
        scores = self.arena_scores
        # Made from a tuple of every field, in order, as `_make` does: a NamedTuple's own __new__ is a
        # Python function binding 17 (and 8) arguments, a tenth of the freeze for 5,276 models.
        return _new_model(
            (
                self.canonical_id,
                self.provider,
                self.model_id,
                self.kind,
                _new_identity(
                    (
                        self.display_name,
                        self.family,
                        self.lab,
                        self.callable,
                        self.canonical_model_id,
                        self.modelsdev_provider,
                        self.modelsdev_id,
                        self.anyllm_id,
                    )
                ),
                tables.limits[self.context_tokens, self.max_input_tokens, self.max_output_tokens],
                tables.pricing[
                    self.price_input_per_million,
                    self.price_output_per_million,
                    self.price_cache_read_per_million,
                    self.price_cache_write_per_million,
                    self.price_reasoning_per_million,
                    self.price_input_audio_per_million,
                    self.price_output_audio_per_million,
                    self.price_tiers,
                    self.blended_price_per_million,
                    self.free_tier,
                    self.listed_zero_price,
                ],
                tables.capabilities[
                    self.supports_tool_call,
                    self.supports_reasoning,
                    self.supports_structured_output,
                    self.supports_attachments,
                    self.supports_temperature,
                    self.input_modalities,
                    self.output_modalities,
                    self.open_weights,
                ],
                tables.dates[self.knowledge_cutoff, self.release_date, self.last_updated],
                NO_QUALITY
                if self.arena_id is None and self.arena_score is None and not scores
                else tables.quality_of(
                    self.arena_id,
                    self.arena_match,
                    self.arena_score,
                    self.arena_ci_low,
                    self.arena_ci_high,
                    scores,
                    self.coding_score,
                ),
                NO_VISION
                if self.vision_arena_id is None and self.vision_score is None
                else tables.vision[self.vision_arena_id, self.vision_score],
                NO_IMAGE if self.image_score is None else tables.image[(self.image_score,)],
                tables.tiers[self.quality_tier, self.cost_tier, self.reasoning_tier, self.creative_tier],
                _AVAILABILITY[self.available],
                tables.lifecycle[self.status, self.deprecated, self.preview, self.deprecation_date, self.successor],
                self.tags,
                self.provenance,
            )
        )


FACT_NAMES: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(ModelDraft))
"""Every flat fact name, in order: `ModelDraft`'s fields and the keys of `CanonicalModel.to_dict()`."""


class Identity(NamedTuple):
    """What the model is and where it is listed (provenance group `identity`)."""

    display_name: str
    family: str | None = None
    lab: str | None = None
    """The lab that made the model (openai, anthropic, meta...), when its name says."""
    callable: bool = False
    """any-llm has a provider that can call this model."""
    canonical_model_id: str | None = None
    """models.dev's cross-provider identity (`<lab>/<model>`): the same model at every host."""
    modelsdev_provider: str | None = None
    """The provider id on models.dev, when the model came from there."""
    modelsdev_id: str | None = None
    anyllm_id: str | None = None
    """The id any-llm uses for it (the same as model_id for callable models)."""


class Limits(NamedTuple):
    """Token limits (provenance group `limits`)."""

    context: int | None = None
    max_input: int | None = None
    max_output: int | None = None


class Pricing(NamedTuple):
    """Prices in USD per million tokens (provenance group `pricing`)."""

    input: float | None = None
    output: float | None = None
    cache_read: float | None = None
    cache_write: float | None = None
    reasoning: float | None = None
    input_audio: float | None = None
    output_audio: float | None = None
    context_tiers: tuple[PriceTier, ...] = ()
    """Prices for prompts above a length (the tier above 200k tokens...)."""
    blended: float | None = None
    """(3 x input + output) / 4 for chat models, the input price for embeddings: what the cost tier ranks."""
    free: bool = False
    """A free, rate-limited endpoint (`:free`, a trial tier): never picked unless the spec allows free tiers."""
    listed_zero: bool = False
    """The source listed $0 for a model that is not a free tier: a placeholder, so the price is unknown (None)."""


class Capabilities(NamedTuple):
    """What the model supports (provenance group `capabilities`); None when no source says."""

    tool_call: bool | None = None
    reasoning: bool | None = None
    structured_output: bool | None = None
    attachments: bool | None = None
    temperature: bool | None = None
    input_modalities: tuple[str, ...] = ()
    output_modalities: tuple[str, ...] = ()
    open_weights: bool | None = None


class Dates(NamedTuple):
    """YYYY-MM or YYYY-MM-DD dates (provenance group `dates`)."""

    knowledge_cutoff: str | None = None
    release: str | None = None
    last_updated: str | None = None


class QualityRatings(NamedTuple):
    """LMArena text ratings (provenance group `quality`)."""

    arena_id: str | None = None
    """The LMArena entry the scores came from."""
    match: str | None = None
    """How arena_id was matched: exact, alias, variant, fuzzy or override."""
    score: float | None = None
    """Overall LMArena text rating (style control, category `full`)."""
    ci_low: float | None = None
    ci_high: float | None = None
    scores: Mapping[str, float] = NO_SCORES
    """Task category ratings: coding, math, creative_writing, hard_6, if, multiturn, long_user..."""
    coding: float | None = None


class Vision(NamedTuple):
    """The LMArena vision rating (provenance group `vision`)."""

    arena_id: str | None = None
    score: float | None = None
    """LMArena vision leaderboard rating (style control)."""


class Image(NamedTuple):
    """The LMArena text-to-image rating, for image-generation models (provenance group `image`)."""

    score: float | None = None


class Tiers(NamedTuple):
    """Quintiles 1 (best / cheapest) to 5 among models of the same kind; None when the number is unknown."""

    quality: int | None = None
    """By overall arena score."""
    cost: int | None = None
    """By blended price."""
    reasoning: int | None = None
    """By the arena's math and hard-prompt ratings."""
    creative: int | None = None
    """By the arena's creative-writing rating."""


class Availability(NamedTuple):
    """What any-llm discovery found with this machine's keys (provenance group `availability`)."""

    listed: bool | None = None
    """True when discovery listed the model; False when the provider answered without it; None: not checked."""


class Lifecycle(NamedTuple):
    """Release status and retirement (provenance group `lifecycle`)."""

    status: str | None = None
    """models.dev status: alpha, beta or deprecated."""
    deprecated: bool = False
    preview: bool = False
    """A preview or experimental id, or a moving alias (`-latest`): kept behind pinned ids unless allowed."""
    deprecation_date: str | None = None
    """When the provider retires (or retired) the model (YYYY-MM-DD), from models.dev or LiteLLM."""
    successor: str | None = None
    """The model the source names as its replacement, as that source spells it."""


NO_QUALITY = QualityRatings()
NO_VISION = Vision()
NO_IMAGE = Image()
_AVAILABILITY = {value: Availability(value) for value in (None, True, False)}
_R = TypeVar("_R", bound=tuple[Any, ...])


class _Shared(dict[tuple[Any, ...], _R]):
    """The one record of each distinct value of a group: `table[values]` finds it, or makes it the first time.

    One table per record class: equal NamedTuples of two classes compare equal, so they never share one.
    """

    def __init__(self, record: Callable[..., _R]):
        super().__init__()
        self.record = record

    def __missing__(self, values: tuple[Any, ...]) -> _R:
        # The record is its own key (a record equals the tuple of its values, and hashes alike), so
        # the table keeps no second tuple per distinct value.
        made = self.record(*values)
        self[made] = made
        return made


class SharedRecords:
    """One build's tables of shared group records (kept only while the build runs, so nothing grows)."""

    __slots__ = ("capabilities", "dates", "image", "lifecycle", "limits", "pricing", "quality", "tiers", "vision")

    def __init__(self) -> None:
        self.limits = _Shared(Limits)
        self.pricing = _Shared(Pricing)
        self.capabilities = _Shared(Capabilities)
        self.dates = _Shared(Dates)
        self.tiers = _Shared(Tiers)
        self.lifecycle = _Shared(Lifecycle)
        self.vision = _Shared(Vision)
        self.image = _Shared(Image)
        # Keyed by the score table's identity, not its contents (a dict cannot be a key): every
        # model scored from one arena entry shares that entry's table, and the record kept here
        # keeps the table alive, so its id is not reused while the build runs.
        self.quality: dict[tuple[Any, ...], QualityRatings] = {}

    def quality_of(
        self,
        arena_id: str | None,
        match: str | None,
        score: float | None,
        ci_low: float | None,
        ci_high: float | None,
        scores: Mapping[str, float],
        coding: float | None,
    ) -> QualityRatings:
        """The one `QualityRatings` with these values (the ~1,700 rated models of a catalog share ~230)."""
        key = (arena_id, match, score, ci_low, ci_high, id(scores), coding)
        found = self.quality.get(key)
        if found is None:
            found = self.quality[key] = QualityRatings(arena_id, match, score, ci_low, ci_high, scores, coding)
        return found


# Flat fact name -> (group attribute, field) for the facts kept in groups.
_FLAT: dict[str, tuple[str, str]] = {
    **{name: ("identity", name) for name in Identity._fields},
    "context_tokens": ("limits", "context"),
    "max_input_tokens": ("limits", "max_input"),
    "max_output_tokens": ("limits", "max_output"),
    "price_input_per_million": ("pricing", "input"),
    "price_output_per_million": ("pricing", "output"),
    "price_cache_read_per_million": ("pricing", "cache_read"),
    "price_cache_write_per_million": ("pricing", "cache_write"),
    "price_reasoning_per_million": ("pricing", "reasoning"),
    "price_input_audio_per_million": ("pricing", "input_audio"),
    "price_output_audio_per_million": ("pricing", "output_audio"),
    "price_tiers": ("pricing", "context_tiers"),
    "blended_price_per_million": ("pricing", "blended"),
    "free_tier": ("pricing", "free"),
    "listed_zero_price": ("pricing", "listed_zero"),
    **{f"supports_{name}": ("capabilities", name) for name in Capabilities._fields[:5]},
    "input_modalities": ("capabilities", "input_modalities"),
    "output_modalities": ("capabilities", "output_modalities"),
    "open_weights": ("capabilities", "open_weights"),
    "knowledge_cutoff": ("dates", "knowledge_cutoff"),
    "release_date": ("dates", "release"),
    "last_updated": ("dates", "last_updated"),
    "arena_id": ("quality", "arena_id"),
    "arena_match": ("quality", "match"),
    "arena_score": ("quality", "score"),
    "arena_ci_low": ("quality", "ci_low"),
    "arena_ci_high": ("quality", "ci_high"),
    "arena_scores": ("quality", "scores"),
    "coding_score": ("quality", "coding"),
    "vision_arena_id": ("vision", "arena_id"),
    "vision_score": ("vision", "score"),
    "image_score": ("image", "score"),
    "quality_tier": ("tiers", "quality"),
    "cost_tier": ("tiers", "cost"),
    "reasoning_tier": ("tiers", "reasoning"),
    "creative_tier": ("tiers", "creative"),
    "available": ("availability", "listed"),
    **{name: ("lifecycle", name) for name in Lifecycle._fields},
}


class CanonicalModel(NamedTuple):
    """One model at one provider, with every fact the catalog knows about it, grouped as its provenance is.

    Immutable: make one from flat facts with `CanonicalModel.build(...)` (or `ModelDraft(...).freeze()`).
    Read it by field name; that it is also a tuple is an implementation detail (see the module's notes).
    """

    canonical_id: str
    """`provider:model_id`, the catalog's key."""
    provider: str
    """The any-llm provider name that goes into llmhub.yaml (models.dev's id when not callable)."""
    model_id: str
    """The id to send to the provider."""
    kind: ModelKind
    """What the model does (chat, embedding, image...): it is a candidate only for that."""
    identity: Identity
    """Name, family, lab, callability and the ids other sources know it by."""
    limits: Limits
    """Context and output token limits."""
    pricing: Pricing
    """Prices per million tokens, with context tiers and the blended price."""
    capabilities: Capabilities
    """Tool calls, reasoning, structured output, modalities, open weights."""
    dates: Dates
    """Knowledge cutoff, release and last update."""
    quality: QualityRatings
    """LMArena text ratings: overall, per category, and the matched entry."""
    vision: Vision
    """The LMArena vision rating."""
    image: Image
    """The LMArena text-to-image rating."""
    tiers: Tiers
    """Quality, cost, reasoning and creative quintiles among models of the same kind."""
    availability: Availability
    """Whether discovery listed the model with this machine's keys."""
    lifecycle: Lifecycle
    """Status, deprecation, retirement date and successor."""
    tags: tuple[str, ...] = ()
    """Searchable labels derived from the facts (capabilities, kind, price and quality standing)."""
    provenance: Mapping[str, FieldSource] = NO_PROVENANCE
    """Field group (identity, limits, pricing, capabilities, dates, quality, vision, image, tiers,
    availability, lifecycle) -> source."""

    @staticmethod
    def build(canonical_id: str | None = None, **facts: Any) -> CanonicalModel:
        """A model from flat facts (the names of `to_dict()`); `canonical_id` defaults to `provider:model_id`."""
        if canonical_id is None:
            canonical_id = f"{facts['provider']}:{facts['model_id']}"
        facts.setdefault("display_name", facts["model_id"])
        return ModelDraft(canonical_id=canonical_id, **facts).freeze()

    def facts(self) -> dict[str, Any]:
        """Every fact under its flat name, as given to `build` (`ModelDraft(**model.facts())` makes it again)."""
        return {
            name: getattr(self, name)
            if (place := _FLAT.get(name)) is None
            else getattr(getattr(self, place[0]), place[1])
            for name in FACT_NAMES
        }

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data with the flat fact names, provenance details included."""
        data = self.facts()
        data["kind"] = str(self.kind)
        data["price_tiers"] = [dataclasses.asdict(t) for t in self.pricing.context_tiers]
        data["input_modalities"] = list(self.capabilities.input_modalities)
        data["output_modalities"] = list(self.capabilities.output_modalities)
        data["arena_scores"] = dict(self.quality.scores)
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
            detail = f"{self.identity.modelsdev_provider}/{self.identity.modelsdev_id}"
        elif found.source == "lmarena-text":
            detail = f"arena entry {self.quality.arena_id} ({self.quality.match} match)"
        elif found.source == "lmarena-vision":
            detail = f"arena entry {self.vision.arena_id}"
        return {"source": found.source, "snapshot": found.snapshot, "detail": detail}


FIELD_NAMES: tuple[str, ...] = CanonicalModel._fields
"""`CanonicalModel`'s fields, in order (its positional arguments)."""

# A record from a tuple of all its values, in field order (nothing checks the length: the callers
# list every field; tests/catalog/test_models.py compares frozen models with keyword-built ones).
_new_model: Callable[[tuple[Any, ...]], CanonicalModel] = functools.partial(tuple.__new__, CanonicalModel)
_new_identity: Callable[[tuple[Any, ...]], Identity] = functools.partial(tuple.__new__, Identity)

GROUPS: dict[str, type[NamedTuple]] = {
    "identity": Identity,
    "limits": Limits,
    "pricing": Pricing,
    "capabilities": Capabilities,
    "dates": Dates,
    "quality": QualityRatings,
    "vision": Vision,
    "image": Image,
    "tiers": Tiers,
    "availability": Availability,
    "lifecycle": Lifecycle,
}
"""Each field group of `CanonicalModel` and its record class."""


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
    board: Literal["text", "vision", "image"] = "text"
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
            and (not callable_only or m.identity.callable)
            and (include_deprecated or not m.lifecycle.deprecated)
            and within(m.tiers.quality, max_quality_tier)
            and within(m.tiers.cost, max_cost_tier)
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
    return (-(model.quality.score or 0.0), model.canonical_id)


def group_models(models: Iterable[CanonicalModel]) -> dict[tuple[str, bool, str], list[CanonicalModel]]:
    """Models by (kind, callable, provider), each group sorted `best_first`."""
    groups: dict[tuple[str, bool, str], list[CanonicalModel]] = {}
    for model in models:
        groups.setdefault((str(model.kind), model.identity.callable, model.provider), []).append(model)
    for members in groups.values():
        members.sort(key=best_first)
    return groups
