"""`llmhub catalog`: build, browse and audit the model catalog."""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path
from typing import Annotated, Any

import typer

from llmhub.catalog import CanonicalModel, Catalog, arena_mapping, build_catalog
from llmhub.cli import _output as out
from llmhub.cli._options import SourcesOption
from llmhub.cli._state import options
from llmhub.errors import CatalogError
from llmhub.refs import parse_model_ref

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
    summary = _summary(catalog)
    # Refreshed means at least one source answered now (live, unchanged since last time, or the
    # mirror). When every one failed, the catalog shown is an older or bundled one: say so, exit 1.
    answered = [s for s in catalog.sources if s.status in ("live", "not-modified", "local")]
    failed = [s.name for s in catalog.sources if s.status not in ("live", "not-modified", "local", "skipped")]
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
    catalog = _load(sources)
    if kind is not None and kind not in {str(m.kind) for m in catalog.models}:
        raise CatalogError(f"--kind {kind!r}: no such kind; kinds: {', '.join(sorted({str(m.kind) for m in catalog}))}")
    if provider is not None and catalog.get(provider, "") is None and not any(m.provider == provider for m in catalog):
        known = sorted({m.provider for m in catalog if m.callable})
        from llmhub_runtime.suggest import did_you_mean

        raise CatalogError(
            f"--provider {provider!r}: no models{did_you_mean(provider, known)}; callable: {', '.join(known)}"
        )
    chosen = catalog.filter(provider=provider, kind=kind, tags=tag, callable_only=not include_all and provider is None)
    ordered = sorted(chosen.models, key=_rank)
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
    try:
        provider, _ = parse_model_ref(model_ref)
    except ValueError as exc:
        raise CatalogError(str(exc)) from None
    model = catalog.get(model_ref)
    if model is None:
        from llmhub_runtime.suggest import closest

        near = closest(model_ref, [m.canonical_id for m in catalog if m.provider == provider] or catalog._index())
        hint = f"; did you mean {near!r}?" if near else ""
        raise CatalogError(f"{model_ref!r} is not in the catalog{hint}")
    data = model.to_dict()
    from llmhub.catalog.quality import QualityIndex

    # The figure the generator ranks this model by: measured, inherited or estimated, with its interval.
    figure = QualityIndex(catalog).of(model)
    if as_json:
        data["quality_figure"] = dataclasses.asdict(figure) if figure is not None else None
        out.emit_json(data)
        return
    data["quality_figure"] = (
        figure.describe() if figure is not None else "unknown (not rated, nothing to inherit or estimate from)"
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
    from llmhub.catalog.mapper import ArenaOverrides, describe_match, is_doubtful

    if board not in ("text", "vision"):
        raise CatalogError(f"--board {board!r}: use text or vision")
    if unmatched and doubtful:
        raise CatalogError("--unmatched and --doubtful select different entries: give one of them")
    catalog = _load(sources)
    pinned = ArenaOverrides.shipped().match

    def how(entry: Any, ref: Any) -> tuple[str, str]:
        # The mapping's own method when the listing carries it, else read off the two names.
        method = getattr(ref, "method", None)
        if method:
            return method, getattr(ref, "detail", None) or ""
        if entry.arena_name in pinned:
            return "override", "arena overrides"
        found = describe_match(entry.arena_name, ref.model_id)
        return found.method, found.detail

    entries = [e for e in arena_mapping(catalog, board=board) if not unmatched or not e.matches]
    if doubtful:
        shown_entries = []
        for entry in entries:
            doubts = [(ref, *how(entry, ref)) for ref in entry.matches]
            doubts = [d for d in doubts if is_doubtful(entry.arena_name, d[0].model_id, d[1])]
            if doubts:
                shown_entries.append((entry, doubts))
        if as_json:
            out.emit_json(
                [
                    {
                        "arena_name": entry.arena_name,
                        "matches": [
                            {
                                "provider": ref.provider,
                                "model_id": ref.model_id,
                                "modelsdev": ref.modelsdev,
                                "method": method,
                                "detail": detail,
                            }
                            for ref, method, detail in doubts
                        ],
                        "reason": entry.reason,
                    }
                    for entry, doubts in shown_entries
                ]
            )
            return
        rows = [
            [
                entry.arena_name,
                f"{entry.score:.0f}" if entry.score else "",
                ", ".join(f"{ref.provider}:{ref.model_id} ({method}: {detail})" for ref, method, detail in doubts[:4])
                + (f" (+{len(doubts) - 4} more)" if len(doubts) > 4 else ""),
            ]
            for entry, doubts in shown_entries
        ]
        out.table(["arena entry", "score", "doubtful matches (how)"], rows)
        out.line(f"{len(shown_entries)} of {len(entries)} {board} entries have doubtful matches")
        return
    if as_json:
        out.emit_json([e.to_dict() for e in entries])
        return
    rows = []
    for entry in entries:
        if entry.matches:
            labels = []
            for ref in entry.matches[:4]:
                method = how(entry, ref)[0]
                tag = f" ({method})" if is_doubtful(entry.arena_name, ref.model_id, method) else ""
                labels.append(f"{ref.provider}:{ref.model_id}{tag}")
            more = f" (+{len(entry.matches) - 4} more)" if len(entry.matches) > 4 else ""
            rows.append([entry.arena_name, f"{entry.score:.0f}" if entry.score else "", ", ".join(labels) + more])
        else:
            rows.append([entry.arena_name, f"{entry.score:.0f}" if entry.score else "", f"- {entry.reason}"])
    out.table(["arena entry", "score", "catalog models (or why none)"], rows)
    matched = sum(1 for e in entries if e.matches)
    out.line(f"{matched} of {len(entries)} {board} entries matched")


def _summary(catalog: Catalog) -> dict[str, Any]:
    arena: dict[str, dict[str, int]] = {}
    for board in ("text", "vision"):
        entries = [e for e in catalog.arena if e.board == board]
        if not entries:
            continue
        scored = sum(1 for m in catalog.models if (m.arena_id if board == "text" else m.vision_arena_id) is not None)
        matched = sum(1 for e in entries if e.matches)
        arena[board] = {
            "entries": len(entries),
            "matched": matched,
            "unmatched": len(entries) - matched,
            "scored_models": scored,
        }
    return {
        "built_at": catalog.built_at,
        "models": len(catalog.models),
        "callable": sum(1 for m in catalog.models if m.callable),
        "sources": [
            {
                "name": s.name,
                "status": s.status,
                "snapshot": s.snapshot,
                "entries": s.entries,
                "detail": s.detail,
                "origin": s.origin,
            }
            for s in catalog.sources
        ],
        "arena": arena,
        "warnings": list(catalog.warnings),
    }


def _rank(model: CanonicalModel) -> tuple[Any, ...]:
    return (
        model.quality_tier or 9,
        -(model.arena_score or 0.0),
        model.cost_tier or 9,
        model.blended_price_per_million if model.blended_price_per_million is not None else float("inf"),
        model.canonical_id,
    )


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
