"""Find the data directories that ship with llmhub: `rules/` and `prompts/`.

In a wheel they live inside the package (`llmhub/_data/`, put there by the build's force-include);
in an editable install they are read from the repository root, so edits take effect at once.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["data_dir"]


def data_dir(name: str) -> Path:
    """The shipped `rules` or `prompts` directory."""
    packaged = Path(str(resources.files("llmhub"))) / "_data" / name
    if packaged.is_dir():
        return packaged
    repository = Path(__file__).resolve().parents[2] / name
    if repository.is_dir():
        return repository
    raise FileNotFoundError(f"llmhub's {name}/ directory is missing from this installation; reinstall llmhub")
