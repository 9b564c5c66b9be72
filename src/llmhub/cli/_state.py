"""Options that apply to every command (--verbose, --quiet), set once by the root callback."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class GlobalOptions:
    """What the root callback parsed."""

    verbose: bool = False
    quiet: bool = False


options = GlobalOptions()
