"""Budgets at run time, through the real any-llm path: the local server's request counts prove refusals."""

from __future__ import annotations

import calendar
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from llmhub_runtime import BudgetExceededError, ConfigError, LLMHub
from llmhub_runtime.budget import FileLedger, period_of
from llmhub_runtime.config_loader import config_from_dict
from llmhub_runtime.resilience import Timing
from llmhub_runtime.testing import FakeOpenAIServer, ScriptedResponse

MESSAGES = [{"role": "user", "content": "hello"}]
CHAT = "/v1/chat/completions"
DEC_4 = calendar.timegm((2026, 12, 4, 12, 0, 0))
JAN_1 = calendar.timegm((2027, 1, 1, 0, 0, 1))
# $1 per call: 1000 prompt tokens at $1000 per million (the server reports the usage it is told to).
PRICING = {"input_per_million": 1000.0, "output_per_million": 0.0}


def dollar_calls(server: FakeOpenAIServer, n: int) -> None:
    server.enqueue(*[ScriptedResponse(usage=(1000, 0)) for _ in range(n)])


def config(server: FakeOpenAIServer, **extra: Any) -> dict[str, Any]:
    role = {"provider": "local", "model": "model-a", "pricing": PRICING}
    return {
        "providers": {"local": {"type": "openai", "api_base": server.base_url, "env_key": "LOCAL_LLM_KEY"}},
        "roles": {"chat": {**role, **extra.pop("chat", {})}, "other": role},
        **extra,
    }


def test_a_role_warns_at_its_soft_limit_and_refuses_at_its_hard_limit(
    local_key: str, fake_server: FakeOpenAIServer, caplog: pytest.LogCaptureFixture
) -> None:
    events: list[dict[str, Any]] = []
    hub = LLMHub(
        config=config(fake_server, chat={"budget": {"soft_usd": 2, "hard_usd": 3}}),
        on_event=events.append,
        timing=Timing(wall=lambda: DEC_4),
    )
    dollar_calls(fake_server, 5)
    for _ in range(3):
        hub.completion(role="chat", messages=MESSAGES)
    assert hub.spent("chat") == pytest.approx(3.0)
    assert events == [
        {
            "event": "budget_soft_limit",
            "scope": "role",
            "role": "chat",
            "period": "2026-12",
            "spent_usd": pytest.approx(2.0),
            "limit_usd": 2.0,
        }
    ]
    for _ in range(2):
        with pytest.raises(BudgetExceededError) as refused:
            hub.completion(role="chat", messages=MESSAGES)
    assert fake_server.count(CHAT) == 3  # the refused calls sent nothing
    error = refused.value
    assert (error.scope, error.role, error.limit_usd, error.period) == ("role", "chat", 3.0, "2026-12")
    assert "raise `roles.chat.budget.hard_usd` in llmhub.yaml" in str(error)
    hard = [e for e in events if e["event"] == "budget_hard_limit"]
    assert len(hard) == 1 and hard[0]["action"] == "refused"  # one event per period, however many refusals
    assert any("reached its hard limit $3.00 in 2026-12" in r.getMessage() for r in caplog.records)
    hub.completion(role="other", messages=MESSAGES)  # another role has no budget of its own
    assert hub.spent("other") is None and hub.spent() is None


def test_a_hard_limit_can_send_calls_to_a_cheaper_variant(local_key: str, fake_server: FakeOpenAIServer) -> None:
    chat = {
        "variants": [{"name": "main", "weight": 1}, {"name": "cheap", "weight": 0, "model": "model-cheap"}],
        "budget": {"hard_usd": 2, "fallback_variant": "cheap"},
    }
    events: list[dict[str, Any]] = []
    before: list[dict[str, Any]] = []
    hub = LLMHub(config=config(fake_server, chat=chat), on_event=events.append, on_before_call=before.append)
    dollar_calls(fake_server, 2)
    for _ in range(4):
        hub.completion(role="chat", messages=MESSAGES)
    assert (fake_server.count(model="model-a"), fake_server.count(model="model-cheap")) == (2, 2)
    assert [(p["variant"], p.get("budget_fallback", False)) for p in before] == [
        ("main", False),
        ("main", False),
        ("cheap", True),
        ("cheap", True),
    ]
    hard, unpriced = events  # the cheap variant names no price: its calls are said not to count
    assert (hard["event"], hard["action"], hard["variant"]) == ("budget_hard_limit", "fallback_variant", "cheap")
    assert unpriced == {"event": "budget_unpriced", "role": "chat", "period": unpriced["period"]}


