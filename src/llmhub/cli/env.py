"""`llmhub env check|sync`: the API-key variables the project needs (names only, never values)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from llmhub.cli import _output as out
from llmhub.cli._options import ConfigOption, EnvOption, JsonOption, SpecOption
from llmhub.cli._state import options

app = typer.Typer(help="Check and list the API keys the project needs (values are never shown).", no_args_is_help=True)


def needed_keys(spec: Path | None, config: Path | None, env: str | None) -> tuple[dict[str, list[str]], list[Path]]:
    """Variables the spec and its llmhub.yaml need, and the files they were read from."""
    from llmhub.env_manager import required_env_keys
    from llmhub.project import locate, no_project_error
    from llmhub.runtime_files import load_runtime
    from llmhub.spec import load_spec

    files = locate(spec, config, env, settings=options.settings)
    loaded_spec = load_spec(files.spec, env=env) if files.spec is not None else None
    runtime = load_runtime(files.runtime) if files.runtime.is_file() else None
    if loaded_spec is None and runtime is None:
        raise no_project_error()
    sources = [p for p in (files.spec, files.runtime if runtime is not None else None) if p is not None]
    return required_env_keys(loaded_spec, runtime), sources


@app.command("check")
def env_check(
    spec: SpecOption = None, config: ConfigOption = None, env: EnvOption = None, as_json: JsonOption = False
) -> None:
    """Say which API-key variables the spec and llmhub.yaml need and whether each is set; exit 1 if any is missing.

    The project's .env is loaded first (variables already exported win).
    """
    from llmhub.env_manager import check_env

    needed, sources = needed_keys(spec, config, env)
    result = check_env(needed, options.settings.environ)
    if as_json:
        report: dict[str, Any] = {
            "files": [str(p) for p in sources],
            "ok": result.ok,
            "variables": [
                {"name": name, "providers": users, "set": name in result.present} for name, users in needed.items()
            ],
        }
        out.emit_json(report)
    else:
        for name, users in needed.items():
            mark = "✓" if name in result.present else "✗"
            state = "set" if name in result.present else "not set"
            out.result(f"{mark} {name} ({', '.join(users)}): {state}")
        if not needed:
            out.line(f"No API keys needed by {', '.join(map(str, sources))}")
    if not result.ok:
        missing = ", ".join(result.missing)
        out.error_line(f"missing {missing}: export it, or put it in .env (`llmhub env sync` lists every key there)")
        raise typer.Exit(1)


@app.command("sync")
def env_sync(
    spec: SpecOption = None,
    config: ConfigOption = None,
    env: EnvOption = None,
    file: Annotated[
        Path | None,
        typer.Option("--file", help="The file to update (default: .env.example beside the spec).", dir_okay=False),
    ] = None,
    dotenv: Annotated[
        bool, typer.Option("--dotenv", help="Also add the missing variables, empty, to .env (values are kept).")
    ] = False,
) -> None:
    """Add every variable the project needs to .env.example (and with --dotenv, to .env); nothing is removed."""
    from llmhub.env_manager import DOTENV_NAME, ENV_EXAMPLE_NAME, sync_env_example

    needed, sources = needed_keys(spec, config, env)
    home = sources[0].parent
    targets = [file if file is not None else home / ENV_EXAMPLE_NAME]
    if dotenv:
        targets.append(home / DOTENV_NAME)
    for target in targets:
        result = sync_env_example(target, needed)
        if result.created:
            out.line(f"Wrote {target}: {', '.join(result.added) or 'no keys needed'}")
        elif result.added:
            out.line(f"Added {', '.join(result.added)} to {target}")
        else:
            out.line(f"{target} already lists every needed variable")
        if result.unused:
            out.line(f"  not needed by the project (kept): {', '.join(result.unused)}")
