"""`provider:model` references, as users write them (`openai:gpt-4.1-mini`), parsed in one place.

Model ids may contain colons themselves (`bedrock:anthropic.claude-v2:1`, `openrouter:x/y:free`):
the provider is everything before the first colon, the model everything after it.
"""

from __future__ import annotations

__all__ = ["EXAMPLE", "parse_model_ref"]

EXAMPLE = "openai:gpt-4.1-mini"


def parse_model_ref(reference: str, what: str = "model") -> tuple[str, str]:
    """Split `provider:model` into its two parts.

    Raises:
        ValueError: no colon, or an empty provider or model; the message says what was expected.
    """
    provider, colon, model = reference.partition(":")
    if not colon or not provider.strip() or not model.strip():
        raise ValueError(f"{what} {reference!r} must be provider:model, e.g. {EXAMPLE}")
    return provider, model
