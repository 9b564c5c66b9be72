"""The catalog sources shipped inside llmhub (data/offline/): the offline default.

Used when a build is offline (or every live source failed) and nothing was ever fetched on this
machine: a complete 2026-09 generation of models.dev, the LMArena boards and LiteLLM's lifecycle
table, rather than models.dev's prices alone. Anything fetched or given with `--sources` wins.
"""

from __future__ import annotations

import functools
import gzip
import json
from importlib import resources
from typing import Any

from llmhub.catalog.sources._http import RawPayload, now_iso

__all__ = ["GENERATION", "load", "names"]

GENERATION = "2026-09"


@functools.cache
def _manifest() -> dict[str, Any]:
    text = resources.files("llmhub.catalog").joinpath("data", "offline", "BUNDLE.json").read_text(encoding="utf-8")
    manifest: dict[str, Any] = json.loads(text)
    return manifest


def names() -> tuple[str, ...]:
    """The sources the bundle holds (models.dev, lmarena-text, lmarena-vision, lmarena-image, litellm)."""
    return tuple(_manifest()["files"])


def load(name: str) -> RawPayload | None:
    """The bundled copy of source `name`, or None when the bundle has none (or it cannot be read)."""
    entry = _manifest()["files"].get(name)
    if entry is None:
        return None
    try:
        packed = resources.files("llmhub.catalog").joinpath("data", "offline", entry["file"]).read_bytes()
        body = gzip.decompress(packed)
    except (OSError, EOFError, gzip.BadGzipFile):
        return None
    snapshot = f"{_manifest()['snapshots'][name]} (bundled)"
    return RawPayload(
        body=body,
        origin=f"llmhub's bundled {GENERATION} snapshot ({entry['from']})",
        fetched_at=now_iso(),
        snapshot=snapshot,
    )
