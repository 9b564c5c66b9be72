"""The `llmhub` command line (commands arrive with the generator and catalog work)."""

from __future__ import annotations

from typing import Annotated

import typer

from llmhub import __version__

app = typer.Typer(
    name="llmhub",
    help="Call LLMs by role: compile llmhub.spec.yaml into llmhub.yaml.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # tracebacks must never print API keys held in locals
    add_completion=False,
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"llmhub {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Call LLMs by role: compile llmhub.spec.yaml into llmhub.yaml."""


@app.command("version")
def version_command() -> None:
    """Print the version."""
    typer.echo(f"llmhub {__version__}")
