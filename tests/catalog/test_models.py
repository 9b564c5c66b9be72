"""The catalog's records: immutable, grouped as their provenance is, flat in JSON."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmhub.catalog.build import build_catalog
from llmhub.catalog.models import FACT_NAMES, CanonicalModel, Identity, ModelDraft, Pricing


def test_a_catalog_model_cannot_be_changed(mini_dir: Path, tmp_path: Path) -> None:
    catalog = build_catalog(sources_dir=mini_dir, cache_dir=tmp_path, overrides=False)
    model = catalog["openai:gpt-4.1"]
    with pytest.raises(AttributeError):
        model.tags = ("mine",)  # type: ignore[misc]
    with pytest.raises(AttributeError):
        model.pricing.input = 0.0  # type: ignore[misc]
    with pytest.raises(AttributeError):
        model.quality.score = 2000.0  # type: ignore[misc]
    # Read back from the cache, it is just as immutable.
    again = build_catalog(sources_dir=mini_dir, cache_dir=tmp_path, overrides=False)["openai:gpt-4.1"]
    assert again == model
    with pytest.raises(AttributeError):
        again.pricing = Pricing()  # type: ignore[misc]


def test_flat_facts_make_a_model_and_come_back_unchanged() -> None:
    model = CanonicalModel.build(
        provider="p",
        model_id="m",
        price_input_per_million=1.0,
        context_tokens=8000,
        arena_score=1300.0,
        release_date="2026-01-01",
        available=True,
        deprecated=True,
    )
    assert (model.canonical_id, model.identity.display_name) == ("p:m", "m")
    assert (model.pricing.input, model.limits.context, model.quality.score) == (1.0, 8000, 1300.0)
    assert (model.dates.release, model.availability.listed, model.lifecycle.deprecated) == ("2026-01-01", True, True)
    # freeze() makes records from tuples of their values: every field is there, in order.
    assert (len(model), len(model.identity)) == (len(CanonicalModel._fields), len(Identity._fields))
    facts = model.facts()
    assert tuple(facts) == FACT_NAMES
    assert ModelDraft(**facts).freeze() == model
    data = model.to_dict()
    assert list(data) == [*FACT_NAMES]  # the flat JSON keys `llmhub catalog model --json` has always shown
    assert (data["price_input_per_million"], data["arena_score"], data["available"]) == (1.0, 1300.0, True)
