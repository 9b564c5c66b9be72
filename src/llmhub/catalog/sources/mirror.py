"""A local mirror of the sources (`--sources DIR`): where each source's file sits in it.

Laid out like the shared catalog snapshots. Each source module reads its own file from here; the
build only needs to know that a directory is a mirror and whether its files changed since the
cached catalog was built, which this module says without importing any source's parser.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Literal

__all__ = ["ARENA_DIR", "ARENA_FILES", "LITELLM", "MODELSDEV", "fingerprint"]

MODELSDEV = Path("models.dev") / "api.json"
"""models.dev's `api.json`: the one file every mirror has."""
ARENA_DIR = Path("arena-catalog") / "data"
ARENA_FILES: dict[Literal["text", "vision", "image"], str] = {
    "text": "leaderboard-text-style-control.json",
    "vision": "leaderboard-vision-style-control.json",
    "image": "leaderboard-image.json",  # text-to-image; LMArena publishes no style-controlled image board
}
"""Each LMArena board's file in `ARENA_DIR` (the lmarena/arena-catalog layout)."""
LITELLM = Path("litellm") / "model_prices_and_context_window.json"
"""LiteLLM's model map, for lifecycle facts (optional)."""


def fingerprint(directory: Path) -> str:
    """Changes whenever a source file in the mirror changes (size and modification time)."""
    parts = []
    for relative in (MODELSDEV, *(ARENA_DIR / name for name in ARENA_FILES.values()), LITELLM):
        path = directory / relative
        try:
            stat = path.stat()
            parts.append(f"{relative}:{stat.st_size}:{stat.st_mtime_ns}")
        except OSError:
            parts.append(f"{relative}:missing")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]
