"""The rule set (`rules/*.yaml`): its schema, and loading it with errors that name the file and field."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, NonNegativeFloat, NonNegativeInt, PositiveFloat, PositiveInt

from llmhub._resources import data_dir
from llmhub.errors import RuleError
from llmhub.spec.models import Capability, PreferenceLevel, RoleKind
from llmhub_runtime.models import LLMMode
from llmhub_runtime.yamlmodel import parse_yaml, read_text, validate

__all__ = ["RuleSet", "load_rules"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)


class KindRule(_Model):
    """What serves one role kind."""

    catalog_kinds: list[str]
    """Catalog kinds a model may have for this role (chat, embedding, image...)."""
    mode: LLMMode
    """The runtime mode written into llmhub.yaml."""
    requires: list[Capability] = Field(default_factory=list)
    params: dict[str, Any] = Field(default_factory=dict)
    """Default call params, under the role's own `mode_params`."""
    directions: dict[RoleKind, list[str]] = Field(default_factory=dict)
    """For a kind that covers several (audio): the more specific kind each list of description words
    means, tried in order; the first with a matching word decides."""


class LevelWeights(_Model):
    """A weight per preference level."""

    low: NonNegativeFloat
    medium: NonNegativeFloat
    high: NonNegativeFloat

    def of(self, level: PreferenceLevel) -> float:
        """The weight for `level`."""
        return float(getattr(self, level.value))


class Weights(_Model):
    """How much each criterion counts."""

    quality: LevelWeights
    cost: LevelWeights
    latency: LevelWeights
    recency: NonNegativeFloat = 0.0
    quality_window: PositiveFloat | None = None
    """Rating points below the best candidate over which quality falls from 1 to 0 (None: the
    candidates' whole range). A fixed window keeps the gaps between strong models from shrinking
    when a role's pool also holds weak ones."""
    cost_window: PositiveFloat | None = None
    """Price ratio to the cheapest candidate over which cost falls from 1 to 0, on a log scale (None:
    the candidates' whole range). Fixed, so two candidates 4x apart always differ by the same amount."""


class Levels(_Model):
    """Levels used when a role and the spec's defaults say nothing."""

    quality: PreferenceLevel = PreferenceLevel.medium
    cost: PreferenceLevel = PreferenceLevel.medium
    latency: PreferenceLevel = PreferenceLevel.medium


class Target(_Model):
    """A soft target: a model outside it loses `penalty` from its score (it can still win if all are outside).

    `max_tier`: the model's tier (1 best .. 5) must be at most this. `within`: for quality, the
    model's figure must be within this many rating points of the best candidate's. `max_price`:
    for cost, the blended price must be at most this.
    """

    max_tier: PositiveInt | None = None
    within: PositiveFloat | None = None
    max_price: PositiveFloat | None = None
    """For cost: the blended price (USD per million tokens, at the role's context) not to exceed."""
    penalty: NonNegativeFloat


class Targets(_Model):
    """Soft targets per criterion and level."""

    quality: dict[PreferenceLevel, Target] = Field(default_factory=dict)
    cost: dict[PreferenceLevel, Target] = Field(default_factory=dict)


class TaskRule(_Model):
    """A task: the words that imply it, the arena categories that measure it, and its default params."""

    languages: dict[str, list[str]] = Field(default_factory=dict)
    """Arena language category -> the words that name it (`german: [german, deutsch]`): when the
    description names languages, their boards measure the task instead of `categories`."""

    words: list[str] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list)
    params: dict[str, Any] = Field(default_factory=dict)
    """Call params for roles of this task, over the kind's params and under the role's mode_params."""


class LatencyRule(_Model):
    """How speed is estimated without latency data."""

    size_words: dict[Literal["fast", "slow"], list[str]]
    scores: dict[Literal["fast", "neutral", "slow"], float]
    price_weight: NonNegativeFloat = 0.3
    reasoning_penalty: NonNegativeFloat = 0.25


