"""What the UI works on: the settings, the project's files and one catalog, loaded once and shared.

Every page's data comes from here through the library (`build_catalog`, `locate`, `load_rules`);
the server only turns it into JSON. Reads of the spec and `llmhub.yaml` happen on every request,
so an edit made in another editor shows on the next reload; the catalog is built once per server.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from llmhub.errors import SpecError
from llmhub.settings import Settings, current

if TYPE_CHECKING:
    from llmhub.catalog.models import Catalog
    from llmhub.catalog.quality import QualityIndex
    from llmhub.generator.rules import RuleSet
    from llmhub.project import Project

__all__ = ["Workspace", "check_role"]


class Workspace:
    """The project around `start` (or the spec given), and the catalog its commands would use.

    Args:
        spec: The spec to show and edit (default: the nearest llmhub.spec.yaml from `start`).
        sources: Build the catalog from this local mirror (default: the settings').
        settings: The environment and global flags (`--offline`).
        start: Where to look for the project (default: the working directory).
        env: Show and generate the spec's `environments.<env>` overlay (llmhub.<env>.yaml), as `--env` does.
    """

    def __init__(
        self,
        spec: Path | None = None,
        *,
        sources: str | os.PathLike[str] | None = None,
        settings: Settings | None = None,
        start: Path | None = None,
        env: str | None = None,
    ):
        from llmhub.project import locate

        self.env = env
        self.settings = current(settings)
        self.sources = Path(sources) if sources is not None else None
        self.project: Project = locate(spec, env=env, start=start, settings=self.settings)
        self.lock = threading.RLock()
        """Held while the catalog is built and while files are written: one writer at a time."""
        self._catalog: Catalog | None = None
        self._quality: QualityIndex | None = None
        self._rules: RuleSet | None = None
        self.cache: dict[str, bytes] = {}
        """Rendered JSON that only depends on the catalog (the full table): built once."""

    @property
    def catalog(self) -> Catalog:
        """The catalog, built (or loaded from the cache) on first use."""
        with self.lock:
            if self._catalog is None:
                from llmhub.catalog import build_catalog

                self._catalog = build_catalog(
                    sources_dir=self.sources, overrides=self.project.overrides, settings=self.settings
                )
            return self._catalog

    @property
    def quality(self) -> QualityIndex:
        """Every chat model's quality figure, worked out once for the whole catalog."""
        with self.lock:
            if self._quality is None:
                from llmhub.catalog.quality import QualityIndex

                self._quality = QualityIndex(self.catalog)
            return self._quality

    @property
    def rules(self) -> RuleSet:
        """The shipped rule set (the one `llmhub generate` uses without --rules)."""
        with self.lock:
            if self._rules is None:
                from llmhub.generator import load_rules

                self._rules = load_rules(None)
            return self._rules

    @property
    def spec_path(self) -> Path:
        """The project's spec.

        Raises:
            SpecError: there is none (the message says how to start a project).
        """
        spec = self.project.spec
        if spec is None or not spec.is_file():
            from llmhub.project import no_project_error

            raise no_project_error(spec.parent if spec is not None else None)
        return spec

    @property
    def has_spec(self) -> bool:
        """Whether a spec was found (Plan and Edit need one; Catalog and Compare do not)."""
        return self.project.spec is not None and self.project.spec.is_file()

    def runtime_text(self) -> str | None:
        """The current llmhub.yaml beside the spec, or None when there is none."""
        target = self.runtime_path
        return target.read_text(encoding="utf-8") if target.is_file() else None

    @property
    def runtime_path(self) -> Path:
        """Where `llmhub generate` writes: llmhub.yaml beside the spec (llmhub.<env>.yaml with an env)."""
        return self.spec_path.parent / (f"llmhub.{self.env}.yaml" if self.env else "llmhub.yaml")

    def describe(self) -> dict[str, str | bool | None]:
        """The header of every page: the project's files and where the catalog comes from."""
        return {
            "spec": str(self.project.spec) if self.has_spec else None,
            "runtime": str(self.runtime_path) if self.has_spec else None,
            "offline": self.settings.offline,
            "env": self.env,
            "sources": str(self.sources or self.settings.sources_dir or "") or None,
        }


def check_role(workspace: Workspace, name: str, roles: dict[str, object]) -> str:
    """`name` when the spec has that role.

    Raises:
        SpecError: it does not (with the roles it has).
    """
    if name not in roles:
        known = ", ".join(sorted(roles)) or "none"
        raise SpecError(f"no role {name!r} in {workspace.spec_path.name} (roles: {known})")
    return name
