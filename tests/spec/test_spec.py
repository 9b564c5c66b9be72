"""llmhub.spec.yaml: the seeds' specs load, errors point at the fix, overlays merge, saving round-trips."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

import pytest

from llmhub.errors import SpecError
from llmhub.schemas import generated_schema_text, schema_for, schema_text
from llmhub.spec import (
    RoleKind,
    SpecConfig,
    apply_environment,
    dump_spec,
    find_spec_path,
    load_spec,
    parse_spec,
    save_spec,
)

SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "seed_spec"


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.yaml")), ids=lambda p: p.name)
def test_every_seed_spec_loads_unchanged(path: Path) -> None:
    spec = load_spec(path)
    assert spec.roles
    assert all(p.enabled for p in spec.providers.values())
    assert "llm.inference" in spec.roles


def test_seed_fields_are_read() -> None:
    spec = load_spec(SEEDS / "002_2.yaml")
    assert spec.providers["openai"].env_key == "OPENAI_API_KEY"
    preprocess = spec.roles["llm.preprocess"]
    assert preprocess.kind is RoleKind.chat
    assert preprocess.preferences.cost == "low"
    assert spec.roles["llm.embedding"].kind is RoleKind.embedding


def test_design_additions_are_read() -> None:
    spec = parse_spec(
        """
providers:
  local: {type: openai, api_base: "http://127.0.0.1:8000/v1", timeout: 20, client_args: {max_retries: 0}}
roles:
  r:
    requires: [tools, vision]
    min_context: 100000
    max_price: {input: 1, output: 4}
    open_weights_only: true
    exclude: ["*-preview"]
    fallbacks: 3
defaults: {preferences: {cost: low}, fallbacks: 1}
generator: {model: "local:qwen3", shortlist: 5, mode: tools}
"""
    )
    role = spec.roles["r"]
    assert role.requires == ["tools", "vision"] and role.min_context == 100000
    assert role.max_price is not None and role.max_price.output == 4
    assert spec.providers["local"].client_args == {"max_retries": 0}
    assert spec.generator is not None and spec.generator.mode == "tools"
    assert spec.defaults is not None and spec.defaults.preferences is not None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "roles:\n  a:\n    preferneces: {}\n",
            "test.yaml:3: roles[\"a\"].preferneces: unknown key 'preferneces' (did you mean 'preferences'?)",
        ),
        (
            "roles:\n  a:\n    preferences:\n      quality: highest\n",
            "test.yaml:4: roles[\"a\"].preferences.quality: unknown quality 'highest' (did you mean 'high'?)",
        ),
        ("roles:\n  a:\n    model: gpt-4o\n", "pin a model with `force_model`"),
        ("providers:\n  openai:\n    api_key: sk-123\n", "never put secrets in the spec"),
        ("roles:\n  a: {requires: [telepathy]}\n", 'roles["a"].requires[0]'),
        ("roles:\n  a: {kind: chatt}\n", "unknown kind 'chatt' (did you mean 'chat'?)"),
        ("roles: [\n", "test.yaml:2: YAML syntax error"),
        ("- 1\n", "expected a mapping with `providers:` and `roles:`"),
        ("roles:\n  a: {}\n  a: {}\n", "duplicate key 'a'"),
    ],
)
def test_errors_name_file_line_field_and_fix(text: str, expected: str) -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(text, source="test.yaml")
    assert expected in str(caught.value)
    assert "\n" not in str(caught.value)


def test_missing_file_says_how_to_create_one(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match=r"llmhub init"):
        load_spec(tmp_path / "llmhub.spec.yaml")


OVERLAID = """
env: dev
providers:
  openai: {env_key: OPENAI_API_KEY}
  anthropic: {env_key: ANTHROPIC_API_KEY}
roles:
  llm.inference:
    description: Answers questions
    preferences: {quality: medium, cost: low}
environments:
  prod:
    providers:
      anthropic: null
    roles:
      llm.inference:
        preferences: {quality: high}
  bad:
    roles:
      llm.inference:
        preferences: {quality: extreme}
"""


def test_environment_overlay_merges_mappings_and_removes_nulls() -> None:
    spec = parse_spec(OVERLAID, env="prod")
    assert spec.env == "prod"
    assert set(spec.providers) == {"openai"}
    prefs = spec.roles["llm.inference"].preferences
    assert (prefs.quality, prefs.cost) == ("high", "low")  # merged, not replaced
    assert spec.roles["llm.inference"].description == "Answers questions"


def test_environment_errors_point_into_the_overlay() -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(OVERLAID, source="s.yaml", env="bad")
    assert str(caught.value).startswith('s.yaml (environment bad):20: roles["llm.inference"].preferences.quality:')


def test_unknown_environment_lists_the_known_ones() -> None:
    with pytest.raises(SpecError, match=r"no environment 'stage'.*known: bad, prod"):
        parse_spec(OVERLAID, env="stage")
    assert parse_spec(OVERLAID, env="dev").env == "dev"  # the base file's own env needs no overlay


def test_apply_environment_to_a_loaded_spec() -> None:
    base = parse_spec(OVERLAID)
    assert apply_environment(base, "prod").roles["llm.inference"].preferences.quality == "high"


def test_save_round_trips_with_a_schema_line_and_the_schema_beside_it(tmp_path: Path) -> None:
    spec = parse_spec(OVERLAID)
    path = save_spec(tmp_path / "llmhub.spec.yaml", spec, header="My project's roles")
    text = path.read_text()
    assert text.startswith("# yaml-language-server: $schema=.llmhub/schema/spec.schema.json\n# My project's roles\n")
    assert load_spec(path) == spec
    schema = json.loads((tmp_path / ".llmhub" / "schema" / "spec.schema.json").read_text())
    assert schema == schema_for("spec")


@pytest.mark.parametrize("name", ["spec", "runtime"])
def test_the_shipped_schemas_are_the_models_schemas(name: Literal["spec", "runtime"]) -> None:
    # `init` and `setup` write the shipped copy (generating one reads the models' sources);
    # `python scripts/docs_tables.py` rewrites it after a field or its docstring changes.
    assert schema_text(name) == generated_schema_text(name), "run `python scripts/docs_tables.py`"
    assert json.loads(schema_text(name))["properties"]["roles"]["description"]  # field docstrings are in it
    with pytest.raises(ValueError, match="choose spec or runtime"):
        schema_text("other")  # type: ignore[arg-type]


def test_dump_keeps_only_what_was_set() -> None:
    text = dump_spec(parse_spec("roles:\n  r: {description: x}\n"))
    assert "open_weights_only" not in text and "fallbacks" not in text
    assert "description: x" in text


def test_save_never_writes_a_spec_that_would_not_load(tmp_path: Path) -> None:
    target = tmp_path / "llmhub.spec.yaml"
    target.write_text("roles: {}\n")
    spec = SpecConfig.model_construct(roles={"r": "not a role"})  # bypasses validation
    with pytest.raises(Exception):  # noqa: B017 - any failure is fine, as long as nothing is written
        save_spec(target, spec)
    assert target.read_text() == "roles: {}\n"


def test_find_spec_walks_up_from_a_subdirectory(tmp_path: Path) -> None:
    (tmp_path / "llmhub.spec.yaml").write_text("roles: {}\n")
    nested = tmp_path / "src" / "app"
    nested.mkdir(parents=True)
    assert find_spec_path(nested) == tmp_path / "llmhub.spec.yaml"
    with pytest.raises(SpecError, match="here or in any parent directory"):
        find_spec_path(tmp_path.parent / "elsewhere-that-has-none")
