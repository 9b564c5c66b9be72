"""LiteLLM's model map (BerriAI/litellm, MIT): read for lifecycle facts only.

`model_prices_and_context_window.json` is one object keyed by LiteLLM model name (`gpt-4o`,
`openai/gpt-4o-2024-05-13`, `anthropic.claude-3-opus-20240229-v1:0`, `vertex_ai/claude-...`):
`{"litellm_provider": str, "mode": str, ..., "deprecation_date": "YYYY-MM-DD",
"successor_model": str}`. Besides models it holds `sample_spec` (documentation) and, from
litellm 1.110, alias entries `{"alias_of": "<key>"}` without a provider; both are skipped.

Only `deprecation_date` and `successor_model` are read (`lifecycle` matches them to catalog
models): about a thousand of the five thousand entries carry either. Parsing the whole 3.5 MB file
would cost more than the rest of a catalog build's new work, so the entries that carry them are
found by their text and only those lines are decoded. That needs the file's usual layout
(`json.dumps(indent=4)`, one key per line); any other layout, or a count that does not add up, is
parsed in full instead, with the same result.

Local mirror: `<sources>/litellm/model_prices_and_context_window.json`. Live: the raw file on
BerriAI/litellm's main branch (conditional GET against the cached copy). Missing is fine: the
catalog then has no lifecycle facts from LiteLLM.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from llmhub.catalog.sources import mirror
from llmhub.catalog.sources._http import RawPayload, fetch, load_json, read_local
from llmhub.errors import SourceError

__all__ = ["LOCAL_PATH", "NAME", "URL", "LifecycleEntry", "LiteLLMFacts", "fetch_live", "load_local", "parse"]

NAME = "litellm"
LOCAL_PATH = mirror.LITELLM
URL = "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json"
_SKIPPED_KEYS = frozenset({"sample_spec"})
_FIELDS = ("deprecation_date", "successor_model")
# The layout the quick scan reads: top-level keys indented by 4 spaces, their fields by 8.
_ENTRY_START = b'\n    "'
_ENTRY_END = b"\n    }"
_FIELD_LINE = {field: b'\n        "' + field.encode() + b'": ' for field in (*_FIELDS, "litellm_provider")}


@dataclass(frozen=True, slots=True)
class LifecycleEntry:
    """One LiteLLM model entry's lifecycle facts."""

    key: str
    """The LiteLLM model name, as the file spells it (`openai/gpt-4o-2024-05-13`)."""
    provider: str
    """Its `litellm_provider`."""
    deprecation_date: str | None = None
    """YYYY-MM-DD."""
    successor: str | None = None
    """The replacement LiteLLM names (a LiteLLM model name, usually)."""


@dataclass(frozen=True)
class LiteLLMFacts:
    """The lifecycle facts of a LiteLLM model map."""

    entries: tuple[LifecycleEntry, ...]
    invalid: int = 0
    """Entries whose deprecation date or successor was not usable (not a date, not a string, no provider)."""


def load_local(directory: Path) -> RawPayload:
    """Read `<directory>/litellm/model_prices_and_context_window.json` (a SOURCE.json beside it dates it)."""
    return read_local(NAME, directory / LOCAL_PATH, directory / "litellm" / "SOURCE.json")


def fetch_live(previous: RawPayload | None, timeout: float) -> tuple[RawPayload, bool]:
    """GET the file from BerriAI/litellm's main branch (conditional on `previous`)."""
    return fetch(NAME, URL, previous, timeout)


def parse(payload: RawPayload) -> LiteLLMFacts:
    """The entries with a deprecation date or a successor.

    Raises:
        SourceError: the file is not JSON, or not an object.
    """
    found = _scan(payload.body)
    if found is None:
        data = load_json(NAME, payload)
        if not isinstance(data, dict):
            raise SourceError(NAME, f"{payload.origin}: expected an object keyed by model name")
        found = [
            (key, entry.get("litellm_provider"), entry.get(_FIELDS[0]), entry.get(_FIELDS[1]))
            for key, entry in data.items()
            if isinstance(entry, dict) and (_FIELDS[0] in entry or _FIELDS[1] in entry)
        ]
    entries = []
    invalid = 0
    for key, provider, deprecation, successor in found:
        if key in _SKIPPED_KEYS:
            continue
        day = _day(deprecation)
        successor = successor.strip() if isinstance(successor, str) and successor.strip() else None
        usable = isinstance(provider, str) and bool(provider) and (day is not None or successor is not None)
        if not usable or (deprecation is not None and day is None):
            invalid += 1
        if usable:
            entries.append(LifecycleEntry(key=key, provider=provider, deprecation_date=day, successor=successor))
    return LiteLLMFacts(entries=tuple(entries), invalid=invalid)


def _scan(body: bytes) -> list[tuple[str, Any, Any, Any]] | None:
    """(key, provider, deprecation date, successor) of every entry with either field, or None.

    Reads only the lines it needs; None when the file is not laid out as expected (then the caller
    parses it in full).
    """
    if not body.startswith(b"{" + _ENTRY_START):
        return None
    # entry start -> where the value of each of its lifecycle fields starts
    entries: dict[int, list[int]] = {}
    for number, field in enumerate(_FIELDS):
        name = b'"' + field.encode() + b'"'
        line = _FIELD_LINE[field]
        indent = len(line) - len(name) - 2  # the newline and spaces before the name
        at = body.find(name)
        while at != -1:
            # Every occurrence of the name must be a direct field of an entry, on a line of its own.
            if body[at - indent : at + len(name) + 2] != line:
                return None
            entries.setdefault(body.rfind(_ENTRY_START, 0, at), [-1, -1])[number] = at + len(name) + 2
            at = body.find(name, at + len(name))
    provider_line = _FIELD_LINE["litellm_provider"]
    find, index = body.find, body.index
    tokens = []
    try:
        for start, (deprecation, successor) in sorted(entries.items()):
            end = find(_ENTRY_END, start + 1)
            if start < 0 or end < max(deprecation, successor):
                return None
            key_end = index(b"\n", start + 1)
            if body[key_end - 3 : key_end] != b": {":
                return None
            provider = find(provider_line, start, end)
            if provider != -1:
                provider += len(provider_line)
            tokens.append(
                (
                    body[start + len(_ENTRY_START) - 1 : key_end - 3],
                    body[provider : index(b"\n", provider)] if provider != -1 else None,
                    body[deprecation : index(b"\n", deprecation)] if deprecation != -1 else None,
                    body[successor : index(b"\n", successor)] if successor != -1 else None,
                )
            )
        return [
            (_string(key), *(_string(value.rstrip(b",")) if value is not None else None for value in values))
            for key, *values in tokens
        ]
    except ValueError:  # a value that is not one JSON token on its line
        return None


def _string(token: bytes) -> Any:
    """A JSON value on its own: plain strings are sliced, not run through the JSON parser (a thousand calls add up)."""
    if token[:1] == token[-1:] == b'"' and token.count(b'"') == 2 and b"\\" not in token:
        return token[1:-1].decode()
    return json.loads(token)


def _day(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value.strip()).isoformat() if len(value.strip()) == 10 else None
    except ValueError:
        return None
