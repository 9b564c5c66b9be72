"""JSON Schemas for `llmhub.spec.yaml` and `llmhub.yaml`, for editors (yaml-language-server) and CI.

Files the CLI writes start with `# yaml-language-server: $schema=.llmhub/schema/<name>.schema.json`
and the schema is written beside them, so editors complete and check fields offline.
"""

from __future__ import annotations

import ast
import functools
import inspect
import json
import os
import textwrap
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from llmhub_runtime.config_loader import atomic_write_text

__all__ = [
    "SCHEMA_DIR",
    "SHIPPED_SCHEMAS",
    "SchemaName",
    "field_docs",
    "generated_schema_text",
    "schema_for",
    "schema_modeline",
    "schema_text",
    "write_schema",
]

SchemaName = Literal["spec", "runtime"]
SCHEMA_DIR = Path(".llmhub") / "schema"
"""Where schemas are written, relative to the YAML file that references them."""

_TITLES = {"spec": "llmhub.spec.yaml", "runtime": "llmhub.yaml"}

SHIPPED_SCHEMAS = Path(__file__).resolve().parent / "jsonschema"
"""The schemas as shipped with llmhub, `<name>.schema.json`: `generated_schema_text` of the models, written
by `scripts/docs_tables.py` (a test keeps them equal). Generating one reads the models' sources for their
field docstrings (~150 ms), too slow for `init` and `setup`, which write them on every run."""


def schema_for(name: SchemaName) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the spec or the runtime file."""
    _check(name)
    root: type[BaseModel]
    if name == "spec":
        from llmhub.spec.models import SpecConfig

        root = SpecConfig
    else:
        from llmhub_runtime.models import RuntimeConfig

        root = RuntimeConfig
    schema = _described(root.model_json_schema(), root)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": _TITLES[name],
        **{key: value for key, value in schema.items() if key != "title"},
    }


def schema_text(name: SchemaName) -> str:
    """The schema as stable, indented JSON: the shipped copy (see `SHIPPED_SCHEMAS`)."""
    _check(name)
    return (SHIPPED_SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8")


def generated_schema_text(name: SchemaName) -> str:
    """The schema as stable, indented JSON, generated from the models now (what `SHIPPED_SCHEMAS` holds)."""
    return json.dumps(schema_for(name), indent=2, sort_keys=False) + "\n"


def _check(name: str) -> None:
    if name not in _TITLES:
        raise ValueError(f"unknown schema {name!r}; choose spec or runtime")


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


@functools.cache
def field_docs(model: type[BaseModel]) -> dict[str, str]:
    """Each field's attribute docstring (the string right under it in the class body), own and inherited.

    The runtime's models do not read these at import time (it would slow every app's start-up), so
    schemas and docs tables read them from the source here, where they are shown.
    """
    docs: dict[str, str] = {}
    for cls in reversed(model.__mro__):
        if not (isinstance(cls, type) and issubclass(cls, BaseModel)) or cls is BaseModel:
            continue
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
        except (OSError, TypeError, SyntaxError):
            continue
        body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
        for field, after in zip(body, [*body[1:], None], strict=True):
            if (
                isinstance(field, ast.AnnAssign)
                and isinstance(field.target, ast.Name)
                and isinstance(after, ast.Expr)
                and isinstance(after.value, ast.Constant)
                and isinstance(after.value.value, str)
            ):
                docs[field.target.id] = inspect.cleandoc(after.value.value)
    return docs


def _models(root: type[BaseModel]) -> dict[str, type[BaseModel]]:
    """Every model class reachable from `root`'s fields, by the name its schema definition gets."""
    found: dict[str, type[BaseModel]] = {}
    pending: list[Any] = [root]
    while pending:
        item = pending.pop()
        if isinstance(item, type) and issubclass(item, BaseModel):
            if item.__name__ in found:
                continue
            found[item.__name__] = item
            pending.extend(info.annotation for info in item.model_fields.values())
        else:
            pending.extend(getattr(item, "__args__", ()) or ())
    return found


def _described(schema: dict[str, Any], root: type[BaseModel]) -> dict[str, Any]:
    """`schema` with every property described by its field's docstring (where pydantic did not already)."""
    models = _models(root)

    def fill(node: dict[str, Any], model: type[BaseModel]) -> None:
        docs = field_docs(model)
        for name, prop in node.get("properties", {}).items():
            if isinstance(prop, dict) and "description" not in prop and name in docs:
                prop["description"] = docs[name]

    fill(schema, root)
    for name, node in schema.get("$defs", {}).items():
        if name in models:
            fill(node, models[name])
    return schema
