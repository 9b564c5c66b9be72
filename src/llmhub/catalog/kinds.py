"""The `kind` of a model (chat, embedding, image, audio, video, rerank, moderation), from data/kinds.yaml."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from llmhub.catalog._data import load_data

__all__ = ["ModelKind", "infer_kind"]


class ModelKind(StrEnum):
    """What a model does; tiers are only ever compared within one kind."""

    chat = "chat"
    embedding = "embedding"
    image = "image"
    audio = "audio"
    video = "video"
    rerank = "rerank"
    moderation = "moderation"


@dataclass(frozen=True)
class _Rule:
    kind: ModelKind
    ids: re.Pattern[str] | None
    families: frozenset[str]
    output: frozenset[str]
    output_excludes: frozenset[str]
    input_only: frozenset[str]

    def matches(self, model_id: str, family: str | None, inputs: frozenset[str], outputs: frozenset[str]) -> bool:
        named = (self.ids is not None and self.ids.search(model_id) is not None) or (
            family is not None and family in self.families
        )
        if (self.ids is not None or self.families) and not named:
            return False
        if self.output and not (outputs & self.output):
            return False
        if outputs & self.output_excludes:
            return False
        return not (self.input_only and inputs != self.input_only)


@functools.cache
def _rules() -> tuple[_Rule, ...]:
    rules = []
    for raw in load_data("kinds.yaml")["rules"]:
        patterns = raw.get("id") or []
        rules.append(
            _Rule(
                kind=ModelKind(raw["kind"]),
                ids=re.compile("|".join(patterns)) if patterns else None,
                families=frozenset(raw.get("family") or ()),
                output=frozenset(raw.get("output") or ()),
                output_excludes=frozenset(raw.get("output_excludes") or ()),
                input_only=frozenset(raw.get("input_only") or ()),
            )
        )
    return tuple(rules)


def infer_kind(
    model_id: str, family: str | None = None, inputs: Sequence[str] = (), outputs: Sequence[str] = ()
) -> ModelKind:
    """The kind of a model from its id, models.dev family and modalities."""
    return _infer(model_id, family, tuple(inputs), tuple(outputs))


@functools.lru_cache(maxsize=16384)  # the same model id recurs at many hosts
def _infer(model_id: str, family: str | None, inputs: tuple[str, ...], outputs: tuple[str, ...]) -> ModelKind:
    lowered = model_id.lower()
    ins, outs = frozenset(inputs), frozenset(outputs)
    for rule in _rules():
        if rule.matches(lowered, family, ins, outs):
            return rule.kind
    return ModelKind.chat
