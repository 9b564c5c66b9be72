"""`llmhub init`: a minimal spec; and what `llmhub setup` shares with it (options, writing the project)."""

from __future__ import annotations

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

    providers = parse_providers(provider or ["openai"])
    spec = build_spec(project or project_name(directory), providers, list(INIT_ROLES))
    write_and_say(directory, spec, force, "init")


def split_answer(answer: str) -> list[str]:
    """The names in an answer or option value, comma- or space-separated."""
    return [part.strip() for part in answer.replace(" ", ",").split(",") if part.strip()]


def parse_providers(names: list[str]) -> dict[str, str | None]:
    """Provider -> its key variable, for names given comma- or space-separated."""
    from llmhub.scaffold import provider_keys

    try:
        return provider_keys(n for item in names for n in split_answer(item))
    except SpecError as exc:
        raise typer.BadParameter(exc.detail, param_hint="--provider") from None


def project_name(directory: Path) -> str:
    """The default project name: the directory's."""
    return directory.resolve().name or "my-app"


def refuse_overwrite(target: Path) -> None:
    """Stop with exit 1: an existing spec is never replaced without --force."""
    out.error_line(f"{target} already exists; nothing written (use --force to replace it)")
    raise typer.Exit(1)


def write_and_say(directory: Path, spec: SpecConfig, force: bool, command: str) -> None:
    """Write the spec and .env.example, and say what was written and what to run next."""
    from llmhub.scaffold import write_project

    try:
        written = write_project(directory, spec, header=_HEADER.format(command=command), force=force)
    except FileExistsError:
        refuse_overwrite(directory / "llmhub.spec.yaml")
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
