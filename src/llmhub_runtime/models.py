"""The `llmhub.yaml` schema: pydantic models the runtime loads and the generator emits.

The runtime owns this schema; the `llmhub` tool writes instances of `RuntimeConfig`. Every model
forbids unknown keys, so a typo in the file is an error rather than a silently ignored setting.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeFloat,
    NonNegativeInt,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .params import Params, check_mode_params

__all__ = [
    "BudgetConfig",
    "CacheConfig",
    "CircuitBreakerConfig",
    "EnvVarName",
    "FallbackConfig",
    "LLMMode",
    "PriceTierConfig",
    "PricingConfig",
    "ProjectBudgetConfig",
    "ProviderConfig",
    "ProviderName",
    "ResilienceConfig",
    "RoleCacheConfig",
    "RoleConfig",
    "RoleDefaultsConfig",
    "RuntimeConfig",
    "VariantConfig",
    "check_env_name",
    "check_env_var_name",
    "check_provider_name",
    "is_env_var_name",
]

# Names that end up in files the tool writes (`.env`, `.env.example`, llmhub.yaml) and in environment
# lookups. A name is only ever accepted whole (fullmatch, never `$`, which would let a trailing newline
# through): a newline in an `env_key` once let a spec append `OPENAI_BASE_URL=<attacker>` to `.env`.
_ENV_VAR_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}")
_PROVIDER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}")
# Variables that steer where requests go or how the process runs. Naming one as a provider's key would
# send its value to the provider as a credential, and `env sync` would add it to `.env`: never a key.
_SETTING_SUFFIXES = ("_BASE_URL", "_API_BASE", "_BASE", "_URL", "_URI", "_ENDPOINT", "_HOST", "_PROXY", "_PATH")
_SETTING_NAMES = frozenset(
    {
        "PATH",
        "HOME",
        "SHELL",
        "USER",
        "PYTHONPATH",
        "PYTHONHOME",
        "PYTHONSTARTUP",
        "LD_PRELOAD",
        "LD_LIBRARY_PATH",
        "SSL_CERT_FILE",
        "SSL_CERT_DIR",
        "REQUESTS_CA_BUNDLE",
        "CURL_CA_BUNDLE",
        "NO_PROXY",
    }
)


def _shown(value: str) -> str:
    # repr() escapes newlines and control characters, so the message itself cannot inject anything.
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def is_env_var_name(value: str) -> bool:
    """Whether `value` is a plain environment variable name (letters, digits, `_`; no leading digit)."""
    return _ENV_VAR_NAME.fullmatch(value) is not None


def check_env_var_name(value: str) -> str:
    """Accept a plain environment variable name that can hold a credential; raise ValueError otherwise.

    Letters, digits and `_`, not starting with a digit, at most 128 characters; and not a variable
    that configures endpoints or the process (`OPENAI_BASE_URL`, `HTTPS_PROXY`, `PATH`, ...).
    """
    if not is_env_var_name(value):
        raise ValueError(
            f"{_shown(value)} is not a plain environment variable name; use letters, digits and '_' "
            "(not starting with a digit), e.g. OPENAI_API_KEY"
        )
    upper = value.upper()
    if upper in _SETTING_NAMES or upper.endswith(_SETTING_SUFFIXES):
        raise ValueError(
            f"{value} configures an endpoint or the process, it is not an API key; name the variable that "
            "holds the key, e.g. OPENAI_API_KEY (put a self-hosted URL in `api_base`)"
        )
    return value


_ENV_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}")


def check_env_name(value: str) -> str:
    """Accept an environment name (`dev`, `prod`, `eu-staging`); it becomes part of a file name.

    `llmhub.<env>.yaml` is built from it, so `../..` or a slash would write outside the project.
    """
    if not _ENV_NAME.fullmatch(value):
        raise ValueError(
            f"{_shown(value)} is not an environment name; use letters, digits, '-' and '_' (e.g. prod, eu-staging)"
        )
    return value


def check_provider_name(value: str) -> str:
    """Accept a provider name (`openai`, `amazon-bedrock`, `gpu-a`); raise ValueError otherwise."""
    if not _PROVIDER_NAME.fullmatch(value):
        raise ValueError(
            f"{_shown(value)} is not a provider name; use letters, digits, '-', '_' and '.', "
            "starting with a letter or digit, e.g. openai or local-vllm"
        )
    return value


def check_api_base(value: str) -> str:
    """Accept an http(s) URL with a host (or one built from `${VAR}` references, checked when expanded)."""
    if "${" in value:
        return value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(
            f"{_shown(value)} is not an http(s) URL; write e.g. http://127.0.0.1:8000/v1 or https://gateway.example/v1"
        )
    return value


# Keys of client_args that would override what the provider block decides, with the fix.
_CLIENT_ARGS_OWNED = {
    "api_key": "never put secrets in a file; name the variable in `env_key`",
    "base_url": "set `api_base` instead",
    "api_base": "set `api_base` on the provider instead",
}


def check_client_args(value: dict[str, Any]) -> dict[str, Any]:
    """Refuse client_args that smuggle a key or a second endpoint past `env_key` and `api_base`."""
    for key in value:
        fix = _CLIENT_ARGS_OWNED.get(str(key).lower())
        if fix is not None:
            raise ValueError(f"client_args may not set {key!r}: {fix}")
    return value


EnvVarName = Annotated[str, AfterValidator(check_env_var_name)]
"""An environment variable that holds a credential (validated by `check_env_var_name`)."""
ProviderName = Annotated[str, AfterValidator(check_provider_name)]
"""A provider entry's name or any-llm provider type (validated by `check_provider_name`)."""
ApiBase = Annotated[str, AfterValidator(check_api_base)]
"""A provider's base URL: http(s) with a host, or built from `${VAR}` references."""
ClientArgs = Annotated[dict[str, Any], AfterValidator(check_client_args)]
"""Extra client arguments, never the key or the endpoint."""
Seconds = Annotated[float, Field(gt=0, le=3600)]
"""A positive duration of at most an hour."""


