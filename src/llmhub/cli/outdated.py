"""`llmhub outdated`: which models in llmhub.yaml are deprecated or retiring, and their successors.

With `--fail-on better`, also whether today's catalog would pick something else under the same spec.
"""

from __future__ import annotations

import re
from typing import Annotated

import typer

from llmhub.cli import _output as out
from llmhub.cli._options import ConfigOption, EnvOption, JsonOption, SourcesOption, SpecOption
from llmhub.cli._state import options

_KINDS = ("deprecated", "retiring", "better")
_MARKS = {"deprecated": "✗", "retiring": "!", "unknown": "?", "ok": "✓"}


def outdated(
    spec: SpecOption = None,
    config: ConfigOption = None,
    env: EnvOption = None,
    sources: SourcesOption = None,
    within: Annotated[
        str, typer.Option("--within", metavar="DAYS", help="Retiring: a deprecation date within this window, e.g. 90d.")
    ] = "180d",
    fail_on: Annotated[
        str,
        typer.Option(
            "--fail-on",
            metavar="KINDS",
            help="Exit 1 on these, comma-separated: deprecated, retiring, better (today's rules would pick otherwise).",
        ),
    ] = "deprecated,retiring",
    as_json: JsonOption = False,
) -> None:
    """For each role: is its model or a fallback deprecated or retiring, with the date, the source and a successor."""
    from llmhub.catalog.build import build_catalog
    from llmhub.outdated import outdated_targets
    from llmhub.project import locate
    from llmhub.runtime_files import load_runtime

    days = _days(within)
    kinds = {k.strip() for k in fail_on.split(",") if k.strip()}
    if not kinds <= set(_KINDS):
        raise typer.BadParameter(f"use {', '.join(_KINDS)}", param_hint="--fail-on")
    project = locate(spec, config, env, settings=options.settings)
    runtime = load_runtime(project.runtime)
    with out.progress("Loading the catalog") as show:
        catalog = build_catalog(
            sources_dir=sources, progress=show, overrides=project.overrides, settings=options.settings
        )
    found = outdated_targets(runtime, catalog, within_days=days)
    better = _better(project.spec, env, sources) if "better" in kinds or as_json else []
    attention = {t.status for t in found} & kinds | ({"better"} if better and "better" in kinds else set())
    if as_json:
        out.emit_json(
            {
                "config": str(project.runtime),
                "within_days": days,
                "catalog": catalog.snapshot(),
                "targets": [t.to_dict() for t in found],
                "better": better,
            }
        )
    else:
        for target in found:
            where = "primary" if target.position == 0 else f"fallback {target.position}"
            where = f"variant {target.variant}, {where}" if target.variant else where
            say = out.line if target.status == "ok" else out.result
            say(f"{_MARKS[target.status]} {target.role} ({where}): {target.model} {target.describe()}")
        for line in better:
            out.result(line)
        flagged = sum(1 for t in found if t.status != "ok")
        out.line(f"{flagged} of {len(found)} targets to look at; window {days} days")
    if attention:
        raise typer.Exit(1)


def _days(within: str) -> int:
    match = re.fullmatch(r"\s*(\d{1,5})\s*d?\s*", within)
    if match is None:
        raise typer.BadParameter(f"{within!r}: give days, e.g. 90d", param_hint="--within")
    return int(match.group(1))


def _better(spec_path: object, env: str | None, sources: object) -> list[str]:
    """Roles whose rule-chosen model today's catalog would replace, as `role: old -> new` lines."""
    from pathlib import Path

    from llmhub.plan import plan_generation

    if not isinstance(spec_path, Path):
        return []
    plan = plan_generation(
        spec_path,
        env=env,
        sources=sources if isinstance(sources, Path) else None,
        no_llm=True,
        settings=options.settings,
    )
    return [str(change) for change in plan.changes if change.role in plan.result.runtime.roles]
