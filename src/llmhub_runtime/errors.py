"""Every error the runtime raises, in one tree.

Your mistake (fix the file, the environment or the call) versus the world failing (a provider
answered badly or not at all)::

    LLMHubError
    ├── ConfigError                  llmhub.yaml is missing, malformed or inconsistent
    │   ├── EnvVarMissingError       an env_key (or ${VAR}) the config needs is not set
    │   └── UnknownProviderError     a role names a provider that is not declared / not in any-llm
    ├── UnknownRoleError             no such role and no `defaults` to fall back on
    ├── ModeMismatchError            completion() on an embedding role, or the reverse
    ├── InvalidCallError             a call argument the role decides (model=, api_key=, ...)
    ├── MissingDependencyError       a provider's SDK is not installed (names the pip extra)
    ├── BudgetExceededError          a role's or the project's hard spending limit is reached
    └── ProviderError                the call reached a provider and failed
        ├── AuthenticationError      401/403: not retried
        ├── BadRequestError          400/404/422, unsupported parameter: not retried
        ├── ModelNotFoundError       404 on the model: not retried, fallbacks tried
        ├── QuotaExceededError       402 out of credits / budget: not retried, fallbacks tried
        ├── RateLimitError           429: retried, honouring Retry-After
        ├── ProviderUnavailableError 5xx, timeouts, connection errors: retried
        │   └── IncompleteStreamError a stream ended without a finish reason: the reply is cut off
        └── AllAttemptsFailedError   retries and fallbacks exhausted; lists every attempt

Catch `LLMHubError` for everything, `ConfigError` for set-up problems, `ProviderError` for call
failures::

    try:
        hub.completion(role="llm.inference", messages=messages)
    except ProviderError as exc:
        log.warning("LLM call failed: %s", exc)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = [
    "AllAttemptsFailedError",
    "AttemptRecord",
    "AuthenticationError",
    "BadRequestError",
    "BudgetExceededError",
    "ConfigError",
    "EnvVarMissingError",
    "IncompleteStreamError",
    "InvalidCallError",
    "LLMHubError",
    "MissingDependencyError",
    "ModeMismatchError",
    "ModelNotFoundError",
    "ProviderError",
    "ProviderUnavailableError",
    "QuotaExceededError",
    "RateLimitError",
    "UnknownProviderError",
    "UnknownRoleError",
]


def _usd(amount: float) -> str:
    """`$12.34`, or four significant digits under a cent (`$0.0005100`), so a small limit never reads `$0.00`."""
    return f"${amount:,.2f}" if amount >= 0.01 or amount == 0 else f"${amount:.4g}"


class LLMHubError(Exception):
    """Base class of every error raised by LLM Hub (runtime and tool)."""


class ConfigError(LLMHubError):
    """The runtime configuration is missing, malformed or inconsistent.

    The message reads ``<file>[:<line>]: <field>: <what is wrong>; <how to fix it>`` so it can be
    printed as one line. The parts are also kept as attributes for programs.

    Attributes:
        source: The file the problem is in (or ``<dict>`` for an in-memory config), if known.
        field: Dotted path of the offending field, e.g. ``roles["llm.inference"].mode``.
        line: 1-based line in ``source``, when the YAML position is known.
        detail: The message without the location prefix.
        problems: Every problem found, as (field, line, message); the message shows the first few.
    """

    def __init__(
        self,
        detail: str,
        *,
        source: str | None = None,
        field: str | None = None,
        line: int | None = None,
        problems: Sequence[tuple[str, int | None, str]] = (),
    ):
        self.detail = detail
        self.source = source
        self.field = field
        self.line = line
        self.problems = list(problems) or [(field or "", line, detail)]
        super().__init__(self._format())

    def _format(self) -> str:
        where = ""
        if self.source:
            where = f"{self.source}:{self.line}: " if self.line else f"{self.source}: "
        field = f"{self.field}: " if self.field else ""
        return f"{where}{field}{self.detail}"


class EnvVarMissingError(ConfigError):
    """One or more environment variables the configuration names are not set.

    Attributes:
        variables: Every missing variable, in a stable order.
    """

    def __init__(self, variables: Sequence[str], *, source: str | None = None, context: str | None = None):
        self.variables = list(variables)
        names = ", ".join(self.variables)
        noun = "variable" if len(self.variables) == 1 else "variables"
        detail = f"missing environment {noun} {names}"
        if context:
            detail += f" ({context})"
        example = self.variables[0]
        # The runtime reads a .env file only when asked, so the hint says how, not just "add to .env".
        detail += (
            f"; set {'it' if len(self.variables) == 1 else 'them'} (e.g. `export {example}=...`), "
            "or put it in .env and create the hub with LLMHub(dotenv=True)"
        )
        super().__init__(detail, source=source)


class UnknownProviderError(ConfigError):
    """A role or fallback names a provider that the config does not declare or any-llm does not know."""


class UnknownRoleError(LLMHubError, KeyError):
    """The role is not in the config and the config has no `defaults` to fall back on.

    Attributes:
        role: The role that was asked for.
        known_roles: Every role the config defines, sorted.
        suggestion: The closest known role, if one is close enough.
    """

    def __init__(self, role: str, known_roles: Sequence[str], suggestion: str | None = None):
        self.role = role
        self.known_roles = sorted(known_roles)
        self.suggestion = suggestion
        known = ", ".join(self.known_roles) or "(none)"
        hint = f" Did you mean {suggestion!r}?" if suggestion else ""
        message = f"unknown role {role!r}.{hint} Known roles: {known}. Add it to the spec, or add a `defaults` block."
        super().__init__(message)

    def __str__(self) -> str:
        # KeyError would wrap the message in quotes.
        return str(self.args[0])


class ModeMismatchError(LLMHubError, TypeError):
    """A role was called through the wrong method (e.g. `completion` on an embedding role)."""

    def __init__(self, role: str, mode: str, method: str, expected_mode: str, right_method: str):
        self.role = role
        self.mode = mode
        self.method = method
        super().__init__(
            f"role {role!r} has mode {mode!r}, but {method}() needs a {expected_mode!r} role; "
            f"call hub.{right_method}(role={role!r}, ...) instead, or change the role's mode"
        )


class InvalidCallError(LLMHubError, TypeError):
    """A call passed an argument that the role decides, such as `model=` or `api_key=`."""


class MissingDependencyError(LLMHubError, ImportError):
    """A provider needs an SDK that is not installed; the message names the pip command."""


class BudgetExceededError(LLMHubError):
    """A call was refused, before any request, because a hard spending limit in llmhub.yaml is reached.

    Neither a config mistake nor a provider failure: the budget did its job. Retrying is pointless
    until the period ends or the limit is raised.

    Attributes:
        scope: `"role"` (the role's own `budget`) or `"project"` (the top-level `budget`).
        role: The role that was called.
        spent_usd: What the scope has spent in the current period.
        limit_usd: The scope's `hard_usd`.
        period: The period counted, e.g. `"2026-12"` (a month) or `"2026-12-04"` (a day).
    """

    def __init__(self, scope: str, role: str, spent_usd: float, limit_usd: float, period: str):
        self.scope = scope
        self.role = role
        self.spent_usd = spent_usd
        self.limit_usd = limit_usd
        self.period = period
        where = f"role {role!r}" if scope == "role" else f"the project (called by role {role!r})"
        field = f"roles.{role}.budget" if scope == "role" else "budget"
        super().__init__(
            f"budget exceeded: {where} spent {_usd(spent_usd)} of its hard limit {_usd(limit_usd)} in {period}; "
            f"raise `{field}.hard_usd` in llmhub.yaml, set a `fallback_variant` on the role, or wait for the next "
            "period"
        )


class ProviderError(LLMHubError):
    """A call reached a provider (or tried to) and failed.

    Attributes:
        provider: The provider name from llmhub.yaml.
        model: The model that was called.
        role: The role the call was made for, when known.
        status_code: The HTTP status, when the failure was an HTTP error.
        original_exception: The exception any-llm or the SDK raised.
        retryable: Whether the runtime retries the same target after this kind of failure.
        failover: Whether the runtime moves on to the role's fallbacks after this kind of failure.
    """

    retryable: bool = False
    failover: bool = False

    def __init__(
        self,
        message: str,
        *,
        provider: str | None = None,
        model: str | None = None,
        role: str | None = None,
        status_code: int | None = None,
        original_exception: BaseException | None = None,
    ):
        self.message = message
        self.provider = provider
        self.model = model
        self.role = role
        self.status_code = status_code
        self.original_exception = original_exception
        super().__init__(message)

    def __str__(self) -> str:
        where = ":".join(part for part in (self.provider, self.model) if part)
        status = f" HTTP {self.status_code}" if self.status_code else ""
        prefix = f"[{where}{status}] " if where or status else ""
        role = f" (role {self.role!r})" if self.role else ""
        return f"{prefix}{self.message}{role}"


class AuthenticationError(ProviderError):
    """The provider rejected the credentials (401/403). Not retried: check the key in the env_key variable."""


class BadRequestError(ProviderError):
    """The provider rejected the request itself (400/404/422, unsupported parameter). Not retried."""


class ModelNotFoundError(ProviderError):
    """The provider does not serve this model (404), e.g. it was retired. Not retried; fallbacks are tried."""

    failover = True


class QuotaExceededError(ProviderError):
    """The account is out of credits or over budget (402). Not retried; fallbacks are tried."""

    failover = True


class RateLimitError(ProviderError):
    """The provider is rate limiting (429). Retried after `retry_after` seconds when the provider says.

    Attributes:
        retry_after: Seconds the provider asked to wait, parsed from Retry-After, if sent.
    """

    retryable = True
    failover = True

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: object):
        self.retry_after = retry_after
        super().__init__(message, **kwargs)  # type: ignore[arg-type]


class ProviderUnavailableError(ProviderError):
    """The provider failed transiently: a 5xx, a timeout or a connection error. Retried."""

    retryable = True
    failover = True


class IncompleteStreamError(ProviderUnavailableError):
    """A stream ended without a finish reason (or before its first chunk): the reply is cut off.

    Raised when the stream ends rather than returning a truncated reply as if it were whole. Before
    the first chunk it is retried and failed over like any transient fault; after chunks have been
    yielded it can only be raised to the caller, who has part of a reply.
    """


@dataclass(frozen=True)
class AttemptRecord:
    """One attempt of a call, as listed by `AllAttemptsFailedError`.

    Attributes:
        provider: Provider of the target tried.
        model: Model of the target tried.
        attempt: 1-based attempt number within the whole call.
        error: One-line description of what went wrong.
        skipped: True when the target was not called because its circuit breaker was open.
        exception: The exception the attempt raised (None for a skipped target).
    """

    provider: str
    model: str
    attempt: int
    error: str
    skipped: bool = False
    exception: BaseException | None = field(default=None, compare=False, repr=False)

    def __str__(self) -> str:
        verb = "skipped" if self.skipped else f"attempt {self.attempt}"
        return f"{self.provider}:{self.model} {verb}: {self.error}"


class AllAttemptsFailedError(ProviderError):
    """Every retry of every target (primary, then fallbacks) failed or was skipped.

    Attributes:
        attempts: What happened at each attempt, in order.
        last_error: The error of the last attempt made, if any attempt was made.
        errors: Every exception raised on the way, in order (each attempt's `exception`; none for an open circuit).
    """

    def __init__(
        self,
        role: str,
        attempts: Sequence[AttemptRecord],
        last_error: ProviderError | None,
    ):
        self.attempts = list(attempts)
        self.last_error = last_error
        self.errors = [a.exception for a in self.attempts if a.exception is not None]
        first = self.attempts[0] if self.attempts else None
        super().__init__(
            f"{_count(self.attempts)}: {_summarise(self.attempts)}",
            provider=first.provider if first else None,
            model=first.model if first else None,
            role=role,
            status_code=last_error.status_code if last_error else None,
            original_exception=last_error,
        )

    def __str__(self) -> str:
        return f"role {self.role!r}: {self.message}"


def _count(attempts: Sequence[AttemptRecord]) -> str:
    skipped = sum(1 for a in attempts if a.skipped)
    made = len(attempts) - skipped
    text = f"all {made} attempt(s) failed"
    return text + (f", {skipped} target(s) skipped" if skipped else "")


def _summarise(attempts: Sequence[AttemptRecord]) -> str:
    """List attempts, merging runs of the same target failing the same way ("attempts 1-3: ...")."""
    groups: list[list[AttemptRecord]] = []
    for record in attempts:
        last = groups[-1][-1] if groups else None
        same = last is not None and (last.provider, last.model, last.error, last.skipped) == (
            record.provider,
            record.model,
            record.error,
            record.skipped,
        )
        if same and not record.skipped:
            groups[-1].append(record)
        else:
            groups.append([record])
    parts = []
    for group in groups:
        head = group[0]
        if len(group) == 1:
            parts.append(str(head))
        else:
            parts.append(f"{head.provider}:{head.model} attempts {head.attempt}-{group[-1].attempt}: {head.error}")
    return "; ".join(parts)
