"""Zero-downtime config switching: the hub's immutable state, how a new one is built, and the file watcher.

A hub serves every call from one `HubState`, read once when the call starts. `LLMHub.reload()` builds
a complete new state from the file (schema, references, resilience merges, environment when
`strict_env`), and only when all of that succeeded replaces the hub's reference in one assignment:
calls already running keep the state they started with, and an invalid file never serves a call.

`ConfigWatcher` polls the file's `stat()` on a daemon thread (no dependency, a syscall per interval)
and asks the hub to reload when it changes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import _env
from .models import ProviderConfig, ResilienceConfig, RuntimeConfig
from .resilience import merge_resilience
from .resolver import role_targets
from .variants import VariantPicker

if TYPE_CHECKING:  # imported when a config uses them, so apps without caches or budgets never load them
    from .budget import Budgets
    from .cache import ResponseCache

__all__ = ["ConfigWatcher", "HubState", "build_state", "config_fingerprint"]

logger = logging.getLogger("llmhub_runtime")

TargetKey = tuple[str, str, str]
"""What the circuit breaker counts failures of: (provider, model, endpoint)."""


@dataclass(frozen=True)
class HubState:
    """Everything a call reads from the config, settled when the config loaded. Never mutated."""

    config: RuntimeConfig
    version: int
    """1 for the config the hub was built with, +1 for every config a reload swapped in."""
    fingerprint: str
    """A short hash of the file's text (or of the config's JSON), the same in every worker."""
    settings: Mapping[str, ResilienceConfig]
    """Each role's resilience settings, merged (top level, role, `LLMHub(resilience=...)`)."""
    default_settings: ResilienceConfig
    """The settings of roles served by `defaults`."""
    endpoints: Mapping[str, str]
    """Per provider name, where its requests go (type and api_base): part of the breaker's target key."""
    connection_ids: Mapping[str, str]
    """Per provider name, everything its client is built from, so a changed block gets a new client."""
    variables: Mapping[str, list[str]] = field(default_factory=dict)
    """Per provider name, the environment variables its connection reads (key, `${VAR}` references)."""
    caches: Mapping[str, ResponseCache] = field(default_factory=dict)
    """The response cache of each role that enables one."""
    variants: Mapping[str, VariantPicker] = field(default_factory=dict)
    """The traffic split of each role that has variants."""
    budgets: Budgets | None = None
    """The config's budgets (None when it sets none)."""

    def settings_for(self, role: str) -> ResilienceConfig:
        """The resilience settings of `role` (those of `defaults` for a role not in the file)."""
        return self.settings.get(role, self.default_settings)

    def target_key(self, provider: str, model: str) -> TargetKey:
        """The circuit breaker's key for a target: the same provider, model and endpoint share one circuit."""
        return (provider, model, self.endpoints.get(provider, ""))

    def target_keys(self) -> set[TargetKey]:
        """Every target the config can call (roles, their fallbacks, defaults)."""
        keys: set[TargetKey] = set()
        for role in self.config.roles.values():
            keys.update(self.target_key(provider, model) for provider, model in role_targets(role))
        defaults = self.config.defaults
        if defaults is not None and defaults.provider and defaults.model:
            keys.add(self.target_key(defaults.provider, defaults.model))
        return keys


def config_fingerprint(config: RuntimeConfig, text: str | None = None) -> str:
    """12 hex digits identifying a config: of the file's text when given, else of the validated config."""
    payload = text if text is not None else json.dumps(config.model_dump(mode="json"), sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:12]


