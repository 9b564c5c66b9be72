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
    ValidationInfo,
    field_validator,
    model_validator,
)

from llmhub_runtime.models import (
    ApiBase,
    BudgetConfig,
    CacheConfig,
    ClientArgs,
    EnvVarName,
    ProjectBudgetConfig,
    ProviderName,
    ResilienceConfig,
    RoleCacheConfig,
    Seconds,
    check_env_name,
    check_variant_name,
)
from llmhub_runtime.params import Params, check_mode_params

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
    "TrafficSpec",
    "VariantSpec",
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
    """`low`: keep cost low (price weighs heavily); `high`: price hardly matters."""
    latency: PreferenceLevel | None = None
    """`low`: answers must come fast; `high`: slow is fine."""
    quality: PreferenceLevel | None = None
    """`high`: the best models; `low`: good enough is fine."""
    providers: list[ProviderName] | None = None
    """Providers this role may use: a hard limit (others are never picked, fallbacks included)."""


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
    """Let preview and experimental ids and moving aliases (`-latest`) compete with the pinned id of the same model
    (without it they give way to it; with no pinned twin they may still be picked, at a small penalty)."""
    fallback_price_ratio: PositiveFloat | None = None
    """The most a fallback may cost, as a multiple of the primary's blended price (default: the rules'
    `policy.fallback_price_ratio`, 8): raise it when an outage may cost more, lower it to hold the bill."""
    keyed_only: bool = False
    """Only providers whose key variable is set where `generate` runs (or that need none, like a self-hosted
    server): the others are left out, with a warning naming them (`generate --keyed-only` does it for one run).
    Spec-wide: set it in the top-level `policy`."""


class SpecProviderConfig(_Model):
    """A provider the project may use, and how to reach it."""

    enabled: bool = True
    """Disabled providers are never chosen."""
    env_key: EnvVarName | None = None
    """The environment variable holding the key, written into llmhub.yaml (the key itself never appears in any file);
    a plain name (letters, digits, `_`), never one that steers requests (`*_BASE_URL`, `*_PROXY`, `PATH`, ...)."""
    api_base: ApiBase | None = None
    """Base URL for self-hosted or proxied endpoints (vLLM, llama.cpp, Ollama, a gateway); `${VAR}` is expanded at
    run time."""
    timeout: Seconds | None = None
    """Per-request timeout in seconds."""
    client_args: ClientArgs = Field(default_factory=dict)
    """Extra arguments for the provider's client."""
    type: ProviderName | None = None
    """The any-llm provider serving this entry when its name is not one (two vLLM servers: `gpu-a: {type: vllm}`)."""


class TrafficSpec(_Model):
    """How much a role is used: what `llmhub cost` projects the monthly bill from."""

    requests_per_day: PositiveFloat | None = None
    """Calls a day (or give `requests_per_month`)."""
    requests_per_month: PositiveFloat | None = None
    """Calls a month (30 days), when that is how you count."""
    input_tokens: NonNegativeInt | None = None
    """Typical prompt tokens per call."""
    output_tokens: NonNegativeInt | None = None
    """Typical completion tokens per call (the visible answer; see `reasoning_tokens`)."""
    cached_share: float = Field(default=0.0, ge=0.0, le=1.0)
    """The share of prompt tokens served from the provider's prompt cache (0 to 1), priced at the cached rate."""
    reasoning_tokens: NonNegativeInt | None = None
    """Thinking tokens a reasoning model spends per call on top of `output_tokens`, billed as output; models the
    catalog marks as not reasoning are projected without them (`llmhub cost` counts them for the role's model)."""

    @model_validator(mode="after")
    def _one_count(self) -> TrafficSpec:
        if self.requests_per_day is not None and self.requests_per_month is not None:
            raise ValueError("give requests_per_day or requests_per_month, not both")
        return self


