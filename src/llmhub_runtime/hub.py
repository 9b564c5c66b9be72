"""`LLMHub`: call LLMs by role.

    from llmhub_runtime import LLMHub

    hub = LLMHub()                                   # finds ./llmhub.yaml (or $LLMHUB_CONFIG)
    reply = hub.completion(role="llm.inference", messages=[{"role": "user", "content": "Hi"}])
    vectors = hub.embedding(role="llm.embedding", input=["a", "b"])

The hub resolves the role, merges params, reads the provider's key from its `env_key`, and calls
any-llm with a cached client; retryable failures are retried with backoff, then the role's
fallbacks are tried, with a circuit breaker per target. any-llm is imported on the first call.
"""

from __future__ import annotations

import functools
import logging
import os
import random
import threading
import weakref
from collections.abc import AsyncIterator, Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, overload

from . import _env
from ._flow import Call, run_async, run_sync
from .backends import Backend, BackendRequest, Connection, Operation
from .config_loader import RESERVED_PARAMS, check_config, config_from_dict, find_config_path, parse_config
from .errors import ConfigError, EnvVarMissingError, InvalidCallError, ModeMismatchError
from .hooks import AfterCallHook, BeforeCallHook, EventHook, run_hook
from .models import LLMMode, ProviderConfig, ResilienceConfig, RuntimeConfig
from .reload import ConfigWatcher, HubState, build_state, changed_roles, config_fingerprint, weak_reloader
from .resilience import CircuitBreaker, Timing, merge_resilience
from .resolver import ResolvedCall, ResolvedTarget, resolve, role_targets
from .suggest import did_you_mean
from .yamlmodel import read_text

if TYPE_CHECKING:  # any-llm's response types, for annotations only: importing any-llm costs seconds
    from any_llm.types.audio import Transcription
    from any_llm.types.completion import ChatCompletion, ChatCompletionChunk, CreateEmbeddingResponse
    from any_llm.types.image import ImagesResponse

    from .budget import Budgets, Ledger  # loaded only for configs that set budgets

__all__ = ["LLMHub"]

logger = logging.getLogger("llmhub_runtime")

# Which mode each operation needs, and which method serves each mode (for ModeMismatchError's fix).
_OPERATION_MODES: dict[Operation, frozenset[LLMMode]] = {
    "completion": frozenset({LLMMode.chat}),
    "embedding": frozenset({LLMMode.embedding}),
    "image_generation": frozenset({LLMMode.image}),
    "speech": frozenset({LLMMode.speech, LLMMode.audio}),
    "transcription": frozenset({LLMMode.transcription, LLMMode.audio}),
}
_MODE_METHOD = {
    LLMMode.chat: "completion",
    LLMMode.embedding: "embedding",
    LLMMode.image: "image_generation",
    LLMMode.transcription: "transcription",
    LLMMode.speech: "speech",
    LLMMode.audio: "speech or hub.transcription",
}
_MAX_CACHED_CONNECTIONS = 64

_NOT_FOR_OPERATION: dict[str, frozenset[str]] = {
    "speech": frozenset({"language", "prompt", "timestamp_granularities", "filename", "mime_type"}),
    "transcription": frozenset({"voice", "speed", "instructions"}),
}


