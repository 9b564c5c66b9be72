"""`llmhub generate`: compile llmhub.spec.yaml into a reviewed, explained llmhub.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from llmhub.cli import _output as out
from llmhub.cli._options import EnvOption, RulesOption, SourcesOption, SpecOption
from llmhub.cli._state import options
from llmhub.cli.review import explain_all, review, suggestions, summary


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
    accept: Annotated[
        bool,
        typer.Option(
            "--accept-suggestions",
            help="Write the stricter needs the LLM read in descriptions into the spec (shown as a diff otherwise).",
        ),
    ] = False,
) -> None:
    """Choose a model and fallbacks for every role in the spec, and write llmhub.yaml."""
    from llmhub.plan import InvalidSpecError, accept_suggestions, apply_plan, plan_generation
    from llmhub.spec import find_spec_path

    spec_path = spec if spec is not None else find_spec_path()
    try:
        with out.progress("Generating") as show:
            plan = plan_generation(
                spec_path,
                output=output,
                env=env,
                rules=rules,
                sources=sources,
                no_llm=no_llm,
                keyed_only=keyed_only,
                settings=options.settings,
                tradeoffs=explain or as_json,  # only shown there; six rankings a role saved otherwise
                progress=show,
            )
    except InvalidSpecError as exc:
        for issue in exc.issues:
            out.error_line(str(issue))
        out.error_line(str(exc))
        raise typer.Exit(1) from None
    result, target, report = plan.result, plan.target, plan.to_dict()
    for warning in result.warnings:
        out.warn(warning)
    if accept and report["spec_diff"] and not dry_run:
        report["spec_backup"] = str(accept_suggestions(plan))

    if dry_run:
        if as_json:
            out.emit_json({**report, "written": False, "text": plan.text})
            return
        typer.echo(plan.text, nl=False)
        explain_all(result, explain)
        suggestions(report)
        return

    if plan.up_to_date:
        if as_json:
            out.emit_json({**report, "written": False, "up_to_date": True})
            return
        summary(result, explain)
        out.line(f"{target} is up to date")
        suggestions(report)
        return

    if plan.previous_text is not None and not force:
        review(plan, as_json)
    backup = apply_plan(plan)
    if as_json:
        out.emit_json({**report, "written": True, "backup": str(backup) if backup else None})
        return
    summary(result, explain)
    kept = f" (previous version kept in {backup})" if backup else ""
    out.line(f"Wrote {target}{kept}")
    suggestions(report)
