"""New-project specs: the standard roles, and the spec `llmhub init` and `llmhub setup` write."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from llmhub.errors import SpecError
from llmhub.spec.models import PreferenceLevel, PreferencesSpec, RoleKind, RoleSpec, SpecConfig, SpecProviderConfig

__all__ = [
    "INIT_ROLES",
    "PREFERENCE_KEYS",
    "STANDARD_ROLES",
    "RoleTemplate",
    "build_spec",
    "role_name",
]


@dataclass(frozen=True)
class RoleTemplate:
    """A role most apps need, with a description the task rules understand and sensible preferences."""

    kind: RoleKind
    description: str
    preferences: dict[str, PreferenceLevel] = field(default_factory=dict)


STANDARD_ROLES: dict[str, RoleTemplate] = {
    "llm.preprocess": RoleTemplate(
        RoleKind.chat,
        "Normalize and classify incoming text before the main model sees it",
        {"cost": PreferenceLevel.low, "latency": PreferenceLevel.low},
    ),
    "llm.inference": RoleTemplate(
        RoleKind.chat,
        "Main reasoning model that answers the user's questions",
        {"quality": PreferenceLevel.high},
    ),
    "llm.embedding": RoleTemplate(
        RoleKind.embedding, "Embeddings for search and retrieval", {"cost": PreferenceLevel.low}
    ),
    "llm.tools": RoleTemplate(
        RoleKind.tool,
        "Calls the app's tools (function calling) to act on the user's behalf",
        {"quality": PreferenceLevel.medium, "latency": PreferenceLevel.low},
    ),
}
"""The roles `llmhub setup` offers, by name (`preprocess` is short for `llm.preprocess`)."""

INIT_ROLES = ("llm.inference", "llm.embedding")
"""What `llmhub init` writes: one chat role and one embedding role."""

PREFERENCE_KEYS = ("cost", "latency", "quality")


def role_name(name: str) -> str:
    """A role name as given on the command line: `inference` means the standard `llm.inference`."""
    name = name.strip()
    return f"llm.{name}" if f"llm.{name}" in STANDARD_ROLES else name


def build_spec(
    project: str,
    providers: Mapping[str, str | None],
    roles: Sequence[str],
    preferences: Mapping[str, Mapping[str, str]] | None = None,
) -> SpecConfig:
    """The spec for a new project.

    Args:
        project: The project's name.
        providers: Provider name -> the environment variable holding its key (None: any-llm's default).
        roles: Role names; standard ones come with a description and preferences, others are plain chat roles.
        preferences: Role name -> {cost|latency|quality: low|medium|high}, over the templates' levels.

    Raises:
        SpecError: an unknown preference or level (the message lists the valid ones).
    """
    preferences = preferences or {}
    unknown = [name for name in preferences if name not in roles]
    if unknown:
        raise SpecError(
            f"preferences given for {', '.join(unknown)}, which is not among the roles ({', '.join(roles)})",
            source="llmhub setup",
            field="--pref",
        )
    built: dict[str, RoleSpec] = {}
    for name in roles:
        template = STANDARD_ROLES.get(name)
        levels: dict[str, PreferenceLevel] = dict(template.preferences) if template else {}
        for key, value in preferences.get(name, {}).items():
            levels[key] = _level(name, key, value)
        # Only what is set is written, so the new spec stays short and every line means something.
        fields: dict[str, object] = {}
        if template is not None:
            fields.update(kind=template.kind, description=template.description)
        if levels:
            fields["preferences"] = PreferencesSpec.model_validate(levels)
        built[name] = RoleSpec.model_validate(fields)
    return SpecConfig(
        project=project,
        env="dev",
        providers={name: SpecProviderConfig(env_key=key) for name, key in providers.items()},
        roles=built,
    )


def _level(role: str, key: str, value: str) -> PreferenceLevel:
    if key not in PREFERENCE_KEYS:
        raise SpecError(
            f"role {role!r}: unknown preference {key!r}; use one of {', '.join(PREFERENCE_KEYS)}",
            source="llmhub setup",
            field="--pref",
        )
    try:
        return PreferenceLevel(value.strip().lower())
    except ValueError:
        levels = ", ".join(level.value for level in PreferenceLevel)
        raise SpecError(
            f"role {role!r}: {key} must be one of {levels}, not {value!r}", source="llmhub setup", field="--pref"
        ) from None
