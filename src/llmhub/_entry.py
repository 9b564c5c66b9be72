"""The `llmhub` console script: checks that the CLI extra is installed, then runs the CLI."""

from __future__ import annotations

import importlib.util
import sys

# Everything the command line imports that the runtime-only install lacks.
_CLI_DEPENDENCIES = ("typer", "rich")


def main() -> None:
    """Run the `llmhub` command line, or say which install command provides it."""
    missing = [name for name in _CLI_DEPENDENCIES if importlib.util.find_spec(name) is None]
    if missing:
        print(
            f"llmhub: the command line needs {', '.join(missing)}; install the cli extra: pip install 'llmhub[cli]' "
            "(from a checkout: pip install -e '.[cli]')",
            file=sys.stderr,
        )
        raise SystemExit(1)
    from llmhub.cli import app

    app()
