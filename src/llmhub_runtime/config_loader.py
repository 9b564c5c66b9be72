"""Load, check, find and save `llmhub.yaml`.

Every problem becomes one `ConfigError` that names the file, the line when known, the field and the
fix. Callers never see a raw `yaml.YAMLError` or `pydantic.ValidationError`.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from . import _env
from ._suggest import did_you_mean
from .errors import ConfigError, UnknownProviderError
from .models import LLMMode, RuntimeConfig

__all__ = [
    "check_config",
    "config_from_dict",
    "dump_config",
    "find_config_path",
    "load_config",
    "parse_config",
    "save_config",
]

Path_ = tuple[str | int, ...]

# Keys people reach for that the schema deliberately lacks, with the fix.
_KEY_HINTS = {
    "api_key": "never put secrets in llmhub.yaml; name the environment variable with `env_key` instead",
    "apikey": "never put secrets in llmhub.yaml; name the environment variable with `env_key` instead",
    "base_url": "the key is `api_base`",
    "url": "the key is `api_base`",
    "temperature": "call parameters go under `params:`",
    "max_tokens": "call parameters go under `params:`",
}

_MAX_LISTED_PROBLEMS = 3

# Params that would collide with what the role and provider blocks decide, with the fix.
_SECRET_HINT = "never put secrets in llmhub.yaml; name the environment variable with the provider's `env_key`"
_BLOCK_HINT = "set in the provider block (`providers:`), not in params"
RESERVED_PARAMS = {
    "api_key": _SECRET_HINT,
    "model": "the role's `model:` decides the model; remove it from params",
    "provider": "the role's `provider:` decides the provider; remove it from params",
    "api_base": _BLOCK_HINT,
    "client_args": _BLOCK_HINT,
    "messages": "messages are passed per call, not set in params",
}


def load_config(path: str | os.PathLike[str]) -> RuntimeConfig:
    """Read and validate an `llmhub.yaml` file.

    Raises:
        ConfigError: the file is missing, unreadable, not YAML, or does not match the schema.
    """
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            "file not found; generate it with `llmhub generate`, or pass the right path", source=source
        ) from None
    except IsADirectoryError:
        raise ConfigError("is a directory, expected an llmhub.yaml file", source=source) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read file: {exc}", source=source) from None
    return parse_config(text, source=source)


def parse_config(text: str, *, source: str = "<string>") -> RuntimeConfig:
    """Validate `llmhub.yaml` content given as text; `source` names it in error messages."""
    data, lines = _parse_yaml(text, source)
    return _build(data, source, lines)


def config_from_dict(data: Mapping[str, Any], *, source: str = "<dict>") -> RuntimeConfig:
    """Validate a config given as a plain dict (e.g. `LLMHub(config={...})`)."""
    return _build(data, source, {})


def check_config(config: RuntimeConfig, *, source: str = "<config>") -> RuntimeConfig:
    """Check what the schema alone cannot: every role, fallback and default names a declared provider.

    Returns the config unchanged so it can be used inline.
    """
    _check_references(config, source, {})
    return config


def find_config_path(cwd: str | os.PathLike[str] | None = None) -> Path:
    """Locate the config when no path is given: `$LLMHUB_CONFIG`, `llmhub.$LLMHUB_ENV.yaml`, `./llmhub.yaml`.

    A variable that is set but points at nothing is an error rather than a silent fall-through: running
    production with LLMHUB_ENV=prod must not quietly use the dev file.
    """
    base = Path(cwd) if cwd is not None else Path.cwd()
    explicit = _env.get(_env.CONFIG_PATH_VAR)
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(
                f"{_env.CONFIG_PATH_VAR} points to {explicit}, which is not a file; fix or unset the variable",
                source=explicit,
            )
        return path
    env_name = _env.get(_env.ENV_NAME_VAR)
    if env_name:
        path = base / f"llmhub.{env_name}.yaml"
        if not path.is_file():
            raise ConfigError(
                f"{_env.ENV_NAME_VAR}={env_name} but this file does not exist; "
                f"generate it with `llmhub generate --env {env_name}`, or unset {_env.ENV_NAME_VAR}",
                source=str(path),
            )
        return path
    path = base / "llmhub.yaml"
    if not path.is_file():
        raise ConfigError(
            "no config found; pass LLMHub(config_path=...), set LLMHUB_CONFIG, or run `llmhub generate` here",
            source=str(path),
        )
    return path


def dump_config(config: RuntimeConfig, *, header: str | None = None) -> str:
    """Serialise a config as YAML, leaving out unset and empty fields so the file stays reviewable.

    Output is deterministic: the same config always gives the same text.
    """
    data = _prune(config.model_dump(mode="json", exclude_none=True, exclude_unset=False))
    if isinstance(data, dict) and data.get("resilience") == _prune(
        RuntimeConfig().resilience.model_dump(mode="json", exclude_none=True)
    ):
        del data["resilience"]
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)
    prefix = "".join(f"# {line}\n".replace("# \n", "#\n") for line in header.splitlines()) if header else ""
    return prefix + body


def save_config(path: str | os.PathLike[str], config: RuntimeConfig, *, header: str | None = None) -> Path:
    """Write a config atomically: readers see the old file or the new one, never half of it."""
    target = Path(path)
    text = dump_config(config, header=header)
    # Round-trip before writing, so a config that would not load back never replaces a good file.
    parse_config(text, source=str(target))
    atomic_write_text(target, text)
    return target


def atomic_write_text(target: Path, text: str) -> None:
    """Write `text` to a temporary file beside `target`, flush it to disk, then rename it over `target`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    mode = target.stat().st_mode & 0o777 if target.exists() else 0o644
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def _prune(value: Any) -> Any:
    if isinstance(value, dict):
        pruned = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in ({}, [])}
    if isinstance(value, list):
        return [_prune(v) for v in value]
    return value


