"""JSON Schemas for `llmhub.spec.yaml` and `llmhub.yaml`, for editors (yaml-language-server) and CI.

Files the CLI writes start with `# yaml-language-server: $schema=.llmhub/schema/<name>.schema.json`
and the schema is written beside them, so editors complete and check fields offline.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Literal

from llmhub_runtime.config_loader import atomic_write_text

__all__ = ["SCHEMA_DIR", "SchemaName", "schema_for", "schema_modeline", "schema_text", "write_schema"]

SchemaName = Literal["spec", "runtime"]
SCHEMA_DIR = Path(".llmhub") / "schema"
"""Where schemas are written, relative to the YAML file that references them."""

_TITLES = {"spec": "llmhub.spec.yaml", "runtime": "llmhub.yaml"}


def schema_for(name: SchemaName) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the spec or the runtime file."""
    if name == "spec":
        from llmhub.spec.models import SpecConfig

        schema = SpecConfig.model_json_schema()
    elif name == "runtime":
        from llmhub_runtime.models import RuntimeConfig

        schema = RuntimeConfig.model_json_schema()
    else:
        raise ValueError(f"unknown schema {name!r}; choose spec or runtime")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": _TITLES[name],
        **{key: value for key, value in schema.items() if key != "title"},
    }


def schema_text(name: SchemaName) -> str:
    """The schema as stable, indented JSON."""
    return json.dumps(schema_for(name), indent=2, sort_keys=False) + "\n"


def schema_modeline(name: SchemaName) -> str:
    """The comment line (without `# `) that points editors at the schema written by `write_schema`."""
    return f"yaml-language-server: $schema={(SCHEMA_DIR / f'{name}.schema.json').as_posix()}"


def write_schema(name: SchemaName, beside: str | os.PathLike[str]) -> Path:
    """Write the schema under `.llmhub/schema/` in the directory of the YAML file `beside`."""
    target = Path(beside).resolve().parent / SCHEMA_DIR / f"{name}.schema.json"
    text = schema_text(name)
    if not target.is_file() or target.read_text(encoding="utf-8") != text:
        atomic_write_text(target, text)
    return target