def test_the_project_budget_counts_every_role(local_key: str, fake_server: FakeOpenAIServer) -> None:
    hub = LLMHub(config=config(fake_server, budget={"hard_usd": 2}))
    dollar_calls(fake_server, 2)
    hub.completion(role="chat", messages=MESSAGES)
    hub.completion(role="other", messages=MESSAGES)
    with pytest.raises(BudgetExceededError, match=r"the project \(called by role 'chat'\) spent \$2.00") as refused:
        hub.completion(role="chat", messages=MESSAGES)
    assert refused.value.scope == "project" and "raise `budget.hard_usd`" in str(refused.value)
    assert hub.spent() == pytest.approx(2.0)


def test_spend_starts_again_in_the_next_period(local_key: str, fake_server: FakeOpenAIServer) -> None:
    now = [DEC_4]
    hub = LLMHub(config=config(fake_server, chat={"budget": {"hard_usd": 1}}), timing=Timing(wall=lambda: now[0]))
    dollar_calls(fake_server, 2)
    hub.completion(role="chat", messages=MESSAGES)
    with pytest.raises(BudgetExceededError):
        hub.completion(role="chat", messages=MESSAGES)
    now[0] = JAN_1
    assert hub.spent("chat") == 0.0
    hub.completion(role="chat", messages=MESSAGES)
    assert fake_server.count(CHAT) == 2


def test_a_daily_budget_counts_per_day() -> None:
    assert period_of("day", DEC_4) == "2026-12-04" and period_of("month", DEC_4) == "2026-12"


def test_cache_hits_cost_nothing(tmp_path: Path, local_key: str, fake_server: FakeOpenAIServer) -> None:
    chat = {"params": {"temperature": 0}, "cache": {"ttl": 60}, "budget": {"hard_usd": 1.5}}
    hub = LLMHub(config=config(fake_server, chat=chat, cache={"dir": str(tmp_path)}))
    dollar_calls(fake_server, 1)
    for _ in range(5):
        hub.completion(role="chat", messages=MESSAGES)
    assert hub.spent("chat") == pytest.approx(1.0) and fake_server.count(CHAT) == 1


def test_a_stream_counts_when_it_reports_usage(local_key: str, fake_server: FakeOpenAIServer) -> None:
    hub = LLMHub(config=config(fake_server, chat={"budget": {"hard_usd": 100}}))
    dollar_calls(fake_server, 1)
    chunks = hub.completion(role="chat", messages=MESSAGES, stream=True, stream_options={"include_usage": True})
    assert hub.spent("chat") == 0.0  # counted when the stream ends
    list(chunks)
    assert hub.spent("chat") == pytest.approx(1.0)


def test_workers_sharing_a_store_share_the_budget_and_the_warning(
    tmp_path: Path, local_key: str, fake_server: FakeOpenAIServer
) -> None:
    settings = config(fake_server, budget={"soft_usd": 1, "hard_usd": 2, "store": str(tmp_path / "spend.json")})
    events: list[dict[str, Any]] = []
    first = LLMHub(config=settings, on_event=events.append)
    second = LLMHub(config=settings, on_event=events.append)
    dollar_calls(fake_server, 2)
    first.completion(role="chat", messages=MESSAGES)
    second.completion(role="other", messages=MESSAGES)
    assert [e["event"] for e in events] == ["budget_soft_limit"]  # sent by one worker, not by each
    third = LLMHub(config=settings)  # a worker started later reads the same file
    assert third.spent() == pytest.approx(2.0)
    with pytest.raises(BudgetExceededError):
        third.completion(role="chat", messages=MESSAGES)
    stored = json.loads((tmp_path / "spend.json").read_text())
    assert stored.pop("llmhub_budget_store") == 1  # the mark that lets the hub rewrite this file, and no other
    assert [round(entry["spent"], 6) for entry in stored.values()] == [2.0]


_WORKER = """
import sys
from pathlib import Path
from llmhub_runtime.budget import FileLedger
ledger = FileLedger(Path(sys.argv[1]))
for _ in range(100):
    ledger.add(["p|project|2026-12", "p|role:r|2026-12"], 0.25, 0.0)
"""


def test_the_file_store_loses_no_addition_between_processes(tmp_path: Path) -> None:
    path = tmp_path / "spend.json"
    workers = [subprocess.Popen([sys.executable, "-c", _WORKER, str(path)]) for _ in range(4)]
    assert [worker.wait(timeout=120) for worker in workers] == [0, 0, 0, 0]
    ledger = FileLedger(path)
    assert ledger.spent("p|project|2026-12") == 100.0 and ledger.spent("p|role:r|2026-12") == 100.0


