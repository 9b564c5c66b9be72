"""The seeds' extension point, kept as a compatibility alias: `generate_runtime(spec)`.

New code calls `llmhub.generate_runtime_from_spec(spec, GeneratorOptions(...))`, which also returns
the explanations; this returns only the `RuntimeConfig`, as the original documents promised.
"""

from __future__ import annotations

from llmhub.generator import GeneratorOptions, generate_runtime_from_spec
from llmhub.spec.models import SpecConfig
from llmhub_runtime.models import RuntimeConfig

__all__ = ["generate_runtime"]


def generate_runtime(spec: SpecConfig, options: GeneratorOptions | None = None) -> RuntimeConfig:
    """Compile `spec` into the `RuntimeConfig` for llmhub.yaml (see `generate_runtime_from_spec`)."""
    return generate_runtime_from_spec(spec, options).runtime
