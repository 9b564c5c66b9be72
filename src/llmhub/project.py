"""A project's files, found by one walking rule.

The files: the spec, the runtime file per environment, `.env`, the catalog overrides, the backups.
The rule: from the working directory (or `start`) up to the filesystem root, the first directory
holding `llmhub.spec.yaml` is the project's root; the other files are beside the spec. Outside a
project, the runtime file is `$LLMHUB_CONFIG` (what an app's `LLMHub()` would load), else
`./llmhub.yaml`. A path given explicitly (`--spec`, `--config`) is used as is, even when missing:
the command that needs it says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from llmhub.errors import SpecError
from llmhub.settings import Settings, current

__all__ = ["Project", "locate", "no_project_error"]


@dataclass(frozen=True)
class Project:
    """Where a project's files are (or would be); any of them may not exist yet."""

    spec: Path | None
    """The spec given or found walking up from the working directory; None when there is none."""
    runtime: Path
    """The llmhub.yaml given, else the one beside the spec (`llmhub.<env>.yaml` with an env), else
    $LLMHUB_CONFIG, else ./llmhub.yaml."""
    env: str | None = None
    """The environment the runtime file is for (`--env`)."""
    explicit_overrides: bool = False
    """Whether the settings name an overrides file ($LLMHUB_CATALOG_OVERRIDES): it wins over the project's."""

    @property
    def root(self) -> Path:
        """The directory holding the spec (else the runtime file's)."""
        return (self.spec if self.spec is not None else self.runtime).parent

    @property
    def dotenv(self) -> Path | None:
        """The project's `.env` file, when there is one (see `env_manager.find_dotenv_file`)."""
        from llmhub.env_manager import find_dotenv_file

        return find_dotenv_file(self.root)

    @property
    def overrides(self) -> Path | None:
        """The catalog overrides file beside the spec, unless the settings name one explicitly.

        None lets the catalog find one the usual way ($LLMHUB_CATALOG_OVERRIDES, ./, the user config dir).
        """
        from llmhub.catalog.overrides import FILE_NAME

        if self.spec is None or self.explicit_overrides:
            return None
        beside = self.spec.resolve().parent / FILE_NAME  # the project's private models
        return beside if beside.is_file() else None

    @property
    def backups(self) -> Path:
        """Where replaced runtime files are kept."""
        from llmhub.runtime_files import BACKUP_DIR

        return self.runtime.parent / BACKUP_DIR


def locate(
    spec: Path | None = None,
    config: Path | None = None,
    env: str | None = None,
    *,
    start: Path | None = None,
    settings: Settings | None = None,
) -> Project:
    """The project around `start` (default: the working directory); given paths are used as is."""
    from llmhub.spec import find_spec_path

    settings = current(settings)
    found: Path | None = spec
    if found is None:
        try:
            found = find_spec_path(start)
        except SpecError:
            found = None
    if config is not None:
        runtime = config
    elif found is None and not env and settings.config_path is not None:
        runtime = settings.config_path
    else:
        name = f"llmhub.{env}.yaml" if env else "llmhub.yaml"
        runtime = (found.parent if found is not None else (start or Path("."))) / name
    return Project(spec=found, runtime=runtime, env=env, explicit_overrides=settings.overrides_path is not None)


def no_project_error(where: Path | None = None) -> SpecError:
    """The error for commands that need a spec or llmhub.yaml and find neither."""
    place = where or Path.cwd()
    return SpecError(
        f"no llmhub.spec.yaml in {place} or its parents, and no llmhub.yaml; "
        "run `llmhub init` (or `llmhub setup`) to start a project, or pass --spec / --config",
        source=str(place),
    )
