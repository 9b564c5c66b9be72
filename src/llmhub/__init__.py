"""LLM Hub, the tool: turns `llmhub.spec.yaml` into `llmhub.yaml` (spec, catalog, generator, CLI).

    from llmhub import load_spec, validate_spec, generate_runtime_from_spec, GeneratorOptions, save_runtime
    from llmhub import build_catalog, get_catalog, Catalog, CanonicalModel, CatalogError
    from llmhub import Settings, locate, run_checks      # settings, the project's files, doctor's checks

The runtime that applications import is the separate, light `llmhub_runtime` package. Names here are
imported on first use, so `import llmhub` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmhub._lazy import lazy_attributes
from llmhub_runtime import __version__

if TYPE_CHECKING:
    from llmhub.catalog import (
        CanonicalModel,
        Catalog,
        CatalogOverrides,
        ModelKind,
        arena_mapping,
        build_catalog,
        get_catalog,
        load_overrides,
    )
    from llmhub.doctor import Check, DoctorReport, run_checks
    from llmhub.errors import (
        CatalogError,
        GenerationError,
        LLMHubError,
        NoCandidateError,
        RuleError,
        SourceError,
        SpecError,
    )
    from llmhub.generator import (
        GenerationResult,
        GeneratorOptions,
        RoleExplanation,
        RuleSet,
        generate_runtime_from_spec,
        load_rules,
    )
    from llmhub.outdated import TargetLifecycle, outdated_targets
    from llmhub.plan import GenerationPlan, InvalidSpecError, accept_suggestions, apply_plan, plan_generation
    from llmhub.project import Project, locate
    from llmhub.role_calls import RoleCall, call_roles
    from llmhub.runtime_files import load_runtime, save_runtime
    from llmhub.settings import Settings
    from llmhub.spec import SpecConfig, load_spec, save_spec
    from llmhub.spec.validate import SpecIssue, ValidationResult, validate_spec

__all__ = [
    "CanonicalModel",
    "Catalog",
    "CatalogError",
    "CatalogOverrides",
    "Check",
    "DoctorReport",
    "GenerationError",
    "GenerationPlan",
    "GenerationResult",
    "GeneratorOptions",
    "InvalidSpecError",
    "LLMHubError",
    "ModelKind",
    "NoCandidateError",
    "Project",
    "RoleCall",
    "RoleExplanation",
    "RuleError",
    "RuleSet",
    "Settings",
    "SourceError",
    "SpecConfig",
    "SpecError",
    "SpecIssue",
    "TargetLifecycle",
    "ValidationResult",
    "__version__",
    "accept_suggestions",
    "apply_plan",
    "arena_mapping",
    "build_catalog",
    "call_roles",
    "generate_runtime_from_spec",
    "get_catalog",
    "load_overrides",
    "load_rules",
    "load_runtime",
    "load_spec",
    "locate",
    "outdated_targets",
    "plan_generation",
    "run_checks",
    "save_runtime",
    "save_spec",
    "validate_spec",
]

_LAZY = {
    "CanonicalModel": "llmhub.catalog",
    "Catalog": "llmhub.catalog",
    "CatalogOverrides": "llmhub.catalog",
    "ModelKind": "llmhub.catalog",
    "arena_mapping": "llmhub.catalog",
    "build_catalog": "llmhub.catalog",
    "get_catalog": "llmhub.catalog",
    "load_overrides": "llmhub.catalog",
    "CatalogError": "llmhub.errors",
    "GenerationError": "llmhub.errors",
    "LLMHubError": "llmhub.errors",
    "SourceError": "llmhub.errors",
    "SpecError": "llmhub.errors",
    "NoCandidateError": "llmhub.errors",
    "RuleError": "llmhub.errors",
    "GenerationResult": "llmhub.generator",
    "GeneratorOptions": "llmhub.generator",
    "RoleExplanation": "llmhub.generator",
    "RuleSet": "llmhub.generator",
    "generate_runtime_from_spec": "llmhub.generator",
    "load_rules": "llmhub.generator",
    "Check": "llmhub.doctor",
    "DoctorReport": "llmhub.doctor",
    "run_checks": "llmhub.doctor",
    "TargetLifecycle": "llmhub.outdated",
    "outdated_targets": "llmhub.outdated",
    "GenerationPlan": "llmhub.plan",
    "InvalidSpecError": "llmhub.plan",
    "accept_suggestions": "llmhub.plan",
    "apply_plan": "llmhub.plan",
    "plan_generation": "llmhub.plan",
    "Project": "llmhub.project",
    "locate": "llmhub.project",
    "Settings": "llmhub.settings",
    "RoleCall": "llmhub.role_calls",
    "call_roles": "llmhub.role_calls",
    "load_runtime": "llmhub.runtime_files",
    "save_runtime": "llmhub.runtime_files",
    "SpecConfig": "llmhub.spec",
    "load_spec": "llmhub.spec",
    "save_spec": "llmhub.spec",
    "SpecIssue": "llmhub.spec.validate",
    "ValidationResult": "llmhub.spec.validate",
    "validate_spec": "llmhub.spec.validate",
}


__getattr__ = lazy_attributes(__name__, _LAZY)
