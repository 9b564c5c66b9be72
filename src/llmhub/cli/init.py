"""`llmhub init` (a minimal spec) and `llmhub setup` (a wizard, or the same from flags)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from llmhub.cli import _output as out
from llmhub.errors import SpecError

if TYPE_CHECKING:
    from llmhub.spec.models import SpecConfig

ProvidersOption = Annotated[
    list[str] | None,
    typer.Option(
        "--provider",
        "-p",
        metavar="NAME",
        help="A provider the project may use, by any-llm name (repeat for several; default: openai).",
    ),
]
ForceOption = Annotated[bool, typer.Option("--force", "-f", help="Overwrite an existing llmhub.spec.yaml.")]
DirOption = Annotated[
    Path,
    typer.Option("--dir", "-d", help="The project directory (default: the working directory).", file_okay=False),
]

_HEADER = "Created by `llmhub {command}`. Describe what each role needs; `llmhub generate` picks the models."


def init(
    provider: ProvidersOption = None,
    project: Annotated[str | None, typer.Option("--project", help="Project name (default: the directory's).")] = None,
    directory: DirOption = Path("."),
    force: ForceOption = False,
) -> None:
    """Start a project: a minimal llmhub.spec.yaml (one chat role, one embedding role) and .env.example."""
    from llmhub.scaffold import INIT_ROLES, build_spec

    providers = _providers(provider or ["openai"])
    spec = build_spec(project or _project_name(directory), providers, list(INIT_ROLES))
    _write(directory, spec, force, "init")


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
        _refuse(target)
    name = project or _project_name(directory)
    if ask and project is None:
        name = typer.prompt("Project name", default=name)
    chosen = provider
    if ask and not chosen:
        answer = typer.prompt(
            "Providers (any-llm names, comma-separated; e.g. openai, anthropic, gemini, mistral, groq)",
            default="openai",
        )
        chosen = _split(answer)
    providers = _providers(chosen or ["openai"])
    roles = [role_name(r) for r in role] if role else None
    if ask and roles is None:
        short = ", ".join(n.removeprefix("llm.") for n in STANDARD_ROLES)
        answer = typer.prompt(f"Roles ({short}, or your own names; comma-separated)", default=_DEFAULT_ROLES)
        roles = [role_name(r) for r in _split(answer)]
    roles = list(dict.fromkeys(roles or [role_name(r) for r in _split(_DEFAULT_ROLES)]))
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
    _write(directory, spec, force, "setup")


_DEFAULT_ROLES = "preprocess, inference, embedding"


def _ask_level(role: str, key: str, default: str) -> str:
    while True:
        asked = f"{role}: {key} (low, medium, high; - for no preference)"
        answer = str(typer.prompt(asked, default=default or "-")).strip().lower()
        if answer in ("", "-"):
            return ""
        if answer in ("low", "medium", "high"):
            return answer
        typer.echo("  please answer low, medium, high or -", err=True)


def _split(answer: str) -> list[str]:
    return [part.strip() for part in answer.replace(" ", ",").split(",") if part.strip()]


def _providers(names: list[str]) -> dict[str, str | None]:
    """Provider -> its key variable, for names given comma- or space-separated."""
    from llmhub.scaffold import provider_keys

    try:
        return provider_keys(n for item in names for n in _split(item))
    except SpecError as exc:
        raise typer.BadParameter(exc.detail, param_hint="--provider") from None


def _project_name(directory: Path) -> str:
    return directory.resolve().name or "my-app"


def _refuse(target: Path) -> None:
    out.error_line(f"{target} already exists; nothing written (use --force to replace it)")
    raise typer.Exit(1)


def _write(directory: Path, spec: SpecConfig, force: bool, command: str) -> None:
    from llmhub.scaffold import write_project

    try:
        written = write_project(directory, spec, header=_HEADER.format(command=command), force=force)
    except FileExistsError:
        _refuse(directory / "llmhub.spec.yaml")
    out.line(f"Wrote {written.spec}: {len(spec.roles)} roles ({', '.join(spec.roles)})")
    if written.env_example_created:
        out.line(f"Wrote {written.env_example}: {', '.join(written.keys_added) or 'no keys needed'}")
    elif written.keys_added:
        out.line(f"Added {', '.join(written.keys_added)} to {written.env_example}")
    out.line()
    out.line("Next:")
    out.line(f"  cp {written.env_example} {directory / '.env'}   # and fill in the keys (or export them)")
    out.line("  llmhub generate --explain   # choose a model for every role, write llmhub.yaml")
    out.line("  llmhub test                 # call every role once")
