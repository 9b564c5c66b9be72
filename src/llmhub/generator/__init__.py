"""Compile `llmhub.spec.yaml` into `llmhub.yaml`: rules (and optionally an LLM) choose every role's model."""

from llmhub.generator.explain import RoleExplanation
from llmhub.generator.pipeline import GenerationResult, GeneratorOptions, generate_runtime_from_spec
from llmhub.generator.rules import RuleSet, load_rules

__all__ = [
    "GenerationResult",
    "GeneratorOptions",
    "RoleExplanation",
    "RuleSet",
    "generate_runtime_from_spec",
    "load_rules",
]
