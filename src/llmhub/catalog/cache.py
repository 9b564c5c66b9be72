"""The catalog's disk cache: the last raw copy of each source and the last good built catalog.

`diskcache` (SQLite underneath) under `platformdirs.user_cache_dir("llmhub")/catalog`, or
`$LLMHUB_CACHE_DIR/catalog`. Safe across processes: writes are transactions, and builds take a lock
so two processes refreshing at once do not both hit the network. A corrupt cache is moved aside and
rebuilt, never trusted and never fatal.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import logging
import os
import pickle
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from llmhub import settings as settings_module
from llmhub.catalog.columns import SHAPE, columns_of, models_from
from llmhub.catalog.models import (
    CATALOG_VERSION,
    ArenaMapping,
    ArenaMatchRef,
    Catalog,
    SourceStatus,
)
from llmhub.catalog.sources._http import RawPayload
from llmhub.settings import Settings

__all__ = ["CACHE_DIR_VAR", "CachedCatalog", "CatalogCache", "CatalogSummary", "default_cache_dir"]

CACHE_DIR_VAR = settings_module.CACHE_DIR_VAR
logger = logging.getLogger("llmhub")

_LOCK_EXPIRE = 300  # seconds: a crashed builder's lock is released after this
# No fsync: SQLite's locking still keeps concurrent processes safe, and only an OS crash or power
# loss could then corrupt the cache, which is moved aside and rebuilt like any unreadable cache.
# Syncing cost a dozen fdatasync calls to create the cache and several more on every open.
_SETTINGS = {"sqlite_synchronous": 0}
_IN_DATABASE = 32_768  # bytes: larger values go to files of their own (diskcache's own threshold)


_LAYOUT = 3
"""How a catalog entry is laid out (3: a header, the arena listing in it as flat rows, then the models
as columns); an entry in another layout is a miss."""
_PROTOCOL = pickle.HIGHEST_PROTOCOL
_ARENA_ROW = 5  # arena_name, board, score, reason, number of matches
_REF_ROW = 3  # provider, model_id, modelsdev


def _create_quietly(database: Path) -> None:
    """Create a new cache database in WAL mode without fsync, before diskcache opens it.

    diskcache switches a new database to WAL (and to the `sqlite_synchronous` we ask for) one
    pragma at a time, and the first of them still run with SQLite's default journal and full sync:
    eight fdatasync calls, which on a busy disk cost more than the rest of creating the cache.
    Only a database that does not exist yet is touched; diskcache then finds the modes already set.
    """
    if database.exists():
        return
    # Only a shortcut: if another process holds the new file locked, diskcache does it its own way.
    with (
        contextlib.suppress(sqlite3.OperationalError),
        contextlib.closing(sqlite3.connect(database, isolation_level=None)) as connection,
    ):
        connection.execute("PRAGMA synchronous = OFF")
        connection.execute("PRAGMA auto_vacuum = FULL")  # diskcache's setting: fixed once a table exists
        connection.execute("PRAGMA journal_mode = WAL")


def default_cache_dir(settings: Settings | None = None) -> Path:
    """`settings.cache_dir/catalog` (`$LLMHUB_CACHE_DIR`), else the platform's user cache directory for llmhub."""
    override = settings_module.current(settings).cache_dir
    if override is not None:
        return override / "catalog"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("llmhub")) / "catalog"


@dataclass
class CatalogSummary:
    """What a refresh needs to know about the last good catalog, without loading its models."""

    inputs: str
    """What the catalog was built from (mode, sources directory fingerprint, overrides digest)."""
    saved_at: float
    built_at: str
    sources: list[SourceStatus]

    @property
    def age_hours(self) -> float:
        """Hours since the catalog was saved."""
        return (time.time() - self.saved_at) / 3600


@dataclass
class CachedCatalog:
    """A catalog read back from the cache, with what it was built from and when it was saved."""

    catalog: Catalog
    inputs: str
    """What the catalog was built from (mode, sources directory fingerprint, overrides digest)."""
    saved_at: float

    @property
    def age_hours(self) -> float:
        """Hours since the catalog was saved."""
        return (time.time() - self.saved_at) / 3600


