"""`llmhub doctor`: check the whole set-up, each check with ✓/✗ and the command that fixes it."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer

from llmhub.cli import _output as out
from llmhub.cli._options import ConfigOption, EnvOption, JsonOption, SourcesOption, SpecOption
from llmhub.cli._state import options

_MARKS = {"ok": "✓", "warn": "!", "fail": "✗", "skip": "-"}


def doctor(
    spec: SpecOption = None,
    config: ConfigOption = None,
    env: EnvOption = None,
    sources: SourcesOption = None,
    no_network: Annotated[bool, typer.Option("--no-network", help="Skip the one-token ping to each provider.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Check the set-up: spec, llmhub.yaml and its sync with the spec, API keys, catalog, models, providers.

    Each check prints ✓ (fine), ! (worth a look), ✗ (broken, with the command that fixes it) or - (skipped).
    Exits 1 when any check is ✗. Key values are never printed.
    """
    from llmhub.doctor import run_checks
    from llmhub.project import locate

    report = run_checks(
        locate(spec, config, env, settings=options.settings),
        sources=sources,
        network=not no_network,
        settings=options.settings,
        dotenv=options.dotenv,
    )
    for check in report.checks:
        check.message = out.redact(check.message)
    if as_json:
        out.emit_json({"ok": report.ok, "checks": [asdict(c) for c in report.checks]})
    else:
        for check in report.checks:
            # Under --quiet only what needs attention is printed.
            say = out.line if check.status in ("ok", "skip") else out.result
            say(f"{_MARKS[check.status]} {check.name}: {check.message}")
            if check.fix and check.status in ("fail", "warn"):
                say(f"    fix: {check.fix}")
        passed = sum(1 for c in report.checks if c.status == "ok")
        out.line(f"{passed} ok, {len(report.warned)} to look at, {len(report.failed)} to fix")
    if not report.ok:
        raise typer.Exit(1)
