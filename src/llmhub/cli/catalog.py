"""`llmhub catalog`: build, browse and audit the model catalog."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated, Any

import typer

from llmhub.catalog import CanonicalModel, Catalog, build_catalog
from llmhub.catalog.browse import (
    arena_entries,
    catalog_summary,
    find_model,
    model_facts,
    refreshed_sources,
    select_models,
)
from llmhub.catalog.quality import Quality
from llmhub.cli import _output as out
from llmhub.cli._options import SourcesOption
from llmhub.cli._state import options

app = typer.Typer(help="Build, browse and audit the model catalog.", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
_DEFAULT_LIMIT = 40


def _load(sources: Path | None, refresh: bool = False, discover: bool | None = None) -> Catalog:
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


@app.command("refresh")
def catalog_refresh(
    sources: SourcesOption = None,
    discover: Annotated[
        bool | None,
        typer.Option("--discover/--no-discover", help="Ask providers with keys set which models they serve."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Rebuild the catalog from its sources now, ignoring the cache's age, and summarise it."""
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
        out.line(
            f"LMArena {board}: {counts['matched']} of {counts['entries']} entries matched to catalog models, "
            f"{counts['unmatched']} unmatched (see `llmhub catalog arena --unmatched`); "
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


@app.command("show")
def catalog_show(
    provider: Annotated[str | None, typer.Option("--provider", "-p", help="Only this provider.")] = None,
    kind: Annotated[str | None, typer.Option("--kind", "-k", help="Only this kind: chat, embedding, image...")] = None,
    tag: Annotated[
        list[str] | None, typer.Option("--tag", "-t", help="Only models with this tag (repeatable).")
    ] = None,
    include_all: Annotated[
        bool, typer.Option("--all", help="Include models of providers any-llm cannot call.")
    ] = False,
    details: Annotated[bool, typer.Option("--details", help="More columns: arena score, context, tags.")] = False,
    limit: Annotated[int, typer.Option("--limit", "-n", help="Rows in a table (0: all). JSON lists all.")] = (
        _DEFAULT_LIMIT
    ),
    sources: SourcesOption = None,
    as_json: JsonOption = False,
) -> None:
    """List models, best quality first, then cheapest."""
    ordered = select_models(_load(sources), provider=provider, kind=kind, tags=tag, include_all=include_all)
    if as_json:
        out.emit_json([m.to_dict() for m in ordered])
        return
    shown = ordered if limit == 0 else ordered[:limit]
    headers = ["model", "kind", "quality", "cost", "$ in/out per M"]
    if details:
        headers += ["arena", "context", "tags"]
    rows = []
    for m in shown:
        row: list[Any] = [m.canonical_id, str(m.kind), _tier(m.quality_tier), _tier(m.cost_tier), _prices(m)]
        if details:
            row += [f"{m.arena_score:.0f}" if m.arena_score else "", _tokens(m.context_tokens), ", ".join(m.tags)]
        rows.append(row)
    out.table(headers, rows)
    if len(shown) < len(ordered):
        out.line(f"({len(shown)} of {len(ordered)} models; --limit 0 shows all, --json prints all)")
    counts = Counter(m.provider for m in ordered)
    out.line("by provider: " + ", ".join(f"{p} {n}" for p, n in counts.most_common(12)))


@app.command("model")
def catalog_model(
    model_ref: Annotated[str, typer.Argument(metavar="PROVIDER:MODEL", help="e.g. openai:gpt-4.1")],
    sources: SourcesOption = None,
    as_json: JsonOption = False,
) -> None:
    """Every field of one model, with where each group of facts came from."""
    catalog = _load(sources)
    data = model_facts(catalog, find_model(catalog, model_ref))
    if as_json:
        out.emit_json(data)
        return
    figure = data["quality_figure"]
    data["quality_figure"] = (
        Quality(**figure).describe()
        if figure is not None
        else "unknown (not rated, nothing to inherit or estimate from)"
    )
    provenance = data.pop("provenance")
    out.table(["field", "value"], [[k, _show(v)] for k, v in data.items()])
    out.table(
        ["facts", "source", "snapshot", "detail"],
        [[group, p["source"], p["snapshot"], p["detail"]] for group, p in provenance.items()],
        title="provenance",
    )


@app.command("arena")
def catalog_arena(
    board: Annotated[str, typer.Option("--board", help="text or vision.")] = "text",
    unmatched: Annotated[bool, typer.Option("--unmatched", help="Only entries that matched no model.")] = False,
    doubtful: Annotated[
        bool,
        typer.Option(
            "--doubtful",
            help="Only entries with doubtful matches (variant, partial or fuzzy: another effort or thinking "
            "mode of the model, or not the entry's name), each shown with how it matched.",
        ),
    ] = False,
    sources: SourcesOption = None,
    as_json: JsonOption = False,
) -> None:
    """Every LMArena entry with the catalog models it was matched to, or why it matched none.

    A match marked (variant), (partial) or (fuzzy) is doubtful, worth a look: another reasoning
    effort or thinking mode of the model, or a name that is not the entry's. `--doubtful` lists only
    those. Fix a wrong one in the overrides file (`arena:` entries).
    """
    catalog = _load(sources)
    entries = arena_entries(catalog, board, unmatched=unmatched, doubtful=doubtful)
    if as_json:
        out.emit_json([e.to_dict() if doubtful else e.entry.to_dict() for e in entries])
        return
    rows = []
    for item in entries:
        entry, score = item.entry, f"{item.entry.score:.0f}" if item.entry.score else ""
        if doubtful:
            listed = ", ".join(f"{m.ref.provider}:{m.ref.model_id} ({m.method}: {m.detail})" for m in item.matches[:4])
        elif item.matches:
            listed = ", ".join(
                f"{m.ref.provider}:{m.ref.model_id}" + (f" ({m.method})" if m.doubtful else "")
                for m in item.matches[:4]
            )
        else:
            rows.append([entry.arena_name, score, f"- {entry.reason}"])
            continue
        more = f" (+{len(item.matches) - 4} more)" if len(item.matches) > 4 else ""
        rows.append([entry.arena_name, score, listed + more])
    if doubtful:
        out.table(["arena entry", "score", "doubtful matches (how)"], rows)
        total = len(arena_entries(catalog, board))
        out.line(f"{len(entries)} of {total} {board} entries have doubtful matches")
        return
    out.table(["arena entry", "score", "catalog models (or why none)"], rows)
    matched = sum(1 for e in entries if e.entry.matches)
    out.line(f"{matched} of {len(entries)} {board} entries matched")


def _tier(value: int | None) -> str:
    return str(value) if value is not None else "-"


def _prices(model: CanonicalModel) -> str:
    if model.price_input_per_million is None:
        return "-"
    output = model.price_output_per_million
    return (
        f"{model.price_input_per_million:g} / {output:g}"
        if output is not None
        else f"{model.price_input_per_million:g}"
    )


def _tokens(count: int | None) -> str:
    if not count:
        return "-"
    return f"{count // 1000}k" if count < 1_000_000 else f"{count / 1_000_000:.1f}M"


def _show(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "-"
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items()) or "-"
    return "-" if value is None else str(value)
