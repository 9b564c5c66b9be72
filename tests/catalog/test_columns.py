"""The cached catalog's models, stored as columns: they come back as they were, or not at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmhub.catalog.build import build_catalog
from llmhub.catalog.columns import columns_of, models_from
from llmhub.catalog.models import FIELD_NAMES, CanonicalModel


def test_models_come_back_from_their_columns_unchanged(mini_dir: Path, tmp_path: Path) -> None:
    models = build_catalog(sources_dir=mini_dir, cache_dir=tmp_path, overrides=False).models
    again = models_from(columns_of(models))
    assert again == models
    assert [m.to_dict() for m in again] == [m.to_dict() for m in models]
    assert all(type(m.pricing) is type(o.pricing) for m, o in zip(again, models, strict=True))


def test_no_models_make_empty_columns() -> None:
    assert models_from(columns_of([])) == []


def test_columns_of_another_layout_are_refused() -> None:
    columns = columns_of(
        [CanonicalModel.build(provider="p", model_id="m"), CanonicalModel.build(provider="p", model_id="n")]
    )
    with pytest.raises(ValueError):
        models_from(columns[:-1])  # a field missing
    at = FIELD_NAMES.index("identity")
    identity, picks = columns[at]
    with pytest.raises(ValueError):
        models_from([*columns[:at], (identity[:-1], picks), *columns[at + 1 :]])  # a record cut short
