"""any-llm discovery: which models this machine can actually call, from each provider's `list_models`.

Only providers whose API key is set are asked, all at once, each with its own timeout. A provider
that fails (bad key, timeout, no list endpoint) is reported and skipped; discovery never fails the
catalog build.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from llmhub.settings import Settings, current

__all__ = ["NAME", "Discovery", "discover", "providers_with_keys"]

NAME = "any-llm"
DEFAULT_TIMEOUT = 10.0


@dataclass
class Discovery:
    """What discovery found: provider -> model ids, and provider -> why it could not be asked."""

    models: dict[str, list[str]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def count(self) -> int:
        """How many model ids were discovered in total."""
        return sum(len(ids) for ids in self.models.values())


def providers_with_keys(settings: Settings | None = None) -> dict[str, dict[str, Any]]:
    """Every any-llm provider whose API key variable is set, with no extra client arguments."""
    import warnings

    settings = current(settings)

    from any_llm import AnyLLM

    found: dict[str, dict[str, Any]] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in AnyLLM.get_supported_providers():
            try:
                provider_class = AnyLLM.get_provider_class(name)
            except Exception:
                continue
            variable = getattr(provider_class, "ENV_API_KEY_NAME", None)
            if isinstance(variable, str) and variable and settings.variable(variable):
                found[str(name)] = {}
    return found


def discover(targets: Mapping[str, Mapping[str, Any]] | None = None, timeout: float = DEFAULT_TIMEOUT) -> Discovery:
    """List the models of each target provider (default: every provider with a key set).

    Args:
        targets: provider name -> arguments for `AnyLLM.create` (api_key, api_base, ...).
        timeout: Seconds allowed per provider.
    """
    chosen = providers_with_keys() if targets is None else dict(targets)
    if not chosen:
        return Discovery()
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(_discover_all(chosen, timeout))
    # Called from inside an event loop (a notebook, an async app): run on a thread of our own.
    result: list[Discovery] = []
    thread = threading.Thread(target=lambda: result.append(asyncio.run(_discover_all(chosen, timeout))))
    thread.start()
    thread.join()
    return result[0]


async def _discover_all(targets: Mapping[str, Mapping[str, Any]], timeout: float) -> Discovery:
    names = sorted(targets)
    outcomes = await asyncio.gather(*(_discover_one(name, targets[name], timeout) for name in names))
    discovery = Discovery()
    for name, (ids, error) in zip(names, outcomes, strict=True):
        if error is not None:
            discovery.errors[name] = error
        else:
            discovery.models[name] = sorted(set(ids))
    return discovery


async def _discover_one(name: str, kwargs: Mapping[str, Any], timeout: float) -> tuple[list[str], str | None]:
    import warnings

    from any_llm import AnyLLM

    llm: Any = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            llm = AnyLLM.create(name, unified_exceptions=True, **kwargs)
        if not getattr(llm, "SUPPORTS_LIST_MODELS", False):
            return [], "any-llm cannot list this provider's models"
        models = await asyncio.wait_for(llm.alist_models(), timeout=timeout)
    except TimeoutError:
        return [], f"timed out after {timeout:g}s"
    except Exception as exc:
        return [], " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
    finally:
        close = getattr(getattr(llm, "client", None), "close", None)
        if close is not None:
            with contextlib.suppress(Exception):  # closing a client that failed is best effort
                await close()
    return [str(getattr(model, "id", model)) for model in models], None
