"""Weighted variants of a role: picking one per call.

A role with `variants:` splits its calls between them by weight (an A/B test of two models, or the
same model on two deployments). The pick is one draw from a `random.Random` per call; a hub built
with `LLMHub(rng=random.Random(7))` (or `rng=7`) makes the sequence of picks repeatable in tests.
A call may instead name its variant (`variant="b"`), or give a `variant_key` (a user id) that always
draws the same variant, so one user sees one arm of an A/B test.
Each variant resolves to its own targets (see `resolver.resolve(..., variant=...)`), so it has its
own fallbacks, and the circuit breaker counts its targets' failures apart from the other variants'.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import random
from collections.abc import Sequence

from .models import VariantConfig

__all__ = ["VariantPicker"]


class VariantPicker:
    """Picks a variant name with probability proportional to its weight; weight 0 is never picked."""

    def __init__(self, variants: Sequence[VariantConfig]) -> None:
        self.names = tuple(variant.name for variant in variants)
        self.weights = tuple(variant.weight for variant in variants)
        self._bounds = list(itertools.accumulate(self.weights))
        self._total = self._bounds[-1]

    def pick(self, rng: random.Random) -> str:
        """One draw: the variant whose share of [0, total) the draw falls in."""
        # bisect_right skips zero-width shares, so a weight-0 variant is never drawn.
        return self.names[bisect.bisect_right(self._bounds, rng.random() * self._total)]

    def pick_for(self, role: str, key: str) -> str:
        """The variant `key` (a user or session id) always gets for `role`: the same as long as the weights stay.

        The draw is a hash of the role and the key, so every worker process agrees without sharing state.
        """
        digest = hashlib.sha256(f"{role}\0{key}".encode()).digest()
        draw = int.from_bytes(digest[:8], "big") / 2**64
        return self.names[bisect.bisect_right(self._bounds, draw * self._total)]

    def share(self, name: str) -> float:
        """The fraction of calls `name` gets."""
        return self.weights[self.names.index(name)] / self._total
