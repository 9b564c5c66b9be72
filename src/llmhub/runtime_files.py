"""Reading and writing `llmhub.yaml` from the tool.

Writes are atomic, keep a backup of what they replace, and put the JSON Schema that the file's
header points editors at beside it.
"""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

from llmhub.schemas import schema_modeline, write_schema
from llmhub_runtime.config_loader import atomic_write_text, dump_config, load_config, parse_config
from llmhub_runtime.models import RuntimeConfig

__all__ = [
    "BACKUP_DIR",
    "DEFAULT_RUNTIME_NAME",
    "backup_file",
    "backups",
    "load_runtime",
    "runtime_text",
    "save_runtime",
]

DEFAULT_RUNTIME_NAME = "llmhub.yaml"
BACKUP_DIR = Path(".llmhub") / "backup"
"""Where replaced files are kept, relative to the file's directory."""
KEEP_BACKUPS = 10


def load_runtime(path: str | os.PathLike[str] = DEFAULT_RUNTIME_NAME) -> RuntimeConfig:
    """Read and validate an `llmhub.yaml` (raises `ConfigError` naming file, line and field)."""
    return load_config(path)


def runtime_text(config: RuntimeConfig, header: str | None = None) -> str:
    """The file text for `config`; the header gains the schema line when it lacks one."""
    lines = (header or "").splitlines()
    if not any(line.startswith("yaml-language-server:") for line in lines):
        lines.insert(0, schema_modeline("runtime"))
    return dump_config(config, header="\n".join(lines))


def save_runtime(
    path: str | os.PathLike[str],
    config: RuntimeConfig,
    *,
    header: str | None = None,
    text: str | None = None,
    backup: bool = True,
) -> Path | None:
    """Write `llmhub.yaml` atomically, keeping the replaced file under `.llmhub/backup/`.

    The text is checked to load back before anything is touched, so a bad config never replaces a
    good file. Returns the backup's path (None when nothing was replaced or the content is unchanged).

    Args:
        path: The file to write.
        config: What to write.
        header: Comment lines for the top (the schema line is added when missing).
        text: The exact text to write, when already rendered (it must describe `config`).
        backup: Keep a copy of the file being replaced.
    """
    target = Path(path)
    rendered = text if text is not None else runtime_text(config, header)
    parse_config(rendered, source=str(target))
    # The schema first and always: the file's header points at it even when the file is unchanged.
    write_schema("runtime", target)
    kept = None
    if target.is_file():
        if target.read_text(encoding="utf-8") == rendered:
            return None
        if backup:
            kept = backup_file(target)
    atomic_write_text(target, rendered)
    return kept


def backups(path: str | os.PathLike[str] = DEFAULT_RUNTIME_NAME) -> list[Path]:
    """Backups of `path`, oldest first."""
    target = Path(path)
    folder = target.resolve().parent / BACKUP_DIR
    # The stamp starts with a digit: llmhub.yaml's backups are not llmhub.spec.yaml's or llmhub.prod.yaml's.
    return sorted(folder.glob(f"{target.stem}.[0-9]*{target.suffix}")) if folder.is_dir() else []


def backup_file(target: Path) -> Path:
    """Copy `target` into `.llmhub/backup/` beside it, stamped with the time; keep the newest ten of that file."""
    folder = target.resolve().parent / BACKUP_DIR
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    kept = folder / f"{target.stem}.{stamp}{target.suffix}"
    shutil.copy2(target, kept)
    for old in backups(target)[:-KEEP_BACKUPS]:
        old.unlink(missing_ok=True)
    return kept
