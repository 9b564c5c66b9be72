"""New-project specs: the standard roles, and the spec `llmhub init` and `llmhub setup` write."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from llmhub.errors import SpecError
from llmhub.spec.models import PreferenceLevel, PreferencesSpec, RoleKind, RoleSpec, SpecConfig, SpecProviderConfig

__all__ = [
    "INIT_ROLES",
    "PREFERENCE_KEYS",
    "STANDARD_ROLES",
    "RoleTemplate",
    "WrittenProject",
    "build_spec",
    "parse_preferences",
    "provider_keys",
    "role_name",
    "write_project",
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


def provider_keys(names: Iterable[str]) -> dict[str, str | None]:
    """Provider -> its key variable (any-llm's own name for it), in the order given.

    Raises:
        SpecError: a name any-llm does not know (with a "did you mean").
    """
    from llmhub.catalog.providers import provider_mappings
    from llmhub.env_manager import provider_key_variable
    from llmhub_runtime.suggest import did_you_mean

    known = provider_mappings()
    providers: dict[str, str | None] = {}
    for name in names:
        if name not in known:
            raise SpecError(
                f"any-llm has no provider {name!r}{did_you_mean(name, known)}; "
                "for a self-hosted server add it to llmhub.spec.yaml afterwards with `type:` and `api_base:`",
                source="llmhub setup",
                field="--provider",
            )
        providers[name] = provider_key_variable(name)
    return providers


def parse_preferences(items: Iterable[str]) -> dict[str, dict[str, str]]:
    """`ROLE:KEY=LEVEL` items (`inference:quality=high`) -> role -> key -> level (levels checked by `build_spec`).

    Raises:
        SpecError: an item not shaped ROLE:KEY=LEVEL.
    """
    parsed: dict[str, dict[str, str]] = {}
    for item in items:
        role, sep, setting = item.rpartition(":")
        key, eq, level = setting.partition("=")
        if not sep or not eq or not role or not key:
            raise SpecError(
                f"{item!r} is not ROLE:KEY=LEVEL (e.g. inference:quality=high)", source="llmhub setup", field="--pref"
            )
        parsed.setdefault(role_name(role), {})[key.strip()] = level.strip()
    return parsed


@dataclass(frozen=True)
class WrittenProject:
    """What `write_project` wrote."""

    spec: Path
    env_example: Path
    env_example_created: bool
    keys_added: list[str]


def write_project(
    directory: Path, spec: SpecConfig, *, header: str | None = None, force: bool = False
) -> WrittenProject:
    """Write `llmhub.spec.yaml` (atomically) and list its key variables in `.env.example`.

    Raises:
        FileExistsError: the spec exists and `force` is not set (nothing is written).
    """
    from llmhub.env_manager import ENV_EXAMPLE_NAME, required_env_keys, sync_env_example
    from llmhub.spec import save_spec

    target = directory / "llmhub.spec.yaml"
    if target.exists() and not force:
        raise FileExistsError(target)
    directory.mkdir(parents=True, exist_ok=True)
    save_spec(target, spec, header=header)
    synced = sync_env_example(directory / ENV_EXAMPLE_NAME, required_env_keys(spec))
    return WrittenProject(target, synced.path, synced.created, list(synced.added))
