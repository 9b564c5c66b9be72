"""Match LMArena leaderboard names to catalog models. Precision first: a wrong score is worse than none.

Every catalog model and arena name is reduced to a `NameKey` (see `names.py`). A model takes its
score from an arena entry with the same core name, at the most precise level that finds one:

    exact     same date (or neither dated) and same serving variants
    alias     one side undated: an alias such as `claude-opus-4-5` takes the dated entry
              `claude-opus-4-5-20251101`, if that date fits the model's release dates
    variant   the arena entry is a serving variant of the model (`gpt-5-high` for `gpt-5`), or the
              model a quality-neutral variant of the entry (`...-FP8`, `:free`)
    fuzzy     rapidfuzz similarity of the names, only within the same lab and family word, with
              the same version numbers and no discriminating word (mini, lite, pro...) between them
    override  data/arena_overrides.yaml or the user's overrides file said so

Several arena entries may match one model (the most precise supplies `arena_id`); one arena entry
may match many models (the same model at every host, a dated id and its alias). Pure functions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from rapidfuzz import fuzz

from llmhub.catalog._data import load_data
from llmhub.catalog.names import (
    NameKey,
    base_id,
    date_value,
    discriminating_words,
    extendable_variants,
    parse_name,
    serving_neutral,
)

__all__ = ["ArenaOverrides", "CatalogName", "MappingResult", "ModelMatch", "match_arena"]

_LEVELS = ("override", "exact", "alias", "variant", "fuzzy")
_FUZZY_THRESHOLD = 90.0
# An alias may stand for a dated version released up to this long before its own release date
# (labs date a snapshot weeks before announcing it) and no later than shortly after its last update.
# A version much older than the alias's last update is refused: the alias has probably moved on to a
# newer model (mistral-large-latest, updated 2025-12, is no longer mistral-large-2411).
_ALIAS_BEFORE_RELEASE = timedelta(days=120)
_ALIAS_AFTER_UPDATE = timedelta(days=45)
_ALIAS_MAX_STALENESS = timedelta(days=180)


@dataclass(slots=True)  # not frozen: frozen dataclasses are slow to build, and one is made per model per build
class CatalogName:
    """What the mapper needs to know about one catalog model."""

    index: int
    model_id: str
    release_date: date | None = None
    last_updated: date | None = None


class ModelMatch(NamedTuple):
    """The arena entry a catalog model takes its score from, and how the match was made."""

    arena_name: str
    method: str
    """override, exact, alias, variant or fuzzy."""
    detail: str = ""


@dataclass
class ArenaOverrides:
    """Mapping decisions rules cannot make: arena name -> model ids, and arena names never to match.

    `match` targets are model ids compared with every catalog model's own name (host prefix removed,
    case-insensitive), or `provider:model` catalog ids for one model only.
    """

    match: dict[str, list[str]] = field(default_factory=dict)
    never: dict[str, str] = field(default_factory=dict)

    @classmethod
    def shipped(cls) -> ArenaOverrides:
        """The overrides that ship with llmhub (data/arena_overrides.yaml)."""
        raw = load_data("arena_overrides.yaml") or {}
        return cls(match=dict(raw.get("match") or {}), never=dict(raw.get("never") or {}))

    def merged(self, other: ArenaOverrides | None) -> ArenaOverrides:
        """These overrides with `other`'s entries winning."""
        if other is None:
            return self
        match = {**self.match, **other.match}
        never = {k: v for k, v in {**self.never, **other.never}.items() if k not in other.match}
        return ArenaOverrides(match={k: v for k, v in match.items() if k not in other.never}, never=never)


@dataclass
class MappingResult:
    """The outcome of matching one leaderboard against the catalog.

    Attributes:
        chosen: catalog index -> the match that supplies its score.
        matches: arena name -> catalog indexes it matched (at any level).
        reasons: arena name -> why it matched nothing.
    """

    chosen: dict[int, ModelMatch]
    matches: dict[str, list[int]]
    reasons: dict[str, str]


