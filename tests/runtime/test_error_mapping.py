"""The any-llm error-mapping table: every exception any-llm can raise becomes a specific runtime error.

The first half walks `any_llm.exceptions`, so an exception type a new any-llm release adds fails here
until `_ERROR_TYPES` in `llmhub_runtime/backends/anyllm.py` (and `CASES` below) say what it becomes.
The second half drives the real any-llm path against the local fake OpenAI-compatible server.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable, Iterator, Mapping
from importlib.metadata import version
from typing import Any

import any_llm
import httpx2
import openai
import pytest
from any_llm import exceptions as anyllm_errors
from any_llm.types.completion import ParsedChatCompletion
from any_llm.utils.exception_handler import convert_exception
from openai.types.chat import ChatCompletion

from llmhub_runtime import LLMHub
from llmhub_runtime.backends import BackendRequest, Connection, Operation
from llmhub_runtime.backends.anyllm import _ERROR_TYPES, AnyLLMBackend, _map_error
from llmhub_runtime.errors import (
    AuthenticationError,
    BadRequestError,
    EnvVarMissingError,
    LLMHubError,
    ModelNotFoundError,
    ProviderError,
    ProviderUnavailableError,
    QuotaExceededError,
    RateLimitError,
    UnknownProviderError,
)
from llmhub_runtime.testing import FakeOpenAIServer, ScriptedResponse
from llmhub_runtime.testing import _server as fake_server_module

KEY = "sk-test-local"  # the fake_server fixture's key
CHAT = "/v1/chat/completions"
MESSAGES = [{"role": "user", "content": "hello there"}]
MAPPING_FILE = "src/llmhub_runtime/backends/anyllm.py (_ERROR_TYPES)"

AnyLLMFactory = Callable[[], anyllm_errors.AnyLLMError]


def _parsed_completion() -> ParsedChatCompletion[Any]:
    return ParsedChatCompletion[Any].model_construct(id="c1", choices=[], created=0, model="m")


# Every exception type any-llm defines: the runtime error it must become, and how any-llm raises it.
CASES: dict[type[anyllm_errors.AnyLLMError], tuple[type[LLMHubError], AnyLLMFactory]] = {
    anyllm_errors.RateLimitError: (
        RateLimitError,
        lambda: anyllm_errors.RateLimitError("slow down", status_code=429, retry_after="7"),
    ),
    anyllm_errors.AuthenticationError: (
        AuthenticationError,
        lambda: anyllm_errors.AuthenticationError("bad key", status_code=401),
    ),
    anyllm_errors.InvalidRequestError: (
        BadRequestError,
        lambda: anyllm_errors.InvalidRequestError("bad request", status_code=400),
    ),
    # any-llm's generic ProviderError as it raises it for a 5xx; other statuses are tested below.
    anyllm_errors.ProviderError: (
        ProviderUnavailableError,
        lambda: anyllm_errors.ProviderError("internal error", status_code=500),
    ),
    anyllm_errors.ContentFilterError: (
        BadRequestError,
        lambda: anyllm_errors.ContentFilterError("blocked", status_code=400),
    ),
    anyllm_errors.ProviderFileNotFoundError: (
        BadRequestError,
        lambda: anyllm_errors.ProviderFileNotFoundError("no such file", status_code=404),
    ),
    anyllm_errors.ModelNotFoundError: (
        ModelNotFoundError,
        lambda: anyllm_errors.ModelNotFoundError("no such model", status_code=404),
    ),
    anyllm_errors.ContextLengthExceededError: (
        BadRequestError,
        lambda: anyllm_errors.ContextLengthExceededError("too long", status_code=400),
    ),
    anyllm_errors.MissingApiKeyError: (
        EnvVarMissingError,
        lambda: anyllm_errors.MissingApiKeyError("openai", "OPENAI_API_KEY"),
    ),
    anyllm_errors.UnsupportedProviderError: (
        UnknownProviderError,
        lambda: anyllm_errors.UnsupportedProviderError("opnai", ["anthropic", "openai"]),
    ),
    anyllm_errors.UnsupportedParameterError: (
        BadRequestError,
        lambda: anyllm_errors.UnsupportedParameterError("n", "openai"),
    ),
    anyllm_errors.InsufficientFundsError: (
        QuotaExceededError,
        lambda: anyllm_errors.InsufficientFundsError("out of credits", status_code=402),
    ),
    anyllm_errors.UpstreamProviderError: (
        ProviderUnavailableError,
        lambda: anyllm_errors.UpstreamProviderError("bad gateway", status_code=502),
    ),
    anyllm_errors.GatewayTimeoutError: (
        ProviderUnavailableError,
        lambda: anyllm_errors.GatewayTimeoutError("gateway timeout", status_code=504),
    ),
    anyllm_errors.LengthFinishReasonError: (
        BadRequestError,
        lambda: anyllm_errors.LengthFinishReasonError(completion=_parsed_completion()),
    ),
    anyllm_errors.ContentFilterFinishReasonError: (
        BadRequestError,
        lambda: anyllm_errors.ContentFilterFinishReasonError(completion=_parsed_completion()),
    ),
    anyllm_errors.BatchNotCompleteError: (
        BadRequestError,
        lambda: anyllm_errors.BatchNotCompleteError("batch-1", "in_progress", "openai"),
    ),
}


def _any_llm_exception_types() -> list[type[anyllm_errors.AnyLLMError]]:
    """Every public AnyLLMError subclass in `any_llm.exceptions` (and re-exported by `any_llm`)."""
    found = {
        value
        for namespace in (vars(anyllm_errors), vars(any_llm))
        for name, value in namespace.items()
        if inspect.isclass(value)
        and issubclass(value, anyllm_errors.AnyLLMError)
        and value is not anyllm_errors.AnyLLMError
        and not name.startswith("_")  # _FinishReasonError: a base any-llm never raises itself
    }
    return sorted(found, key=lambda cls: cls.__name__)


ANY_LLM_TYPES = _any_llm_exception_types()


def _request(
    api_base: str | None = None,
    *,
    api_key: str = KEY,
    model: str = "fake-chat",
    operation: Operation = "completion",
    arguments: Mapping[str, Any] | None = None,
) -> BackendRequest:
    return BackendRequest(
        role="chat",
        operation=operation,
        connection=Connection(provider="local", provider_type="openai", api_key=api_key, api_base=api_base),
        model=model,
        arguments={"messages": MESSAGES} if arguments is None else arguments,
    )


REQUEST = _request("http://127.0.0.1:9/v1", api_key="sk-secret-value-123")


def _instance(cls: type[anyllm_errors.AnyLLMError]) -> anyllm_errors.AnyLLMError:
    case = CASES.get(cls)
    if case is not None:
        return case[1]()
    try:
        return cls("an error of a type this test does not know")
    except TypeError as exc:
        pytest.fail(f"any-llm's {cls.__name__} takes other arguments ({exc}); add it to CASES in {__file__}")


# --- every any-llm exception type -------------------------------------------------------------------


def test_the_walk_finds_any_llm_exception_types() -> None:
    names = {cls.__name__ for cls in ANY_LLM_TYPES}
    assert {"RateLimitError", "ModelNotFoundError", "InsufficientFundsError"} <= names


def test_every_any_llm_exception_type_has_a_decided_mapping() -> None:
    new = [cls.__name__ for cls in ANY_LLM_TYPES if cls not in CASES]
    assert not new, (
        f"any-llm {version('any-llm-sdk')} defines exception types the runtime has no mapping for: {', '.join(new)}. "
        f"Decide which llmhub_runtime error each becomes, map it in {MAPPING_FILE}, and add it to CASES here."
    )
    gone = [cls.__name__ for cls in CASES if cls not in ANY_LLM_TYPES]
    assert not gone, f"any-llm no longer defines {', '.join(gone)}: drop them from CASES and {MAPPING_FILE}"


@pytest.mark.parametrize("cls", ANY_LLM_TYPES, ids=lambda cls: cls.__name__)
def test_each_any_llm_exception_becomes_a_specific_runtime_error(cls: type[anyllm_errors.AnyLLMError]) -> None:
    exc = _instance(cls)
    mapped = _map_error(exc, REQUEST)
    assert isinstance(mapped, LLMHubError), (
        f"any-llm's {cls.__name__} is not mapped at all: _map_error returned it unchanged; map it in {MAPPING_FILE}"
    )
    assert type(mapped) is not ProviderError, (
        f"any-llm's {cls.__name__} falls through to the generic ProviderError (not retried, no fallbacks); "
        f"map it to a specific error in {MAPPING_FILE}"
    )
    expected = CASES[cls][0] if cls in CASES else None
    assert type(mapped) is expected, f"any-llm's {cls.__name__} becomes {type(mapped).__name__}, not {expected}"


@pytest.mark.parametrize(
    "cls",
    [cls for cls in ANY_LLM_TYPES if cls in CASES and issubclass(CASES[cls][0], ProviderError)],
    ids=lambda cls: cls.__name__,
)
def test_mapped_provider_errors_keep_the_call_details(cls: type[anyllm_errors.AnyLLMError]) -> None:
    exc = _instance(cls)
    mapped = _map_error(exc, REQUEST)
    assert isinstance(mapped, ProviderError)
    assert (mapped.provider, mapped.model, mapped.role) == ("local", "fake-chat", "chat")
    assert mapped.original_exception is exc
    assert mapped.status_code == exc.status_code
    assert exc.message in mapped.message


def test_the_table_only_lists_types_any_llm_defines() -> None:
    assert set(_ERROR_TYPES) <= set(ANY_LLM_TYPES)
    for any_llm_type, runtime_type in _ERROR_TYPES.items():
        assert issubclass(any_llm_type, anyllm_errors.AnyLLMError)
        assert runtime_type is CASES[any_llm_type][0], any_llm_type.__name__


def test_rate_limit_keeps_retry_after_and_auth_says_where_the_key_comes_from() -> None:
    limited = _map_error(anyllm_errors.RateLimitError("slow down", status_code=429, retry_after="7"), REQUEST)
    assert isinstance(limited, RateLimitError)
    assert limited.retry_after == 7.0
    denied = _map_error(anyllm_errors.AuthenticationError("bad key", status_code=401), REQUEST)
    assert denied.args == ("bad key; check the key in the provider's env_key variable",)


def test_config_errors_name_the_provider() -> None:
    missing = _map_error(anyllm_errors.MissingApiKeyError("openai", "OPENAI_API_KEY"), REQUEST)
    assert isinstance(missing, EnvVarMissingError)
    assert missing.variables == ["OPENAI_API_KEY"]
    unknown = _map_error(anyllm_errors.UnsupportedProviderError("opnai", ["openai"]), REQUEST)
    assert isinstance(unknown, UnknownProviderError)
    assert unknown.field == 'providers["local"]'


@pytest.mark.parametrize(
    ("status", "original", "expected"),
    [
        (500, None, ProviderUnavailableError),
        (503, None, ProviderUnavailableError),
        (409, None, ProviderError),  # a status any-llm gives no meaning: the generic error
        (418, None, ProviderError),
        (
            None,
            openai.APIConnectionError(request=httpx2.Request("POST", "http://127.0.0.1/")),
            ProviderUnavailableError,
        ),
        (None, ValueError("an SDK error nobody recognises"), ProviderError),
    ],
)
def test_any_llm_generic_provider_error_is_classified_by_status(
    status: int | None, original: Exception | None, expected: type[ProviderError]
) -> None:
    exc = anyllm_errors.ProviderError("it went wrong", original_exception=original, status_code=status)
    mapped = _map_error(exc, REQUEST)
    assert type(mapped) is expected
    assert isinstance(mapped, ProviderError) and mapped.status_code == status


def test_an_unknown_error_shape_is_the_generic_error_with_the_message_kept_and_the_key_masked() -> None:
    class OddSDKError(Exception):
        pass

    raw = OddSDKError("gremlins ate the reply; request carried sk-secret-value-123")
    mapped = _map_error(convert_exception(raw, "openai"), REQUEST)
    assert type(mapped) is ProviderError
    assert str(mapped) == "[local:fake-chat] gremlins ate the reply; request carried *** (role 'chat')"


def test_errors_that_are_not_provider_failures_are_left_alone() -> None:
    bug = KeyError("a bug in the caller's code")
    assert _map_error(bug, REQUEST) is bug
    already = QuotaExceededError("already mapped")
    assert _map_error(already, REQUEST) is already


def test_not_implemented_is_a_bad_request_naming_the_operation() -> None:
    mapped = _map_error(NotImplementedError("no speech here"), _request(operation="speech", arguments={}))
    assert type(mapped) is BadRequestError
    assert mapped.args == ("openai does not support speech in any-llm (no speech here)",)


# --- OpenAI SDK exceptions, raw (as any-llm re-raises them) and as any-llm wraps them -------------------

_HTTP_REQUEST = httpx2.Request("POST", "http://127.0.0.1/v1/chat/completions")


def _response(status: int) -> httpx2.Response:
    return httpx2.Response(status, request=_HTTP_REQUEST)


def _length_finish() -> openai.LengthFinishReasonError:
    completion = ChatCompletion(id="c1", choices=[], created=0, model="m", object="chat.completion")
    return openai.LengthFinishReasonError(completion=completion)


# The SDK exceptions `_map_error` recognises itself (by class name), so also when they arrive unwrapped.
SDK_RECOGNISED: list[tuple[Callable[[], Exception], type[ProviderError]]] = [
    (lambda: openai.APIConnectionError(request=_HTTP_REQUEST), ProviderUnavailableError),
    (lambda: openai.APITimeoutError(request=_HTTP_REQUEST), ProviderUnavailableError),
    (lambda: openai.APIResponseValidationError(_response(200), None), ProviderUnavailableError),
    (_length_finish, BadRequestError),
    (openai.ContentFilterFinishReasonError, BadRequestError),
]

# Status errors as the SDK raises them for each status, and what they become once any-llm has wrapped them.
SDK_STATUS: list[tuple[type[openai.APIStatusError], int, type[ProviderError]]] = [
    (openai.BadRequestError, 400, BadRequestError),
    (openai.AuthenticationError, 401, AuthenticationError),
    (openai.APIStatusError, 402, QuotaExceededError),
    (openai.PermissionDeniedError, 403, AuthenticationError),
    (openai.NotFoundError, 404, ModelNotFoundError),
    (openai.ConflictError, 409, ProviderError),  # no agreed meaning: the generic error
    (openai.UnprocessableEntityError, 422, BadRequestError),
    (openai.RateLimitError, 429, RateLimitError),
    (openai.InternalServerError, 500, ProviderUnavailableError),
    (openai.InternalServerError, 502, ProviderUnavailableError),
    (openai.InternalServerError, 503, ProviderUnavailableError),
    (openai.InternalServerError, 504, ProviderUnavailableError),
    (openai.APIStatusError, 418, ProviderError),  # an unknown status: the generic error
]


@pytest.mark.parametrize("wrapped", [False, True], ids=["raw", "wrapped-by-any-llm"])
@pytest.mark.parametrize(
    ("factory", "expected"), SDK_RECOGNISED, ids=[factory().__class__.__name__ for factory, _ in SDK_RECOGNISED]
)
def test_sdk_exceptions_the_mapping_recognises(
    factory: Callable[[], Exception], expected: type[ProviderError], wrapped: bool
) -> None:
    raw = factory()
    exc = convert_exception(raw, "openai") if wrapped else raw
    mapped = _map_error(exc, REQUEST)
    assert type(mapped) is expected, f"openai.{type(raw).__name__} ({'wrapped' if wrapped else 'raw'})"


@pytest.mark.parametrize(("sdk_type", "status", "expected"), SDK_STATUS, ids=[str(case[1]) for case in SDK_STATUS])
def test_sdk_status_errors_wrapped_by_any_llm(
    sdk_type: type[openai.APIStatusError], status: int, expected: type[ProviderError]
) -> None:
    raw = sdk_type(f"Error code: {status}", response=_response(status), body=None)
    mapped = _map_error(convert_exception(raw, "openai"), REQUEST)
    assert type(mapped) is expected
    assert isinstance(mapped, ProviderError) and mapped.status_code == status


# --- against the fake OpenAI-compatible server ---------------------------------------------------------


@pytest.fixture
def backend() -> Iterator[AnyLLMBackend]:
    backend = AnyLLMBackend()
    yield backend
    backend.close()


def _call(backend: AnyLLMBackend, request: BackendRequest, mode: str) -> ProviderError:
    """Make the call, sync or async, and return the runtime error it raised."""
    with pytest.raises(ProviderError) as info:
        if mode == "sync":
            backend.invoke(request)
        else:

            async def main() -> None:
                try:
                    await backend.ainvoke(request)
                finally:
                    await backend.aclose()

            asyncio.run(main())
    return info.value


MODES = ["sync", "async"]


@pytest.mark.parametrize("mode", MODES)
def test_402_payment_required_is_quota_exceeded(
    backend: AnyLLMBackend, fake_server: FakeOpenAIServer, mode: str
) -> None:
    fake_server.enqueue(ScriptedResponse(status=402, message="You have run out of credits."))
    error = _call(backend, _request(fake_server.base_url), mode)
    assert type(error) is QuotaExceededError
    assert error.status_code == 402
    assert "You have run out of credits." in error.message
    assert error.failover and not error.retryable
    assert fake_server.count(CHAT) == 1


@pytest.mark.parametrize("mode", MODES)
def test_404_is_model_not_found(backend: AnyLLMBackend, fake_server: FakeOpenAIServer, mode: str) -> None:
    fake_server.enqueue(ScriptedResponse(status=404, message="The model `retired-model` does not exist."))
    error = _call(backend, _request(fake_server.base_url, model="retired-model"), mode)
    assert type(error) is ModelNotFoundError
    assert error.status_code == 404
    assert "The model `retired-model` does not exist." in error.message
    assert error.failover and not error.retryable


@pytest.mark.parametrize("mode", MODES)
def test_unknown_status_is_the_generic_error_with_the_message_kept_and_the_key_masked(
    backend: AnyLLMBackend, fake_server: FakeOpenAIServer, mode: str
) -> None:
    fake_server.enqueue(ScriptedResponse(status=418, message=f"I am a teapot; echoed {KEY} back"))
    error = _call(backend, _request(fake_server.base_url), mode)
    assert type(error) is ProviderError
    assert error.status_code == 418
    assert "I am a teapot; echoed *** back" in error.message
    assert KEY not in str(error) and KEY not in repr(error.args)
    assert not error.retryable and not error.failover


def test_an_error_body_of_unknown_shape_is_the_generic_error_with_the_message_kept_and_the_key_masked(
    backend: AnyLLMBackend, fake_server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def plain_text_error(
        handler: Any,
        status: int,
        message: str,
        error_type: str | None,
        code: str | None,
        extra: Mapping[str, str] | None = None,
    ) -> None:
        handler._send(status, f"proxy says: {message}".encode(), "text/plain", extra)

    monkeypatch.setattr(fake_server_module._Handler, "_error", plain_text_error)
    fake_server.enqueue(ScriptedResponse(status=409, message=f"odd reply for {KEY}"))
    error = _call(backend, _request(fake_server.base_url), "sync")
    assert type(error) is ProviderError
    assert error.status_code == 409
    assert "proxy says: odd reply for ***" in error.message
    assert KEY not in str(error)


@pytest.mark.parametrize(("status", "message"), [(402, "Insufficient credits"), (404, "No such model")])
def test_quota_and_missing_model_move_on_to_the_fallback_without_retrying(
    fake_server: FakeOpenAIServer, local_key: str, status: int, message: str
) -> None:
    config = {
        "providers": {"local": {"type": "openai", "api_base": fake_server.base_url, "env_key": "LOCAL_LLM_KEY"}},
        "roles": {
            "chat": {
                "provider": "local",
                "model": "primary-model",
                "fallbacks": [{"provider": "local", "model": "backup-model"}],
            }
        },
        "resilience": {"backoff_initial_seconds": 0, "jitter": 0},
    }
    fake_server.enqueue(ScriptedResponse(status=status, message=message), model="primary-model")
    with LLMHub(config=config) as hub:
        response = hub.completion(role="chat", messages=MESSAGES)
    assert response.choices[0].message.content == "[backup-model] hello there"
    assert fake_server.count(CHAT, model="primary-model") == 1
