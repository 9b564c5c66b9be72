"""'Did you mean' suggestions, with the standard library only (the runtime must stay light).

Shared by the runtime and the tool: both name the closest valid word in their error messages.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["closest", "did_you_mean"]


def closest(word: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    """Return the candidate most similar to `word`, or None when nothing is close enough."""
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=cutoff)
    return matches[0] if matches else None


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """Return ` (did you mean 'x'?)` for the closest candidate, or an empty string."""
    match = closest(word, candidates)
    return f" (did you mean {match!r}?)" if match else ""
