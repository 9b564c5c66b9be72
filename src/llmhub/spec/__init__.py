"""The spec (`llmhub.spec.yaml`): models, loading, saving and validation."""

from llmhub.spec.load import (
    DEFAULT_SPEC_NAME,
    apply_environment,
    dump_spec,
    find_spec_path,
    load_spec,
    parse_spec,
    save_spec,
    spec_fingerprint,
)
from llmhub.spec.models import (
    Capability,
    GeneratorSpec,
    MaxPrice,
    PreferenceLevel,
    Preferences,
    PreferencesSpec,
    RoleKind,
    RoleSpec,
    SpecConfig,
    SpecDefaults,
    SpecProviderConfig,
)

__all__ = [
    "DEFAULT_SPEC_NAME",
    "Capability",
    "GeneratorSpec",
    "MaxPrice",
    "PreferenceLevel",
    "Preferences",
    "PreferencesSpec",
    "RoleKind",
    "RoleSpec",
    "SpecConfig",
    "SpecDefaults",
    "SpecProviderConfig",
    "apply_environment",
    "dump_spec",
    "find_spec_path",
    "load_spec",
    "parse_spec",
    "save_spec",
    "spec_fingerprint",
]