class _Model(BaseModel):
    # allow_inf_nan=False: `timeout: .inf` or a price of `.nan` is a typo or an attack, never a setting.
    # No use_attribute_docstrings: reading every class's source costs apps ~12 ms of `import llmhub_runtime`;
    # the field docstrings are read where they are shown (llmhub.schemas.field_docs: schemas, docs tables).
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class LLMMode(StrEnum):
    """What kind of call a role makes, which decides the `LLMHub` method that serves it."""

    chat = "chat"
    """Chat completions: `completion` / `acompletion`."""
    embedding = "embedding"
    """Vector embeddings: `embedding` / `aembedding`."""
    image = "image"
    """Image generation: `image_generation` / `aimage_generation`."""
    transcription = "transcription"
    """Speech to text: `transcription` / `atranscription`."""
    speech = "speech"
    """Text to speech: `speech` / `aspeech`."""
    audio = "audio"
    """Either of the two (the seeds' mode): `speech`, `transcription` and their async twins. Generated
    files say `transcription` or `speech`, so a role cannot be called in the direction its model lacks."""


class ProviderConfig(_Model):
    """How to reach one provider: where its key lives and, for self-hosted servers, where it is."""

    env_key: EnvVarName | None = None
    """Environment variable holding the API key, passed to any-llm as `api_key`: a plain name (letters, digits, `_`),
    not one that steers requests (`*_BASE_URL`, `*_PROXY`, `PATH`, ...)."""
    api_base: ApiBase | None = None
    """Base URL for self-hosted or proxied endpoints (vLLM, llama.cpp, Ollama, gateways): `http(s)://` with a host
    (no `file://`, no scheme-less values); `${VAR}` expanded."""
    timeout: Seconds | None = None
    """Per-request timeout in seconds, up to 3600 (completions on every provider that has one; other operations on
    OpenAI-compatible providers)."""
    client_args: ClientArgs = Field(default_factory=dict)
    """Extra arguments for the provider's client (e.g. `default_headers`); `${VAR}` expanded; never `api_key` or
    `base_url` (use `env_key` and `api_base`)."""
    type: ProviderName | None = None
    """The any-llm provider serving this entry, so two entries of one type can coexist, e.g. `gpu-a: {type: vllm,
    api_base: ...}` and `gpu-b: {type: vllm, ...}`."""


