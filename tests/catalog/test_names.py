import pytest

from llmhub.catalog.names import base_id, parse_name


@pytest.mark.parametrize(
    ("name", "core", "date", "variants"),
    [
        # Arena serving variants: thinking budget and reasoning effort are set aside.
        ("claude-opus-4-5-20251101-thinking-32k", "claude opus 4 5", "2025-11-01", {"thinking"}),
        ("gpt-5-high", "gpt 5", None, {"high"}),
        ("gemini-2.5-flash-lite-preview-09-2025-no-thinking", "gemini 2 5 flash lite", "2025-09", {"no-thinking"}),
        # Hosts spell versions with dots, dashes or "p" (Fireworks) and prefix organisations.
        ("anthropic/claude-opus-4.5", "claude opus 4 5", None, set()),
        ("accounts/fireworks/models/llama-v3p1-405b-instruct", "llama 3 1 405 b", None, set()),
        ("meta-llama/Meta-Llama-3.1-405B-Instruct", "llama 3 1 405 b", None, set()),
        ("nvidia-llama-3.3-nemotron-super-49b-v1.5", "llama 3 3 nemotron super 49 b 1 5", None, set()),
        # Bedrock and Vertex suffixes and prefixes.
        ("us.anthropic.claude-3-5-haiku-20241022-v1:0", "claude 3 5 haiku", "2024-10-22", set()),
        ("claude-3-5-haiku@20241022", "claude 3 5 haiku", "2024-10-22", set()),
        ("amazon.nova-pro-v1:0", "nova pro", None, set()),
        ("amazon-nova-pro-v1.0", "nova pro", None, set()),
        # Every date style names use.
        ("gpt-4.1-2025-04-14", "gpt 4 1", "2025-04-14", set()),
        ("qwen3-235b-a22b-instruct-2507", "qwen 3 235 b a 22 b", "2025-07", set()),
        ("gpt-4-0314", "gpt 4", "????-03-14", set()),
        ("command-r-08-2024", "command r", "2024-08", set()),
        ("phi-3-mini-4k-instruct-june-2024", "phi 3 mini 4 k", "2024-06", set()),
        ("step-1o-turbo-202506", "step 1 o turbo", "2025-06", set()),
        ("grok-3-preview-02-24", "grok 3", "????-02-24", set()),
        ("gemini-1.5-pro-002", "gemini 1 5 pro", "rev:002", set()),
        # Quantisation and free tiers are quality-neutral variants.
        ("Qwen/Qwen3-235B-A22B-Instruct-2507-FP8", "qwen 3 235 b a 22 b", "2025-07", {"fp8"}),
        ("openai/gpt-oss-120b:free", "gpt oss 120 b", None, {"free"}),
        # Not variants: glm-4.5v is the vision model, grok-4.1-fast its own model, medium a size.
        ("glm-4.5v", "glm 4 5 v", None, set()),
        ("x-ai/grok-4.1-fast", "grok 4 1 fast", None, set()),
        ("magistral-medium-2506", "magistral medium", "2025-06", set()),
    ],
)
def test_parse_name(name: str, core: str, date: str | None, variants: set[str]) -> None:
    key = parse_name(name)
    assert " ".join(key.core) == core
    assert key.date == date
    assert set(key.variants) == variants


def test_preview_and_moving_alias_flags() -> None:
    assert parse_name("o1-preview").prerelease
    assert not parse_name("o1").prerelease
    assert parse_name("gemini-pro-latest").moving
    assert parse_name("gemini-pro-latest").core == parse_name("gemini-pro").core


@pytest.mark.parametrize(
    ("name", "lab"),
    [
        ("gpt-4o", "openai"),
        ("o3-mini", "openai"),
        ("claude-3-opus", "anthropic"),
        ("gemma-3-27b-it", "google"),
        ("Qwen/Qwen3-32B", "alibaba"),
        ("deepseek-ai/DeepSeek-R1", "deepseek"),
        ("some-unknown-model", None),
    ],
)
def test_lab(name: str, lab: str | None) -> None:
    assert parse_name(name).lab == lab


def test_base_id_strips_hosts() -> None:
    assert base_id("openrouter/openai/gpt-5") == "gpt-5"
    assert base_id("global.anthropic.claude-sonnet-4-5-20250929-v1:0") == "claude-sonnet-4-5-20250929-v1"
