"""Options several commands share, declared once so their names and help stay the same everywhere."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

SourcesOption = Annotated[
    Path | None,
    typer.Option(
        "--sources",
        help="Build the catalog from this local mirror of the sources (laid out like the catalog snapshots); "
        "no network. Default: $LLMHUB_CATALOG_SOURCES, else the cached catalog or the live sources.",
        file_okay=False,
    ),
]
SpecOption = Annotated[
    Path | None,
    typer.Option("--spec", "-s", help="The spec (default: the nearest llmhub.spec.yaml).", dir_okay=False),
]


def _env_name(value: str | None) -> str | None:
    # The name becomes part of a file name (llmhub.<env>.yaml): `--env ../..` must not leave the project.
    from llmhub_runtime.models import check_env_name

    if value is None:
        return None
    try:
        return check_env_name(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


EnvOption = Annotated[
    str | None,
    typer.Option("--env", "-e", help="Apply the spec's environments.<env> overlay.", callback=_env_name),
]
RulesOption = Annotated[
    Path | None,
    typer.Option("--rules", help="A directory of rules/*.yaml to use instead of the shipped rules.", file_okay=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        "-c",
        help="The llmhub.yaml (default: the one beside the nearest spec, llmhub.<env>.yaml with --env).",
        dir_okay=False,
    ),
]
