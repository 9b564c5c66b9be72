"""A model is a candidate only for what it does: speech never transcribes, music never chats."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmhub.catalog.derive import finish
from llmhub.catalog.kinds import ModelKind
from llmhub.catalog.models import Catalog
from llmhub.errors import NoCandidateError
from llmhub.generator import GenerationResult, GeneratorOptions, generate_runtime_from_spec
from llmhub.generator.rules import RuleSet
from llmhub.spec.validate import validate_spec
from llmhub_runtime import LLMHub
from llmhub_runtime.errors import ModeMismatchError
from llmhub_runtime.models import LLMMode
from llmhub_runtime.testing import FakeBackend

from .conftest import chat, fixture_catalog, fixture_drafts, make_model, spec_with


def audio_catalog() -> Catalog:
    models = [
        *fixture_drafts(),
        # The cheapest, best-looking audio model is a text-to-speech one: it must never transcribe.
        make_model(
            "openai",
            "cheap-tts",
            kind=ModelKind.speech,
            price_input_per_million=0.01,
            input_modalities=("text",),
            output_modalities=("audio",),
        ),
        make_model(
            "openai",
            "whisper-1",
            kind=ModelKind.transcription,
            price_input_per_million=6.0,
            input_modalities=("audio",),
            output_modalities=("text",),
        ),
        # A music model listed with text output and a $0.01 price: never a chat candidate.
        chat(
            "openai",
            "music-gen",
            1600,
            0.01,
            0.01,
            kind=ModelKind.music,
            input_modalities=("text",),
            output_modalities=("audio", "text"),
        ),
    ]
    return fixture_catalog(finish(models))


def generate(roles: str, rules: RuleSet) -> GenerationResult:
    spec = spec_with(roles)
    return generate_runtime_from_spec(spec, GeneratorOptions(catalog=audio_catalog(), rules=rules, no_llm=True))


@pytest.mark.parametrize(
    ("description", "model", "mode"),
    [
        ("Transcribe recorded customer calls", "whisper-1", LLMMode.transcription),
        ("Transcribe voice notes", "whisper-1", LLMMode.transcription),  # transcription words win
        ("Read answers aloud to the user", "cheap-tts", LLMMode.speech),
        ("Speak the daily summary", "cheap-tts", LLMMode.speech),
    ],
)
def test_an_audio_role_gets_the_direction_its_description_names(
    rules: RuleSet, description: str, model: str, mode: LLMMode
) -> None:
    result = generate(f"  r: {{kind: audio, description: {description}}}", rules)
    role = result.runtime.roles["r"]
    assert role.model == model
    assert role.mode is mode
    assert all(f.model != ("cheap-tts" if mode is LLMMode.transcription else "whisper-1") for f in role.fallbacks)


def test_explicit_kinds_need_no_words(rules: RuleSet) -> None:
    result = generate("  a: {kind: transcription}\n  b: {kind: speech}", rules)
    assert (result.runtime.roles["a"].model, result.runtime.roles["a"].mode) == ("whisper-1", LLMMode.transcription)
    assert (result.runtime.roles["b"].model, result.runtime.roles["b"].mode) == ("cheap-tts", LLMMode.speech)


def test_an_audio_role_that_names_no_direction_is_refused(rules: RuleSet, tmp_path: Path) -> None:
    with pytest.raises(NoCandidateError, match="needs a direction; write `kind: transcription` or `kind: speech`"):
        generate("  r: {kind: audio, description: Handle audio}", rules)
    path = tmp_path / "llmhub.spec.yaml"
    path.write_text("providers:\n  openai: {env_key: K}\nroles:\n  r: {kind: audio, description: Handle audio}\n")
    checked = validate_spec(path, catalog=False, check_env_keys=False)
    assert not checked.valid
    assert any('roles["r"].kind' in str(e) and "says neither" in str(e) for e in checked.errors)


def test_music_and_voice_models_are_never_chat_candidates(rules: RuleSet) -> None:
    result = generate("  r: {description: Chat with customers, preferences: {cost: low}}", rules)
    role = result.runtime.roles["r"]
    assert "music-gen" not in [role.model, *(f.model for f in role.fallbacks)]


def test_the_runtime_refuses_a_call_in_the_direction_the_role_cannot_serve(rules: RuleSet) -> None:
    result = generate("  r: {kind: audio, description: Read answers aloud}", rules)
    hub = LLMHub(config=result.runtime, backend=FakeBackend())
    with pytest.raises(ModeMismatchError, match=r"mode 'speech', but transcription\(\) needs a 'transcription' role"):
        hub.transcription(role="r", file=b"RIFF")
