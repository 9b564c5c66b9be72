from typing import Any

import pytest

from llmhub_runtime import LLMMode, UnknownRoleError, merge_params, parse_config, resolve

CONFIG = parse_config(
    """\
providers:
  openai: {env_key: OPENAI_API_KEY}
  anthropic: {env_key: ANTHROPIC_API_KEY}
roles:
  llm.inference:
    provider: anthropic
    model: claude-sonnet-4-5
    params: {temperature: 0.7, max_tokens: 2048}
    pricing: {input_per_million: 3, output_per_million: 15}
    fallbacks:
      - {provider: openai, model: gpt-4.1, params: {temperature: 0.5}}
  llm.embedding:
    provider: openai
    model: text-embedding-3-small
    mode: embedding
    params: {dimensions: 256}
defaults:
  provider: openai
  model: gpt-4o-mini
  params: {temperature: 0.3, max_tokens: 1024, seed: 7}
"""
)


def test_role_resolves_to_provider_model_mode_and_params() -> None:
    call = resolve(CONFIG, "llm.inference")
    assert (call.provider, call.model, call.mode) == ("anthropic", "claude-sonnet-4-5", LLMMode.chat)
    assert call.params == {"temperature": 0.7, "max_tokens": 2048, "seed": 7}
    assert call.pricing is not None and call.pricing.output_per_million == 15
    assert not call.from_defaults


@pytest.mark.parametrize(
    ("override", "kwargs", "expected"),
    [
        # defaults <- role: the role's temperature wins over the default's
        (None, {}, {"temperature": 0.7, "max_tokens": 2048, "seed": 7}),
        # role <- params_override
        ({"temperature": 0.1}, {}, {"temperature": 0.1, "max_tokens": 2048, "seed": 7}),
        # params_override <- call kwargs
        ({"temperature": 0.1}, {"temperature": 0.0}, {"temperature": 0.0, "max_tokens": 2048, "seed": 7}),
        # None removes a key set by an earlier layer
        ({"max_tokens": None}, {}, {"temperature": 0.7, "seed": 7}),
    ],
)
def test_params_merge_order(override: dict[str, Any] | None, kwargs: dict[str, Any], expected: dict[str, Any]) -> None:
    assert resolve(CONFIG, "llm.inference", override, kwargs).params == expected


def test_default_params_do_not_leak_into_roles_of_another_mode() -> None:
    assert resolve(CONFIG, "llm.embedding").params == {"dimensions": 256}


def test_fallback_params_sit_between_role_and_call_layers() -> None:
    call = resolve(CONFIG, "llm.inference", {"max_tokens": 10})
    (fallback,) = call.fallbacks
    assert fallback.provider == "openai"
    assert fallback.params == {"temperature": 0.5, "max_tokens": 10, "seed": 7}
    assert [t.model for t in call.targets] == ["claude-sonnet-4-5", "gpt-4.1"]


def test_unknown_role_uses_defaults() -> None:
    call = resolve(CONFIG, "llm.summary", {"temperature": 1.0})
    assert call.from_defaults
    assert (call.provider, call.model) == ("openai", "gpt-4o-mini")
    assert call.params == {"temperature": 1.0, "max_tokens": 1024, "seed": 7}


def test_unknown_role_without_defaults_lists_roles_and_suggests() -> None:
    config = CONFIG.model_copy(update={"defaults": None})
    with pytest.raises(UnknownRoleError) as info:
        resolve(config, "llm.inferense")
    error = info.value
    assert error.suggestion == "llm.inference"
    assert error.known_roles == ["llm.embedding", "llm.inference"]
    assert "Did you mean 'llm.inference'?" in str(error)
    assert isinstance(error, KeyError)


def test_unknown_role_far_from_everything_has_no_suggestion() -> None:
    config = CONFIG.model_copy(update={"defaults": None})
    with pytest.raises(UnknownRoleError) as info:
        resolve(config, "zzz")
    assert info.value.suggestion is None
    assert "Did you mean" not in str(info.value)


def test_merge_params_ignores_empty_layers() -> None:
    assert merge_params(None, {}, {"a": 1}, None) == {"a": 1}
