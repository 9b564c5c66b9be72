"""The `llmhub.yaml` schema: pydantic models the runtime loads and the generator emits.

The runtime owns this schema; the `llmhub` tool writes instances of `RuntimeConfig`. Every model
forbids unknown keys, so a typo in the file is an error rather than a silently ignored setting.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, NonNegativeFloat, NonNegativeInt, PositiveFloat, PositiveInt

__all__ = [
    "CircuitBreakerConfig",
    "FallbackConfig",
    "LLMMode",
    "PricingConfig",
    "ProviderConfig",
    "ResilienceConfig",
    "RoleConfig",
    "RoleDefaultsConfig",
    "RuntimeConfig",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True, use_attribute_docstrings=True)


class LLMMode(StrEnum):
    """What kind of call a role makes, which decides the `LLMHub` method that serves it."""

    chat = "chat"
    """Chat completions: `completion` / `acompletion`."""
    embedding = "embedding"
    """Vector embeddings: `embedding` / `aembedding`."""
    image = "image"
    """Image generation: `image_generation` / `aimage_generation`."""
    audio = "audio"
    """Speech synthesis and transcription: `speech`, `transcription` and their async twins."""


class ProviderConfig(_Model):
    """How to reach one provider: where its key lives and, for self-hosted servers, where it is."""

    env_key: str | None = None
    """Environment variable holding the API key; its value is passed to any-llm as `api_key`."""
    api_base: str | None = None
    """Base URL, for self-hosted or proxied endpoints (vLLM, llama.cpp, Ollama, gateways). `${VAR}` is expanded."""
    timeout: PositiveFloat | None = None
    """Per-request timeout in seconds. Unset keeps the provider SDK's default."""
    client_args: dict[str, Any] = Field(default_factory=dict)
    """Extra keyword arguments for the provider's client (e.g. `default_headers`). `${VAR}` is expanded."""
    type: str | None = None
    """The any-llm provider serving this entry; defaults to the entry's own name. Lets two entries of one
    provider type coexist, e.g. `gpu-a: {type: vllm, api_base: ...}` and `gpu-b: {type: vllm, ...}`."""


class PricingConfig(_Model):
    """Prices in USD per million tokens, so the runtime can report `cost_usd` without a network."""

    input_per_million: NonNegativeFloat | None = None
    """Price of one million prompt (input) tokens."""
    output_per_million: NonNegativeFloat | None = None
    """Price of one million completion (output) tokens, reasoning tokens included."""
    cached_input_per_million: NonNegativeFloat | None = None
    """Price of one million cached prompt tokens, when the provider reports them; else `input_per_million`."""


class FallbackConfig(_Model):
    """A target tried, in order, when the role's primary target keeps failing with retryable errors."""

    provider: str
    """Provider name, a key of `providers`."""
    model: str
    """Model id, as the provider spells it."""
    params: dict[str, Any] = Field(default_factory=dict)
    """Params merged over the role's own params for this target."""
    pricing: PricingConfig | None = None
    """This target's prices, for `cost_usd`."""


class CircuitBreakerConfig(_Model):
    """Skip a target that keeps failing, so calls go straight to a fallback until it recovers."""

    enabled: bool = True
    """Turn the breaker off entirely with `false`."""
    failure_threshold: PositiveInt = 5
    """Consecutive retryable failures of one target that open its circuit."""
    cooldown_seconds: NonNegativeFloat = 30.0
    """How long an open circuit skips the target before one trial call is let through."""


class ResilienceConfig(_Model):
    """Retries, backoff, fallbacks and circuit breaking.

    Every field can be set in llmhub.yaml (top level or per role) and from Python
    (`LLMHub(resilience=...)`); unset fields keep the defaults shown here.
    """

    max_retries: NonNegativeInt = 2
    """Retries per target after the first attempt: 2 means at most 3 requests to each target."""
    backoff_initial_seconds: NonNegativeFloat = 0.5
    """Wait before the first retry."""
    backoff_multiplier: float = Field(default=2.0, ge=1.0)
    """Each further retry waits this many times longer."""
    backoff_max_seconds: NonNegativeFloat = 8.0
    """Upper bound on one wait."""
    jitter: float = Field(default=0.25, ge=0.0, le=1.0)
    """Fraction of each wait that is randomised (0 = exact waits, 1 = anywhere from 0 to the full wait)."""
    respect_retry_after: bool = True
    """Wait as long as a 429's Retry-After asks (capped by `retry_after_max_seconds`)."""
    retry_after_max_seconds: NonNegativeFloat = 60.0
    """A Retry-After longer than this is not waited for: the target counts as failed and fallbacks are tried."""
    fallbacks: bool = True
    """Try the role's `fallbacks` after the primary target is exhausted."""
    circuit_breaker: CircuitBreakerConfig = Field(default_factory=CircuitBreakerConfig)
    """Per-target circuit breaker."""
    disable_sdk_retries: bool = True
    """Turn off the provider SDK's own hidden retries (the openai SDK retries twice by default), so that
    `max_retries` counts every request. Providers whose SDK has no retry setting keep their behaviour."""


class RoleConfig(_Model):
    """What one role calls: a concrete provider and model, with its params and fallbacks."""

    provider: str
    """Provider name, a key of `providers`."""
    model: str
    """Model id, as the provider spells it."""
    mode: LLMMode = LLMMode.chat
    """Which kind of call this role makes."""
    params: dict[str, Any] = Field(default_factory=dict)
    """Call parameters (temperature, max_tokens, dimensions, ...) merged over `defaults.params`."""
    fallbacks: list[FallbackConfig] = Field(default_factory=list)
    """Targets tried in order when this one keeps failing with retryable errors."""
    pricing: PricingConfig | None = None
    """The primary target's prices, for `cost_usd` in hooks."""
    resilience: ResilienceConfig | None = None
    """Overrides of the top-level `resilience` for this role (only the fields given)."""
    description: str | None = None
    """What the role is for (copied from the spec; informational)."""


class RoleDefaultsConfig(_Model):
    """Used for roles not listed in `roles`, and as the base params of roles of the same mode."""

    provider: str | None = None
    """Provider for unknown roles; without provider and model, unknown roles are an error."""
    model: str | None = None
    """Model for unknown roles."""
    mode: LLMMode = LLMMode.chat
    """Mode of unknown roles; `params` apply only to roles of this mode."""
    params: dict[str, Any] = Field(default_factory=dict)
    """Params every role of the same mode starts from."""
    pricing: PricingConfig | None = None
    """Prices of the default target."""


class RuntimeConfig(_Model):
    """The whole `llmhub.yaml`."""

    version: Literal[1] = 1
    """Schema version of this file."""
    project: str | None = None
    """Project name."""
    env: str | None = None
    """Environment this file was generated for (dev, staging, prod...)."""
    providers: dict[str, ProviderConfig] = Field(default_factory=dict)
    """Providers the roles may use, by any-llm provider name (or any name with `type`)."""
    roles: dict[str, RoleConfig] = Field(default_factory=dict)
    """Roles by name."""
    defaults: RoleDefaultsConfig | None = None
    """Fallback role and base params."""
    resilience: ResilienceConfig = Field(default_factory=ResilienceConfig)
    """Retries, backoff, fallbacks and circuit breaker for every role."""
    meta: dict[str, Any] | None = None
    """Free-form provenance written by the generator (llmhub version, catalog snapshot). Ignored by the runtime."""
