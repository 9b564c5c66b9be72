"""`llmhub cost`: what each role will cost per request, per day and per month, and in total."""

from __future__ import annotations

import re
from typing import Annotated

import typer

from llmhub.cli import _output as out
from llmhub.cli._options import ConfigOption, EnvOption, JsonOption, SpecOption
from llmhub.cli._state import options


def cost(
    spec: SpecOption = None,
    config: ConfigOption = None,
    env: EnvOption = None,
    volume: Annotated[
        list[str] | None,
        typer.Option(
            "--volume",
            metavar="ROLE=N/day",
            help="Requests for a role, per day or per month (llm.inference=2000/day); over the spec's traffic.",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Project each role's cost from llmhub.yaml's prices and the spec's traffic (or --volume)."""
    from llmhub.cost import DAYS_PER_MONTH, Traffic, project_costs
    from llmhub.project import locate
    from llmhub.runtime_files import load_runtime
    from llmhub.spec import load_spec

    project = locate(spec, config, env, settings=options.settings)
    runtime = load_runtime(project.runtime)
    traffic: dict[str, Traffic] = {}
    if project.spec is not None and project.spec.is_file():
        for name, role in load_spec(project.spec, env=env).roles.items():
            t = role.traffic
            if t is not None:
                per_day = t.requests_per_day or (
                    t.requests_per_month / DAYS_PER_MONTH if t.requests_per_month else None
                )
                traffic[name] = Traffic(per_day, t.input_tokens, t.output_tokens, t.cached_share)
    for item in volume or []:
        name, per_day = _volume(item, DAYS_PER_MONTH)
        known = traffic.get(name, Traffic(None, None, None))
        traffic[name] = Traffic(per_day, known.input_tokens, known.output_tokens, known.cached_share)
    rows = project_costs(runtime, traffic)
    months = [r.per_month for r in rows]
    priced = [m for m in months if m is not None]
    # Nothing known adds up to unknown, not $0.
    total = sum(priced) if priced else None
    unknown = [r.role for r in rows if r.per_month is None]
    if as_json:
        out.emit_json({"roles": [r.to_dict() for r in rows], "total_per_month": total, "unknown": unknown})
        return
    out.table(
        ["role", "model", "$ / request", "$ / day", "$ / month", "note"],
        [[r.role, r.model, _usd(r.per_request), _usd(r.per_day), _usd(r.per_month), r.note] for r in rows],
    )
    if total is None:
        out.result("total: unknown (no role has both a price and a volume)")
        return
    partial = f" (not counting {', '.join(unknown)}: unknown)" if unknown else ""
    out.result(f"total: ${total:,.2f} a month{partial}")


def _volume(item: str, days_per_month: int) -> tuple[str, float]:
    match = re.fullmatch(r"\s*([^=\s]+)\s*=\s*(\d+(?:\.\d+)?)\s*/\s*(day|month)\s*", item)
    if match is None:
        raise typer.BadParameter(f"{item!r}: write ROLE=N/day or ROLE=N/month", param_hint="--volume")
    count = float(match.group(2))
    return match.group(1), count if match.group(3) == "day" else count / days_per_month


def _usd(value: float | None) -> str:
    if value is None:
        return "unknown"
    return f"{value:,.6f}" if value < 0.01 else f"{value:,.2f}"
