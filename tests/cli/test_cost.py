"""`llmhub cost`: the monthly projection from llmhub.yaml's prices and the spec's traffic."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from llmhub.cli import app
from llmhub.cost import Traffic, project_costs
from llmhub_runtime.config_loader import parse_config
from tests.paths import MINI

RUNTIME = """\
providers: {openai: {env_key: OPENAI_API_KEY}}
roles:
  llm.chat:
    provider: openai
    model: gpt-a
    pricing: {input_per_million: 2.0, output_per_million: 8.0, cached_input_per_million: 0.5}
  llm.cheap:
    provider: openai
    model: gpt-b
    pricing: {input_per_million: 0.1}
  llm.unpriced: {provider: openai, model: gpt-c}
"""

SPEC = """\
providers: {openai: {env_key: OPENAI_API_KEY}}
roles:
  llm.chat:
    traffic: {requests_per_day: 1000, input_tokens: 2000, output_tokens: 500, cached_share: 0.5}
  llm.cheap:
    traffic: {requests_per_month: 3000, input_tokens: 100, output_tokens: 10}
  llm.unpriced:
    traffic: {requests_per_day: 10, input_tokens: 10, output_tokens: 10}
"""


def test_costs_use_the_prices_the_cache_share_and_never_turn_unknown_into_zero() -> None:
    runtime = parse_config(RUNTIME)
    rows = {
        r.role: r
        for r in project_costs(
            runtime,
            {
                "llm.chat": Traffic(1000, 2000, 500, 0.5),
                "llm.cheap": Traffic(100, 100, 10),
                "llm.unpriced": Traffic(10, 10, 10),
            },
        )
    }
    # 1000 uncached at $2, 1000 cached at $0.5, 500 out at $8 per million tokens
    assert rows["llm.chat"].per_request == pytest.approx((1000 * 2.0 + 1000 * 0.5 + 500 * 8.0) / 1e6)
    per_request = rows["llm.chat"].per_request
    assert per_request is not None and rows["llm.chat"].per_month == pytest.approx(per_request * 1000 * 30)
    assert rows["llm.cheap"].per_request is None and "output price unknown" in rows["llm.cheap"].note
    assert rows["llm.unpriced"].per_month is None and "price unknown" in rows["llm.unpriced"].note


def test_the_command_reads_the_spec_traffic_and_volume_overrides(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "llmhub.yaml").write_text(RUNTIME)
    (tmp_path / "llmhub.spec.yaml").write_text(SPEC)
    result = CliRunner().invoke(app, ["cost", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    chat = next(r for r in data["roles"] if r["role"] == "llm.chat")
    assert chat["per_month"] == pytest.approx(6.5 / 1000 * 1000 * 30)
    assert data["unknown"] == ["llm.cheap", "llm.unpriced"] and data["total_per_month"] == pytest.approx(195.0)
    doubled = json.loads(CliRunner().invoke(app, ["cost", "--json", "--volume", "llm.chat=2000/day"]).stdout)
    assert doubled["total_per_month"] == pytest.approx(390.0)
    table = CliRunner().invoke(app, ["cost"])
    assert "total: $195.00 a month (not counting llm.cheap, llm.unpriced: unknown)" in table.output
    assert CliRunner().invoke(app, ["cost", "--volume", "llm.chat=lots"]).exit_code == 2


def test_a_total_with_nothing_known_is_unknown_not_zero(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "llmhub.yaml").write_text(RUNTIME)  # no spec: no role has a volume
    table = CliRunner().invoke(app, ["cost"])
    assert table.exit_code == 0, table.output
    assert "total: unknown" in table.output and "$0.00" not in table.output
    assert json.loads(CliRunner().invoke(app, ["cost", "--json"]).stdout)["total_per_month"] is None


SNAPSHOTS = os.environ.get("LLMHUB_TEST_SNAPSHOTS")

REAL_SPEC = """\
providers: {openai: {env_key: OPENAI_API_KEY}, gemini: {env_key: GEMINI_API_KEY}}
roles:
  llm.long:
    description: Read whole contracts in one prompt
    force_provider: gemini
    force_model: gemini-2.5-pro
    traffic: {requests_per_day: 40, input_tokens: 300000, output_tokens: 2000, cached_share: 0.25}
  llm.chat:
    description: Answer customer questions
    force_provider: openai
    force_model: gpt-4.1-mini
    traffic: {requests_per_day: 1000, input_tokens: 4000, output_tokens: 300, cached_share: 0.75}
