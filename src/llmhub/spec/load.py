"""Read, overlay and write `llmhub.spec.yaml`."""

from __future__ import annotations

import copy
import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from llmhub.errors import SpecError
from llmhub.schemas import schema_modeline, write_schema
from llmhub.spec.models import SpecConfig
from llmhub_runtime.config_loader import atomic_write_text
from llmhub_runtime.yamlmodel import Lines, parse_yaml, read_text, validate

__all__ = [
    "DEFAULT_SPEC_NAME",
    "apply_environment",
    "dump_spec",
    "find_spec_path",
    "load_spec",
    "parse_spec",
    "read_spec_with_lines",
    "save_spec",
    "spec_fingerprint",
]

DEFAULT_SPEC_NAME = "llmhub.spec.yaml"
_KEY_HINTS = {
    "api_key": "never put secrets in the spec; name the environment variable with `env_key`",
    "model": "a spec describes needs; pin a model with `force_model` (and `force_provider`)",
    "provider": "pin a provider with `force_provider`, or list allowed ones in `preferences.providers`",
    "params": "call parameters go under `mode_params`",
}


def load_spec(path: str | os.PathLike[str] = DEFAULT_SPEC_NAME, env: str | None = None) -> SpecConfig:
    """Read and validate a spec; with `env`, its `environments.<env>` overlay is merged in first.

    Raises:
        SpecError: the file is missing or invalid (the message names file, line, field and fix).
    """
    text = read_text(path, SpecError, missing_hint="create one with `llmhub init`, or pass --spec PATH")
    return parse_spec(text, source=str(path), env=env)


def find_spec_path(start: str | os.PathLike[str] | None = None) -> Path:
    """The nearest `llmhub.spec.yaml`: in `start` (default: the working directory) or a parent.

    Raises:
        SpecError: there is none up to the filesystem root.
    """
    here = Path(start) if start is not None else Path.cwd()
    for folder in (here, *here.resolve().parents):
        candidate = folder / DEFAULT_SPEC_NAME
        if candidate.is_file():
            return candidate
    raise SpecError(
        f"no {DEFAULT_SPEC_NAME} here or in any parent directory; create one with `llmhub init`, or pass --spec PATH",
        source=str(here / DEFAULT_SPEC_NAME),
    )


def read_spec_with_lines(path: str | os.PathLike[str]) -> tuple[SpecConfig, Lines]:
    """A spec and the line of every key in it (for checks that point into the file)."""
    text = read_text(path, SpecError, missing_hint="create one with `llmhub init`, or pass --spec PATH")
    data, lines = parse_yaml(text, str(path), SpecError)
    return _validate(data, str(path), lines), lines


def parse_spec(text: str, *, source: str = "<string>", env: str | None = None) -> SpecConfig:
    """Validate spec text; `source` names it in error messages."""
    data, lines = parse_yaml(text, source, SpecError)
    spec = _validate(data, source, lines)
    return apply_environment(spec, env, source=source, data=data, lines=lines) if env else spec


def apply_environment(
    spec: SpecConfig,
    env: str,
    *,
    source: str = "<spec>",
    data: Mapping[str, Any] | None = None,
    lines: Lines | None = None,
) -> SpecConfig:
    """The spec with `environments.<env>` merged over it (mappings merge, other values replace; null removes)."""
    if env not in spec.environments:
        if env == spec.env:
            return spec
        known = ", ".join(sorted(spec.environments)) or "none defined"
        raise SpecError(
            f"no environment {env!r} under `environments:` (known: {known}); add an overlay or drop --env",
            source=source,
            field="environments",
        )
    base = dict(data) if data is not None else spec.model_dump(mode="json", exclude_unset=True)
    merged = _deep_merge(base, spec.environments[env])
    merged["env"] = env
    overlay_lines = {loc[2:]: line for loc, line in (lines or {}).items() if loc[:2] == ("environments", env)}
    # Errors point into the overlay when the bad value came from it, else into the base file.
    return _validate(merged, f"{source} (environment {env})", {**(lines or {}), **overlay_lines})


def dump_spec(spec: SpecConfig, *, header: str | None = None) -> str:
    """A spec as YAML: only what was set, in field order, under a header that points editors at its schema."""
    data = spec.model_dump(mode="json", exclude_unset=True, exclude_none=True)
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)
    lines = [schema_modeline("spec"), *(header.splitlines() if header else [])]
    return "".join(f"# {line}\n".replace("# \n", "#\n") for line in lines) + body


def save_spec(path: str | os.PathLike[str], spec: SpecConfig, *, header: str | None = None) -> Path:
    """Write a spec atomically (checked to load back first), with its JSON Schema beside it."""
    target = Path(path)
    text = dump_spec(spec, header=header)
    parse_spec(text, source=str(target))
    write_schema("spec", target)
    atomic_write_text(target, text)
    return target


def spec_fingerprint(spec: SpecConfig) -> str:
    """A short hash of what the spec says (not how it is written): comments and key order do not change it.

    `llmhub generate` records it in llmhub.yaml's `meta.spec_hash`, so `llmhub doctor` can tell
    whether the file was generated from the spec as it is now.
    """
    # Defaults left out: a field set to its default says nothing more than leaving it out, and a new
    # optional field must not make every generated file look stale.
    data = spec.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    return f"sha256:{digest[:12]}"


def _validate(data: Any, source: str, lines: Lines) -> SpecConfig:
    return validate(
        SpecConfig,
        data,
        source,
        lines,
        SpecError,
        expected="a mapping with `providers:` and `roles:`",
        key_hints=_KEY_HINTS,
    )


def _deep_merge(base: Mapping[str, Any], overlay: Mapping[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(dict(base))
    for key, value in overlay.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged
