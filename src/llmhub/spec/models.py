"""The `llmhub.spec.yaml` schema: what people write to describe the roles their app needs.

Every model forbids unknown keys, so a typo is an error with a "did you mean", not a silently
ignored preference. `llmhub generate` compiles a spec into `llmhub.yaml`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeFloat,
    NonNegativeInt,
    PositiveFloat,
    PositiveInt,
)

from llmhub_runtime.models import (
    ApiBase,
    ClientArgs,
    EnvVarName,
    ProviderName,
    ResilienceConfig,
    Seconds,
    check_env_name,
)
from llmhub_runtime.params import Params

__all__ = [
    "Capability",
    "GeneratorSpec",
    "MaxPrice",
    "PolicySpec",
    "PreferenceLevel",
    "Preferences",
    "PreferencesSpec",
    "RoleKind",
    "RoleSpec",
    "SpecConfig",
    "SpecDefaults",
    "SpecProviderConfig",
]


EnvName = Annotated[str, AfterValidator(check_env_name)]
"""An environment name (`prod`): part of a file name, so letters, digits, `-` and `_` only."""


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid", use_attribute_docstrings=True, validate_assignment=True, allow_inf_nan=False
    )


class RoleKind(StrEnum):
    """What a role does; decides which kind of model it gets and its runtime mode."""

    chat = "chat"
    """Conversation, reasoning, writing: a chat model."""
    tool = "tool"
    """A chat model that calls tools (function calling is required)."""
    embedding = "embedding"
    """Vector embeddings."""
    image = "image"
    """Image generation."""
    transcription = "transcription"
    """Speech to text (a transcription model; runtime mode `transcription`)."""
    speech = "speech"
    """Text to speech (a speech model; runtime mode `speech`)."""
    audio = "audio"
    """Transcription or speech, as the description says ("transcribe calls", "read answers aloud")."""


class PreferenceLevel(StrEnum):
    """How much something matters: for cost and latency, `low` asks for little of it; for quality, much."""

    low = "low"
    medium = "medium"
    high = "high"


Capability = Literal["tools", "vision", "structured_output", "reasoning", "audio_input", "pdf"]


class PreferencesSpec(_Model):
    """Soft preferences: they weigh candidates against each other, never exclude one."""

    cost: PreferenceLevel | None = None
    """`low`: keep cost low (cheap models weigh heavily); `high`: cost hardly matters."""
    latency: PreferenceLevel | None = None
    """`low`: answers must come fast; `high`: slow is fine."""
    quality: PreferenceLevel | None = None
    """`high`: the best models; `low`: good enough is fine."""
    providers: list[ProviderName] | None = None
    """Providers this role may use (a hard limit: others are never picked, fallbacks included)."""


Preferences = PreferencesSpec


class MaxPrice(_Model):
    """Price ceilings in USD per million tokens; a model above either is excluded."""

    input: NonNegativeFloat | None = None
    """Highest input price, USD per million tokens."""
    output: NonNegativeFloat | None = None
    """Highest output price, USD per million tokens."""


class PolicySpec(_Model):
    """What the rules may pick beyond released, paid, pinned models (all off by default)."""

    free_tiers: bool = False
    """Allow free, rate-limited endpoints (`:free` ids, trial tiers): fine for experiments, not production."""
    previews: bool = False
    """Allow preview and experimental ids and moving aliases (`-latest`) even where a pinned id of the
    same model is a candidate (without this they give way to it)."""


class SpecProviderConfig(_Model):
    """A provider the project may use, and how to reach it."""

    enabled: bool = True
    """Disabled providers are never chosen."""
    env_key: EnvVarName | None = None
    """Environment variable holding the API key (written into llmhub.yaml, never the key itself)."""
    api_base: ApiBase | None = None
    """Base URL for self-hosted or proxied endpoints (vLLM, llama.cpp, Ollama, a gateway)."""
    timeout: Seconds | None = None
    """Per-request timeout in seconds."""
    client_args: ClientArgs = Field(default_factory=dict)
    """Extra arguments for the provider's client."""
    type: ProviderName | None = None
    """The any-llm provider serving this entry, when its name is not one (e.g. two vLLM servers)."""


