"""Role resolution: from a role name to the concrete targets and params of a call.

Pure functions over a `RuntimeConfig`: no I/O, no environment, so they are cheap and easy to test.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .errors import InvalidCallError, UnknownRoleError
from .models import LLMMode, PricingConfig, RoleConfig, RuntimeConfig, VariantConfig
from .suggest import closest, did_you_mean

__all__ = ["ResolvedCall", "ResolvedTarget", "merge_params", "resolve", "role_targets"]


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
    variant: str | None = None
    """The variant of the role's traffic split this call uses (None: the role has none, or none was asked for)."""

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
    variant: str | None = None,
) -> ResolvedCall:
    """Resolve `role` to its targets with params merged as defaults ← role ← params_override ← call kwargs.

    `defaults.params` apply only to roles of the same mode as `defaults` (chat by default), so a chat
    `max_tokens` never leaks into an embedding call. A fallback's own params sit between the role's
    params and the per-call layers. With `variant`, the role's targets are that variant's: what the
    variant leaves out is the role's, and its params sit between the role's and the fallback's.

    Raises:
        UnknownRoleError: the role is not defined and `defaults` has no provider and model.
        InvalidCallError: the role has no variant named `variant`.
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
            variant=None,
        )

    base = defaults.params if defaults is not None and defaults.mode == role_config.mode else None
    arm = _variant(role, role_config, variant) if variant is not None else None
    provider, model, arm_params, pricing, fallback_configs = role_config.provider, role_config.model, None, None, None
    if arm is not None:
        provider, model = arm.provider or provider, arm.model or model
        arm_params, pricing, fallback_configs = arm.params, arm.pricing, arm.fallbacks
    if pricing is None and model == role_config.model:
        pricing = role_config.pricing  # a variant that keeps the role's model keeps its prices
    fallbacks = tuple(
        ResolvedTarget.model_construct(
            provider=fallback.provider,
            model=fallback.model,
            params=merge_params(base, role_config.params, arm_params, fallback.params, params_override, call_params),
            pricing=fallback.pricing,
        )
        for fallback in (fallback_configs if fallback_configs is not None else role_config.fallbacks)
    )
    return ResolvedCall.model_construct(
        role=role,
        provider=provider,
        model=model,
        mode=role_config.mode,
        params=merge_params(base, role_config.params, arm_params, params_override, call_params),
        pricing=pricing,
        fallbacks=fallbacks,
        from_defaults=False,
        variant=variant,
    )


def role_targets(role: RoleConfig) -> Iterator[tuple[str, str]]:
    """Every (provider, model) a role can call: its own target and fallbacks, its variants' and theirs."""
    yield role.provider, role.model
    for fallback in role.fallbacks:
        yield fallback.provider, fallback.model
    for variant in role.variants:
        yield variant.provider or role.provider, variant.model or role.model
        for fallback in variant.fallbacks if variant.fallbacks is not None else role.fallbacks:
            yield fallback.provider, fallback.model


def _variant(role: str, role_config: RoleConfig, name: str) -> VariantConfig:
    for variant in role_config.variants:
        if variant.name == name:
            return variant
    names = [variant.name for variant in role_config.variants]
    listed = ", ".join(names) or "none"
    raise InvalidCallError(f"role {role!r} has no variant {name!r}{did_you_mean(name, names)}; its variants: {listed}")
