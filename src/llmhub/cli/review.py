"""What `llmhub generate` shows around writing llmhub.yaml: the review before, the summary after."""

from __future__ import annotations

import sys
from typing import Any

import typer

from llmhub.cli import _output as out
from llmhub.plan import GenerationPlan


def review(plan: GenerationPlan, as_json: bool) -> None:
    """Show what would change and ask; refuse when nobody can answer (or stdout is JSON for a program)."""
    target, changes, previous_problem = plan.target, plan.changes, plan.previous_problem
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
    if not plan.needs_review:
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


def summary(result: Any, explain: bool) -> None:
    """One line per role (its model, fallbacks and who decided), or every explanation with --explain."""
    if explain:
        explain_all(result, True)
        return
    for name, explanation in result.explanations.items():
        role = result.runtime.roles[name]
        fallbacks = ", ".join(f"{f.provider}:{f.model}" for f in role.fallbacks)
        out.line(
            f"{name}: {role.provider}:{role.model}"
            + (f" (fallbacks: {fallbacks})" if fallbacks else "")
            + f" [{explanation.decided_by}]"
        )
    if getattr(result, "usage", None):
        out.line(result.usage)


def explain_all(result: Any, explain: bool) -> None:
    """Every role's explanation, when asked for."""
    if not explain:
        return
    for explanation in result.explanations.values():
        out.line()
        out.line(str(explanation))
    if getattr(result, "usage", None):
        out.line()
        out.line(result.usage)


def suggestions(report: dict[str, Any]) -> None:
    """The needs the LLM read in descriptions, as a diff of the spec, or where they were written."""
    if not report.get("spec_diff"):
        return
    out.line()
    if report.get("spec_backup"):
        out.line(
            f"Wrote the needs the LLM read in the descriptions into {report['spec']} (previous version kept in "
            f"{report['spec_backup']}); run `llmhub generate` again to apply them"
        )
        return
    out.line("The descriptions imply stricter needs than the spec states; `--accept-suggestions` writes them:")
    typer.echo(report["spec_diff"], nl=False)