class PriceTierConfig(_Model):
    """Prices that replace the list prices once a prompt is longer than `above_tokens` (a long-context tier)."""

    above_tokens: NonNegativeInt
    """The prompt length, in tokens, above which these prices apply (e.g. 200000)."""
    input_per_million: NonNegativeFloat | None = None
    """Input price in this tier; the list price when not given."""
    output_per_million: NonNegativeFloat | None = None
    """Output price in this tier; the list price when not given."""
    cached_input_per_million: NonNegativeFloat | None = None
    """Cached input price in this tier; the list cached price when not given."""


class PricingConfig(_Model):
    """Prices in USD per million tokens, so the runtime can report `cost_usd` without a network."""

    input_per_million: NonNegativeFloat | None = None
    """Price of one million prompt (input) tokens."""
    output_per_million: NonNegativeFloat | None = None
    """Price of one million completion (output) tokens, reasoning tokens included."""
    cached_input_per_million: NonNegativeFloat | None = None
    """Price of one million cached prompt tokens, when the provider reports them; else `input_per_million`."""
    tiers: list[PriceTierConfig] = Field(default_factory=list)
    """Long-prompt prices (models.dev's `context_over_200k`): the highest tier whose `above_tokens` the prompt
    exceeds sets the prices of the whole call."""

    def at(self, prompt_tokens: int) -> PricingConfig:
        """The prices that apply to a prompt of `prompt_tokens` tokens (this object when no tier applies)."""
        applying = [t for t in self.tiers if prompt_tokens > t.above_tokens]
        if not applying:
            return self
        tier = max(applying, key=lambda t: t.above_tokens)
        return PricingConfig(
            input_per_million=_first(tier.input_per_million, self.input_per_million),
            output_per_million=_first(tier.output_per_million, self.output_per_million),
            cached_input_per_million=_first(tier.cached_input_per_million, self.cached_input_per_million),
        )


def _first(*values: float | None) -> float | None:
    return next((v for v in values if v is not None), None)


class FallbackConfig(_Model):
    """A target tried, in order, when the role's primary target keeps failing with retryable errors."""

    provider: ProviderName
    """Provider name, a key of `providers`."""
    model: str
    """Model id, as the provider spells it."""
    params: Params = Field(default_factory=dict)
    """Params merged over the role's own params for this target."""
    pricing: PricingConfig | None = None
    """This target's prices, for `cost_usd`."""


class CircuitBreakerConfig(_Model):
    """Skip a target that keeps failing, so calls go straight to a fallback until it recovers."""

    enabled: bool = True
    """Turn the breaker off entirely with `false`."""
    failure_threshold: int = Field(default=5, ge=1, le=1000)
    """Consecutive retryable failures of one target that open its circuit."""
    cooldown_seconds: float = Field(default=30.0, ge=0, le=86400)
    """How long an open circuit skips the target before one trial call is let through (at most a day)."""


