"""Calling roles through the runtime, as the app would: what `llmhub test` does, callable from Python.

    from llmhub.role_calls import call_roles

    for outcome in call_roles("llmhub.yaml", ["llm.inference"]):
        print(outcome.role, outcome.status, outcome.latency_ms, outcome.cost_usd, outcome.reply)

Chat and tool roles get the prompt as a user message; embedding roles embed it; image and audio
roles are skipped (they would spend on a generation).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["DEFAULT_PROMPT", "RoleCall", "call_roles", "jsonable"]

DEFAULT_PROMPT = "Reply with one short sentence: which model are you?"


@dataclass
class RoleCall:
    """The outcome of calling one role."""

    role: str
    mode: str
    status: str = "ok"
    """ok, failed or skipped."""
    provider: str | None = None
    model: str | None = None
    fallback_used: bool = False
    latency_ms: float | None = None
    usage: dict[str, int] | None = None
    cost_usd: float | None = None
    reply: str | None = None
    dimensions: int | None = None
    error: str | None = None
    response: Any = field(default=None, repr=False)
    variant: str | None = None
    """The variant called, for a role with `variants:` (each is called once)."""

    @property
    def label(self) -> str:
        """`llm.support` or, for one variant of it, `llm.support [b]`."""
        return f"{self.role} [{self.variant}]" if self.variant else self.role

    def to_dict(self) -> dict[str, Any]:
        """Plain data for --json, the raw response included (any-llm's pydantic objects dumped as JSON)."""
        return {
            "role": self.role,
            "variant": self.variant,
            "mode": self.mode,
            "status": self.status,
            "provider": self.provider,
            "model": self.model,
            "fallback_used": self.fallback_used,
            "latency_ms": self.latency_ms,
            "usage": self.usage,
            "cost_usd": self.cost_usd,
            "reply": self.reply,
            "dimensions": self.dimensions,
            "error": self.error,
            "response": jsonable(self.response),
        }


def jsonable(value: Any) -> Any:
    """Any response as JSON-ready data: pydantic models (any-llm's ChatCompletion...) through model_dump."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        return dump(mode="json", exclude_none=True)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return str(value)


def call_roles(
    config_path: str | os.PathLike[str],
    roles: Sequence[str] | None = None,
    *,
    prompt: str = DEFAULT_PROMPT,
    max_tokens: int | None = None,
    progress: Callable[[str, str], None] | None = None,
) -> list[RoleCall]:
    """Call each role (default: all) once through an `LLMHub` built from `config_path`.

    Args:
        config_path: The llmhub.yaml to load.
        roles: The roles to call, in order (duplicates are called once).
        prompt: What to send (embedding roles embed it).
        max_tokens: Cap the reply (default: the role's params).
        progress: Called with (role, "calling" / the outcome's status) as the calls go.

    Raises:
        UnknownRoleError: a role is not in the file (the runtime would serve it from `defaults`;
            a test of a typo must not pass that way).
        ConfigError: the file is missing or invalid.
    """
    from llmhub_runtime import LLMHub
    from llmhub_runtime.errors import UnknownRoleError
    from llmhub_runtime.suggest import closest

    report = progress or (lambda role, message: None)
    calls: list[dict[str, Any]] = []
    hub = LLMHub(config_path=config_path, on_after_call=calls.append)
    try:
        names = list(dict.fromkeys(roles)) if roles else hub.roles
        for name in names:
            if name not in hub.roles:
                raise UnknownRoleError(name, hub.roles, closest(name, hub.roles))
        results: list[RoleCall] = []
        for name in names:
            # A role split into variants is called once per variant: each arm must work, not just the one drawn.
            arms: list[str | None] = [v.name for v in hub.config.roles[name].variants]
            for variant in arms or [None]:
                report(name, "calling")
                calls.clear()
                outcome = _call(hub, name, prompt, max_tokens, variant)
                if calls and outcome.status == "ok":
                    # Which target answered; a failed role keeps its primary (every target failed).
                    _record(outcome, calls[-1])
                results.append(outcome)
                report(name, outcome.status)
        return results
    finally:
        hub.close()


def _call(hub: Any, name: str, prompt: str, max_tokens: int | None, variant: str | None = None) -> RoleCall:
    from llmhub_runtime.errors import LLMHubError

    resolved = hub.resolve(name, variant=variant)
    mode = resolved.mode.value
    outcome = RoleCall(role=name, mode=mode, provider=resolved.provider, model=resolved.model, variant=variant)
    pinned = {"variant": variant} if variant is not None else {}
    overrides = {"max_tokens": max_tokens} if max_tokens is not None else None
    started = time.perf_counter()
    try:
        if mode == "chat":
            response = hub.completion(
                role=name, messages=[{"role": "user", "content": prompt}], params_override=overrides, **pinned
            )
            outcome.reply = _reply_text(response)
        elif mode == "embedding":
            response = hub.embedding(role=name, input=[prompt], **pinned)
            outcome.dimensions = _dimensions(response)
        else:
            outcome.status = "skipped"
            outcome.error = f"{mode} roles are not called by `llmhub test` (it would pay for a generation)"
            return outcome
    except LLMHubError as exc:
        outcome.status = "failed"
        outcome.error = str(exc)  # the runtime masks the key it sent; the CLI masks every secret too
        return outcome
    outcome.response = response
    outcome.latency_ms = round((time.perf_counter() - started) * 1000, 1)
    return outcome


def _record(outcome: RoleCall, payload: dict[str, Any]) -> None:
    """Facts from the runtime's after-call hook: which target answered, its latency, usage and cost."""
    outcome.provider = payload.get("provider", outcome.provider)
    outcome.model = payload.get("model", outcome.model)
    outcome.fallback_used = bool(payload.get("fallback_used"))
    if payload.get("latency_ms") is not None:
        outcome.latency_ms = round(float(payload["latency_ms"]), 1)
    outcome.usage = payload.get("usage")
    outcome.cost_usd = payload.get("cost_usd")


def _reply_text(response: Any) -> str:
    try:
        content = response.choices[0].message.content
    except (AttributeError, IndexError, TypeError):
        return ""
    return content if isinstance(content, str) else str(content or "")


def _dimensions(response: Any) -> int | None:
    try:
        return len(response.data[0].embedding)
    except (AttributeError, IndexError, TypeError):
        return None
