"""A 200 whose body is not JSON is a provider fault: retried, then the fallback answers."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from llmhub_runtime import LLMHub
from llmhub_runtime.config_loader import parse_config
from llmhub_runtime.testing import FakeOpenAIServer


class _CutBody(http.server.BaseHTTPRequestHandler):
    hits = 0

    def do_POST(self) -> None:
        type(self).hits += 1
        self.rfile.read(int(self.headers.get("content-length", 0)))
        body = b'{"id": "x", "choices": [tru'  # cut off mid-JSON, with a 200
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def cut_server() -> Iterator[str]:
    _CutBody.hits = 0
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _CutBody)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/v1"
    server.shutdown()
    server.server_close()


def test_an_invalid_json_body_is_retried_and_fails_over(
    cut_server: str, fake_server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOCAL_LLM_KEY", "sk-test-local")
    config = parse_config(
        "providers:\n"
        f"  broken: {{type: openai, api_base: '{cut_server}', env_key: LOCAL_LLM_KEY}}\n"
        f"  good: {{type: openai, api_base: '{fake_server.base_url}', env_key: LOCAL_LLM_KEY}}\n"
        "roles:\n  r: {provider: broken, model: m, fallbacks: [{provider: good, model: fake-chat}]}\n"
        "resilience: {max_retries: 1, backoff_initial_seconds: 0}\n",
        source="llmhub.yaml",
    )
    seen: list[dict[str, Any]] = []
    hub = LLMHub(config=config, on_after_call=seen.append)
    reply = hub.completion(role="r", messages=[{"role": "user", "content": "hi"}])
    assert reply.choices[0].message.content  # the fallback answered
    assert _CutBody.hits == 2  # retried once on the broken target, then failed over
    failures = [p for p in seen if not p["success"]]
    assert len(failures) == 2 and all("not valid JSON" in p["error"] for p in failures)
    hub.close()
