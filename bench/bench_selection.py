"""Selection benchmark: how well the rule engine (`llmhub generate --no-llm`) picks models.

    python bench/bench_selection.py [--snapshots DIR [DIR ...]] [--specs DIR] [--expert FILE]
                                    [--json] [--write-docs] [--no-cross-process]

Runs the rules on every `<app>.llmhub.spec.yaml` in --specs (default bench/selection/specs) against a
catalog built from each snapshot generation given (default: ../shared/catalog-snapshots and
../shared/catalog-snapshots-2026-09, when present), and reports per generation and per app, with totals:

  hard       primaries and fallbacks breaking a hard constraint (`satisfies` with the role's needs,
             plus the kind, provider and spec limits checked here independently)
  kind p/f   wrong-kind primaries / fallbacks, judged by this file's own oracle (modalities and
             unmistakable id words), never by the engine's kind inference
  emb-fb     embedding fallbacks that are another model than the primary (vectors would not match)
  dup-fb     fallbacks repeating the primary or another fallback
  unpriced   primaries with no known price or no measured rating (of this model at any host, by
             models.dev's canonical_model_id) while a measured, priced model fits
  pareto     primaries another fitting model beats on measured rating and price (>= both, > one)
  mono q/c   monotonicity violations over the 27 quality/cost/latency combinations of each role
  determ     the same llmhub.yaml bytes from a second catalog object (and from a second process
             with another hash seed)
  expert     primaries matching the expert table (bench/selection/expert.yaml)

It measures, it does not gate: the exit code is 0 unless the benchmark itself crashed (or was given
no specs). `--write-docs` renders docs/selection.md from the run. The catalog is built into a
temporary cache directory, never the user's. Definitions are in docs/selection.md.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import dataclasses
import datetime
import fnmatch
import hashlib
import inspect
import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
SELECTION = REPO / "bench" / "selection"
DEFAULT_SPECS = SELECTION / "specs"
DEFAULT_EXPERT = SELECTION / "expert.yaml"
DOCS = REPO / "docs" / "selection.md"
SPEC_SUFFIX = ".llmhub.spec.yaml"
LEVELS = ("low", "medium", "high")
EPSILON = 1e-9

__all__ = [
    "default_snapshots",
    "evaluate_generation",
    "generation_name",
    "load_expert",
    "load_specs",
    "make_catalog",
    "render_markdown",
    "render_text",
    "run",
    "wrong_kind",
]


# --------------------------------------------------------------------------------------------------
# Inputs: snapshots, specs, expert table, catalogs
# --------------------------------------------------------------------------------------------------


def default_snapshots() -> list[Path]:
    """The shared snapshot generations that exist: 2026-07 and 2026-09 (or $LLMHUB_TEST_SNAPSHOTS and its sibling)."""
    candidates: list[Path] = []
    env = os.environ.get("LLMHUB_TEST_SNAPSHOTS")
    if env:
        base = Path(env)
        candidates += [base, base.parent / f"{base.name}-2026-09"]
    shared = REPO.parent / "shared"
    candidates += [shared / "catalog-snapshots", shared / "catalog-snapshots-2026-09"]
    found: list[Path] = []
    for path in candidates:
        if (path / "models.dev" / "api.json").is_file() and path.resolve() not in [p.resolve() for p in found]:
            found.append(path)
    return found


def generation_name(path: Path) -> str:
    """A short name for a snapshot folder: the date it ends with, else the one its README states."""
    match = re.search(r"(\d{4}-\d{2})$", path.name)
    if match:
        return match.group(1)
    readme = path / "README.md"
    if readme.is_file():
        found = re.search(r"\((\d{4}-\d{2})\)", readme.read_text(encoding="utf-8"))
        if found:
            return found.group(1)
    return path.name


def load_specs(specs_dir: Path) -> dict[str, tuple[Path, Any]]:
    """app name -> (path, SpecConfig) for every `<app>.llmhub.spec.yaml`, sorted by app."""
    from llmhub.spec.load import load_spec

    paths = sorted(specs_dir.glob(f"*{SPEC_SUFFIX}"))
    return {p.name[: -len(SPEC_SUFFIX)]: (p, load_spec(p)) for p in paths}


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def load_expert(path: Path | None) -> dict[str, dict[str, dict[str, Any]]]:
    """app -> role -> {accept: [...], reject: [...], why: str}; empty when there is no table."""
    if path is None or not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if isinstance(data, Mapping) and isinstance(data.get("apps"), Mapping):
        data = data["apps"]
    table: dict[str, dict[str, dict[str, Any]]] = {}
    for app, roles in (data or {}).items():
        if not isinstance(roles, Mapping):
            continue
        if isinstance(roles.get("roles"), Mapping):
            roles = roles["roles"]
        for role, entry in roles.items():
            if not isinstance(entry, Mapping) or "accept" not in entry:
                continue
            table.setdefault(str(app), {})[str(role)] = {
                "accept": _as_list(entry.get("accept")),
                "reject": _as_list(entry.get("reject")),
                "why": str(entry.get("why") or "").strip(),
            }
    return table


BENCHMARK_DAY = datetime.date(2026, 12, 4)
"""The day the specs and expert table were written: the catalog judges lifecycle dates on it."""


def make_catalog(sources: Path, cache_dir: Path) -> Any:
    """A catalog built from a snapshot folder only: no user overrides, no discovery, a private cache."""
    from llmhub.catalog import build_catalog

    accepted = inspect.signature(build_catalog).parameters
    kwargs: dict[str, Any] = {"sources_dir": str(sources)}
    # Retirement dates are judged on the day the expert table was written, so the benchmark gives
    # the same figures next year as today (a model retiring in 2027 would otherwise drop out).
    for name, value in (
        ("cache_dir", str(cache_dir)),
        ("overrides", False),
        ("discover", False),
        ("today", BENCHMARK_DAY),
    ):
        if name in accepted:
            kwargs[name] = value
    return build_catalog(**kwargs)


# --------------------------------------------------------------------------------------------------
# Facts about one model, judged here (not by the engine)
# --------------------------------------------------------------------------------------------------


def free_tier(model: Any) -> bool:
    """A documented free tier: the catalog says so, or OpenRouter's `:free` variant."""
    return bool(model.pricing.free) or str(model.model_id).endswith(":free")


def known_price(model: Any) -> float | None:
    """The blended price, or None when unknown: missing, or a $0 listing that is not a documented free tier."""
    if model is None:
        return None
    price = model.pricing.blended
    if price is None:
        return None
    if price <= 0 and not free_tier(model):
        return None
    return float(price)


def board_of(role: Any, needs: Any) -> str | None:
    """Which measured rating judges a role: `text`, `vision`, `image`, or None (no measured rating exists)."""
    kind = str(getattr(role.kind, "value", role.kind))
    if kind in ("chat", "tool"):
        if "vision" in set(needs.requires) or needs.task == "vision":
            return "vision"
        return "text"
    if kind == "image":
        return "image"
    return None


def measured(model: Any, board: str | None) -> float | None:
    """The model's measured rating on a board (an arena entry matched to it), else None."""
    if model is None or board is None:
        return None
    if board == "text":
        return model.quality.score if model.quality.arena_id is not None else None
    if board == "vision":
        return model.vision.score if model.vision.arena_id is not None else None
    if board == "image":
        return model.image.score
    return None


_SAME_MODEL: dict[int, dict[tuple[str, str], float]] = {}


def same_model_rating(catalog: Any, model: Any, board: str | None) -> float | None:
    """A measured rating of the same model at any host (by models.dev's `canonical_model_id`), else None."""
    identity = model.identity.canonical_model_id if model is not None else None
    if catalog is None or board is None or not identity:
        return None
    ratings = _SAME_MODEL.get(id(catalog))
    if ratings is None:
        ratings = _SAME_MODEL[id(catalog)] = {}
        for other in catalog.models:
            key = other.identity.canonical_model_id
            for name in ("text", "vision", "image"):
                value = measured(other, name) if key else None
                if key and value is not None:
                    ratings.setdefault((key, name), value)
    return ratings.get((identity, board))


def task_value(model: Any, categories: Sequence[str]) -> float | None:
    """Mean of the model's arena ratings in the task's categories, when it has all of them."""
    names = [c for c in categories if c not in ("vision", "overall")]
    if not names or model.quality.arena_id is None:
        return None
    values: list[float] = []
    for name in names:
        value = model.quality.scores.get(name)
        if value is None:
            return None
        values.append(float(value))
    return sum(values) / len(values)


