"""LMArena leaderboards: crowd-sourced quality ratings per model and category (data: LMArena, CC-BY-4.0).

Two layouts are read, both into the same `ArenaBoard`:

* lmarena/arena-catalog files, `data/leaderboard-*.json`: `{category: {model name: {rating,
  rating_q025, rating_q975}}}`. Category `full` is the overall board; the others (coding, math,
  creative_writing, hard_6, the language boards...) are slices of it. The style-controlled files
  are LMArena's default view and the ones used for text and vision. This is what `--sources`
  mirrors hold, and the live fallback (the repository is frozen since December 2025).
* LMArena's official dataset (`lmarena-ai/leaderboard-dataset` on Hugging Face), one row per model
  and category: see `arena_dataset`, which fetches it; `parse` recognises its rows.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from llmhub.catalog.sources import mirror
from llmhub.catalog.sources._http import RawPayload, fetch, load_json, read_local
from llmhub.errors import SourceError

__all__ = [
    "ATTRIBUTION",
    "BOARDS",
    "LANGUAGE_CATEGORIES",
    "ArenaBoard",
    "ArenaRating",
    "fetch_live",
    "load_local",
    "parse",
]

Board = Literal["text", "vision", "image"]
_RAW = "https://raw.githubusercontent.com/lmarena/arena-catalog/main/data/"
_NUMBER_TYPES = (int, float)
BOARDS: dict[Board, str] = mirror.ARENA_FILES
"""Each board's file name, in arena-catalog's `data/` (live) and in a local mirror."""
OPTIONAL_BOARDS: frozenset[Board] = frozenset({"image"})
"""Boards a local mirror may lack without anything being reported (older mirrors have no image board)."""

LANGUAGE_CATEGORIES = ("chinese", "english", "french", "german", "japanese", "korean", "russian", "spanish")
"""The text board's language categories (prompts written in that language), kept for translation roles.

The same names in the arena-catalog files of both snapshot generations (2025-12 and 2026-07) and in
LMArena's dataset. `english` is also a task category (`models.TASK_CATEGORIES`)."""

ATTRIBUTION = "data: LMArena (lmarena.ai), CC-BY-4.0"
"""Said wherever arena figures are described: LMArena publishes its leaderboards under CC-BY-4.0."""


def source_name(board: Board) -> str:
    """The name this board appears under in catalog sources and provenance."""
    return f"lmarena-{board}"


@dataclass(frozen=True)
class ArenaRating:
    """One model's overall rating with its 95% interval, and its rating in each category."""

    rating: float
    ci_low: float | None = None
    ci_high: float | None = None
    categories: Mapping[str, float] = field(default_factory=dict)
    votes: int | None = None
    """Votes behind the overall rating (LMArena's dataset only; the arena-catalog files omit them)."""
    published: str | None = None
    """The leaderboard publish date of the overall rating (YYYY-MM-DD), when the source gives it."""


@dataclass(frozen=True)
class ArenaBoard:
    """A parsed leaderboard: model name -> ArenaRating (from category `full`)."""

    board: Board
    ratings: dict[str, ArenaRating]
    categories: tuple[str, ...]
    published: str | None = None
    """The data's date: the newest leaderboard publish date in it, when the source gives one."""
    skipped: int = 0
    """Malformed rows left out (LMArena's dataset only)."""


def load_local(directory: Path, board: Board) -> RawPayload:
    """Read `<directory>/arena-catalog/data/<board file>` (SOURCE.json beside it dates it, when present)."""
    path = local_path(directory, board)
    return read_local(source_name(board), path, directory / "arena-catalog" / "SOURCE.json")


def local_path(directory: Path, board: Board) -> Path:
    """Where a local mirror keeps a board's file."""
    return directory / mirror.ARENA_DIR / BOARDS[board]


def fetch_live(board: Board, previous: RawPayload | None, timeout: float) -> tuple[RawPayload, bool]:
    """GET the board from the arena-catalog repository's raw files (conditional on `previous`)."""
    return fetch(source_name(board), _RAW + BOARDS[board], previous, timeout)


def parse(payload: RawPayload, board: Board, categories: Collection[str] | None = None) -> ArenaBoard:
    """Ratings by model name; entries without a numeric rating are skipped.

    Args:
        payload: The leaderboard file, or LMArena dataset rows (see `arena_dataset`).
        board: Which leaderboard it is.
        categories: The categories to keep besides `full` (all of them when None). The text board
            has 29, and the catalog keeps about half of them: reading only those is quicker.
    """
    name = source_name(board)
    data: Any = load_json(name, payload)
    if isinstance(data, dict) and isinstance(data.get("rows"), list) and "full" not in data:
        from llmhub.catalog.sources import arena_dataset

        return arena_dataset.parse_rows(data, board, categories, origin=payload.origin)
    if not isinstance(data, dict) or not isinstance(data.get("full"), dict):
        raise SourceError(name, f"{payload.origin}: expected an object with a `full` category")
    per_category: dict[str, dict[str, float]] = {}
    for category, entries in data.items():
        if category == "full" or not isinstance(entries, dict):
            continue
        if categories is not None and category not in categories:
            continue
        # Inlined checks (no helper call): the categories hold ~7,000 entries.
        per_category[category] = {
            model: float(rating)
            for model, entry in entries.items()
            if entry.__class__ is dict and (rating := entry.get("rating")).__class__ in _NUMBER_TYPES
        }
    ratings: dict[str, ArenaRating] = {}
    for model, entry in data["full"].items():
        if not isinstance(entry, dict) or not _is_number(entry.get("rating")):
            continue
        ratings[str(model)] = ArenaRating(
            rating=float(entry["rating"]),
            ci_low=float(entry["rating_q025"]) if _is_number(entry.get("rating_q025")) else None,
            ci_high=float(entry["rating_q975"]) if _is_number(entry.get("rating_q975")) else None,
            categories={c: scores[model] for c, scores in per_category.items() if model in scores},
        )
    return ArenaBoard(board=board, ratings=ratings, categories=tuple(sorted(per_category)))


def _is_number(value: Any) -> bool:
    return value.__class__ in _NUMBER_TYPES  # exactly: bool is an int subclass
