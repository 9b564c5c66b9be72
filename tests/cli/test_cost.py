"""`llmhub cost`: the monthly projection from llmhub.yaml's prices and the spec's traffic."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from llmhub.cli import app
from llmhub.cost import Traffic, project_costs
from llmhub_runtime.config_loader import parse_config

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