class RoleSpec(_Model):
    """One role: what it is for, what it must have, what it should favour."""

    kind: RoleKind = RoleKind.chat
    """chat, tool, embedding, image, transcription, speech or audio: which kind of model, and the runtime mode."""
    description: str = ""
    """What the role does, in plain words; read by the task rules and by the LLM generator."""
    preferences: PreferencesSpec = Field(default_factory=PreferencesSpec)
    """How much cost, latency and quality matter, and which providers are allowed."""
    requires: list[Capability] = Field(default_factory=list)
    """Capabilities the model must have."""
    min_context: PositiveInt | None = None
    """Smallest acceptable context window, in tokens."""
    max_price: MaxPrice | None = None
    """Price ceilings; models above them, or without a known price, are excluded."""
    open_weights_only: bool = False
    """Only models with open weights."""
    exclude: list[str] = Field(default_factory=list)
    """Glob patterns of models never to pick, matched against `provider:model` and the model id."""
    fallbacks: NonNegativeInt | None = None
    """How many fallback models to add (default: `defaults.fallbacks`, else 2)."""
    force_provider: ProviderName | None = None
    """Only this provider."""
    force_model: str | None = None
    """This model, as the provider spells it (used even if the catalog does not know it)."""
    task: str | None = None
    """Override the task the description implies (coding, reasoning, creative, extraction, ...)."""
    mode_params: Params = Field(default_factory=dict)
    """Call parameters for llmhub.yaml (temperature, max_tokens, dimensions...)."""
    resilience: ResilienceConfig | None = None
    """Retries, backoff and circuit breaker for this role, copied into llmhub.yaml as written."""
    policy: PolicySpec | None = None
    """Overrides of the spec's `policy` for this role (only the fields given)."""


class SpecDefaults(_Model):
    """What every role inherits unless it says otherwise."""

    providers: list[ProviderName] | None = None
    """Providers roles may use when their preferences do not say."""
    preferences: PreferencesSpec | None = None
    """Levels every role inherits for the criteria it does not set (and llmhub.yaml's `defaults` role)."""
    fallbacks: NonNegativeInt | None = None
    """How many fallbacks roles get unless they say (default 2, from the rules)."""


class GeneratorSpec(_Model):
    """The model the LLM-assisted generator uses ($LLMHUB_GENERATOR_MODEL overrides it)."""

    model: str | None = None
    """`provider:model`, e.g. `openai:gpt-4.1-mini`; the provider's settings come from `providers:`."""
    enabled: bool = True
    """`false` always uses the rules (like `llmhub generate --no-llm`)."""
    timeout: PositiveFloat = 60.0
    """Seconds allowed per LLM call."""
    shortlist: PositiveInt = 8
    """Candidates the rules put before the LLM per role."""
    mode: Literal["json", "tools"] = "json"
    """How the LLM returns structured answers: JSON content, or a tool call."""


class SpecConfig(_Model):
    """The whole `llmhub.spec.yaml`."""

    version: Literal[1] = 1
    """Format version of this file."""
    project: str = "my-app"
    """The project's name, copied into llmhub.yaml."""
    env: EnvName = "dev"
    """The environment this file describes (`--env NAME` applies `environments.NAME` and sets it)."""
    providers: dict[ProviderName, SpecProviderConfig] = Field(default_factory=dict)
    """Providers the project may use, by any-llm name (or any name with `type:`)."""
    roles: dict[str, RoleSpec] = Field(default_factory=dict)
    """The roles the app calls, by name (e.g. `llm.inference`)."""
    defaults: SpecDefaults | None = None
    """What roles inherit; with it, llmhub.yaml also gets a `defaults` role for unknown role names."""
    generator: GeneratorSpec | None = None
    """The LLM that helps choose (optional: without it, the rules choose)."""
    resilience: ResilienceConfig | None = None
    """Retries, backoff, fallbacks and circuit breaker for every role, copied into llmhub.yaml as written."""
    policy: PolicySpec | None = None
    """Whether free tiers and preview ids may be picked (per role: `roles.<name>.policy`)."""
    environments: dict[EnvName, dict[str, Any]] = Field(default_factory=dict)
    """Per-environment overlays merged over this file by `llmhub generate --env NAME` (same shape)."""
