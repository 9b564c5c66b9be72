"""The rules directory: the shipped rules load, a user's copy changes picks, bad files fail clearly."""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import pytest

from llmhub._resources import data_dir
from llmhub.catalog.models import Catalog
from llmhub.errors import RuleError
from llmhub.generator import GeneratorOptions, generate_runtime_from_spec, load_rules
from llmhub.spec.models import RoleKind

from .conftest import spec_with

GENERATOR_SOURCES = Path(__file__).resolve().parents[2] / "src" / "llmhub" / "generator"


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(data_dir("rules"), target)
    return target


def test_shipped_rules_cover_every_kind_and_have_a_general_task() -> None:
    rules = load_rules()
    assert set(rules.kinds) == set(RoleKind)
    assert "general" in rules.tasks
    assert rules.tie_break[-1] == "canonical_id"  # the last word is always deterministic
    assert Path(rules.source) == data_dir("rules")


def test_no_model_names_are_hard_coded_in_the_generator() -> None:
    model_like = re.compile(r"\b(gpt-\d|claude|gemini|llama|mistral|o1|o3|haiku|sonnet|opus)\b", re.I)
    for path in GENERATOR_SOURCES.glob("*.py"):
        tree = ast.parse(path.read_text())
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
        }
        for node in ast.walk(tree):
            # Examples of the reference format in messages ("e.g. ...") are fine; decisions on names are not.
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
                and "e.g." not in node.value
            ):
                assert not model_like.search(node.value), f"{path.name}: {node.value!r}"


def test_a_users_rules_directory_changes_the_pick(rules_copy: Path, catalog: Catalog) -> None:
    spec = spec_with("  r: {preferences: {quality: high}}")
    shipped = generate_runtime_from_spec(spec, GeneratorOptions(catalog=catalog, no_llm=True))
    # Make price the only thing that matters.
    (rules_copy / "preferences.yaml").write_text(
        "weights:\n  quality: {low: 0, medium: 0, high: 0}\n  cost: {low: 9, medium: 9, high: 9}\n"
        "  latency: {low: 0, medium: 0, high: 0}\n  recency: 0\n"
    )
    edited = generate_runtime_from_spec(spec, GeneratorOptions(catalog=catalog, no_llm=True, rules=rules_copy))
    before, after = shipped.runtime.roles["r"], edited.runtime.roles["r"]
    assert (before.provider, before.model) != (after.provider, after.model)
    assert catalog[f"{after.provider}:{after.model}"].pricing.blended == min(
        m.pricing.blended
        for m in catalog
        if m.kind == "chat" and m.identity.callable and not m.lifecycle.deprecated and m.pricing.blended is not None
    )


def test_kind_params_come_from_the_rules(rules_copy: Path, catalog: Catalog) -> None:
    text = (rules_copy / "kinds.yaml").read_text().replace("params: {temperature: 0.7}", "params: {temperature: 0.42}")
    (rules_copy / "kinds.yaml").write_text(text)
    spec = spec_with("  r: {}")
    result = generate_runtime_from_spec(spec, GeneratorOptions(catalog=catalog, no_llm=True, rules=rules_copy))
    assert result.runtime.roles["r"].params == {"temperature": 0.42}


def test_invalid_value_names_file_line_and_field(rules_copy: Path) -> None:
    path = rules_copy / "preferences.yaml"
    path.write_text(path.read_text().replace("high: 3.0", "high: lots"))
    with pytest.raises(RuleError) as caught:
        load_rules(rules_copy)
    error = caught.value
    assert error.source == str(path)
    assert error.field == "weights.quality.high"
    assert error.line == 4
    assert str(error).startswith(f"{path}:4: weights.quality.high:")


def test_unknown_key_suggests_the_right_one(rules_copy: Path) -> None:
    path = rules_copy / "policy.yaml"
    path.write_text(path.read_text().replace("fallbacks: 2", "falbacks: 2"))
    with pytest.raises(RuleError, match=r"did you mean 'fallbacks'\?"):
        load_rules(rules_copy)


def test_a_section_in_two_files_is_an_error(rules_copy: Path) -> None:
    (rules_copy / "extra.yaml").write_text("weights:\n  recency: 1\n")
    with pytest.raises(
        RuleError, match=r"preferences.yaml:3: weights: section 'weights' is also defined in extra.yaml; keep one"
    ):
        load_rules(rules_copy)


def test_missing_kind_rule_is_an_error(rules_copy: Path) -> None:
    path = rules_copy / "kinds.yaml"
    text = path.read_text()
    path.write_text(text[: text.index("  audio:")])
    with pytest.raises(RuleError, match=r"no rule for role kinds audio"):
        load_rules(rules_copy)


@pytest.mark.parametrize("setup", ["missing", "empty"])
def test_rules_directory_must_hold_rules(tmp_path: Path, setup: str) -> None:
    folder = tmp_path / "rules"
    if setup == "empty":
        folder.mkdir()
    with pytest.raises(RuleError, match="does not exist" if setup == "missing" else "no \\*.yaml files"):
        load_rules(folder)
