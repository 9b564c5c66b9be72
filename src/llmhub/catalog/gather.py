"""A new catalog from its sources: read or fetch each one, then fuse them.

Each source comes from the local mirror (read ahead on a thread), a live fetch (all at once), or
offline from the last fetched copy or the snapshot bundled with llmhub; see `llmhub.catalog.build`
for when a catalog is built at all. Only a build imports this module, and with it the sources'
parsers, the arena mapper and the fusion: serving a cached catalog needs none of them.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path

from llmhub.catalog.cache import CatalogCache
from llmhub.catalog.fuse import SCORE_CATEGORIES, FusionInput, fuse
from llmhub.catalog.models import Catalog, ModelDraft, SourceStatus
from llmhub.catalog.overrides import CatalogOverrides
from llmhub.catalog.sources import anyllm as anyllm_source
from llmhub.catalog.sources import arena, arena_dataset, bundled, litellm, modelsdev
from llmhub.catalog.sources._http import RawPayload, now_iso
from llmhub.errors import CatalogError, SourceError

__all__ = ["Progress", "build_from_sources"]

Progress = Callable[[str, str], None]
"""Called as progress(source, message) while a catalog is built (for a CLI display)."""


def build_from_sources(
    directory: Path | None,
    cache: CatalogCache,
    user_overrides: CatalogOverrides | None,
    use_discovery: bool,
    timeout: float,
    progress: Progress | None,
    offline: bool = False,
    today: date | None = None,
) -> Catalog:
    """A new catalog from the mirror in `directory`, else the network (or, `offline`, the last copies).

    Args:
        directory: The local mirror to read; None: live, or offline.
        cache: Where the last fetched copy of each source is kept (and read when a fetch fails).
        user_overrides: The user's overrides, applied by the fusion.
        use_discovery: Ask any-llm which models this machine's keys can call.
        timeout: Seconds allowed per network request.
        progress: Called with (source, message) as the build goes.
        offline: Never touch the network.
        today: The build's date, which lifecycle dates are judged against.

    Raises:
        CatalogError: no usable models.dev data at all.
    """
    report = progress or (lambda source, message: None)
    statuses: list[SourceStatus] = []
    warnings: list[str] = []
    read_ahead = _ReadAhead(_local_reads(directory)) if directory is not None else None
    live = _fetch_live(cache, timeout, report) if directory is None and not offline else None

    md_models = _models_dev(directory, cache, live, report, statuses, warnings)
    boards = _arena_boards(directory, cache, read_ahead, live, report, statuses, warnings)
    lifecycle, lifecycle_status = _lifecycle(directory, cache, report, read_ahead, live)
    if lifecycle_status is not None:
        statuses.append(lifecycle_status)
    if use_discovery:
        discovery = _discover(timeout, report, statuses, warnings)
    else:
        discovery = None
        detail = "offline" if offline else "discovery off"
        statuses.append(SourceStatus(name=anyllm_source.NAME, status="skipped", detail=detail))
    fell_back = [st.name for st in statuses if st.status == "bundled" and live is not None]
    if fell_back:
        warnings.append(
            f"could not fetch {', '.join(fell_back)}: using the {bundled.GENERATION} snapshot bundled with llmhub; "
            "`llmhub --offline ...` uses it without trying the network, `llmhub catalog refresh` fetches again"
        )
    if user_overrides is not None:
        statuses.append(
            SourceStatus(
                name="overrides",
                status="local",
                origin=user_overrides.source,
                snapshot=user_overrides.digest,
                entries=len(user_overrides.models) + len(user_overrides.arena),
            )
        )

    report("fusion", "matching and deriving tiers")
    models, listing, fuse_warnings, lifecycle_report = fuse(
        FusionInput(
            modelsdev=md_models,
            text=boards.get("text"),
            vision=boards.get("vision"),
            image=boards.get("image"),
            discovery=discovery,
            overrides=user_overrides,
            snapshots={s.name: s.snapshot for s in statuses},
            lifecycle=lifecycle,
            today=today,
        )
    )
    warnings.extend(fuse_warnings)
    if lifecycle_status is not None and lifecycle_report is not None:
        lifecycle_status.detail = "; ".join(d for d in (lifecycle_status.detail, lifecycle_report.describe()) if d)
    report("fusion", f"{len(models)} models")
    return Catalog(
        built_at=now_iso(),
        models=models,
        sources=statuses,
        arena=listing,
        warnings=warnings,
        judged_on=today.isoformat() if today is not None else None,
    )


def _models_dev(
    directory: Path | None,
    cache: CatalogCache,
    live: dict[str, tuple[RawPayload | None, SourceStatus]] | None,
    report: Progress,
    statuses: list[SourceStatus],
    warnings: list[str],
) -> list[ModelDraft]:
    """models.dev's models as drafts: from the mirror, the live fetch, else the last fetched or bundled copy."""
    report("models.dev", "loading")
    if directory is not None:
        md_payload, md_status = _local(directory, "models.dev", lambda: modelsdev.load_local(directory))
    elif live is not None:
        md_payload, md_status = live[modelsdev.NAME]
    else:
        md_payload, md_status = _offline_modelsdev(cache)
    if md_payload is None:
        raise CatalogError(f"no models.dev data: {md_status.detail}")
    md_models, md_warnings = modelsdev.parse(md_payload)
    md_status.entries = len(md_models)
    statuses.append(md_status)
    warnings.extend(md_warnings)
    report("models.dev", f"{md_status.status}: {len(md_models)} models")
    return md_models


