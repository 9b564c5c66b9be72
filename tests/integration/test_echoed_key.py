"""A provider that echoes the credential in its error body: the key never reaches messages or hooks."""

from __future__ import annotations

from typing import Any

import pytest

from llmhub_runtime import LLMHub
from llmhub_runtime.config_loader import parse_config
from llmhub_runtime.errors import LLMHubError
from llmhub_runtime.testing import FakeOpenAIServer, ScriptedResponse

SECRET = "sk-test-local"  # the fake server's key: the one a real call sends


def test_an_echoed_key_is_masked_in_errors_and_hook_payloads(
    fake_server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A variable name that does not look secret: the runtime masks by value, not by name.
    monkeypatch.setenv("GATEWAY_CRED", SECRET)
    config = parse_config(
        "providers:\n"
        f"  gw: {{type: openai, api_base: '{fake_server.base_url}', env_key: GATEWAY_CRED}}\n"
        "roles:\n  r: {provider: gw, model: fake-chat}\n",
        source="llmhub.yaml",
    )
    fake_server.enqueue(ScriptedResponse(status=400, message=f"invalid api key {SECRET} for this route"))
    seen: list[dict[str, Any]] = []
    hub = LLMHub(config=config, on_after_call=seen.append)
    with pytest.raises(LLMHubError) as caught:
        hub.completion(role="r", messages=[{"role": "user", "content": "hi"}])
    assert SECRET not in str(caught.value)
    assert "***" in str(caught.value)  # the message is kept, the key is not
    assert seen and all(SECRET not in repr(payload) for payload in seen)
    hub.close()