class LLMHub:
    """Calls LLMs by role, as configured in `llmhub.yaml`.

    Args:
        config_path: Path of the runtime config. Without it (and without `config`) the hub looks at
            `$LLMHUB_CONFIG`, then `llmhub.$LLMHUB_ENV.yaml` when `LLMHUB_ENV` is set, then `./llmhub.yaml`.
        config: A `RuntimeConfig` or a plain dict, instead of a file.
        strict_env: Fail at construction, listing every missing environment variable the roles need.
        on_before_call: Called with a dict before every attempt (see `llmhub_runtime.hooks`).
        on_after_call: Called with a dict after every attempt, including latency, usage and cost.
        resilience: Overrides of the retry / fallback / circuit-breaker settings, as a
            `ResilienceConfig` or dict; they win over llmhub.yaml (e.g. `{"max_retries": 0}` in tests).
        backend: What makes the calls; defaults to any-llm. Tests pass `llmhub_runtime.testing.FakeBackend`.
        dotenv: Load a `.env` file first (variables already set win): True finds the nearest one from
            the working directory up, a path names it. Off by default: the runtime reads only the
            process environment unless asked. Needs python-dotenv.
        timing: Where the hub reads the clock and waits between attempts
            (`llmhub_runtime.resilience.Timing`); tests pass one that records the waits.
        on_event: Called with a dict when something happens to the hub rather than to one call
            (`{"event": "config_reloaded", ...}`, `{"event": "config_reload_failed", ...}`).
        watch: Poll the config file every `watch` seconds and reload it when it changes (see `watch`).
        rng: Where roles with `variants:` draw their pick: a `random.Random`, or an int that seeds one
            (repeatable splits in tests). Default: a generator seeded by the system.

    Raises:
        ConfigError: the config is missing or invalid.
        EnvVarMissingError: with `strict_env=True`, some variable the roles need is not set.
    """

    def __init__(
        self,
        config_path: str | os.PathLike[str] | None = None,
        *,
        config: RuntimeConfig | Mapping[str, Any] | None = None,
        strict_env: bool = False,
        on_before_call: BeforeCallHook | None = None,
        on_after_call: AfterCallHook | None = None,
        resilience: ResilienceConfig | Mapping[str, Any] | None = None,
        backend: Backend | None = None,
        dotenv: bool | str | os.PathLike[str] = False,
        timing: Timing | None = None,
        on_event: EventHook | None = None,
        watch: float | None = None,
        rng: random.Random | int | None = None,
    ) -> None:
        if dotenv is not False:
            # First, so the file can also set LLMHUB_CONFIG / LLMHUB_ENV and the keys strict_env checks.
            _env.load_dotenv(None if dotenv is True else dotenv)
        if config is not None and config_path is not None:
            raise ConfigError("pass either config_path or config, not both", source=str(config_path))
        self.config_path: Path | None = None
        text: str | None = None
        if isinstance(config, RuntimeConfig):
            loaded = check_config(config)
        elif isinstance(config, Mapping):
            loaded = config_from_dict(config)
        elif config is not None:
            raise TypeError(f"config must be a RuntimeConfig or a dict, not {type(config).__name__}")
        else:
            self.config_path = Path(config_path) if config_path is not None else find_config_path()
            text = _read_config(self.config_path)
            loaded = parse_config(text, source=str(self.config_path))
        self._source = str(self.config_path) if self.config_path else "<config>"
        self.on_before_call = on_before_call
        self.on_after_call = on_after_call
        self.on_event = on_event
        try:
            self._resilience_override = (
                None if resilience is None else merge_resilience(resilience)  # validates a dict
            )
        except ValueError as exc:
            raise ConfigError(f"invalid resilience settings: {exc}", source="LLMHub(resilience=...)") from None
        self._backend = backend
        self._backend_lock = threading.Lock()
        self._timing = timing or Timing()
        self._breaker = CircuitBreaker(self._timing.clock)
        self._connections: dict[tuple[Any, ...], Connection] = {}
        self._warned_default_roles: set[str] = set()
        self._reload_lock = threading.Lock()
        self._rng = rng if isinstance(rng, random.Random) else random.Random(rng)
        # Spend outlives a reload: the ledgers are the hub's, the limits are the config's.
        self._ledgers: dict[str, Ledger] = {}
        self._watcher: ConfigWatcher | None = None
        # Every call reads this once and uses nothing else from the config: reload() replaces it whole.
        self._state: HubState = self._build_state(loaded, text=text)
        self.strict_env = strict_env
        """Whether construction checked every key variable the roles need (the seeds' attribute)."""
        if strict_env:
            missing = self.missing_env_vars()
            if missing:
                raise EnvVarMissingError(missing, source=self._source, context="strict_env=True")
        if watch is not None:
            self.watch(watch)

    @property
    def config(self) -> RuntimeConfig:
        """The config serving new calls (replaced whole by `reload`; never changed in place)."""
        return self._state.config

    @config.setter
    def config(self, config: RuntimeConfig) -> None:
        """Serve new calls from `config` (checked first; calls in flight keep theirs), as `reload` does for a file."""
        with self._reload_lock:
            old = self._state
            new = self._build_state(check_config(config, source=self._source), text=None, version=old.version + 1)
            self._check_env(new)
            self._breaker.retain(new.target_keys())
            self._state = new

    @property
    def config_version(self) -> int:
        """1 for the config the hub was built with, +1 for every config `reload` swapped in."""
        return self._state.version

    @property
    def config_fingerprint(self) -> str:
        """12 hex digits of the loaded file's SHA-256 (of its JSON for an in-memory config).

        The same in every worker that loaded the same file, so logs show which workers picked up a deploy.
        """
        return self._state.fingerprint

    def reload(self) -> bool:
        """Re-read the config file and serve new calls from it; return whether anything changed.

        The new file is validated completely (schema, provider references, resilience settings and,
        with `strict_env=True`, the environment) before it replaces the old config in one step. Calls
        already running finish on the config they started with; circuit-breaker state carries over
        for every target whose provider, model and endpoint are unchanged. An unchanged file is a no-op.

        Raises:
            ConfigError: the file is missing or invalid. The old config keeps serving; the problem is
                also logged and sent to `on_event` as `{"event": "config_reload_failed", ...}`.
        """
        if self.config_path is None:
            raise ConfigError(
                "this hub was built from a config object, not a file: there is nothing to reload; "
                "pass config_path=... to reload, or build a new LLMHub",
                source=self._source,
            )
        with self._reload_lock:  # two reloads at once (watcher and a signal handler) must not interleave
            old = self._state
            try:
                text = _read_config(self.config_path)
                if config_fingerprint(old.config, text) == old.fingerprint:
                    return False
                new = self._build_state(parse_config(text, source=self._source), text=text, version=old.version + 1)
                self._check_env(new)
            except (ConfigError, ValueError) as exc:
                error = exc if isinstance(exc, ConfigError) else ConfigError(str(exc), source=self._source)
                logger.error("llmhub: %s was not reloaded; the previous config keeps serving: %s", self._source, error)
                self._emit(
                    {
                        "event": "config_reload_failed",
                        "source": self._source,
                        "error": str(error),
                        "error_type": type(error).__name__,
                        "config_version": old.version,
                    }
                )
                raise error from None
            self._breaker.retain(new.target_keys())
            self._state = new
        roles = changed_roles(old.config, new.config)
        logger.info(
            "llmhub: reloaded %s (version %d, %s); roles changed: %s",
            self._source,
            new.version,
            new.fingerprint,
            ", ".join(roles) or "none",
        )
        self._emit(
            {
                "event": "config_reloaded",
                "source": self._source,
                "config_version": new.version,
                "fingerprint": new.fingerprint,
                "previous_fingerprint": old.fingerprint,
                "roles_changed": roles,
            }
        )
        return True

    def watch(self, interval: float = 2.0) -> None:
        """Poll the config file every `interval` seconds on a daemon thread; `reload` when it changes.

        A `stat()` per interval, no dependency. A broken edit is reported (event and log) and the old
        config keeps serving until the file changes again. `unwatch()` or `close()` stops it.
        """
        if self.config_path is None:
            raise ConfigError(
                "watch needs a config file, and this hub was built from a config object; pass config_path=...",
                source=self._source,
            )
        self.unwatch()
        watcher = ConfigWatcher(self.config_path, interval, weak_reloader(self))
        # The thread holds the hub weakly; once the hub is gone, the thread ends at its next wake-up.
        weakref.finalize(self, watcher.stop_soon)
        self._watcher = watcher.start()

    def unwatch(self) -> None:
        """Stop watching the config file (no-op when not watching)."""
        watcher, self._watcher = self._watcher, None
        if watcher is not None:
            watcher.stop()

    def _build_state(self, config: RuntimeConfig, *, text: str | None, version: int = 1) -> HubState:
        base_dir = self.config_path.parent if self.config_path is not None else None
        return build_state(
            config,
            override=self._resilience_override,
            version=version,
            text=text,
            source=self._source,
            base_dir=base_dir,
            budgets=self._budgets_for(config, base_dir),
        )

    def _budgets_for(self, config: RuntimeConfig, base_dir: Path | None) -> Budgets | None:
        if config.budget is None and not any(role.budget is not None for role in config.roles.values()):
            return None
        from .budget import Budgets, FileLedger, MemoryLedger, ledger_path  # only for configs with budgets

        store = config.budget.store if config.budget is not None else None
        path = ledger_path(store, base_dir, self._source) if store is not None else None
        name = str(path) if path is not None else ""
        ledger = self._ledgers.get(name)
        if ledger is None:
            ledger = self._ledgers[name] = FileLedger(path) if path is not None else MemoryLedger()
        return Budgets(config, ledger, wall=self._timing.wall, emit=self._emit)

    def spent(self, role: str | None = None) -> float | None:
        """This period's spend (USD) counted for `role`'s own budget, or for the project's with None.

        None when that budget is not set. With a `budget.store`, the figure is at most a second old.
        """
        budgets = self._state.budgets
        return None if budgets is None else budgets.spent(role)

    def _check_env(self, state: HubState) -> None:
        if self.strict_env:
            missing = self._missing_env_vars(state)
            if missing:
                raise EnvVarMissingError(missing, source=self._source, context="strict_env=True")

    def _emit(self, event: dict[str, Any]) -> None:
        run_hook(self.on_event, event)

    @property
    def roles(self) -> list[str]:
        """Names of the roles the config defines."""
        return list(self.config.roles)

    def resolve(
        self, role: str, params_override: Mapping[str, Any] | None = None, *, variant: str | None = None, **kwargs: Any
    ) -> ResolvedCall:
        """Resolve a role to its provider, model, mode, merged params and fallbacks, without calling anything.

        For a role with variants, `variant` names the one to resolve; without it, the role's own block
        (calls pick a variant by weight instead).
        """
        return resolve(self.config, role, params_override, kwargs, variant)

    def missing_env_vars(self) -> list[str]:
        """Every environment variable the roles' providers need that is not set, sorted."""
        return self._missing_env_vars(self._state)

    def _missing_env_vars(self, state: HubState) -> list[str]:
        missing: list[str] = []
        for name in _providers_in_use(state.config):
            provider = state.config.providers[name]
            if provider.env_key and _env.get(provider.env_key) is None:
                missing.append(provider.env_key)
            _env.expand([provider.api_base, provider.client_args], missing)
        return sorted(set(missing))

    def circuit_open(self, provider: str, model: str) -> bool:
        """Whether calls to `provider:model` are currently being skipped by the circuit breaker."""
        state = self._state
        cooldown = state.default_settings.circuit_breaker.cooldown_seconds
        return self._breaker.is_open(state.target_key(provider, model), cooldown)

    def reset_circuits(self) -> None:
        """Close every circuit breaker, so every target is tried again at once."""
        self._breaker.reset()

    @overload
    def completion(
        self,
        role: str,
        messages: list[dict[str, Any]] | list[Any],
        params_override: Mapping[str, Any] | None = None,
        *,
        stream: Literal[False] = False,
        **kwargs: Any,
    ) -> ChatCompletion: ...

    @overload
    def completion(
        self,
        role: str,
        messages: list[dict[str, Any]] | list[Any],
        params_override: Mapping[str, Any] | None = None,
        *,
        stream: Literal[True],
        **kwargs: Any,
    ) -> Iterator[ChatCompletionChunk]: ...

    def completion(
        self,
        role: str,
        messages: list[dict[str, Any]] | list[Any],
        params_override: Mapping[str, Any] | None = None,
        *,
        stream: bool = False,
        **kwargs: Any,
    ) -> ChatCompletion | Iterator[ChatCompletionChunk]:
        """Chat completion for a `chat` role; with `stream=True` returns an iterator of chunks.

        Params merge as defaults ← role ← `params_override` ← keyword arguments (tools,
        response_format, temperature, ...). Returns any-llm's `ChatCompletion`.
        """
        if stream:
            kwargs["stream"] = True
        call = self._call(role, "completion", {"messages": messages}, params_override, kwargs)
        result: ChatCompletion | Iterator[ChatCompletionChunk] = run_sync(call, self._get_backend())
        return result

    @overload
    async def acompletion(
        self,
        role: str,
        messages: list[dict[str, Any]] | list[Any],
        params_override: Mapping[str, Any] | None = None,
        *,
        stream: Literal[False] = False,
        **kwargs: Any,
    ) -> ChatCompletion: ...

    @overload
    async def acompletion(
        self,
        role: str,
        messages: list[dict[str, Any]] | list[Any],
        params_override: Mapping[str, Any] | None = None,
        *,
        stream: Literal[True],
        **kwargs: Any,
    ) -> AsyncIterator[ChatCompletionChunk]: ...

    async def acompletion(
        self,
        role: str,
        messages: list[dict[str, Any]] | list[Any],
        params_override: Mapping[str, Any] | None = None,
        *,
        stream: bool = False,
        **kwargs: Any,
    ) -> ChatCompletion | AsyncIterator[ChatCompletionChunk]:
        """Async `completion`; with `stream=True` returns an async iterator of chunks."""
        if stream:
            kwargs["stream"] = True
        call = self._call(role, "completion", {"messages": messages}, params_override, kwargs)
        result: ChatCompletion | AsyncIterator[ChatCompletionChunk] = await run_async(call, self._get_backend())
        return result

    def stream(
        self,
        role: str,
        messages: list[dict[str, Any]] | list[Any],
        params_override: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatCompletionChunk]:
        """Shorthand for `completion(..., stream=True)`."""
        return self.completion(role, messages, params_override, stream=True, **kwargs)

    async def astream(
        self,
        role: str,
        messages: list[dict[str, Any]] | list[Any],
        params_override: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatCompletionChunk]:
        """Shorthand for `await acompletion(..., stream=True)`."""
        return await self.acompletion(role, messages, params_override, stream=True, **kwargs)

    def embedding(
        self, role: str, input: str | list[str], params_override: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> CreateEmbeddingResponse:
        """Embeddings for an `embedding` role. Returns any-llm's `CreateEmbeddingResponse`."""
        call = self._call(role, "embedding", {"input": input}, params_override, kwargs)
        result: CreateEmbeddingResponse = run_sync(call, self._get_backend())
        return result

    async def aembedding(
        self, role: str, input: str | list[str], params_override: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> CreateEmbeddingResponse:
        """Async `embedding`."""
        call = self._call(role, "embedding", {"input": input}, params_override, kwargs)
        result: CreateEmbeddingResponse = await run_async(call, self._get_backend())
        return result

    def image_generation(
        self, role: str, prompt: str, params_override: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> ImagesResponse:
        """Generate images for an `image` role. Returns any-llm's `ImagesResponse`."""
        call = self._call(role, "image_generation", {"prompt": prompt}, params_override, kwargs)
        result: ImagesResponse = run_sync(call, self._get_backend())
        return result

    async def aimage_generation(
        self, role: str, prompt: str, params_override: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> ImagesResponse:
        """Async `image_generation`."""
        call = self._call(role, "image_generation", {"prompt": prompt}, params_override, kwargs)
        result: ImagesResponse = await run_async(call, self._get_backend())
        return result

    def speech(
        self,
        role: str,
        input: str,
        voice: str | None = None,
        params_override: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> bytes:
        """Text to speech for an `audio` role; `voice` may also come from the role's params. Returns bytes."""
        call = self._call(role, "speech", {"input": input}, params_override, _with_voice(kwargs, voice))
        result: bytes = run_sync(call, self._get_backend())
        return result

    async def aspeech(
        self,
        role: str,
        input: str,
        voice: str | None = None,
        params_override: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> bytes:
        """Async `speech`."""
        call = self._call(role, "speech", {"input": input}, params_override, _with_voice(kwargs, voice))
        result: bytes = await run_async(call, self._get_backend())
        return result

    def transcription(
        self, role: str, file: Any, params_override: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> Transcription:
        """Speech to text for an `audio` role; `file` is bytes, a binary file object or a path."""
        call = self._call(role, "transcription", {"file": file}, params_override, kwargs)
        result: Transcription = run_sync(call, self._get_backend())
        return result

    async def atranscription(
        self, role: str, file: Any, params_override: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> Transcription:
        """Async `transcription`."""
        call = self._call(role, "transcription", {"file": file}, params_override, kwargs)
        result: Transcription = await run_async(call, self._get_backend())
        return result

    def close(self) -> None:
        """Stop the config watcher and close the provider clients this hub opened."""
        self.unwatch()
        if self._backend is not None:
            self._backend.close()

    async def aclose(self) -> None:
        """Async `close`: also closes the clients bound to the running event loop."""
        self.unwatch()
        if self._backend is not None:
            await self._backend.aclose()

    def __enter__(self) -> LLMHub:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    async def __aenter__(self) -> LLMHub:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"<LLMHub {self._source} roles={self.roles!r}>"

    def _call(
        self,
        role: str,
        operation: Operation,
        arguments: dict[str, Any],
        params_override: Mapping[str, Any] | None,
        call_params: Mapping[str, Any],
    ) -> Call:
        for layer in (params_override or {}, call_params):
            clash = sorted(RESERVED_PARAMS.keys() & layer.keys())
            if clash:
                raise InvalidCallError(
                    f"{clash[0]}= cannot be passed to hub.{operation}(role={role!r}, ...): the role decides it; "
                    f"change the role in llmhub.yaml (or call another role)"
                )
        state = self._state  # read once: a reload during this call does not change what it uses
        chosen: tuple[str | None, str | None] = (None, None)
        if "variant" in call_params or "variant_key" in call_params:
            call_params = dict(call_params)  # the hub's own arguments, never sent to the provider
            chosen = (call_params.pop("variant", None), call_params.pop("variant_key", None))
        if state.budgets or state.variants or chosen != (None, None):
            variant, budget_fallback = self._variant_for(state, role, *chosen)
        else:
            variant, budget_fallback = None, False
        resolved = resolve(state.config, role, params_override, call_params, variant)
        expected = _OPERATION_MODES[operation]
        if resolved.mode not in expected:
            needed = min(expected, key=lambda mode: mode == LLMMode.audio).value  # name the specific mode
            raise ModeMismatchError(role, resolved.mode.value, operation, needed, _MODE_METHOD[resolved.mode])
        if resolved.from_defaults and role not in self._warned_default_roles:
            self._warned_default_roles.add(role)
            logger.warning("llmhub: role %r is not in the config; using `defaults` (%s)", role, resolved.model)
        if operation == "speech" and "voice" not in resolved.params:
            raise ConfigError(
                "speech needs a voice: pass voice=... or set `params: {voice: ...}` on the role",
                source=self._source,
                field=f'roles["{role}"].params.voice',
            )
        stream = bool(resolved.params.get("stream")) and operation == "completion"
        return Call(
            resolved=resolved,
            operation=operation,
            arguments=arguments,
            stream=stream,
            settings=state.settings_for(role),
            breaker=self._breaker,
            timing=self._timing,
            build_request=lambda target, args: self._request(state, resolved, operation, target, args, stream),
            on_before=self.on_before_call,
            on_after=self.on_after_call,
            endpoints=state.endpoints,
            cache=state.caches.get(role) if state.caches else None,
            spend=_spend(state.budgets, role) if state.budgets is not None else None,
            budget_fallback=budget_fallback,
        )

    def _variant_for(
        self, state: HubState, role: str, pinned: str | None = None, key: str | None = None
    ) -> tuple[str | None, bool]:
        """The variant this call uses, and whether a hard budget limit chose it (raises when it refuses the call).

        A hard limit's `fallback_variant` wins over everything; then a `variant=` the call names; then
        the one its `variant_key` always gets; else a draw by weight.
        """
        if state.budgets is not None:
            forced = state.budgets.admit(role)
            if forced is not None:
                return forced, True
        picker = state.variants.get(role) if state.variants else None
        if pinned is not None or key is not None:
            names = picker.names if picker is not None else ()
            if pinned is not None and pinned not in names:
                listed = ", ".join(names) or "none"
                raise InvalidCallError(
                    f"variant={pinned!r}: role {role!r} has no such variant (its variants: {listed})"
                    f"{did_you_mean(pinned, names)}"
                )
            if picker is None:
                raise InvalidCallError(f"variant_key= was given, but role {role!r} has no variants to choose from")
            return (pinned if pinned is not None else picker.pick_for(role, str(key))), False
        return (picker.pick(self._rng) if picker is not None else None), False

    def _request(
        self,
        state: HubState,
        resolved: ResolvedCall,
        operation: Operation,
        target: ResolvedTarget,
        arguments: dict[str, Any],
        stream: bool,
    ) -> BackendRequest:
        # An audio role's params serve both speech and transcription; each gets only what it accepts.
        skip = _NOT_FOR_OPERATION.get(operation, frozenset()) | {"stream"}
        params = {key: value for key, value in target.params.items() if key not in skip}
        return BackendRequest(
            role=resolved.role,
            operation=operation,
            connection=self._connection(state, target.provider, resolved.role),
            model=target.model,
            arguments={**params, **arguments},
            stream=stream,
        )

    def _connection(self, state: HubState, name: str, role: str) -> Connection:
        provider: ProviderConfig = state.config.providers[name]
        disable_sdk_retries = state.settings_for(role).disable_sdk_retries
        # Cached per provider block (so a reload that changes it gets a new client, and one that does
        # not keeps the old) and by the values of the variables it reads, so a rotated key is seen.
        variables = state.variables[name]
        key = (
            name,
            state.connection_ids[name],
            disable_sdk_retries,
            *(_env.get(variable) for variable in variables),
        )
        connection = self._connections.get(key)
        if connection is None:
            connection = self._build_connection(name, provider, role, disable_sdk_retries)
            if len(self._connections) >= _MAX_CACHED_CONNECTIONS:  # keys rotated many times: start afresh
                self._connections.clear()
            self._connections[key] = connection
        return connection

    def _build_connection(
        self, name: str, provider: ProviderConfig, role: str, disable_sdk_retries: bool
    ) -> Connection:
        missing: list[str] = []
        api_key = None
        if provider.env_key:
            api_key = _env.get(provider.env_key)
            if api_key is None:
                missing.append(provider.env_key)
        api_base, client_args = _env.expand([provider.api_base, provider.client_args], missing)
        # A test double (FakeBackend) sends nothing anywhere: it needs no key and no endpoint variable.
        if missing and getattr(self._backend, "uses_credentials", True):
            raise EnvVarMissingError(
                sorted(set(missing)), source=self._source, context=f"provider {name!r}, used by role {role!r}"
            )
        return Connection(
            provider=name,
            provider_type=provider.type or name,
            api_key=api_key,
            api_base=api_base,
            timeout=provider.timeout,
            client_args=client_args,
            disable_sdk_retries=disable_sdk_retries,
        )

    def warmup(self) -> None:
        """Pay for importing any-llm and the provider SDKs now instead of on the first call.

        `import llmhub_runtime` stays light and the first call imports any-llm (seconds on a cold
        start); a server calls this at start-up so no request waits for it, e.g. in a FastAPI
        lifespan: `hub = LLMHub(); hub.warmup()` before `yield`. Sends no request.
        """
        backend = self._get_backend()
        prepare = getattr(backend, "prepare", None)
        if prepare is not None:
            config = self.config
            for name in _providers_in_use(config):
                provider = config.providers.get(name)
                prepare(provider.type or name if provider is not None else name)

    def _get_backend(self) -> Backend:
        if self._backend is None:
            with self._backend_lock:
                if self._backend is None:
                    # Deferred so `import llmhub_runtime` never pays for any-llm and the provider SDKs.
                    from .backends.anyllm import AnyLLMBackend

                    self._backend = AnyLLMBackend()
        return self._backend


def _providers_in_use(config: RuntimeConfig) -> list[str]:
    names: set[str] = set()
    for role in config.roles.values():
        names.update(provider for provider, _ in role_targets(role))
    if config.defaults is not None and config.defaults.provider:
        names.add(config.defaults.provider)
    return sorted(names)


def _spend(budgets: Budgets | None, role: str) -> functools.partial[None] | None:
    """What counts a call's cost, when a budget covers the role."""
    if budgets is None or not budgets.scopes(role):
        return None
    return functools.partial(budgets.record, role)


def _read_config(path: Path) -> str:
    return read_text(path, missing_hint="generate it with `llmhub generate`, or pass the right path")


def _with_voice(kwargs: Mapping[str, Any], voice: str | None) -> dict[str, Any]:
    return {**kwargs, "voice": voice} if voice is not None else dict(kwargs)
