"""Everything the llmhub tool takes from the process environment, read in one place.

`Settings.from_env()` reads the `LLMHUB_*` variables into one frozen object. The CLI builds it once
from the environment and its flags (`--offline` sets `offline`, it never writes a variable) and hands
it to every library call; a library function given no settings reads the environment at that moment,
so a script that sets a variable before calling gets what it expects. No other module of `llmhub`
reads `os.environ`: this one is where to look for what a variable does.

The runtime (`llmhub_runtime`) is a separate, light package with its own few variables
(`LLMHUB_CONFIG`, `LLMHUB_ENV`); `config_path` here mirrors the first so the CLI finds the file an
app's `LLMHub()` would load.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "ARENA_DATASET_URL_VAR",
    "CACHE_DIR_VAR",
    "CONFIG_VAR",
    "GENERATOR_MODEL_VAR",
    "NO_DOTENV_VAR",
    "OFFLINE_VAR",
    "OVERRIDES_VAR",
    "SOURCES_VAR",
    "Settings",
    "current",
]

SOURCES_VAR = "LLMHUB_CATALOG_SOURCES"
OFFLINE_VAR = "LLMHUB_OFFLINE"
CACHE_DIR_VAR = "LLMHUB_CACHE_DIR"
OVERRIDES_VAR = "LLMHUB_CATALOG_OVERRIDES"
ARENA_DATASET_URL_VAR = "LLMHUB_LMARENA_DATASET_URL"
GENERATOR_MODEL_VAR = "LLMHUB_GENERATOR_MODEL"
NO_DOTENV_VAR = "LLMHUB_NO_DOTENV"
CONFIG_VAR = "LLMHUB_CONFIG"

_TRUE = ("1", "true", "yes")


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in _TRUE


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


@dataclass(frozen=True)
class Settings:
    """The tool's settings: what the environment and the CLI's flags asked for."""

    offline: bool = False
    """Never touch the network (`$LLMHUB_OFFLINE`, `--offline`)."""
    sources_dir: Path | None = None
    """Build the catalog from this local mirror of its sources (`$LLMHUB_CATALOG_SOURCES`)."""
    cache_dir: Path | None = None
    """Root of the tool's cache; the catalog lives in `catalog/` under it (`$LLMHUB_CACHE_DIR`)."""
    overrides_path: Path | None = None
    """The catalog overrides file named explicitly (`$LLMHUB_CATALOG_OVERRIDES`)."""
    arena_dataset_url: str | None = None
    """Where the LMArena leaderboard dataset is read from (`$LLMHUB_LMARENA_DATASET_URL`)."""
    generator_model: str | None = None
    """`provider:model` for the LLM-assisted generator (`$LLMHUB_GENERATOR_MODEL`)."""
    no_dotenv: bool = False
    """Load no `.env` file (`$LLMHUB_NO_DOTENV`, `--no-dotenv`)."""
    config_path: Path | None = None
    """The runtime file an app's `LLMHub()` would load outside a project (`$LLMHUB_CONFIG`)."""
    environ: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)
    """The process environment when these settings were read: which key variables are set (never printed)."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **changes: Any) -> Settings:
        """Settings read from `environ` (default: the process environment), with `changes` over them."""
        env = dict(os.environ if environ is None else environ)
        read = cls(
            offline=_flag(env.get(OFFLINE_VAR)),
            sources_dir=_path(env.get(SOURCES_VAR)),
            cache_dir=_path(env.get(CACHE_DIR_VAR)),
            overrides_path=_path(env.get(OVERRIDES_VAR)),
            arena_dataset_url=env.get(ARENA_DATASET_URL_VAR) or None,
            generator_model=env.get(GENERATOR_MODEL_VAR) or None,
            no_dotenv=_flag(env.get(NO_DOTENV_VAR)),
            config_path=_path(env.get(CONFIG_VAR)),
            environ=env,
        )
        return read.replace(**changes) if changes else read

    def replace(self, **changes: Any) -> Settings:
        """A copy with `changes` applied (`settings.replace(offline=True)`)."""
        return dataclasses.replace(self, **changes)

    def variable(self, name: str) -> str | None:
        """The value of environment variable `name` when these settings were read; None when unset or empty."""
        return self.environ.get(name) or None

    def refreshed(self) -> Settings:
        """These settings over the environment as it is now (after a `.env` file was loaded, say)."""
        return dataclasses.replace(self, environ=dict(os.environ))


def current(settings: Settings | None = None) -> Settings:
    """`settings` when given, else the environment's settings as they are now."""
    return settings if settings is not None else Settings.from_env()
