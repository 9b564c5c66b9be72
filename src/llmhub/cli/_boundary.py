"""The CLI's one error boundary: every failure becomes one line on stderr and an exit code."""

from __future__ import annotations

import os
import sys
import traceback
from typing import Any

import typer
import yaml
from typer.core import TyperGroup

from llmhub.cli._output import error_line, redact
from llmhub.cli._state import options
from llmhub.errors import LLMHubError


def _fail(message: str, exc: BaseException, code: int = 1) -> typer.Exit:
    """Print one line (and the traceback with --verbose), and return the Exit to raise."""
    if options.verbose:
        typer.echo(redact("".join(traceback.format_exception(exc))), err=True, nl=False)
    error_line(message)
    return typer.Exit(code)


class BoundaryGroup(TyperGroup):
    """Turns every failure into one line on stderr and an exit code: 1 for errors, 130 for Ctrl-C.

    A closed pipe on stdout (`| head`) ends the command quietly with 0.

    Usage errors (exit 2) and explicit exits are typer's own and pass through untouched.
    """

    def invoke(self, ctx: Any) -> Any:  # Any: the base class takes typer's private click Context
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.TyperException):
            raise
        except (KeyboardInterrupt, typer.Abort):
            typer.echo("llmhub: interrupted", err=True)
            raise typer.Exit(130) from None
        except LLMHubError as exc:
            raise _fail(str(exc), exc) from None
        except BrokenPipeError:
            # The reader went away (`llmhub catalog show | head`): not an error. Point stdout at
            # /dev/null so the interpreter's final flush cannot fail again, and stop quietly.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise typer.Exit(0) from None
        except OSError as exc:
            # The message already names the file (strerror + filename); say what to check.
            fix = "check the permissions" if isinstance(exc, PermissionError) else "check the path"
            raise _fail(f"{exc.filename or exc}: {exc.strerror or type(exc).__name__}; {fix}", exc) from None
        except yaml.YAMLError as exc:
            where = " ".join(str(exc).split())
            raise _fail(f"invalid YAML: {where}", exc) from None
        except ValueError as exc:
            raise _fail(f"{type(exc).__name__}: {exc}", exc) from None
        except Exception as exc:
            raise _fail(
                f"internal error: {type(exc).__name__}: {exc} (run with --verbose for details, and please report it)",
                exc,
            ) from None