def _arena_boards(
    directory: Path | None,
    cache: CatalogCache,
    read_ahead: _ReadAhead | None,
    live: dict[str, tuple[RawPayload | None, SourceStatus]] | None,
    report: Progress,
    statuses: list[SourceStatus],
    warnings: list[str],
) -> dict[str, arena.ArenaBoard | None]:
    """Each LMArena board's ratings (None for a board whose data is missing or unreadable, with a warning)."""
    boards: dict[str, arena.ArenaBoard | None] = {}
    for board in arena.BOARDS:
        name = arena.source_name(board)
        if read_ahead is not None and not read_ahead.has(name):
            continue  # an older mirror without this optional board: nothing to report
        report(name, "loading")
        payload, status = _source_payload(name, directory, cache, read_ahead, live)
        parsed = None
        if payload is not None:
            try:
                parsed = arena.parse(payload, board, SCORE_CATEGORIES)
                status.entries = len(parsed.ratings)
                status.detail = _attributed(status.detail, payload, board)
            except SourceError as exc:
                status = SourceStatus(name=name, status="failed", origin=payload.origin, detail=str(exc))
        if parsed is None:
            warnings.append(f"{name}: no LMArena data ({status.detail}); quality scores from it are missing")
        elif parsed.skipped:
            warnings.append(f"{name}: skipped {parsed.skipped} malformed rows of LMArena's leaderboard dataset")
        boards[board] = parsed
        statuses.append(status)
        report(name, f"{status.status}: {status.entries} entries")
    return boards


def _discover(
    timeout: float, report: Progress, statuses: list[SourceStatus], warnings: list[str]
) -> anyllm_source.Discovery:
    """Which models the providers with keys set say they serve."""
    report(anyllm_source.NAME, "asking providers with keys set")
    discovery = anyllm_source.discover(timeout=timeout)
    asked = len(discovery.models) + len(discovery.errors)
    errors = "; ".join(f"{p}: {e}" for p, e in sorted(discovery.errors.items()))
    statuses.append(
        SourceStatus(
            name=anyllm_source.NAME,
            status="live" if asked else "skipped",
            snapshot=now_iso()[:10] if asked else None,
            fetched_at=now_iso(),
            entries=discovery.count,
            detail=errors or (None if asked else "no provider API key is set"),
        )
    )
    warnings.extend(f"any-llm discovery: {p}: {e}" for p, e in sorted(discovery.errors.items()))
    report(anyllm_source.NAME, f"{discovery.count} models from {len(discovery.models)} providers")
    return discovery


def _local(directory: Path | None, name: str, read: Callable[[], RawPayload]) -> tuple[RawPayload | None, SourceStatus]:
    try:
        payload = read()
    except SourceError as exc:
        return None, SourceStatus(name=name, status="missing", origin=str(directory), detail=str(exc))
    return payload, SourceStatus(
        name=name, status="local", origin=payload.origin, snapshot=payload.snapshot, fetched_at=payload.fetched_at
    )


def _offline_raw(cache: CatalogCache, name: str) -> tuple[RawPayload | None, SourceStatus]:
    """Offline: the last copy fetched on this machine, else the copy bundled with llmhub."""
    previous = cache.load_raw(name)
    if previous is not None:
        return previous, _status(name, "cached", previous, "offline: the last fetched copy")
    packed = bundled.load(name)
    if packed is not None:
        detail = f"offline and never fetched here: the {bundled.GENERATION} snapshot bundled with llmhub"
        return packed, _status(name, "bundled", packed, detail)
    return None, SourceStatus(name=name, status="missing", detail="offline, and never fetched on this machine")


