"""validate_spec: every problem at once, as errors or warnings, each located in the file."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Literal

import pytest

from llmhub.spec import parse_spec
from llmhub.spec.validate import SpecIssue, validate_spec
from tests.generator.conftest import fixture_catalog
from tests.paths import MINI

GOOD = """\
providers:
  openai: {env_key: OPENAI_API_KEY}
roles:
  llm.inference:
    description: Answers questions
  llm.embedding:
    kind: embedding
"""

BAD = """\
providers:
  openai:
    env_key: OPENAI_API_KEY
  anthropc:
    enabled: false
  local:
    type: vlm
roles:
  a:
    force_provider: anthropc
  b:
    kind: embedding
    preferences:
      providers: [openai, gemini]
    open_weights_only: true
  c:
    task: codng
  d:
    requires: [vision]
    max_price: {input: 0.001}
  e:
    force_provider: openai
    force_model: my-finetune
generator:
  model: gpt-4o
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "llmhub.spec.yaml"
    path.write_text(text)
    return path


def by_field(issues: Iterable[SpecIssue]) -> dict[str | None, str]:
    return {issue.field: issue.message for issue in issues}


def test_a_good_spec_is_valid(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    result = validate_spec(write(tmp_path, GOOD), catalog=fixture_catalog())
    assert result.valid and bool(result)
    assert result.errors == [] and result.warnings == []
    assert result.catalog_checked


def test_every_problem_is_reported_at_once_with_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, BAD)
    result = validate_spec(path, catalog=fixture_catalog())
    assert not result.valid
    errors = by_field(result.errors)
    assert "did you mean 'anthropic'?" in errors['providers["anthropc"]']
    assert "did you mean 'vllm'?" in errors['providers["local"].type']
    assert "forced here but disabled" in errors['roles["a"].force_provider']
    assert "'gemini' is not declared" in errors['roles["b"].preferences.providers[1]']
    assert "`open weights only` removed the last" in errors['roles["b"]']
    assert "did you mean 'coding'?" in errors['roles["c"].task']
    assert "max_price input 0.001/M" in errors['roles["d"]']
    assert "must be provider:model" in errors["generator.model"]
    lines = {issue.field: issue.line for issue in result.errors}
    assert lines['roles["a"].force_provider'] == 10
    assert lines['roles["c"].task'] == 17
    assert str(result.errors[0]).startswith(f'{path}:4: providers["anthropc"]: ')


def test_warnings_do_not_make_a_spec_invalid(tmp_path: Path) -> None:
    text = GOOD + "  llm.pinned:\n    force_provider: openai\n    force_model: my-finetune\n"
    result = validate_spec(write(tmp_path, text), catalog=fixture_catalog())
    assert result.valid
    warnings = by_field(result.warnings)
    assert "OPENAI_API_KEY is not set" in warnings['providers["openai"].env_key']
    assert "not in the catalog; it will be used as given" in warnings['roles["llm.pinned"].force_model']


def test_env_key_check_can_be_skipped(tmp_path: Path) -> None:
    result = validate_spec(write(tmp_path, GOOD), catalog=fixture_catalog(), check_env_keys=False)
    assert result.warnings == []


def test_allowed_but_disabled_provider_is_a_warning(tmp_path: Path) -> None:
    text = GOOD.replace("roles:", "  anthropic: {enabled: false}\nroles:") + (
        "  llm.other:\n    preferences: {providers: [openai, anthropic]}\n"
    )
    result = validate_spec(write(tmp_path, text), catalog=fixture_catalog(), check_env_keys=False)
    assert result.valid
    assert "allowed here but disabled" in by_field(result.warnings)['roles["llm.other"].preferences.providers[1]']


def test_no_enabled_provider_is_an_error() -> None:
    spec = parse_spec("providers:\n  openai: {enabled: false}\nroles:\n  r: {}\n")
    result = validate_spec(spec, catalog=False)
    assert "every provider is disabled" in by_field(result.errors)["providers"]
    assert result.errors[0].source == "<spec>"


