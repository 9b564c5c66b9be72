"""The default backend: calls providers through any-llm, reusing one provider client per connection.

Two traps shape this module (measured with any-llm-sdk 1.40):

* Module-level `any_llm.completion` builds a new provider client on every call (~20 ms on a local
  server against ~1.5 ms for a reused client), so clients are cached per (provider, api_base, key, ...).
* An async client keeps its connection pool bound to the event loop that first used it. Reused from a
  later `asyncio.run()` it sends on a dead connection and the SDK silently retries, so one call can bill
  twice. Async clients are therefore cached per event loop, and sync calls get their own clients,
  which only ever run on any-llm's long-lived runner loop.

Also: the SDK's hidden retries are turned off (`max_retries=0`) where the provider supports it, so
the hub's retry count is the number of requests the server sees.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
import weakref
from collections.abc import AsyncGenerator, AsyncIterator, Iterator, Mapping
from typing import Any, NamedTuple

from any_llm import AnyLLM
from any_llm import exceptions as anyllm_errors
from any_llm.providers.openai.base import BaseOpenAIProvider
from any_llm.utils.aio import run_async_in_sync

from llmhub_runtime.errors import (
    AuthenticationError,
    BadRequestError,
    EnvVarMissingError,
    LLMHubError,
    MissingDependencyError,
    ModelNotFoundError,
    ProviderError,
    ProviderUnavailableError,
    QuotaExceededError,
    RateLimitError,
    UnknownProviderError,
)
from llmhub_runtime.resilience import parse_retry_after
from llmhub_runtime.suggest import did_you_mean

from . import BackendRequest, Connection

__all__ = ["AnyLLMBackend"]

_ClientKey = tuple[Any, ...]

# Exception class names (anywhere in the MRO) that mean the request may never have reached the server.
_TRANSIENT_NAMES = ("Timeout", "Connect", "NetworkError", "TransportError", "RemoteProtocolError", "ReadError")


class AnyLLMBackend:
    """Makes calls through any-llm provider instances that are created once and reused."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sync_clients: dict[_ClientKey, AnyLLM] = {}
        self._async_clients: dict[_ClientKey, _LoopClient] = {}
        # The loop any-llm runs sync calls on, learnt on the first sync call.
        self._runner_loop: list[asyncio.AbstractEventLoop] = []
        # A hub that is dropped without close() still closes its sync clients' sockets.
        finalizer = weakref.finalize(self, _close_later, self._sync_clients, self._runner_loop)
        finalizer.atexit = False
        _BACKENDS.add(self)

    def prepare(self, provider_type: str) -> None:
        """Import a provider's any-llm module and SDK now (for `LLMHub.warmup`).

        A missing SDK is left for the first call to report, with the pip command that fixes it.
        """
        with contextlib.suppress(Exception):
            AnyLLM.get_provider_class(provider_type)

    def _forget_clients(self) -> None:
        """Drop every client without closing it: in a forked child they belong to the parent's loops."""
        self._lock = threading.Lock()
        self._sync_clients.clear()
        self._async_clients.clear()
        self._runner_loop.clear()

    def invoke(self, request: BackendRequest) -> Any:
        """Make one call on the calling thread (any-llm runs it on its long-lived runner loop)."""
        client = self._sync_client(request.connection)
        try:
            if request.operation == "completion":
                return client.completion(model=request.model, **self._completion_kwargs(client, request))
            return run_async_in_sync(self._coroutine(client, request))
        except Exception as exc:
            raise _map_error(exc, request) from exc

    async def ainvoke(self, request: BackendRequest) -> Any:
        """Make one call on the running event loop, with a client bound to that loop."""
        client = await self._async_client(request.connection)
        try:
            if request.operation == "completion":
                return await client.acompletion(model=request.model, **self._completion_kwargs(client, request))
            return await self._coroutine(client, request)
        except Exception as exc:
            raise _map_error(exc, request) from exc

    def invoke_stream(self, request: BackendRequest) -> Iterator[Any]:
        """Start a streaming completion; errors, also mid-stream, arrive as `ProviderError`s."""
        client = self._sync_client(request.connection)
        try:
            chunks = client.completion(model=request.model, stream=True, **self._completion_kwargs(client, request))
        except Exception as exc:
            raise _map_error(exc, request) from exc
        return _mapped_iterator(chunks, request)

    async def ainvoke_stream(self, request: BackendRequest) -> AsyncIterator[Any]:
        """Async streaming completion, as an async generator; the request starts on the first `anext`."""
        client = await self._async_client(request.connection)
        chunks: Any = None
        try:
            chunks = await client.acompletion(
                model=request.model, stream=True, **self._completion_kwargs(client, request)
            )
            async for chunk in chunks:
                yield chunk
        except Exception as exc:
            raise _map_error(exc, request) from exc
        finally:
            close = getattr(chunks, "aclose", None)
            if close is not None:
                await close()

    def close(self) -> None:
        """Drop every cached client, closing the sync ones' HTTP pools."""
        with self._lock:
            sync_clients = list(self._sync_clients.values())
            self._sync_clients.clear()
            self._async_clients.clear()
        for client in sync_clients:
            closer = _closer(client)
            if closer is not None:
                try:
                    run_async_in_sync(closer())
                except Exception:
                    continue

    async def aclose(self) -> None:
        """Close the clients bound to the running loop, and drop every cached client."""
        loop = asyncio.get_running_loop()
        with self._lock:
            mine = [entry for entry in self._async_clients.values() if entry.loop is loop]
            self._async_clients.clear()
        for entry in mine:
            await entry.guard.aclose()
        await asyncio.to_thread(self.close)

    def _sync_client(self, connection: Connection) -> AnyLLM:
        key = _client_key(connection)
        client = self._sync_clients.get(key)
        if client is None:
            with self._lock:
                client = self._sync_clients.get(key)
                if client is None:
                    if not self._runner_loop:
                        self._runner_loop.append(run_async_in_sync(_running_loop()))
                    client = _create_client(connection)
                    self._sync_clients[key] = client
        return client

    async def _async_client(self, connection: Connection) -> AnyLLM:
        loop = asyncio.get_running_loop()
        key = (id(loop), *_client_key(connection))
        entry = self._async_clients.get(key)
        if entry is not None and entry.loop is loop:
            return entry.client
        with self._lock:
            entry = self._async_clients.get(key)
            if entry is not None and entry.loop is loop:
                return entry.client
            # Clients of loops that have finished (e.g. an earlier asyncio.run) can never be used again.
            for stale in [k for k, e in self._async_clients.items() if e.loop.is_closed()]:
                del self._async_clients[stale]
            client = _create_client(connection)
            entry = _LoopClient(loop, client, _close_at_loop_shutdown(client))
            self._async_clients[key] = entry
        # Starting the guard registers it with the loop, whose shutdown (asyncio.run does this) then
        # closes the client while the loop can still run the close: no sockets left to leak.
        await anext(entry.guard)
        return client

    @staticmethod
    def _completion_kwargs(client: AnyLLM, request: BackendRequest) -> dict[str, Any]:
        kwargs = dict(request.arguments)
        if request.connection.timeout is not None:
            kwargs.setdefault("timeout", request.connection.timeout)
        return kwargs

    @staticmethod
    def _coroutine(client: AnyLLM, request: BackendRequest) -> Any:
        args = dict(request.arguments)
        if request.connection.timeout is not None and isinstance(client, BaseOpenAIProvider):
            # The OpenAI SDK takes a per-request timeout on every endpoint; other SDKs differ, so they
            # keep their client default for these operations (completion gets any-llm's own mapping).
            args.setdefault("timeout", request.connection.timeout)
        model = request.model
        if request.operation == "embedding":
            return client.aembedding(model, args.pop("input"), **args)
        if request.operation == "image_generation":
            return client.aimage_generation(model, args.pop("prompt"), **args)
        if request.operation == "speech":
            return client.aspeech(model, args.pop("input"), args.pop("voice"), **args)
        if request.operation == "transcription":
            return client.atranscription(model, args.pop("file"), **args)
        raise ValueError(f"unknown operation {request.operation!r}")


