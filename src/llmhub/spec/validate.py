"""`validate_spec`: every problem in a spec at once, each with its file, line and field.

Errors mean generation would fail or be wrong; warnings, that it would work but probably not as meant.

Structural problems (wrong types, unknown keys) come from loading; the semantic checks here need
the whole file: provider references, environment keys, tasks, the generator block, and whether
the catalog has any model that can satisfy each role. The catalog check never touches the
network: it uses the catalog passed in, a local mirror ($LLMHUB_CATALOG_SOURCES), or the last
cached catalog, and says so when there is none.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

from llmhub.env_manager import env_references
from llmhub.errors import CatalogError, RuleError, SpecError
from llmhub.refs import parse_model_ref
from llmhub.settings import Settings, current
from llmhub.spec.load import apply_environment, read_spec_with_lines
from llmhub.spec.models import RoleSpec, SpecConfig, SpecProviderConfig
from llmhub_runtime.suggest import did_you_mean
from llmhub_runtime.yamlmodel import Lines, Loc, field_name, line_for

if TYPE_CHECKING:
    from llmhub.catalog.models import Catalog
    from llmhub.generator.rules import RuleSet

__all__ = ["SpecIssue", "ValidationResult", "validate_spec"]

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class SpecIssue:
    """One problem: where it is, what is wrong and how to fix it."""

    severity: Severity
    message: str
    source: str
    field: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        """Plain data for `--json`."""
        return {
            "severity": self.severity,
            "source": self.source,
            "line": self.line,
            "field": self.field,
            "message": self.message,
        }


@dataclass
class ValidationResult:
    """The outcome of `validate_spec`: valid when there are no errors (warnings do not count)."""

    errors: list[SpecIssue] = field(default_factory=list)
    warnings: list[SpecIssue] = field(default_factory=list)
    spec: SpecConfig | None = None
    """The loaded spec, when it loaded at all."""
    catalog_checked: bool = False
    """Whether roles were checked against a catalog (False when none was available offline)."""

    @property
    def valid(self) -> bool:
        """No errors."""
        return not self.errors

    def __bool__(self) -> bool:
        return self.valid

    def to_dict(self) -> dict[str, Any]:
        """Plain data for `llmhub spec validate --json`."""
        return {
            "valid": self.valid,
            "errors": [e.to_dict() for e in self.errors],
            "warnings": [w.to_dict() for w in self.warnings],
            "catalog_checked": self.catalog_checked,
        }


def validate_spec(
    path_or_spec: str | os.PathLike[str] | SpecConfig,
    *,
    env: str | None = None,
    catalog: Catalog | Literal[False] | None = None,
    rules: RuleSet | str | os.PathLike[str] | None = None,
    check_env_keys: bool = True,
    settings: Settings | None = None,
) -> ValidationResult:
    """Check a spec without generating anything; never raises for a bad spec.

    Args:
        path_or_spec: A spec file, or an already loaded `SpecConfig`.
        env: Also check the spec with this environment overlay applied.
        catalog: Check roles against this catalog; None uses a local mirror or the cached catalog
            (offline; skipped with a warning when there is none); False skips the check.
        rules: The rules to check tasks and roles with (default: the shipped rules).
        check_env_keys: Warn about providers whose env_key is not set in this environment.
        settings: The catalog's sources and the environment checked (default: the environment now).
    """
    settings = current(settings)
    result = ValidationResult()
    if isinstance(path_or_spec, SpecConfig):
        spec, lines, source = path_or_spec, Lines(), "<spec>"
    else:
        source = str(path_or_spec)
        try:
            spec, lines = read_spec_with_lines(path_or_spec)
        except SpecError as exc:
            result.errors.extend(_issues_from(exc, source))
            return result
    result.spec = spec
    checker = _Checker(source, lines, result)
    # Every overlay must at least load, whichever environment is generated today.
    variants: list[tuple[str, SpecConfig]] = [("", spec)]
    for name in spec.environments:
        try:
            overlaid = apply_environment(spec, name, source=source, lines=lines)
        except SpecError as exc:
            result.errors.extend(_issues_from(exc, source))
            continue
        if env is not None and name == env:
            variants.append((name, overlaid))
    if env is not None and env not in spec.environments and env != spec.env:
        known = ", ".join(sorted(spec.environments)) or "none defined"
        checker.error(("environments",), f"no environment {env!r} (known: {known}); add an overlay or drop --env")

    try:
        rule_set = _rules(rules)
    except RuleError as exc:
        result.errors.append(SpecIssue("error", str(exc), source))
        return result
    found = _catalog(catalog, checker, settings)
    result.catalog_checked = found is not None
    for name, variant in variants:
        checker.environment = name
        _check_providers(variant, checker, check_env_keys and not name, settings)
        _check_roles(variant, checker, rule_set, found)
        _check_generator(variant, checker)
    return result


class _Checker:
    """Collects issues, locating each field in the file."""

    def __init__(self, source: str, lines: Lines, result: ValidationResult):
        self.source = source
        self.lines = lines
        self.result = result
        self.environment = ""
        self._seen: set[tuple[str, str | None, str]] = set()

    def error(self, loc: Loc, message: str) -> None:
        self._add("error", loc, message)

    def warning(self, loc: Loc, message: str) -> None:
        self._add("warning", loc, message)

    def _add(self, severity: Severity, loc: Loc, message: str) -> None:
        name = field_name(loc, SpecConfig) if loc else None
        line = None
        if self.environment:
            line = self.lines.get(("environments", self.environment, *loc)) if loc else None
            message = f"{message} (environment {self.environment})"
        line = line or line_for(loc, self.lines)
        key = (severity, name, message)
        # An overlay that does not touch a field repeats the base file's problem: report it once.
        base_key = (severity, name, message.removesuffix(f" (environment {self.environment})"))
        if key in self._seen or base_key in self._seen:
            return
        self._seen.add(key)
        issue = SpecIssue(severity, message, self.source, name, line)
        (self.result.errors if severity == "error" else self.result.warnings).append(issue)


def _issues_from(exc: SpecError, source: str) -> list[SpecIssue]:
    return [SpecIssue("error", text, exc.source or source, name or None, line) for name, line, text in exc.problems]


def _rules(rules: RuleSet | str | os.PathLike[str] | None) -> RuleSet:
    from llmhub.generator.rules import RuleSet, load_rules

    return rules if isinstance(rules, RuleSet) else load_rules(rules)


def _catalog(catalog: Catalog | Literal[False] | None, checker: _Checker, settings: Settings) -> Catalog | None:
    if catalog is False:
        return None
    if catalog is not None:
        return catalog
    from llmhub.catalog.build import build_catalog, cached_catalog

    try:
        # A local mirror builds offline (and is cached after the first time); otherwise only the cache is read.
        found = (
            build_catalog(settings=settings) if settings.sources_dir is not None else cached_catalog(settings=settings)
        )
    except CatalogError as exc:
        checker.warning((), f"roles not checked against the catalog: {exc}")
        return None
    if found is None:
        checker.warning((), "roles not checked against the catalog (none cached yet); run `llmhub catalog refresh`")
    return found


def _known_providers() -> set[str]:
    from llmhub.catalog.providers import provider_mappings

    return set(provider_mappings())


def _check_providers(spec: SpecConfig, checker: _Checker, check_env_keys: bool, settings: Settings) -> None:
    known = _known_providers()
    if not spec.providers:
        checker.error(("providers",), "no providers; add one, e.g. `openai: {env_key: OPENAI_API_KEY}`")
    elif not any(p.enabled for p in spec.providers.values()):
        checker.error(("providers",), "every provider is disabled; set `enabled: true` on at least one")
    for name, provider in spec.providers.items():
        served_by = provider.type or name
        if served_by not in known:
            loc: Loc = ("providers", name, "type") if provider.type else ("providers", name)
            checker.error(
                loc,
                f"any-llm has no provider {served_by!r}{did_you_mean(served_by, known)}; "
                "for a self-hosted endpoint give it `type:` (e.g. openai, vllm, ollama) and `api_base:`",
            )
        _check_key_destination(name, provider, known, checker)
        if check_env_keys and provider.enabled and provider.env_key and not settings.variable(provider.env_key):
            checker.warning(
                ("providers", name, "env_key"),
                f"{provider.env_key} is not set here; calls to {name} fail until it is (generation still works)",
            )


_SECRET_VARIABLE = re.compile(r"(KEY|TOKEN|SECRET|PASSWORD)", re.IGNORECASE)


# Providers' own endpoints: a key sent there goes where it belongs.
_OFFICIAL_HOSTS = frozenset(
    {
        "api.openai.com",
        "api.anthropic.com",
        "generativelanguage.googleapis.com",
        "api.mistral.ai",
        "api.groq.com",
        "api.deepseek.com",
        "api.together.xyz",
        "openrouter.ai",
        "api.fireworks.ai",
        "api.cohere.com",
    }
)


@functools.cache
def _official_hosts() -> frozenset[str]:
    from llmhub.catalog.providers import provider_mappings

    listed = {urlsplit(m.api_base).hostname for m in provider_mappings().values() if m.api_base}
    return _OFFICIAL_HOSTS | {host for host in listed if host}


def _check_key_destination(name: str, provider: SpecProviderConfig, known: set[str], checker: _Checker) -> None:
    """Warn when a well-known provider's key would be sent to an endpoint named in this file.

    A spec from a template repository can pair `env_key: OPENAI_API_KEY` with its own `api_base`:
    every call then hands the user's OpenAI key to that host. Legitimate for a gateway the user runs,
    so a warning that names both, not an error.
    """
    for variable in env_references(provider.api_base):
        if _SECRET_VARIABLE.search(variable):
            checker.warning(
                ("providers", name, "api_base"),
                f"api_base puts the value of {variable} into the URL, where proxies and logs see it; "
                "pass a key with `env_key` instead",
            )
    for variable in env_references(provider.client_args):
        if variable != provider.env_key and variable.upper() in {f"{p.upper()}_API_KEY" for p in known if p != name}:
            checker.warning(
                ("providers", name, "client_args"),
                f"client_args send {variable} (another provider's key) with every call to {name}; "
                "if that is not intended, remove it",
            )
    if not provider.api_base or not provider.env_key:
        return
    owners = sorted(p for p in known if f"{p.upper()}_API_KEY" == provider.env_key.upper() and p != name)
    if provider.env_key.upper() == f"{name.upper()}_API_KEY" and name in known:
        owners = [name]
    host = urlsplit(provider.api_base).hostname or provider.api_base
    if owners and host not in _official_hosts():
        checker.warning(
            ("providers", name, "api_base"),
            f"calls to {name} send {provider.env_key} ({owners[0]}'s key) to {host}; "
            f"if that host is not yours, give this provider a variable of its own in `env_key`",
        )


def _check_allowed(spec: SpecConfig, names: list[str], loc: Loc, checker: _Checker) -> None:
    for index, name in enumerate(names):
        config = spec.providers.get(name)
        if config is None:
            checker.error(
                (*loc, index),
                f"provider {name!r} is not declared under `providers:`{did_you_mean(name, spec.providers)}",
            )
        elif not config.enabled:
            checker.warning((*loc, index), f"provider {name!r} is allowed here but disabled, so it is never chosen")


def _check_roles(spec: SpecConfig, checker: _Checker, rules: RuleSet, catalog: Catalog | None) -> None:
    if not spec.roles:
        checker.error(("roles",), "no roles; describe at least one, e.g. `llm.inference: {kind: chat}`")
    if spec.defaults is not None and spec.defaults.providers:
        _check_allowed(spec, spec.defaults.providers, ("defaults", "providers"), checker)
    for name, role in spec.roles.items():
        # Each check stops at a role's first problem: later ones would only repeat it.
        if _check_role_settings(spec, name, role, checker, rules) and catalog is not None:
            _check_role_against_catalog(spec, name, role, checker, rules, catalog)


def _check_role_settings(spec: SpecConfig, name: str, role: RoleSpec, checker: _Checker, rules: RuleSet) -> bool:
    """Providers, kind, task and languages of one role; False when it has a problem."""
    from llmhub.generator.needs import resolve_kind

    loc: Loc = ("roles", name)
    if role.preferences.providers:
        _check_allowed(spec, role.preferences.providers, (*loc, "preferences", "providers"), checker)
    if role.policy is not None and role.policy.keyed_only:
        checker.error((*loc, "policy", "keyed_only"), "keyed_only is spec-wide; set it in the top-level policy")
        return False
    if role.force_provider is not None:
        config = spec.providers.get(role.force_provider)
        if config is None:
            checker.error(
                (*loc, "force_provider"),
                f"provider {role.force_provider!r} is not declared under `providers:`"
                f"{did_you_mean(role.force_provider, spec.providers)}",
            )
            return False
        if not config.enabled:
            checker.error(
                (*loc, "force_provider"),
                f"provider {role.force_provider!r} is forced here but disabled; enable it or drop force_provider",
            )
            return False
    directions = rules.kinds[role.kind].directions
    if not role.force_model and directions and resolve_kind(role.kind, role.description, rules)[0] == role.kind:
        checker.error(
            (*loc, "kind"),
            f"kind {role.kind.value} is {' or '.join(d.value for d in directions)}, "
            "and the description says neither; write e.g. `kind: transcription` or `kind: speech` "
            "(or say 'transcribe' or 'read aloud' in the description)",
        )
        return False
    return _check_task_and_languages(role, loc, checker, rules)


def _check_task_and_languages(role: RoleSpec, loc: Loc, checker: _Checker, rules: RuleSet) -> bool:
    """The role's `task:` and `languages:` are ones the rules know; False (with the error) otherwise."""
    from llmhub.generator.needs import known_languages

    if role.task is not None and role.task not in rules.tasks:
        checker.error(
            (*loc, "task"),
            f"unknown task {role.task!r}{did_you_mean(role.task, rules.tasks)}; known: {', '.join(rules.tasks)}",
        )
        return False
    known = known_languages(rules)
    unknown = [name for name in role.languages if name not in known]
    if unknown:
        checker.error(
            (*loc, "languages"),
            f"unknown language {unknown[0]!r}{did_you_mean(unknown[0], known)}; "
            + (f"known: {', '.join(known)}" if known else "the rules measure no language (tasks: languages:)"),
        )
        return False
    return True