def test_an_unreadable_store_counts_from_zero_and_never_fails_a_call(tmp_path: Path) -> None:
    path = tmp_path / "spend.json"
    path.write_text("{not json")
    ledger = FileLedger(path)
    assert ledger.spent("k") == 0.0
    assert ledger.add(["k"], 1.5, 0.0) == {"k": 1.5}
    assert ledger.add(["k"], 1.0, 0.0) == {"k": 2.5}  # counted on in this process...
    assert path.read_text() == "{not json"  # ...and a file that is not a store is never overwritten


def test_a_store_that_names_another_file_is_refused_before_anything_is_written(
    tmp_path: Path, local_key: str, fake_server: FakeOpenAIServer
) -> None:
    precious = tmp_path / "notes.txt"
    precious.write_text("my notes\n")
    with pytest.raises(ConfigError, match="is not an llmhub budget store, so it is never overwritten"):
        LLMHub(config=config(fake_server, budget={"hard_usd": 5, "store": str(precious)}))
    assert precious.read_text() == "my notes\n"


def test_spend_survives_a_reload(tmp_path: Path, local_key: str, fake_server: FakeOpenAIServer) -> None:
    path = tmp_path / "llmhub.yaml"
    path.write_text(json.dumps(config(fake_server, chat={"budget": {"hard_usd": 2}})))
    hub = LLMHub(path)
    dollar_calls(fake_server, 3)
    hub.completion(role="chat", messages=MESSAGES)
    path.write_text(json.dumps(config(fake_server, chat={"budget": {"hard_usd": 3}})))
    assert hub.reload()
    assert hub.spent("chat") == pytest.approx(1.0)
    hub.completion(role="chat", messages=MESSAGES)
    hub.completion(role="chat", messages=MESSAGES)
    with pytest.raises(BudgetExceededError):
        hub.completion(role="chat", messages=MESSAGES)


def test_a_relative_store_is_relative_to_the_config_file(
    tmp_path: Path, local_key: str, fake_server: FakeOpenAIServer
) -> None:
    path = tmp_path / "app" / "llmhub.yaml"
    path.parent.mkdir()
    path.write_text(json.dumps(config(fake_server, budget={"hard_usd": 5, "store": "state/spend.json"})))
    dollar_calls(fake_server, 1)
    LLMHub(path).completion(role="chat", messages=MESSAGES)
    assert (tmp_path / "app" / "state" / "spend.json").is_file()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"chat": {"budget": {"soft_usd": 5, "hard_usd": 3}}}, r"soft_usd \(5.0\) is above hard_usd \(3.0\)"),
        ({"chat": {"budget": {"fallback_variant": "cheap"}}}, r"'cheap' is not one of this role's variants \(none\)"),
        ({"chat": {"budget": {"hard_usd": -1}}}, r'roles\["chat"\].budget.hard_usd'),
        ({"budget": {"period": "week"}}, "budget.period"),
        ({"budget": {"fallback_variant": "x"}}, "budget.fallback_variant: unknown key"),
    ],
)
def test_broken_budgets_are_refused_when_the_file_loads(
    fake_server: FakeOpenAIServer, extra: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        config_from_dict(config(fake_server, **extra))


def test_a_config_without_budgets_counts_nothing(local_key: str, fake_server: FakeOpenAIServer) -> None:
    hub = LLMHub(config=config(fake_server))
    hub.completion(role="chat", messages=MESSAGES)
    assert hub.spent() is None and hub.spent("chat") is None and hub._state.budgets is None


def test_amounts_under_a_cent_are_not_shown_as_zero() -> None:
    from llmhub_runtime import BudgetExceededError

    error = BudgetExceededError("project", "chat", 0.00051, 0.0005, "2026-12-04")
    assert "spent $0.00051 of its hard limit $0.0005 in 2026-12-04" in str(error)
    assert "$1,234.50" in str(BudgetExceededError("role", "chat", 1234.5, 1000, "2026-12"))


def test_a_call_with_no_price_is_reported_once_not_counted_as_zero(
    local_key: str, fake_server: FakeOpenAIServer, caplog: pytest.LogCaptureFixture
) -> None:
    events: list[dict[str, Any]] = []
    unpriced = {"provider": "local", "model": "model-a"}
    hub = LLMHub(
        config={**config(fake_server), "roles": {"chat": unpriced}, "budget": {"hard_usd": 1}},
        on_event=events.append,
        timing=Timing(wall=lambda: DEC_4),
    )
    dollar_calls(fake_server, 3)
    for _ in range(3):
        hub.completion(role="chat", messages=MESSAGES)
    assert events == [{"event": "budget_unpriced", "role": "chat", "period": "2026-12"}]  # once a period
    assert "its cost is not counted in the budget" in caplog.text
    assert hub.spent() == 0.0