def compare_basis(a: Any, b: Any, board: str | None, categories: Sequence[str]) -> tuple[float, float, str] | None:
    """Ratings of a and b on the same basis (the task's categories when both have them, else overall)."""
    if board == "text":
        ta, tb = task_value(a, categories), task_value(b, categories)
        if ta is not None and tb is not None:
            return ta, tb, "+".join(c for c in categories if c not in ("vision", "overall"))
    ma, mb = measured(a, board), measured(b, board)
    if ma is None or mb is None:
        return None
    return ma, mb, {"text": "overall", "vision": "vision board", "image": "image board"}.get(board or "", "rating")


_PART = re.compile(r"[^a-z0-9]+")
_ALNUM = re.compile(r"[a-z]+|[0-9]+")


def id_words(model_id: str) -> set[str]:
    """The words of a model id: its parts split on punctuation, and each part split into letters and digits."""
    words: set[str] = set()
    for part in _PART.split(model_id.lower()):
        if part:
            words.add(part)
            words.update(_ALNUM.findall(part))
    return words


# Unmistakable id words of models that are not chat models (the first group needs no modality check).
_SPEECH = {"tts", "speech"}
_MUSIC = {"music", "lyria"}
_TRANSCRIPTION = {"whisper", "transcribe", "transcription", "asr", "stt"}
_MODERATION = {"moderation", "safety"}
_IMAGE_GEN = {
    "image",
    "imagen",
    "imagine",
    "dall",
    "flux",
    "diffusion",
    "sdxl",
    "sd3",
    "seedream",
    "ideogram",
    "recraft",
}
_VIDEO = {"video", "veo", "sora", "kling", "seedance", "hailuo"}
_EMBEDDING_FAMILIES = {"bge", "gte", "e5", "voyage"}


def _embedding_words(words: set[str]) -> bool:
    return any(w.startswith("embed") for w in words) or bool(words & _EMBEDDING_FAMILIES)


def _rerank_words(words: set[str]) -> bool:
    return any(w.startswith("rerank") for w in words)


def _moderation_words(words: set[str]) -> bool:
    return bool(words & _MODERATION) or any(w.endswith("guard") or w.startswith("shield") for w in words)


def non_chat_reason(model_id: str, inputs: Sequence[str], outputs: Sequence[str]) -> str | None:
    """Why a model is not a chat model (None when nothing says so)."""
    words = id_words(model_id)
    outs = set(outputs)
    if outs and "text" not in outs:
        return f"outputs {sorted(outs)}, no text"
    for label, hit in (
        ("speech synthesis (TTS)", words & _SPEECH),
        ("music", words & _MUSIC),
        ("transcription", words & _TRANSCRIPTION),
    ):
        if hit:
            return f"{label} model (id says {sorted(hit)[0]!r})"
    if _embedding_words(words):
        return "embedding model (id)"
    if _rerank_words(words):
        return "rerank model (id)"
    if _moderation_words(words):
        return "moderation/guard model (id)"
    for label, vocabulary, modality in (
        ("image generation", _IMAGE_GEN, "image"),
        ("video generation", _VIDEO, "video"),
    ):
        hit = words & vocabulary
        if hit and (not outs or modality in outs):
            return f"{label} model (id says {sorted(hit)[0]!r}, outputs {sorted(outs) or 'unknown'})"
    return None


_STT_WORDS = re.compile(r"transcri|speech[- ]to[- ]text|dictat", re.I)
_TTS_WORDS = re.compile(
    r"\bspeak|\bspoken|\bread\b.*?\b(?:aloud|out loud)\b|\bvoice|text[- ]to[- ]speech|\bnarrat", re.I
)


def audio_direction(kind: str, description: str) -> str:
    """`stt`, `tts` or `any`: what an audio role does, from its kind or description (transcription words win)."""
    if kind in ("transcription", "stt", "speech_to_text"):
        return "stt"
    if kind in ("speech", "tts", "text_to_speech"):
        return "tts"
    if _STT_WORDS.search(description or ""):
        return "stt"
    if _TTS_WORDS.search(description or ""):
        return "tts"
    return "any"


_AUDIO_KINDS = ("audio", "speech", "tts", "text_to_speech", "transcription", "stt", "speech_to_text")


def wrong_kind(role: Any, model: Any, provider: str, model_id: str) -> str | None:
    """Why a pick is the wrong kind of model for the role (None: right kind, or nothing to judge by).

    Judged from the model's modalities and unmistakable id words only, never the catalog's `kind`.
    """
    kind = str(getattr(role.kind, "value", role.kind))
    inputs = tuple(model.capabilities.input_modalities) if model is not None else ()
    outputs = tuple(model.capabilities.output_modalities) if model is not None else ()
    ins, outs = set(inputs), set(outputs)
    words = id_words(model_id)
    if kind in ("chat", "tool"):
        return non_chat_reason(model_id, inputs, outputs)
    if kind == "embedding":
        return _not_embedding(words, outs)
    if kind == "image":
        return _not_image_generation(words, outs)
    if kind == "video":
        return None if "video" in outs or (not outs and words & _VIDEO) else "does not output video"
    if kind in _AUDIO_KINDS:
        return _wrong_audio(audio_direction(kind, role.description or ""), model, words, ins, outs)
    return None


def _not_embedding(words: set[str], outs: set[str]) -> str | None:
    if not _embedding_words(words) or _rerank_words(words):
        return "not an embedding model (no embedding word in its id)"
    if outs & {"image", "audio", "video"}:
        return f"outputs {sorted(outs)}: not an embedding model"
    return None


def _not_image_generation(words: set[str], outs: set[str]) -> str | None:
    named = bool(words & _IMAGE_GEN)
    makes_images = ("image" in outs and ("text" not in outs or named)) or (not outs and named)
    return None if makes_images else f"not an image-generation model (outputs {sorted(outs) or 'unknown'})"


def _wrong_audio(direction: str, model: Any, words: set[str], ins: set[str], outs: set[str]) -> str | None:
    """An audio role's pick, judged by what the role does (`stt`, `tts` or `any`, see audio_direction)."""
    if direction == "stt":
        return _not_transcription(model, words, ins, outs)
    if direction == "tts":
        return _not_speech(model, words, outs)
    if model is not None and "audio" not in ins | outs:
        return "neither takes nor makes audio"
    return None


def _not_transcription(model: Any, words: set[str], ins: set[str], outs: set[str]) -> str | None:
    if words & _SPEECH:
        return "a speech-synthesis (TTS) model for a transcription role"
    if model is not None and not ("audio" in ins and "text" in outs):
        return f"transcription needs audio in, text out (has {sorted(ins)} -> {sorted(outs)})"
    if model is None and not words & _TRANSCRIPTION:
        return "not in the catalog and its id names no transcription model"
    return None


def _not_speech(model: Any, words: set[str], outs: set[str]) -> str | None:
    if words & _MUSIC:
        return "a music model for a speech role"
    if model is not None and "audio" not in outs:
        return f"speech needs audio output (outputs {sorted(outs)})"
    if model is None and not words & _SPEECH:
        return "not in the catalog and its id names no speech model"
    return None


def bare_model_id(model_id: str) -> str:
    """A model id without a provider prefix (`openai/text-embedding-3-small` -> `text-embedding-3-small`)."""
    return model_id.rsplit("/", 1)[-1].lower()


def same_embedding_model(a: tuple[str, str, Any], b: tuple[str, str, Any]) -> bool:
    """Two picks serve the same embedding model (the same vectors), whatever the host."""
    if bare_model_id(a[1]) == bare_model_id(b[1]):
        return True
    ca, cb = (m.identity.canonical_model_id if m is not None else None for m in (a[2], b[2]))
    return ca is not None and ca == cb


def price_text(model: Any) -> str:
    if model is None:
        return "not in the catalog"
    pin, pout = model.pricing.input, model.pricing.output
    blended = model.pricing.blended
    if pin is None and pout is None and blended is None:
        return "price unknown"
    parts = []
    if pin is not None or pout is not None:
        parts.append(f"${_g(pin)}/${_g(pout)} per M in/out")
    if blended is not None:
        parts.append(f"blended ${_g(blended)}")
    if known_price(model) is None:
        parts.append("(unknown: $0 listing, not a free tier)" if blended is not None else "(unknown)")
    return ", ".join(parts)


def _g(value: float | None) -> str:
    return "?" if value is None else f"{value:g}"


