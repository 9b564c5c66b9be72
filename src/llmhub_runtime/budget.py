"""Budgets at run time: spend counted from the calls' `cost_usd`, a soft limit that warns, a hard one that refuses.

A role's `budget:` and the top-level `budget:` each count spend per calendar day or month (UTC). The
spend of a call is the same figure the after-call hook reports as `cost_usd` (from the `pricing`
blocks), added when the call (or stream) ends; calls answered from the cache cost nothing. Before a
call, a scope whose spend has reached `hard_usd` either refuses it (`BudgetExceededError`) or, when
the role names a `fallback_variant`, serves it from that variant. Crossing `soft_usd` sends one
`budget_soft_limit` event per period.

Spend lives in a ledger: in this process by default, or in a JSON file (`budget.store`) that every
worker of the app updates under a file lock, so they share one budget. The limits are checked
against what the ledger says before the call: calls already running when the limit is crossed still
finish, so a budget can be overrun by what they cost.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from .errors import BudgetExceededError, ConfigError, _usd
from .models import BudgetConfig, ProjectBudgetConfig, RuntimeConfig

__all__ = ["Budgets", "FileLedger", "Ledger", "MemoryLedger", "period_of"]

logger = logging.getLogger("llmhub_runtime")

_KEEP_SECONDS = 70 * 86400
_MARKER_KEY, _MARKER = "llmhub_budget_store", 1
"""Written into every store file: only a file that carries it is ever rewritten."""
"""Entries of periods nobody has counted in for this long are dropped from a ledger file."""


def period_of(period: str, now: float) -> str:
    """The period `now` (seconds since the epoch) falls in: `2026-12` for a month, `2026-12-04` for a day (UTC)."""
    return time.strftime("%Y-%m-%d" if period == "day" else "%Y-%m", time.gmtime(now))


class Ledger(Protocol):
    """Where spend is counted, by key (scope and period)."""

    def add(self, keys: Sequence[str], usd: float, now: float) -> dict[str, float]:
        """Add `usd` to every key; return the new totals."""
        ...

    def spent(self, key: str) -> float:
        """The total of `key` (0 when nothing was counted)."""
        ...

    def first(self, key: str, flag: str, now: float) -> bool:
        """Mark `flag` on `key`; True only for the first caller (so an event is sent once per period)."""
        ...


class MemoryLedger:
    """Spend counted in this process only."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._spent: dict[str, float] = {}
        self._flags: set[tuple[str, str]] = set()

    def add(self, keys: Sequence[str], usd: float, now: float) -> dict[str, float]:
        """Add `usd` to every key; return the new totals."""
        with self._lock:
            for key in keys:
                self._spent[key] = self._spent.get(key, 0.0) + usd
            return {key: self._spent[key] for key in keys}

    def spent(self, key: str) -> float:
        """The total of `key`."""
        return self._spent.get(key, 0.0)

    def first(self, key: str, flag: str, now: float) -> bool:
        """Mark `flag` on `key`; True only the first time."""
        with self._lock:
            if (key, flag) in self._flags:
                return False
            self._flags.add((key, flag))
            return True


