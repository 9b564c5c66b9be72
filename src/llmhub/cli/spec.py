"""`llmhub spec`: show and validate llmhub.spec.yaml."""

from __future__ import annotations

from typing import Annotated

import typer

from llmhub.cli import _output as out
from llmhub.cli._options import EnvOption, JsonOption, RulesOption, SourcesOption, SpecOption
from llmhub.cli._state import options

app = typer.Typer(help="Show and validate llmhub.spec.yaml.", no_args_is_help=True)


@app.command("show")
def spec_show(spec: SpecOption = None, env: EnvOption = None, as_json: JsonOption = False) -> None:
    """Print the spec as llmhub reads it (with --env, the overlay merged in)."""
    from llmhub.spec import dump_spec, find_spec_path, load_spec

    path = spec if spec is not None else find_spec_path()
    loaded = load_spec(path, env=env)
    if as_json:
        out.emit_json(loaded.model_dump(mode="json", exclude_unset=True, exclude_none=True))
        return
    typer.echo(f"# {path}" + (f" (environment {env})" if env else ""))
    typer.echo(dump_spec(loaded).split("\n", 1)[1], nl=False)


@app.command("validate")
def spec_validate(
    spec: SpecOption = None,
    env: EnvOption = None,
    rules: RulesOption = None,
    sources: SourcesOption = None,
    no_catalog: Annotated[
        bool, typer.Option("--no-catalog", help="Skip checking that the catalog can satisfy every role.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Check the spec: fields, provider references, env keys, tasks, and that every role has a model.

    Offline: roles are checked against a local mirror ($LLMHUB_CATALOG_SOURCES) or the cached catalog.
    Exits 1 when there are errors; warnings alone exit 0.
    """
    from llmhub.spec import find_spec_path
    from llmhub.spec.validate import validate_spec

    path = spec if spec is not None else find_spec_path()
    # --sources checks the roles against the same catalog `generate --sources` would choose from.
    settings = options.settings.replace(sources_dir=sources) if sources is not None else options.settings
    result = validate_spec(path, env=env, rules=rules, catalog=False if no_catalog else None, settings=settings)
    if as_json:
        out.emit_json({"spec": str(path), **result.to_dict()})
    else:
        for issue in result.errors:
            out.error_line(str(issue))
        for issue in result.warnings:
            out.warn(str(issue))
        if result.valid:
            roles = len(result.spec.roles) if result.spec is not None else 0
            checked = "" if result.catalog_checked else " (roles not checked against a catalog)"
            warned = (
                f", {len(result.warnings)} warning{'s' if len(result.warnings) != 1 else ''}" if result.warnings else ""
            )
            out.line(f"✓ {path} is valid: {roles} role{'s' if roles != 1 else ''}{warned}{checked}")
    if not result.valid:
        raise typer.Exit(1)
