"""`llmhub catalog arena`: every LMArena entry with the catalog models it was matched to."""

from __future__ import annotations

from typing import Annotated

import typer

from llmhub.cli import _output as out
from llmhub.cli._options import SourcesOption
from llmhub.cli.catalog import JsonOption, _load


def catalog_arena(
    board: Annotated[str, typer.Option("--board", help="text, vision or image (text-to-image).")] = "text",
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
    from llmhub.catalog.browse import arena_entries

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
    if unmatched:
        out.line(f"{len(entries)} of {len(arena_entries(catalog, board))} {board} entries matched no catalog model")
        return
    matched = sum(1 for e in entries if e.entry.matches)
    out.line(f"{matched} of {len(entries)} {board} entries matched")
