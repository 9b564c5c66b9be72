"""The user's catalog overrides file: add private models, correct facts, pin arena mappings.

Found at `$LLMHUB_CATALOG_OVERRIDES`, else `./llmhub.catalog-overrides.yaml`, else
`<user config dir>/llmhub/catalog-overrides.yaml`. Format::

    version: 1
    models:
      # A self-hosted model: enters the catalog, callable through the `vllm` provider.
      - provider: vllm
        model_id: meta-llama/Llama-3.3-70B-Instruct
        context_tokens: 131072
        price_input_per_million: 0
        price_output_per_million: 0
        supports_tool_call: true
        arena_id: llama-3.3-70b-instruct      # take this arena entry's scores
      # A correction: only the fields given change.
      - provider: openai
        model_id: gpt-4.1
        price_input_per_million: 1.8
    arena:
      # Pin an arena entry to catalog models (provider:model, or a bare model id for every host) ...
      gpt-4.1-2025-04-14: ["openai:gpt-4.1"]
      # ... or stop it matching anything.
      some-arena-name: []

Overrides win over every other source and are marked `overrides` in provenance.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from llmhub.catalog.kinds import ModelKind
from llmhub.errors import OverridesError
from llmhub.settings import OVERRIDES_VAR, Settings, current
from llmhub_runtime.yamlmodel import parse_yaml, read_text, validate

__all__ = ["CatalogOverrides", "ModelOverride", "find_overrides_path", "load_overrides"]

ENV_VAR = OVERRIDES_VAR
FILE_NAME = "llmhub.catalog-overrides.yaml"


class ModelOverride(BaseModel):
    """A model to add, or the facts to correct on an existing one (only the fields given)."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    provider: str
    """The any-llm provider name (as in llmhub.yaml)."""
    model_id: str
    """The id sent to the provider."""
    display_name: str | None = None
    family: str | None = None
    kind: ModelKind | None = None
    callable: bool | None = None
    """Defaults to whether any-llm has this provider."""
    deprecated: bool | None = None
    context_tokens: int | None = Field(default=None, gt=0)
    max_input_tokens: int | None = Field(default=None, gt=0)
    max_output_tokens: int | None = Field(default=None, gt=0)
    price_input_per_million: float | None = Field(default=None, ge=0)
    price_output_per_million: float | None = Field(default=None, ge=0)
    price_cache_read_per_million: float | None = Field(default=None, ge=0)
    price_cache_write_per_million: float | None = Field(default=None, ge=0)
    price_reasoning_per_million: float | None = Field(default=None, ge=0)
    supports_tool_call: bool | None = None
    supports_reasoning: bool | None = None
    supports_structured_output: bool | None = None
    supports_attachments: bool | None = None
    supports_temperature: bool | None = None
    input_modalities: list[str] | None = None
    output_modalities: list[str] | None = None
    open_weights: bool | None = None
    knowledge_cutoff: str | None = None
    release_date: str | None = None
    deprecation_date: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    """When the provider retires the model (YYYY-MM-DD): `generate` avoids it, `doctor` warns."""
    successor: str | None = None
    """The model that replaces it, named in `doctor`'s warning."""
    arena_id: str | None = None
    """Take this LMArena entry's scores (the name as on the leaderboard)."""
    arena_score: float | None = Field(default=None, gt=0)
    """A quality rating on the LMArena scale, for a model the arena does not rate (your own evals);
    a matched arena entry replaces it."""
    arena_scores: dict[str, float] | None = None
    """Task ratings on the same scale: coding, math, creative_writing, hard_6, if, multiturn..."""
    tags: list[str] | None = None
    """Extra tags to add."""


class CatalogOverrides(BaseModel):
    """The whole overrides file."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    version: Literal[1] = 1
    models: list[ModelOverride] = Field(default_factory=list)
    arena: dict[str, list[str]] = Field(default_factory=dict)
    """Arena name -> catalog ids (provider:model) or model ids; an empty list means never match it."""
    _source: str | None = PrivateAttr(default=None)
    _digest: str | None = PrivateAttr(default=None)

    @property
    def source(self) -> str | None:
        """Where this was read from."""
        return self._source

    @property
    def digest(self) -> str | None:
        """Content hash of the file: recorded in provenance, and it invalidates the cached catalog."""
        return self._digest


def find_overrides_path(settings: Settings | None = None) -> Path | None:
    """The overrides file to use, if any: $LLMHUB_CATALOG_OVERRIDES, ./llmhub.catalog-overrides.yaml, user config."""
    path = current(settings).overrides_path
    if path is not None:
        explicit = str(path)
        if not path.is_file():
            raise OverridesError(
                f"{ENV_VAR} points to {explicit}, which is not a file; fix or unset it", source=explicit
            )
        return path
    local = Path.cwd() / FILE_NAME
    if local.is_file():
        return local
    from platformdirs import user_config_dir

    user = Path(user_config_dir("llmhub")) / "catalog-overrides.yaml"
    return user if user.is_file() else None


def load_overrides(path: str | os.PathLike[str]) -> CatalogOverrides:
    """Read and validate an overrides file."""
    text = read_text(path, OverridesError)
    data, lines = parse_yaml(text, str(path), OverridesError)
    overrides = validate(
        CatalogOverrides, data, str(path), lines, OverridesError, expected="a mapping with `models:` and/or `arena:`"
    )
    overrides._source = str(path)
    overrides._digest = "sha256:" + hashlib.sha256(text.encode()).hexdigest()[:12]
    return overrides
