"""Options that apply to every command (--verbose, --quiet), set once by the root callback."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from llmhub.settings import Settings


@dataclass
class GlobalOptions:
    """What the root callback parsed."""

    verbose: bool = False
    quiet: bool = False
    dotenv: Path | None = None
    """The .env file the CLI loaded, if any (doctor reports it)."""
    settings: Settings = field(default_factory=Settings.from_env)
    """The environment and the global flags, read once: passed to every library call."""


options = GlobalOptions()