def rating_text(model: Any, board: str | None, categories: Sequence[str]) -> str:
    if board is None:
        return "no measured rating exists for this kind"
    value = measured(model, board)
    if value is None:
        return f"unrated ({board})"
    task = task_value(model, categories) if board == "text" else None
    named = "+".join(c for c in categories if c not in ("vision", "overall"))
    extra = f", {named} {task:.0f}" if task is not None else ""
    return f"{board} {value:.0f}{extra}"


# --------------------------------------------------------------------------------------------------
# Generation
# --------------------------------------------------------------------------------------------------


@dataclasses.dataclass
class RolePick:
    role: str
    primary: tuple[str, str]
    fallbacks: list[tuple[str, str]]
    explanation: Any = None
    decided_by: str | None = None


def _options(catalog: Any, rules: Any) -> Any:
    from llmhub.generator import GeneratorOptions

    return GeneratorOptions(no_llm=True, catalog=catalog, rules=rules)


def generate_text(spec: Any, catalog: Any, rules: Any) -> str:
    """The llmhub.yaml text for a spec, or `error: ...` when generation fails."""
    from llmhub.generator import generate_runtime_from_spec

    try:
        return str(generate_runtime_from_spec(spec, _options(catalog, rules)).text())
    except Exception as exc:
        return f"error: {type(exc).__name__}: {exc}"


def _picks_of(result: Any) -> dict[str, RolePick]:
    picks = {}
    for name, role in result.runtime.roles.items():
        picks[name] = RolePick(
            role=name,
            primary=(role.provider, role.model),
            fallbacks=[(f.provider, f.model) for f in role.fallbacks],
            explanation=result.explanations.get(name),
            decided_by=result.decided_by.get(name),
        )
    return picks


def generate_picks(spec: Any, catalog: Any, rules: Any) -> tuple[str, dict[str, RolePick], dict[str, str]]:
    """(llmhub.yaml text, picks by role, errors by role). When the whole spec fails, roles are tried one by one."""
    from llmhub.generator import generate_runtime_from_spec

    try:
        result = generate_runtime_from_spec(spec, _options(catalog, rules))
        return str(result.text()), _picks_of(result), {}
    except Exception as exc:
        text = f"error: {type(exc).__name__}: {exc}"
    picks: dict[str, RolePick] = {}
    errors: dict[str, str] = {}
    for name, role in spec.roles.items():
        single = spec.model_copy(update={"roles": {name: role}})
        try:
            result = generate_runtime_from_spec(single, _options(catalog, rules))
            picks.update(_picks_of(result))
        except Exception as exc:
            errors[name] = f"{type(exc).__name__}: {exc}"
    return text, picks, errors


def variant_name(q: str, c: str, latency: str) -> str:
    return f"variant.q-{q}.c-{c}.l-{latency}"


def variants_spec(spec: Any, name: str) -> Any:
    """A spec whose roles are the 27 quality/cost/latency variants of one role."""
    from llmhub.spec.models import PreferenceLevel

    role = spec.roles[name]
    roles = {}
    for q in LEVELS:
        for c in LEVELS:
            for latency in LEVELS:
                levels = {
                    "quality": PreferenceLevel(q),
                    "cost": PreferenceLevel(c),
                    "latency": PreferenceLevel(latency),
                }
                prefs = role.preferences.model_copy(update=levels)
                roles[variant_name(q, c, latency)] = role.model_copy(update={"preferences": prefs})
    return spec.model_copy(update={"roles": roles})


# --------------------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------------------


def first_difference(first: str, second: str, where: str) -> str:
    """Where two generated texts first differ, for the report."""
    a, b = first.splitlines(), second.splitlines()
    for number, (x, y) in enumerate(zip(a, b, strict=False), start=1):
        if x != y:
            return f"{where}: line {number}: {x.strip()!r} vs {y.strip()!r}"
    return f"{where}: {len(a)} lines vs {len(b)} lines"


def _slot(index: int) -> str:
    return "primary" if index == 0 else f"fallback {index}"


def hard_violations(
    role: Any, needs: Any, rules: Any, picks: list[tuple[str, str, Any]], forced: bool
) -> list[dict[str, Any]]:
    """Every pick (primary first) that breaks a hard constraint, with the constraints it breaks."""
    unforced = dataclasses.replace(needs, force_model=None)
    kind_rule = rules.kinds[role.kind]
    found = []
    for index, (provider, model_id, model) in enumerate(picks):
        if index == 0 and forced:
            continue  # the spec chose it; the engine only warns when it breaks a limit
        broken: list[str] = []
        if model is None:
            broken.append("not in the catalog")
        else:
            broken += _model_violations(role, model, unforced if forced else needs, rules, kind_rule)
        broken += _placement_violations(role, needs, provider, model_id)
        broken = list(dict.fromkeys(broken))
        if broken:
            found.append({"slot": _slot(index), "model": f"{provider}:{model_id}", "broken": broken})
    return found


def _model_violations(role: Any, model: Any, needs: Any, rules: Any, kind_rule: Any) -> list[str]:
    """The hard constraints a catalog model breaks: the engine's `satisfies`, then the kind and spec limits."""
    from llmhub.generator.candidates import satisfies

    broken: list[str] = []
    broken += satisfies(model, needs, rules)
    if str(model.kind) not in {str(k) for k in kind_rule.catalog_kinds}:
        broken.append(f"kind {model.kind} is not one of {', '.join(map(str, kind_rule.catalog_kinds))}")
    if role.max_price is not None:
        broken += _max_price_violations(role.max_price, model)
    if role.min_context and (model.limits.context or 0) < role.min_context:
        broken.append(f"context {model.limits.context} below min_context {role.min_context}")
    if role.open_weights_only and model.capabilities.open_weights is not True:
        broken.append("not open weights")
    return broken


def _max_price_violations(max_price: Any, model: Any) -> list[str]:
    """An unknown price breaks a limit as surely as a higher one."""
    broken: list[str] = []
    if max_price.input is not None and (model.pricing.input is None or model.pricing.input > max_price.input):
        broken.append(f"input price {_g(model.pricing.input)} above max_price {max_price.input:g}")
    if max_price.output is not None and (model.pricing.output is None or model.pricing.output > max_price.output):
        broken.append(f"output price {_g(model.pricing.output)} above max_price {max_price.output:g}")
    return broken


def _placement_violations(role: Any, needs: Any, provider: str, model_id: str) -> list[str]:
    """The limits on where a pick comes from, judged even for a model missing from the catalog."""
    broken: list[str] = []
    if provider not in needs.providers:
        broken.append(f"provider {provider} not allowed ({', '.join(needs.providers)})")
    if role.force_provider and provider != role.force_provider:
        broken.append(f"force_provider is {role.force_provider}")
    for pattern in role.exclude:
        if fnmatch.fnmatchcase(f"{provider}:{model_id}", pattern) or fnmatch.fnmatchcase(model_id, pattern):
            broken.append(f"excluded by {pattern}")
    return broken


def measured_alternatives(candidates: Iterable[Any], board: str | None) -> tuple[Any, Any]:
    """(cheapest, best) fitting models with a measured rating and a known non-zero price; (None, None) if none."""
    fitting = []
    for model in candidates:
        rating, price = measured(model, board), known_price(model)
        if rating is not None and price is not None and price > 0:
            fitting.append((model, rating, price))
    if not fitting:
        return None, None
    cheapest = min(fitting, key=lambda f: (f[2], -f[1], f[0].canonical_id))[0]
    best = max(fitting, key=lambda f: (f[1], -f[2], f[0].canonical_id))[0]
    return cheapest, best


def pareto_dominator(pick: Any, candidates: Sequence[Any], board: str | None, categories: Sequence[str]) -> Any:
    """The strongest fitting model with measured rating >= and known price <= the pick's, better in one."""
    price = known_price(pick)
    if price is None or measured(pick, board) is None:
        return None
    best = None
    best_key: tuple[float, float, str] | None = None
    for other in candidates:
        if other.canonical_id == pick.canonical_id:
            continue
        other_price = known_price(other)
        if other_price is None or other_price > price + EPSILON or free_tier(other):
            # a free tier (rate-limited) is not an offer that can replace a paid one
            continue
        basis = compare_basis(other, pick, board, categories)
        if basis is None:
            continue
        theirs, ours, _ = basis
        if theirs < ours - EPSILON:
            continue
        if theirs <= ours + EPSILON and other_price >= price - EPSILON:
            continue  # equal on both: not strictly better in either
        key = (theirs - ours, price - other_price, other.canonical_id)
        if best_key is None or key[:2] > best_key[:2]:
            best, best_key = other, key
    return best