class ResilienceConfig(_Model):
    """Retries, backoff, fallbacks and circuit breaking.

    Every field can be set in llmhub.yaml (top level or per role) and from Python
    (`LLMHub(resilience=...)`); unset fields keep the defaults shown here.
    """

    max_retries: int = Field(default=2, ge=0, le=10)
    """Retries per target after the first attempt (at most 10): 2 means at most 3 requests to each target."""
    backoff_initial_seconds: float = Field(default=0.5, ge=0, le=60)
    """Wait before the first retry (at most 60)."""
    backoff_multiplier: float = Field(default=2.0, ge=1.0, le=10.0)
    """Each further retry waits this many times longer (1 to 10)."""
    backoff_max_seconds: float = Field(default=8.0, ge=0, le=600)
    """Upper bound on one wait (at most 600)."""
    jitter: float = Field(default=0.25, ge=0.0, le=1.0)
    """Fraction of each wait that is randomised (0 = exact waits, 1 = anywhere from 0 to the full wait)."""
    respect_retry_after: bool = True
    """Wait as long as a 429's `Retry-After` asks (capped by `retry_after_max_seconds`)."""
    retry_after_max_seconds: float = Field(default=60.0, ge=0, le=3600)
    """Longer `Retry-After` values are not waited for: the target counts as failed and the call moves on to the
    fallbacks instead (at most 3600)."""
    fallbacks: bool = True
    """Try the role's `fallbacks` after the primary target is exhausted."""
    circuit_breaker: CircuitBreakerConfig = Field(default_factory=CircuitBreakerConfig)
    """Per-target circuit breaker."""
    disable_sdk_retries: bool = True
    """Turn off the provider SDK's own hidden retries (the openai SDK retries twice by default), so that
    `max_retries` counts every request; providers whose SDK has no retry setting keep their behaviour."""


class CacheConfig(_Model):
    """Where cached responses are stored (top-level `cache:`); roles opt in with their own `cache:` block."""

    dir: str | None = None
    """Directory of the response cache (a diskcache store, shared by every process that names it); a relative
    path is relative to the folder of llmhub.yaml. Default: `$LLMHUB_CACHE_DIR/responses`, else
    `~/.cache/llmhub/responses`."""
    max_bytes: int = Field(default=256 * 1024 * 1024, ge=1024 * 1024, le=1024**4)
    """Size bound of the store in bytes (1 MiB to 1 TiB); beyond it the oldest entries are evicted."""
    version: int = Field(default=1, ge=1)
    """Part of every cache key: raise it to start from an empty cache (e.g. when a provider changed what a model
    id serves)."""


class RoleCacheConfig(_Model):
    """Reuse this role's answers to identical deterministic requests (temperature 0 or a seed; not streamed)."""

    ttl: float = Field(default=3600.0, gt=0, le=366 * 86400)
    """How long an answer is reused, in seconds (at most a year)."""
    enabled: bool = True
    """Turn the role's cache off without deleting the block."""


def _params_for_mode(params: Any, info: ValidationInfo) -> Any:
    """A role's params with the documented aliases renamed, checked for its mode (validated just before)."""
    mode = info.data.get("mode", LLMMode.chat)
    return check_mode_params(str(getattr(mode, "value", mode)), params) if isinstance(params, dict) else params


def _fallback_params_for_mode(fallbacks: Any, info: ValidationInfo) -> Any:
    """Each fallback's params, checked for the role's mode like the role's own."""
    if not isinstance(fallbacks, list):
        return fallbacks
    return [
        {**target, "params": _params_for_mode(target["params"], info)}
        if isinstance(target, dict) and isinstance(target.get("params"), dict)
        else target
        for target in fallbacks
    ]


Usd = Annotated[float, Field(ge=0, le=1e9)]
"""An amount in US dollars."""


class _BudgetLimits(_Model):
    period: Literal["day", "month"] = "month"
    """The spend is counted per calendar `day` or `month` (UTC) and starts again from 0 at the next one."""
    soft_usd: Usd | None = None
    """Spend in the period at which an `on_event` warning (`budget_soft_limit`) and a log line are sent, once."""
    hard_usd: Usd | None = None
    """Spend in the period from which calls are refused with `BudgetExceededError` (or sent to the role's
    `fallback_variant`)."""

    @model_validator(mode="after")
    def _check_limits(self) -> _BudgetLimits:
        if self.soft_usd is not None and self.hard_usd is not None and self.soft_usd > self.hard_usd:
            raise ValueError(
                f"soft_usd ({self.soft_usd}) is above hard_usd ({self.hard_usd}): the warning would come after the "
                "refusal; lower soft_usd"
            )
        return self