def test_structural_errors_come_back_as_issues_not_exceptions(tmp_path: Path) -> None:
    result = validate_spec(write(tmp_path, "roles:\n  r:\n    kind: chatt\n"))
    assert not result.valid
    assert result.errors[0].line == 3
    assert "did you mean 'chat'?" in result.errors[0].message
    assert result.spec is None


def test_every_environment_overlay_is_checked(tmp_path: Path) -> None:
    text = GOOD + "environments:\n  prod:\n    roles:\n      llm.inference:\n        task: resoning\n"
    result = validate_spec(write(tmp_path, text), catalog=False)
    assert result.valid  # an overlay loads here; its semantic checks run when it is selected
    result = validate_spec(write(tmp_path, text), catalog=False, env="prod")
    issue = result.errors[0]
    assert "did you mean 'reasoning'?" in issue.message and "(environment prod)" in issue.message
    assert issue.line == 12  # the overlay's line (the base file has no `task:`)


def test_a_broken_overlay_is_an_error_even_when_not_selected(tmp_path: Path) -> None:
    text = GOOD + "environments:\n  prod:\n    roles:\n      llm.inference:\n        kind: chatt\n"
    result = validate_spec(write(tmp_path, text), catalog=False)
    assert not result.valid
    assert "environment prod" in str(result.errors[0])


def test_catalog_check_uses_the_local_mirror_offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLMHUB_CATALOG_SOURCES", str(MINI))
    text = GOOD + "  llm.open:\n    open_weights_only: true\n"  # mini has no open-weights openai model
    result = validate_spec(write(tmp_path, text), check_env_keys=False)
    assert result.catalog_checked
    assert "`open weights only` removed the last" in by_field(result.errors)['roles["llm.open"]']


def test_without_a_cached_catalog_roles_are_not_checked_and_it_says_so(tmp_path: Path) -> None:
    result = validate_spec(write(tmp_path, GOOD), check_env_keys=False)
    assert result.valid and not result.catalog_checked
    assert "none cached yet" in result.warnings[0].message


@pytest.mark.parametrize("catalog", [False])
def test_catalog_check_can_be_skipped(tmp_path: Path, catalog: Literal[False]) -> None:
    result = validate_spec(write(tmp_path, GOOD), catalog=catalog, check_env_keys=False)
    assert result.valid and result.warnings == [] and not result.catalog_checked


def test_json_shape(tmp_path: Path) -> None:
    data = validate_spec(write(tmp_path, BAD), catalog=False).to_dict()
    assert data["valid"] is False
    assert {"severity", "source", "line", "field", "message"} <= set(data["errors"][0])


def test_mode_params_are_checked_for_the_roles_kind(tmp_path: Path) -> None:
    spec = tmp_path / "llmhub.spec.yaml"
    spec.write_text(
        "providers: {openai: {}}\n"
        "roles:\n"
        "  emb: {kind: embedding, mode_params: {embedding_dim: 256}}\n"
        "  chat: {kind: tool, mode_params: {dimensions: 8}}\n"
    )
    result = validate_spec(spec, catalog=False)
    assert not result.valid
    (problem,) = result.errors
    assert "unknown parameter 'dimensions'" in str(problem) and "for a chat role" in str(problem)
    spec.write_text("providers: {openai: {}}\nroles:\n  emb: {kind: embedding, mode_params: {embedding_dim: 256}}\n")
    loaded = validate_spec(spec, catalog=False)
    assert loaded.valid and loaded.spec is not None
    assert loaded.spec.roles["emb"].mode_params == {"dimensions": 256}  # the seeds' name, mapped


def test_keyed_only_is_spec_wide(tmp_path: Path) -> None:
    spec = tmp_path / "llmhub.spec.yaml"
    spec.write_text("providers: {openai: {}}\nroles:\n  r: {policy: {keyed_only: true}}\n")
    (problem,) = validate_spec(spec, catalog=False).errors
    assert "keyed_only is spec-wide" in str(problem) and "policy.keyed_only" in str(problem)
    spec.write_text("providers: {openai: {}}\npolicy: {keyed_only: true}\nroles:\n  r: {}\n")
    assert validate_spec(spec, catalog=False).valid
