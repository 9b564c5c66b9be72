"""Names the original documents promised users: they work, as documented compatibility aliases."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from llmhub.catalog.models import Catalog
from llmhub.env_manager import check_env
from llmhub.generator import GeneratorOptions
from llmhub.spec import parse_spec
from llmhub_runtime import LLMHub
from llmhub_runtime.config_loader import parse_config
from llmhub_runtime.testing import FakeBackend
from tests.generator.conftest import fixture_catalog


def test_generator_options_accepts_explain_and_generator_hook_returns_the_runtime() -> None:
    from llmhub.generator_hook import generate_runtime

    spec = parse_spec("providers: {openai: {}}\nroles:\n  r: {description: chat}\n", source="s")
    runtime = generate_runtime(spec, GeneratorOptions(explain=True, no_llm=True, catalog=fixture_catalog()))
    assert runtime.roles["r"].provider == "openai"


def test_check_env_accepts_a_spec() -> None:
    spec = parse_spec("providers: {openai: {env_key: SEED_KEY_A}}\nroles:\n  r: {}\n", source="s")
    result = check_env(spec, environ={})
    assert result.missing == {"SEED_KEY_A": ["openai"]} and not result.ok


def test_hub_exposes_strict_env() -> None:
    config = parse_config("providers: {openai: {}}\nroles:\n  r: {provider: openai, model: m}\n", source="x")
    assert LLMHub(config=config, backend=FakeBackend()).strict_env is False


def test_tier_filters_treat_unknown_tiers_explicitly() -> None:
    catalog: Catalog = fixture_catalog()
    unrated = [m for m in catalog if m.tiers.quality is None]
    assert unrated  # the fixture has models the arena never rated
    top = catalog.filter(max_quality_tier=2)
    assert top.models and all(m.tiers.quality is not None and m.tiers.quality <= 2 for m in top)
    with_unknown = catalog.filter(max_quality_tier=2, unknown_tiers="include")
    assert {m.canonical_id for m in unrated} <= {m.canonical_id for m in with_unknown}


def test_llmhub_cli_is_an_alias_of_llmhub() -> None:
    code = (
        "import llmhub_cli, llmhub; print(llmhub_cli.load_spec is llmhub.load_spec, 'build_catalog' in dir(llmhub_cli))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", "True"]


def test_warmup_imports_any_llm_before_the_first_call(tmp_path: Path) -> None:
    config = tmp_path / "llmhub.yaml"
    config.write_text("providers: {openai: {}}\nroles:\n  r: {provider: openai, model: m}\n")
    code = (
        "import sys; from llmhub_runtime import LLMHub; "
        f"hub = LLMHub(config_path={str(config)!r}); before = 'any_llm' in sys.modules; hub.warmup(); "
        "print(before, 'any_llm' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "True"]