@dataclasses.dataclass
class Monotonicity:
    quality_pairs: int = 0
    quality_unjudged: int = 0
    quality_violations: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    cost_pairs: int = 0
    cost_unjudged: int = 0
    cost_violations: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    errors: list[str] = dataclasses.field(default_factory=list)


_RAISES = ((0, 1), (1, 2), (0, 2))
"""Pairs of LEVELS indexes (lower, higher): every step up, and the jump from low to high."""


def monotonicity(
    spec: Any, name: str, catalog: Any, rules: Any, board: str | None, categories: Sequence[str], into: Monotonicity
) -> None:
    """Judge one role over its 27 preference variants (one generate call)."""
    from llmhub.generator import generate_runtime_from_spec

    try:
        result = generate_runtime_from_spec(variants_spec(spec, name), _options(catalog, rules))
    except Exception as exc:
        into.errors.append(f"{name}: {type(exc).__name__}: {exc}")
        return
    pick = _variant_picks(result, catalog)
    for a in LEVELS:
        for b in LEVELS:
            _judge_quality_raises(pick, name, a, b, board, categories, into)
            _judge_cost_cuts(pick, name, a, b, into)


def _variant_picks(result: Any, catalog: Any) -> dict[tuple[str, str, str], tuple[str, Any]]:
    """(quality, cost, latency) -> (`provider:model` picked, its catalog model or None)."""
    pick: dict[tuple[str, str, str], tuple[str, Any]] = {}
    for q in LEVELS:
        for c in LEVELS:
            for latency in LEVELS:
                role = result.runtime.roles[variant_name(q, c, latency)]
                pick[(q, c, latency)] = (f"{role.provider}:{role.model}", catalog.get(role.provider, role.model))
    return pick


def _judge_quality_raises(
    pick: Mapping[tuple[str, str, str], tuple[str, Any]],
    name: str,
    a: str,
    b: str,
    board: str | None,
    categories: Sequence[str],
    into: Monotonicity,
) -> None:
    """Quality raised from LEVELS[i] to LEVELS[j], cost a and latency b fixed: the rating must not drop."""
    for i, j in _RAISES:
        (low_id, low), (high_id, high) = pick[(LEVELS[i], a, b)], pick[(LEVELS[j], a, b)]
        into.quality_pairs += 1
        if low_id == high_id:
            continue
        basis = compare_basis(high, low, board, categories) if low is not None and high is not None else None
        if basis is None:
            into.quality_unjudged += 1
            continue
        r_high, r_low, named = basis
        if r_high < r_low - EPSILON:
            into.quality_violations.append(
                {
                    "role": name,
                    "fixed": f"cost {a}, latency {b}",
                    "change": f"quality {LEVELS[i]} -> {LEVELS[j]}",
                    "from": f"{low_id} ({named} {r_low:.0f})",
                    "to": f"{high_id} ({named} {r_high:.0f})",
                }
            )


def _judge_cost_cuts(
    pick: Mapping[tuple[str, str, str], tuple[str, Any]], name: str, a: str, b: str, into: Monotonicity
) -> None:
    """Cost lowered from LEVELS[j] to LEVELS[i], quality a and latency b fixed: the price must not rise."""
    for i, j in _RAISES:
        (cheap_id, cheap), (dear_id, dear) = pick[(a, LEVELS[i], b)], pick[(a, LEVELS[j], b)]
        into.cost_pairs += 1
        if cheap_id == dear_id:
            continue
        p_cheap, p_dear = known_price(cheap), known_price(dear)
        if p_cheap is None and p_dear is None:
            into.cost_unjudged += 1
            continue
        if p_cheap is None or p_dear is None or p_cheap > p_dear + EPSILON:
            into.cost_violations.append(
                {
                    "role": name,
                    "fixed": f"quality {a}, latency {b}",
                    "change": f"cost {LEVELS[j]} -> {LEVELS[i]}",
                    "from": f"{dear_id} (${_g(p_dear)})",
                    "to": f"{cheap_id} (${_g(p_cheap)})",
                }
            )


def expert_verdict(entry: Mapping[str, Any] | None, pick: str | None) -> bool | None:
    """True: accepted; False: not; None: no expert entry for the role."""
    if entry is None:
        return None
    if pick is None:
        return False
    lowered = pick.lower()  # the table's patterns match case-insensitively
    accepted = any(fnmatch.fnmatchcase(lowered, p.lower()) for p in entry["accept"])
    rejected = any(fnmatch.fnmatchcase(lowered, p.lower()) for p in entry["reject"])
    return accepted and not rejected


@dataclasses.dataclass
class JudgedRole:
    """A role the engine picked for, with what every check of it needs."""

    name: str
    role: Any
    needs: Any
    board: str | None
    categories: tuple[str, ...]
    forced: bool
    chosen: RolePick
    models: list[tuple[str, str, Any]]
    """(provider, model id, catalog model or None) of the primary, then of each fallback."""

    @classmethod
    def of(cls, name: str, role: Any, needs: Any, chosen: RolePick, catalog: Any) -> JudgedRole:
        chain = [chosen.primary, *chosen.fallbacks]
        return cls(
            name=name,
            role=role,
            needs=needs,
            board=board_of(role, needs),
            categories=tuple(needs.categories),
            forced=bool(role.force_model),
            chosen=chosen,
            models=[(p, m, catalog.get(p, m)) for p, m in chain],
        )

    @property
    def primary_id(self) -> str:
        return f"{self.chosen.primary[0]}:{self.chosen.primary[1]}"

    @property
    def primary_model(self) -> Any:
        return self.models[0][2]


@dataclasses.dataclass
class ExpertTally:
    """One app's agreement with the expert table; its fields, in order, are the report's `expert` figures."""

    judged: int = 0
    agree: int = 0
    disagreements: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    fallbacks_judged: int = 0
    fallbacks_agree: int = 0
    fallback_disagreements: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    no_entry: list[str] = dataclasses.field(default_factory=list)

    def unpicked(self, name: str, entry: Mapping[str, Any] | None) -> None:
        """A role the engine picked nothing for: a disagreement when the table has an entry for it."""
        if entry is None:
            return
        self.judged += 1
        self.disagreements.append(
            {
                "role": name,
                "pick": None,
                "price": "",
                "quality": "",
                "accept": entry["accept"],
                "why": entry["why"],
            }
        )

    def judge(self, judged: JudgedRole, entry: Mapping[str, Any] | None, summary: Mapping[str, Any]) -> None:
        """The primary against the role's entry (`summary` is the role's `picks` item of the report)."""
        verdict = expert_verdict(entry, judged.primary_id)
        if verdict is None:
            self.no_entry.append(judged.name)
            return
        self.judged += 1
        self.agree += verdict
        if not verdict:
            self.disagreements.append(
                {
                    "role": judged.name,
                    "pick": judged.primary_id,
                    "price": price_text(judged.primary_model),
                    "quality": summary["rating"]
                    + (f"; engine: {summary['engine_quality']}" if summary["engine_quality"] else ""),
                    "accept": entry["accept"],  # type: ignore[index]
                    "reject": entry["reject"],  # type: ignore[index]
                    "why": entry["why"],  # type: ignore[index]
                }
            )
        # The table's picks include fallbacks: reported beside the primaries' figure.
        self._judge_fallbacks(judged, entry)

    def _judge_fallbacks(self, judged: JudgedRole, entry: Mapping[str, Any] | None) -> None:
        for index, (provider, model_id, model) in enumerate(judged.models[1:], start=1):
            self.fallbacks_judged += 1
            if expert_verdict(entry, f"{provider}:{model_id}"):
                self.fallbacks_agree += 1
            else:
                self.fallback_disagreements.append(
                    {
                        "role": judged.name,
                        "slot": _slot(index),
                        "pick": f"{provider}:{model_id}",
                        "price": price_text(model),
                        "quality": rating_text(model, judged.board, judged.categories),
                    }
                )


