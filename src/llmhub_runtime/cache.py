"""The response cache: reuse a role's answer to an identical deterministic request.

A role opts in with `cache: {ttl: 3600}` in llmhub.yaml; the top-level `cache:` block says where
entries are stored (a diskcache directory, bounded in size). Only requests whose answer is meant to be
reproducible are cached: embeddings, and chat completions with `temperature: 0` or a `seed`, never
streamed.

An entry is found only by a request that would have reached the same place with the same content:
its key hashes the cache format, the file's `cache.version`, the operation, the provider type, the
endpoint (`api_base`), a fingerprint of the API key (a hash; the key itself is never stored) and of
the client arguments, the model, and every argument of the request (messages or input, and all
params). Different models, endpoints or keys never share an entry.

Values are stored as the response's JSON, never pickled, and rebuilt as the same any-llm/openai type,
so a cache directory written by someone else cannot run code in this process. diskcache is imported
only when a role enables caching (`pip install 'llmhub[cache]'`).
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
import logging
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from . import _env
from .backends import BackendRequest
from .errors import ConfigError
from .models import CacheConfig, LLMMode, RuntimeConfig

__all__ = ["CACHEABLE_MODES", "ResponseCache", "caches_for", "is_deterministic"]

logger = logging.getLogger("llmhub_runtime")

FORMAT = 1
"""Version of the key material and the stored value; changing either changes it."""
CACHEABLE_MODES = frozenset({LLMMode.chat, LLMMode.embedding})
_INSTALL_HINT = "install it with `pip install 'llmhub[cache]'` (or remove `cache:` from the role)"
# Only response types are rebuilt from an entry: a tampered entry cannot name another class to import.
_TRUSTED_MODULES = ("any_llm.types.", "openai.types.")


def is_deterministic(request: BackendRequest) -> bool:
    """Whether the request asks for a reproducible answer: an embedding, or a chat at temperature 0 or with a seed."""
    if request.stream:
        return False
    if request.operation == "embedding":
        return True
    if request.operation != "completion":
        return False
    arguments = request.arguments
    return arguments.get("temperature") == 0 or arguments.get("seed") is not None


class _Store:
    """One diskcache directory, opened on first use (many roles, and reloads, share it)."""

    def __init__(self, directory: Path, max_bytes: int) -> None:
        self.directory = directory
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._cache: Any = None

    def open(self) -> Any:
        if self._cache is None:
            with self._lock:
                if self._cache is None:
                    import diskcache  # only here: apps without a cached role never import it

                    self._cache = diskcache.Cache(str(self.directory), size_limit=self.max_bytes)
        return self._cache


_stores: dict[tuple[str, int], _Store] = {}
_stores_lock = threading.Lock()


def _store(directory: Path, max_bytes: int) -> _Store:
    key = (str(directory), max_bytes)
    with _stores_lock:
        store = _stores.get(key)
        if store is None:
            store = _stores[key] = _Store(directory, max_bytes)
        return store


class ResponseCache:
    """One role's cache: where its entries live, how long they last, and how requests become keys."""

    def __init__(self, store: _Store, ttl: float, version: int) -> None:
        self.store = store
        self.ttl = ttl
        self.version = version

    def key(self, request: BackendRequest) -> str | None:
        """The entry's key for this request, or None when the request is not cacheable."""
        if not is_deterministic(request):
            return None
        connection = request.connection
        material = {
            "format": FORMAT,
            "version": self.version,
            "operation": request.operation,
            "provider": connection.provider_type,
            "api_base": connection.api_base,
            "key": _fingerprint(connection.api_key),
            "client_args": _fingerprint(_canonical(connection.client_args)),
            "model": request.model,
            "arguments": request.arguments,
        }
        try:
            text = _canonical(material)
        except (TypeError, ValueError):
            return None  # an argument with no stable JSON form (a file object, a custom class): not cached
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def get(self, key: str) -> Any | None:
        """The cached response for `key`, or None (a miss, an expired entry, or one that cannot be read)."""
        try:
            raw = self.store.open().get(key)
            return None if raw is None else _decode(raw)
        except Exception:
            # A damaged or foreign entry is a miss, never a failed call.
            logger.warning("llmhub: unreadable response cache entry in %s; ignoring it", self.store.directory)
            return None

    def put(self, key: str, response: Any) -> None:
        """Store `response` for `ttl` seconds; a failure to store is logged, never raised into the call."""
        encoded = _encode(response)
        if encoded is None:
            return
        try:
            self.store.open().set(key, encoded, expire=self.ttl)
        except Exception:
            logger.warning("llmhub: could not write to the response cache in %s", self.store.directory, exc_info=True)


def caches_for(config: RuntimeConfig, *, source: str, base_dir: Path | None) -> dict[str, ResponseCache]:
    """The response cache of every role that enables one; raises ConfigError when diskcache is missing."""
    roles = [name for name, role in config.roles.items() if role.cache is not None and role.cache.enabled]
    if not roles:
        return {}
    if importlib.util.find_spec("diskcache") is None:  # checked now, imported on first use
        raise ConfigError(
            f"response caching needs the diskcache package, which is not installed; {_INSTALL_HINT}",
            source=source,
            field=f'roles["{roles[0]}"].cache',
        )
    settings = config.cache or CacheConfig()
    store = _store(_directory(settings, base_dir), settings.max_bytes)
    out: dict[str, ResponseCache] = {}
    for name in roles:
        role_cache = config.roles[name].cache
        assert role_cache is not None
        out[name] = ResponseCache(store, role_cache.ttl, settings.version)
    return out


def _directory(settings: CacheConfig, base_dir: Path | None) -> Path:
    if settings.dir is not None:
        path = Path(settings.dir).expanduser()
        return path if path.is_absolute() or base_dir is None else base_dir / path
    root = _env.get(_env.CACHE_DIR_VAR)
    if root is not None:
        return Path(root) / "responses"
    xdg = _env.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "llmhub" / "responses"


def _fingerprint(value: str | None) -> str | None:
    # A one-way hash keeps entries of different keys apart without the key ever reaching the disk.
    if value is None:
        return None
    return hashlib.sha256(b"llmhub-cache-key\0" + value.encode("utf-8")).hexdigest()[:32]


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_jsonable)


def _jsonable(value: Any) -> Any:
    dump = getattr(value, "model_dump", None)  # pydantic messages and tool definitions
    if callable(dump):
        return dump(mode="json")
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, tuple | set | frozenset):
        return sorted(value, key=repr) if isinstance(value, set | frozenset) else list(value)
    raise TypeError(f"{type(value).__name__} has no stable JSON form")


def _encode(response: Any) -> bytes | None:
    cls = type(response)
    dump_json = getattr(response, "model_dump_json", None)
    if not callable(dump_json) or not cls.__module__.startswith(_TRUSTED_MODULES):
        return None
    body: str = dump_json()
    return f"{cls.__module__}:{cls.__qualname__}\n{body}".encode()


_classes: dict[str, Any] = {}


def _decode(raw: bytes) -> Any:
    head, _, body = raw.partition(b"\n")
    name = head.decode("ascii")
    cls = _classes.get(name)
    if cls is None:
        module, _, qualname = name.partition(":")
        if not module.startswith(_TRUSTED_MODULES):
            raise ValueError(f"untrusted response type {name!r} in the cache")
        cls = importlib.import_module(module)
        for part in qualname.split("."):
            cls = getattr(cls, part)
        _classes[name] = cls
    return cls.model_validate_json(body)
