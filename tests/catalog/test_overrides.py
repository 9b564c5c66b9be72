from pathlib import Path

import pytest

from llmhub.catalog import build_catalog, load_overrides
from llmhub.catalog.overrides import find_overrides_path
from llmhub.errors import OverridesError

OVERRIDES = """\
version: 1
models:
  - provider: vllm
    model_id: meta-llama/Llama-3.3-70B-Instruct
    context_tokens: 131072
    price_input_per_million: 0
    price_output_per_million: 0
    supports_tool_call: true
    arena_id: llama-3.3-70b-instruct
    tags: [self-hosted]
  - provider: openai
    model_id: gpt-4.1
    price_input_per_million: 1.8
arena:
  gemini-pro: ["gemini:gemini-pro-latest"]
  gpt-4.1-mini-2025-04-14: []
"""


def test_overrides_add_correct_and_pin(tmp_path: Path, mini_dir: Path) -> None:
    path = tmp_path / "overrides.yaml"
    path.write_text(OVERRIDES)
    catalog = build_catalog(sources_dir=mini_dir, overrides=path)

    added = catalog["vllm:meta-llama/Llama-3.3-70B-Instruct"]
    assert added.identity.callable and added.limits.context == 131072 and added.capabilities.tool_call
    assert added.quality.arena_id == "llama-3.3-70b-instruct" and added.quality.match == "override"
    assert added.quality.score == 1318.0
    assert "self-hosted" in added.tags and "free" in added.tags
    assert added.provenance["identity"].source == "overrides"

    corrected = catalog["openai:gpt-4.1"]
    assert corrected.pricing.input == 1.8
    assert corrected.pricing.output == 8.0  # untouched
    assert corrected.source_of("pricing")["source"] == "overrides"
    assert corrected.source_of("limits")["source"] == "models.dev"

    # Pinned despite the moving-alias rule; and a "never" entry scores nothing.
    assert catalog["gemini:gemini-pro-latest"].quality.arena_id == "gemini-pro"
    assert catalog["openai:gpt-4.1-mini"].quality.arena_id is None
    source = catalog.source("overrides")
    assert source is not None and source.snapshot is not None
    assert source.snapshot.startswith("sha256:")


def test_overrides_rate_private_models(tmp_path: Path, mini_dir: Path) -> None:
    path = tmp_path / "overrides.yaml"
    path.write_text(
        "models:\n  - {provider: vllm, model_id: house-model, kind: chat, arena_score: 1390,"
        " arena_scores: {coding: 1410}}\n"
    )
    model = build_catalog(sources_dir=mini_dir, overrides=path)["vllm:house-model"]
    assert (model.quality.score, dict(model.quality.scores)) == (1390, {"coding": 1410})
    assert model.tiers.quality is not None  # ranked among the rated chat models
    assert model.source_of("quality")["source"] == "overrides"


def test_overrides_change_invalidates_the_cache(tmp_path: Path, mini_dir: Path) -> None:
    path = tmp_path / "overrides.yaml"
    path.write_text(OVERRIDES)
    assert build_catalog(sources_dir=mini_dir, overrides=path)["openai:gpt-4.1"].pricing.input == 1.8
    path.write_text(OVERRIDES.replace("1.8", "1.5"))
    assert build_catalog(sources_dir=mini_dir, overrides=path)["openai:gpt-4.1"].pricing.input == 1.5


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "models:\n  - provider: openai\n    model_id: x\n    prise_input_per_million: 1\n",
            "overrides.yaml:4: models[0].prise_input_per_million: unknown key 'prise_input_per_million' "
            "(did you mean 'price_input_per_million'?)",
        ),
        (
            "models:\n  - provider: openai\n",
            "overrides.yaml:2: models[0].model_id: required field 'model_id' is missing",
        ),
        ("models:\n  - {provider: o, model_id: m, kind: chatt}\n", "unknown kind 'chatt' (did you mean 'chat'?)"),
        ("models: [\n", "YAML syntax error"),
        ("- a list\n", "expected a mapping with `models:` and/or `arena:`"),
    ],
)
def test_invalid_overrides_are_one_clear_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "overrides.yaml"
    path.write_text(text)
    with pytest.raises(OverridesError) as info:
        load_overrides(path)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_overrides_file_lookup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert find_overrides_path() is None
    local = tmp_path / "llmhub.catalog-overrides.yaml"
    local.write_text("models: []\n")
    assert find_overrides_path() == local
    monkeypatch.setenv("LLMHUB_CATALOG_OVERRIDES", str(tmp_path / "missing.yaml"))
    with pytest.raises(OverridesError, match="LLMHUB_CATALOG_OVERRIDES points to"):
        find_overrides_path()