"""


@pytest.mark.slow
@pytest.mark.skipif(not SNAPSHOTS, reason="LLMHUB_TEST_SNAPSHOTS is not set (.ci/run sets it)")
def test_cost_of_a_generated_project_matches_the_catalog_prices_by_hand(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from llmhub.catalog import build_catalog

    monkeypatch.chdir(tmp_path)
    (tmp_path / "llmhub.spec.yaml").write_text(REAL_SPEC)
    generated = CliRunner().invoke(app, ["--offline", "generate", "--no-llm", "--sources", str(SNAPSHOTS)])
    assert generated.exit_code == 0, generated.output
    data = json.loads(CliRunner().invoke(app, ["cost", "--json"]).stdout)
    rows = {r["role"]: r for r in data["roles"]}
    catalog = build_catalog(sources_dir=SNAPSHOTS, overrides=False, cache_dir=tmp_path / "cache")
    pro, mini = catalog["gemini:gemini-2.5-pro"], catalog["openai:gpt-4.1-mini"]
    # 300k tokens is over gemini-2.5-pro's 200k tier: every token of the call pays the tier's prices.
    (tier,) = pro.pricing.context_tiers
    assert tier.above_tokens == 200_000 and tier.input is not None and tier.output is not None
    assert tier.cache_read is not None
    long_request = (225_000 * tier.input + 75_000 * tier.cache_read + 2000 * tier.output) / 1e6
    assert rows["llm.long"]["per_request"] == pytest.approx(long_request)
    assert rows["llm.long"]["per_month"] == pytest.approx(long_request * 40 * 30)
    # Three quarters of the prompt from the provider's cache, at its cached price.
    assert mini.pricing.input is not None and mini.pricing.output is not None
    assert mini.pricing.cache_read is not None
    chat_request = (1000 * mini.pricing.input + 3000 * mini.pricing.cache_read + 300 * mini.pricing.output) / 1e6
    assert rows["llm.chat"]["per_month"] == pytest.approx(chat_request * 1000 * 30)
    assert data["total_per_month"] == pytest.approx((long_request * 40 + chat_request * 1000) * 30)
    # --plan sets what generate would write now beside the file: here the same picks, the same cost.
    compared = CliRunner().invoke(app, ["--offline", "cost", "--plan", "--json", "--sources", str(SNAPSHOTS)])
    assert compared.exit_code == 0, compared.output
    plan = json.loads(compared.stdout)
    assert plan["planned_per_month"] == pytest.approx(data["total_per_month"])
    assert all(r["change_per_month"] == pytest.approx(0) for r in plan["roles"])


def test_cost_plan_shows_a_changed_pick_side_by_side(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project, lone = tmp_path / "project", tmp_path / "lone"
    for folder in (project, lone):
        folder.mkdir()
        (folder / "llmhub.yaml").write_text(RUNTIME)
    (project / "llmhub.spec.yaml").write_text(SPEC)
    monkeypatch.chdir(project)
    result = CliRunner().invoke(app, ["--offline", "cost", "--plan", "--sources", str(MINI)])
    assert result.exit_code == 0, result.output
    assert "regenerated model" in result.output and "total a month: $195.00 now" in result.output
    monkeypatch.chdir(lone)
    refused = CliRunner().invoke(app, ["--offline", "cost", "--plan"])
    assert refused.exit_code == 2 and "--plan needs the spec" in refused.output


def test_a_volume_for_a_role_the_file_lacks_is_refused_with_a_suggestion(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "llmhub.yaml").write_text(RUNTIME)
    result = CliRunner().invoke(app, ["cost", "--volume", "llm.chta=10/day"])
    assert result.exit_code == 2
    assert "'llm.chta' is not a role of llmhub.yaml (did you mean 'llm.chat'?)" in result.output


def test_budgets_in_the_spec_are_shown_beside_the_projection(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "llmhub.yaml").write_text(RUNTIME)
    budgeted = (
        SPEC.replace("cached_share: 0.5}\n", "cached_share: 0.5}\n    monthly_budget: 100\n") + "monthly_budget: 150\n"
    )
    (tmp_path / "llmhub.spec.yaml").write_text(budgeted)
    data = json.loads(CliRunner().invoke(app, ["cost", "--json"]).stdout)
    chat = next(r for r in data["roles"] if r["role"] == "llm.chat")
    assert chat["budget_per_month"] == 100 and chat["note"] == "over its monthly_budget $100.00"  # $195 projected
    assert data["budget"] == 150
    table = CliRunner().invoke(app, ["cost"])
    assert "the spec's monthly_budget is $150.00 (over it)" in table.output
