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
        ("gemini-2.5-flash-preview-tts", "gemini-flash", ["text"], ["audio"], ModelKind.audio),
        ("whisper-large-v3", "whisper", ["audio"], ["text"], ModelKind.audio),
        # A chat model that also hears and speaks stays a chat model.
        ("gpt-4o-audio-preview", "gpt", ["audio", "text"], ["audio", "text"], ModelKind.chat),
    ],
)
def test_infer_kind(model_id, family, inputs, outputs, kind):
    assert infer_kind(model_id, family, inputs, outputs) is kind
