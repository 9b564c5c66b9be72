import pytest

from llmhub.catalog.kinds import ModelKind, infer_kind


@pytest.mark.parametrize(
    ("model_id", "family", "inputs", "outputs", "kind"),
    [
        ("gpt-4.1", "gpt", ["text", "image"], ["text"], ModelKind.chat),
        # models.dev lists embedding, rerank and guard models as text -> text: names decide.
        ("text-embedding-3-small", "text-embedding", ["text"], ["text"], ModelKind.embedding),
        ("Qwen/Qwen3-Embedding-8B", "qwen", ["text"], ["text"], ModelKind.embedding),
        ("workers-ai/@cf/baai/bge-m3", "bge", ["text"], ["text"], ModelKind.embedding),
        ("cohere/rerank-v3.5", None, ["text"], ["text"], ModelKind.rerank),
        ("bge-reranker-v2-m3", "bge", ["text"], ["text"], ModelKind.rerank),
        ("meta-llama/llama-guard-4-12b", "llama", ["text", "image"], ["text"], ModelKind.moderation),
        ("omni-moderation-latest", None, ["text"], ["text"], ModelKind.moderation),
        # Modalities decide the generative kinds.
        ("gpt-image-1", "gpt-image", ["text", "image"], ["image"], ModelKind.image),
        ("gemini-2.5-flash-image", "gemini-flash", ["text", "image"], ["text", "image"], ModelKind.image),
        ("veo-3", "veo", ["text"], ["video"], ModelKind.video),
        ("gemini-2.5-flash-preview-tts", "gemini-flash", ["text"], ["audio"], ModelKind.speech),
        ("whisper-large-v3", "whisper", ["audio"], ["text"], ModelKind.transcription),
        ("gpt-4o-mini-transcribe", None, [], [], ModelKind.transcription),  # no modalities: the id decides
        ("gpt-4o-mini-tts", None, [], [], ModelKind.speech),
        ("magpie-tts-zeroshot", None, ["audio", "text"], ["audio"], ModelKind.speech),
        # Music is never speech, and never chat, whatever the listing's outputs say.
        ("lyria-3-pro-preview", "lyria", ["image", "text"], ["audio", "text"], ModelKind.music),
        ("elevenlabs-music", None, ["text"], ["audio"], ModelKind.music),
        ("stable-audio-25/text-to-audio", None, ["text"], ["audio"], ModelKind.music),
        # Audio out with text: a voice model when the id says so...
        ("gpt-4o-audio-preview", "gpt", ["audio", "text"], ["audio", "text"], ModelKind.realtime),
        ("gpt-realtime-2.1", "gpt", ["audio", "image", "text"], ["audio", "text"], ModelKind.realtime),
        ("qwen3-omni-flash", "qwen", ["audio", "image", "text", "video"], ["audio", "text"], ModelKind.realtime),
        ("gemini-3.5-live-translate-preview", None, ["audio"], ["audio", "text"], ModelKind.realtime),
        # ...else a chat model whose listing over-declares (gpt-5.1 at some hosts).
        ("gpt-5.1", "gpt", ["audio", "image", "text"], ["audio", "image", "text"], ModelKind.chat),
        # A chat model that hears stays a chat model.
        ("voxtral-small-latest", "voxtral", ["audio", "text"], ["text"], ModelKind.chat),
        ("qwen-image-edit", "qwen", ["image", "text"], ["image"], ModelKind.image_edit),
    ],
)
def test_infer_kind(model_id: str, family: str | None, inputs: list[str], outputs: list[str], kind: ModelKind) -> None:
    assert infer_kind(model_id, family, inputs, outputs) is kind


def test_id_patterns_are_regular_expressions_and_plain_ones_substrings(monkeypatch: pytest.MonkeyPatch) -> None:
    # Plain-text patterns are tested as substrings (quicker); the rest must still work as regexes.
    from llmhub.catalog import kinds

    rules = {
        "rules": [
            {"kind": "rerank", "id": ["^rr-\\d+$", "rerank"]},
            {"kind": "embedding", "id_segment": ["bge-"]},
        ]
    }
    monkeypatch.setattr(kinds, "load_data", lambda name: rules)
    for cached in (kinds._rules, kinds._infer, kinds._by_modalities):
        cached.cache_clear()
    try:
        assert infer_kind("rr-12") == ModelKind.rerank
        assert infer_kind("rr-12x") == ModelKind.chat  # the regex is anchored
        assert infer_kind("acme/my-reranker") == ModelKind.rerank
        assert infer_kind("baai/bge-m3") == ModelKind.embedding
        assert infer_kind("xbge-m3") == ModelKind.chat  # a segment starts the id or follows / . _ -
    finally:
        for cached in (kinds._rules, kinds._infer, kinds._by_modalities):
            cached.cache_clear()
