"""`llmhub catalog`: build, browse and audit the model catalog (one module per command)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from llmhub.cli import _output as out
from llmhub.cli._state import options

if TYPE_CHECKING:  # the catalog package costs ~70 ms to import: only commands that build one pay it
    from llmhub.catalog import Catalog

app = typer.Typer(help="Build, browse and audit the model catalog.", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _load(sources: Path | None, refresh: bool = False, discover: bool | None = None) -> Catalog:
    from llmhub.catalog import build_catalog

    built: list[str] = []

    def update(source: str, message: str) -> None:
        built.append(source)
        show(source, message)

    with out.progress("Building the catalog") as show:
        catalog = build_catalog(
            force_refresh=refresh, sources_dir=sources, discover=discover, progress=update, settings=options.settings
        )
    # A build's warnings are news when this command built it; a catalog served from the cache
    # already said them once (`llmhub catalog refresh` shows them again).
    if built:
        for warning in catalog.warnings:
            out.warn(warning)
    return catalog


def _register() -> None:
    from llmhub.cli.catalog.arena import catalog_arena
    from llmhub.cli.catalog.model import catalog_model
    from llmhub.cli.catalog.refresh import catalog_refresh
    from llmhub.cli.catalog.show import catalog_show

    app.command("refresh")(catalog_refresh)
    app.command("show")(catalog_show)
    app.command("model")(catalog_model)
    app.command("arena")(catalog_arena)


_register()

__all__ = ["JsonOption", "app"]