class VariantSpec(_Model):
    """One arm of a role's traffic split in llmhub.yaml.

    The pick, the rules' runner-up, a cheaper model, or a model or deployment you name.
    """

    name: Annotated[str, AfterValidator(check_variant_name)]
    """Names the variant in the hub's hook payloads, so results can be compared."""
    weight: float = Field(ge=0, le=1_000_000)
    """Relative share of the calls; 0 = only a budget's `fallback_variant` serves it."""
    pick: Literal["runner_up", "cheaper"] | None = None
    """`runner_up`: `generate` puts the rules' best other model here (an A/B test of the pick against it);
    `cheaper`: the best-ranked candidate that costs less than the pick (for `budget.fallback_variant`). Without
    it, the variant is the pick itself, or what `provider` and `model` name."""
    provider: ProviderName | None = None
    """Another deployment or host of the pick (a key of `providers`)."""
    model: str | None = None
    """A model you choose for this variant, as the provider spells it."""
    params: Params = Field(default_factory=dict)
    """Call parameters for this variant, over the role's."""

    @model_validator(mode="after")
    def _one_way(self) -> VariantSpec:
        if self.pick is not None and (self.model is not None or self.provider is not None):
            raise ValueError(f"variant {self.name!r}: give either pick or provider/model, not both")
        return self


