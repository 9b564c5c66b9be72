import pytest

from llmhub.catalog.sources.anyllm import discover, providers_with_keys
from llmhub_runtime.testing import FakeOpenAIServer, ScriptedResponse


def test_discovery_lists_models_and_reports_failures_per_provider() -> None:
    with FakeOpenAIServer(api_key="good-key") as server:
        result = discover(
            {
                "openai": {"api_key": "good-key", "api_base": server.base_url},
                "vllm": {"api_key": "wrong-key", "api_base": server.base_url},
            },
            timeout=5,
        )
    assert result.models == {"openai": ["fake-chat", "fake-embed"]}
    assert set(result.errors) == {"vllm"}
    assert "AuthenticationError" in result.errors["vllm"]
    assert result.count == 2


def test_discovery_timeout_is_reported_not_fatal() -> None:
    with FakeOpenAIServer() as server:
        server.enqueue(ScriptedResponse(delay=3))
        result = discover({"openai": {"api_key": "k", "api_base": server.base_url}}, timeout=0.5)
    assert result.models == {}
    assert result.errors == {"openai": "timed out after 0.5s"}


def test_only_providers_with_a_key_set_are_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    assert providers_with_keys() == {}  # the test environment has no keys
    monkeypatch.setenv("DEEPSEEK_API_KEY", "x")
    assert "deepseek" in providers_with_keys()
