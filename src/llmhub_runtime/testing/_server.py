"""A small OpenAI-compatible HTTP server on 127.0.0.1, for tests, examples and benchmarks.

It lets the real any-llm code path run with no API key and no network: chat completions (plain and
streamed, and scripted tool calls), embeddings, model listing, image generation and audio. Replies are
deterministic, every request is recorded, and failures can be scripted (a 429 with Retry-After, a 503,
a slow reply).
"""

from __future__ import annotations

import base64
import hashlib
import json
import struct
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["FakeOpenAIServer", "RecordedRequest", "ScriptedResponse", "ScriptedToolCall"]

ReplyFunction = Callable[[str, list[dict[str, Any]]], str]


@dataclass(frozen=True)
class ScriptedToolCall:
    """One tool (function) call in a scripted chat reply.

    Attributes:
        name: The function's name.
        arguments: The call's arguments: a mapping is sent as JSON, a string verbatim (so a test can
            send malformed JSON).
        id: The call's id; None numbers it `call_1`, `call_2`, ... in the order the server was given
            such calls (`FakeOpenAIServer.enqueue`), counting from 1 again after `reset()`.
    """

    name: str
    arguments: Mapping[str, Any] | str
    id: str | None = None


@dataclass(frozen=True)
class ScriptedResponse:
    """One scripted answer, used instead of the default reply for the next matching request.

    A 200 chat reply with `tool_calls` answers with `message.tool_calls` (type `function`, arguments as
    a JSON string), `message.content` None unless `content` is given too, and `finish_reason`
    `"tool_calls"`. Tool calls are not streamed: a streamed request (`stream=True`) that meets a
    tool-call script gets a 400 error saying so (the hub raises `BadRequestError`; nothing is retried).

    Attributes:
        status: HTTP status to answer with; >= 400 sends an OpenAI-style error body.
        content: Reply text for a 200 chat completion (default: the server's normal reply, or None
            with `tool_calls`).
        headers: Extra response headers, e.g. `{"Retry-After": "0"}`.
        delay: Seconds to wait before answering (to trigger client timeouts).
        message: Error message for error statuses.
        tool_calls: Tool calls for a 200 chat completion (non-streamed only).
        usage: `(prompt_tokens, completion_tokens)` to report for a chat completion (default: word
            counts of the request's messages and of the reply).
    """

    status: int = 200
    content: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0
    message: str | None = None
    tool_calls: Sequence[ScriptedToolCall] = ()
    usage: tuple[int, int] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "tool_calls", tuple(self.tool_calls))


@dataclass(frozen=True)
class RecordedRequest:
    """A request the server received."""

    method: str
    path: str
    headers: Mapping[str, str] = field(repr=False)
    body: Any
    model: str | None


def echo_reply(model: str, messages: list[dict[str, Any]]) -> str:
    """The default reply: the last user message, prefixed with the model that answered."""
    last = next((m for m in reversed(messages) if m.get("role") == "user"), {"content": ""})
    content = last.get("content", "")
    if isinstance(content, list):
        content = " ".join(part.get("text", "") for part in content if isinstance(part, dict))
    return f"[{model}] {content}"


