"""API-key variables a project needs: which ones, whether they are set, `.env.example` and `.env` files.

Values are never returned, printed or written: only variable names and whether each is set. The
runtime never reads `.env` files; the command line loads the nearest one (python-dotenv), without
overriding variables already set in the process.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from llmhub.settings import NO_DOTENV_VAR, Settings, current
from llmhub.spec.models import SpecConfig
from llmhub_runtime.config_loader import atomic_write_text
from llmhub_runtime.errors import ConfigError
from llmhub_runtime.models import RuntimeConfig, check_provider_name, is_env_var_name

__all__ = [
    "DOTENV_NAME",
    "ENV_EXAMPLE_NAME",
    "NO_DOTENV_VAR",
    "EnvCheck",
    "SyncResult",
    "check_env",
    "default_env_key",
    "env_references",
    "find_dotenv_file",
    "generate_env_example",
    "load_dotenv_file",
    "provider_key_variable",
    "required_env_keys",
    "sync_env_example",
]

DOTENV_NAME = ".env"
ENV_EXAMPLE_NAME = ".env.example"
"""Set to 1 to keep the command line from loading any `.env` file."""

_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-[^}]*)?\}")
_ASSIGNMENT = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=")


def default_env_key(provider: str) -> str:
    """The variable any-llm reads a provider's key from when no `env_key` is given (OPENAI_API_KEY, ...).

    From the provider data (kept in step with any-llm by a test), so no command that calls no
    provider pays for importing any-llm; an unknown provider gets `<NAME>_API_KEY`.
    """
    variable = _known_key(provider)
    if variable:
        return variable
    # `amazon-bedrock` -> AMAZON_BEDROCK_API_KEY: always a plain name, whatever the provider is called.
    return re.sub(r"[^A-Z0-9_]", "_", provider.upper()).lstrip("0123456789") + "_API_KEY"


def provider_key_variable(provider: str) -> str | None:
    """The key variable a provider needs by default, or None when it takes none (Ollama, Vertex AI)."""
    return None if _takes_no_key(provider) else default_env_key(provider)


def _known_key(provider: str) -> str | None:
    from llmhub.catalog.providers import provider_mappings

    mapping = provider_mappings().get(provider)
    return mapping.key if mapping is not None and mapping.key and is_env_var_name(mapping.key) else None


def _takes_no_key(provider: str) -> bool:
    """Whether any-llm calls this provider with no key variable (Ollama, Vertex AI's credential chain...)."""
    from llmhub.catalog.providers import provider_mappings

    mapping = provider_mappings().get(provider)
    return mapping is not None and mapping.key is None


def required_env_keys(spec: SpecConfig | None = None, runtime: RuntimeConfig | None = None) -> dict[str, list[str]]:
    """Variable name -> the providers that need it, from a spec's providers and/or a runtime config's.

    A provider with `env_key` needs that variable; one without it needs any-llm's default variable,
    unless it has an `api_base` (a self-hosted server usually takes no key). `${VAR}` references in
    `api_base` or `client_args` are needed too, except those with a `:-default`.
    """
    needed: dict[str, list[str]] = {}

    def need(variable: str, provider: str) -> None:
        users = needed.setdefault(variable, [])
        if provider not in users:
            users.append(provider)

    entries: list[tuple[str, str | None, str | None, str | None, object]] = []
    if spec is not None:
        entries.extend(
            (name, p.env_key, p.api_base, p.type, p.client_args) for name, p in spec.providers.items() if p.enabled
        )
    if runtime is not None:
        in_use = {r.provider for r in runtime.roles.values()}
        in_use |= {f.provider for r in runtime.roles.values() for f in r.fallbacks}
        if runtime.defaults is not None and runtime.defaults.provider:
            in_use.add(runtime.defaults.provider)
        for name in sorted(in_use):
            p = runtime.providers.get(name)
            if p is None:
                entries.append((name, None, None, None, {}))
            else:
                entries.append((name, p.env_key, p.api_base, p.type, p.client_args))
    for name, env_key, api_base, provider_type, client_args in entries:
        if env_key:
            need(env_key, name)
        elif not api_base and not _takes_no_key(provider_type or name):
            need(default_env_key(provider_type or name), name)
        for variable in env_references([api_base, client_args]):
            need(variable, name)
    return dict(sorted(needed.items()))


def env_references(value: object) -> list[str]:
    """The variables `${VAR}` references in every string inside `value` (not those with a `:-default`)."""
    if isinstance(value, str):
        return [m.group(1) for m in _REFERENCE.finditer(value) if ":-" not in m.group(0)]
    if isinstance(value, Mapping):
        return [name for item in value.values() for name in env_references(item)]
    if isinstance(value, list | tuple):
        return [name for item in value for name in env_references(item)]
    return []


@dataclass(frozen=True)
class EnvCheck:
    """Which needed variables are set and which are missing (names only, never values)."""

    present: dict[str, list[str]] = field(default_factory=dict)
    missing: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether every needed variable is set."""
        return not self.missing


def check_env(
    needed: Mapping[str, list[str]] | SpecConfig | RuntimeConfig, environ: Mapping[str, str] | None = None
) -> EnvCheck:
    """Split the needed variables into set and missing ones; an empty value counts as missing.

    `needed` is `required_env_keys(...)`'s mapping, or (as in the seeds) a spec or runtime config
    whose variables are worked out first.
    """
    if isinstance(needed, SpecConfig):
        needed = required_env_keys(spec=needed)
    elif isinstance(needed, RuntimeConfig):
        needed = required_env_keys(runtime=needed)
    env = current().environ if environ is None else environ
    present = {name: list(users) for name, users in needed.items() if env.get(name)}
    missing = {name: list(users) for name, users in needed.items() if not env.get(name)}
    return EnvCheck(present=present, missing=missing)


def _checked(needed: Mapping[str, list[str]], target: str) -> None:
    """Refuse to write anything but plain variable names and provider names into an env file.

    The spec and llmhub.yaml already refuse other names; this keeps every caller of the writers to
    the same rule, so no text from a file can ever become a line of its own in `.env`.
    """
    for name, users in needed.items():
        if not is_env_var_name(name):
            raise ConfigError(f"refusing to write {name!r}: not a plain environment variable name", source=target)
        for user in users:
            try:
                check_provider_name(user)
            except ValueError as exc:
                raise ConfigError(f"refusing to write: {exc}", source=target) from None


def generate_env_example(needed: Mapping[str, list[str]], source: str = "llmhub.spec.yaml") -> str:
    """The text of a `.env.example`: every needed variable, empty, with the providers that use it.

    Raises:
        ConfigError: a name is not a plain variable name, or a provider name is not one.
    """
    _checked(needed, ENV_EXAMPLE_NAME)
    source = source.replace("\n", " ").replace("\r", " ")
    lines = [
        f"# API keys {source} needs. Copy this file to .env and fill in the values;",
        "# never commit .env. `llmhub env check` says which are still missing.",
    ]
    for name, users in needed.items():
        lines += ["", f"# {', '.join(users)}", f"{name}="]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class SyncResult:
    """What `sync_env_example` did to the file."""

    path: Path
    added: list[str]
    """Variables appended (the file now lists every needed one)."""
    unused: list[str]
    """Variables the file lists that nothing needs any more (kept: they may be the app's own)."""
    created: bool


def sync_env_example(path: str | os.PathLike[str], needed: Mapping[str, list[str]]) -> SyncResult:
    """Add every needed variable missing from `path` (creating it if absent); never removes or edits a line.

    Values already in the file are kept as they are, so running it on a `.env` adds empty entries
    for new keys without touching the ones filled in.

    Raises:
        ConfigError: a name is not a plain variable name, or a provider name is not one.
    """
    target = Path(path)
    _checked(needed, str(target))
    if not target.exists():
        atomic_write_text(target, generate_env_example(needed))
        return SyncResult(target, added=list(needed), unused=[], created=True)
    text = target.read_text(encoding="utf-8")
    listed = _assigned(text.splitlines())
    added = [name for name in needed if name not in listed]
    unused = [name for name in listed if name not in needed]
    if added:
        block = "".join(f"\n# {', '.join(needed[name])}\n{name}=\n" for name in added)
        atomic_write_text(target, text + ("" if text.endswith("\n") or not text else "\n") + block)
    return SyncResult(target, added=added, unused=unused, created=False)


def _assigned(lines: Iterable[str]) -> list[str]:
    names = []
    for line in lines:
        match = _ASSIGNMENT.match(line)
        if match and match.group(1) not in names:
            names.append(match.group(1))
    return names


def find_dotenv_file(start: str | os.PathLike[str] | None = None) -> Path | None:
    """The `.env` that belongs to the project around `start` (default: the working directory).

    Walks up from `start` and stops at the first directory holding a `.env` or a `llmhub.spec.yaml`,
    so a `.env` above the project (a home directory's, say) is never picked up by accident.
    """
    from llmhub.spec.load import DEFAULT_SPEC_NAME

    here = Path(start) if start is not None else Path.cwd()
    for directory in (here.resolve(), *here.resolve().parents):
        candidate = directory / DOTENV_NAME
        if candidate.is_file():
            return candidate
        if (directory / DEFAULT_SPEC_NAME).is_file():
            return None
    return None


def load_dotenv_file(path: str | os.PathLike[str] | None = None, settings: Settings | None = None) -> Path | None:
    """Load `path` (default: the project's `.env`) into the environment without overriding set variables.

    Returns the file loaded, or None (no file, or `$LLMHUB_NO_DOTENV` set).
    """
    if path is None:
        if current(settings).no_dotenv:
            return None
        found = find_dotenv_file()
        if found is None:
            return None
        path = found
    from dotenv import load_dotenv

    load_dotenv(path, override=False)
    return Path(path)
