"""Everything the CLI prints goes through here: plain lines, JSON, tables, progress, errors."""

from __future__ import annotations

import contextlib
import functools
import json
import re
import stat
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer

from llmhub.cli._state import options
from llmhub.settings import Settings
from llmhub_runtime.safetext import escape_control

# Variables whose values are secrets: never echoed, even inside a provider's error message.
_SECRET_NAME = re.compile(r"(KEY|TOKEN|SECRET|PASSWORD|CREDENTIALS?)(_ID)?$", re.IGNORECASE)


_DECLARED_KEY = re.compile(r"env_key:\s*['\"]?([A-Za-z_][A-Za-z0-9_]{0,127})")


def redact(text: str) -> str:
    """`text` with the value of every secret environment variable replaced by `***`.

    Secret: a name that looks secret (`*_KEY`, `*_TOKEN`...) or any variable the project's files
    name as an `env_key` (`GATEWAY_CRED` is a key because the config says so, whatever its name).
    """
    # The environment now, not when the CLI's settings were read: a .env file may have added keys.
    now = Settings.from_env()
    declared = _declared_key_variables(_project_files(now.config_path))
    for name, value in now.environ.items():
        if len(value) >= 6 and value in text and (name in declared or _SECRET_NAME.search(name)):
            text = text.replace(value, "***")
    return text


def _project_files(config: Path | None) -> tuple[tuple[str, int, int], ...]:
    """The project's llmhub*.yaml files (and $LLMHUB_CONFIG) with their size and mtime: the cache key."""
    paths: list[Path] = []
    here = Path.cwd()
    for folder in (here, *here.parents)[:8]:
        found = sorted(folder.glob("llmhub*.yaml"))
        if found:
            paths.extend(found)
            break
    if config is not None:
        paths.append(config)
    stamped = []
    for path in paths:
        with contextlib.suppress(OSError):
            info = path.stat()
            if stat.S_ISREG(info.st_mode) and info.st_size < 1_000_000:
                stamped.append((str(path), info.st_size, info.st_mtime_ns))
    return tuple(stamped)


@functools.lru_cache(maxsize=8)
def _declared_key_variables(files: tuple[tuple[str, int, int], ...]) -> frozenset[str]:
    """Every `env_key` named in these files (a text scan: no parsing).

    Cached by the files' paths, sizes and mtimes: every printed line is redacted, and the files are
    read once per command, not once per line, yet an edited file is read again.
    """
    names: set[str] = set()
    for path, _, _ in files:
        with contextlib.suppress(OSError):
            names.update(_DECLARED_KEY.findall(Path(path).read_text(encoding="utf-8", errors="replace")))
    return frozenset(names)


def line(text: str = "") -> None:
    """Print a line to stdout (suppressed by --quiet)."""
    if not options.quiet:
        typer.echo(_fit(escape_control(text, keep_newlines=True)))


def result(text: str = "") -> None:
    """Print a line that is the command's answer (a test reply, a failed check): kept under --quiet."""
    typer.echo(_fit(escape_control(text, keep_newlines=True)))


def _fit(text: str) -> str:
    """On a terminal, long lines wrapped at word boundaries to its width, continuation lines indented.

    Piped output is left as is: one line per fact is what grep and cut want. Ids are never broken
    (no hyphen or long-word breaking), so a model id too long for the terminal stays whole.
    """
    if not is_terminal():
        return text
    import shutil
    import textwrap

    width = max(shutil.get_terminal_size().columns, 40)
    fitted = []
    for raw in text.split("\n"):
        if len(raw) <= width:
            fitted.append(raw)
            continue
        indent = raw[: len(raw) - len(raw.lstrip())]
        fitted.append(
            textwrap.fill(
                raw.strip(),
                width=width,
                initial_indent=indent,
                subsequent_indent=indent + "  ",
                break_long_words=False,
                break_on_hyphens=False,
            )
        )
    return "\n".join(fitted)


def emit_json(data: Any) -> None:
    """Print JSON to stdout; never suppressed (it is the requested output).

    A list (the catalog's models, its arena entries) is printed one compact element per line: as
    easy to read and to grep, and written by json's C encoder, where indenting falls back to its
    pure-Python one (twice as slow: ~60 ms more for `llmhub catalog show --json`).
    """
    if isinstance(data, list) and data:
        items = ",\n".join(json.dumps(item, ensure_ascii=False, default=str) for item in data)
        typer.echo(f"[\n{items}\n]")
    else:
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def warn(text: str) -> None:
    """A warning on stderr (kept under --quiet: warnings are not chatter)."""
    typer.echo(f"llmhub: warning: {escape_control(redact(text))}", err=True)


def error_line(text: str) -> None:
    """One error line on stderr, for commands that report several problems before exiting non-zero."""
    typer.echo(f"llmhub: error: {escape_control(redact(text))}", err=True)


def is_terminal() -> bool:
    """Whether stdout is an interactive terminal (progress and colour only then)."""
    return sys.stdout.isatty()


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], title: str | None = None) -> None:
    """A table: rich on a terminal, tab-separated when piped (easy to grep and cut)."""
    if options.quiet:
        return
    if not is_terminal():
        typer.echo("\t".join(headers))
        for row in rows:
            typer.echo("\t".join("" if cell is None else escape_control(str(cell)) for cell in row))
        return
    from rich.console import Console
    from rich.table import Table

    rendered = Table(title=title, show_lines=False, header_style="bold")
    for index, header in enumerate(headers):
        # The first column names the row (a model id, a role): kept whole, the others wrap around it.
        rendered.add_column(header, overflow="fold", no_wrap=index == 0)
    for row in rows:
        rendered.add_row(*("" if cell is None else escape_control(str(cell)) for cell in row))
    Console().print(rendered)


@contextmanager
def progress(title: str, total: int | None = None) -> Iterator[Any]:
    """Live progress on a terminal (stderr); silent when piped or --quiet. Yields `update(source, message)`.

    With a `total` (roles to call, say) a progress bar that advances on every message but "calling" /
    "loading"; without one a status line, each finished step printed under it as a plain line.
    """
    if options.quiet:
        yield lambda source, message: None
        return
    if not is_terminal():
        # Piped (a CI log, say): each finished step as a plain line on stderr; stdout stays the answer.
        def plain(source: str, message: str) -> None:
            if not _under_way(message):
                typer.echo(f"llmhub: {escape_control(f'{source}: {message}')}", err=True)

        yield plain
        return
    from rich.console import Console
    from rich.markup import escape

    console = Console(stderr=True)
    if total is not None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console, transient=True) as bar:
            task = bar.add_task(escape(title), total=total)

            def advance(source: str, message: str) -> None:
                shown = escape(escape_control(f"{source}: {message}"))
                bar.update(task, description=f"{escape(title)} {shown}")
                if not _under_way(message):
                    bar.advance(task)

            yield advance
        return
    with console.status(escape(title)) as status:

        def update(source: str, message: str) -> None:
            shown = escape_control(f"{source}: {message}")
            status.update(f"{escape(title)} {escape(shown)}")
            if not _under_way(message):
                # Finished steps only, as plain lines: no log timestamps or source file names.
                console.print(f"  {shown}", markup=False, highlight=False)

        yield update


def _under_way(message: str) -> bool:
    """A step starting ("loading", "calling", "asking providers..."), not one finished."""
    first = message.split(" ", 1)[0]
    return first.endswith("ing") and first.isalpha()
