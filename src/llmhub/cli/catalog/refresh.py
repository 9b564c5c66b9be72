"""`llmhub catalog refresh`: rebuild the catalog now and summarise it."""

from __future__ import annotations

from typing import Annotated

import typer

from llmhub.cli import _output as out
from llmhub.cli._options import SourcesOption
from llmhub.cli._state import options
from llmhub.cli.catalog import JsonOption, _load


def catalog_refresh(
    sources: SourcesOption = None,
    discover: Annotated[
        bool | None,
        typer.Option("--discover/--no-discover", help="Ask providers with keys set which models they serve."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Rebuild the catalog from its sources now, ignoring the cache's age, and summarise it."""
    from llmhub.catalog.browse import catalog_summary, refreshed_sources

    catalog = _load(sources, refresh=True, discover=discover)
    summary = catalog_summary(catalog)
    # Refreshed means at least one source answered now (live, unchanged since last time, or the
    # mirror). When every one failed, the catalog shown is an older or bundled one: say so, exit 1.
    answered, failed = refreshed_sources(catalog)
    stale = not answered and not options.settings.offline
    if as_json:
        out.emit_json(summary)
        if stale:
            raise typer.Exit(1)
        return
    out.line(f"Catalog built at {catalog.built_at}: {summary['models']} models, {summary['callable']} callable")
    out.table(
        ["source", "status", "snapshot", "entries", "detail"],
        [[s["name"], s["status"], s["snapshot"], s["entries"], s["detail"]] for s in summary["sources"]],
    )
    for board, counts in summary["arena"].items():
        flag = "" if board == "text" else f" --board {board}"
        out.line(
            f"LMArena {board}: {counts['matched']} of {counts['entries']} entries matched to catalog models, "
            f"{counts['unmatched']} unmatched (see `llmhub catalog arena{flag} --unmatched`); "
            f"{counts['scored_models']} models scored"
        )
    if sources is not None:
        out.line(
            f"(--sources applies to this command only; set LLMHUB_CATALOG_SOURCES={sources} to build every "
            "command's catalog from it)"
        )
    if stale:
        out.error_line(
            f"no source could be refreshed ({', '.join(failed)} failed); the catalog above is the last good or "
            "bundled one. Check the network (or use --sources DIR), then retry"
        )
        raise typer.Exit(1)