class RoleSpec(_Model):
    """One role: what it is for, what it must have, what it should favour."""

    kind: RoleKind = RoleKind.chat
    """`chat`, `tool` (a chat model that must call tools), `embedding`, `image`, `transcription` (speech to text),
    `speech` (text to speech), `audio` (one of the two, as the description says: "transcribe ...", "read ... aloud";
    a description that says neither is an error): which kind of model, and the runtime mode."""
    description: str = ""
    """What the role does, in plain words: its task words choose the arena category that measures quality, and the
    LLM generator reads it."""
    preferences: PreferencesSpec = Field(default_factory=PreferencesSpec)
    """How much `cost`, `latency` and `quality` matter (`low`/`medium`/`high`), and which `providers` are allowed
    (see below)."""
    requires: list[Capability] = Field(default_factory=list)
    """Capabilities the model must have: `tools`, `vision`, `structured_output`, `reasoning`, `audio_input`, `pdf`."""
    min_context: PositiveInt | None = None
    """Smallest acceptable context window, in tokens."""
    max_price: MaxPrice | None = None
    """`{input: X, output: Y}` ceilings in USD per million tokens; models above them, or without a known price, are
    excluded."""
    open_weights_only: bool = False
    """Only models with open weights."""
    exclude: list[str] = Field(default_factory=list)
    """Glob patterns of models never to pick, matched against `provider:model` and the bare model id."""
    fallbacks: NonNegativeInt | None = None
    """How many fallbacks to write for the runtime."""
    force_provider: ProviderName | None = None
    """Only this provider (primary and fallbacks)."""
    force_model: str | None = None
    """This model, as the provider spells it; used with a warning when the catalog does not know it."""
    task: str | None = None
    """Overrides the task the description implies: `translation` (measured on the arena's boards for the languages
    the description names), `coding`, `vision`, `reasoning`, `creative`, `extraction`, `legal`, `medical`, `finance`
    (the arena's industry boards), `long_context`, `conversation`, `general` (the rules' `tasks:`)."""
    languages: list[str] = Field(default_factory=list)
    """Languages the role reads or writes, by the rules' names (`chinese`, `english`, `french`, `german`, `japanese`,
    `korean`, `russian`, `spanish`), as if the description named them: a translation role is measured on their arena
    boards, and two or more make the role a translation role unless its `task:` says otherwise."""
    mode_params: Params = Field(default_factory=dict)
    """Call parameters for llmhub.yaml (`temperature`, `max_tokens`, `dimensions`...), over the rules' defaults."""
    resilience: ResilienceConfig | None = None
    """This role's retry and circuit-breaker settings, copied into llmhub.yaml as written."""
    policy: PolicySpec | None = None
    """This role's overrides of `free_tiers` and `previews` (only the fields given)."""
    traffic: TrafficSpec | None = None
    """Expected volume (`requests_per_day`, `input_tokens`, `output_tokens`, `cached_share`): `llmhub cost`
    projects the bill from it."""
    monthly_budget: PositiveFloat | None = None
    """The most this role may cost a month, in USD, at its `traffic:` (which must give requests and tokens): a
    hard constraint, so models whose projected cost is higher, or unknown, are excluded. Without a `budget:`,
    llmhub.yaml gets `budget: {soft_usd: <this>}`: the hub warns when real spend reaches the forecast."""
    variants: list[VariantSpec] = Field(default_factory=list)
    """A weighted traffic split written into llmhub.yaml (`name`, `weight`, and `pick: runner_up|cheaper` or
    `provider`/`model`); the pick serves every variant that names nothing."""
    budget: BudgetConfig | None = None
    """Run-time spending limits copied into llmhub.yaml (`period`, `soft_usd`, `hard_usd`, `fallback_variant`)."""
    cache: RoleCacheConfig | None = None
    """Reuse answers to identical deterministic requests at run time (`ttl` seconds), copied into llmhub.yaml."""

    @model_validator(mode="after")
    def _variants_fit(self) -> RoleSpec:
        names = [v.name for v in self.variants]
        if len(set(names)) < len(names):
            raise ValueError("variants: each variant needs its own name")
        if self.variants and not any(v.weight > 0 for v in self.variants):
            raise ValueError("variants: every weight is 0, so no call could be served; give one a positive weight")
        if self.cache is not None and self.kind not in (RoleKind.chat, RoleKind.tool, RoleKind.embedding):
            raise ValueError(f"cache: only chat, tool and embedding roles are cached, not {self.kind.value}; remove it")
        if self.kind == RoleKind.embedding and any(v.pick or v.model for v in self.variants):
            raise ValueError(
                "variants: an embedding role's variants must keep its model (a different model's vectors do not "
                "match the stored index); split across providers of the same model with `provider:` only"
            )
        fallback = self.budget.fallback_variant if self.budget is not None else None
        if fallback is not None and fallback not in names:
            raise ValueError(
                f"budget.fallback_variant {fallback!r} is not one of the role's variants; add it under variants "
                "(e.g. `{name: " + fallback + ", weight: 0, pick: cheaper}`)"
            )
        return self

    @model_validator(mode="after")
    def _budget_needs_traffic(self) -> RoleSpec:
        # A budget without a volume could exclude nothing or everything: say so rather than guess.
        if self.monthly_budget is not None:
            t = self.traffic
            # An embedding call has no output tokens to price.
            outputs = 0 if self.kind == RoleKind.embedding else (t.output_tokens if t is not None else None)
            if t is None or None in (t.input_tokens, outputs) or not (t.requests_per_day or t.requests_per_month):
                raise ValueError(
                    "monthly_budget needs the role's traffic: give traffic.requests_per_day (or requests_per_month), "
                    "input_tokens and output_tokens, or remove monthly_budget"
                )
        return self

    @field_validator("languages")
    @classmethod
    def _language_names(cls, languages: list[str]) -> list[str]:
        # Names as the rules spell them (`French` is `french`), each once, in the order given.
        return list(dict.fromkeys(name.strip().lower() for name in languages))

    @field_validator("mode_params", mode="before")
    @classmethod
    def _params_for_kind(cls, params: Any, info: ValidationInfo) -> Any:
        # The runtime checks the same names for the mode this kind becomes (a tool role is a chat call).
        kind = info.data.get("kind", RoleKind.chat)
        mode = {"tool": "chat"}.get(str(kind), str(kind))
        return check_mode_params(mode, params) if isinstance(params, dict) else params


class SpecDefaults(_Model):
    """What every role inherits unless it says otherwise."""

    providers: list[ProviderName] | None = None
    """Providers roles may use when their preferences do not say."""
    preferences: PreferencesSpec | None = None
    """Levels every role inherits for the criteria it does not set (and llmhub.yaml's `defaults` role)."""
    fallbacks: NonNegativeInt | None = None
    """How many fallbacks roles get unless they say (the rules' default is 2)."""