def build_state(
    config: RuntimeConfig,
    *,
    override: ResilienceConfig | None,
    version: int = 1,
    text: str | None = None,
    source: str = "<config>",
    base_dir: Path | None = None,
    budgets: Budgets | None = None,
) -> HubState:
    """Settle everything calls will read from `config`; raises (ValueError, ConfigError) before any swap.

    `source` names the file in errors; `base_dir` is where relative paths in it (`cache.dir`) start.
    """
    settings = {
        name: merge_resilience(config.resilience, role.resilience, override) for name, role in config.roles.items()
    }
    return HubState(
        config=config,
        version=version,
        fingerprint=config_fingerprint(config, text),
        settings=settings,
        default_settings=merge_resilience(config.resilience, None, override),
        endpoints={name: _endpoint(name, provider) for name, provider in config.providers.items()},
        connection_ids={
            name: json.dumps(provider.model_dump(mode="json"), sort_keys=True)
            for name, provider in config.providers.items()
        },
        variables={
            name: ([provider.env_key] if provider.env_key else [])
            + _env.references([provider.api_base, provider.client_args])
            for name, provider in config.providers.items()
        },
        caches=_caches(config, source, base_dir),
        variants={name: VariantPicker(role.variants) for name, role in config.roles.items() if role.variants},
        budgets=budgets,
    )


def _caches(config: RuntimeConfig, source: str, base_dir: Path | None) -> Mapping[str, ResponseCache]:
    if not any(role.cache is not None for role in config.roles.values()):
        return {}
    from .cache import caches_for

    return caches_for(config, source=source, base_dir=base_dir)


def _endpoint(name: str, provider: ProviderConfig) -> str:
    return f"{provider.type or name}@{provider.api_base or ''}"


def changed_roles(old: RuntimeConfig, new: RuntimeConfig) -> list[str]:
    """Roles added, removed or changed between two configs (for the reload event and log line)."""
    names = set(old.roles) | set(new.roles)
    return sorted(name for name in names if old.roles.get(name) != new.roles.get(name))


_FileStamp = tuple[int, int, int, int]


def file_stamp(path: Path) -> _FileStamp | None:
    """What changes when the file is edited or replaced (mtime, size, inode, device); None when absent."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size, info.st_ino, info.st_dev)


class ConfigWatcher:
    """Polls a config file and calls `on_change` (on the watcher's thread) when it was edited or replaced.

    A daemon thread that wakes every `interval` seconds for one `stat()`: no dependency, nothing to
    install, and it works the same on every platform and inside containers (where inotify often
    does not see a mounted ConfigMap change). Each change is reported once; a file that stays broken
    is not re-read until it changes again.
    """

    def __init__(self, path: Path, interval: float, on_change: Callable[[], object]) -> None:
        if not interval > 0:
            raise ValueError(f"watch interval must be a positive number of seconds, not {interval!r}")
        self.path = path
        self.interval = float(interval)
        self._on_change = on_change
        self._stop = threading.Event()
        self._last = file_stamp(path)
        self._thread = threading.Thread(target=self._run, name="llmhub-config-watcher", daemon=True)

    def start(self) -> ConfigWatcher:
        """Start polling."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop polling (returns once the thread has ended, unless called from the thread itself)."""
        self._stop.set()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join()

    def stop_soon(self) -> None:
        """Ask the thread to end at its next wake-up, without waiting (safe from a finalizer)."""
        self._stop.set()

    @property
    def running(self) -> bool:
        """Whether the thread is polling."""
        return self._thread.is_alive() and not self._stop.is_set()

    def check(self) -> bool:
        """Poll once: call `on_change` if the file changed since the last poll; return whether it did."""
        stamp = file_stamp(self.path)
        if stamp == self._last:
            return False
        # Taken before the file is read, so a write that lands during the reload changes it again.
        self._last = stamp
        if stamp is None:
            logger.warning("llmhub: %s disappeared; the loaded config keeps serving", self.path)
            return False
        try:
            self._on_change()
        except Exception:
            # Reload problems are reported by the hub (event and log); nothing may kill the thread.
            logger.debug("llmhub: watcher reload of %s failed", self.path, exc_info=True)
        return True

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.check()


def weak_reloader(hub: Any) -> Callable[[], object]:
    """`hub.reload`, held weakly: a watcher thread must not keep a discarded hub alive."""
    ref = weakref.WeakMethod(hub.reload)

    def reload() -> object:
        method = ref()
        return None if method is None else method()

    return reload
