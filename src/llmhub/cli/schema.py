"""`llmhub schema`: the JSON Schemas of llmhub.spec.yaml and llmhub.yaml, for editors and CI."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from llmhub.cli import _output as out


class SchemaChoice(StrEnum):
    """Which file's schema."""

    spec = "spec"
    runtime = "runtime"


def schema(
    which: Annotated[SchemaChoice, typer.Argument(help="spec (llmhub.spec.yaml) or runtime (llmhub.yaml).")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of printing.", dir_okay=False)
    ] = None,
) -> None:
    """Print the JSON Schema of llmhub.spec.yaml (spec) or llmhub.yaml (runtime).

    Point an editor at it with a first line like `# yaml-language-server: $schema=<file>`; files
    llmhub writes already have one, and the schema under .llmhub/schema/.
    """
    from llmhub.schemas import schema_text
    from llmhub_runtime.config_loader import atomic_write_text

    text = schema_text("spec" if which is SchemaChoice.spec else "runtime")
    if output is None:
        typer.echo(text, nl=False)
        return
    atomic_write_text(output, text)
    out.line(f"Wrote {output}")
