"""LLM Hub, the tool: turns `llmhub.spec.yaml` into `llmhub.yaml` (spec, catalog, generator, CLI).

The runtime that applications import is the separate, light `llmhub_runtime` package.
"""

from llmhub_runtime._version import __version__

__all__ = ["__version__"]
