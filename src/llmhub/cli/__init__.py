"""The `llmhub` command line: the root app, global options and the one error boundary.

Every command group lives in its own module and is joined here with `add_typer`. Commands stay thin:
they parse options, call the library, and print through `_output`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from llmhub import __version__
from llmhub.cli._boundary import BoundaryGroup
from llmhub.cli._state import options
from llmhub.settings import Settings

app = typer.Typer(
    name="llmhub",
    cls=BoundaryGroup,
    help="Call LLMs by role: compile llmhub.spec.yaml into llmhub.yaml, from a catalog of every model.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,  # the boundary (_boundary.py) prints errors; tracebacks only with --verbose
    rich_markup_mode=None,
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
    verbose: Annotated[
        bool,
        typer.Option("--verbose", "-v", help="On an error, also print the traceback (secrets still masked)."),
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only results and errors.")] = False,
    env_file: Annotated[
        Path | None,
        typer.Option(
            "--env-file",
            help="Load API keys from this file (default: the project's .env; variables already set win).",
            dir_okay=False,
        ),
    ] = None,
    no_dotenv: Annotated[
        bool, typer.Option("--no-dotenv", help="Do not load any .env file ($LLMHUB_NO_DOTENV=1).")
    ] = False,
    offline: Annotated[
        bool,
        typer.Option(
            "--offline",
            help="Never touch the network: the catalog comes from the cache or the sources snapshot bundled "
            "with llmhub ($LLMHUB_OFFLINE=1).",
        ),
    ] = False,
) -> None:
    """Call LLMs by role: compile llmhub.spec.yaml into llmhub.yaml, from a catalog of every model."""
    options.verbose = verbose
    options.quiet = quiet
    if not no_dotenv:
        from llmhub.env_manager import load_dotenv_file

        if env_file is not None and not env_file.is_file():
            raise typer.BadParameter(f"{env_file} does not exist", param_hint="--env-file")
        options.dotenv = load_dotenv_file(env_file)
    # Read after the .env file, so its keys count; the flags go over the environment's values.
    changes: dict[str, bool] = {"no_dotenv": True} if no_dotenv else {}
    if offline:
        changes["offline"] = True
    options.settings = Settings.from_env().replace(**changes)


@app.command("version")
def version_command() -> None:
    """Print the version."""
    typer.echo(f"llmhub {__version__}")


def _register() -> None:
    from llmhub.cli.catalog import app as catalog_app
    from llmhub.cli.cost import cost
    from llmhub.cli.doctor import doctor
    from llmhub.cli.env import app as env_app
    from llmhub.cli.generate import generate
    from llmhub.cli.init import init
    from llmhub.cli.outdated import outdated
    from llmhub.cli.runtime import app as runtime_app
    from llmhub.cli.schema import schema
    from llmhub.cli.setup import setup
    from llmhub.cli.spec import app as spec_app
    from llmhub.cli.test import test
    from llmhub.cli.ui import ui

    # In the order a new user meets them (`llmhub --help` lists them so).
    app.command("init")(init)
    app.command("setup")(setup)
    app.add_typer(spec_app, name="spec")
    app.command("generate")(generate)
    app.command("test")(test)
    app.command("doctor")(doctor)
    app.command("outdated")(outdated)
    app.command("cost")(cost)
    app.add_typer(env_app, name="env")
    app.add_typer(runtime_app, name="runtime")
    app.add_typer(catalog_app, name="catalog")
    app.command("schema")(schema)
    app.command("ui")(ui)


_register()

__all__ = ["app"]
