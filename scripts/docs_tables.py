"""Render the reference tables in docs/ (and the shipped JSON Schemas) from the models' field docstrings and `--help`.

    .venv/bin/python scripts/docs_tables.py          # rewrite the tables in place
    .venv/bin/python scripts/docs_tables.py --check  # exit 1 and print a diff when the docs are out of date

A table sits between `<!-- fields: ModelName -->` and `<!-- /fields -->` (a `| field | default | meaning |`
table of that pydantic model), or between `<!-- options: llmhub -->` and `<!-- /options -->` (the root
command's global options); everything outside the markers is left as written. The meaning of a field
is its attribute docstring, which the models read into `FieldInfo.description`
(`use_attribute_docstrings=True`); its default is the model's own, except for the few defaults that are
computed from other settings, which `DOC_DEFAULTS` below states in words. An option's meaning is its
`--help` text. To change a row, edit the docstring (or the help text) and run this script.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from collections.abc import Iterator, Sequence
from enum import Enum
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from llmhub.schemas import SHIPPED_SCHEMAS, SchemaName, field_docs, generated_schema_text
from llmhub.spec import models as spec_models
from llmhub_runtime import models as runtime_models
from llmhub_runtime.config_loader import atomic_write_text

REPO = Path(__file__).resolve().parent.parent
DOCS = (REPO / "docs" / "spec.md", REPO / "docs" / "runtime.md", REPO / "docs" / "cli.md")

MODELS: dict[str, type[BaseModel]] = {
    model.__name__: model
    for model in (
        spec_models.SpecConfig,
        spec_models.SpecProviderConfig,
        spec_models.RoleSpec,
        spec_models.TrafficSpec,
        spec_models.VariantSpec,
        spec_models.PolicySpec,
        spec_models.PreferencesSpec,
        spec_models.SpecDefaults,
        spec_models.GeneratorSpec,
        runtime_models.RuntimeConfig,
        runtime_models.ProviderConfig,
        runtime_models.RoleConfig,
        runtime_models.RoleDefaultsConfig,
        runtime_models.ResilienceConfig,
    )
}
"""Every model with a table in the docs, by the name its marker uses; each must have one."""

FLATTEN: dict[str, tuple[str, ...]] = {"ResilienceConfig": ("circuit_breaker",)}
"""Nested models shown as `parent.field` rows in place of the parent's own row."""

DOC_DEFAULTS: dict[tuple[str, str], str] = {
    ("RoleSpec", "fallbacks"): "`defaults.fallbacks`, else 2",
    ("RoleSpec", "task"): "from the description",
    ("RoleSpec", "policy"): "the spec's `policy`",
    ("PreferencesSpec", "cost"): "`defaults.preferences.cost`, else `medium`",
    ("PreferencesSpec", "latency"): "as above",
    ("PreferencesSpec", "quality"): "as above",
    ("PreferencesSpec", "providers"): "`defaults.providers`, else every enabled provider",
    ("RuntimeConfig", "resilience"): "see above",
    ("ProviderConfig", "timeout"): "SDK default",
    ("ProviderConfig", "type"): "the entry's name",
}
"""Defaults the model leaves unset (None) because they are computed from other settings, in words."""

_BLOCK = re.compile(r"(<!-- (fields|options): (\S+) -->\n)(.*?)(<!-- /\2 -->)", re.S)


class DocsError(Exception):
    """A marker names nothing this script can render, or a model's table has no marker."""


def _sentence(text: str) -> str:
    """A docstring or help text as a table cell: one line, lower-case start, no final full stop."""
    text = " ".join(text.split())
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        text = text[0].lower() + text[1:]
    if text.endswith(".") and not text.endswith("..."):
        text = text[:-1]
    return text.replace("|", "\\|")


def _shown(value: Any) -> str:
    """A model default as the docs show it."""
    if value is None:
        return "none"
    if isinstance(value, BaseModel):
        value = value.model_dump(exclude_defaults=True)
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, str) and not value:
        return '`""`'
    if isinstance(value, dict | list | tuple) and not value:
        return "`{}`" if isinstance(value, dict) else "`[]`"
    return f"`{value}`"


def _default(model: type[BaseModel], name: str, info: FieldInfo) -> str:
    if (model.__name__, name) in DOC_DEFAULTS:
        return DOC_DEFAULTS[model.__name__, name]
    if info.is_required():
        return "required"
    return _shown(info.get_default(call_default_factory=True))