class BudgetConfig(_BudgetLimits):
    """A role's spending limits (`roles.<name>.budget`), counted from the `cost_usd` of its calls."""

    fallback_variant: str | None = None
    """A variant of this role (typically a cheaper model, `weight: 0`) that serves every call once this role's or
    the project's hard limit is reached, instead of refusing it."""


class ProjectBudgetConfig(_BudgetLimits):
    """The whole project's spending limits (top-level `budget:`), counted from the `cost_usd` of every call."""

    store: str | None = None
    """A JSON file that every process of this app counts spend in (file-locked), so several workers share one
    budget; a relative path is relative to the folder of llmhub.yaml. Default: each process counts its own."""


_VARIANT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}")


def check_variant_name(value: str) -> str:
    """Accept a variant name (`control`, `gpt-4.1`, `b`); it appears in hook payloads and logs."""
    if not _VARIANT_NAME.fullmatch(value):
        raise ValueError(f"{_shown(value)} is not a variant name; use letters, digits, '-', '_' and '.' (e.g. b)")
    return value


class VariantConfig(_Model):
    """One arm of a role's traffic split: its share of the calls, and what it changes from the role.

    Whatever a variant leaves out is the role's: `{name: control, weight: 0.8}` is the role itself,
    `{name: gpu-b, weight: 0.5, provider: gpu-b}` the same model on another deployment.
    """

    name: Annotated[str, AfterValidator(check_variant_name)]
    """Names the variant in hook payloads (`variant`), so results can be compared; unique within the role."""
    weight: float = Field(ge=0, le=1_000_000)
    """Relative share of the calls (weights need not add up to 1); 0 = never picked by weight, only by a budget's
    `fallback_variant`."""
    provider: ProviderName | None = None
    """Provider name, a key of `providers`; the role's when absent."""
    model: str | None = None
    """Model id; the role's when absent."""
    params: Params = Field(default_factory=dict)
    """Params merged over the role's params for this variant (and its fallbacks)."""
    fallbacks: list[FallbackConfig] | None = None
    """This variant's own fallbacks, tried in order; the role's when absent, none with `[]`."""
    pricing: PricingConfig | None = None
    """This variant's prices; the role's when absent and the variant keeps the role's model."""


def _variant_params_for_mode(variants: Any, info: ValidationInfo) -> Any:
    """Each variant's params and fallbacks' params, checked for the role's mode like the role's own."""
    if not isinstance(variants, list):
        return variants
    out = []
    for variant in variants:
        if isinstance(variant, dict):
            variant = dict(variant)
            if isinstance(variant.get("params"), dict):
                variant["params"] = _params_for_mode(variant["params"], info)
            if isinstance(variant.get("fallbacks"), list):
                variant["fallbacks"] = _fallback_params_for_mode(variant["fallbacks"], info)
        out.append(variant)
    return out