# Every live backend, so a forked child (gunicorn --preload, multiprocessing) can reset them all: the
# parent's runner loop thread does not survive fork(), and any-llm starts a new one in the child.
_BACKENDS: weakref.WeakSet[AnyLLMBackend] = weakref.WeakSet()


def _forget_all_clients() -> None:
    for backend in list(_BACKENDS):
        backend._forget_clients()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_all_clients)


async def _running_loop() -> asyncio.AbstractEventLoop:
    return asyncio.get_running_loop()


def _close_later(clients: dict[_ClientKey, AnyLLM], runner_loop: list[asyncio.AbstractEventLoop]) -> None:
    """Schedule closing `clients` on the loop they live on, without blocking (this runs during GC)."""
    if not clients or not runner_loop or runner_loop[0].is_closed():
        return
    for client in list(clients.values()):
        closer = _closer(client)
        if closer is not None:
            with contextlib.suppress(RuntimeError):
                asyncio.run_coroutine_threadsafe(closer(), runner_loop[0])
    clients.clear()


class _LoopClient(NamedTuple):
    loop: asyncio.AbstractEventLoop
    client: AnyLLM
    guard: AsyncGenerator[None, None]


async def _close_at_loop_shutdown(client: AnyLLM) -> AsyncGenerator[None, None]:
    try:
        yield
    finally:
        closer = _closer(client)
        if closer is not None:
            with contextlib.suppress(Exception):
                await closer()