def _rows(model: type[BaseModel], prefix: str = "") -> Iterator[tuple[str, str, str]]:
    for name, info in model.model_fields.items():
        if name in FLATTEN.get(model.__name__, ()):
            nested = info.annotation
            if not (isinstance(nested, type) and issubclass(nested, BaseModel)):
                raise DocsError(f"{model.__name__}.{name} is not a model and cannot be flattened")
            yield from _rows(nested, f"{prefix}{name}.")
            continue
        meaning = info.description or field_docs(model).get(name)
        if not meaning:
            raise DocsError(f"{model.__name__}.{name} has no docstring to show as its meaning")
        yield f"`{prefix}{name}`", _default(model, name, info), _sentence(meaning)


def fields_table(model: type[BaseModel]) -> str:
    """The `| field | default | meaning |` table of a model's fields, in declaration order."""
    lines = ["| field | default | meaning |", "|---|---|---|"]
    lines += [f"| {field} | {default} | {meaning} |" for field, default, meaning in _rows(model)]
    return "\n".join(lines)


def options_table() -> str:
    """The `| option | meaning |` table of the `llmhub` command's own options, as `--help` lists them."""
    from typer.main import get_command

    from llmhub.cli import app

    command = get_command(app)
    context = command.context_class(command, info_name="llmhub")
    lines = ["| option | meaning |", "|---|---|"]
    for param in command.params:
        record = param.get_help_record(context)
        if record is None:  # a hidden option or an argument
            continue
        names, help_text = record
        shown = ", ".join(f"`{name}`" for name in names.split(", "))
        # `$VAR=1` in help text is the environment variable that does the same: shown as code.
        meaning = re.sub(r"\$([A-Z][A-Z0-9_]*(?:=[^\s)]+)?)", r"`\1`", _sentence(help_text))
        lines.append(f"| {shown} | {meaning} |")
    return "\n".join(lines)


def render(text: str, seen: set[str] | None = None) -> str:
    """`text` with every marked table rendered afresh; the names rendered are added to `seen`."""

    def table(match: re.Match[str]) -> str:
        kind, name = match.group(2), match.group(3)
        if kind == "fields":
            if name not in MODELS:
                raise DocsError(f"<!-- fields: {name} --> names no model this script knows ({', '.join(MODELS)})")
            body = fields_table(MODELS[name])
        elif name == "llmhub":
            body = options_table()
        else:
            raise DocsError(f"<!-- options: {name} --> names no command this script knows (llmhub)")
        if seen is not None:
            seen.add(name)
        return f"{match.group(1)}\n{body}\n\n{match.group(5)}"

    return _BLOCK.sub(table, text)


def rendered(paths: Sequence[Path] = DOCS) -> dict[Path, tuple[str, str]]:
    """For each docs file: its text now, and its text with the tables rendered."""
    seen: set[str] = set()
    result = {}
    for path in paths:
        text = path.read_text(encoding="utf-8")
        result[path] = (text, render(text, seen))
    missing = sorted({*MODELS, "llmhub"} - seen)
    if paths == DOCS:
        if missing:
            raise DocsError(f"no marked table in {', '.join(p.name for p in DOCS)} for {', '.join(missing)}")
        # The JSON Schemas shipped with llmhub come from the same field docstrings.
        for name in get_args(SchemaName):
            shipped = SHIPPED_SCHEMAS / f"{name}.schema.json"
            result[shipped] = (
                shipped.read_text(encoding="utf-8") if shipped.is_file() else "",
                generated_schema_text(name),
            )
    return result


def diff(paths: Sequence[Path] = DOCS) -> str:
    """A unified diff from the docs as they are to the docs as rendered; empty when they are up to date."""
    chunks = []
    for path, (old, new) in rendered(paths).items():
        name = path.relative_to(REPO).as_posix() if path.is_relative_to(REPO) else str(path)
        lines = difflib.unified_diff(
            old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{name}", f"b/{name}"
        )
        chunks.append("".join(lines))
    return "".join(chunks)


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite the docs' tables, or with `--check` report whether they are up to date."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 with a diff if out of date")
    args = parser.parse_args(argv)
    try:
        if args.check:
            changes = diff()
            if changes:
                sys.stdout.write(changes)
                print("docs are out of date: run `python scripts/docs_tables.py`", file=sys.stderr)
                return 1
            return 0
        for path, (old, new) in rendered().items():
            if new != old:
                atomic_write_text(path, new)
                print(f"wrote {path.relative_to(REPO)}")
    except DocsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
