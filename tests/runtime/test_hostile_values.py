"""Every field is validated for what it is, in llmhub.yaml and the spec alike: one error naming the field."""

from __future__ import annotations

import pytest

from llmhub.errors import SpecError
from llmhub.spec import parse_spec
from llmhub_runtime.config_loader import parse_config
from llmhub_runtime.errors import ConfigError

BASE = "providers:\n  openai: {PROVIDER}\nroles:\n  r: {provider: openai, model: gpt-4.1ROLE}\nRESILIENCE"


def runtime(provider: str = "{}", role: str = "", resilience: str = "") -> str:
    return BASE.replace("{PROVIDER}", provider).replace("ROLE", role).replace("RESILIENCE", resilience)


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        (runtime("{api_base: 'file:///etc/passwd'}"), "api_base", "is not an http(s) URL"),
        (runtime("{api_base: 'ftp://host/v1'}"), "api_base", "is not an http(s) URL"),
        (runtime("{api_base: '127.0.0.1:8000/v1'}"), "api_base", "is not an http(s) URL"),
        (runtime("{timeout: .inf}"), "timeout", "finite"),
        (runtime("{timeout: 100000}"), "timeout", "less than or equal to 3600"),
        (runtime("{client_args: {api_key: sk-x}}"), "client_args", "may not set 'api_key'"),
        (runtime("{client_args: {base_url: 'http://evil/v1'}}"), "client_args", "set `api_base` instead"),
        (runtime(role=", params: {temperature: hot}"), "params", "temperature must be a number from 0 to 2"),
        (runtime(role=", params: {max_tokens: -5}"), "params", "max_tokens must be a whole number"),
        (runtime(role=", params: {max_tokens: 1.5}"), "params", "max_tokens must be a whole number"),
        (runtime(role=", params: {temprature: 0.2}"), "params", "unknown parameter 'temprature' (did you mean"),
        (runtime(role=", pricing: {input_per_million: .inf}"), "input_per_million", "finite"),
        (runtime(resilience="resilience: {max_retries: 1000}"), "max_retries", "less than or equal to 10"),
        (runtime(resilience="resilience: {backoff_multiplier: 1.0e9}"), "backoff_multiplier", "less than or equal"),
        (runtime(resilience="resilience: {circuit_breaker: {cooldown_seconds: .inf}}"), "cooldown_seconds", "finite"),
    ],
)
def test_llmhub_yaml_values_are_checked(text: str, field: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, source="llmhub.yaml")
    assert field in str(caught.value) and message in str(caught.value)


def test_variable_references_and_plain_urls_are_fine() -> None:
    config = parse_config(runtime("{api_base: '${GPU_BASE}', timeout: 30}"), source="llmhub.yaml")
    assert config.providers["openai"].api_base == "${GPU_BASE}"
    parse_config(runtime("{api_base: 'http://127.0.0.1:8000/v1'}", role=", params: {temperature: 0.2}"), source="x")


@pytest.mark.parametrize(
    ("fragment", "message"),
    [
        ("providers:\n  openai: {api_base: 'file:///x'}\n", "is not an http(s) URL"),
        ("providers:\n  openai: {client_args: {api_key: sk-x}}\n", "may not set 'api_key'"),
        ("providers:\n  openai: {}\nroles:\n  r: {mode_params: {temperature: 5}}\n", "temperature must be a number"),
        ("providers:\n  openai: {}\nroles:\n  r: {mode_params: {max_token: 5}}\n", "did you mean 'max_tokens'"),
        ("providers:\n  openai: {}\nroles:\n  r: {max_price: {input: .inf}}\n", "finite"),
    ],
)
def test_spec_values_are_checked(fragment: str, message: str) -> None:
    text = fragment if "roles:" in fragment else fragment + "roles:\n  r: {}\n"
    with pytest.raises(SpecError, match=r"llmhub\.spec\.yaml:") as caught:
        parse_spec(text, source="llmhub.spec.yaml")
    assert message in str(caught.value)