class RoleConfig(_Model):
    """What one role calls: a concrete provider and model, with its params and fallbacks."""

    _check_params = field_validator("params", mode="before")(_params_for_mode)
    _check_fallbacks = field_validator("fallbacks", mode="before")(_fallback_params_for_mode)
    _check_variants = field_validator("variants", mode="before")(_variant_params_for_mode)

    provider: ProviderName
    """Provider name, a key of `providers`."""
    model: str
    """Model id, as the provider spells it."""
    mode: LLMMode = LLMMode.chat
    """Which kind of call this role makes: `chat`, `embedding`, `image`, `transcription`, `speech`, or `audio`
    (either of the last two; generated files always name one, so a text-to-speech model is never called to
    transcribe)."""
    params: Params = Field(default_factory=dict)
    """Call parameters (temperature, max_tokens, dimensions, ...) merged over `defaults.params`; `model`, `provider`,
    `api_key`, `api_base`, `client_args` and `messages` are refused here."""
    fallbacks: list[FallbackConfig] = Field(default_factory=list)
    """Targets tried in order when this one keeps failing with retryable errors (`provider`, `model`, `params`,
    `pricing`)."""
    variants: list[VariantConfig] = Field(default_factory=list)
    """A weighted traffic split (A/B tests, load balancing across deployments): each call picks one variant by
    `weight`; each has its own fallbacks and circuit breaker, and hook payloads name it."""
    pricing: PricingConfig | None = None
    """The primary target's prices, for `cost_usd` in hooks: `input_per_million`, `output_per_million`,
    `cached_input_per_million` in USD, and `tiers` (`above_tokens` and the same three: a longer prompt pays them)."""
    resilience: ResilienceConfig | None = None
    """Overrides of the top-level `resilience` for this role (only the fields given)."""
    budget: BudgetConfig | None = None
    """Spending limits of this role per day or month: `soft_usd` (a warning event), `hard_usd` (calls refused),
    `fallback_variant` (served instead of refusing)."""
    cache: RoleCacheConfig | None = None
    """Reuse answers to identical deterministic requests (`ttl` in seconds; chat and embedding roles); off when
    absent. Needs `pip install 'llmhub[cache]'`."""
    description: str | None = None
    """What the role is for (copied from the spec; informational)."""

    @model_validator(mode="after")
    def _check_role(self) -> RoleConfig:
        if self.cache is not None and self.mode not in (LLMMode.chat, LLMMode.embedding):
            raise ValueError(f"cache: only chat and embedding roles are cached, not {self.mode.value}; remove it")
        names = [variant.name for variant in self.variants]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"variants: the name {duplicates[0]!r} is used twice; give each variant its own name")
        if self.variants and not any(variant.weight > 0 for variant in self.variants):
            raise ValueError("variants: every weight is 0, so no call could be served; give one a positive weight")
        fallback = self.budget.fallback_variant if self.budget is not None else None
        if fallback is not None and fallback not in names:
            listed = ", ".join(names) or "none"
            raise ValueError(
                f"budget.fallback_variant: {fallback!r} is not one of this role's variants ({listed}); add it under "
                "`variants:` (with `weight: 0` to use it only when the budget runs out)"
            )
        return self


class RoleDefaultsConfig(_Model):
    """Used for roles not listed in `roles`, and as the base params of roles of the same mode."""

    _check_params = field_validator("params", mode="before")(_params_for_mode)

    provider: ProviderName | None = None
    """Provider for unknown roles (needs `model` too); without provider and model, unknown roles are an error."""
    model: str | None = None
    """Model for unknown roles."""
    mode: LLMMode = LLMMode.chat
    """Mode of unknown roles; `params` apply only to roles of this mode."""
    params: Params = Field(default_factory=dict)
    """Base params: every role of the same mode starts from them."""
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
    providers: dict[ProviderName, ProviderConfig] = Field(default_factory=dict)
    """Providers the roles may use, by any-llm provider name (or any name with `type`)."""
    roles: dict[str, RoleConfig] = Field(default_factory=dict)
    """Roles by name."""
    defaults: RoleDefaultsConfig | None = None
    """Role used for unknown roles; base params."""
    resilience: ResilienceConfig = Field(default_factory=ResilienceConfig)
    """Retries, backoff, fallbacks and circuit breaker for every role."""
    cache: CacheConfig | None = None
    """Where the roles that set `cache:` store responses (`dir`, `max_bytes`, `version`)."""
    budget: ProjectBudgetConfig | None = None
    """Spending limits of the whole project per day or month (`soft_usd`, `hard_usd`), and where several workers
    count it (`store`)."""
    meta: dict[str, Any] | None = None
    """Free-form provenance written by the generator (llmhub version, catalog snapshot); ignored by the runtime."""
