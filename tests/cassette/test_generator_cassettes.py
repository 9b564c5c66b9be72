"""LLM-assisted generation replayed from cassettes: LLMHub -> any-llm -> instructor, end to end.

Each cassette holds the generator's conversation for one role of the spec below, on the mini
catalog mirror: (1) the LLM reads the role description, (2) it picks from the rules' shortlist.
Replay needs no server and no key; the generator's provider points at a closed port.

Re-record the scripted scenarios against a local FakeOpenAIServer serving the replies below:

    LLMHUB_VCR_RECORD_MODE=all pytest tests/cassette/test_generator_cassettes.py

Re-record the good run against a real provider (then update the ids pinned in that test; the
scripted failure scenarios cannot be reproduced by a real model and stay local):

    LLMHUB_VCR_RECORD_MODE=all LLMHUB_CASSETTE_API_BASE=https://api.openai.com/v1 \\
        LLMHUB_CASSETTE_API_KEY=$OPENAI_API_KEY LLMHUB_GENERATOR_CASSETTE_MODEL=gpt-4.1-mini \\
        pytest tests/cassette/test_generator_cassettes.py -k good_run
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from llmhub.catalog import Catalog, build_catalog
from llmhub.cli import app
from llmhub.generator import GeneratorOptions, generate_runtime_from_spec
from llmhub.generator.pipeline import GenerationResult
from llmhub.spec import parse_spec
from llmhub_runtime.testing import FakeOpenAIServer
from tests.paths import MINI

from ._recording import CASSETTES, CLOSED_PORT_BASE, RECORD_MODE, RECORDING_KEY, make_vcr

LIBRARY = CASSETTES / "generator"
MODEL = os.environ.get("LLMHUB_GENERATOR_CASSETTE_MODEL", "fake-generator")
REAL_PROVIDER = RECORD_MODE != "none" and "LLMHUB_CASSETTE_API_BASE" in os.environ

SPEC = """\
project: cassettes
providers:
  openai: {env_key: OPENAI_API_KEY}
  anthropic: {env_key: ANTHROPIC_API_KEY}
  brain:
    type: openai
    api_base: ${GENERATOR_API_BASE}
    env_key: GENERATOR_API_KEY
    enabled: true
roles:
  llm.inference:
    description: Answers hard analytical questions from customers
    preferences: {quality: high}
generator:
  model: brain:MODEL
  timeout: 30
  mode: json
"""

READING = json.dumps({"task": "reasoning", "requires": [], "min_context": None, "summary": "hard questions"})
GOOD_PICK = json.dumps(
    {
        "primary": "openai:gpt-5",
        "fallbacks": ["anthropic:claude-opus-4-5"],
        "rationale": "gpt-5 rates 1440 for a quarter of claude-opus-4-5's price",
    }
)
OFF_LIST_PICK = json.dumps({"primary": "openai:gpt-7-ultra", "fallbacks": [], "rationale": "newest"})


@pytest.fixture(scope="module")
def mini_catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    return build_catalog(sources_dir=MINI, overrides=False, cache_dir=tmp_path_factory.mktemp("cache"))


@pytest.fixture
def generator_api(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAIServer | None]:
    """Where the generator's provider points: the recording target, or a closed port on replay."""
    monkeypatch.setenv("GENERATOR_API_KEY", os.environ.get("LLMHUB_CASSETTE_API_KEY", RECORDING_KEY))
    if RECORD_MODE == "none":
        monkeypatch.setenv("GENERATOR_API_BASE", CLOSED_PORT_BASE)
        yield None
    elif REAL_PROVIDER:
        monkeypatch.setenv("GENERATOR_API_BASE", os.environ["LLMHUB_CASSETTE_API_BASE"])
        yield None
    else:
        with FakeOpenAIServer() as server:
            monkeypatch.setenv("GENERATOR_API_BASE", server.base_url)
            yield server


def script(server: FakeOpenAIServer | None, *replies: str) -> None:
    if server is not None:
        server.enqueue(*replies)


def generate(catalog: Catalog) -> GenerationResult:
    spec = parse_spec(SPEC.replace("MODEL", MODEL), source="llmhub.spec.yaml")
    return generate_runtime_from_spec(spec, GeneratorOptions(catalog=catalog))


def cassette(name: str) -> Any:
    return make_vcr(LIBRARY).use_cassette(f"{name}.yaml", allow_playback_repeats=False)


def test_good_run_the_llm_reads_and_picks(mini_catalog: Catalog, generator_api: FakeOpenAIServer | None) -> None:
    script(generator_api, READING, GOOD_PICK)
    with cassette("good_run") as tape:
        result = generate(mini_catalog)
    assert tape.play_count == 2 or RECORD_MODE != "none"
    assert result.warnings == []
    explanation = result.explanations["llm.inference"]
    assert explanation.decided_by == "llm"
    role = result.runtime.roles["llm.inference"]
    assert f"{role.provider}:{role.model}" == "openai:gpt-5"
    fallbacks = [f"{f.provider}:{f.model}" for f in role.fallbacks]
    assert fallbacks[0] == "anthropic:claude-opus-4-5"  # the LLM's
    assert len(fallbacks) == 2  # the spec's default count: the rules topped up the one missing
    assert "1440" in (explanation.rationale or "")
    assert explanation.task == "reasoning" and explanation.task_reason.startswith("the LLM's reading")
    assert result.runtime.meta is not None and result.runtime.meta["decided_by"] == {"llm.inference": "llm"}
    # The conversation really went through LLMHub: the pick prompt carried the rules' shortlist.
    pick_prompt = json.loads(tape.requests[1].body)["messages"][-1]["content"]
    assert "- openai:gpt-5: quality " in pick_prompt and "- anthropic:claude-opus-4-5: quality " in pick_prompt


def test_a_pick_outside_the_shortlist_is_sent_back_once_and_corrected(
    mini_catalog: Catalog, generator_api: FakeOpenAIServer | None
) -> None:
    script(generator_api, READING, OFF_LIST_PICK, GOOD_PICK)
    with cassette("off_list_pick_corrected") as tape:
        result = generate(mini_catalog)
    assert tape.play_count == 3 or RECORD_MODE != "none"
    assert result.warnings == []
    assert result.explanations["llm.inference"].decided_by == "llm"
    assert result.runtime.roles["llm.inference"].model == "gpt-5"
    # The second pick request told the model what was wrong, with the ids it may use.
    reask = json.loads(tape.requests[2].body)["messages"][-1]["content"]
    assert "'openai:gpt-7-ultra' is not on the shortlist" in reask
    assert "openai:gpt-5" in reask


def test_malformed_replies_fall_back_to_the_rules_with_a_warning_and_exit_0(
    mini_catalog: Catalog, generator_api: FakeOpenAIServer | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script(generator_api, READING, "I would go with gpt-5.", "Definitely gpt-5!")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LLMHUB_CATALOG_SOURCES", str(MINI))
    (tmp_path / "llmhub.spec.yaml").write_text(SPEC.replace("MODEL", MODEL))
    with cassette("malformed_falls_back") as tape:
        result = CliRunner().invoke(app, ["generate", "--json"])
    assert result.exit_code == 0, result.output
    assert tape.play_count == 3 or RECORD_MODE != "none"
    data = json.loads(result.stdout)
    assert data["decided_by"] == {"llm.inference": "rules"}
    assert any("the LLM's pick was unusable twice (Invalid JSON" in w for w in data["warnings"])
    assert "llmhub: warning: role 'llm.inference': the LLM's pick was unusable twice" in result.stderr
    assert data["written"] is True
