"""Needs the LLM read in descriptions, written into the spec's text: only the roles' entries change."""

from __future__ import annotations

import pytest

from llmhub.errors import SpecError
from llmhub.spec import parse_spec
from llmhub.spec.suggest import apply_suggestions, suggestions_diff

SPEC = """\
# our roles
providers:
  openai: {env_key: OPENAI_API_KEY}
roles:
  a:
    description: Summarise long contracts  # the legal team
    requires: [tools]
    preferences: {quality: high}

  b: {description: quick answers, preferences: {cost: low}}
  c:
    description: x
    requires:
      - tools
defaults:
  fallbacks: 1
"""


def test_each_kind_of_entry_is_edited_in_place_and_the_rest_is_kept() -> None:
    suggested: dict[str, dict[str, object]] = {
        "a": {"requires": ["pdf", "tools"], "min_context": 200000},  # a key replaced, one added (block style)
        "b": {"open_weights_only": True},  # a flow-style role, rewritten in flow style
        "c": {"requires": ["tools", "vision"], "min_context": 64000},  # a block list replaced, before the next key
    }
    after = apply_suggestions(SPEC, suggested)
    spec = parse_spec(after)
    assert spec.roles["a"].requires == ["pdf", "tools"] and spec.roles["a"].min_context == 200000
    assert spec.roles["b"].open_weights_only is True and spec.roles["b"].description == "quick answers"
    assert spec.roles["c"].requires == ["tools", "vision"] and spec.roles["c"].min_context == 64000
    assert spec.defaults is not None and spec.defaults.fallbacks == 1
    diff = suggestions_diff("llmhub.spec.yaml", SPEC, after)
    changed = [line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert changed == [
        "-    requires: [tools]",
        "+    requires: [pdf, tools]",
        "+    min_context: 200000",
        "-  b: {description: quick answers, preferences: {cost: low}}",
        "+  b: {description: quick answers, preferences: {cost: low}, open_weights_only: true}",
        "-      - tools",
        "+      [tools, vision]",
        "+    min_context: 64000",
    ]
    assert "# the legal team" in after and after.startswith("# our roles\n")


def test_a_role_at_the_end_of_a_file_without_a_final_newline() -> None:
    assert apply_suggestions("roles:\n  a:\n    description: y", {"a": {"min_context": 5}}) == (
        "roles:\n  a:\n    description: y\n    min_context: 5\n"
    )


def test_no_suggestions_no_change_and_an_unknown_role_is_an_error() -> None:
    assert apply_suggestions(SPEC, {}) == SPEC
    assert suggestions_diff("llmhub.spec.yaml", SPEC, SPEC) == ""
    with pytest.raises(SpecError, match="role 'zz' is not a mapping under `roles:`"):
        apply_suggestions(SPEC, {"zz": {"min_context": 1}})


def test_a_suggested_mapping_keeps_the_keys_it_does_not_name() -> None:
    narrowed = {"preferences": {"providers": ["mistral"], "latency": "low"}}
    after = apply_suggestions(SPEC, {"a": narrowed, "b": narrowed})
    spec = parse_spec(after)
    for name in ("a", "b"):
        preferences = spec.roles[name].preferences
        assert preferences is not None and preferences.providers == ["mistral"] and preferences.latency == "low"
    assert spec.roles["a"].preferences.quality == "high"
    assert spec.roles["b"].preferences.cost == "low"
    assert "    preferences: {quality: high, providers: [mistral], latency: low}\n" in after
