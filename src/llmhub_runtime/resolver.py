"""Role resolution: from a role name to the concrete targets and params of a call.

Pure functions over a `RuntimeConfig`: no I/O, no environment, so they are cheap and easy to test.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .errors import UnknownRoleError
from .models import LLMMode, PricingConfig, RuntimeConfig
from .suggest import closest

__all__ = ["ResolvedCall", "ResolvedTarget", "merge_params", "resolve"]


class ResolvedTarget(BaseModel):
    """One place a call can go: provider, model, the fully merged params, and prices."""

    model_config = ConfigDict(frozen=True)

    provider: str
    model: str
    params: dict[str, Any] = Field(default_factory=dict)
    pricing: PricingConfig | None = None


class ResolvedCall(BaseModel):
    """A role resolved for one call: the primary target, its fallbacks, and where it came from."""

    model_config = ConfigDict(frozen=True)

    role: str
    provider: str
    model: str
    mode: LLMMode
    params: dict[str, Any] = Field(default_factory=dict)
    pricing: PricingConfig | None = None
    fallbacks: tuple[ResolvedTarget, ...] = ()
    from_defaults: bool = False
    """True when the role is not in the config and `defaults` served it."""

    @property
    def targets(self) -> tuple[ResolvedTarget, ...]:
        """The primary target followed by the fallbacks, in the order they are tried."""
        primary = ResolvedTarget.model_construct(
            provider=self.provider, model=self.model, params=self.params, pricing=self.pricing
        )
        return (primary, *self.fallbacks)


def merge_params(*layers: Mapping[str, Any] | None) -> dict[str, Any]:
    """Merge param layers left to right (later wins, shallowly); a value of None removes the key.

    `None` as a removal lets a call drop a role default, e.g. `params_override={"max_tokens": None}`.
    """
    merged: dict[str, Any] = {}
    for layer in layers:
        if not layer:
            continue
        for key, value in layer.items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = value
    return merged


def resolve(
    config: RuntimeConfig,
    role: str,
    params_override: Mapping[str, Any] | None = None,
    call_params: Mapping[str, Any] | None = None,
) -> ResolvedCall:
    """Resolve `role` to its targets with params merged as defaults ← role ← params_override ← call kwargs.

    `defaults.params` apply only to roles of the same mode as `defaults` (chat by default), so a chat
    `max_tokens` never leaks into an embedding call. A fallback's own params sit between the role's
    params and the per-call layers.

    Raises:
        UnknownRoleError: the role is not defined and `defaults` has no provider and model.
    """
    # model_construct skips re-validation: every input below was validated when the config loaded,
    # and this runs on every call.
    role_config = config.roles.get(role)
    defaults = config.defaults
    if role_config is None:
        if defaults is None or defaults.provider is None or defaults.model is None:
            raise UnknownRoleError(role, list(config.roles), closest(role, config.roles))
        params = merge_params(defaults.params, params_override, call_params)
        return ResolvedCall.model_construct(
            role=role,
            provider=defaults.provider,
            model=defaults.model,
            mode=defaults.mode,
            params=params,
            pricing=defaults.pricing,
            fallbacks=(),
            from_defaults=True,
        )

    base = defaults.params if defaults is not None and defaults.mode == role_config.mode else None
    fallbacks = tuple(
        ResolvedTarget.model_construct(
            provider=fallback.provider,
            model=fallback.model,
            params=merge_params(base, role_config.params, fallback.params, params_override, call_params),
            pricing=fallback.pricing,
        )
        for fallback in role_config.fallbacks
    )
    return ResolvedCall.model_construct(
        role=role,
        provider=role_config.provider,
        model=role_config.model,
        mode=role_config.mode,
        params=merge_params(base, role_config.params, params_override, call_params),
        pricing=role_config.pricing,
        fallbacks=fallbacks,
        from_defaults=False,
    )