def evaluate_app(
    app: str, spec: Any, catalog: Any, rules: Any, expert: Mapping[str, Mapping[str, Any]], second_catalog: Any
) -> dict[str, Any]:
    """Every measurement for one spec against one catalog."""
    from llmhub.generator.needs import needs_for

    text, picks, errors = generate_picks(spec, catalog, rules)
    report = _new_app_report(spec, text, errors)
    mono = Monotonicity()
    tally = ExpertTally()
    app_expert = expert.get(app, {})
    for name, role in spec.roles.items():
        needs = needs_for(name, role, spec, rules)
        chosen = picks.get(name)
        entry = app_expert.get(name)
        if chosen is None:
            tally.unpicked(name, entry)
            continue
        judged = JudgedRole.of(name, role, needs, chosen, catalog)
        _check_role(report, judged, spec, catalog, rules, mono)
        # 8. expert
        tally.judge(judged, entry, report["picks"][name])
    report["monotonicity"] = dataclasses.asdict(mono)
    report["expert"] = {**dataclasses.asdict(tally), "stale_entries": sorted(set(app_expert) - set(spec.roles))}
    # 7. determinism: a second catalog object, same bytes
    second = generate_text(spec, second_catalog, rules)
    report["deterministic"] = second == text
    report["determinism_diff"] = None if second == text else first_difference(text, second, "second catalog object")
    report["text_sha256"] = hashlib.sha256(text.encode()).hexdigest()[:16]
    report["_text"] = text
    return report


def _new_app_report(spec: Any, text: str, errors: Mapping[str, str]) -> dict[str, Any]:
    """An app report with the generation errors and every finding list still empty."""
    report: dict[str, Any] = {
        "roles": len(spec.roles),
        "errors": [{"role": r, "error": e} for r, e in errors.items()],
        "hard_violations": [],
        "wrong_kind_primary": [],
        "wrong_kind_fallback": [],
        "embedding_other_model_fallbacks": [],
        "duplicate_fallbacks": [],
        "unknown_price_or_unrated": [],
        "pareto_dominated": [],
        "picks": {},
    }
    if text.startswith("error:"):
        report["errors"].insert(0, {"role": "(whole spec)", "error": text[len("error: ") :]})
    return report


def _check_role(
    report: dict[str, Any], judged: JudgedRole, spec: Any, catalog: Any, rules: Any, mono: Monotonicity
) -> None:
    """Checks 1 to 6 of one picked role, into the app report."""
    from llmhub.generator.candidates import filter_candidates

    report["picks"][judged.name] = _pick_summary(judged)
    # 1. hard constraints
    for item in hard_violations(judged.role, judged.needs, rules, judged.models, judged.forced):
        report["hard_violations"].append({"role": judged.name, **item})
    # 2. wrong kind
    _check_kinds(report, judged)
    # 3. embedding fallbacks of another model; duplicates
    _check_embedding_fallbacks(report, judged)
    _check_duplicates(report, judged)
    # 4 and 5 need the fitting models (the engine's own hard constraints)
    if not judged.forced and judged.board is not None:
        candidates = filter_candidates(catalog, judged.needs, rules).models
        _check_unpriced(report, judged, candidates, catalog)
        _check_pareto(report, judged, candidates)
    # 6. monotonicity
    if not judged.forced:
        monotonicity(spec, judged.name, catalog, rules, judged.board, judged.categories, mono)


def _pick_summary(judged: JudgedRole) -> dict[str, Any]:
    chosen, primary_model = judged.chosen, judged.primary_model
    return {
        "primary": judged.primary_id,
        "fallbacks": [f"{p}:{m}" for p, m in chosen.fallbacks],
        "price": price_text(primary_model),
        "rating": rating_text(primary_model, judged.board, judged.categories),
        "engine_quality": (chosen.explanation.facts or {}).get("arena") if chosen.explanation else None,
        "task": judged.needs.task,
    }


def _check_kinds(report: dict[str, Any], judged: JudgedRole) -> None:
    for index, (provider, model_id, model) in enumerate(judged.models):
        if index == 0 and judged.forced:
            continue
        why = wrong_kind(judged.role, model, provider, model_id)
        if why:
            key = "wrong_kind_primary" if index == 0 else "wrong_kind_fallback"
            report[key].append(
                {"role": judged.name, "slot": _slot(index), "model": f"{provider}:{model_id}", "why": why}
            )


def _check_embedding_fallbacks(report: dict[str, Any], judged: JudgedRole) -> None:
    kind = str(getattr(judged.role.kind, "value", judged.role.kind))
    if kind != "embedding":
        return
    models = judged.models
    for index, fallback in enumerate(models[1:], start=1):
        if not same_embedding_model(models[0], fallback):
            report["embedding_other_model_fallbacks"].append(
                {
                    "role": judged.name,
                    "slot": _slot(index),
                    "primary": judged.primary_id,
                    "fallback": f"{fallback[0]}:{fallback[1]}",
                }
            )


def _check_duplicates(report: dict[str, Any], judged: JudgedRole) -> None:
    seen: set[str] = set()
    for index, (provider, model_id, _) in enumerate(judged.models):
        key = f"{provider}:{model_id}"
        if key in seen:
            report["duplicate_fallbacks"].append({"role": judged.name, "slot": _slot(index), "model": key})
        seen.add(key)


def _check_unpriced(report: dict[str, Any], judged: JudgedRole, candidates: Any, catalog: Any) -> None:
    """A primary without a known price or a measured rating, while a measured, priced model fits.

    A rating of the same model at another host counts as measured: models.dev's `canonical_model_id`
    says which entries are one model (an independent source, not the engine's inheritance).
    """
    board, categories, primary_model = judged.board, judged.categories, judged.primary_model
    pick_price, pick_rating = known_price(primary_model), measured(primary_model, board)
    if pick_rating is None:
        pick_rating = same_model_rating(catalog, primary_model, board)
    if pick_price is not None and pick_rating is not None:
        return
    cheapest, best = measured_alternatives(candidates, board)
    if cheapest is None:
        return
    missing = " and ".join(
        x for x, bad in (("price", pick_price is None), ("measured rating", pick_rating is None)) if bad
    )
    report["unknown_price_or_unrated"].append(
        {
            "role": judged.name,
            "model": judged.primary_id,
            "missing": missing,
            "alternative": "; ".join(
                f"{label} {m.canonical_id} ({rating_text(m, board, categories)}, ${known_price(m):g})"
                for label, m in (("cheapest", cheapest), ("best", best))
                if label == "cheapest" or m is not cheapest
            ),
        }
    )


def _check_pareto(report: dict[str, Any], judged: JudgedRole, candidates: Any) -> None:
    primary_model = judged.primary_model
    dominator = pareto_dominator(primary_model, candidates, judged.board, judged.categories)
    if dominator is None:
        return
    basis = compare_basis(dominator, primary_model, judged.board, judged.categories)
    assert basis is not None
    report["pareto_dominated"].append(
        {
            "role": judged.name,
            "model": f"{judged.primary_id} ({basis[2]} {basis[1]:.0f}, ${known_price(primary_model):g})",
            "dominated_by": f"{dominator.canonical_id} ({basis[2]} {basis[0]:.0f}, ${known_price(dominator):g})",
        }
    )


COUNTS = (
    ("roles", "roles"),
    ("errors", "errors"),
    ("hard", "hard_violations"),
    ("kind_primary", "wrong_kind_primary"),
    ("kind_fallback", "wrong_kind_fallback"),
    ("embedding_other_model", "embedding_other_model_fallbacks"),
    ("duplicate_fallbacks", "duplicate_fallbacks"),
    ("unknown_price_or_unrated", "unknown_price_or_unrated"),
    ("pareto", "pareto_dominated"),
)


def counts_of(app: Mapping[str, Any]) -> dict[str, Any]:
    """The figures of one app report."""
    figures = {label: (app[key] if isinstance(app[key], int) else len(app[key])) for label, key in COUNTS}
    mono = app["monotonicity"]
    figures |= {
        "mono_quality": len(mono["quality_violations"]),
        "mono_cost": len(mono["cost_violations"]),
        "mono_quality_unjudged": mono["quality_unjudged"],
        "mono_cost_unjudged": mono["cost_unjudged"],
        "mono_quality_pairs": mono["quality_pairs"],
        "mono_cost_pairs": mono["cost_pairs"],
        "mono_errors": len(mono["errors"]),
        "nondeterministic": 0 if app["deterministic"] else 1,
        "expert_judged": app["expert"]["judged"],
        "expert_agree": app["expert"]["agree"],
        "expert_fallbacks_judged": app["expert"]["fallbacks_judged"],
        "expert_fallbacks_agree": app["expert"]["fallbacks_agree"],
    }
    return figures


_CATALOGS: dict[str, Any] = {}
"""Catalogs built in this process, by snapshot folder (forked workers inherit them)."""


def _cache_dir(work: Path, sources: Path) -> Path:
    return work / f"cache-{generation_name(sources)}"


def _catalog(sources: Path, work: Path) -> Any:
    key = str(sources)
    if key not in _CATALOGS:
        _CATALOGS[key] = make_catalog(sources, _cache_dir(work, sources))
    return _CATALOGS[key]


