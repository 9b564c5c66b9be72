"""Needs the LLM read in role descriptions, written into the spec's own text as a reviewable change.

The agentic generator reports, per role, what a description implies beyond the stated needs
(`requires`, `min_context`, `open_weights_only`, `languages`, `preferences.providers` and `.latency`;
only ever stricter). They are never applied on
their own. `apply_suggestions` edits the spec's text in place of the role's entries only, so the
rest of the file (comments, order, layout) is kept and the change reads as a small diff: an existing
key's value is replaced (a mapping such as `preferences` keeps its other keys), a new key is added
under the role, and a role written in flow style
(`r: {description: x}`) has that one mapping rewritten in flow style.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

import yaml

from llmhub.errors import SpecError

__all__ = ["apply_suggestions", "suggestions_diff"]


def apply_suggestions(text: str, suggestions: Mapping[str, Mapping[str, Any]], source: str = "llmhub.spec.yaml") -> str:
    """`text` with each role's suggested fields set (roles and fields in the order given).

    Raises:
        SpecError: the text has no `roles:` mapping holding a suggested role.
    """
    lines = text.splitlines(keepends=True)
    edits: list[tuple[int, int, int, int, str]] = []  # (line, column, end line, end column, new text)
    roles = _roles_node(text, source)
    for role, fields in suggestions.items():
        value = next((v for k, v in roles.value if isinstance(k, yaml.ScalarNode) and k.value == role), None)
        if not isinstance(value, yaml.MappingNode):
            raise SpecError(f"role {role!r} is not a mapping under `roles:`", source=source, field=f"roles.{role}")
        edits.extend(_role_edits(value, fields, lines))
    # Last edit first, so that the positions of the earlier ones still hold.
    for line, column, end_line, end_column, new in sorted(edits, reverse=True):
        if line >= len(lines):  # added at the end of the file
            if lines and not lines[-1].endswith("\n"):
                lines[-1] += "\n"
            lines.append(new)
            continue
        lines[line : end_line + 1] = [lines[line][:column] + new + lines[end_line][end_column:]]
    return "".join(lines)


def suggestions_diff(path: str, before: str, after: str) -> str:
    """A unified diff from `before` to `after`, named after the spec file (empty when they are equal)."""
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{path}", f"b/{path}"
        )
    )


def _roles_node(text: str, source: str) -> yaml.MappingNode:
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "roles" and isinstance(value, yaml.MappingNode):
                return value
    raise SpecError("no `roles:` mapping to add the suggestions to", source=source, field="roles")


def _data(node: yaml.Node) -> Any:
    """The plain value a node of the composed document stands for."""
    return yaml.SafeLoader("").construct_object(node, deep=True)


def _flow(value: Any) -> str:
    return (
        yaml.safe_dump(value, default_flow_style=True, width=10_000, sort_keys=False)
        .strip()
        .removesuffix("...")
        .strip()
    )


def _role_edits(
    node: yaml.MappingNode, fields: Mapping[str, Any], lines: list[str]
) -> list[tuple[int, int, int, int, str]]:
    start, end = node.start_mark, node.end_mark
    if node.flow_style:
        # `r: {description: x}`: the one mapping is written again, in flow style, with the fields set.
        merged = _data(node)
        for name, value in fields.items():
            old = merged.get(name)
            merged[name] = {**old, **value} if isinstance(value, Mapping) and isinstance(old, dict) else value
        return [(start.line, start.column, end.line, end.column, _flow(merged))]
    edits = []
    keys = {k.value: v for k, v in node.value if isinstance(k, yaml.ScalarNode)}
    indent = node.value[0][0].start_mark.column if node.value else start.column
    added = []
    for name, value in fields.items():
        old = keys.get(name)
        if isinstance(value, Mapping) and isinstance(old, yaml.MappingNode):
            value = {**_data(old), **value}  # `preferences: {quality: high}` keeps quality
        if old is not None and old.start_mark.line == old.end_mark.line:
            edits.append(
                (old.start_mark.line, old.start_mark.column, old.end_mark.line, old.end_mark.column, _flow(value))
            )
        elif old is None:
            added.append(f"{' ' * indent}{name}: {_flow(value)}\n")
        else:  # a block value over several lines (it ends at the start of the line after it): replaced whole
            last = old.end_mark.line - 1 if old.end_mark.column == 0 else old.end_mark.line
            edits.append((old.start_mark.line, old.start_mark.column, last, len(lines[last]), _flow(value) + "\n"))
    if added:
        # After the role's last value, where its node ends (likewise at the start of the next line).
        end = node.value[-1][1].end_mark
        after = end.line if end.column == 0 else end.line + 1
        edits.append((after, 0, after, 0, "".join(added)))
    return edits