class Policy(_Model):
    """What is excluded by default, and how many fallbacks and shortlisted candidates."""

    exclude_deprecated: bool = True
    exclude_status: list[str] = Field(default_factory=list)
    retiring_within_days: NonNegativeInt | None = 180
    """Models whose deprecation date falls within this many days of the catalog's build are excluded
    (None: only models already deprecated)."""
    available_bonus: NonNegativeFloat = 0.0
    fallback_price_ratio: PositiveFloat | None = None
    """A fallback costs at most this many times the primary's blended price (None: no limit)."""
    preview_penalty: NonNegativeFloat = 0.0
    """Taken from the score of a preview id or moving alias that has no pinned twin among the candidates."""
    fallbacks: NonNegativeInt = 2
    shortlist: PositiveInt = 8


class Estimates(_Model):
    """How kinds the arena does not rate are compared (chat quality comes from the catalog's QualityIndex)."""

    price_stands_in_for_quality: bool = True
    """When no candidate has a rating (embeddings, speech), compare them on price and release date, labelled."""


TieKey = Literal["score", "quality", "cost", "latency", "recency", "canonical_id"]


class RuleSet(_Model):
    """Every rule the engine uses, merged from the rules directory."""

    kinds: dict[RoleKind, KindRule]
    weights: Weights
    levels: Levels = Field(default_factory=Levels)
    targets: Targets = Field(default_factory=Targets)
    tasks: dict[str, TaskRule]
    latency: LatencyRule
    policy: Policy = Field(default_factory=Policy)
    estimates: Estimates = Field(default_factory=Estimates)
    tie_break: list[TieKey] = Field(default_factory=lambda: list[TieKey](["score", "canonical_id"]))
    source: str = Field(default="", exclude=True)
    """Where the rules were read from (for explanations and errors)."""


def load_rules(directory: str | os.PathLike[str] | None = None) -> RuleSet:
    """Read every `*.yaml` in `directory` (default: the shipped rules) into one RuleSet.

    Raises:
        RuleError: a file is invalid, a section appears twice, or a required section is missing.
    """
    folder = Path(directory) if directory is not None else data_dir("rules")
    if not folder.is_dir():
        raise RuleError(f"rules directory {folder} does not exist; pass a directory of rules/*.yaml files")
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise RuleError(f"no *.yaml files in {folder}; copy llmhub's rules/ directory and edit it")
    merged: dict[str, Any] = {}
    origin: dict[str, Path] = {}
    all_lines: dict[Any, int] = {}
    for path in files:
        text = read_text(path, RuleError)
        data, lines = parse_yaml(text, str(path), RuleError)
        if data is None:
            continue
        if not isinstance(data, dict):
            raise RuleError("expected a mapping of sections (kinds:, weights:, ...)", source=str(path), line=1)
        for section, value in data.items():
            if section in merged:
                raise RuleError(
                    f"section {section!r} is also defined in {origin[section].name}; keep one",
                    source=str(path),
                    field=str(section),
                    line=lines.get((section,)),
                )
            merged[section] = value
            origin[section] = path
        # Sections are unique across files, so their key positions can share one map.
        all_lines.update({loc: line for loc, line in lines.items() if loc})
    source = str(folder)
    try:
        rules = validate(RuleSet, merged, source, all_lines, RuleError, expected="rule sections")
    except RuleError as exc:
        section = (exc.field or "").split(".")[0].split("[")[0]
        where = str(origin[section]) if section in origin else source
        raise RuleError(exc.detail, source=where, field=exc.field, line=exc.line, problems=exc.problems) from None
    missing = [kind.value for kind in RoleKind if kind not in rules.kinds]
    if missing:
        raise RuleError(f"no rule for role kinds {', '.join(missing)}; add them under `kinds:`", source=source)
    if "general" not in rules.tasks:
        raise RuleError("`tasks:` needs a `general` task (the fallback when no words match)", source=source)
    rules.source = source
    return rules
