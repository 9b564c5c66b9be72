"""`llmhub catalog show`: list models, best quality first, then cheapest."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Annotated, Any

import typer

from llmhub.cli import _output as out
from llmhub.cli._options import SourcesOption
from llmhub.cli.catalog import JsonOption, _load

if TYPE_CHECKING:
    from llmhub.catalog import CanonicalModel

_DEFAULT_LIMIT = 40


def catalog_show(
    provider: Annotated[str | None, typer.Option("--provider", "-p", help="Only this provider.")] = None,
    kind: Annotated[str | None, typer.Option("--kind", "-k", help="Only this kind: chat, embedding, image...")] = None,
    tag: Annotated[
        list[str] | None, typer.Option("--tag", "-t", help="Only models with this tag (repeatable).")
    ] = None,
    include_all: Annotated[
        bool, typer.Option("--all", help="Include models of providers any-llm cannot call.")
    ] = False,
    details: Annotated[bool, typer.Option("--details", help="More columns: context, tags.")] = False,
    limit: Annotated[int, typer.Option("--limit", "-n", help="Rows in a table (0: all). JSON lists all.")] = (
        _DEFAULT_LIMIT
    ),
    sources: SourcesOption = None,
    as_json: JsonOption = False,
) -> None:
    """List models, best quality first, then cheapest."""
    from llmhub.catalog.browse import select_models

    ordered = select_models(_load(sources), provider=provider, kind=kind, tags=tag, include_all=include_all)
    if as_json:
        out.emit_json([m.to_dict() for m in ordered])
        return
    shown = ordered if limit == 0 else ordered[:limit]
    # Quality and price side by side: the arena rating (or "unrated") next to what a million tokens cost.
    headers = ["model", "kind", "arena", "$ in/out per M", "quality tier", "cost tier"]
    if details:
        headers += ["context", "tags"]
    rows = []
    for m in shown:
        rating = f"{m.quality.score:.0f}" if m.quality.score is not None else "unrated"
        row: list[Any] = [m.canonical_id, str(m.kind), rating, _prices(m), _tier(m.tiers.quality), _tier(m.tiers.cost)]
        if details:
            row += [_tokens(m.limits.context), ", ".join(m.tags)]
        rows.append(row)
    out.table(headers, rows)
    if len(shown) < len(ordered):
        out.line(f"({len(shown)} of {len(ordered)} models; --limit 0 shows all, --json prints all)")
    counts = Counter(m.provider for m in ordered)
    out.line("by provider: " + ", ".join(f"{p} {n}" for p, n in counts.most_common(12)))


def _tier(value: int | None) -> str:
    return str(value) if value is not None else "-"


def _prices(model: CanonicalModel) -> str:
    if model.pricing.input is None:
        return "-"
    output = model.pricing.output
    return f"{model.pricing.input:g} / {output:g}" if output is not None else f"{model.pricing.input:g}"


def _tokens(count: int | None) -> str:
    if not count:
        return "-"
    return f"{count // 1000}k" if count < 1_000_000 else f"{count / 1_000_000:.1f}M"
