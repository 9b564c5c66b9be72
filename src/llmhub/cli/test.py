"""`llmhub test`: call roles through the runtime, as the app would, and report reply, latency, tokens, cost."""

from __future__ import annotations

from typing import Annotated

import typer

from llmhub.cli import _output as out
from llmhub.cli._options import ConfigOption, EnvOption
from llmhub.cli._state import options
from llmhub.role_calls import DEFAULT_PROMPT, RoleCall

_REPLY_PREVIEW = 600  # characters of a reply shown in the terminal; --json has all of it


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
    if options.settings.offline:
        raise typer.BadParameter("llmhub test calls the providers; run it without --offline", param_hint="--offline")
    from llmhub.project import locate
    from llmhub.role_calls import call_roles
    from llmhub.runtime_files import load_runtime
    from llmhub_runtime.errors import UnknownRoleError

    path = locate(config=config, env=env, settings=options.settings).runtime
    try:
        total = len(dict.fromkeys(role)) if role else len(load_runtime(path).roles)
        with out.progress("Testing roles", total=total) as show:
            results = call_roles(path, role, prompt=prompt, max_tokens=max_tokens, progress=show)
    except UnknownRoleError as exc:
        hint = f" (did you mean {exc.suggestion!r}?)" if exc.suggestion else ""
        listed = ", ".join(exc.known_roles)
        raise typer.BadParameter(
            f"{exc.role!r} is not a role in {path}{hint}; its roles: {listed}", param_hint="--role"
        ) from None
    for outcome in results:
        if outcome.error:
            outcome.error = out.redact(outcome.error)
    failed = [r for r in results if r.status == "failed"]
    if as_json:
        out.emit_json({"config": str(path), "prompt": prompt, "results": [r.to_dict() for r in results]})
    else:
        for outcome in results:
            _print(outcome)
        answered = sum(1 for r in results if r.status == "ok")
        noun = "call" if any(r.variant for r in results) else "role"  # a role with variants is called per variant
        out.line(f"{answered} of {len(results)} {noun}{'s' if len(results) != 1 else ''} answered")
    if failed:
        out.error_line(f"{', '.join(r.label for r in failed)} failed; `llmhub doctor` checks keys and connectivity")
        raise typer.Exit(1)


def _print(outcome: RoleCall) -> None:
    target = f"{outcome.provider}:{outcome.model}" + (" (fallback)" if outcome.fallback_used else "")
    if outcome.status == "skipped":
        out.result(f"- {outcome.label}: {target}: skipped: {outcome.error}")
        return
    if outcome.status == "failed":
        out.result(f"✗ {outcome.label}: {target}: {outcome.error}")
        return
    facts = [f"{outcome.latency_ms:.0f} ms" if outcome.latency_ms is not None else "latency unknown"]
    if outcome.usage:
        facts.append(
            f"{outcome.usage.get('prompt_tokens', 0)} in / {outcome.usage.get('completion_tokens', 0)} out tokens"
        )
    facts.append(f"${outcome.cost_usd:.6f}" if outcome.cost_usd is not None else "cost unknown (no pricing)")
    if outcome.dimensions is not None:
        facts.append(f"{outcome.dimensions} dimensions")
    out.result(f"✓ {outcome.label}: {target}: {', '.join(facts)}")
    if outcome.reply:
        text = outcome.reply if len(outcome.reply) <= _REPLY_PREVIEW else outcome.reply[:_REPLY_PREVIEW] + "…"
        for reply_line in text.splitlines():
            out.result(f"    {reply_line}")