def _parse_yaml(text: str, source: str) -> tuple[Any, dict[Path_, int]]:
    """Parse YAML and record the line of every key, so later errors can point into the file."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise ConfigError(f"YAML syntax error: {problem}", source=source, line=line) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"YAML syntax error: {exc}", source=source) from None
    finally:
        loader.dispose()
    lines: dict[Path_, int] = {}
    if node is not None:
        _record_lines(node, (), lines, source)
    return data, lines


def _record_lines(node: yaml.Node, path: Path_, lines: dict[Path_, int], source: str) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in seen:
                # PyYAML keeps the last duplicate silently; a repeated role name is almost always a mistake.
                raise ConfigError(
                    f"duplicate key {key!r} (first defined on line {seen[key]}); remove one of them",
                    source=source,
                    field=_field_name((*path, key)),
                    line=line,
                )
            seen[key] = line
            lines[(*path, key)] = line
            _record_lines(value_node, (*path, key), lines, source)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*path, index)] = item.start_mark.line + 1
            _record_lines(item, (*path, index), lines, source)


def _build(data: Any, source: str, lines: dict[Path_, int]) -> RuntimeConfig:
    if data is None:
        raise ConfigError("file is empty; expected a mapping with `providers:` and `roles:`", source=source)
    if not isinstance(data, Mapping):
        raise ConfigError(
            f"expected a mapping with `providers:` and `roles:` at the top level, got {_type_name(data)}",
            source=source,
            line=1,
        )
    try:
        config = RuntimeConfig.model_validate(data)
    except ValidationError as exc:
        problems = [_describe(error, data, lines) for error in exc.errors()]
        raise _combine(problems, source) from None
    _check_references(config, source, lines)
    return config


def _check_references(config: RuntimeConfig, source: str, lines: dict[Path_, int]) -> None:
    problems: list[tuple[Path_, str]] = []
    declared = sorted(config.providers)

    def check(provider: str, path: Path_) -> None:
        if provider not in config.providers:
            hint = did_you_mean(provider, declared)
            listed = ", ".join(declared) or "none"
            problems.append(
                (
                    path,
                    f"provider {provider!r} is not declared under `providers:`{hint}; declared: {listed}. "
                    f"Add e.g. `{provider}: {{env_key: {provider.upper().replace('-', '_')}_API_KEY}}` to providers",
                )
            )

    def check_params(params: Mapping[str, Any], path: Path_) -> None:
        for key in sorted(RESERVED_PARAMS.keys() & params.keys()):
            problems.append(((*path, key), RESERVED_PARAMS[key]))

    for name, role in config.roles.items():
        check(role.provider, ("roles", name, "provider"))
        check_params(role.params, ("roles", name, "params"))
        for index, fallback in enumerate(role.fallbacks):
            check(fallback.provider, ("roles", name, "fallbacks", index, "provider"))
            check_params(fallback.params, ("roles", name, "fallbacks", index, "params"))
    defaults = config.defaults
    if defaults is not None:
        if (defaults.provider is None) != (defaults.model is None):
            missing = "model" if defaults.model is None else "provider"
            problems.append((("defaults", missing), f"`defaults` needs both provider and model; add `{missing}:`"))
        if defaults.provider is not None:
            check(defaults.provider, ("defaults", "provider"))
        check_params(defaults.params, ("defaults", "params"))
    if problems:
        located = [(_field_name(path), _line_for(path, lines), text) for path, text in problems]
        provider_problem = problems[0][0][-1] == "provider"
        raise _combine(located, source, error_type=UnknownProviderError if provider_problem else ConfigError)


def _describe(error: Any, data: Any, lines: dict[Path_, int]) -> tuple[str, int | None, str]:
    """Turn one pydantic error into (field, line, message-with-fix)."""
    loc: Path_ = tuple(error["loc"])
    kind = error["type"]
    value = error.get("input")
    field = _field_name(loc)
    line = _line_for(loc, lines)
    if kind == "extra_forbidden":
        key = str(loc[-1])
        allowed = _allowed_keys(loc[:-1], data)
        special = _KEY_HINTS.get(key.lower())
        hint = f": {special}" if special else did_you_mean(key, allowed)
        return field, line, f"unknown key {key!r}{hint}; allowed keys: {', '.join(allowed)}"
    if kind == "missing":
        return field, line, f"required field {loc[-1]!r} is missing; add it"
    if kind == "enum" and isinstance(value, str):
        modes = [mode.value for mode in LLMMode]
        return (
            field,
            line,
            f"unknown mode {value!r}{did_you_mean(value, modes)}; expected one of {', '.join(modes)}",
        )
    if kind == "literal_error" and loc == ("version",):
        return field, line, f"unsupported version {value!r}; this llmhub_runtime reads version 1 (upgrade llmhub?)"
    expected = error["msg"][0].lower() + error["msg"][1:]
    return field, line, f"{expected}, got {_type_name(value)} {_short(value)}"


def _combine(
    problems: list[tuple[str, int | None, str]], source: str, error_type: type[ConfigError] = ConfigError
) -> ConfigError:
    field, line, text = problems[0]
    if len(problems) > 1:
        others = "; ".join(f"{f}: {t}" for f, _, t in problems[1:_MAX_LISTED_PROBLEMS])
        more = len(problems) - _MAX_LISTED_PROBLEMS
        text += f" (also: {others}" + (f"; and {more} more" if more > 0 else "") + ")"
    return error_type(text, source=source, field=field, line=line, problems=problems)


def _field_name(loc: Path_) -> str:
    parts: list[str] = []
    for index, part in enumerate(loc):
        if isinstance(part, int):
            parts.append(f"[{part}]")
        elif index == 1 and loc[0] in ("roles", "providers"):
            # Role and provider names are free text (and role names contain dots): quote them.
            parts.append(f'["{part}"]')
        else:
            parts.append(f".{part}" if parts else str(part))
    return "".join(parts)


def _line_for(loc: Path_, lines: dict[Path_, int]) -> int | None:
    for end in range(len(loc), -1, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


def _allowed_keys(parent: Path_, data: Any) -> list[str]:
    """Field names of the model at `parent`, found by walking the schema alongside the data."""
    model: type[BaseModel] = RuntimeConfig
    index = 0
    while index < len(parent):
        part = parent[index]
        info = model.model_fields.get(str(part))
        if info is None:
            return []
        inner = _model_in(info.annotation)
        if inner is None:
            return []
        model = inner
        # dict[str, Model] and list[Model] consume the key / index that follows.
        if _is_container(info.annotation):
            index += 1
        index += 1
    return list(model.model_fields)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _is_container(annotation: Any) -> bool:
    origin = getattr(annotation, "__origin__", None)
    if origin in (dict, list):
        return True
    return any(_is_container(arg) for arg in getattr(annotation, "__args__", ()) if arg is not type(None))


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
