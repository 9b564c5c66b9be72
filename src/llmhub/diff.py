"""What changes between two `llmhub.yaml` configs, role by role (for `generate`'s review and `runtime diff`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from llmhub_runtime.models import RoleConfig, RoleDefaultsConfig, RuntimeConfig

__all__ = ["RoleChange", "diff_runtime"]

ChangeKind = Literal["added", "removed", "changed"]


@dataclass(frozen=True)
class RoleChange:
    """One role that differs: what it was and what it becomes."""

    role: str
    change: ChangeKind
    before: str | None = None
    """`provider:model` before (None when added)."""
    after: str | None = None
    details: tuple[str, ...] = field(default=())
    """What else changed: params, fallbacks, mode."""

    def __str__(self) -> str:
        if self.change == "added":
            head = f"+ {self.role}: {self.after}"
        elif self.change == "removed":
            head = f"- {self.role}: {self.before}"
        elif self.before != self.after:
            head = f"~ {self.role}: {self.before} -> {self.after}"
        else:
            head = f"~ {self.role}: {self.after}"
        return head + "".join(f"\n    {detail}" for detail in self.details)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for `--json`."""
        return {
            "role": self.role,
            "change": self.change,
            "before": self.before,
            "after": self.after,
            "details": list(self.details),
        }


def diff_runtime(old: RuntimeConfig | None, new: RuntimeConfig) -> list[RoleChange]:
    """Roles added, removed or changed from `old` to `new` (the `defaults` role included), in file order."""
    before = _roles(old) if old is not None else {}
    after = _roles(new)
    changes: list[RoleChange] = []
    for name, role in after.items():
        previous = before.get(name)
        if previous is None:
            changes.append(RoleChange(name, "added", after=_target(role)))
            continue
        details = _details(previous, role)
        if details or _target(previous) != _target(role):
            changes.append(RoleChange(name, "changed", _target(previous), _target(role), tuple(details)))
    changes.extend(
        RoleChange(name, "removed", before=_target(role)) for name, role in before.items() if name not in after
    )
    return changes


def _roles(config: RuntimeConfig) -> dict[str, RoleConfig | RoleDefaultsConfig]:
    roles: dict[str, RoleConfig | RoleDefaultsConfig] = dict(config.roles)
    if config.defaults is not None and config.defaults.model is not None:
        roles["(defaults)"] = config.defaults
    return roles


def _target(role: RoleConfig | RoleDefaultsConfig) -> str:
    return f"{role.provider}:{role.model}"


def _details(old: RoleConfig | RoleDefaultsConfig, new: RoleConfig | RoleDefaultsConfig) -> list[str]:
    details = []
    if old.mode != new.mode:
        details.append(f"mode {old.mode.value} -> {new.mode.value}")
    for key in sorted(old.params.keys() | new.params.keys()):
        if old.params.get(key) != new.params.get(key):
            details.append(f"params.{key}: {_show(old.params.get(key))} -> {_show(new.params.get(key))}")
    old_fallbacks = [f"{f.provider}:{f.model}" for f in getattr(old, "fallbacks", [])]
    new_fallbacks = [f"{f.provider}:{f.model}" for f in getattr(new, "fallbacks", [])]
    if old_fallbacks != new_fallbacks:
        details.append(f"fallbacks: {', '.join(old_fallbacks) or 'none'} -> {', '.join(new_fallbacks) or 'none'}")
    return details


def _show(value: Any) -> str:
    return "unset" if value is None else repr(value)