class _Candidate(NamedTuple):
    # Named tuples, like ModelMatch: about a thousand are made per build, and frozen dataclasses
    # are several times slower to make.
    rank: int
    name: str
    match: ModelMatch
    preview_mismatch: bool = False
    when: date | None = None
    """For an alias: the date of the version it stands for (the latest that fits is preferred)."""
    effort_only: bool = False
    """The arena entry differs from the model only by reasoning effort: the same API model."""

    def sort_key(self, variant_distance: int) -> tuple[int, bool, int, int, str]:
        return (
            self.rank,
            self.preview_mismatch,
            -(self.when.toordinal() if self.when else 0),
            variant_distance,
            self.name,
        )


def match_arena(
    arena_names: Iterable[str],
    models: Sequence[CatalogName],
    overrides: ArenaOverrides | None = None,
    catalog_ids: Mapping[int, str] | None = None,
) -> MappingResult:
    """Match every arena name to catalog models; see the module docstring for the rules.

    Args:
        arena_names: The leaderboard's model names.
        models: The catalog models to match.
        overrides: Explicit decisions (shipped plus the user's).
        catalog_ids: catalog index -> `provider:model`, for overrides that name one catalog model.
    """
    names = list(arena_names)
    arena_keys = {name: parse_name(name) for name in names}
    overrides = overrides or ArenaOverrides()
    # Overrides are written for every board at once; only the entries on this board apply.
    overrides = ArenaOverrides(
        match={k: v for k, v in overrides.match.items() if k in arena_keys},
        never={k: v for k, v in overrides.never.items() if k in arena_keys},
    )
    board = _Leaderboard(names, arena_keys, excluded=overrides.never.keys() | overrides.match.keys())

    # The same model id (one model at many hosts) is named the same way everywhere: most ids share
    # no name with any entry and are dismissed once, not once per host. The rest are solved once
    # per distinct pair of dates (which decide alias matches) and the answer shared.
    by_id: dict[str, list[CatalogName]] = defaultdict(list)
    for model in models:
        by_id[model.model_id].append(model)
    candidates: dict[int, list[_Candidate]] = {}
    ids_by_core: dict[tuple[str, ...], set[str]] = defaultdict(set)  # for explaining misses
    for model_id, hosts in by_id.items():
        key = parse_name(model_id)
        if not board.could_match(key):
            continue
        if key.core in board.by_core:
            ids_by_core[key.core].add(model_id)
        solved: dict[tuple[date | None, date | None], list[_Candidate]] = {}
        for model in hosts:
            dates = (model.release_date, model.last_updated)
            found = solved.get(dates)
            if found is None:
                found = solved[dates] = board.candidates(model, key)
            if found:
                candidates[model.index] = found

    if overrides.match or overrides.never:
        _apply_overrides(overrides, by_id, candidates, catalog_ids or {})

    model_ids = {m.index: m.model_id for m in models if m.index in candidates}
    chosen: dict[int, ModelMatch] = {}
    matches: dict[str, list[int]] = {name: [] for name in names}
    # Models that share a candidate list share its ranking too.
    ranked_by_list: dict[int, tuple[_Candidate, list[_Candidate]]] = {}
    for index, found in candidates.items():
        if not found:
            continue
        known = ranked_by_list.get(id(found))
        if known is None:
            variants = parse_name(model_ids[index]).variants
            ranked = sorted(found, key=lambda c: c.sort_key(len(variants ^ arena_keys[c.name].variants)))
            best = ranked[0]
            # The relation shown by `llmhub catalog arena`: the entry the score came from, equally
            # precise exact ties, and effort variants of the same API model (gpt-5-high for gpt-5).
            # Other dated versions an alias could have stood for are not matches.
            related = [
                c
                for c in ranked
                if c is best or (c.rank == best.rank and c.match.method in ("exact", "override")) or c.effort_only
            ]
            known = ranked_by_list[id(found)] = (best, related)
        best, related = known
        chosen[index] = best.match
        for candidate in related:
            listed = matches.setdefault(candidate.name, [])
            if index not in listed:
                listed.append(index)
    unmatched = [name for name in names if not matches.get(name)]
    reasons = {name: _why_unmatched(name, arena_keys[name], overrides, ids_by_core) for name in unmatched}
    return MappingResult(chosen=chosen, matches=matches, reasons=reasons)


