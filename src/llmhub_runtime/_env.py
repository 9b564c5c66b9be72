"""The only module that reads the process environment.

Keeping every `os.environ` read here makes the runtime's inputs auditable: API keys (by the
`env_key` a provider names), `${VAR}` references in provider settings, and the config lookup
variables `LLMHUB_CONFIG` / `LLMHUB_ENV`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

CONFIG_PATH_VAR = "LLMHUB_CONFIG"
ENV_NAME_VAR = "LLMHUB_ENV"
CACHE_DIR_VAR = "LLMHUB_CACHE_DIR"

# ${VAR} or ${VAR:-default}
_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


def get(name: str) -> str | None:
    """Return the variable's value, treating an empty value as unset (an empty key is never a key)."""
    value = os.environ.get(name)
    return value or None


def expand(value: Any, missing: list[str]) -> Any:
    """Expand `${VAR}` and `${VAR:-default}` in every string inside `value` (dicts and lists too).

    Variables that are unset and have no default are appended to `missing` and left unexpanded, so
    the caller can report all of them at once.
    """
    if isinstance(value, str):
        if "${" not in value:
            return value

        def substitute(match: re.Match[str]) -> str:
            name, default = match.group(1), match.group(2)
            found = get(name)
            if found is not None:
                return found
            if default is not None:
                return default
            missing.append(name)
            return match.group(0)

        return _REFERENCE.sub(substitute, value)
    if isinstance(value, Mapping):
        return {key: expand(item, missing) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [expand(item, missing) for item in value]
    return value


def references(value: Any) -> list[str]:
    """Names of the variables `${VAR}` references in every string inside `value`, in order."""
    if isinstance(value, str):
        return [match.group(1) for match in _REFERENCE.finditer(value)]
    if isinstance(value, Mapping):
        return [name for item in value.values() for name in references(item)]
    if isinstance(value, list | tuple):
        return [name for item in value for name in references(item)]
    return []


def load_dotenv(path: str | os.PathLike[str] | None) -> None:
    """Load a `.env` file into the environment without overriding set variables (only when asked).

    Raises:
        ConfigError: python-dotenv is not installed, or the named file does not exist.
    """
    from .errors import ConfigError

    try:
        import dotenv
    except ImportError:
        raise ConfigError(
            "LLMHub(dotenv=...) needs python-dotenv; install it with `pip install python-dotenv`",
            source=".env",
        ) from None
    if path is None:
        found = dotenv.find_dotenv(usecwd=True)
        if found:
            dotenv.load_dotenv(found, override=False)
        return
    if not os.path.isfile(path):
        raise ConfigError("file not found; fix the path passed as LLMHub(dotenv=...)", source=str(path))
    dotenv.load_dotenv(path, override=False)
