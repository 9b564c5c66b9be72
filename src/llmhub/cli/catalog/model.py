"""`llmhub catalog model`: every field of one model, with where each group of facts came from."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from llmhub.cli import _output as out
from llmhub.cli._options import SourcesOption
from llmhub.cli.catalog import JsonOption, _load


def catalog_model(
    model_ref: Annotated[str, typer.Argument(metavar="PROVIDER:MODEL", help="e.g. openai:gpt-4.1")],
    sources: SourcesOption = None,
    as_json: JsonOption = False,
) -> None:
    """Every field of one model, with where each group of facts came from."""
    from llmhub.catalog.browse import find_model, model_facts
    from llmhub.catalog.quality import Quality

    catalog = _load(sources)
    data = model_facts(catalog, find_model(catalog, model_ref))
    if as_json:
        out.emit_json(data)
        return
    figure = data["quality_figure"]
    data["quality_figure"] = (
        Quality(**figure).describe()
        if figure is not None
        else "unknown (not rated, nothing to inherit or estimate from)"
    )
    provenance = data.pop("provenance")
    out.table(["field", "value"], [[k, _show(v)] for k, v in data.items()])
    out.table(
        ["facts", "source", "snapshot", "detail"],
        [[group, p["source"], p["snapshot"], p["detail"]] for group, p in provenance.items()],
        title="provenance",
    )


def _show(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "-"
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items()) or "-"
    return "-" if value is None else str(value)
