"""Validate a YAML file against a pydantic model, with errors people can act on.

Shared by every YAML file LLM Hub reads (`llmhub.yaml` here; the spec, rules and catalog overrides
in the `llmhub` tool). Problems become one error naming the file, the line, the field and the fix:

    llmhub.yaml:7: roles["llm.inference"].parms: unknown key 'parms' (did you mean 'params'?); ...

Duplicate keys are errors (PyYAML would silently keep the last), and a raw `yaml.YAMLError` or
`pydantic.ValidationError` never reaches the caller.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from .errors import ConfigError
from .safetext import escape_control
from .suggest import did_you_mean

__all__ = ["Lines", "Loc", "combine", "field_name", "line_for", "parse_yaml", "read_text", "validate"]

Loc = tuple[str | int, ...]
Lines = dict[Loc, int]
ModelT = TypeVar("ModelT", bound=BaseModel)
ErrorT = type[ConfigError]

_MAX_LISTED_PROBLEMS = 3
MAX_FILE_BYTES = 8 * 1024 * 1024
"""The largest YAML file read: far above any real spec or llmhub.yaml, far below harm."""
MAX_NODES = 100_000
"""The most values a document may expand to through its aliases."""
# libyaml's loader parses ~10x faster and keeps the same node marks; PyYAML without it still works.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_text(path: str | os.PathLike[str], error: ErrorT = ConfigError, missing_hint: str = "") -> str:
    """Read a text file, turning every OS error into `error` naming the file.

    Only regular files of at most `MAX_FILE_BYTES` are read: a FIFO would block forever and
    `/dev/zero` would fill memory, so both are refused before a byte is read.
    """
    source = str(path)
    try:
        info = Path(path).stat()
        if stat.S_ISDIR(info.st_mode):
            raise error("is a directory, expected a YAML file", source=source)
        if not stat.S_ISREG(info.st_mode):
            raise error("is not a regular file (a pipe, device or socket); point at a YAML file", source=source)
        if info.st_size > MAX_FILE_BYTES:
            raise error(
                f"is {info.st_size} bytes; llmhub reads YAML files of at most {MAX_FILE_BYTES} bytes", source=source
            )
        with open(path, "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)  # the file may have grown since stat()
        if len(raw) > MAX_FILE_BYTES:
            raise error(f"is larger than {MAX_FILE_BYTES} bytes; llmhub reads YAML files no larger", source=source)
        return raw.decode("utf-8")
    except FileNotFoundError:
        hint = f"; {missing_hint}" if missing_hint else ""
        raise error(f"file not found{hint}", source=source) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"cannot read file: {exc}", source=source) from None


def parse_yaml(text: str, source: str, error: ErrorT = ConfigError) -> tuple[Any, Lines]:
    """Parse YAML and record the line of every key, so later errors can point into the file."""
    loader = _Loader(text)
    lines: Lines = {}
    try:
        node = loader.get_single_node()
        if node is not None:
            _check_size(node, source, error)
            # Before construction, which flattens merge keys (`<<: *defaults`) into the mapping's
            # own pairs: walked afterwards, a legitimate override would look like a duplicate key.
            _record_lines(node, (), lines, source, error)
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        raise error(f"YAML syntax error: {problem}", source=source, line=mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise error(f"YAML syntax error: {exc}", source=source) from None
    except RecursionError:
        raise error(_TOO_DEEP, source=source) from None
    finally:
        loader.dispose()
    return data, lines


_TOO_DEEP = "mappings and lists are nested too deeply to be a configuration file; flatten them"


def validate(
    model: type[ModelT],
    data: Any,
    source: str,
    lines: Lines | None = None,
    error: ErrorT = ConfigError,
    *,
    expected: str = "a mapping",
    key_hints: Mapping[str, str] | None = None,
    value_hints: Mapping[str, str] | None = None,
) -> ModelT:
    """`model.model_validate(data)`, with every problem reported as one `error`.

    Args:
        model: The pydantic model of the whole file.
        data: The parsed YAML.
        source: The file name, for messages.
        lines: Key positions from `parse_yaml`.
        error: The ConfigError subclass to raise.
        expected: What the top level should be, for the empty/wrong-type messages.
        key_hints: Unknown key (lower-case) -> the fix to suggest instead of "did you mean".
        value_hints: Field name -> the fix to suggest when its value is not one of the choices.
    """
    lines = lines or {}
    if data is None:
        raise error(f"file is empty; expected {expected}", source=source)
    if not isinstance(data, Mapping):
        raise error(f"expected {expected} at the top level, got {_type_name(data)}", source=source, line=1)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = [_describe(model, item, lines, key_hints or {}, value_hints or {}) for item in exc.errors()]
        raise combine(problems, source, error) from None


def combine(problems: list[tuple[str, int | None, str]], source: str, error: ErrorT = ConfigError) -> ConfigError:
    """One error for several (field, line, message) problems: the first in full, a few more after it."""
    field, line, text = problems[0]
    if len(problems) > 1:
        others = "; ".join(f"{f}: {t}" for f, _, t in problems[1:_MAX_LISTED_PROBLEMS])
        more = len(problems) - _MAX_LISTED_PROBLEMS
        text += f" (also: {others}" + (f"; and {more} more" if more > 0 else "") + ")"
    return error(text, source=source, field=field, line=line, problems=problems)


def field_name(loc: Loc, model: type[BaseModel] | None = None) -> str:
    """`roles["llm.inference"].fallbacks[0].provider`: keys of mappings quoted (role names have dots)."""
    keyed = _mapping_keys(model, loc) if model is not None else set()
    parts: list[str] = []
    for index, part in enumerate(loc):
        if isinstance(part, int):
            parts.append(f"[{part}]")
        elif index in keyed:
            parts.append(f'["{escape_control(part)}"]')
        else:
            parts.append(f".{part}" if parts else str(part))
    return "".join(parts)


def line_for(loc: Loc, lines: Lines) -> int | None:
    """The line of the deepest part of `loc` whose position is known."""
    for end in range(len(loc), -1, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


def _check_size(root: yaml.Node, source: str, error: ErrorT) -> None:
    """Refuse a document whose aliases expand it past `MAX_NODES`, or that refers to itself.

    Aliases share nodes, so a few lines can stand for billions of values ("billion laughs"). Each
    distinct node's expanded size is counted once (the graph is walked, never expanded), and a node
    reached again while its own children are being counted is a recursive alias.
    """
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        children = _children(node)
        if children_done:
            open_nodes.discard(key)
            sizes[key] = total = 1 + sum(sizes[id(child)] for child in children)
            if total > MAX_NODES:
                raise error(
                    f"aliases expand this file to more than {MAX_NODES} values; "
                    "write the values out or use fewer aliases",
                    source=source,
                    line=node.start_mark.line + 1,
                )
            continue
        if key in sizes:
            continue
        if key in open_nodes:
            raise error(
                "an alias refers to the mapping or list that contains it (a recursive anchor); remove the loop",
                source=source,
                line=node.start_mark.line + 1,
            )
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in sizes)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _record_lines(
    node: yaml.Node, path: Loc, lines: Lines, source: str, error: ErrorT, seen: set[int] | None = None
) -> None:
    # A node an alias reaches again is not walked again: its lines are those of its first place.
    seen = set() if seen is None else seen
    if id(node) in seen:
        return
    seen.add(id(node))
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        keys: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key == "<<":
                continue  # a merge key (`<<: *defaults`): its mapping's keys may be overridden here
            if key in keys:
                raise error(
                    f"duplicate key {key!r} (first defined on line {keys[key]}); remove one of them",
                    source=source,
                    field=".".join(str(p) for p in (*path, key)),
                    line=line,
                )
            keys[key] = line
            lines[(*path, key)] = line
            _record_lines(value_node, (*path, key), lines, source, error, seen)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*path, index)] = item.start_mark.line + 1
            _record_lines(item, (*path, index), lines, source, error, seen)


def _describe(
    model: type[BaseModel],
    error: Any,
    lines: Lines,
    key_hints: Mapping[str, str],
    value_hints: Mapping[str, str],
) -> tuple[str, int | None, str]:
    """Turn one pydantic error into (field, line, message-with-fix)."""
    loc: Loc = tuple(error["loc"])
    if loc and loc[-1] == "[key]":  # pydantic's marker for a problem with a mapping key: the key is named
        loc = loc[:-1]
    kind = error["type"]
    value = error.get("input")
    field = field_name(loc, model)
    line = line_for(loc, lines)
    if kind == "extra_forbidden":
        key = str(loc[-1])
        allowed = _allowed_keys(model, loc[:-1])
        special = key_hints.get(key.lower())
        hint = f": {special}" if special else did_you_mean(key, allowed)
        return field, line, f"unknown key {key!r}{hint}; allowed keys: {', '.join(allowed)}"
    if kind == "missing":
        return field, line, f"required field {loc[-1]!r} is missing; add it"
    if kind in ("enum", "literal_error") and isinstance(value, str | int):
        noun = str(loc[-1]) if loc and isinstance(loc[-1], str) else "value"
        choices = _choices(error)
        hint = did_you_mean(str(value), choices) if choices else ""
        listed = f"; expected one of {', '.join(choices)}" if choices else f"; {error['msg']}"
        if noun in value_hints:
            listed = f"; {value_hints[noun]}"
        return field, line, f"unknown {noun} {value!r}{hint}{listed}"
    if kind == "value_error":
        # Our own validators write complete messages (what is wrong, and the fix): show them as they are.
        return field, line, str((error.get("ctx") or {}).get("error", error["msg"]))
    expected = error["msg"][0].lower() + error["msg"][1:]
    return field, line, f"{expected}, got {_type_name(value)} {_short(value)}"


def _choices(error: Any) -> list[str]:
    expected = (error.get("ctx") or {}).get("expected", "")
    return [part.strip().strip("'\"") for part in expected.replace(" or ", ", ").split(",") if part.strip()]


def _walk(model: type[BaseModel], loc: Loc) -> tuple[type[BaseModel] | None, set[int]]:
    """The model at the end of `loc`, and which positions of `loc` are keys of a mapping field."""
    current: type[BaseModel] | None = model
    keyed: set[int] = set()
    index = 0
    while index < len(loc) and current is not None:
        info = current.model_fields.get(str(loc[index]))
        if info is None:
            return None, keyed
        annotation = info.annotation
        current = _model_in(annotation)
        container = _container(annotation)
        if container is not None:
            index += 1
            if container is dict:
                keyed.add(index)
        index += 1
    return current, keyed


def _allowed_keys(model: type[BaseModel], parent: Loc) -> list[str]:
    found, _ = _walk(model, parent)
    return list(found.model_fields) if found is not None else []


def _mapping_keys(model: type[BaseModel], loc: Loc) -> set[int]:
    return _walk(model, loc)[1]


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _container(annotation: Any) -> type | None:
    origin = getattr(annotation, "__origin__", None)
    if origin in (dict, list):
        return origin  # type: ignore[no-any-return]
    for arg in getattr(annotation, "__args__", ()):
        if arg is type(None):
            continue
        found = _container(arg)
        if found is not None:
            return found
    return None


def _type_name(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return {str: "text", bool: "a boolean", int: "a number", float: "a number"}.get(type(value), type(value).__name__)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
