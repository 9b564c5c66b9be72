"""Provider names: models.dev ids <-> any-llm provider names, from data/providers.yaml."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from llmhub.catalog._data import load_data

__all__ = ["ProviderMapping", "anyllm_name_for", "provider_mappings"]


@dataclass(frozen=True)
class ProviderMapping:
    """How one any-llm provider relates to models.dev."""

    anyllm: str
    """The provider name in any-llm and in llmhub.yaml."""
    modelsdev: str | None
    """The models.dev provider that lists its models, if any."""
    api_base: str | None = None
    """The endpoint of the models.dev listing, when it differs from any-llm's default."""
    note: str | None = None
    key: str | None = None
    """The variable any-llm reads the API key from; None when the provider takes no key variable."""


@functools.cache
def provider_mappings() -> dict[str, ProviderMapping]:
    """Every any-llm provider, keyed by its name."""
    raw = load_data("providers.yaml")
    return {
        name: ProviderMapping(
            anyllm=name,
            modelsdev=entry.get("modelsdev"),
            api_base=entry.get("api_base"),
            note=entry.get("note"),
            key=entry.get("key"),
        )
        for name, entry in raw.items()
    }


@functools.cache
def _by_modelsdev() -> dict[str, str]:
    return {m.modelsdev: m.anyllm for m in provider_mappings().values() if m.modelsdev}


def anyllm_name_for(modelsdev_provider: str) -> str | None:
    """The any-llm provider serving a models.dev provider's models, or None when any-llm cannot call them."""
    return _by_modelsdev().get(modelsdev_provider)


def is_anyllm_provider(name: str) -> bool:
    """Whether `name` is a provider any-llm can call."""
    return name in provider_mappings()
