"""The `kind` of a model (chat, embedding, image, speech, transcription, music, ...), from data/kinds.yaml."""

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
    """Text out, for conversation, reasoning, writing, tools; may read images, audio or PDFs."""
    embedding = "embedding"
    image = "image"
    """Image generation (and editing, where the model does both)."""
    image_edit = "image_edit"
    """Image editing only (inpainting, instruction edits)."""
    transcription = "transcription"
    """Speech to text (whisper, ASR)."""
    speech = "speech"
    """Text to speech."""
    music = "music"
    """Music and sound generation."""
    realtime = "realtime"
    """Voice conversation: audio in and out (realtime, live, omni and audio-chat models)."""
    audio = "audio"
    """An audio model of unknown direction (only from overrides that say `kind: audio`)."""
    video = "video"
    rerank = "rerank"
    moderation = "moderation"


@dataclass(frozen=True, slots=True)
class _Rule:
    kind: ModelKind
    texts: tuple[str, ...]
    """The `id` patterns that are plain text: substring tests, much quicker than a regular expression."""
    ids: re.Pattern[str] | None
    """The other `id` patterns."""
    segments: tuple[str, ...]
    families: frozenset[str]
    output: frozenset[str]
    output_excludes: frozenset[str]
    input_only: frozenset[str]
    by_name: bool
    """The rule names ids, segments or families, one of which must match."""

    def named(self, model_id: str, family: str | None) -> bool:
        """The id or family is one this rule names."""
        if family is not None and family in self.families:
            return True
        for text in self.texts:
            if text in model_id:
                return True
        return (self.ids is not None and self.ids.search(model_id) is not None) or (
            bool(self.segments) and _has_segment(model_id, self.segments)
        )

    def allows(self, inputs: frozenset[str], outputs: frozenset[str]) -> bool:
        """The modalities fit this rule."""
        if self.output and not (outputs & self.output):
            return False
        if outputs & self.output_excludes:
            return False
        return not (self.input_only and inputs != self.input_only)


def _has_segment(model_id: str, segments: tuple[str, ...]) -> bool:
    # Substring tests, not a regular expression: one anchored like (^|[/._-])bge- has no literal
    # prefix for the engine to skip ahead with, and searching every id with it was slow.
    for segment in segments:
        if segment in model_id and (
            model_id.startswith(segment) or any(separator + segment in model_id for separator in "/._-")
        ):
            return True
    return False


_REGEX_SYNTAX = frozenset(".^$*+?{}[]|()\\")


@functools.cache
def _rules() -> tuple[_Rule, ...]:
    rules = []
    for raw in load_data("kinds.yaml")["rules"]:
        patterns = raw.get("id") or []
        texts = [p for p in patterns if not _REGEX_SYNTAX.intersection(p)]
        expressions = [p for p in patterns if p not in texts]
        rules.append(
            _Rule(
                kind=ModelKind(raw["kind"]),
                texts=tuple(texts),
                ids=re.compile("|".join(expressions)) if expressions else None,
                segments=tuple(raw.get("id_segment") or ()),
                families=frozenset(raw.get("family") or ()),
                output=frozenset(raw.get("output") or ()),
                output_excludes=frozenset(raw.get("output_excludes") or ()),
                input_only=frozenset(raw.get("input_only") or ()),
                by_name=bool(patterns or raw.get("id_segment") or raw.get("family")),
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
    # The first rule both named by the id (or family) and allowed by the modalities wins. Thousands
    # of ids share a few dozen modality pairs, so each pair's rules are sorted out once: most ids
    # are then tested against three or four names, not every rule.
    to_test, otherwise, words, families = _by_modalities(inputs, outputs)
    if not to_test:
        return otherwise
    lowered = model_id.lower()
    if words is not None and (family is None or family not in families):
        # Most ids (chat models) contain none of the words these rules look for: one pass over
        # them all says so, instead of each rule's tests in turn.
        for word in words:
            if word in lowered:
                break
        else:
            return otherwise
    for rule in to_test:
        if rule.named(lowered, family):
            return rule.kind
    return otherwise


@functools.lru_cache(maxsize=1024)
def _by_modalities(
    inputs: tuple[str, ...], outputs: tuple[str, ...]
) -> tuple[tuple[_Rule, ...], ModelKind, tuple[str, ...] | None, frozenset[str]]:
    """The rules these modalities allow that need a name, up to the first that needs none, and its kind.

    Then what those rules name: every text and segment one of them looks for in an id (an id with
    none of them is named by none of the rules, unless by family), or None when one of them has a
    regular expression; and every family they name.
    """
    ins, outs = frozenset(inputs), frozenset(outputs)
    to_test: list[_Rule] = []
    otherwise = ModelKind.chat
    for rule in _rules():
        if rule.allows(ins, outs):
            if not rule.by_name:
                otherwise = rule.kind
                break
            to_test.append(rule)
    words = None if any(rule.ids for rule in to_test) else tuple(w for r in to_test for w in (*r.texts, *r.segments))
    return tuple(to_test), otherwise, words, frozenset().union(*(rule.families for rule in to_test))
