"""Test doubles need no environment: code under test runs with no keys set, as the README promises."""

from __future__ import annotations

import pytest

from llmhub_runtime import LLMHub
from llmhub_runtime.config_loader import parse_config
from llmhub_runtime.errors import EnvVarMissingError
from llmhub_runtime.testing import FakeBackend

CONFIG = """
providers:
  openai: {env_key: SOME_UNSET_KEY_FOR_TESTS}
  gpu: {type: openai, api_base: '${SOME_UNSET_BASE_FOR_TESTS}/v1'}
roles:
  r: {provider: openai, model: gpt-4.1, fallbacks: [{provider: gpu, model: local}]}
"""


def test_a_fake_backend_needs_no_key_or_endpoint_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOME_UNSET_KEY_FOR_TESTS", raising=False)
    fake = FakeBackend()
    fake.add_reply("Paris", role="r")
    hub = LLMHub(config=parse_config(CONFIG, source="llmhub.yaml"), backend=fake)
    reply = hub.completion(role="r", messages=[{"role": "user", "content": "Capital of France?"}])
    assert reply.choices[0].message.content == "Paris"
    assert fake.calls[0].model == "gpt-4.1"


def test_strict_env_still_checks_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOME_UNSET_KEY_FOR_TESTS", raising=False)
    with pytest.raises(EnvVarMissingError, match="SOME_UNSET_KEY_FOR_TESTS"):
        LLMHub(config=parse_config(CONFIG, source="llmhub.yaml"), backend=FakeBackend(), strict_env=True)
