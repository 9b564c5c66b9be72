"""Test doubles for code that uses `LLMHub`, with no API key and no network.

* `FakeBackend` — plug into `LLMHub(backend=...)`: scripted replies and errors, a record of calls.
* `FakeOpenAIServer` — an OpenAI-compatible HTTP server on 127.0.0.1, for exercising the real
  any-llm path end to end (point a provider's `api_base` at `server.base_url`); `ScriptedResponse`
  and `ScriptedToolCall` script its replies, errors and tool calls.
"""

from ._backend import FakeBackend, FakeCall
from ._server import FakeOpenAIServer, RecordedRequest, ScriptedResponse, ScriptedToolCall

__all__ = [
    "FakeBackend",
    "FakeCall",
    "FakeOpenAIServer",
    "RecordedRequest",
    "ScriptedResponse",
    "ScriptedToolCall",
]
