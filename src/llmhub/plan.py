"""Planning and applying a generation: what `llmhub generate` does, callable from Python.

    from llmhub.plan import apply_plan, plan_generation

    plan = plan_generation("llmhub.spec.yaml")   # validate -> generate -> diff; writes nothing
    for change in plan.changes:
        print(change)                              # role by role, against the current llmhub.yaml
    if not plan.up_to_date:
        backup = apply_plan(plan)                  # atomic write, the old file kept under .llmhub/backup/

Review is the caller's: the CLI shows `plan.changes` and asks before `apply_plan` when
`plan.needs_review`; a program decides for itself.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from llmhub.errors import SpecError
from llmhub.settings import Settings, current

if TYPE_CHECKING:
    from llmhub.diff import RoleChange
    from llmhub.generator import GenerationResult
    from llmhub.spec.validate import SpecIssue

__all__ = ["GenerationPlan", "InvalidSpecError", "accept_suggestions", "apply_plan", "plan_generation"]


class InvalidSpecError(SpecError):
    """The spec has errors: nothing was generated. `issues` holds every one (file, line, field, fix)."""

    def __init__(self, path: Path, issues: list[SpecIssue]):
        self.path = path
        self.issues = issues
        count = len(issues)
        # The location goes in `source` only: ConfigError puts it in front of the message once.
        super().__init__(f"{count} problem{'s' if count != 1 else ''} to fix; nothing written", source=str(path))


@dataclass
class GenerationPlan:
    """A generated llmhub.yaml, not yet written, and how it differs from the file it would replace."""

    spec_path: Path
    target: Path
    """Where it would be written."""
    result: GenerationResult
    """The runtime config, its explanations and warnings."""
    text: str
    """The exact file text."""
    previous_text: str | None = None
    """The target's current text; None when there is no file."""
    previous_problem: str | None = None
    """Why the current file does not load, when it does not."""
    changes: list[RoleChange] = field(default_factory=list)
    """Role by role, current file -> this plan."""

    @property
    def up_to_date(self) -> bool:
        """The target already holds exactly this text."""
        return self.previous_text == self.text

    @property
    def needs_review(self) -> bool:
        """Writing would change a role of an existing file, or replace a file that does not load.

        A header-only difference (a new catalog date, say) needs nobody's approval.
        """
        if self.previous_text is None or self.up_to_date:
            return False
        return bool(self.changes) or self.previous_problem is not None

    @property
    def spec_suggestions(self) -> dict[str, dict[str, Any]]:
        """Per role, the stricter needs the LLM read in its description (never applied on their own)."""
        return {name: dict(e.spec_suggestions) for name, e in self.result.explanations.items() if e.spec_suggestions}

    def suggested_spec(self) -> tuple[str, str] | None:
        """The spec's text now and with `spec_suggestions` written into it; None when there are none."""
        from llmhub.spec.suggest import apply_suggestions

        if not self.spec_suggestions:
            return None
        text = self.spec_path.read_text(encoding="utf-8")
        return text, apply_suggestions(text, self.spec_suggestions, source=str(self.spec_path))

    def spec_diff(self) -> str:
        """`suggested_spec` as a unified diff of the spec file (empty when nothing is suggested)."""
        from llmhub.spec.suggest import suggestions_diff

        texts = self.suggested_spec()
        return suggestions_diff(self.spec_path.name, *texts) if texts else ""

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape `llmhub generate --json` prints (without what was written)."""
        return {
            "spec": str(self.spec_path),
            "output": str(self.target),
            "changes": [c.to_dict() for c in self.changes],
            **self.result.to_dict(),
            "spec_diff": self.spec_diff(),
        }


def plan_generation(
    spec_path: str | os.PathLike[str],
    *,
    output: str | os.PathLike[str] | None = None,
    env: str | None = None,
    rules: str | os.PathLike[str] | None = None,
    sources: str | os.PathLike[str] | None = None,
    no_llm: bool = False,
    keyed_only: bool = False,
    settings: Settings | None = None,
    progress: Callable[[str, str], None] | None = None,
    tradeoffs: bool = True,
) -> GenerationPlan:
    """Validate the spec, generate llmhub.yaml from it and compare with the file it would replace.

    Args:
        spec_path: The spec to compile.
        output: Where it would be written (default: llmhub.yaml beside the spec; llmhub.<env>.yaml with `env`).
        env: Merge the spec's `environments.<env>` overlay first.
        rules: A directory of rules/*.yaml (default: the shipped rules).
        sources: Build the catalog from this local mirror of its sources.
        no_llm: The rule engine only, even with a generator model configured.
        keyed_only: Only providers whose key variable is set (or that need none).
        settings: The environment and flags (default: the environment now).
        progress: Called with (stage, message) as the catalog is built and roles are chosen.
        tradeoffs: Work out each role's trade-offs for its explanation (six more rankings a role).

    Raises:
        InvalidSpecError: the spec has errors (every one in `issues`); SpecError when it cannot be read.
        CatalogError, RuleError, GenerationError: as their names say.
    """
    from llmhub.catalog import build_catalog
    from llmhub.diff import diff_runtime
    from llmhub.generator import GeneratorOptions, generate_runtime_from_spec, load_rules
    from llmhub.project import locate
    from llmhub.runtime_files import load_runtime
    from llmhub.spec import load_spec
    from llmhub.spec.validate import validate_spec
    from llmhub_runtime.errors import ConfigError

    settings = current(settings)
    path = Path(spec_path)
    if not path.is_file():
        load_spec(path)  # raises the error that names the file and the fix
    rule_set = load_rules(rules)
    catalog = build_catalog(
        sources_dir=sources, progress=progress, overrides=locate(path, settings=settings).overrides, settings=settings
    )
    # Every problem at once, before any choosing: the same checks as `llmhub spec validate`.
    checked = validate_spec(path, env=env, catalog=catalog, rules=rule_set, check_env_keys=False, settings=settings)
    if not checked.valid or checked.spec is None:
        raise InvalidSpecError(path, list(checked.errors))
    result = generate_runtime_from_spec(
        checked.spec,
        GeneratorOptions(
            settings=settings,
            no_llm=no_llm,
            env=env,
            rules=rule_set,
            catalog=catalog,
            spec_name=path.name,
            progress=progress,
            keyed_only=keyed_only,
            tradeoffs=tradeoffs,
        ),
    )
    target = Path(output) if output is not None else path.parent / (f"llmhub.{env}.yaml" if env else "llmhub.yaml")
    plan = GenerationPlan(spec_path=path, target=target, result=result, text=result.text())
    if target.is_file():
        plan.previous_text = target.read_text(encoding="utf-8")
        previous = None
        try:
            previous = load_runtime(target)
        except ConfigError as exc:
            plan.previous_problem = str(exc)
        plan.changes = diff_runtime(previous, result.runtime)
    else:
        plan.changes = diff_runtime(None, result.runtime)
    return plan


def apply_plan(plan: GenerationPlan) -> Path | None:
    """Write the plan's llmhub.yaml atomically.

    Returns the backup of the replaced file; None when there was no file or its text was the same.
    """
    from llmhub.runtime_files import save_runtime

    return save_runtime(plan.target, plan.result.runtime, text=plan.text)


def accept_suggestions(plan: GenerationPlan) -> Path | None:
    """Write the plan's `spec_suggestions` into the spec file (atomically, the old one backed up).

    Only the suggested roles' entries change; the rest of the file is kept as written. Takes effect at
    the next generation. Returns the backup, or None when nothing was suggested.

    Raises:
        SpecError: the edited spec would not load (nothing is written then).
    """
    from llmhub.runtime_files import backup_file
    from llmhub.spec import parse_spec
    from llmhub_runtime.config_loader import atomic_write_text

    texts = plan.suggested_spec()
    if texts is None:
        return None
    parse_spec(texts[1], source=str(plan.spec_path))
    backup = backup_file(plan.spec_path)
    atomic_write_text(plan.spec_path, texts[1])
    return backup
