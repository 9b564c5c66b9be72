"""`llmhub generate`: compile llmhub.spec.yaml into a reviewed, explained llmhub.yaml."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from llmhub.cli import _output as out
from llmhub.cli._options import EnvOption, RulesOption, SourcesOption, SpecOption
from llmhub.cli._state import options
from llmhub.project import locate
from llmhub_runtime.errors import ConfigError


def generate(
    spec: SpecOption = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Where to write (default: llmhub.yaml beside the spec; llmhub.<env>.yaml with --env).",
            dir_okay=False,
        ),
    ] = None,
    env: EnvOption = None,
    rules: RulesOption = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the result; write nothing.")] = False,
    explain: Annotated[
        bool, typer.Option("--explain", help="Per role: the facts behind the choice, runner-ups, constraints.")
    ] = False,
    no_llm: Annotated[
        bool, typer.Option("--no-llm", help="Use the rule engine only, even with a generator model.")
    ] = False,
    sources: SourcesOption = None,
    force: Annotated[bool, typer.Option("--force", "-f", help="Overwrite without asking.")] = False,
    keyed_only: Annotated[
        bool,
        typer.Option(
            "--keyed-only",
            help="Only providers whose key variable is set here (or that need none, e.g. self-hosted).",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result and explanations as JSON.")] = False,
) -> None:
    """Choose a model and fallbacks for every role in the spec, and write llmhub.yaml."""
    from llmhub.catalog import build_catalog
    from llmhub.diff import diff_runtime
    from llmhub.generator import GeneratorOptions, generate_runtime_from_spec, load_rules
    from llmhub.runtime_files import load_runtime, save_runtime
    from llmhub.spec import find_spec_path, load_spec
    from llmhub.spec.validate import validate_spec

    spec_path = spec if spec is not None else find_spec_path()
    if not spec_path.is_file():
        load_spec(spec_path)  # raises the error that names the file and the fix
    rule_set = load_rules(rules)
    with out.progress("Generating") as show:
        catalog = build_catalog(
            sources_dir=sources,
            progress=show,
            overrides=locate(spec_path, settings=options.settings).overrides,
            settings=options.settings,
        )
        # Every problem at once, before any choosing: the same checks as `llmhub spec validate`.
        checked = validate_spec(
            spec_path, env=env, catalog=catalog, rules=rule_set, check_env_keys=False, settings=options.settings
        )
        if not checked.valid:
            for issue in checked.errors:
                out.error_line(str(issue))
            count = len(checked.errors)
            out.error_line(f"{spec_path}: {count} problem{'s' if count > 1 else ''} to fix; nothing written")
            raise typer.Exit(1)
        assert checked.spec is not None  # valid implies loaded
        result = generate_runtime_from_spec(
            checked.spec,
            GeneratorOptions(
                settings=options.settings,
                no_llm=no_llm,
                env=env,
                rules=rule_set,
                catalog=catalog,
                spec_name=spec_path.name,
                progress=show,
                keyed_only=keyed_only,
            ),
        )
    target = output if output is not None else spec_path.parent / (f"llmhub.{env}.yaml" if env else "llmhub.yaml")
    text = result.text()
    previous_text = target.read_text(encoding="utf-8") if target.is_file() else None
    previous = None
    previous_problem = None
    if previous_text is not None:
        try:
            previous = load_runtime(target)
        except ConfigError as exc:
            previous_problem = str(exc)
    changes = diff_runtime(previous, result.runtime)
    report: dict[str, Any] = {
        "spec": str(spec_path),
        "output": str(target),
        "changes": [c.to_dict() for c in changes],
        **result.to_dict(),
    }
    for warning in result.warnings:
        out.warn(warning)

    if dry_run:
        if as_json:
            out.emit_json({**report, "written": False, "text": text})
            return
        typer.echo(text, nl=False)
        _explain(result, explain)
        return

    if previous_text == text:
        if as_json:
            out.emit_json({**report, "written": False, "up_to_date": True})
            return
        _summary(result, explain)
        out.line(f"{target} is up to date")
        return

    if previous_text is not None and not force:
        _review(target, changes, previous_problem, as_json)
    backup = save_runtime(target, result.runtime, text=text)
    if as_json:
        out.emit_json({**report, "written": True, "backup": str(backup) if backup else None})
        return
    _summary(result, explain)
    kept = f" (previous version kept in {backup})" if backup else ""
    out.line(f"Wrote {target}{kept}")


def _review(target: Path, changes: list[Any], previous_problem: str | None, as_json: bool) -> None:
    """Show what would change and ask; refuse when nobody can answer (or stdout is JSON for a program)."""
    # With --json, stdout carries only the JSON: the review goes to stderr.
    say = (lambda text: typer.echo(text, err=True)) if as_json else out.line
    if previous_problem is not None:
        say(f"{target} is not a valid llmhub.yaml ({previous_problem}); it will be replaced (a backup is kept)")
    elif changes:
        say(f"Role changes in {target}:")
        for change in changes:
            say(f"  {change}")
    else:
        say(f"No role changes in {target}; only its header or metadata differ")
    if not changes and previous_problem is None:
        return  # nothing a reviewer needs to approve
    if as_json or not _interactive():
        out.error_line(
            f"{target} exists and would change; rerun with --force to overwrite it, or --dry-run to see the result"
        )
        raise typer.Exit(1)
    if not typer.confirm(f"Write {target}?", default=True):
        out.line("Nothing written.")
        raise typer.Exit(0)


def _interactive() -> bool:
    """Whether someone can answer a question (stdin is a terminal)."""
    return sys.stdin.isatty()


def _summary(result: Any, explain: bool) -> None:
    if explain:
        _explain(result, True)
        return
    for name, explanation in result.explanations.items():
        role = result.runtime.roles[name]
        fallbacks = ", ".join(f"{f.provider}:{f.model}" for f in role.fallbacks)
        out.line(
            f"{name}: {role.provider}:{role.model}"
            + (f" (fallbacks: {fallbacks})" if fallbacks else "")
            + f" [{explanation.decided_by}]"
        )


def _explain(result: Any, explain: bool) -> None:
    if not explain:
        return
    for explanation in result.explanations.values():
        out.line()
        out.line(str(explanation))
