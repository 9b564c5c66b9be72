"""`FakeBackend`: test code that calls the hub without a network, with scripted replies and a call log."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from llmhub_runtime.backends import BackendRequest

from ._server import fake_vector

__all__ = ["FakeBackend", "FakeCall"]


@dataclass(frozen=True)
class FakeCall:
    """One call the hub made through a `FakeBackend`.

    Attributes:
        role: The role called.
        operation: `completion`, `embedding`, `image_generation`, `speech` or `transcription`.
        provider: Provider of the target that was called (a fallback's, after failover).
        model: Model of the target that was called.
        arguments: Everything passed: messages / input / prompt plus the merged params.
        stream: Whether the call streamed.
    """

    role: str
    operation: str
    provider: str
    model: str
    arguments: Mapping[str, Any]
    stream: bool

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The chat messages of a completion call."""
        return list(self.arguments.get("messages") or [])

    @property
    def params(self) -> dict[str, Any]:
        """The merged params, without the call's main input."""
        inputs = {"messages", "input", "prompt", "file"}
        return {key: value for key, value in self.arguments.items() if key not in inputs}


@dataclass
class _Script:
    reply: str | None = None
    error: BaseException | None = None
    vectors: Sequence[Sequence[float]] | None = None
    usage: Mapping[str, int] | None = None
    tool_calls: list[dict[str, Any]] | None = field(default=None)


class FakeBackend:
    """A backend for `LLMHub(backend=...)` that answers from a script and records every call.

        fake = FakeBackend()
        fake.add_reply("Paris", role="llm.inference")
        hub = LLMHub(config_path="llmhub.yaml", backend=fake)
        assert my_app.ask(hub, "Capital of France?") == "Paris"
        assert fake.calls[0].model == "claude-sonnet-4-5"

    Replies are real any-llm response objects (`ChatCompletion`, `CreateEmbeddingResponse`, ...), so
    code reading `response.choices[0].message.content` works unchanged. With nothing scripted, chat
    calls get `default_reply` (by default the last user message echoed back) and embeddings get
    deterministic vectors. Scripted errors are raised as-is: script `RateLimitError(...)` from
    `llmhub_runtime.errors` to exercise retries and fallbacks.

    Args:
        default_reply: Text, or a function of the `FakeCall`, used when no reply is scripted.
        embedding_dim: Length of the default embedding vectors.
    """

    uses_credentials = False
    """Nothing is sent anywhere, so the hub asks for no key or endpoint variable (the README's promise)."""

    def __init__(
        self,
        *,
        default_reply: str | Callable[[FakeCall], str] | None = None,
        embedding_dim: int = 8,
    ) -> None:
        self.default_reply = default_reply
        self.embedding_dim = embedding_dim
        self._lock = threading.Lock()
        self._scripts: dict[str | None, deque[_Script]] = {}
        self._calls: list[FakeCall] = []

    @property
    def calls(self) -> list[FakeCall]:
        """Every call made so far, oldest first (one per attempt, so retries show up)."""
        with self._lock:
            return list(self._calls)

    def calls_for(self, role: str) -> list[FakeCall]:
        """The calls made for `role`."""
        return [call for call in self.calls if call.role == role]

    def add_reply(
        self,
        content: str,
        *,
        role: str | None = None,
        usage: Mapping[str, int] | None = None,
        tool_calls: list[dict[str, Any]] | None = None,
    ) -> FakeBackend:
        """Script the next reply for `role` (or for any role when None). Returns self for chaining."""
        return self._add(role, _Script(reply=content, usage=usage, tool_calls=tool_calls))

    def add_error(self, error: BaseException, *, role: str | None = None) -> FakeBackend:
        """Script the next call for `role` (or any role) to raise `error`."""
        return self._add(role, _Script(error=error))

    def add_embedding(self, vectors: Sequence[Sequence[float]], *, role: str | None = None) -> FakeBackend:
        """Script the vectors of the next embedding call for `role` (or any role)."""
        return self._add(role, _Script(vectors=vectors))

    def reset(self) -> None:
        """Forget recorded calls and unused scripts."""
        with self._lock:
            self._calls.clear()
            self._scripts.clear()

    def invoke(self, request: BackendRequest) -> Any:
        """Answer one call from the script."""
        call, script = self._take(request)
        if script.error is not None:
            raise script.error
        return self._response(call, script)

    async def ainvoke(self, request: BackendRequest) -> Any:
        """Async `invoke`."""
        return self.invoke(request)

    def invoke_stream(self, request: BackendRequest) -> Iterator[Any]:
        """Stream the scripted reply word by word."""
        call, script = self._take(request)
        if script.error is not None:
            raise script.error
        return iter(self._chunks(call, script))

    async def ainvoke_stream(self, request: BackendRequest) -> AsyncIterator[Any]:
        """Async `invoke_stream`."""
        call, script = self._take(request)
        if script.error is not None:
            raise script.error
        for chunk in self._chunks(call, script):
            yield chunk

    def close(self) -> None:
        """Nothing to release."""

    async def aclose(self) -> None:
        """Nothing to release."""

    def _add(self, role: str | None, script: _Script) -> FakeBackend:
        with self._lock:
            self._scripts.setdefault(role, deque()).append(script)
        return self

    def _take(self, request: BackendRequest) -> tuple[FakeCall, _Script]:
        call = FakeCall(
            role=request.role,
            operation=request.operation,
            provider=request.connection.provider,
            model=request.model,
            arguments=dict(request.arguments),
            stream=request.stream,
        )
        with self._lock:
            self._calls.append(call)
            for key in (request.role, None):
                queue = self._scripts.get(key)
                if queue:
                    return call, queue.popleft()
        return call, _Script()

    def _text(self, call: FakeCall, script: _Script) -> str:
        if script.reply is not None:
            return script.reply
        if callable(self.default_reply):
            return self.default_reply(call)
        if self.default_reply is not None:
            return self.default_reply
        last: dict[str, Any] = next((m for m in reversed(call.messages) if m.get("role") == "user"), {})
        return str(last.get("content", ""))

    def _usage(self, call: FakeCall, script: _Script, text: str) -> dict[str, int]:
        if script.usage is not None:
            usage = dict(script.usage)
            usage.setdefault("total_tokens", usage.get("prompt_tokens", 0) + usage.get("completion_tokens", 0))
            return usage
        prompt = sum(len(str(m.get("content", "")).split()) for m in call.messages)
        completion = len(text.split())
        return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}

    def _response(self, call: FakeCall, script: _Script) -> Any:
        # any-llm's types are imported here, not at module import: they pull in the openai SDK.
        if call.operation == "completion":
            from any_llm.types.completion import ChatCompletion

            text = self._text(call, script)
            message: dict[str, Any] = {"role": "assistant", "content": text}
            if script.tool_calls:
                message["tool_calls"] = script.tool_calls
            return ChatCompletion.model_validate(
                {
                    "id": "chatcmpl-fake",
                    "object": "chat.completion",
                    "created": 0,
                    "model": call.model,
                    "choices": [
                        {
                            "index": 0,
                            "message": message,
                            "finish_reason": "tool_calls" if script.tool_calls else "stop",
                        }
                    ],
                    "usage": self._usage(call, script, text),
                }
            )
        if call.operation == "embedding":
            from any_llm.types.completion import CreateEmbeddingResponse

            raw = call.arguments.get("input")
            inputs = [raw] if isinstance(raw, str) else list(raw or [])
            vectors = script.vectors or [fake_vector(str(text), self.embedding_dim) for text in inputs]
            tokens = sum(len(str(text).split()) for text in inputs)
            return CreateEmbeddingResponse.model_validate(
                {
                    "object": "list",
                    "model": call.model,
                    "data": [{"object": "embedding", "index": i, "embedding": list(v)} for i, v in enumerate(vectors)],
                    "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
                }
            )
        if call.operation == "image_generation":
            from any_llm.types.image import ImagesResponse

            return ImagesResponse.model_validate({"created": 0, "data": [{"b64_json": "ZmFrZQ=="}]})
        if call.operation == "speech":
            return b"fake-audio:" + str(call.arguments.get("input")).encode()
        from any_llm.types.audio import Transcription

        return Transcription(text=script.reply if script.reply is not None else "fake transcription")

    def _chunks(self, call: FakeCall, script: _Script) -> list[Any]:
        from any_llm.types.completion import ChatCompletionChunk

        text = self._text(call, script)
        words = text.split(" ")
        base = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 0, "model": call.model}
        chunks = [
            ChatCompletionChunk.model_validate(
                {
                    **base,
                    "choices": [
                        {"index": 0, "delta": {"content": word if i == 0 else " " + word}, "finish_reason": None}
                    ],
                }
            )
            for i, word in enumerate(words)
        ]
        chunks.append(
            ChatCompletionChunk.model_validate(
                {
                    **base,
                    "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
                    "usage": self._usage(call, script, text),
                }
            )
        )
        return chunks
