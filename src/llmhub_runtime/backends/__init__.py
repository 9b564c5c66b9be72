"""What `LLMHub` needs from whatever actually makes the calls.

The default backend, `llmhub_runtime.backends.anyllm.AnyLLMBackend`, calls providers through any-llm;
`llmhub_runtime.testing.FakeBackend` answers from a script. Both implement `Backend`. A backend
receives one fully resolved request per attempt and raises `llmhub_runtime.errors.ProviderError`
subclasses for failures, so the hub can decide what to retry.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

__all__ = ["Backend", "BackendRequest", "Connection", "Operation"]

Operation = Literal["completion", "embedding", "image_generation", "speech", "transcription"]


@dataclass(frozen=True)
class Connection:
    """How to reach a provider, as settled from llmhub.yaml and the environment."""

    provider: str
    """The provider's name in llmhub.yaml."""
    provider_type: str
    """The any-llm provider that serves it (usually the same as `provider`)."""
    api_key: str | None = field(default=None, repr=False)
    """The key read from the provider's env_key; never shown in reprs."""
    api_base: str | None = None
    timeout: float | None = None
    client_args: Mapping[str, Any] = field(default_factory=dict)
    disable_sdk_retries: bool = True


@dataclass(frozen=True)
class BackendRequest:
    """One attempt of one call."""

    role: str
    operation: Operation
    connection: Connection
    model: str
    arguments: Mapping[str, Any]
    """Everything the operation takes: messages/input/prompt/file/voice plus the merged params."""
    stream: bool = False


class Backend(Protocol):
    """Makes one attempt of a call. Streaming methods return the chunk iterator."""

    def invoke(self, request: BackendRequest) -> Any:
        """Make the call and return the provider's response."""
        ...

    async def ainvoke(self, request: BackendRequest) -> Any:
        """Async `invoke`."""
        ...

    def invoke_stream(self, request: BackendRequest) -> Iterator[Any]:
        """Start a streaming call and return its chunks."""
        ...

    def ainvoke_stream(self, request: BackendRequest) -> AsyncIterator[Any]:
        """Async `invoke_stream`: returns an async iterator of chunks."""
        ...

    def close(self) -> None:
        """Release clients and connections."""
        ...

    async def aclose(self) -> None:
        """Async `close`."""
        ...