def _evaluate_task(
    sources: Path, app: str, spec: Any, expert: Mapping[str, Mapping[str, Any]], work: Path
) -> dict[str, Any]:
    """One app against one generation (in a worker process)."""
    from llmhub.generator import load_rules

    catalog = _catalog(sources, work)
    # A fresh catalog object for the determinism check: loaded from the cache the first build wrote.
    second = make_catalog(sources, _cache_dir(work, sources))
    return evaluate_app(app, spec, catalog, load_rules(), expert, second)


def evaluate_generations(
    snapshots: Sequence[Path],
    specs: Mapping[str, tuple[Path, Any]],
    expert: Mapping[str, Mapping[str, Any]],
    work: Path,
    cross_process: bool = True,
    jobs: int | None = None,
) -> list[dict[str, Any]]:
    """Every app against every generation: one task per (generation, app), spread over `jobs` processes.

    Each catalog is built once here (workers fork with it, or load it from the cache); the
    second-process determinism runs go on meanwhile.
    """
    built: dict[Path, tuple[Any, float]] = {}
    for sources in snapshots:
        started = time.perf_counter()
        built[sources] = (_catalog(sources, work), time.perf_counter() - started)
    others = {sources: start_texts_process(sources, specs, work) for sources in snapshots} if cross_process else {}
    # The biggest catalogs and apps first, so that the last tasks are short ones.
    tasks = sorted(
        ((sources, app) for sources in snapshots for app in specs),
        key=lambda t: -len(built[t[0]][0]) * len(specs[t[1]][1].roles),
    )
    workers = max(1, min(len(tasks), jobs or os.cpu_count() or 1))
    results: dict[tuple[Path, str], dict[str, Any]] = {}
    if workers == 1:
        for sources, app in tasks:
            results[(sources, app)] = _evaluate_task(sources, app, specs[app][1], expert, work)
    else:
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        with concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures = {
                (sources, app): pool.submit(_evaluate_task, sources, app, specs[app][1], expert, work)
                for sources, app in tasks
            }
            results = {key: future.result() for key, future in futures.items()}
    generations = []
    for sources in snapshots:
        catalog, build_s = built[sources]
        apps = {app: results[(sources, app)] for app in specs}
        cross_error = None
        if sources in others:
            try:
                texts: dict[str, str] | None = finish_texts_process(*others[sources])
            except (RuntimeError, subprocess.SubprocessError, ValueError) as exc:
                texts, cross_error = None, str(exc)
            for app, report in apps.items():
                same = None if texts is None else texts.get(app) == report["_text"]
                report["deterministic_cross_process"] = same
                if same is False and texts is not None:
                    report["deterministic"] = False
                    report["determinism_diff"] = first_difference(report["_text"], texts.get(app, ""), "second process")
        totals: dict[str, Any] = {}
        for report in apps.values():
            for key, value in counts_of(report).items():
                totals[key] = totals.get(key, 0) + value
        judged = totals.get("expert_judged")
        totals["expert_pct"] = 100.0 * totals["expert_agree"] / judged if judged else None
        generations.append(
            {
                "name": generation_name(sources),
                "sources": str(sources),
                "catalog_models": len(catalog),
                "catalog_snapshot": dict(catalog.snapshot()),
                "build_s": round(build_s, 3),
                "cross_process_error": cross_error,
                "apps": apps,
                "totals": totals,
            }
        )
    return generations


def evaluate_generation(
    sources: Path,
    specs: Mapping[str, tuple[Path, Any]],
    expert: Mapping[str, Mapping[str, Any]],
    work: Path,
    *,
    cross_process: bool = False,
    jobs: int | None = None,
) -> dict[str, Any]:
    """Every app measured against one snapshot generation."""
    return evaluate_generations([sources], specs, expert, work, cross_process, jobs)[0]


def start_texts_process(
    sources: Path, specs: Mapping[str, tuple[Path, Any]], work: Path
) -> tuple[subprocess.Popen[bytes], Path]:
    """Start generating every spec in a fresh process: another hash seed, a cold catalog build."""
    cache = Path(tempfile.mkdtemp(prefix="xproc-", dir=work))
    out = cache / "texts.json"
    seed = "0" if os.environ.get("PYTHONHASHSEED") not in (None, "", "0") else "12345"
    env = {**os.environ, "PYTHONHASHSEED": seed, "LLMHUB_CACHE_DIR": str(cache)}
    env.pop("LLMHUB_GENERATOR_MODEL", None)
    command = [sys.executable, str(Path(__file__).resolve()), "--emit-texts", str(sources), "--cache", str(cache)]
    command += ["--out", str(out), *(str(path) for path, _ in specs.values())]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    return process, out


def finish_texts_process(process: subprocess.Popen[bytes], out: Path) -> dict[str, str]:
    """The texts the second process generated (app -> llmhub.yaml text)."""
    _, stderr = process.communicate(timeout=900)
    if process.returncode != 0:
        raise RuntimeError(f"the second-process run failed:\n{stderr.decode(errors='replace')[-2000:]}")
    return dict(json.loads(out.read_text(encoding="utf-8")))


def _emit_texts(sources: str, cache: str, out_path: str, spec_paths: Sequence[str]) -> None:
    from llmhub.generator import load_rules
    from llmhub.spec.load import load_spec

    catalog = make_catalog(Path(sources), Path(cache))
    rules = load_rules()
    out = {}
    for raw in spec_paths:
        path = Path(raw)
        out[path.name[: -len(SPEC_SUFFIX)]] = generate_text(load_spec(path), catalog, rules)
    Path(out_path).write_text(json.dumps(out), encoding="utf-8")


def run(
    snapshots: Sequence[Path],
    specs_dir: Path = DEFAULT_SPECS,
    expert_path: Path | None = DEFAULT_EXPERT,
    *,
    cross_process: bool = True,
    jobs: int | None = None,
) -> dict[str, Any]:
    """The whole benchmark: every generation, every app. Uses (and removes) its own temporary cache."""
    started = time.perf_counter()
    specs = load_specs(specs_dir)
    expert = load_expert(expert_path)
    work = Path(tempfile.mkdtemp(prefix="llmhub-bench-selection-"))
    saved = os.environ.get("LLMHUB_CACHE_DIR")
    os.environ["LLMHUB_CACHE_DIR"] = str(work / "cache")
    try:
        generations = evaluate_generations([Path(s) for s in snapshots], specs, expert, work, cross_process, jobs)
    finally:
        if saved is None:
            os.environ.pop("LLMHUB_CACHE_DIR", None)
        else:
            os.environ["LLMHUB_CACHE_DIR"] = saved
        shutil.rmtree(work, ignore_errors=True)
    return {
        "specs": str(specs_dir),
        "expert": str(expert_path) if expert_path is not None and expert_path.is_file() else None,
        "apps": list(specs),
        "roles": sum(len(spec.roles) for _, spec in specs.values()),
        "generations": generations,
        "elapsed_s": round(time.perf_counter() - started, 1),
        "cross_process": cross_process,
    }


# --------------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------------

COLUMNS = (
    ("roles", "roles", lambda f: f["roles"]),
    ("err", "generation errors", lambda f: f["errors"]),
    ("hard", "hard-constraint violations (primaries and fallbacks)", lambda f: f["hard"]),
    ("kind p/f", "wrong-kind primaries / fallbacks", lambda f: f"{f['kind_primary']}/{f['kind_fallback']}"),
    ("emb-fb", "embedding fallbacks of another model", lambda f: f["embedding_other_model"]),
    ("dup-fb", "duplicate fallbacks", lambda f: f["duplicate_fallbacks"]),
    (
        "unpriced",
        "unknown-price or unrated primaries where a measured, priced model fits",
        lambda f: f["unknown_price_or_unrated"],
    ),
    ("pareto", "Pareto-dominated primaries", lambda f: f["pareto"]),
    ("mono q/c", "monotonicity violations, quality / cost", lambda f: f"{f['mono_quality']}/{f['mono_cost']}"),
    (
        "unjudged q/c",
        "monotonicity pairs left unjudged (unmeasured rating / both prices unknown), of pairs compared",
        lambda f: f"{f['mono_quality_unjudged']}/{f['mono_cost_unjudged']} of {f['mono_quality_pairs']}",
    ),
    (
        "determ",
        "deterministic llmhub.yaml",
        lambda f: "yes" if not f["nondeterministic"] else f"NO ({f['nondeterministic']})",
    ),
    ("expert", "primaries the expert table accepts", lambda f: _expert_cell(f["expert_agree"], f["expert_judged"])),
    (
        "expert fb",
        "fallbacks the expert table accepts (reported, not asserted)",
        lambda f: _expert_cell(f["expert_fallbacks_agree"], f["expert_fallbacks_judged"]),
    ),
)