class CatalogCache:
    """Raw source payloads and built catalogs, keyed by name."""

    def __init__(self, directory: Path | None = None):
        self.directory = directory or default_cache_dir()
        self._cache: Any = None
        self.warnings: list[str] = []

    def _open(self) -> Any:
        if self._cache is None:
            import diskcache

            try:
                self.directory.mkdir(parents=True, exist_ok=True)
                _create_quietly(self.directory / diskcache.core.DBNAME)
                self._cache = diskcache.Cache(str(self.directory), **_SETTINGS)
            except (sqlite3.DatabaseError, OSError) as exc:
                self._recover(exc)
                self._cache = diskcache.Cache(str(self.directory), **_SETTINGS)
        return self._cache

    def _recover(self, exc: BaseException) -> None:
        aside = self.directory.with_name(f"{self.directory.name}.corrupt-{int(time.time())}")
        message = f"catalog cache at {self.directory} was unreadable ({exc}); moved it to {aside} and started afresh"
        logger.warning(message)
        self.warnings.append(message)
        with contextlib.suppress(OSError):
            shutil.move(str(self.directory), str(aside))
        self.directory.mkdir(parents=True, exist_ok=True)

    def _get(self, key: str, read: Callable[[BinaryIO], Any] = pickle.load) -> Any:
        """The value stored under `key` (read by `read`: one pickle unless said otherwise), or None."""
        try:
            stored = self._open().get(key, read=True)
            if isinstance(stored, bytes):
                return read(io.BytesIO(stored))
            if hasattr(stored, "read"):
                with stored:
                    return read(stored)
            return stored  # cached by an earlier llmhub, which let diskcache pickle it
        except (sqlite3.DatabaseError, OSError) as exc:
            self._close()
            self._recover(exc)
            return None
        except Exception:
            # Undecodable value (written by another llmhub version): a miss, and drop it.
            with contextlib.suppress(Exception):
                self._open().delete(key)
            return None

    def _set(self, key: str, value: Any) -> bool:
        return self._set_all({key: value})

    def _set_all(self, items: dict[str, Any]) -> bool:
        """Write every item in one transaction: readers see all of them or none."""
        try:
            cache = self._open()
            with cache.transact():
                for key, value in items.items():
                    # Pickled here, not by diskcache: diskcache writes a pickle it made itself to
                    # its file line by line (thousands of writes for a catalog), and a file-like
                    # value in one piece. Small values stay in the database as bytes.
                    data = value.data if isinstance(value, _Pickled) else pickle.dumps(value, protocol=_PROTOCOL)
                    if len(data) < _IN_DATABASE:
                        cache.set(key, data)
                    else:
                        cache.set(key, io.BytesIO(data), read=True)
            return True
        except (sqlite3.DatabaseError, OSError) as exc:
            message = f"could not write the catalog cache at {self.directory}: {exc}"
            logger.warning(message)
            self.warnings.append(message)
            return False

    def load_raw(self, name: str) -> RawPayload | None:
        """The last copy of a source that was fetched, if any."""
        value = self._get(f"raw:{name}")
        return value if isinstance(value, RawPayload) else None

    def save_raw(self, name: str, payload: RawPayload) -> None:
        """Keep a fetched source for conditional GETs and for offline fallback."""
        self._set(f"raw:{name}", payload)

    def load_catalog(self, key: str) -> CachedCatalog | None:
        """The last good catalog built in mode `key`, or None (missing, unreadable or older format)."""
        found = self._get(f"catalog:{key}", read=_read_catalog)
        return found if isinstance(found, CachedCatalog) else None

    def load_summary(self, key: str) -> CatalogSummary | None:
        """The summary of the last good catalog built in mode `key`, or None (missing or unreadable)."""
        value = self._get(f"summary:{key}")
        if isinstance(value, CatalogSummary):
            return value
        # A catalog saved before summaries existed: read it whole, this once.
        full = self.load_catalog(key)
        if full is None:
            return None
        return CatalogSummary(
            inputs=full.inputs, saved_at=full.saved_at, built_at=full.catalog.built_at, sources=full.catalog.sources
        )

    def save_catalog(self, key: str, catalog: Catalog, inputs: str) -> bool:
        """Store a catalog as the last good one for mode `key`.

        Two pickles in a row, by one pickler (so values shared between them are stored once): a
        header with everything but the models (the arena listing as flat rows, see `_arena_rows`),
        then the models as columns of values (see `llmhub.catalog.columns`): no container per
        model or record to pickle, unpickle and keep alive until the load ends, only the values.
        The summary is written in the same transaction, so the two always describe the same build.
        """
        saved_at = time.time()
        rows, refs, picks = _arena_rows(catalog.arena)
        header = {
            "version": CATALOG_VERSION,
            "layout": _LAYOUT,
            "fields": SHAPE,
            "built_at": catalog.built_at,
            "sources": catalog.sources,
            "arena_rows": rows,
            "arena_refs": refs,
            "arena_picks": picks,
            "warnings": catalog.warnings,
            "judged_on": catalog.judged_on,
            "inputs": inputs,
            "saved_at": saved_at,
        }
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, protocol=_PROTOCOL)
        pickler.dump(header)
        pickler.dump(columns_of(catalog.models))
        summary = CatalogSummary(inputs=inputs, saved_at=saved_at, built_at=catalog.built_at, sources=catalog.sources)
        return self._set_all({f"catalog:{key}": _Pickled(buffer.getvalue()), f"summary:{key}": summary})

    @contextlib.contextmanager
    def lock(self, timeout: float = 120.0) -> Iterator[None]:
        """Hold the cross-process build lock; after `timeout` (or if the cache cannot lock), build anyway."""
        key = "lock:build"
        held = False
        try:
            cache = self._open()
            deadline = time.monotonic() + timeout
            # `add` only succeeds when the key is absent: an atomic test-and-set across processes. The
            # expiry frees the lock of a builder that crashed.
            while not (held := cache.add(key, os.getpid(), expire=_LOCK_EXPIRE, retry=True)):
                holder = cache.get(key, retry=True)
                if isinstance(holder, int) and holder != os.getpid() and not _alive(holder):
                    # The builder holding the lock was killed: free its lock now, not at expiry.
                    with cache.transact(retry=True):
                        if cache.get(key) == holder:
                            cache.delete(key)
                    continue
                if time.monotonic() > deadline:
                    logger.warning("catalog build lock held for %.0fs; building without it", timeout)
                    break
                time.sleep(0.05)
        except (sqlite3.DatabaseError, OSError):
            held = False
        try:
            yield
        finally:
            if held:
                with contextlib.suppress(Exception):
                    self._open().delete(key)

    def close(self) -> None:
        """Close the underlying database."""
        self._close()

    def _close(self) -> None:
        if self._cache is not None:
            with contextlib.suppress(Exception):
                self._cache.close()
            self._cache = None


