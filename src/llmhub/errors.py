"""Errors of the `llmhub` tool, extending the runtime's tree rooted at `LLMHubError`.

::

LLMHubError (llmhub_runtime.errors)
├── SpecError            llmhub.spec.yaml is invalid (file, field, fix)
├── CatalogError         the catalog cannot be built, loaded or queried
│   ├── SourceError      one upstream source (models.dev, LMArena, a local mirror) failed
│   └── OverridesError   the catalog overrides file is invalid (also a ConfigError)
├── RuleError            a rules/*.yaml file is invalid or contradictory
└── GenerationError      llmhub.yaml could not be generated
    └── NoCandidateError no model satisfies a role; says which constraint removed the last ones
"""

from __future__ import annotations

from llmhub_runtime.errors import ConfigError, LLMHubError

__all__ = [
    "CatalogError",
    "GenerationError",
    "LLMHubError",
    "NoCandidateError",
    "OverridesError",
    "RuleError",
    "SourceError",
    "SpecError",
]


class SpecError(ConfigError):
    """llmhub.spec.yaml is missing, malformed or inconsistent; the message names the file, field and fix."""


class CatalogError(LLMHubError):
    """The model catalog cannot be built, loaded or queried."""


class SourceError(CatalogError):
    """One catalog source failed (network, HTTP status, malformed data).

    Attributes:
        source: The source's name (models.dev, lmarena-text, ...).
    """

    def __init__(self, source: str, message: str):
        self.source = source
        super().__init__(f"{source}: {message}")


class OverridesError(ConfigError, CatalogError):
    """The catalog overrides file is invalid; the message names the file, line, field and fix."""


class RuleError(ConfigError):
    """A rules/*.yaml file is invalid or contradictory."""


class GenerationError(LLMHubError):
    """llmhub.yaml could not be generated from the spec."""


class NoCandidateError(GenerationError):
    """No catalog model satisfies a role's constraints."""
