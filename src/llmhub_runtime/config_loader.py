"""Load, check, find and save `llmhub.yaml`.

Every problem becomes one `ConfigError` that names the file, the line when known, the field and the
fix. Callers never see a raw `yaml.YAMLError` or `pydantic.ValidationError`.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

from . import _env
from .errors import ConfigError, UnknownProviderError
from .models import FallbackConfig, RoleConfig, RuntimeConfig, VariantConfig, check_env_name
from .suggest import did_you_mean
from .yamlmodel import Lines, Loc, combine, field_name, line_for, parse_yaml, read_text, validate

__all__ = [
    "check_config",
    "config_from_dict",
    "dump_config",
    "find_config_path",
    "load_config",
    "parse_config",
    "save_config",
]

# Keys people reach for that the schema deliberately lacks, with the fix.
_KEY_HINTS = {
    "api_key": "never put secrets in llmhub.yaml; name the environment variable with `env_key` instead",
    "apikey": "never put secrets in llmhub.yaml; name the environment variable with `env_key` instead",
    "base_url": "the key is `api_base`",
    "url": "the key is `api_base`",
    "temperature": "call parameters go under `params:`",
    "max_tokens": "call parameters go under `params:`",
}

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
    text = read_text(path, missing_hint="generate it with `llmhub generate`, or pass the right path")
    return parse_config(text, source=str(path))


def parse_config(text: str, *, source: str = "<string>") -> RuntimeConfig:
    """Validate `llmhub.yaml` content given as text; `source` names it in error messages."""
    data, lines = parse_yaml(text, source)
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
        try:
            check_env_name(env_name)
        except ValueError as exc:
            raise ConfigError(f"{_env.ENV_NAME_VAR}: {exc}", source=_env.ENV_NAME_VAR) from None
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
    # Resilience blocks list only what differs from the defaults: the file shows what was chosen.
    data["resilience"] = config.resilience.model_dump(mode="json", exclude_defaults=True)
    for name, role in config.roles.items():
        if role.resilience is not None:
            data["roles"][name]["resilience"] = role.resilience.model_dump(mode="json", exclude_defaults=True)
    data = _prune(data)
    if config.providers:
        # A provider declared with nothing to set (its default key variable) is still declared: the
        # roles name it. Put it back where the field order has it.
        kept = data.get("providers", {})
        data["providers"] = {name: kept.get(name, {}) for name in config.providers}
        data = {field: data[field] for field in type(config).model_fields if field in data}
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
    """Write `text` to a temporary file beside `target`, flush it to disk, then rename it over `target`.

    A `target` that is a symbolic link is written *through*: the file it points to is replaced and
    the link stays a link (renaming over the link itself would copy a linked secret, such as a
    shared `.env`, into the project as a plain file and cut the link).
    """
    target = Path(os.path.realpath(target)) if Path(target).is_symlink() else Path(target)
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


def _build(data: Any, source: str, lines: Lines) -> RuntimeConfig:
    config = validate(
        RuntimeConfig,
        data,
        source,
        lines,
        expected="a mapping with `providers:` and `roles:`",
        key_hints=_KEY_HINTS,
        value_hints={"version": "this llmhub_runtime reads version 1 (upgrade llmhub to read newer files)"},
    )
    _check_references(config, source, lines)
    return config


def _targets(name: str, role: RoleConfig) -> Iterator[tuple[Loc, RoleConfig | FallbackConfig | VariantConfig]]:
    """Every part of a role that names a provider and params, with its path in the file.

    The role itself, its fallbacks, its variants and their fallbacks.
    """
    yield ("roles", name), role
    for index, fallback in enumerate(role.fallbacks):
        yield ("roles", name, "fallbacks", index), fallback
    for index, variant in enumerate(role.variants):
        where: Loc = ("roles", name, "variants", index)
        yield where, variant
        for position, fallback in enumerate(variant.fallbacks or ()):
            yield (*where, "fallbacks", position), fallback


def _check_references(config: RuntimeConfig, source: str, lines: Lines) -> None:
    problems: list[tuple[Loc, str]] = []
    declared = sorted(config.providers)

    def check(provider: str, path: Loc) -> None:
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

    def check_params(params: Mapping[str, Any], path: Loc) -> None:
        for key in sorted(RESERVED_PARAMS.keys() & params.keys()):
            problems.append(((*path, key), RESERVED_PARAMS[key]))

    for name, role in config.roles.items():
        for path, target in _targets(name, role):
            if target.provider is not None:
                check(target.provider, (*path, "provider"))
            check_params(target.params, (*path, "params"))
    defaults = config.defaults
    if defaults is not None:
        if (defaults.provider is None) != (defaults.model is None):
            missing = "model" if defaults.model is None else "provider"
            problems.append((("defaults", missing), f"`defaults` needs both provider and model; add `{missing}:`"))
        if defaults.provider is not None:
            check(defaults.provider, ("defaults", "provider"))
        check_params(defaults.params, ("defaults", "params"))
    if problems:
        located = [(field_name(path, RuntimeConfig), line_for(path, lines), text) for path, text in problems]
        provider_problem = problems[0][0][-1] == "provider"
        raise combine(located, source, UnknownProviderError if provider_problem else ConfigError)
