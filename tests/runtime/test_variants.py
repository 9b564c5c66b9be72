"""Weighted variants, through the real any-llm path: the local servers' request counts prove the split."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from llmhub_runtime import ConfigError, InvalidCallError, LLMHub, UnknownProviderError
from llmhub_runtime.config_loader import config_from_dict
from llmhub_runtime.models import VariantConfig
from llmhub_runtime.testing import FakeOpenAIServer, ScriptedResponse
from llmhub_runtime.variants import VariantPicker

MESSAGES = [{"role": "user", "content": "hello"}]
CHAT = "/v1/chat/completions"


def config(server: FakeOpenAIServer, **role: Any) -> dict[str, Any]:
    return {
        "providers": {"local": {"type": "openai", "api_base": server.base_url, "env_key": "LOCAL_LLM_KEY"}},
        "roles": {"chat": {"provider": "local", "model": "model-a", **role}},
        "resilience": {"max_retries": 0, "circuit_breaker": {"failure_threshold": 1, "cooldown_seconds": 600}},
    }


AB = [{"name": "control", "weight": 0.7}, {"name": "candidate", "weight": 0.3, "model": "model-b"}]


def test_calls_split_by_weight_and_a_seed_makes_the_split_repeatable(
    local_key: str, fake_server: FakeOpenAIServer
) -> None:
    after: list[dict[str, Any]] = []
    hub = LLMHub(config=config(fake_server, variants=AB), rng=7, on_after_call=after.append)
    for _ in range(200):
        hub.completion(role="chat", messages=MESSAGES)
    draws = random.Random(7)
    expected_b = sum(draws.random() >= 0.7 for _ in range(200))
    assert 0 < expected_b < 200
    assert fake_server.count(CHAT, model="model-b") == expected_b
    assert fake_server.count(CHAT, model="model-a") == 200 - expected_b
    # The hook names the variant that served each call, so results can be compared per variant.
    seen = Counter((p["variant"], p["model"]) for p in after)
    assert seen == {("control", "model-a"): 200 - expected_b, ("candidate", "model-b"): expected_b}


def test_the_same_seed_gives_the_same_sequence_of_variants(local_key: str, fake_server: FakeOpenAIServer) -> None:
    def sequence() -> list[str]:
        picked: list[dict[str, Any]] = []
        hub = LLMHub(config=config(fake_server, variants=AB), rng=random.Random(3), on_before_call=picked.append)
        for _ in range(20):
            hub.completion(role="chat", messages=MESSAGES)
        return [p["variant"] for p in picked]

    first = sequence()
    assert first == sequence() and set(first) == {"control", "candidate"}


@pytest.fixture
def second_server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(api_key="sk-test-local") as server:
        yield server


def test_the_same_model_on_two_deployments_balances_the_load(
    local_key: str, fake_server: FakeOpenAIServer, second_server: FakeOpenAIServer
) -> None:
    settings = config(fake_server, variants=[{"name": "gpu-a", "weight": 1}, {"name": "gpu-b", "weight": 1}])
    settings["providers"]["gpu-a"] = settings["providers"].pop("local")
    settings["providers"]["gpu-b"] = {**settings["providers"]["gpu-a"], "api_base": second_server.base_url}
    settings["roles"]["chat"]["provider"] = "gpu-a"
    settings["roles"]["chat"]["variants"][1]["provider"] = "gpu-b"
    hub = LLMHub(config=settings, rng=11)
    for _ in range(100):
        assert hub.completion(role="chat", messages=MESSAGES).choices[0].message.content == "[model-a] hello"
    on_a, on_b = fake_server.count(CHAT), second_server.count(CHAT)
    assert on_a + on_b == 100 and on_a > 0 and on_b > 0


def test_each_variant_has_its_own_fallbacks_and_breaker(local_key: str, fake_server: FakeOpenAIServer) -> None:
    variants = [
        {"name": "a", "weight": 0, "fallbacks": [{"provider": "local", "model": "backup-a"}]},
        {"name": "b", "weight": 1, "model": "model-b", "fallbacks": [{"provider": "local", "model": "backup-b"}]},
    ]
    after: list[dict[str, Any]] = []
    hub = LLMHub(config=config(fake_server, variants=variants), on_after_call=after.append)
    fake_server.enqueue(ScriptedResponse(status=503), model="model-b")
    reply = hub.completion(role="chat", messages=MESSAGES)
    assert reply.choices[0].message.content == "[backup-b] hello"  # b's own fallback, not a's
    assert [(p["variant"], p["model"], p["success"]) for p in after] == [
        ("b", "model-b", False),
        ("b", "backup-b", True),
    ]
    assert hub.circuit_open("local", "model-b") and not hub.circuit_open("local", "model-a")
    hub.completion(role="chat", messages=MESSAGES)
    assert fake_server.count(model="model-b") == 1  # b's circuit is open: straight to its fallback
    assert fake_server.count(model="model-a") == 0 and fake_server.count(model="backup-a") == 0


def test_a_variant_without_fallbacks_keeps_the_roles_and_empty_means_none(
    local_key: str, fake_server: FakeOpenAIServer
) -> None:
    role = {
        "fallbacks": [{"provider": "local", "model": "role-backup"}],
        "variants": [{"name": "inherits", "weight": 1}, {"name": "bare", "weight": 1, "fallbacks": []}],
    }
    hub = LLMHub(config=config(fake_server, **role))
    assert [t.model for t in hub.resolve("chat", variant="inherits").fallbacks] == ["role-backup"]
    assert hub.resolve("chat", variant="bare").fallbacks == ()


def test_a_variant_inherits_what_it_leaves_out(fake_server: FakeOpenAIServer) -> None:
    role = {
        "params": {"temperature": 0.2, "max_tokens": 100},
        "pricing": {"input_per_million": 1, "output_per_million": 2},
        "variants": [
            {"name": "hot", "weight": 1, "params": {"temperature": 0.9}},
            {"name": "other", "weight": 1, "model": "model-b"},
        ],
    }
    hub = LLMHub(config=config(fake_server, **role))
    hot = hub.resolve("chat", variant="hot")
    assert (hot.model, hot.params, hot.variant) == ("model-a", {"temperature": 0.9, "max_tokens": 100}, "hot")
    assert hot.pricing is not None and hot.pricing.input_per_million == 1  # same model, same prices
    assert hub.resolve("chat", variant="other").pricing is None  # another model: the role's prices would lie
    assert hub.resolve("chat").variant is None  # the role's own block, no pick


def test_resolving_an_unknown_variant_names_the_known_ones(fake_server: FakeOpenAIServer) -> None:
    hub = LLMHub(config=config(fake_server, variants=AB))
    with pytest.raises(InvalidCallError, match=r"no variant 'candidat' \(did you mean 'candidate'\?\); its variants"):
        hub.resolve("chat", variant="candidat")


def test_roles_without_variants_keep_their_payloads(local_key: str, fake_server: FakeOpenAIServer) -> None:
    before: list[dict[str, Any]] = []
    LLMHub(config=config(fake_server), on_before_call=before.append).completion(role="chat", messages=MESSAGES)
    assert "variant" not in before[0]


@pytest.mark.parametrize(
    ("variants", "error", "message"),
    [
        ([{"name": "a", "weight": 1}, {"name": "a", "weight": 1}], ConfigError, "the name 'a' is used twice"),
        ([{"name": "a", "weight": 0}], ConfigError, "every weight is 0"),
        ([{"name": "a", "weight": -1}], ConfigError, r"variants\[0\]\.weight: input should be greater"),
        ([{"name": "a b", "weight": 1}], ConfigError, "is not a variant name"),
        ([{"name": "a", "weight": 1, "provider": "locl"}], UnknownProviderError, r"variants\[0\]\.provider"),
        ([{"name": "a", "weight": 1, "params": {"model": "x"}}], ConfigError, "the role's `model:` decides"),
        ([{"name": "a", "weight": 1, "params": {"temprature": 0}}], ConfigError, "did you mean 'temperature'"),
    ],
)
def test_broken_variants_are_refused_when_the_file_loads(
    fake_server: FakeOpenAIServer, variants: list[dict[str, Any]], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        config_from_dict(config(fake_server, variants=variants))


def test_a_weight_zero_variant_is_never_picked() -> None:
    picker = VariantPicker([VariantConfig(name="off", weight=0), VariantConfig(name="on", weight=2)])
    rng = random.Random(0)
    assert {picker.pick(rng) for _ in range(1000)} == {"on"}
    assert picker.share("on") == 1.0 and picker.share("off") == 0.0


def test_variant_providers_count_for_strict_env(fake_server: FakeOpenAIServer) -> None:
    settings = config(fake_server, variants=[{"name": "x", "weight": 1, "provider": "other"}])
    settings["providers"]["other"] = {"type": "openai", "env_key": "OTHER_KEY"}
    with pytest.raises(ConfigError, match="OTHER_KEY"):
        LLMHub(config=settings, strict_env=True)


def test_a_call_can_name_its_variant_and_the_name_never_reaches_the_provider(
    local_key: str, fake_server: FakeOpenAIServer
) -> None:
    hub = LLMHub(config=config(fake_server, variants=AB), rng=1)
    for _ in range(5):
        hub.completion(role="chat", messages=MESSAGES, variant="candidate")
    assert fake_server.count(CHAT, model="model-b") == 5
    assert all("variant" not in r.body and "variant_key" not in r.body for r in fake_server.requests)
    with pytest.raises(InvalidCallError, match="did you mean 'candidate'"):
        hub.completion(role="chat", messages=MESSAGES, variant="candidat")


def test_a_variant_key_always_gets_the_same_variant_in_every_process(
    local_key: str, fake_server: FakeOpenAIServer
) -> None:
    after: list[dict[str, Any]] = []
    first = LLMHub(config=config(fake_server, variants=AB), rng=1, on_after_call=after.append)
    other = LLMHub(config=config(fake_server, variants=AB), rng=99, on_after_call=after.append)
    users = [f"user-{i}" for i in range(40)]
    for user in users:
        first.completion(role="chat", messages=MESSAGES, variant_key=user)
        first.completion(role="chat", messages=MESSAGES, variant_key=user)
        other.completion(role="chat", messages=MESSAGES, variant_key=user)
    by_user = [{p["variant"] for p in after[i * 3 : i * 3 + 3]} for i in range(len(users))]
    assert all(len(seen) == 1 for seen in by_user)  # sticky: one user, one arm, whichever hub serves them
    arms = Counter(next(iter(seen)) for seen in by_user)
    assert arms["control"] > 0 and arms["candidate"] > 0  # and the users are spread across both arms
    plain = LLMHub(config=config(fake_server))
    with pytest.raises(InvalidCallError, match="has no variants"):
        plain.completion(role="chat", messages=MESSAGES, variant_key="user-1")
