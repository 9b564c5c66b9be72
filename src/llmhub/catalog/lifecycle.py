"""Lifecycle facts from LiteLLM: when a catalog model is retired, and what replaces it.

A LiteLLM entry is matched to a catalog model only when both of these hold (precision first: a
wrong retirement date would push a role off a model that still works):

* the provider is the same: `litellm_provider` names the models.dev provider listing the model
  (`_PROVIDERS`: `gemini` is models.dev's `google`, `vertex_ai-anthropic_models` its
  `google-vertex-anthropic`...). LiteLLM providers not in the table match nothing;
* the id is the same, exactly, once LiteLLM's routing prefix is removed from its key
  (`openai/gpt-4o-2024-05-13` and `gpt-4o-2024-05-13` are both `gpt-4o-2024-05-13`;
  `vertex_ai/claude-opus-4-5@20251101` is `claude-opus-4-5@20251101`). Region or tier paths
  (`bedrock/us-east-1/...`, `high/1024-x-1024/gpt-image-1`) stay in the id, so they match nothing.

A successor is recorded as the provider's own id, like the model's (LiteLLM's routing prefix
removed: `azure_ai/claude-haiku-5-5` is `claude-haiku-5-5` at the same provider). When two entries
match one model and disagree (two different dates, or successors), the model gets neither.
Facts a model already has (from models.dev) are kept. A model whose deprecation date is on or before
the build's date is also marked `deprecated`, unless the user's overrides file says otherwise.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from llmhub.catalog.models import FieldSource, ModelDraft
from llmhub.catalog.providers import provider_mappings
from llmhub.catalog.sources.litellm import NAME, LifecycleEntry

__all__ = ["LifecycleReport", "apply_lifecycle", "litellm_model_id"]

GROUP = "lifecycle"

_PROVIDERS: dict[str, tuple[str, ...]] = {
    "openai": ("openai",),
    "text-completion-openai": ("openai",),
    "anthropic": ("anthropic",),
    # Azure OpenAI and Azure AI Foundry share models.dev's Azure listings.
    "azure": ("azure", "azure-cognitive-services"),
    "azure_text": ("azure", "azure-cognitive-services"),
    "azure_ai": ("azure", "azure-cognitive-services"),
    "bedrock": ("amazon-bedrock",),
    "bedrock_converse": ("amazon-bedrock",),
    "gemini": ("google",),
    "vertex_ai": ("google-vertex",),
    "vertex_ai-language-models": ("google-vertex",),
    "vertex_ai-anthropic_models": ("google-vertex-anthropic", "google-vertex"),
    "vertex_ai-embedding-models": ("google-vertex",),
    "vertex_ai-vision-models": ("google-vertex",),
    "vertex_ai-image-models": ("google-vertex",),
    "vertex_ai-video-models": ("google-vertex",),
    "vertex_ai-ai21_models": ("google-vertex",),
    "vertex_ai-deepseek_models": ("google-vertex",),
    "vertex_ai-llama_models": ("google-vertex",),
    "vertex_ai-minimax_models": ("google-vertex",),
    "vertex_ai-mistral_models": ("google-vertex",),
    "vertex_ai-moonshot_models": ("google-vertex",),
    "vertex_ai-openai_models": ("google-vertex",),
    "vertex_ai-qwen_models": ("google-vertex",),
    "vertex_ai-zai_models": ("google-vertex",),
    "mistral": ("mistral",),
    "codestral": ("mistral",),
    "text-completion-codestral": ("mistral",),
    "xai": ("xai",),
    "deepseek": ("deepseek",),
    "groq": ("groq",),
    "cerebras": ("cerebras",),
    "fireworks_ai": ("fireworks-ai",),
    "fireworks_ai-embedding-models": ("fireworks-ai",),
    "together_ai": ("togetherai",),
    "moonshot": ("moonshotai", "moonshotai-cn"),
    "cohere": ("cohere",),
    "cohere_chat": ("cohere",),
    "dashscope": ("alibaba",),
    "databricks": ("databricks",),
    "deepinfra": ("deepinfra",),
    "github_copilot": ("github-copilot",),
    "baseten": ("baseten",),
    "wandb": ("wandb",),
    "scaleway": ("scaleway",),
    "aiand": ("aiand",),
    "openrouter": ("openrouter",),
    "perplexity": ("perplexity",),
    "nebius": ("nebius",),
    "novita": ("novita-ai",),
    "ovhcloud": ("ovhcloud",),
    "oci": ("oci",),
    "volcengine": ("volcengine",),
    "watsonx": ("watsonx",),
    "zai": ("zai",),
    "minimax": ("minimax",),
    "inception": ("inception",),
    "huggingface": ("huggingface",),
    "vercel_ai_gateway": ("vercel",),
    "cloudflare": ("cloudflare-workers-ai",),
    "gmi": ("gmicloud",),
    "friendliai": ("friendli",),
    "snowflake": ("snowflake-cortex",),
    "xiaomi_mimo": ("xiaomi",),
    "meta_llama": ("llama",),
    "v0": ("v0",),
    "morph": ("morph",),
    "crusoe": ("crusoe",),
    "sarvam": ("sarvam",),
    "empiriolabs": ("empiriolabs",),
    "aihubmix": ("aihubmix",),
    "scx-ai": ("scx-ai",),
    "opencode_go": ("opencode-go",),
    "coralbricks": ("coralbricks",),
}
"""LiteLLM provider -> the models.dev providers whose listings are the same service."""

_ROUTE_PREFIXES: dict[str, tuple[str, ...]] = {
    "azure_text": ("azure",),
    "bedrock_converse": ("bedrock",),
    "fireworks_ai-embedding-models": ("fireworks_ai",),
    "text-completion-codestral": ("codestral",),
}
"""Key prefixes LiteLLM routes a provider's models under, besides the provider's own name."""


@dataclass
class LifecycleReport:
    """What applying LiteLLM's lifecycle facts did, for the build's report."""

    entries: int = 0
    """LiteLLM entries with a deprecation date or a successor."""
    matched_entries: int = 0
    """Of those, the ones matched to at least one catalog model."""
    dated: int = 0
    """Catalog models given a deprecation date."""
    successors: int = 0
    """Catalog models given a successor."""
    conflicts: int = 0
    """Catalog models left without a fact because two matching entries disagreed about it."""
    deprecated_by_date: int = 0
    """Catalog models marked deprecated because their deprecation date has passed."""

    def describe(self) -> str:
        """One line for the source's status."""
        text = (
            f"{self.matched_entries} of {self.entries} LiteLLM entries with lifecycle facts matched: "
            f"{self.dated} models dated, {self.successors} with a successor, "
            f"{self.deprecated_by_date} past their date marked deprecated"
        )
        return text + (f"; {self.conflicts} left out (entries disagree)" if self.conflicts else "")