@dataclass(frozen=True, slots=True)
class _Pickled:
    """A value pickled already (by `save_catalog`, as two pickles in a row): stored as it is."""

    data: bytes


def _read_catalog(stream: BinaryIO) -> CachedCatalog | None:
    """A catalog `save_catalog` wrote, or None for an entry in another layout (an earlier llmhub's)."""
    unpickler = pickle.Unpickler(stream)
    header = unpickler.load()
    if (
        not isinstance(header, dict)
        or header.get("version") != CATALOG_VERSION
        or header.get("layout") != _LAYOUT
        or header.get("fields") != SHAPE
    ):
        return None
    try:
        arena = _arena_from_rows(header["arena_rows"], header["arena_refs"], header["arena_picks"])
        models = models_from(unpickler.load())
        catalog = Catalog(
            built_at=header["built_at"],
            models=models,
            sources=header["sources"],
            arena=arena,
            warnings=header["warnings"],
            judged_on=header["judged_on"],
        )
        return CachedCatalog(catalog=catalog, inputs=header["inputs"], saved_at=header["saved_at"])
    except (KeyError, TypeError, ValueError, IndexError):
        return None


def _arena_rows(arena: list[ArenaMapping]) -> tuple[list[Any], list[Any], list[int]]:
    """The arena listing as three flat lists: no object, and no argument tuple, per entry or match.

    `rows` holds each entry's fields and its number of matches; `refs` the fields of each distinct
    match (the listing shares one per catalog model: 2,800 matches name 1,800 models); `picks` the
    position in `refs` of each match, entry after entry. Pickled as objects, every entry and match
    came back with an argument tuple of its own, kept alive until the whole load ended.
    """
    rows: list[Any] = []
    refs: list[Any] = []
    picks: list[int] = []
    position: dict[int, int] = {}  # id(ref) -> its place in refs (the listing keeps every ref alive)
    for entry in arena:
        rows += (entry.arena_name, entry.board, entry.score, entry.reason, len(entry.matches))
        for ref in entry.matches:
            at = position.get(id(ref))
            if at is None:
                at = position[id(ref)] = len(position)
                refs += (ref.provider, ref.model_id, ref.modelsdev)
            picks.append(at)
    return rows, refs, picks


def _arena_from_rows(rows: list[Any], refs: list[Any], picks: list[int]) -> list[ArenaMapping]:
    """The listing `_arena_rows` flattened, with one shared `ArenaMatchRef` per distinct match again."""
    if sum(rows[_ARENA_ROW - 1 :: _ARENA_ROW]) != len(picks):
        raise ValueError("the arena entries and their matches disagree")
    made = list(itertools.starmap(ArenaMatchRef, zip(*[iter(refs)] * _REF_ROW, strict=True)))
    chosen = map(made.__getitem__, picks)
    return [
        ArenaMapping(name, board, score, tuple(itertools.islice(chosen, count)), reason)
        for name, board, score, reason, count in zip(*[iter(rows)] * _ARENA_ROW, strict=True)
    ]


def _alive(pid: int) -> bool:
    """Whether a process with this id exists on this machine (a lock holder that died is not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # exists but belongs to someone else, or cannot be told: assume alive
    return True