class _Leaderboard:
    """One leaderboard's names indexed for matching: by core name, and by lab and version numbers."""

    def __init__(self, names: Iterable[str], arena_keys: Mapping[str, NameKey], excluded: Iterable[str]):
        self.keys = arena_keys
        skip = set(excluded)
        self.by_core: dict[tuple[str, ...], list[str]] = defaultdict(list)
        self.by_lab_numbers: dict[tuple[str | None, tuple[str, ...]], list[str]] = defaultdict(list)
        self.dated_cores: set[tuple[tuple[str, ...], frozenset[str]]] = set()
        for name in names:
            if name in skip:  # overrides decide these
                continue
            key = arena_keys[name]
            self.by_core[key.core].append(name)
            self.by_lab_numbers[(key.lab, key.numbers)].append(name)
            if key.date is not None:
                self.dated_cores.add((key.core, key.variants))
        self._fuzzy: dict[tuple[str, ...], list[str]] = {}
        self._could: dict[tuple[str, ...], bool] = {}

    def could_match(self, key: NameKey) -> bool:
        """Whether any entry shares the model's core name or is a fuzzy candidate for it."""
        # The answer depends on the core name and the lab, which the core's first word decides.
        could = self._could.get(key.core)
        if could is None:
            could = self._could[key.core] = key.core in self.by_core or (
                key.lab is not None and bool(self.fuzzy_names(key))
            )
        return could

    def fuzzy_names(self, key: NameKey) -> list[str]:
        """Entries of the same lab and version numbers whose words are near-identical (per core name)."""
        found = self._fuzzy.get(key.core)
        if found is None:
            pool = self.by_lab_numbers.get((key.lab, key.numbers), ())
            found = self._fuzzy[key.core] = _fuzzy_names(key, pool, self.keys)
        return found

    def candidates(self, model: CatalogName, key: NameKey) -> list[_Candidate]:
        """Every entry the model could take its score from: structured matches, else fuzzy ones."""
        found: list[_Candidate] = []
        for name in self.by_core.get(key.core, ()):
            candidate = _structured(model, key, name, self.keys[name], self.dated_cores)
            if candidate is not None:
                found.append(candidate)
        if not found and key.lab is not None:
            for name in self.fuzzy_names(key):
                other = self.keys[name]
                if _fuzzy_compatible(key, other):
                    score = fuzz.ratio(_words(key), _words(other))
                    match = ModelMatch(name, "fuzzy", f"similarity {score:.0f} within lab {key.lab}")
                    found.append(_Candidate(_LEVELS.index("fuzzy"), name, match))
        return found


def _structured(
    model: CatalogName,
    key: NameKey,
    name: str,
    arena: NameKey,
    dated_cores: set[tuple[tuple[str, ...], frozenset[str]]],
) -> _Candidate | None:
    """The exact / alias / variant match between one model and one same-core arena entry, if any."""
    if not _variants_compatible(key, arena):
        return None
    if key.moving and not arena.moving and arena.date is None:
        return None  # a moving alias (-latest) never takes the score of an undated, possibly old entry
    same_variants = key.variants == arena.variants
    effort_only = not same_variants and not (key.variants - arena.variants)
    when: date | None = None
    if _dates_equal(key.date, arena.date):
        level = "exact" if same_variants else "variant"
        detail = "same name" if same_variants else f"serving variant {', '.join(sorted(arena.variants ^ key.variants))}"
    elif key.date is None and arena.date is not None:
        when = date_value(arena.date, model.last_updated or model.release_date)
        if when is None or not _fits_alias(model, when):
            return None
        level = "alias" if same_variants else "variant"
        detail = f"undated id standing for the {arena.date} version"
    elif key.date is not None and arena.date is None:
        # A dated snapshot takes an undated arena entry only when the arena ranks no dated version
        # of that model and the snapshot is not a preview: otherwise it must match a date exactly.
        if key.prerelease or (arena.core, arena.variants) in dated_cores:
            return None
        level = "alias" if same_variants else "variant"
        detail = "dated id of the undated arena entry"
    else:
        return None
    mismatch = key.prerelease != arena.prerelease
    if mismatch and level == "exact":
        level, detail = "alias", "preview and release share this name"
    return _Candidate(
        _LEVELS.index(level), name, ModelMatch(name, level, detail), mismatch, when, effort_only and level != "alias"
    )


def _variants_compatible(key: NameKey, arena: NameKey) -> bool:
    """The model may add quality-neutral variants (fp8, :free); the arena entry may add effort (high)."""
    if key.variants == arena.variants:  # usually both none
        return True
    return (key.variants - arena.variants) <= serving_neutral() and (arena.variants - key.variants) <= (
        extendable_variants()
    )