class GeneratorSpec(_Model):
    """The model the LLM-assisted generator uses ($LLMHUB_GENERATOR_MODEL overrides it)."""

    model: str | None = None
    """`provider:model` (e.g. `openai:gpt-4.1-mini`); `$LLMHUB_GENERATOR_MODEL` overrides it. The provider's settings
    (key, `api_base`, timeout) come from `providers:`."""
    enabled: bool = True
    """`false` always uses the rules, like `llmhub generate --no-llm`."""
    timeout: PositiveFloat = 60.0
    """Seconds allowed per LLM call."""
    shortlist: PositiveInt = 8
    """Candidates the rules put before the LLM per role."""
    mode: Literal["json", "tools", "agent"] = "agent"
    """How the LLM takes part: `json` or `tools` (it picks from the rules' shortlist, answering in JSON content or
    a function call), or `agent` (it researches the catalog with tools, within `research_steps` turns and
    `research_tokens` tokens per role, and its pick is checked against every hard constraint)."""
    research_steps: PositiveInt = 8
    """With `mode: agent`: LLM turns per role before the rules decide."""
    research_tokens: PositiveInt = 40_000
    """With `mode: agent`: prompt plus completion tokens per role before the rules decide."""


class SpecConfig(_Model):
    """The whole `llmhub.spec.yaml`."""

    version: Literal[1] = 1
    """Format version of this file."""
    project: str = "my-app"
    """The project's name, copied into llmhub.yaml."""
    env: EnvName = "dev"
    """The environment this file describes; `--env NAME` applies `environments.NAME` and sets it."""
    providers: dict[ProviderName, SpecProviderConfig] = Field(default_factory=dict)
    """Providers the project may use, by any-llm name (or any name with `type:`)."""
    roles: dict[str, RoleSpec] = Field(default_factory=dict)
    """The roles the app calls, by name (e.g. `llm.inference`)."""
    defaults: SpecDefaults | None = None
    """What roles inherit; with it, llmhub.yaml also gets a `defaults` role for unknown role names."""
    generator: GeneratorSpec | None = None
    """The LLM that helps choose (without it, the rules choose)."""
    resilience: ResilienceConfig | None = None
    """Retries, backoff, fallbacks and circuit breaker for every role, copied into llmhub.yaml as written
    ([runtime.md](runtime.md#resilience))."""
    policy: PolicySpec | None = None
    """`{free_tiers: false, previews: false}`: whether free tiers and preview ids may be picked (see below; per role:
    `roles.<name>.policy`)."""
    budget: ProjectBudgetConfig | None = None
    """Run-time spending limits of the whole app, copied into llmhub.yaml (`period`, `soft_usd`, `hard_usd`,
    `store`)."""
    cache: CacheConfig | None = None
    """Where the roles that set `cache:` store responses (`dir`, `max_bytes`, `version`), copied into llmhub.yaml."""
    monthly_budget: PositiveFloat | None = None
    """The most all roles together may cost a month, in USD, at their `traffic:`: picks over it are traded for
    cheaper ones, the role that loses the least quality per dollar first (roles without traffic are not counted;
    a warning names them). Without a top-level `budget:`, llmhub.yaml gets `budget: {soft_usd: <this>}`."""
    environments: dict[EnvName, dict[str, Any]] = Field(default_factory=dict)
    """Per-environment overlays merged over this file by `llmhub generate --env NAME`, same shape as this file."""

    @model_validator(mode="after")
    def _variant_providers_declared(self) -> SpecConfig:
        # A variant on an undeclared provider would be written into llmhub.yaml with no way to reach it.
        for name, role in self.roles.items():
            for variant in role.variants:
                provider = variant.provider
                if provider is not None and (provider not in self.providers or not self.providers[provider].enabled):
                    declared = ", ".join(p for p, c in self.providers.items() if c.enabled) or "none"
                    raise ValueError(
                        f"roles.{name}.variants: variant {variant.name!r} names provider {provider!r}, which is not "
                        f"an enabled provider of this spec (enabled: {declared}); add it under `providers:`"
                    )
        return self