class FileLedger:
    """Spend counted in a JSON file shared by every process that names it.

    Writers hold an exclusive lock on `<file>.lock` while they read, update and atomically replace
    the file, so no addition is lost; readers read the file as it stands (a rename is atomic) at most
    every `refresh_seconds`, so a worker sees the others' spend within that time.
    """

    def __init__(self, path: Path, refresh_seconds: float = 1.0, clock: Callable[[], float] = time.monotonic):
        self.path = path
        self.refresh_seconds = refresh_seconds
        self._clock = clock
        self._lock_path = path.with_name(path.name + ".lock")
        self._thread_lock = threading.Lock()
        self._snapshot: dict[str, Any] = {}
        self._read_at: float | None = None
        self._orphan: dict[str, Any] | None = None
        self._foreign = False
        """The last read found a file that is not a store."""
        """What this process counts once the file turned out not to be a store (it is then left alone)."""

    def add(self, keys: Sequence[str], usd: float, now: float) -> dict[str, float]:
        """Add `usd` to every key, under the file lock; return the new totals."""
        with self._exclusive() as data:
            for key in keys:
                entry = data.setdefault(key, {"spent": 0.0, "flags": []})
                entry["spent"] = float(entry.get("spent", 0.0)) + usd
                entry["touched"] = now
            return {key: float(data[key]["spent"]) for key in keys}

    def spent(self, key: str) -> float:
        """The total of `key`, as of the last read (at most `refresh_seconds` old)."""
        now = self._clock()
        if self._read_at is None or now - self._read_at >= self.refresh_seconds:
            self._snapshot, self._read_at = self._read(), now
        entry = self._snapshot.get(key)
        return float(entry.get("spent", 0.0)) if isinstance(entry, dict) else 0.0

    def first(self, key: str, flag: str, now: float) -> bool:
        """Mark `flag` on `key` under the file lock; True only for the first process that does."""
        with self._exclusive() as data:
            entry = data.setdefault(key, {"spent": 0.0, "flags": []})
            flags = entry.setdefault("flags", [])
            if flag in flags:
                return False
            flags.append(flag)
            entry["touched"] = now
            return True

    @contextmanager
    def _exclusive(self) -> Iterator[dict[str, Any]]:
        with self._thread_lock, _file_lock(self._lock_path):
            data = self._read()
            yield data
            newest = max((float(e.get("touched", 0)) for e in data.values() if isinstance(e, dict)), default=0)
            data = {
                k: e for k, e in data.items() if isinstance(e, dict) and e.get("touched", 0) > newest - _KEEP_SECONDS
            }
            self._write(data)
            self._snapshot, self._read_at = data, self._clock()

    def _read(self) -> dict[str, Any]:
        if self._orphan is not None:
            return dict(self._orphan)
        entries = _store_entries(self.path)
        # Never fail a call over the ledger: a file that is not a store reads as nothing counted yet,
        # and `_write` (under the same lock, right after this read) leaves it alone.
        self._foreign = entries is None
        return entries or {}

    def _write(self, data: dict[str, Any]) -> None:
        if self._orphan is not None or self._foreign:
            # Not (or no longer) a store: leave the file alone and count in this process from now on.
            if self._orphan is None:
                logger.error("llmhub: %s is not an llmhub budget store; not overwriting it", self.path)
            self._orphan = data
            return
        data = {_MARKER_KEY: _MARKER, **data}
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, sort_keys=True)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def _store_entries(path: Path) -> dict[str, Any] | None:
    """What a store file counts (empty when it is missing or empty); None when it is some other file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError):
        return None
    if not text.strip():
        return {}  # an empty file (e.g. made by `touch`) holds nothing to lose
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get(_MARKER_KEY) != _MARKER:
        return None
    return {key: entry for key, entry in data.items() if key != _MARKER_KEY}


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock between processes (flock on POSIX, msvcrt.locking on Windows); stdlib only."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if sys.platform == "win32":
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
            try:
                yield
            finally:
                os.lseek(fd, 0, os.SEEK_SET)
                msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@dataclass(frozen=True)
class _Scope:
    kind: str
    """`role` or `project`."""
    limits: BudgetConfig | ProjectBudgetConfig
    name: str


class Budgets:
    """The budgets of one config: which scopes a role's spend counts in, and what their limits allow."""

    def __init__(
        self,
        config: RuntimeConfig,
        ledger: Ledger,
        *,
        wall: Callable[[], float],
        emit: Callable[[dict[str, Any]], None],
    ) -> None:
        self.ledger = ledger
        self._wall = wall
        self._emit = emit
        self._project = config.project or ""
        self._scope_of_project = _Scope("project", config.budget, "project") if config.budget is not None else None
        self._role_scopes = {
            name: _Scope("role", role.budget, f"role:{name}")
            for name, role in config.roles.items()
            if role.budget is not None
        }
        self._fallbacks = {
            name: role.budget.fallback_variant
            for name, role in config.roles.items()
            if role.budget is not None and role.budget.fallback_variant is not None
        }

    def scopes(self, role: str) -> list[_Scope]:
        """The scopes a call of `role` counts in: its own budget, then the project's."""
        scopes = [self._role_scopes[role]] if role in self._role_scopes else []
        if self._scope_of_project is not None:
            scopes.append(self._scope_of_project)
        return scopes

    def key(self, scope: _Scope, now: float) -> str:
        """The ledger key of `scope` in the period `now` falls in."""
        return f"{self._project}|{scope.name}|{period_of(scope.limits.period, now)}"

    def spent(self, role: str | None = None) -> float | None:
        """This period's spend of `role`'s own budget, or of the project with None; None when not counted."""
        scope = self._role_scopes.get(role) if role is not None else self._scope_of_project
        return None if scope is None else self.ledger.spent(self.key(scope, self._wall()))

    def admit(self, role: str) -> str | None:
        """Before a call: None to go ahead, or the variant that must serve it because a hard limit is reached.

        Raises:
            BudgetExceededError: a hard limit is reached and the role has no `fallback_variant`.
        """
        now = self._wall()
        for scope in self.scopes(role):
            hard = scope.limits.hard_usd
            if hard is None:
                continue
            key = self.key(scope, now)
            spent = self.ledger.spent(key)
            if spent < hard:
                continue
            fallback = self._fallbacks.get(role)
            if self.ledger.first(key, "hard", now):
                self._limit_event("budget_hard_limit", scope, role, spent, hard, key, fallback)
            if fallback is None:
                raise BudgetExceededError(scope.kind, role, spent, hard, key.rsplit("|", 1)[1])
            return fallback
        return None

    def record(self, role: str, usd: float | None) -> None:
        """After a call: add its cost to every scope it counts in; warn once per period past `soft_usd`.

        A call whose cost is unknown (its target has no `pricing`) cannot be counted: that is said once
        per role and period (a warning and a `budget_unpriced` event) rather than counted as $0 in silence.
        """
        now = self._wall()
        scopes = self.scopes(role)
        keys = [self.key(scope, now) for scope in scopes]
        if usd is None:
            if keys and self.ledger.first(keys[0], f"unpriced:{role}", now):
                logger.warning(
                    "llmhub: role %r made a call whose price is unknown (no `pricing` for its target in llmhub.yaml); "
                    "its cost is not counted in the budget",
                    role,
                )
                self._emit({"event": "budget_unpriced", "role": role, "period": keys[0].rsplit("|", 1)[1]})
            return
        if usd <= 0:
            return
        try:
            totals = self.ledger.add(keys, usd, now)
            for scope, key in zip(scopes, keys, strict=True):
                soft = scope.limits.soft_usd
                if soft is not None and totals[key] >= soft and self.ledger.first(key, "soft", now):
                    self._limit_event("budget_soft_limit", scope, role, totals[key], soft, key, None)
        except OSError:
            logger.warning("llmhub: could not count $%.6f of role %r in the budget store", usd, role, exc_info=True)

    def _limit_event(
        self, event: str, scope: _Scope, role: str, spent: float, limit: float, key: str, fallback: str | None
    ) -> None:
        period = key.rsplit("|", 1)[1]
        where = f"role {role!r}" if scope.kind == "role" else "the project"
        if event == "budget_soft_limit":
            logger.warning(
                "llmhub: %s has spent %s of its soft limit %s in %s", where, _usd(spent), _usd(limit), period
            )
        else:
            action = f"serving role {role!r} from variant {fallback!r}" if fallback else "refusing calls"
            logger.error("llmhub: %s reached its hard limit %s in %s; %s", where, _usd(limit), period, action)
        payload: dict[str, Any] = {
            "event": event,
            "scope": scope.kind,
            "role": role,
            "period": period,
            "spent_usd": spent,
            "limit_usd": limit,
        }
        if event == "budget_hard_limit":
            payload["action"] = "fallback_variant" if fallback else "refused"
            payload["variant"] = fallback
        self._emit(payload)


def ledger_path(store: str, base_dir: Path | None, source: str) -> Path:
    """Where a `budget.store` file lives (relative to llmhub.yaml's folder); its folder must exist or be creatable.

    The file must be a budget store already, or not exist: the ledger rewrites its file whole, so a
    `store` pointing at any other file (a typo, or a hostile spec's `../../.bashrc`) is refused here,
    before anything is written, rather than replaced.
    """
    path = Path(store).expanduser()
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    if _store_entries(path) is None:
        raise ConfigError(
            f"{path} exists and is not an llmhub budget store, so it is never overwritten; point `store` at a new "
            "file (e.g. .llmhub/budget.json)",
            source=source,
            field="budget.store",
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            f"cannot create the folder of the budget store {path}: {exc.strerror}; point `store` at a writable path",
            source=source,
            field="budget.store",
        ) from None
    return path