def _offline_modelsdev(cache: CatalogCache) -> tuple[RawPayload | None, SourceStatus]:
    previous, status = _offline_raw(cache, modelsdev.NAME)
    if previous is not None:
        return previous, status
    try:
        bundled = modelsdev.load_bundled()
    except SourceError as exc:
        return None, SourceStatus(name=modelsdev.NAME, status="failed", detail=f"offline, and {exc}")
    return bundled, _status(modelsdev.NAME, "bundled", bundled, "offline: the data bundled with the models-dev package")


_Fetched = tuple[RawPayload | None, SourceStatus, bool]
"""A live source's payload, its status, and whether the payload is new to the cache (to be saved)."""


def _fetch_live(
    cache: CatalogCache, timeout: float, report: Progress
) -> dict[str, tuple[RawPayload | None, SourceStatus]]:
    """Every live source, fetched at once: a build takes as long as the slowest, not the sum of all.

    Each source falls back on its own (see the functions below); without the network each one
    waits out its timeout, at the same time as the others. The cache is read before and written
    after, on this thread.
    """
    from concurrent.futures import ThreadPoolExecutor

    jobs: dict[str, Callable[[RawPayload | None], _Fetched]] = {
        modelsdev.NAME: lambda previous: _live_modelsdev(previous, timeout),
        **{arena.source_name(board): functools.partial(_live_arena, board, timeout=timeout) for board in arena.BOARDS},
        litellm.NAME: lambda previous: _live_litellm(previous, timeout),
    }
    previous = {name: cache.load_raw(name) for name in jobs}
    for name in jobs:
        report(name, "fetching")
    with ThreadPoolExecutor(max_workers=len(jobs), thread_name_prefix="llmhub-source") as pool:
        futures = {name: pool.submit(job, previous[name]) for name, job in jobs.items()}
        fetched = {name: future.result() for name, future in futures.items()}
    for name, (payload, _, save) in fetched.items():
        if save and payload is not None:
            cache.save_raw(name, payload)
    return {name: (payload, status) for name, (payload, status, _) in fetched.items()}


def _live_modelsdev(previous: RawPayload | None, timeout: float) -> _Fetched:
    try:
        payload, changed = modelsdev.fetch_live(previous, timeout)
    except SourceError as exc:
        return _not_fetched(modelsdev.NAME, previous, str(exc), functools.partial(_packaged_modelsdev, exc))
    return payload, _status(modelsdev.NAME, "live" if changed else "not-modified", payload), True


def _packaged_modelsdev(error: SourceError) -> _Fetched:
    """models.dev's copy packaged with llmhub's code, the last resort when no snapshot is bundled."""
    try:
        packaged = modelsdev.load_bundled()
    except SourceError as bundled_error:
        return None, SourceStatus(name=modelsdev.NAME, status="failed", detail=f"{error}; {bundled_error}"), False
    return packaged, _status(modelsdev.NAME, "bundled", packaged, f"offline, using bundled data: {error}"), False


def _live_arena(board: arena.Board, previous: RawPayload | None, timeout: float) -> _Fetched:
    """LMArena's dataset, else the last copy of it, else the arena-catalog raw files, else their last copy.

    A cached copy of the dataset comes before the arena-catalog files: those are frozen since
    December 2025, so even an old copy of the dataset is newer.
    """
    name = arena.source_name(board)
    try:
        payload, changed = arena_dataset.fetch_live(board, previous, timeout)
    except SourceError as exc:
        dataset_error = exc
    else:
        return payload, _status(name, "live" if changed else "not-modified", payload), True
    if previous is not None and arena_dataset.is_dataset_payload(previous):
        return previous, _status(name, "cached", previous, f"using the last fetched copy: {dataset_error}"), False
    fallback = f"LMArena's dataset failed ({dataset_error}); lmarena/arena-catalog raw files instead"
    try:
        payload, changed = arena.fetch_live(board, previous, timeout)
    except SourceError as exc:
        error = f"{dataset_error}; {exc}"
        return _not_fetched(
            name, previous, error, lambda: (None, SourceStatus(name=name, status="missing", detail=error), False)
        )
    return payload, _status(name, "live" if changed else "not-modified", payload, fallback), True


def _attributed(detail: str | None, payload: RawPayload, board: arena.Board) -> str:
    """A board's status detail, saying where the data came from and whose it is (CC-BY-4.0 asks it)."""
    if arena_dataset.is_dataset_payload(payload):
        origin = arena_dataset.describe(board)
    else:
        origin = f"LMArena leaderboards in the lmarena/arena-catalog layout; {arena.ATTRIBUTION}"
    return f"{detail}; {origin}" if detail else origin