def _expert_cell(agree: int, judged: int) -> str:
    return f"{agree}/{judged} ({100.0 * agree / judged:.0f}%)" if judged else "-"


def _table_rows(generation: Mapping[str, Any]) -> list[list[str]]:
    rows = []
    for app, report in generation["apps"].items():
        figures = counts_of(report)
        rows.append([app, *(str(get(figures)) for _, _, get in COLUMNS)])
    rows.append(["total", *(str(get(generation["totals"])) for _, _, get in COLUMNS)])
    return rows


def _details(generation: Mapping[str, Any]) -> list[tuple[str, list[str]]]:
    """Titled lists of every finding, for the text report and the docs."""
    sections: list[tuple[str, list[str]]] = []

    def gather(title: str, key: str, line: Any) -> None:
        items = [f"{app} {line(item)}" for app, r in generation["apps"].items() for item in r[key]]
        if items:
            sections.append((title, items))

    gather("generation errors", "errors", lambda i: f"{i['role']}: {i['error']}")
    gather(
        "hard-constraint violations",
        "hard_violations",
        lambda i: f"{i['role']} {i['slot']} {i['model']}: {'; '.join(i['broken'])}",
    )
    gather("wrong-kind primaries", "wrong_kind_primary", lambda i: f"{i['role']} {i['model']}: {i['why']}")
    gather("wrong-kind fallbacks", "wrong_kind_fallback", lambda i: f"{i['role']} {i['slot']} {i['model']}: {i['why']}")
    gather(
        "embedding fallbacks of another model",
        "embedding_other_model_fallbacks",
        lambda i: f"{i['role']} {i['slot']} {i['fallback']} (primary {i['primary']})",
    )
    gather("duplicate fallbacks", "duplicate_fallbacks", lambda i: f"{i['role']} {i['slot']} repeats {i['model']}")
    gather(
        "unknown-price or unrated primaries",
        "unknown_price_or_unrated",
        lambda i: f"{i['role']} {i['model']} (no {i['missing']}); measured and priced fits: {i['alternative']}",
    )
    gather(
        "Pareto-dominated primaries",
        "pareto_dominated",
        lambda i: f"{i['role']} {i['model']} dominated by {i['dominated_by']}",
    )
    for kind in ("quality", "cost"):
        items = [
            f"{app} {v['role']} ({v['fixed']}): {v['change']}: {v['from']} -> {v['to']}"
            for app, r in generation["apps"].items()
            for v in r["monotonicity"][f"{kind}_violations"]
        ]
        if items:
            sections.append((f"monotonicity violations ({kind})", items))
    errors = [f"{app} {e}" for app, r in generation["apps"].items() for e in r["monotonicity"]["errors"]]
    if errors:
        sections.append(("monotonicity runs that failed", errors))
    nondet = [
        f"{app}: llmhub.yaml differs ({r.get('determinism_diff')})"
        for app, r in generation["apps"].items()
        if not r["deterministic"]
    ]
    if nondet:
        sections.append(("nondeterministic output", nondet))
    fallbacks = [
        f"{app} {d['role']} {d['slot']} {d['pick']}; {d['price']}; {d['quality']}"
        for app, r in generation["apps"].items()
        for d in r["expert"]["fallback_disagreements"]
    ]
    if fallbacks:
        sections.append(("fallbacks the expert table does not accept", fallbacks))
    missing = [f"{app} {role}" for app, r in generation["apps"].items() for role in r["expert"]["no_entry"]]
    if missing:
        sections.append(("roles without an expert entry (not judged)", missing))
    stale = [f"{app} {role}" for app, r in generation["apps"].items() for role in r["expert"]["stale_entries"]]
    if stale:
        sections.append(("expert entries for roles the specs do not have", stale))
    if generation.get("cross_process_error"):
        sections.append(("cross-process determinism run failed (not judged)", [generation["cross_process_error"]]))
    return sections