def _fuzzy_compatible(key: NameKey, arena: NameKey) -> bool:
    return (
        _variants_compatible(key, arena)
        and _dates_equal(key.date, arena.date)
        and key.prerelease == arena.prerelease
        and key.moving == arena.moving
    )


def _dates_equal(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a is b
    if a == b:
        return True
    if a.startswith("rev:") or b.startswith("rev:"):
        return False
    a_parts, b_parts = a.split("-"), b.split("-")
    if "????" in (a_parts[0], b_parts[0]):
        return a_parts[1:] == b_parts[1:]
    # "2025-07" (a YYMM name) and "2025-07-15" (a full date) name the same release.
    shorter, longer = sorted((a_parts, b_parts), key=len)
    return longer[: len(shorter)] == shorter


def _fits_alias(model: CatalogName, when: date) -> bool:
    released = model.release_date or model.last_updated
    updated = model.last_updated or model.release_date
    if released is None or updated is None:
        return False
    earliest = max(released - _ALIAS_BEFORE_RELEASE, updated - _ALIAS_MAX_STALENESS)
    return earliest <= when <= updated + _ALIAS_AFTER_UPDATE


def _words(key: NameKey) -> str:
    return " ".join(sorted(key.words))


def _fuzzy_names(key: NameKey, pool: Sequence[str], arena_keys: Mapping[str, NameKey]) -> list[str]:
    """Arena names of the same lab and version numbers whose words are near-identical to the model's."""
    if not pool:  # the usual case: no entry of this lab has these version numbers
        return []
    mine = key.words
    if not mine:
        return []
    words = set(mine)
    found = []
    for name in pool:
        other = arena_keys[name]
        theirs = other.words
        # The family word stays fixed (magistral-small is not mistral-small), and no discriminating
        # word may differ (gpt-4o is not gpt-4o-mini).
        if not theirs or mine[0] != theirs[0]:
            continue
        if (words ^ set(theirs)) & discriminating_words():
            continue
        if fuzz.ratio(_words(key), _words(other)) >= _FUZZY_THRESHOLD:
            found.append(name)
    return found


def _apply_overrides(
    overrides: ArenaOverrides,
    by_id: Mapping[str, list[CatalogName]],
    candidates: dict[int, list[_Candidate]],
    catalog_ids: Mapping[int, str],
) -> None:
    """Pin the overrides' matches.

    Names never to match are already out of every candidate list: `_Leaderboard` leaves them out.
    """
    wanted = {base_id(target.lower()) for targets in overrides.match.values() for target in targets}
    by_base: dict[str, list[int]] = defaultdict(list)
    for model_id, hosts in by_id.items():
        base = base_id(model_id)  # memoised
        if base in wanted:
            by_base[base].extend(model.index for model in hosts)
    pinned = any(":" in target for targets in overrides.match.values() for target in targets)
    by_catalog_id = {cid.lower(): index for index, cid in catalog_ids.items()} if pinned else {}
    for name, targets in overrides.match.items():
        if name in overrides.never:
            continue
        for target in targets:
            lowered = target.lower()
            indexes = [by_catalog_id[lowered]] if lowered in by_catalog_id else by_base.get(base_id(lowered), [])
            match = ModelMatch(name, "override", f"arena overrides: {target}")
            pinned_to = [_Candidate(_LEVELS.index("override"), name, match)]
            for index in indexes:
                candidates[index] = pinned_to


def _why_unmatched(
    name: str,
    key: NameKey,
    overrides: ArenaOverrides,
    model_cores: Mapping[tuple[str, ...], Iterable[str]],
) -> str:
    if name in overrides.never:
        return f"never matched: {overrides.never[name]}"
    if name in overrides.match:
        return f"override targets {', '.join(overrides.match[name])} are not in the catalog"
    same_core = sorted(set(model_cores.get(key.core, ())))[:3]
    if same_core:
        return (
            f"catalog has {', '.join(same_core)} with the same name, but dates or variants differ "
            f"(arena: date {key.date or 'none'}, variants {', '.join(sorted(key.variants)) or 'none'})"
        )
    return f"no catalog model is named like it (normalised: {' '.join(key.core) or name})"
