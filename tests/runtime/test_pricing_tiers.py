"""Long-prompt price tiers in llmhub.yaml: the hub's `cost_usd` uses the tier a prompt falls in."""

from __future__ import annotations

import pytest

from llmhub_runtime.hooks import compute_cost
from llmhub_runtime.models import PriceTierConfig, PricingConfig

PRICING = PricingConfig(
    input_per_million=1.25,
    output_per_million=10.0,
    cached_input_per_million=0.125,
    tiers=[PriceTierConfig(above_tokens=200_000, input_per_million=2.5, output_per_million=15.0)],
)


def test_a_prompt_within_the_first_tier_pays_the_list_prices() -> None:
    cost = compute_cost({"prompt_tokens": 200_000, "completion_tokens": 1000}, PRICING)
    assert cost == pytest.approx((200_000 * 1.25 + 1000 * 10.0) / 1e6)


def test_a_longer_prompt_pays_the_tier_prices_for_the_whole_call() -> None:
    cost = compute_cost({"prompt_tokens": 300_000, "completion_tokens": 1000, "cached_tokens": 100_000}, PRICING)
    # The tier gives no cached price: the list cached price still applies to the cached tokens.
    assert cost == pytest.approx((200_000 * 2.5 + 100_000 * 0.125 + 1000 * 15.0) / 1e6)


def test_the_tier_that_applies_is_the_highest_one_exceeded() -> None:
    pricing = PRICING.model_copy(
        update={"tiers": [*PRICING.tiers, PriceTierConfig(above_tokens=500_000, input_per_million=4.0)]}
    )
    assert pricing.at(600_000).input_per_million == 4.0
    assert pricing.at(600_000).output_per_million == 10.0  # not given by the tier: the list price
    assert pricing.at(300_000).input_per_million == 2.5
    assert pricing.at(10) is pricing
