"""`llmhub test`: call roles through the runtime, as the app would, and report reply, latency, tokens, cost."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Annotated, Any

import typer

from llmhub.cli import _output as out
from llmhub.cli._options import ConfigOption, EnvOption
from llmhub.cli._state import options

DEFAULT_PROMPT = "Reply with one short sentence: which model are you?"
_REPLY_PREVIEW = 600  # characters of a reply shown in the terminal; --json has all of it


@dataclass
class RoleTest:
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

    def to_dict(self) -> dict[str, Any]:
        """Plain data for --json, the raw response included (any-llm's pydantic objects dumped as JSON)."""
        return {
            "role": self.role,
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


def test(
    role: Annotated[
        list[str] | None,
        typer.Option("--role", "-r", metavar="ROLE", help="A role to call (repeat for several; default: all)."),
    ] = None,
    prompt: Annotated[str, typer.Option("--prompt", "-P", help="What to send (embedding roles embed it).")] = (
        DEFAULT_PROMPT
    ),
    max_tokens: Annotated[
        int | None, typer.Option("--max-tokens", min=1, help="Cap the reply (default: the role's params).")
    ] = None,
    config: ConfigOption = None,
    env: EnvOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print every result, raw responses included, as JSON.")] = (
        False
    ),
) -> None:
    """Call each role once through the runtime and show the reply, latency, tokens and estimated cost.

    Chat and tool roles get the prompt as a user message; embedding roles embed it; image and audio
    roles are skipped (they would spend on a generation). Exits 1 if any role fails.
    """
    from llmhub.project import locate
    from llmhub_runtime import LLMHub

    path = locate(config=config, env=env, settings=options.settings).runtime
    calls: list[dict[str, Any]] = []
    hub = LLMHub(config_path=path, on_after_call=calls.append)
    names = list(dict.fromkeys(role)) if role else hub.roles
    unknown = [name for name in names if name not in hub.roles]
    if unknown:
        # The runtime would serve an unknown role from `defaults`; a test of a typo must not pass that way.
        from llmhub_runtime.suggest import did_you_mean

        hub.close()
        listed = ", ".join(hub.roles)
        raise typer.BadParameter(
            f"{unknown[0]!r} is not a role in {path}{did_you_mean(unknown[0], hub.roles)}; its roles: {listed}",
            param_hint="--role",
        )
    results: list[RoleTest] = []
    try:
        with out.progress("Testing roles") as show:
            for name in names:
                show(name, "calling")
                calls.clear()
                outcome = _call(hub, name, prompt, max_tokens)
                if calls:
                    _record(outcome, calls[-1])
                results.append(outcome)
                show(name, outcome.status)
    finally:
        hub.close()
    failed = [r for r in results if r.status == "failed"]
    if as_json:
        out.emit_json({"config": str(path), "prompt": prompt, "results": [r.to_dict() for r in results]})
    else:
        for outcome in results:
            _print(outcome)
        answered = sum(1 for r in results if r.status == "ok")
        out.line(f"{answered} of {len(results)} role{'s' if len(results) != 1 else ''} answered")
    if failed:
        out.error_line(f"{', '.join(r.role for r in failed)} failed; `llmhub doctor` checks keys and connectivity")
        raise typer.Exit(1)


def _call(hub: Any, name: str, prompt: str, max_tokens: int | None) -> RoleTest:
    from llmhub_runtime.errors import LLMHubError

    resolved = hub.resolve(name)
    mode = resolved.mode.value
    outcome = RoleTest(role=name, mode=mode, provider=resolved.provider, model=resolved.model)
    overrides = {"max_tokens": max_tokens} if max_tokens is not None else None
    started = time.perf_counter()
    try:
        if mode == "chat":
            response = hub.completion(
                role=name, messages=[{"role": "user", "content": prompt}], params_override=overrides
            )
            outcome.reply = _reply_text(response)
        elif mode == "embedding":
            response = hub.embedding(role=name, input=[prompt])
            outcome.dimensions = _dimensions(response)
        else:
            outcome.status = "skipped"
            outcome.error = f"{mode} roles are not called by `llmhub test` (it would pay for a generation)"
            return outcome
    except LLMHubError as exc:
        outcome.status = "failed"
        outcome.error = out.redact(str(exc))
        return outcome
    outcome.response = response
    outcome.latency_ms = round((time.perf_counter() - started) * 1000, 1)
    return outcome


def _record(outcome: RoleTest, payload: dict[str, Any]) -> None:
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


def _print(outcome: RoleTest) -> None:
    target = f"{outcome.provider}:{outcome.model}" + (" (fallback)" if outcome.fallback_used else "")
    if outcome.status == "skipped":
        out.result(f"- {outcome.role}: {target}: skipped: {outcome.error}")
        return
    if outcome.status == "failed":
        out.result(f"✗ {outcome.role}: {target}: {outcome.error}")
        return
    facts = [f"{outcome.latency_ms:.0f} ms" if outcome.latency_ms is not None else "latency unknown"]
    if outcome.usage:
        facts.append(
            f"{outcome.usage.get('prompt_tokens', 0)} in / {outcome.usage.get('completion_tokens', 0)} out tokens"
        )
    facts.append(f"${outcome.cost_usd:.6f}" if outcome.cost_usd is not None else "cost unknown (no pricing)")
    if outcome.dimensions is not None:
        facts.append(f"{outcome.dimensions} dimensions")
    out.result(f"✓ {outcome.role}: {target}: {', '.join(facts)}")
    if outcome.reply:
        text = outcome.reply if len(outcome.reply) <= _REPLY_PREVIEW else outcome.reply[:_REPLY_PREVIEW] + "…"
        for reply_line in text.splitlines():
            out.result(f"    {reply_line}")
