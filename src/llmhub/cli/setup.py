"""`llmhub setup`: the spec step by step (a wizard in a terminal, or the same from flags)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from llmhub.cli.init import (
    DirOption,
    ForceOption,
    ProvidersOption,
    parse_providers,
    project_name,
    refuse_overwrite,
    split_answer,
    write_and_say,
)
from llmhub.errors import SpecError

_DEFAULT_ROLES = "preprocess, inference, embedding"


def setup(
    provider: ProvidersOption = None,
    role: Annotated[
        list[str] | None,
        typer.Option(
            "--role",
            "-r",
            metavar="ROLE",
            help="A role to define: preprocess, inference, embedding, tools (the standard ones) or any name; "
            "repeat for several (default: preprocess, inference, embedding).",
        ),
    ] = None,
    pref: Annotated[
        list[str] | None,
        typer.Option(
            "--pref",
            metavar="ROLE:KEY=LEVEL",
            help="A role's preference as ROLE:KEY=LEVEL, KEY cost|latency|quality, LEVEL low|medium|high "
            "(e.g. inference:quality=high); repeat as needed.",
        ),
    ] = None,
    project: Annotated[str | None, typer.Option("--project", help="Project name (default: the directory's).")] = None,
    directory: DirOption = Path("."),
    interactive: Annotated[
        bool | None,
        typer.Option(
            "--interactive/--no-interactive",
            help="Ask for whatever the flags leave out (default: ask when run in a terminal).",
        ),
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Ask nothing: flags, then defaults.")] = False,
    force: ForceOption = False,
) -> None:
    """Create llmhub.spec.yaml step by step: providers, standard roles, their preferences.

    Every answer can be given as a flag, so scripts can run it without a terminal:

        llmhub setup -y -p openai -p anthropic -r inference -r embedding --pref inference:quality=high
    """
    from llmhub.scaffold import STANDARD_ROLES, build_spec, parse_preferences, role_name

    ask = not yes and (interactive if interactive is not None else sys.stdin.isatty())
    target = directory / "llmhub.spec.yaml"
    if target.exists() and not force:
        refuse_overwrite(target)
    name = project or project_name(directory)
    if ask and project is None:
        name = typer.prompt("Project name", default=name)
    chosen = provider
    if ask and not chosen:
        answer = typer.prompt(
            "Providers (any-llm names, comma-separated; e.g. openai, anthropic, gemini, mistral, groq)",
            default="openai",
        )
        chosen = split_answer(answer)
    providers = parse_providers(chosen or ["openai"])
    roles = [role_name(r) for r in role] if role else None
    if ask and roles is None:
        short = ", ".join(n.removeprefix("llm.") for n in STANDARD_ROLES)
        answer = typer.prompt(f"Roles ({short}, or your own names; comma-separated)", default=_DEFAULT_ROLES)
        roles = [role_name(r) for r in split_answer(answer)]
    roles = list(dict.fromkeys(roles or [role_name(r) for r in split_answer(_DEFAULT_ROLES)]))
    try:
        preferences = parse_preferences(pref or [])
    except SpecError as exc:
        raise typer.BadParameter(exc.detail, param_hint="--pref") from None
    if ask:
        for name_ in roles:
            template = STANDARD_ROLES.get(name_)
            for key in ("cost", "latency", "quality"):
                if key in preferences.get(name_, {}):
                    continue
                current = template.preferences.get(key) if template else None
                level = _ask_level(name_, key, current.value if current else "")
                if level:
                    preferences.setdefault(name_, {})[key] = level
    spec = build_spec(name, providers, roles, preferences)
    write_and_say(directory, spec, force, "setup")


def _ask_level(role: str, key: str, default: str) -> str:
    while True:
        asked = f"{role}: {key} (low, medium, high; - for no preference)"
        answer = str(typer.prompt(asked, default=default or "-")).strip().lower()
        if answer in ("", "-"):
            return ""
        if answer in ("low", "medium", "high"):
            return answer
        typer.echo("  please answer low, medium, high or -", err=True)
