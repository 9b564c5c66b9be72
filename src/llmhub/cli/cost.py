"""`llmhub cost`: what each role will cost per request, per day and per month, and in total."""

from __future__ import annotations

from typing import Annotated

import typer

from llmhub.cli import _output as out
from llmhub.cli._options import ConfigOption, EnvOption, JsonOption, SourcesOption, SpecOption
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
    plan: Annotated[
        bool,
        typer.Option(
            "--plan",
            help="Also cost what `generate --no-llm` would write from the spec now, beside the current llmhub.yaml.",
        ),
    ] = False,
    sources: SourcesOption = None,
    as_json: JsonOption = False,
) -> None:
    """Project each role's cost from llmhub.yaml's prices and the spec's traffic (or --volume)."""
    from llmhub.cost import compare_costs, cost_report, project_costs, total_per_month
    from llmhub.project import locate
    from llmhub.runtime_files import load_runtime
    from llmhub.spec import load_spec

    project = locate(spec, config, env, settings=options.settings)
    loaded = load_spec(project.spec, env=env) if project.spec is not None and project.spec.is_file() else None
    runtime = load_runtime(project.runtime)
    try:
        report = cost_report(runtime, loaded, dict(_volume(item) for item in volume or []))
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--volume") from None
    if plan:
        from llmhub.plan import plan_generation

        if project.spec is None or loaded is None:
            raise typer.BadParameter("--plan needs the spec: none found (pass --spec)", param_hint="--plan")
        regenerated = plan_generation(project.spec, env=env, sources=sources, no_llm=True, settings=options.settings)
        planned = project_costs(regenerated.result.runtime, report.traffic)
        _compare(compare_costs(report.rows, planned), report.total_per_month, total_per_month(planned)[0], as_json)
        return
    if as_json:
        out.emit_json(report.to_dict())
        return
    rows = report.rows
    out.table(
        ["role", "model", "$ / request", "$ / day", "$ / month", "note"],
        [[r.role, r.model, _usd(r.per_request), _usd(r.per_day), _usd(r.per_month), r.note] for r in rows],
    )
    total, cap = report.total_per_month, report.budget
    if total is None:
        out.result("total: unknown (no role has both a price and a volume)")
        return
    partial = f" (not counting {', '.join(report.unknown)}: unknown)" if report.unknown else ""
    versus = (
        "" if cap is None else f"; the spec's monthly_budget is ${cap:,.2f}" + (" (over it)" if total > cap else "")
    )
    out.result(f"total: ${total:,.2f} a month{partial}{versus}")


def _compare(rows: list[dict[str, object]], current: float | None, planned: float | None, as_json: bool) -> None:
    if as_json:
        out.emit_json({"roles": rows, "current_per_month": current, "planned_per_month": planned})
        return
    out.table(
        ["role", "current model", "$ / month", "regenerated model", "$ / month", "change"],
        [
            [
                r["role"],
                r["current_model"] or "-",
                _usd(r["current_per_month"]),
                r["planned_model"] or "-",
                _usd(r["planned_per_month"]),
                _change(r["change_per_month"]),
            ]
            for r in rows
        ],
    )
    now, then = (f"${_usd(v)}" if v is not None else "unknown" for v in (current, planned))
    out.result(f"total a month: {now} now, {then} regenerated (roles whose cost is known)")


def _volume(item: str) -> tuple[str, float]:
    from llmhub.cost import parse_volume

    try:
        return parse_volume(item)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--volume") from None


def _usd(value: object) -> str:
    if not isinstance(value, int | float):
        return "unknown"
    if value < 0.01:
        return f"{value:,.6f}"
    return f"{value:,.4f}" if value < 1 else f"{value:,.2f}"


def _change(value: object) -> str:
    if not isinstance(value, int | float):
        return "unknown"
    from llmhub.cost import signed_usd

    return "same" if abs(value) < 0.005 else signed_usd(value)