class FakeOpenAIServer:
    """An OpenAI-compatible server on 127.0.0.1 (a free port by default). Use as a context manager.

        with FakeOpenAIServer() as server:
            config = {"providers": {"local": {"type": "openai", "api_base": server.base_url, ...}}, ...}
            server.enqueue(ScriptedResponse(status=429, headers={"Retry-After": "0"}))
            ...
            assert server.count("/v1/chat/completions") == 2

    Args:
        port: Port to listen on; 0 picks a free one.
        api_key: When set, requests without `Authorization: Bearer <api_key>` get a 401.
        reply: Function `(model, messages) -> text` for chat replies (default: echo the last user message).
        embedding_dim: Length of the deterministic embedding vectors.
    """

    def __init__(
        self,
        port: int = 0,
        *,
        api_key: str | None = None,
        reply: ReplyFunction = echo_reply,
        embedding_dim: int = 8,
    ) -> None:
        self.api_key = api_key
        self.reply = reply
        self.embedding_dim = embedding_dim
        self._lock = threading.Lock()
        self._scripts: dict[str | None, deque[ScriptedResponse]] = {}
        self._requests: list[RecordedRequest] = []
        self._call_ids = 0  # the last `call_<n>` id given to a scripted tool call without one
        self._port = port
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """The OpenAI-style base URL, ending in `/v1`."""
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def port(self) -> int:
        """The port the server listens on."""
        if self._httpd is None:
            raise RuntimeError("server not started")
        return int(self._httpd.server_address[1])

    def start(self) -> FakeOpenAIServer:
        """Start serving in a background thread."""
        handler = type("Handler", (_Handler,), {"server_state": self})
        self._httpd = _Server(("127.0.0.1", self._port), handler)
        # serve_forever checks for shutdown every poll_interval (0.5 s by default): stop() waits for it,
        # which cost every test using the server half a second at teardown.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01}, name="fake-openai-server", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def enqueue(self, *responses: ScriptedResponse | str, model: str | None = None) -> None:
        """Script the next responses, for requests naming `model` (or any model when None), in order."""
        with self._lock:
            queue = self._scripts.setdefault(model, deque())
            for response in responses:
                queue.append(ScriptedResponse(content=response) if isinstance(response, str) else self._ids(response))

    def _ids(self, response: ScriptedResponse) -> ScriptedResponse:
        """`response` with every tool call that has no id numbered `call_<n>` (called under the lock)."""
        if all(call.id is not None for call in response.tool_calls):
            return response
        calls = []
        for call in response.tool_calls:
            if call.id is None:
                self._call_ids += 1
                call = replace(call, id=f"call_{self._call_ids}")
            calls.append(call)
        return replace(response, tool_calls=tuple(calls))

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far, oldest first."""
        with self._lock:
            return list(self._requests)

    def count(self, path: str | None = None, model: str | None = None) -> int:
        """How many requests matched `path` (e.g. `/v1/chat/completions`) and `model`."""
        return sum(
            1
            for request in self.requests
            if (path is None or request.path == path) and (model is None or request.model == model)
        )

    def reset(self) -> None:
        """Forget recorded requests and unused scripts."""
        with self._lock:
            self._requests.clear()
            self._scripts.clear()
            self._call_ids = 0

    def _record(self, request: RecordedRequest) -> ScriptedResponse | None:
        with self._lock:
            self._requests.append(request)
            for key in (request.model, None):
                queue = self._scripts.get(key)
                if queue:
                    return queue.popleft()
        return None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Ignore clients that hang up (a closed keep-alive connection is normal); report anything else."""
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server_state: FakeOpenAIServer
    protocol_version = "HTTP/1.1"  # keep-alive, so clients that reuse connections are measured fairly
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: tests and benchmarks print their own output."""

    def do_GET(self) -> None:
        """Answer `GET /v1/models`."""
        self._handle(None)

    def do_POST(self) -> None:
        """Answer the POST endpoints."""
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        self._handle(raw)

    def _handle(self, raw: bytes | None) -> None:
        state = self.server_state
        path = self.path.split("?", 1)[0]
        body = _decode_body(raw, self.headers.get("Content-Type", ""))
        model = body.get("model") if isinstance(body, dict) else None
        headers = {key.lower(): value for key, value in self.headers.items()}
        script = state._record(RecordedRequest(self.command, path, headers, body, model))
        if script is not None and script.delay:
            time.sleep(script.delay)
        if state.api_key is not None and headers.get("authorization") != f"Bearer {state.api_key}":
            self._error(401, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key")
            return
        if script is not None and script.status >= 400:
            self._error(script.status, script.message or HTTPStatus(script.status).phrase, None, None, script.headers)
            return
        extra = dict(script.headers) if script is not None else {}
        routes: dict[str, Callable[[], None]] = {
            "/v1/chat/completions": lambda: self._chat(body, script or ScriptedResponse(), extra),
            "/v1/embeddings": lambda: self._embeddings(body, extra),
            "/v1/models": lambda: self._json(200, {"object": "list", "data": _models()}, extra),
            "/v1/images/generations": lambda: self._images(body, extra),
            "/v1/audio/speech": lambda: self._bytes(200, b"ID3fake-audio:" + str(body.get("input")).encode(), extra),
            "/v1/audio/transcriptions": lambda: self._json(200, {"text": f"transcribed {len(raw or b'')} bytes"}),
        }
        route = routes.get(path)
        if route is None:
            self._error(404, f"no route for {self.command} {path}", "invalid_request_error", "not_found")
            return
        route()

    def _chat(self, body: dict[str, Any], script: ScriptedResponse, extra: dict[str, str]) -> None:
        model = str(body.get("model"))
        messages = body.get("messages") or []
        if script.tool_calls and body.get("stream"):
            message = "FakeOpenAIServer does not stream tool calls: script them for a request with stream=False"
            self._error(400, message, "invalid_request_error", "unsupported_by_fake_server", extra)
            return
        calls = [_tool_call(call) for call in script.tool_calls]
        text = script.content
        if text is None and not calls:
            text = self.server_state.reply(model, messages)
        usage = _usage(messages, text, calls, script.usage)
        seed = f"{model}{text}" + (json.dumps(calls) if calls else "")
        completion_id = "chatcmpl-" + hashlib.sha1(seed.encode()).hexdigest()[:12]
        head = {"id": completion_id, "created": 1_700_000_000, "model": model}
        if body.get("stream") and text is not None:  # not None: no tool calls here
            include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
            self._sse(_chunks(head, text, usage if include_usage else None), extra)
            return
        reply: dict[str, Any] = {"role": "assistant", "content": text}
        if calls:
            reply["tool_calls"] = calls
        choice = {"index": 0, "message": reply, "finish_reason": "tool_calls" if calls else "stop"}
        self._json(200, {**head, "object": "chat.completion", "choices": [choice], "usage": usage}, extra)

    def _embeddings(self, body: dict[str, Any], extra: dict[str, str]) -> None:
        inputs = body.get("input")
        items = [inputs] if isinstance(inputs, str) else list(inputs or [])
        dim = int(body.get("dimensions") or self.server_state.embedding_dim)
        as_base64 = body.get("encoding_format") == "base64"  # what the openai SDK asks for, as float32 bytes
        data = [
            {"object": "embedding", "index": i, "embedding": _encode(fake_vector(str(text), dim), as_base64)}
            for i, text in enumerate(items)
        ]
        tokens = sum(len(str(text).split()) for text in items)
        self._json(
            200,
            {
                "object": "list",
                "data": data,
                "model": body.get("model"),
                "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
            },
            extra,
        )

    def _images(self, body: dict[str, Any], extra: dict[str, str]) -> None:
        count = int(body.get("n") or 1)
        image = base64.b64encode(b"\x89PNG fake image: " + str(body.get("prompt")).encode()).decode()
        self._json(200, {"created": 1_700_000_000, "data": [{"b64_json": image}] * count}, extra)

    def _json(self, status: int, payload: Any, extra: Mapping[str, str] | None = None) -> None:
        self._send(status, json.dumps(payload).encode(), "application/json", extra)

    def _bytes(self, status: int, payload: bytes, extra: Mapping[str, str] | None = None) -> None:
        self._send(status, payload, "audio/mpeg", extra)

    def _error(
        self,
        status: int,
        message: str,
        error_type: str | None,
        code: str | None,
        extra: Mapping[str, str] | None = None,
    ) -> None:
        self._json(status, {"error": {"message": message, "type": error_type, "param": None, "code": code}}, extra)

    def _send(self, status: int, payload: bytes, content_type: str, extra: Mapping[str, str] | None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(payload)

    def _sse(self, events: Iterable[Any], extra: Mapping[str, str]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        for key, value in extra.items():
            self.send_header(key, value)
        self.end_headers()
        for event in [*events, "[DONE]"]:
            data = event if isinstance(event, str) else json.dumps(event)
            frame = f"data: {data}\n\n".encode()
            self.wfile.write(f"{len(frame):x}\r\n".encode() + frame + b"\r\n")
        self.wfile.write(b"0\r\n\r\n")


def _tool_call(call: ScriptedToolCall) -> dict[str, Any]:
    """A scripted tool call as OpenAI sends it: arguments as a JSON string (a given string verbatim)."""
    arguments = call.arguments if isinstance(call.arguments, str) else json.dumps(dict(call.arguments))
    return {"id": call.id, "type": "function", "function": {"name": call.name, "arguments": arguments}}


def _usage(
    messages: list[dict[str, Any]],
    text: str | None,
    calls: list[dict[str, Any]],
    scripted: tuple[int, int] | None,
) -> dict[str, int]:
    """Token usage: the scripted counts, else word counts of the messages and of the reply."""
    if scripted is not None:
        prompt_tokens, completion_tokens = scripted
    else:
        prompt_tokens = sum(len(str(m.get("content", "")).split()) for m in messages)
        called = " ".join(f"{c['function']['name']} {c['function']['arguments']}" for c in calls)
        completion_tokens = len((text or "").split()) + len(called.split())
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }


def _chunks(head: dict[str, Any], text: str, usage: dict[str, int] | None) -> list[dict[str, Any]]:
    """The streamed reply: one chunk a word, a final chunk with the finish reason, then usage if asked."""
    choices = []
    for index, word in enumerate(text.split(" ")):
        piece = word if index == 0 else " " + word
        delta = {"role": "assistant", "content": piece} if index == 0 else {"content": piece}
        choices.append({"index": 0, "delta": delta, "finish_reason": None})
    choices.append({"index": 0, "delta": {}, "finish_reason": "stop"})
    events = [{**head, "object": "chat.completion.chunk", "choices": [choice]} for choice in choices]
    if usage is not None:
        events.append({**head, "object": "chat.completion.chunk", "choices": [], "usage": usage})
    return events


def _decode_body(raw: bytes | None, content_type: str) -> Any:
    if not raw:
        return {}
    if content_type.startswith("application/json"):
        try:
            return json.loads(raw)
        except ValueError:
            return {}
    if content_type.startswith("multipart/form-data"):
        # Only the model field matters for routing scripts; pull it out without a multipart parser.
        marker = b'name="model"\r\n\r\n'
        start = raw.find(marker)
        if start >= 0:
            value = raw[start + len(marker) :].split(b"\r\n", 1)[0]
            return {"model": value.decode(errors="replace")}
    return {}


def _encode(vector: list[float], as_base64: bool) -> list[float] | str:
    if not as_base64:
        return vector
    return base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()


def fake_vector(text: str, dim: int) -> list[float]:
    """A deterministic unit-range vector for `text` (same text, same vector)."""
    digest = hashlib.sha256(text.encode()).digest()
    return [round((digest[i % len(digest)] - 127.5) / 127.5, 6) for i in range(dim)]


def _models() -> list[dict[str, Any]]:
    return [
        {"id": name, "object": "model", "created": 1_700_000_000, "owned_by": "llmhub-fake"}
        for name in ("fake-chat", "fake-embed")
    ]
