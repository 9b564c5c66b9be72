"""Precision and recall of the LMArena -> catalog mapping against the hand-labelled set.

    python bench/bench_mapping.py [--sources DIR] [--limit N] [--board text|vision|image]

DIR (the 2026-07 generation) defaults to $LLMHUB_TEST_SNAPSHOTS or ../shared/catalog-snapshots; the
2026-09 generation is its sibling `catalog-snapshots-2026-09` (skipped when missing). The labels are
tests/catalog/data/arena_labels.yaml and the scoring is the one tests/catalog/test_mapping_quality.py
asserts (precision >= 0.97, recall >= 0.90). Printed per generation and overall: precision, recall and
pair counts, then the wrong pairs (predicted, labelled otherwise) and the missed pairs (labelled
correct, not predicted), grouped by arena entry.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
DEFAULT_SOURCES = os.environ.get("LLMHUB_TEST_SNAPSHOTS") or str(REPO.parent / "shared" / "catalog-snapshots")


def _grouped(pairs: list[tuple[str, str, str]], board: str | None, limit: int) -> list[str]:
    by_entry: dict[tuple[str, str], list[str]] = defaultdict(list)
    for entry_board, arena, model in pairs:
        if board is None or entry_board == board:
            by_entry[(entry_board, arena)].append(model)
    lines = []
    for (entry_board, arena), models in sorted(by_entry.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        shown = ", ".join(models[:6]) + (f" (+{len(models) - 6} more)" if len(models) > 6 else "")
        lines.append(f"  [{entry_board}] {arena} ({len(models)}): {shown}")
    if len(lines) > limit:
        lines = [*lines[:limit], f"  ... {len(lines) - limit} more entries"]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", default=DEFAULT_SOURCES, help="the 2026-07 snapshot directory")
    parser.add_argument("--limit", type=int, default=60, help="arena entries listed per error kind")
    parser.add_argument("--board", choices=("text", "vision", "image"), help="list errors of one board only")
    args = parser.parse_args()

    from tests.catalog.test_mapping_quality import MIN_PRECISION, MIN_RECALL, evaluate

    with tempfile.TemporaryDirectory() as cache:
        scores = evaluate(args.sources, Path(cache))
    print(f"goal: precision >= {MIN_PRECISION}, recall >= {MIN_RECALL}")
    for gen, found in scores.items():
        if found is None:
            print(f"{gen}: snapshots missing, skipped")
            continue
        print(
            f"{gen}: precision {found.precision:.4f}  recall {found.recall:.4f}  "
            f"({found.correct} correct, {len(found.wrong)} wrong, {len(found.missed)} missed pairs; "
            f"{found.entries} labelled entries)"
        )
    for gen, found in scores.items():
        if found is None or gen == "overall":
            continue
        print(f"\n== {gen}: wrong pairs (predicted, labelled otherwise)")
        print("\n".join(_grouped(found.wrong, args.board, args.limit)) or "  none")
        print(f"\n== {gen}: missed pairs (labelled correct, not predicted)")
        print("\n".join(_grouped(found.missed, args.board, args.limit)) or "  none")


if __name__ == "__main__":
    main()
