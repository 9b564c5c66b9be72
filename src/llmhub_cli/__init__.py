"""`llmhub_cli`: the seeds' name for the tool package, kept as a compatibility alias of `llmhub`.

`from llmhub_cli import build_catalog, get_catalog, load_spec, generate_runtime_from_spec, ...`
works as the original documents showed; every name is `llmhub`'s own (new code imports `llmhub`).
"""

from __future__ import annotations

from typing import Any

import llmhub

__all__ = list(llmhub.__all__)


def __getattr__(name: str) -> Any:
    return getattr(llmhub, name)


def __dir__() -> list[str]:
    return sorted(__all__)