def litellm_model_id(key: str, provider: str) -> str:
    """The provider's own model id in a LiteLLM key: the key without LiteLLM's routing prefix."""
    head, sep, rest = key.partition("/")
    if sep and rest and (head == provider or head in _route_prefixes(provider)):
        return rest
    return key


def _route_prefixes(provider: str) -> tuple[str, ...]:
    if provider.startswith("vertex_ai"):
        return ("vertex_ai",)
    return _ROUTE_PREFIXES.get(provider, ())


def apply_lifecycle(
    models: Sequence[ModelDraft],
    entries: Iterable[LifecycleEntry],
    snapshot: str | None,
    today: date,
    protected: Collection[str] = (),
) -> LifecycleReport:
    """Set `deprecation_date`, `successor` and `deprecated` on the models LiteLLM's entries match.

    Args:
        models: The catalog models (changed in place).
        entries: LiteLLM's lifecycle entries.
        snapshot: The LiteLLM snapshot, recorded in provenance.
        today: The build's date: a deprecation date on or before it marks the model deprecated.
        protected: Canonical ids whose `deprecated` flag the user's overrides set: left alone.
    """
    report = LifecycleReport()
    # (models.dev provider, model id) -> the entries naming it; then one pass over the catalog.
    wanted: dict[tuple[str, str], list[LifecycleEntry]] = {}
    for entry in entries:
        report.entries += 1
        model_id = litellm_model_id(entry.key, entry.provider)
        for listing in _PROVIDERS.get(entry.provider, ()):
            wanted.setdefault((listing, model_id), []).append(entry)
    ids = {model_id for _, model_id in wanted}
    matched: set[str] = set()
    # catalog id -> the model and the entries matching it
    matches: dict[str, tuple[ModelDraft, list[LifecycleEntry]]] = {}
    for model in models:
        if model.model_id not in ids:
            continue
        found = wanted.get((_listing_provider(model), model.model_id))
        if found:
            matches[model.canonical_id] = (model, found)
            matched.update(e.key for e in found)
    report.matched_entries = len(matched)
    # Equal provenance entries and the maps extended with them are shared (a model's maps are
    # already shared with its neighbours), not made again for every model: fewer objects to keep,
    # cache and load.
    sources: dict[FieldSource, FieldSource] = {}
    extended: dict[tuple[int, FieldSource], tuple[Mapping[str, FieldSource], Mapping[str, FieldSource]]] = {}
    for model, found in sorted(matches.values(), key=lambda pair: pair[0].canonical_id):
        dates = {e.deprecation_date for e in found if e.deprecation_date is not None}
        successors = {litellm_model_id(e.successor, e.provider) for e in found if e.successor is not None}
        report.conflicts += len(dates) > 1 or len(successors) > 1
        used: set[str] = set()
        if len(dates) == 1 and model.deprecation_date is None:
            model.deprecation_date = next(iter(dates))
            used.update(e.key for e in found if e.deprecation_date == model.deprecation_date)
            report.dated += 1
        if len(successors) == 1 and model.successor is None:
            model.successor = next(iter(successors))
            used.update(
                e.key for e in found if e.successor and litellm_model_id(e.successor, e.provider) == model.successor
            )
            report.successors += 1
        if used:
            source = FieldSource(source=NAME, snapshot=snapshot, detail=f"LiteLLM {', '.join(sorted(used))}")
            source = sources.setdefault(source, source)
            # Keyed by the map's identity, kept alive in the value so that its id is not reused.
            known = extended.get((id(model.provenance), source))
            if known is None:
                known = extended[id(model.provenance), source] = (model.provenance, {**model.provenance, GROUP: source})
            model.provenance = known[1]
    report.deprecated_by_date = mark_past_deprecations(models, today, protected)
    return report


def mark_past_deprecations(models: Iterable[ModelDraft], today: date, protected: Collection[str] = ()) -> int:
    """Mark deprecated every model whose deprecation date is on or before `today`; how many were newly marked."""
    marked = 0
    cutoff = today.isoformat()
    for model in models:
        when = model.deprecation_date
        # ISO dates compare as strings; a partial date (2026-07) counts from its first day.
        if when is not None and not model.deprecated and when[:10] <= cutoff and model.canonical_id not in protected:
            model.deprecated = True
            marked += 1
    return marked


def _listing_provider(model: ModelDraft) -> str:
    """The models.dev provider listing a model (for a discovered or added one: its provider's listing)."""
    if model.modelsdev_provider:
        return model.modelsdev_provider
    mapping = provider_mappings().get(model.provider)
    return mapping.modelsdev if mapping is not None and mapping.modelsdev else model.provider
