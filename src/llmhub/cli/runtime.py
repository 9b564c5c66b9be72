"""`llmhub runtime show|diff`: what llmhub.yaml says, and how it differs from another version."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from llmhub.cli import _output as out
from llmhub.cli._options import ConfigOption, EnvOption, JsonOption, RulesOption, SourcesOption, SpecOption
from llmhub.cli._state import options

app = typer.Typer(help="Show llmhub.yaml, or compare it with another version role by role.", no_args_is_help=True)


@app.command("show")
def runtime_show(config: ConfigOption = None, env: EnvOption = None, as_json: JsonOption = False) -> None:
    """Every role in llmhub.yaml: provider, model, mode, fallbacks and parameters."""
    from llmhub.project import locate
    from llmhub.runtime_files import load_runtime

    path = locate(config=config, env=env, settings=options.settings).runtime
    runtime = load_runtime(path)
    if as_json:
        out.emit_json({"path": str(path), **runtime.model_dump(mode="json", exclude_none=True)})
        return
    rows: list[list[Any]] = []
    for name, role in runtime.roles.items():
        rows.append(
            [
                name,
                f"{role.provider}:{role.model}",
                role.mode.value,
                ", ".join(f"{f.provider}:{f.model}" for f in role.fallbacks) or "-",
                ", ".join(f"{k}={v}" for k, v in role.params.items()) or "-",
            ]
        )
    if runtime.defaults is not None and runtime.defaults.model:
        rows.append(["(defaults)", f"{runtime.defaults.provider}:{runtime.defaults.model}", "chat", "-", "-"])
    labels = [f"project {runtime.project}" if runtime.project else "", f"env {runtime.env}" if runtime.env else ""]
    out.line(", ".join([f"{path}: {len(runtime.roles)} roles", *filter(None, labels)]))
    out.table(["role", "model", "mode", "fallbacks", "params"], rows)


@app.command("diff")
def runtime_diff(
    old: Annotated[Path | None, typer.Argument(help="The earlier llmhub.yaml.", dir_okay=False)] = None,
    new: Annotated[Path | None, typer.Argument(help="The later one (default: the project's).", dir_okay=False)] = None,
    spec: SpecOption = None,
    config: ConfigOption = None,
    env: EnvOption = None,
    rules: RulesOption = None,
    sources: SourcesOption = None,
    no_llm: Annotated[bool, typer.Option("--no-llm", help="Regenerate with the rule engine only.")] = False,
    exit_code: Annotated[
        bool, typer.Option("--exit-code", help="Exit 1 when there are differences (for CI), like `git diff`.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Compare models and params role by role.

    With two files: OLD against NEW. With one: that file against the project's llmhub.yaml. With none:
    the project's llmhub.yaml against what `llmhub generate` would write from the spec now (nothing is
    written), so it answers "is llmhub.yaml still what the spec asks for?".
    """
    from llmhub.diff import diff_runtime
    from llmhub.project import locate
    from llmhub.runtime_files import load_runtime

    files = locate(spec, config, env, settings=options.settings)
    if old is not None:
        before_label, before = str(old), load_runtime(old)
        after_path = new if new is not None else files.runtime
        after_label, after = str(after_path), load_runtime(after_path)
    else:
        before_label, before = str(files.runtime), load_runtime(files.runtime)
        after_label, after = _regenerated(files.spec, env, rules, sources, no_llm)
    changes = diff_runtime(before, after)
    if as_json:
        out.emit_json({"old": before_label, "new": after_label, "changes": [c.to_dict() for c in changes]})
    elif not changes:
        out.line(f"No role differences between {before_label} and {after_label}")
    else:
        out.line(f"--- {before_label}")
        out.line(f"+++ {after_label}")
        for change in changes:
            typer.echo(str(change))  # the result itself: printed even with --quiet
    if exit_code and changes:
        raise typer.Exit(1)


def _regenerated(spec: Path | None, env: str | None, rules: Path | None, sources: Path | None, no_llm: bool) -> Any:
    from llmhub.plan import plan_generation
    from llmhub.project import no_project_error

    if spec is None:
        raise no_project_error()
    with out.progress("Generating") as show:
        plan = plan_generation(
            spec, env=env, rules=rules, sources=sources, no_llm=no_llm, settings=options.settings, progress=show
        )
    for warning in plan.result.warnings:
        out.warn(warning)
    return f"{spec} (generated now)", plan.result.runtime
