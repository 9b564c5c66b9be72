"""The set-up checks behind `llmhub doctor`, as typed results callable from Python.

    from llmhub.doctor import run_checks
    from llmhub.project import locate

    report = run_checks(locate())
    for check in report.checks:
        print(check.status, check.name, check.message, check.fix or "")

Each check says what was checked, how it went (`ok`, `warn`, `fail`, `skip`) and, when it did not go
well, the command that fixes it. Messages may quote provider errors: the runtime masks the key it sent,
and the CLI also masks every secret variable's value before printing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from llmhub.project import Project
from llmhub.settings import Settings, current
from llmhub_runtime.errors import LLMHubError

__all__ = ["PING_TIMEOUT", "STALE_HOURS", "Check", "DoctorReport", "Status", "run_checks"]

Status = Literal["ok", "warn", "fail", "skip"]
STALE_HOURS = 24.0
PING_TIMEOUT = 15.0


@dataclass
class Check:
    """One finding: what was checked, how it went, and what to run when it did not go well."""

    name: str
    status: Status
    message: str
    fix: str | None = None


class _Doctor:
    """Runs the checks in order; later checks use what earlier ones loaded."""

    def __init__(self, project: Project, sources: Path | None, settings: Settings, dotenv: Path | None):
        self.files = project
        self.env = project.env
        self.sources = sources
        self.settings = settings
        self.dotenv = dotenv
        self.checks: list[Check] = []
        self.spec: Any = None
        self.runtime: Any = None

    def add(self, name: str, status: Status, message: str, fix: str | None = None) -> None:
        self.checks.append(Check(name, status, message, fix))

    def check_spec(self) -> None:
        from llmhub.spec import load_spec
        from llmhub.spec.validate import validate_spec

        path = self.files.spec
        if path is None:
            self.add(
                "spec",
                "fail",
                f"no llmhub.spec.yaml in {self.files.root} or any parent",
                "run `llmhub init` (or `llmhub setup` for a guided start)",
            )
            return
        result = validate_spec(path, env=self.env, catalog=False, check_env_keys=False, settings=self.settings)
        if not result.valid:
            count = len(result.errors)
            self.add(
                "spec",
                "fail",
                f"{result.errors[0]}" + (f" (and {count - 1} more)" if count > 1 else ""),
                f"run `llmhub spec validate --spec {path}` for every problem, and fix them",
            )
            return
        self.spec = load_spec(path, env=self.env)
        self.add("spec", "ok", f"{path} is valid: {_roles(len(self.spec.roles))}")

    def check_runtime(self) -> None:
        from llmhub.runtime_files import load_runtime
        from llmhub_runtime.errors import ConfigError

        path = self.files.runtime
        if not path.is_file():
            self.add(
                "runtime",
                "fail",
                f"{path} does not exist",
                "run `llmhub generate`" if self.spec else "run `llmhub init`, then `llmhub generate`",
            )
            return
        try:
            self.runtime = load_runtime(path)
        except ConfigError as exc:
            self.add("runtime", "fail", str(exc), "run `llmhub generate --force` to rewrite it from the spec")
            return
        self.add("runtime", "ok", f"{path} is valid: {_roles(len(self.runtime.roles))}")
        if self.spec is not None:
            self._check_sync(path)

    def _check_sync(self, path: Path) -> None:
        from llmhub.spec import spec_fingerprint

        regenerate = f"run `llmhub runtime diff` to see what changes, then `llmhub generate{self._env_flag}`"
        recorded = (self.runtime.meta or {}).get("spec_hash")
        spec_roles, runtime_roles = set(self.spec.roles), set(self.runtime.roles)
        if spec_roles != runtime_roles:
            missing = ", ".join(sorted(spec_roles - runtime_roles)) or "none"
            extra = ", ".join(sorted(runtime_roles - spec_roles)) or "none"
            self.add(
                "in sync", "fail", f"{path} roles differ from the spec (missing: {missing}; extra: {extra})", regenerate
            )
        elif recorded is None:
            self.add(
                "in sync",
                "warn",
                f"{path} has the spec's roles but no meta.spec_hash (not written by llmhub generate)",
                regenerate,
            )
        elif recorded != spec_fingerprint(self.spec):
            self.add("in sync", "fail", f"the spec changed since {path} was generated", regenerate)
        else:
            self.add("in sync", "ok", f"{path} was generated from the spec as it is now")

    @property
    def _env_flag(self) -> str:
        return f" --env {self.env}" if self.env else ""

    def check_env_keys(self) -> None:
        from llmhub.env_manager import check_env, required_env_keys

        if self.spec is None and self.runtime is None:
            self.add("env keys", "skip", "no spec or llmhub.yaml to read the needed keys from")
            return
        needed = required_env_keys(self.spec, self.runtime)
        if not needed:
            self.add("env keys", "ok", "no API keys needed")
            return
        found = check_env(needed, self.settings.environ)
        loaded = f" (loaded {self.dotenv})" if self.dotenv else ""
        for name, users in needed.items():
            if name in found.present:
                self.add("env keys", "ok", f"{name} is set{loaded} ({', '.join(users)})")
            else:
                self.add(
                    "env keys",
                    "fail",
                    f"{name} is not set ({', '.join(users)})",
                    f"export {name}=... or add it to .env (`llmhub env sync --dotenv` adds the missing names)",
                )

    def check_catalog(self) -> Any:
        from llmhub.catalog.build import cached_catalog

        catalog = cached_catalog(self.sources, settings=self.settings)
        if catalog is None:
            self.add(
                "catalog",
                "warn",
                "no catalog has been built on this machine yet",
                "run `llmhub catalog refresh` (offline: `--sources DIR` with a local mirror)",
            )
            if self.runtime is None:
                return None
            # The models check still works from the models.dev data bundled with llmhub, without network.
            from llmhub.catalog import build_catalog

            return build_catalog(
                sources_dir=self.sources, offline=True, overrides=self.files.overrides, settings=self.settings
            )
        age = _age_hours(catalog.built_at)
        used = ", ".join(
            f"{s.name} ({s.status}{', ' + s.snapshot if s.snapshot else ''})" for s in catalog.sources if s.usable
        )
        when = f"{age:.0f} h old" if age is not None else f"built {catalog.built_at}"
        status: Status = "warn" if age is not None and age > STALE_HOURS else "ok"
        self.add(
            "catalog",
            status,
            f"{len(catalog.models)} models, {when}; sources: {used or 'none'}",
            "run `llmhub catalog refresh`" if status == "warn" else None,
        )
        unusable = [s for s in catalog.sources if not s.usable and s.name.startswith("lmarena")]
        if unusable:
            self.add(
                "catalog",
                "warn",
                f"no quality ratings ({', '.join(f'{s.name}: {s.detail or s.status}' for s in unusable)})",
                "run `llmhub catalog refresh` with network access, or pass --sources DIR",
            )
        return catalog

    def check_models(self, catalog: Any) -> None:
        if self.runtime is None:
            self.add("models", "skip", "no llmhub.yaml to check")
            return
        if catalog is None:
            self.add("models", "skip", "no catalog to check the models against")
            return
        from llmhub.outdated import outdated_targets

        problems = 0
        for found in outdated_targets(self.runtime, catalog):
            if found.status == "ok":
                continue
            problems += 1
            label = f"{found.role}: {found.model}"
            if found.status == "unknown":
                self.add("models", "warn", f"{label} is not in the catalog", "check the id, or `llmhub generate`")
            elif found.status == "deprecated":
                self.add("models", "fail", f"{label} is {found.describe()}", f"run `llmhub generate{self._env_flag}`")
            else:
                self.add(
                    "models",
                    "warn",
                    f"{label} {found.describe()}",
                    f"run `llmhub generate{self._env_flag}` before then",
                )
        if not problems:
            self.add("models", "ok", "every model in llmhub.yaml is in the catalog, not deprecated, not retiring")

    def check_picks(self, catalog: Any) -> None:
        """Whether llmhub.yaml's rule-decided picks are what the spec and the catalog give now.

        The same question `llmhub runtime diff --exit-code` answers, so the two never disagree; and
        when the answer changed because the catalog did (not the file), it says which catalog was
        used then and now, and how to pin one.
        """
        if self.spec is None or self.runtime is None or catalog is None:
            return
        if any(c.name == "in sync" and c.status != "ok" for c in self.checks):
            return  # the spec itself changed: that is the news, already reported
        from llmhub.diff import diff_runtime
        from llmhub.generator import GeneratorOptions, generate_runtime_from_spec

        meta = self.runtime.meta or {}
        decided = meta.get("decided_by") or {}
        try:
            fresh = generate_runtime_from_spec(
                self.spec, GeneratorOptions(no_llm=True, catalog=catalog, settings=self.settings)
            ).runtime
        except LLMHubError as exc:
            self.add("in sync", "warn", f"could not regenerate to compare: {exc}", None)
            return
        # Roles the LLM decided are not the rules' to re-derive: only rule-decided roles are compared.
        changed = [
            c.role
            for c in diff_runtime(self.runtime, fresh)
            if c.role in self.runtime.roles and decided.get(c.role, "rules") != "llm"
        ]
        recorded = meta.get("catalog") or {}
        current = catalog.snapshot()
        if not changed:
            self.add("in sync", "ok", "its picks are what the spec and this catalog give now")
        elif recorded == current:
            self.add(
                "in sync",
                "fail",
                f"roles {', '.join(changed)} differ from what the spec and the same catalog give (edited by hand?)",
                f"see `llmhub runtime diff`; `llmhub generate{self._env_flag}` rewrites them",
            )
        else:
            then = "; ".join(f"{k} {v}" for k, v in sorted(recorded.items())) or "unknown"
            now = "; ".join(f"{k} {v}" for k, v in sorted(current.items())) or "unknown"
            self.add(
                "in sync",
                "warn",
                f"the catalog changed since it was generated (then: {then}; now: {now}): "
                f"roles {', '.join(changed)} would get other models",
                "`llmhub runtime diff` shows how; to keep one catalog, build from a fixed mirror "
                "(`--sources DIR` or LLMHUB_CATALOG_SOURCES)",
            )

    def check_ping(self, network: bool) -> None:
        if not network:
            self.add("ping", "skip", "offline" if self.settings.offline else "--no-network")
            return
        if self.runtime is None:
            self.add("ping", "skip", "no llmhub.yaml to ping")
            return
        for provider, (role_name, target, mode) in _one_target_per_provider(self.runtime).items():
            self._ping(provider, role_name, target, mode)

    def _ping(self, provider: str, role_name: str, target: Any, mode: str) -> None:
        from llmhub_runtime import LLMHub
        from llmhub_runtime.errors import LLMHubError

        role = {"provider": provider, "model": target.model, "mode": mode}
        if mode == "chat":
            role["params"] = {"max_tokens": 1}
        config = self.runtime.model_dump(mode="json", exclude_none=True, include={"providers", "project", "env"})
        config["roles"] = {"ping": role}
        settings = self.runtime.providers.get(provider)
        if settings is not None and settings.timeout is None:
            config["providers"][provider]["timeout"] = PING_TIMEOUT
        hub = LLMHub(config=config, resilience={"max_retries": 0})
        label = f"{provider} ({target.model}, from {role_name})"
        missing = hub.missing_env_vars()
        if missing:
            self.add("ping", "skip", f"{label}: {', '.join(missing)} not set")
            return
        try:
            if mode == "chat":
                hub.completion(role="ping", messages=[{"role": "user", "content": "Say OK."}])
            else:
                hub.embedding(role="ping", input=["ok"])
        except LLMHubError as exc:
            self.add(
                "ping",
                "fail",
                f"{label}: {exc}",
                "check the key, the model id and api_base; `llmhub test` calls every role",
            )
        else:
            self.add("ping", "ok", f"{label} answered")
        finally:
            hub.close()


def _one_target_per_provider(runtime: Any) -> dict[str, tuple[str, Any, str]]:
    """For each provider in use, the first chat (else embedding) target that names it."""
    chosen: dict[str, tuple[str, Any, str]] = {}
    for wanted in ("chat", "embedding"):
        for role_name, role in runtime.roles.items():
            if role.mode.value != wanted:
                continue
            for target in (role, *role.fallbacks):
                chosen.setdefault(target.provider, (role_name, target, wanted))
    return chosen


def _age_hours(built_at: str) -> float | None:
    try:
        built = datetime.fromisoformat(built_at)
    except ValueError:
        return None
    if built.tzinfo is None:
        built = built.replace(tzinfo=UTC)
    return (datetime.now(UTC) - built).total_seconds() / 3600


@dataclass
class DoctorReport:
    """Every check, in the order they ran."""

    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No check failed (warnings allowed)."""
        return not self.failed

    @property
    def failed(self) -> list[Check]:
        """The checks that found something broken."""
        return [c for c in self.checks if c.status == "fail"]

    @property
    def warned(self) -> list[Check]:
        """The checks that found something worth a look."""
        return [c for c in self.checks if c.status == "warn"]


def run_checks(
    project: Project,
    *,
    sources: Path | None = None,
    network: bool = True,
    settings: Settings | None = None,
    dotenv: Path | None = None,
) -> DoctorReport:
    """Check a project: spec, llmhub.yaml and its sync, API keys, catalog, models, and a ping per provider.

    Args:
        project: The project's files (`llmhub.project.locate()`).
        sources: Use the catalog built from this local mirror of the sources.
        network: Ping each provider with a one-token call (never in offline mode).
        settings: The environment and flags (default: the environment now).
        dotenv: The .env file that was loaded, to say where set keys came from.
    """
    settings = current(settings)
    doc = _Doctor(project, sources, settings, dotenv)
    doc.check_spec()
    doc.check_runtime()
    doc.check_env_keys()
    catalog = doc.check_catalog()
    doc.check_models(catalog)
    doc.check_picks(catalog)
    doc.check_ping(network=network and not settings.offline)
    return DoctorReport(doc.checks)


def _roles(count: int) -> str:
    return f"{count} role{'s' if count != 1 else ''}"
