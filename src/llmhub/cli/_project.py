"""Finding a project's files: the nearest spec, and the llmhub.yaml that goes with it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from llmhub.cli._state import options
from llmhub.errors import SpecError


@dataclass(frozen=True)
class ProjectFiles:
    """Where the spec and the runtime file are (or would be); either may not exist."""

    spec: Path | None
    """The spec given or found walking up from the working directory; None when there is none."""
    runtime: Path
    """The llmhub.yaml given, else the one beside the spec (`llmhub.<env>.yaml` with an env), else
    $LLMHUB_CONFIG, else ./llmhub.yaml."""


def locate(spec: Path | None = None, config: Path | None = None, env: str | None = None) -> ProjectFiles:
    """The project's files; a given path is used as is, even if missing (commands say so)."""
    from llmhub.spec import find_spec_path

    found: Path | None = spec
    if found is None:
        try:
            found = find_spec_path()
        except SpecError:
            found = None
    if config is not None:
        runtime = config
    elif found is None and not env and options.settings.config_path is not None:
        runtime = options.settings.config_path  # outside a project, the file the app's LLMHub() would load
    else:
        name = f"llmhub.{env}.yaml" if env else "llmhub.yaml"
        runtime = (found.parent if found is not None else Path(".")) / name
    return ProjectFiles(spec=found, runtime=runtime)


def no_project_error(where: Path | None = None) -> SpecError:
    """The error for commands that need a spec or llmhub.yaml and find neither."""
    place = where or Path.cwd()
    return SpecError(
        f"no llmhub.spec.yaml in {place} or its parents, and no llmhub.yaml; "
        "run `llmhub init` (or `llmhub setup`) to start a project, or pass --spec / --config",
        source=str(place),
    )


def project_overrides(spec_path: Path) -> Path | None:
    """A catalog overrides file beside the spec (private models of the project), unless one is set explicitly.

    None lets the catalog find one the usual way ($LLMHUB_CATALOG_OVERRIDES, ./, the user config dir).
    """
    from llmhub.catalog.overrides import FILE_NAME

    beside = spec_path.resolve().parent / FILE_NAME
    return beside if beside.is_file() and options.settings.overrides_path is None else None
