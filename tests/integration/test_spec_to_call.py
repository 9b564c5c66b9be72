"""End to end: a spec -> `llmhub generate --no-llm` -> LLMHub loads the file -> a role answers.

The catalog is the mini mirror plus the project's overrides file, which adds the models of a
self-hosted OpenAI-compatible server (here FakeOpenAIServer on 127.0.0.1). The spec's provider
block (type, api_base, env_key, timeout) travels into llmhub.yaml, and the call goes through the
real any-llm code path.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from llmhub.cli import app
from llmhub_runtime import LLMHub
from llmhub_runtime.config_loader import load_config
from llmhub_runtime.testing import FakeOpenAIServer, ScriptedResponse
from tests.paths import MINI

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "quickstart"

SPEC = """\
project: e2e
providers:
  gpu:
    type: openai
    api_base: ${GPU_API_BASE}
    env_key: LOCAL_LLM_KEY
    timeout: 10
roles:
  llm.inference:
    description: Answer questions
    preferences: {quality: high, cost: high}
  llm.embedding:
    kind: embedding
resilience:
  max_retries: 0
"""

OVERRIDES = """\
models:
  - {provider: gpu, model_id: fake-chat, kind: chat, callable: true, arena_score: 1400,
     price_input_per_million: 1, price_output_per_million: 2, release_date: "2025-06-01"}
  - {provider: gpu, model_id: fake-chat-small, kind: chat, callable: true, arena_score: 1300,
     price_input_per_million: 0.1, price_output_per_million: 0.2, release_date: "2025-06-01"}
  - {provider: gpu, model_id: fake-embed, kind: embedding, callable: true, price_input_per_million: 0.01}
"""


def test_spec_to_generated_file_to_a_real_call(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_server: FakeOpenAIServer, local_key: str
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LLMHUB_CATALOG_SOURCES", str(MINI))
    monkeypatch.setenv("GPU_API_BASE", fake_server.base_url)
    (tmp_path / "llmhub.spec.yaml").write_text(SPEC)
    (tmp_path / "llmhub.catalog-overrides.yaml").write_text(OVERRIDES)

    result = CliRunner().invoke(app, ["generate", "--no-llm"])
    assert result.exit_code == 0, result.output

    config = load_config(tmp_path / "llmhub.yaml")
    gpu = config.providers["gpu"]
    assert (gpu.type, gpu.api_base, gpu.env_key, gpu.timeout) == ("openai", "${GPU_API_BASE}", "LOCAL_LLM_KEY", 10)
    assert config.roles["llm.inference"].model == "fake-chat"
    assert [f.model for f in config.roles["llm.inference"].fallbacks] == ["fake-chat-small"]

    with LLMHub(config_path=tmp_path / "llmhub.yaml", strict_env=True) as hub:
        reply = hub.completion(role="llm.inference", messages=[{"role": "user", "content": "ping"}])
        assert reply.choices[0].message.content == "[fake-chat] ping"
        # The generated fallback really serves the role when the primary is down.
        fake_server.enqueue(ScriptedResponse(status=503), model="fake-chat")
        reply = hub.completion(role="llm.inference", messages=[{"role": "user", "content": "again"}])
        assert reply.choices[0].message.content == "[fake-chat-small] again"
        vectors = hub.embedding(role="llm.embedding", input=["a", "b"])
        assert len(vectors.data) == 2
    assert fake_server.requests[0].headers["authorization"] == f"Bearer {local_key}"
    assert fake_server.count("/v1/embeddings", model="fake-embed") == 1


def test_the_examples_committed_llmhub_yaml_is_what_its_spec_generates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from llmhub import GeneratorOptions, build_catalog, generate_runtime_from_spec, load_spec

    catalog = build_catalog(offline=True, overrides=EXAMPLE / "llmhub.catalog-overrides.yaml")
    result = generate_runtime_from_spec(load_spec(EXAMPLE / "llmhub.spec.yaml"), GeneratorOptions(catalog=catalog))
    committed = load_config(EXAMPLE / "llmhub.yaml")
    fresh = result.runtime
    # Everything but the header's catalog snapshot (which follows the machine's cached sources).
    assert committed.model_dump(exclude={"meta"}) == fresh.model_dump(exclude={"meta"})
