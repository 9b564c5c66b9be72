"""The models of a cached catalog as columns: what the cache stores, and the models made back from it.

Each of `CanonicalModel`'s fields is stored as one column. A field group's column holds the
distinct records' values flat, record after record (not the records themselves), and which record
each model has (an array of positions, left out when every model has its own, as with `identity`);
any other field's column is simply its values, model after model.

Why: a load makes every distinct value once and each record straight from a run of those values.
Pickled as objects, every record came back through its class's `__new__` with an argument tuple
of its own, which the unpickler's memo kept alive until the whole load ended: ~10,000 records and
as many tuples for the 5,276 models of the 2026-07 snapshot, enough container objects that the
load paid for a full garbage collection of the whole process (13 of its 35 ms). Records are
tuple subclasses, which the collector never untracks, so each one made is one more for every
collection after it; making none that is not needed is the part that lasts.
"""

from __future__ import annotations

import array
import functools
import itertools
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple

from llmhub.catalog.models import FIELD_NAMES, GROUPS, CanonicalModel

__all__ = ["SHAPE", "Column", "columns_of", "models_from"]

Column = tuple[list[Any], "array.array[int] | None"]
"""A field's values (a group's distinct records, flat) and each model's position among them (None: one
each, in order)."""

SHAPE: tuple[tuple[str, ...], dict[str, tuple[str, ...]]] = (
    FIELD_NAMES,
    {name: record._fields for name, record in GROUPS.items()},
)
"""The fields of a model and of each of its groups: columns stored in another shape are not read."""


def columns_of(models: Sequence[CanonicalModel]) -> list[Column]:
    """Every field of `models` as a column, in `FIELD_NAMES` order."""
    fields: Iterable[Sequence[Any]] = zip(*models, strict=True) if models else [()] * len(FIELD_NAMES)
    return [_column(name, values) for name, values in zip(FIELD_NAMES, fields, strict=True)]


def _column(name: str, values: Sequence[Any]) -> Column:
    if name not in GROUPS:
        # Ids, kinds, tags, provenance maps: pickle stores a value many models share once and
        # refers back to it after (its memo), and makes it once on load; nothing to gain here.
        return list(values), None
    # Distinct by identity, not equality: the build shares equal records already (SharedRecords),
    # and the models keep every value alive, so no id is reused while this runs.
    position: dict[int, int] = {}
    distinct: list[Any] = []
    picks = array.array("I")
    for value in values:
        at = position.get(id(value))
        if at is None:
            at = position[id(value)] = len(distinct)
            distinct.append(value)
        picks.append(at)
    flat = list(itertools.chain.from_iterable(distinct))
    return flat, None if len(position) == len(values) else picks


def models_from(columns: Sequence[Column]) -> list[CanonicalModel]:
    """The models `columns_of` stored.

    Raises:
        ValueError: columns of another layout (too few, or a group's values not whole records).
    """
    if len(columns) != len(FIELD_NAMES):
        raise ValueError(f"{len(columns)} columns for {len(FIELD_NAMES)} fields")
    fields: list[Iterable[Any]] = []
    for name, (distinct, picks) in zip(FIELD_NAMES, columns, strict=True):
        record = GROUPS.get(name)
        values = distinct if record is None else _records(record, distinct)
        fields.append(values if picks is None else map(values.__getitem__, picks))
    return list(map(_maker(CanonicalModel), zip(*fields, strict=True)))


def _records(record: type[NamedTuple], flat: list[Any]) -> list[Any]:
    """The records whose values `flat` holds one after another."""
    width = len(record._fields)
    return list(map(_maker(record), zip(*[iter(flat)] * width, strict=True)))


def _maker(record: type[tuple[Any, ...]]) -> Callable[[tuple[Any, ...]], Any]:
    """Makes a `record` from a tuple of all its values, as `record._make` does, minus a Python call each.

    `_make` also checks the length; here the zip that feeds it fixes the length of every row.
    """
    return functools.partial(tuple.__new__, record)