def _disagreements(generation: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [{"app": app, **d} for app, r in generation["apps"].items() for d in r["expert"]["disagreements"]]


def render_text(report: Mapping[str, Any]) -> str:
    lines = [
        f"selection benchmark: {len(report['apps'])} apps, {report['roles']} roles ({report['specs']}); "
        f"expert table: {report['expert'] or 'none'}"
    ]
    header = ["app", *(short for short, _, _ in COLUMNS)]
    for generation in report["generations"]:
        lines += [
            "",
            f"== generation {generation['name']} ({generation['sources']}): {generation['catalog_models']} models, "
            f"catalog built in {generation['build_s']:.2f} s",
        ]
        rows = [header, *_table_rows(generation)]
        widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
        for row in rows:
            lines.append(
                "  ".join(cell.ljust(widths[0]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row))
            )
        totals = generation["totals"]
        pct = totals.get("expert_pct")
        lines.append(
            f"expert agreement: {pct:.1f}% of {totals['expert_judged']} judged roles"
            if pct is not None
            else "expert agreement: no expert table"
        )
        for title, items in _details(generation):
            lines.append(f"-- {title} ({len(items)})")
            lines += [f"   {item}" for item in items]
        disagreements = _disagreements(generation)
        if disagreements:
            lines.append(f"-- expert disagreements ({len(disagreements)})")
            for d in disagreements:
                lines.append(
                    f"   {d['app']} {d['role']}: picked {d['pick'] or '(nothing)'}; {d['price']}; {d['quality']}"
                )
                lines.append(
                    f"      expert accepts {', '.join(d['accept'])}"
                    + (f"; rejects {', '.join(d.get('reject') or [])}" if d.get("reject") else "")
                )
                if d["why"]:
                    lines.append(f"      why: {d['why']}")
    lines += ["", f"elapsed: {report['elapsed_s']:.1f} s"]
    return "\n".join(lines)


DOC_INTRO = """\
# Selection benchmark

How well the rule engine (`llmhub generate --no-llm`) chooses models, measured on the benchmark's
contract: the specs in `bench/selection/specs/` and the expert table `bench/selection/expert.yaml`,
against each catalog snapshot generation. This page is written by
`bench/bench_selection.py --write-docs`; edit the script, not this page.

## Rerun

```bash
.venv/bin/python bench/bench_selection.py                 # text report, both generations
.venv/bin/python bench/bench_selection.py --json          # the same as JSON
.venv/bin/python bench/bench_selection.py --write-docs    # regenerate this page
.venv/bin/python bench/bench_selection.py --snapshots ../shared/catalog-snapshots-2026-09
LLMHUB_TEST_SNAPSHOTS=$PWD/../shared/catalog-snapshots \\
  .venv/bin/python -m pytest tests/test_selection_bench.py
```

The benchmark measures; it never fails a build (exit code 0 unless it crashed). It builds each
catalog from the snapshot folder alone (no user overrides, no discovery) into a temporary cache,
measures each (generation, app) pair in its own worker process (`--jobs`, default: the cores) and
prints its elapsed time (see the Figures heading). `tests/test_selection_bench.py` asserts the invariants that
must hold on both generations: every role and preference variant generates, no hard-constraint
violations, no wrong-kind picks, no embedding fallbacks of another model, no duplicate fallbacks,
deterministic output, no monotonicity violations, and at least 95% agreement with the expert table.

## What is measured

| column | meaning |
|---|---|
{legend}

- **Hard constraints**: the primary and every fallback, checked with the engine's
  `satisfies(model, needs, rules)` (needs from `needs_for`), and independently here: the model is
  in the catalog, its catalog kind serves the role's kind (the rules' `catalog_kinds`), its provider
  is allowed (and is `force_provider` when set), and `max_price`, `min_context`,
  `open_weights_only` and `exclude` hold. A `force_model` primary is the spec's choice and is not
  judged (its fallbacks are).
- **Wrong kind**: this benchmark's own oracle, independent of the catalog's kind inference, from
  the model's modalities and unmistakable id words. A chat or tool pick must output text and must
  not be a speech (`tts`, `speech`), music (`music`, `lyria`), transcription (`whisper`,
  `transcribe`, `asr`), embedding (`embed`...), rerank, moderation (`guard`, `moderation`,
  `safety`), image-generation or video model (image and video words count only when the model also
  outputs that modality; audio output beside text is allowed). An embedding role needs an id naming
  an embedding model; an image role a model that outputs images and either no text or is named for
  images; an audio role whose description says transcribe / transcription / speech-to-text /
  dictation needs audio in and text out (and no TTS model); one that says speak / read aloud /
  voice / text-to-speech / narrate needs audio out (and no music model). Primaries and fallbacks
  are counted separately.
- **Embedding fallbacks of another model**: a fallback whose model id, without a provider prefix
  such as `openai/`, differs from the primary's (and whose models.dev `canonical_model_id` differs):
  its vectors would not match the index. **Duplicate fallbacks**: the same `provider:model` twice,
  or equal to the primary.
- **Measured rating**: an LMArena rating matched to the model: the text board (overall, or the
  role's task categories when both models compared have them), the vision board for vision roles
  (roles that require vision or whose task is vision), the image board for image roles. Embedding
  and audio roles have none. **Known price**: the catalog's blended price (`(3 x input + output) /
  4`; the input price for embeddings), unless missing or a $0 listing that is not a documented free
  tier (the catalog's `free_tier`, or OpenRouter's `:free` variants).
- **Unknown-price or unrated**: the primary has no known price or no measured rating (its own, or
  the same model's at another host: models.dev's `canonical_model_id` says which entries are one
  model, in the 2026-09 data), while a model passing the role's hard constraints has both (a
  non-zero known price; `max_price` is a hard constraint). Listed with the cheapest and the best
  such model.
- **Pareto-dominated**: among the models passing the role's hard constraints, with measured
  ratings and known prices, another has a rating >= the primary's and a blended price <=, strictly
  better in one. Free tiers never count as dominating (rate-limited, not a replacement). Listed with
  the strongest such model.
- **Monotonicity**: each role is generated with all 27 quality/cost/latency combinations (one
  generate call with 27 roles). Raising quality (low->medium, medium->high, low->high; cost and
  latency fixed) must never yield a lower measured rating; pairs where either pick is unmeasured
  are unjudged. Lowering cost (quality and latency fixed) must never yield a more expensive pick;
  an unknown price is a violation when the other is known, and a pair with both unknown is
  unjudged. Each role gives 27 quality pairs and 27 cost pairs; pairs with the same pick pass.
- **Determinism**: each spec is generated twice, the second time from a fresh catalog object
  (loaded from the cache the first build wrote), and again in a second process with another
  `PYTHONHASHSEED` and a cold catalog build; `result.text()` must be byte-identical.
- **Expert agreement**: the primary matches at least one `accept` glob (fnmatch on
  `provider:model_id`, case-insensitive as the table specifies) and no `reject` glob of the role's
  entry. Roles without an entry are not counted. The table counts fallbacks as picks too: the
  share of fallbacks it accepts is reported (`expert fb`) but not asserted.
"""


def render_markdown(report: Mapping[str, Any]) -> str:
    legend = "\n".join(f"| `{short}` | {long} |" for short, long, _ in COLUMNS)
    parts = [
        DOC_INTRO.format(legend=legend).rstrip("\n"),
        "",
        f"## Figures ({len(report['apps'])} apps, {report['roles']} roles; run took {report['elapsed_s']:.0f} s)",
    ]
    for generation in report["generations"]:
        snapshot = "; ".join(f"{k} {v}" for k, v in sorted(generation["catalog_snapshot"].items()))
        totals = generation["totals"]
        pct = totals.get("expert_pct")
        parts += [
            "",
            f"### Generation {generation['name']}",
            "",
            f"`{Path(generation['sources']).name}`: {generation['catalog_models']} catalog models ({snapshot}).",
            "",
            "| app | " + " | ".join(short for short, _, _ in COLUMNS) + " |",
            "|---|" + "---:|" * len(COLUMNS),
        ]
        for row in _table_rows(generation):
            cells = [f"**{c}**" if row[0] == "total" else c for c in row]
            parts.append("| " + " | ".join(cells) + " |")
        parts += ["", f"Expert agreement: **{pct:.1f}%**." if pct is not None else "No expert table."]
        for title, items in _details(generation):
            parts += ["", f"<details><summary>{title} ({len(items)})</summary>", ""]
            parts += [f"- {_md(item)}" for item in items]
            parts += ["", "</details>"]
        disagreements = _disagreements(generation)
        parts += ["", f"#### Disagreements with the expert table ({len(disagreements)})", ""]
        if not disagreements:
            parts.append("None.")
        else:
            reasons = _documented_reasons().get(generation["name"], {})
            parts += [
                "| app | role | pick | price | quality | why the pick differs | the expert's why |",
                "|---|---|---|---|---|---|---|",
            ]
            kinds: Counter[str] = Counter()
            for d in disagreements:
                entry = reasons.get(d["app"], {}).get(d["role"]) or {}
                kinds[entry.get("kind", "?")] += 1
                reason = f"**{entry.get('kind', '?')}**: {entry.get('reason', 'not documented yet')}"
                parts.append(
                    f"| {d['app']} | `{d['role']}` | `{d['pick'] or '-'}` | {_md(d['price'])} | {_md(d['quality'])} "
                    f"| {_md(reason)} | {_md(d['why'])} |"
                )
            parts += ["", _ceiling(generation, kinds)]
    return "\n".join(parts) + "\n"


def _ceiling(generation: Mapping[str, Any], kinds: Counter[str]) -> str:
    """What the agreement could reach if every engine and data gap closed (judgement stays, by contract)."""
    totals = generation["totals"]
    judged, agree = totals["expert_judged"], totals["expert_agree"]
    best = agree + kinds["engine"] + kinds["data"]
    return (
        f"By kind: {kinds['engine']} engine, {kinds['data']} data, {kinds['judgement']} judgement. The table is never "
        "edited to match the output, so a judgement disagreement stays until the table itself is revised by review: "
        f"closing every engine and data gap would reach {best} of {judged} ({100 * best / judged:.1f}%)."
        if judged
        else ""
    )


def _documented_reasons() -> dict[str, Any]:
    """bench/selection/disagreements.yaml: generation -> app -> role -> {pick, kind, reason}."""
    path = Path(__file__).resolve().parent / "selection" / "disagreements.yaml"
    return (yaml.safe_load(path.read_text(encoding="utf-8")) or {}) if path.is_file() else {}


def _md(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _public(report: Mapping[str, Any]) -> dict[str, Any]:
    """The report without the generated texts (kept only for the determinism check)."""
    out: dict[str, Any] = json.loads(json.dumps(report, default=str))
    for generation in out["generations"]:
        for app in generation["apps"].values():
            app.pop("_text", None)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--snapshots", nargs="+", type=Path, default=None, help="snapshot folders (default: both shared ones)"
    )
    parser.add_argument("--specs", type=Path, default=DEFAULT_SPECS, help="folder of <app>.llmhub.spec.yaml")
    parser.add_argument("--expert", type=Path, default=DEFAULT_EXPERT, help="the expert table")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--write-docs", action="store_true", help=f"render {DOCS.relative_to(REPO)} from this run")
    parser.add_argument("--no-cross-process", action="store_true", help="skip the second-process determinism check")
    parser.add_argument("--emit-texts", help=argparse.SUPPRESS)
    parser.add_argument("--cache", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--jobs", type=int, default=None, help="generations measured in parallel (default: cores)")
    args, rest = parser.parse_known_args(argv)
    if args.emit_texts:
        _emit_texts(args.emit_texts, args.cache, args.out, rest)
        return 0
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    snapshots = args.snapshots or default_snapshots()
    if not snapshots:
        print("no catalog snapshots found: pass --snapshots DIR [DIR ...]", file=sys.stderr)
        return 2
    if not load_specs_paths(args.specs):
        print(f"no *{SPEC_SUFFIX} in {args.specs}: nothing to measure (pass --specs DIR)", file=sys.stderr)
        return 2
    report = run(snapshots, args.specs, args.expert, cross_process=not args.no_cross_process, jobs=args.jobs)
    if args.json:
        print(json.dumps(_public(report), indent=2))
    else:
        print(render_text(report))
    if args.write_docs:
        DOCS.write_text(render_markdown(report), encoding="utf-8")
        print(f"wrote {DOCS}", file=sys.stderr if args.json else sys.stdout)
    return 0


def load_specs_paths(specs_dir: Path) -> list[Path]:
    return sorted(specs_dir.glob(f"*{SPEC_SUFFIX}")) if specs_dir.is_dir() else []


if __name__ == "__main__":
    sys.exit(main())