def _check_role_against_catalog(
    spec: SpecConfig, name: str, role: RoleSpec, checker: _Checker, rules: RuleSet, catalog: Catalog
) -> None:
    """A forced model is in the catalog; otherwise some model satisfies every constraint of the role."""
    from llmhub.generator.candidates import filter_candidates
    from llmhub.generator.needs import needs_for

    loc: Loc = ("roles", name)
    needs = needs_for(name, role, spec, rules)
    if role.force_model:
        provider = role.force_provider or (needs.providers[0] if len(needs.providers) == 1 else None)
        if not any(m.model_id == role.force_model and provider in (None, m.provider) for m in catalog):
            checker.warning(
                (*loc, "force_model"),
                f"{role.force_model!r} is not in the catalog; it will be used as given, with unknown price and limits",
            )
        return
    if not needs.providers:
        checker.error(loc, "no enabled provider is allowed for this role; enable one or widen preferences.providers")
        return
    cut = filter_candidates(catalog, needs, rules).last_cut
    if cut is not None:
        examples = f" (e.g. {', '.join(cut.examples)})" if cut.examples else ""
        checker.error(
            loc,
            f"no catalog model satisfies this role: `{cut.constraint}` removed the last {cut.removed} "
            f"candidates{examples}; relax it or enable more providers",
        )


def _check_generator(spec: SpecConfig, checker: _Checker) -> None:
    generator = spec.generator
    if generator is None or generator.model is None:
        return
    loc: Loc = ("generator", "model")
    try:
        provider, _ = parse_model_ref(generator.model, what="generator model")
    except ValueError as exc:
        checker.error(loc, str(exc))
        return
    config = spec.providers.get(provider)
    if config is None:
        checker.warning(
            loc,
            f"provider {provider!r} is not declared under `providers:`; the generator reaches it with "
            "any-llm's defaults (declare it to set env_key, api_base or timeout)",
        )
    elif not config.enabled:
        checker.warning(loc, f"provider {provider!r} is disabled, so generation falls back to the rules")
