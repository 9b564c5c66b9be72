"""Options that apply to every command (--verbose, --quiet), set once by the root callback."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class GlobalOptions:
    """What the root callback parsed."""

    verbose: bool = False
    quiet: bool = False
    dotenv: Path | None = None
    """The .env file the CLI loaded, if any (doctor reports it)."""


options = GlobalOptions()