def _lifecycle(
    directory: Path | None,
    cache: CatalogCache,
    report: Progress,
    read_ahead: _ReadAhead | None,
    live: dict[str, tuple[RawPayload | None, SourceStatus]] | None,
) -> tuple[litellm.LiteLLMFacts | None, SourceStatus | None]:
    """LiteLLM's lifecycle facts and the source's status; (None, None) when a local mirror has no copy."""
    name = litellm.NAME
    if read_ahead is not None and not read_ahead.has(name):
        return None, None  # optional in a mirror: the catalog simply has no lifecycle facts from LiteLLM
    report(name, "loading")
    payload, status = _source_payload(name, directory, cache, read_ahead, live)
    facts = None
    if payload is not None:
        try:
            facts = litellm.parse(payload)
            status.entries = len(facts.entries)
        except SourceError as exc:
            status = SourceStatus(name=name, status="failed", origin=payload.origin, detail=str(exc))
    report(name, f"{status.status}: {status.entries} entries with lifecycle facts")
    return facts, status


def _local_reads(directory: Path) -> dict[str, Callable[[], RawPayload]]:
    """How to read each source file of a mirror besides models.dev; optional ones only when present."""
    reads: dict[str, Callable[[], RawPayload]] = {}
    for board in arena.BOARDS:
        if board not in arena.OPTIONAL_BOARDS or arena.local_path(directory, board).is_file():
            reads[arena.source_name(board)] = functools.partial(arena.load_local, directory, board)
    if (directory / litellm.LOCAL_PATH).is_file():
        reads[litellm.NAME] = functools.partial(litellm.load_local, directory)
    return reads


class _ReadAhead:
    """Source files read (and hashed, for their snapshots) on a thread while models.dev is parsed.

    Reading and hashing release the interpreter lock, so on a machine with a spare core the
    megabytes of LMArena and LiteLLM data cost the build no time.
    """

    def __init__(self, reads: dict[str, Callable[[], RawPayload]]):
        self._reads = reads
        self._results: dict[str, RawPayload | Exception] = {}
        self._thread = threading.Thread(target=self._run, name="llmhub-catalog-read", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        for name, read in self._reads.items():
            try:
                self._results[name] = read()
            except Exception as exc:  # raised again to the caller: a SourceError is reported, anything else a bug
                self._results[name] = exc

    def has(self, name: str) -> bool:
        """Whether the mirror has this source."""
        return name in self._reads

    def get(self, name: str) -> RawPayload:
        """The source's payload, once read.

        Raises:
            SourceError: it could not be read.
        """
        self._thread.join()
        found = self._results[name]
        if isinstance(found, Exception):
            raise found
        return found


def _live_litellm(previous: RawPayload | None, timeout: float) -> _Fetched:
    try:
        payload, changed = litellm.fetch_live(previous, timeout)
    except SourceError as exc:
        missing = SourceStatus(name=litellm.NAME, status="missing", detail=f"no lifecycle facts: {exc}")
        return _not_fetched(litellm.NAME, previous, str(exc), lambda: (None, missing, False))
    return payload, _status(litellm.NAME, "live" if changed else "not-modified", payload), True


def _not_fetched(name: str, previous: RawPayload | None, error: str, last_resort: Callable[[], _Fetched]) -> _Fetched:
    """A source that could not be fetched: its last copy, else the snapshot bundled with llmhub, else `last_resort()`.

    The bundled snapshot is the same data `--offline` uses, so a first run without network gets a
    complete catalog (ratings and lifecycle dates included) rather than a poorer one; neither copy is
    saved as if it had been fetched.
    """
    if previous is not None:
        return previous, _status(name, "cached", previous, f"using the last fetched copy: {error}"), False
    packed = bundled.load(name)
    if packed is None:
        return last_resort()
    detail = f"cannot fetch ({error}); using the {bundled.GENERATION} snapshot bundled with llmhub"
    return packed, _status(name, "bundled", packed, detail), False


def _status(name: str, status: str, payload: RawPayload, detail: str | None = None) -> SourceStatus:
    return SourceStatus(
        name=name,
        status=status,  # type: ignore[arg-type]
        origin=payload.origin,
        snapshot=payload.snapshot,
        fetched_at=payload.fetched_at,
        detail=detail,
    )


def _source_payload(
    name: str,
    directory: Path | None,
    cache: CatalogCache,
    read_ahead: _ReadAhead | None,
    live: dict[str, tuple[RawPayload | None, SourceStatus]] | None,
) -> tuple[RawPayload | None, SourceStatus]:
    """Where one source's payload comes from in this build: the local mirror, the live fetch, or the cache."""
    if read_ahead is not None:
        ahead = read_ahead
        return _local(directory, name, lambda: ahead.get(name))
    if live is not None:
        return live[name]
    return _offline_raw(cache, name)