def _client_key(connection: Connection) -> _ClientKey:
    return (
        connection.provider_type,
        connection.api_base,
        connection.api_key,
        _freeze(connection.client_args),
        connection.disable_sdk_retries,
    )


def _freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), _freeze(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value


def _create_client(connection: Connection) -> AnyLLM:
    try:
        provider_class = AnyLLM.get_provider_class(connection.provider_type)
        kwargs: dict[str, Any] = dict(connection.client_args)
        if (
            connection.disable_sdk_retries
            and provider_class.MAX_RETRIES_SUPPORT != "unsupported"
            and "max_retries" not in kwargs
        ):
            kwargs["max_retries"] = 0
        return AnyLLM.create(
            connection.provider_type,
            api_key=connection.api_key,
            api_base=connection.api_base,
            unified_exceptions=True,
            **kwargs,
        )
    except anyllm_errors.UnsupportedProviderError as exc:
        raise _unknown_provider(exc, connection) from exc
    except anyllm_errors.MissingApiKeyError as exc:
        raise EnvVarMissingError(
            [exc.env_var_name],
            context=f"the API key of provider {connection.provider!r}; or name another variable with env_key",
        ) from exc
    except ImportError as exc:
        raise MissingDependencyError(
            f"provider {connection.provider_type!r} needs an SDK that is not installed: "
            f'pip install "any-llm-sdk[{connection.provider_type}]"'
        ) from exc


def _unknown_provider(exc: anyllm_errors.UnsupportedProviderError, connection: Connection) -> UnknownProviderError:
    hint = did_you_mean(connection.provider_type, exc.supported_providers)
    return UnknownProviderError(
        f"{connection.provider_type!r} is not an any-llm provider{hint}; use an any-llm provider name, "
        f"or set `type:` to one (e.g. `type: openai` with `api_base:` for an OpenAI-compatible server)",
        field=f'providers["{connection.provider}"]',
    )


def _mapped_iterator(chunks: Iterator[Any], request: BackendRequest) -> Iterator[Any]:
    try:
        yield from chunks
    except Exception as exc:
        raise _map_error(exc, request) from exc
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()


def _closer(client: AnyLLM) -> Any:
    sdk_client = getattr(client, "client", None)
    return getattr(sdk_client, "close", None) or getattr(sdk_client, "aclose", None)


def _masked(text: str, request: BackendRequest) -> str:
    """`text` with the connection's key (and long client_args values, such as auth headers) as `***`.

    Proxies and some self-hosted servers echo the credential in their error body; from there it
    would reach exception messages, hook payloads, attempt records and any log of them.
    """
    connection = request.connection
    secrets = [connection.api_key] if connection.api_key else []
    secrets += [value for value in _strings(connection.client_args) if len(value) >= 12]
    for secret in sorted({s for s in secrets if len(s) >= 6}, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list | tuple):
        return [s for item in value for s in _strings(item)]
    return []


# The runtime error each any-llm exception type becomes; the most derived type listed wins. Types not
# listed here (any-llm's generic ProviderError and AnyLLMError) are classified by status in `_classify`.
_ERROR_TYPES: dict[type[Exception], type[ProviderError]] = {
    anyllm_errors.RateLimitError: RateLimitError,
    anyllm_errors.AuthenticationError: AuthenticationError,
    anyllm_errors.ModelNotFoundError: ModelNotFoundError,
    anyllm_errors.InsufficientFundsError: QuotaExceededError,
    anyllm_errors.InvalidRequestError: BadRequestError,
    anyllm_errors.ContextLengthExceededError: BadRequestError,
    anyllm_errors.ContentFilterError: BadRequestError,
    anyllm_errors.UnsupportedParameterError: BadRequestError,
    # A 404 on a provider-hosted file: the request names something that is not there.
    anyllm_errors.ProviderFileNotFoundError: BadRequestError,
    # Structured output stopped by max_tokens or the content filter: the same request stops the same way.
    anyllm_errors.LengthFinishReasonError: BadRequestError,
    anyllm_errors.ContentFilterFinishReasonError: BadRequestError,
    # Batch results asked for too early (the runtime makes no batch calls; here so no type goes unmapped).
    anyllm_errors.BatchNotCompleteError: BadRequestError,
    anyllm_errors.UpstreamProviderError: ProviderUnavailableError,
    anyllm_errors.GatewayTimeoutError: ProviderUnavailableError,
}

# SDK exceptions that any-llm wraps in its generic ProviderError (it classifies them by message), by
# class name: the openai SDK's structured-output `parse()` raises these before any-llm's own check.
_SDK_ERROR_TYPES: dict[str, type[ProviderError]] = {
    "LengthFinishReasonError": BadRequestError,
    "ContentFilterFinishReasonError": BadRequestError,
}

# How the message of a mapped error reads, by runtime error type ("{}" is the provider's message).
_MESSAGES: dict[type[ProviderError], str] = {
    AuthenticationError: "{}; check the key in the provider's env_key variable",
}


def _map_error(exc: Exception, request: BackendRequest) -> Exception:
    """Translate an any-llm / SDK exception into the runtime's error tree (or return it unchanged)."""
    if isinstance(exc, LLMHubError):
        return exc
    if isinstance(exc, anyllm_errors.MissingApiKeyError):
        return EnvVarMissingError(
            [exc.env_var_name], context=f"the API key of provider {request.connection.provider!r}"
        )
    if isinstance(exc, anyllm_errors.UnsupportedProviderError):
        return _unknown_provider(exc, request.connection)
    classified = _classify(exc, request)
    if classified is None:
        return exc
    error_type, template = classified
    message = template.format(_masked(getattr(exc, "message", None) or str(exc) or type(exc).__name__, request))
    common: dict[str, Any] = {
        "provider": request.connection.provider,
        "model": request.model,
        "role": request.role,
        "status_code": getattr(exc, "status_code", None),
        "original_exception": exc,
    }
    if error_type is RateLimitError:
        return RateLimitError(message, retry_after=parse_retry_after(getattr(exc, "retry_after", None)), **common)
    return error_type(message, **common)


def _classify(exc: Exception, request: BackendRequest) -> tuple[type[ProviderError], str] | None:
    """The runtime error type `exc` becomes and its message template; None to leave `exc` as it is."""
    error_type = _listed_type(exc)
    if error_type is not None:
        return error_type, _MESSAGES.get(error_type, "{}")
    if _is_invalid_body(exc):
        # A 200 whose body is cut off or is not JSON (a proxy's HTML error page, a dropped
        # connection): a provider fault like a 5xx, so it is retried and failed over.
        return ProviderUnavailableError, "the provider sent a response that is not valid JSON ({})"
    if isinstance(exc, anyllm_errors.AnyLLMError):
        # any-llm's generic ProviderError: a 5xx or a transport failure is transient; any other
        # status, or an error nothing recognises, stays the generic ProviderError.
        return (ProviderUnavailableError if _is_server_fault(exc) else ProviderError), "{}"
    if isinstance(exc, NotImplementedError):
        connection = request.connection
        return BadRequestError, f"{connection.provider_type} does not support {request.operation} in any-llm ({{}})"
    if isinstance(exc, TimeoutError | ConnectionError) or _is_transient(exc):
        return ProviderUnavailableError, "{}"
    return None


def _listed_type(exc: Exception) -> type[ProviderError] | None:
    """The runtime error type `_ERROR_TYPES` (or, for a wrapped SDK exception, `_SDK_ERROR_TYPES`) gives."""
    for cls in type(exc).__mro__:
        if cls in _ERROR_TYPES:
            return _ERROR_TYPES[cls]
    return _SDK_ERROR_TYPES.get(type(getattr(exc, "original_exception", None) or exc).__name__)


def _is_server_fault(exc: anyllm_errors.AnyLLMError) -> bool:
    """Whether an unclassified any-llm error is a 5xx, or a timeout / connection failure (no status)."""
    status = exc.status_code
    if status is None:
        return _is_transient(exc.original_exception or exc)
    return status >= 500


def _is_invalid_body(exc: BaseException) -> bool:
    """Whether `exc` (or the exception it wraps) is a response body that could not be decoded."""
    import json

    seen: BaseException | None = exc
    for _ in range(4):  # any-llm wraps the SDK's exception, which may wrap the decoder's
        if seen is None:
            return False
        if isinstance(seen, json.JSONDecodeError) or type(seen).__name__ == "APIResponseValidationError":
            return True
        seen = getattr(seen, "original_exception", None) or seen.__cause__
    return False


def _is_transient(exc: BaseException) -> bool:
    return any(any(name in cls.__name__ for name in _TRANSIENT_NAMES) for cls in type(exc).__mro__)
