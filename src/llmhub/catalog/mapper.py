"""Match LMArena leaderboard names to catalog models. Precision first: a wrong score is worse than none.

Every catalog model and arena name is reduced to a `NameKey` (see `names.py`). A model takes its
score from an arena entry with the same core name, at the most precise level that finds one:

    exact     same date (or neither dated) and same serving variants
    alias     one side undated: an alias such as `claude-opus-4-5` takes the dated entry
              `claude-opus-4-5-20251101`, if that date fits the model's release dates; a dated id
              takes an undated entry when it is the first dated version the catalog knows
    variant   the arena entry is a serving variant of the model (`gpt-5-high` for `gpt-5`; a thinking
              mode that is a request option of the same API model), or the model a quality-neutral
              variant of the entry (`...-FP8`, `:free`)
    partial   the model's name leaves out the sizes of the only entry that starts with it
              (`llama-4-maverick` for `llama-4-maverick-17b-128e-instruct`)
    fuzzy     rapidfuzz similarity of the names, only within the same lab and family word, with
              the same version numbers and no discriminating word (mini, lite, pro...) between them
    override  data/arena_overrides.yaml or the user's overrides file said so

Dates are checked at every level. Several arena entries may match one model (the most precise
supplies `arena_id`; entries for the same version in another mode are listed too); one arena entry
may match many models (the same model at every host, a dated id and its alias). Pure functions.
"""

from __future__ import annotations

import functools
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
    mode_variants,
    parse_name,
    serving_neutral,
    thinking_parameter_labs,
)

__all__ = [
    "ArenaOverrides",
    "CatalogName",
    "MappingResult",
    "ModelMatch",
    "describe_match",
    "is_doubtful",
    "match_arena",
]

_LEVELS = ("override", "exact", "alias", "variant", "partial", "fuzzy")
_FUZZY_THRESHOLD = 90.0
# An alias may stand for a dated version released up to this long before its own release date
# (labs date a snapshot weeks before announcing it) and up to this long after its last update (hosts
# copy an alias's dates once and rarely refresh them: gpt-3.5-turbo moved to 0125 without an update).
# A moving alias (-latest) is also refused a version much older than its last update: it has moved
# on (mistral-large-latest, updated 2025-12, is no longer mistral-large-2411).
_ALIAS_BEFORE_RELEASE = timedelta(days=120)
_ALIAS_AFTER_UPDATE = timedelta(days=90)
_ALIAS_MAX_STALENESS = timedelta(days=180)
# A dated id takes an undated entry only as the first version of its name: a later snapshot
# (deepseek-v4-flash-0731) is an update the arena ranked under the plain name or not at all.
_FIRST_VERSION_SLACK = timedelta(days=31)
# A host that drops "preview" from a preview's name lists it within days of the preview itself.
_PREVIEW_HOST_SLACK = timedelta(days=14)
# The trailing groups of a core that give a model's size: 17 b, 128 e, a 22 b.
_SIZE_UNITS = frozenset({"b", "e"})


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
    """override, exact, alias, variant, partial or fuzzy."""
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
        relations: arena name -> catalog index -> how that pair matched (for every pair in `matches`).
    """

    chosen: dict[int, ModelMatch]
    matches: dict[str, list[int]]
    reasons: dict[str, str]
    relations: dict[str, dict[int, ModelMatch]] = field(default_factory=dict)


class _Candidate(NamedTuple):
    # Named tuples, like ModelMatch: about a thousand are made per build, and frozen dataclasses
    # are several times slower to make.
    rank: int
    name: str
    match: ModelMatch
    preview_mismatch: bool = False
    when: date | None = None
    """For an alias: the date of the version it stands for (the latest that fits is preferred)."""
    version: tuple[tuple[str, ...], str | None, bool] = ((), None, False)
    """The arena entry's core, date and preview flag: one version's entries in other modes are listed together."""

    def sort_key(self, variant_distance: int) -> tuple[int, bool, bool, int, int, str]:
        return (
            self.rank,
            self.when is not None,  # at one level, the same date beats an alias's guess
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
    # Whether an id could match depends on its core name only, so every id of a core the version
    # rules look at (first dated version, preview and release dates) is among these.
    relevant: dict[str, NameKey] = {}
    for model_id in by_id:
        key = parse_name(model_id)
        if board.could_match(key):
            relevant[model_id] = key
    board.first_versions, board.preview_releases, board.release_releases = _catalog_dates(relevant, by_id)
    candidates, ids_by_core = _candidates(board, relevant, by_id)

    if overrides.match or overrides.never:
        _apply_overrides(overrides, by_id, candidates, catalog_ids or {})

    chosen, matches, relations = _choose(names, models, candidates, arena_keys)
    unmatched = [name for name in names if not matches.get(name)]
    reasons = {name: _why_unmatched(name, arena_keys[name], overrides, ids_by_core) for name in unmatched}
    return MappingResult(chosen=chosen, matches=matches, reasons=reasons, relations=relations)


def _candidates(
    board: _Leaderboard, relevant: Mapping[str, NameKey], by_id: Mapping[str, list[CatalogName]]
) -> tuple[dict[int, list[_Candidate]], dict[tuple[str, ...], set[str]]]:
    """Each catalog model's candidate entries; and, to explain misses, the ids sharing an entry's core name."""
    candidates: dict[int, list[_Candidate]] = {}
    ids_by_core: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for model_id, key in relevant.items():
        if key.core in board.by_core:
            ids_by_core[key.core].add(model_id)
        solved: dict[tuple[date | None, date | None], list[_Candidate]] = {}
        for model in by_id[model_id]:
            dates = (model.release_date, model.last_updated)
            found = solved.get(dates)
            if found is None:
                found = solved[dates] = board.candidates(model, key)
            if found:
                candidates[model.index] = found
    return candidates, ids_by_core


def _choose(
    names: list[str],
    models: Sequence[CatalogName],
    candidates: Mapping[int, list[_Candidate]],
    arena_keys: Mapping[str, NameKey],
) -> tuple[dict[int, ModelMatch], dict[str, list[int]], dict[str, dict[int, ModelMatch]]]:
    """The entry each model takes its score from, and every entry's related models (for the listing)."""
    model_ids = {m.index: m.model_id for m in models if m.index in candidates}
    chosen: dict[int, ModelMatch] = {}
    matches: dict[str, list[int]] = {name: [] for name in names}
    relations: dict[str, dict[int, ModelMatch]] = defaultdict(dict)
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
            # precise exact ties, and the same version in other serving modes (gpt-5-high for gpt-5,
            # claude-opus-4-5-20251101-thinking-32k for claude-opus-4-5) unless the model is pinned
            # to a mode the entry lacks (o3-mini-high is not the arena's o3-mini). Other dated
            # versions an alias could have stood for are not matches.
            pinned = variants - serving_neutral()
            related = [
                c
                for c in ranked
                if c is best
                or (c.rank == best.rank and c.match.method in ("exact", "override"))
                or (
                    c.version == best.version and c.match.method != "override" and pinned <= arena_keys[c.name].variants
                )
            ]
            known = ranked_by_list[id(found)] = (best, related)
        best, related = known
        chosen[index] = best.match
        for candidate in related:
            related_to = relations[candidate.name]  # a dict: membership without scanning the list
            if index not in related_to:
                related_to[index] = candidate.match
                matches[candidate.name].append(index)
    return chosen, matches, dict(relations)


def is_doubtful(arena_name: str, model_id: str, method: str) -> bool:
    """Whether a matched pair deserves a human look.

    Partial and fuzzy names always do; a variant does when it is more than a quality-neutral serving
    of the same model (another reasoning effort or thinking mode).
    """
    if method in ("partial", "fuzzy"):
        return True
    if method != "variant":
        return False
    return not (parse_name(arena_name).variants ^ parse_name(model_id).variants) <= serving_neutral()


def describe_match(arena_name: str, model_id: str) -> ModelMatch:
    """How a matched pair relates, from the two names alone (for listings made without the mapping).

    The method is what `match_arena` would call a match between these names: exact, alias, variant,
    partial or fuzzy (an override's pair is described by its names too).
    """
    arena, key = parse_name(arena_name), parse_name(model_id)
    if arena.core == key.core:
        if arena.variants != key.variants:
            return ModelMatch(
                arena_name, "variant", f"serving variant {', '.join(sorted(arena.variants ^ key.variants))}"
            )
        if not _dates_equal(arena.date, key.date):
            return ModelMatch(arena_name, "alias", "one name dated, the other not")
        if arena.prerelease != key.prerelease:
            return ModelMatch(arena_name, "alias", "preview and release share this name")
        return ModelMatch(arena_name, "exact", "same name")
    if key.core in _stems(arena.core):
        return ModelMatch(arena_name, "partial", _VIA["partial"])
    return ModelMatch(arena_name, "fuzzy", _VIA["fuzzy"])


_Dates = dict[tuple[str, ...], date]


def _catalog_dates(
    keys: Mapping[str, NameKey], by_id: Mapping[str, list[CatalogName]]
) -> tuple[_Dates, _Dates, _Dates]:
    """Dates per core name that the version rules need.

    Returns the date of the first dated version the catalog lists, the earliest release of an
    undated preview id (gemini-3.1-pro-preview), and the latest release of an undated release id
    (gemini-3.1-pro, o1).
    """
    first: _Dates = {}
    previews: _Dates = {}
    releases: _Dates = {}
    for model_id, key in keys.items():
        model = by_id[model_id][0]
        if key.date is None:
            if key.moving:
                continue
            days = [m.release_date for m in by_id[model_id] if m.release_date]
            if not days:
                continue
            if key.prerelease:
                if key.core not in previews or min(days) < previews[key.core]:
                    previews[key.core] = min(days)
            elif key.core not in releases or max(days) > releases[key.core]:
                releases[key.core] = max(days)
            continue
        if key.date.startswith("rev:"):
            continue
        when = date_value(key.date, model.last_updated or model.release_date)
        if when is None:
            continue
        if key.core not in first or when < first[key.core]:
            first[key.core] = when
    return first, previews, releases


class _Leaderboard:
    """One leaderboard's names indexed for matching: by core name, size-less stem, lab and numbers."""

    def __init__(self, names: Iterable[str], arena_keys: Mapping[str, NameKey], excluded: Iterable[str]):
        self.keys = arena_keys
        skip = set(excluded)
        self.by_core: dict[tuple[str, ...], list[str]] = defaultdict(list)
        self.by_stem: dict[tuple[str, ...], list[str]] = defaultdict(list)
        self.by_lab_numbers: dict[tuple[str | None, tuple[str, ...]], list[str]] = defaultdict(list)
        self.dated_cores: set[tuple[tuple[str, ...], frozenset[str]]] = set()
        self.revisions: dict[tuple[tuple[str, ...], frozenset[str]], int] = defaultdict(int)
        self.undated: set[tuple[tuple[str, ...], frozenset[str]]] = set()
        self.first_versions: dict[tuple[str, ...], date] = {}
        self.preview_releases: dict[tuple[str, ...], date] = {}
        self.release_releases: dict[tuple[str, ...], date] = {}
        modes: dict[tuple[tuple[str, ...], str | None, bool], set[str]] = defaultdict(set)
        mode_words = mode_variants()
        for name in names:
            if name in skip:  # overrides decide these
                continue
            key = arena_keys[name]
            self.by_core[key.core].append(name)
            for stem in _stems(key.core):
                self.by_stem[stem].append(name)
            self.by_lab_numbers[(key.lab, key.numbers)].append(name)
            if key.date is None:
                self.undated.add((key.core, key.variants))
            else:
                self.dated_cores.add((key.core, key.variants))
                if key.date.startswith("rev:"):
                    self.revisions[(key.core, key.variants)] += 1
            if not key.instruct:
                found = key.variants & mode_words
                modes[(key.core, key.date, key.prerelease)].add(min(found) if found else "plain")
        # A version the board ranks in two thinking modes (deepseek-v3.1 and deepseek-v3.1-thinking,
        # qwen3-235b-a22b and -no-thinking) is one hybrid model: its modes are request options.
        self.hybrid = {version for version, found in modes.items() if len(found) > 1 and found != {"plain", "instant"}}
        self._fuzzy: dict[tuple[str, ...], list[str]] = {}
        self._could: dict[tuple[str, ...], bool] = {}

    def could_match(self, key: NameKey) -> bool:
        """Whether any entry shares the model's core name, starts with it, or is a fuzzy candidate for it."""
        # The answer depends on the core name and the lab, which the core's first word decides.
        could = self._could.get(key.core)
        if could is None:
            could = self._could[key.core] = (
                key.core in self.by_core
                or key.core in self.by_stem
                or (key.lab is not None and bool(self.fuzzy_names(key)))
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
        """Every entry the model could take its score from: same name, else size-less, else fuzzy."""
        found: list[_Candidate] = []
        for name in self.by_core.get(key.core, ()):
            candidate = self.structured(model, key, name, self.keys[name])
            if candidate is not None:
                found.append(candidate)
        if found:
            return found
        if key.core in self.by_stem and key.core not in self.by_core:
            named = self.by_stem[key.core]
            if len({self.keys[name].core for name in named}) == 1:  # the name says which entry
                for name in named:
                    candidate = self.structured(model, key, name, self.keys[name], via="partial")
                    if candidate is not None:
                        found.append(candidate)
        if not found and key.lab is not None:
            for name in self.fuzzy_names(key):
                candidate = self.structured(model, key, name, self.keys[name], via="fuzzy")
                if candidate is not None:
                    found.append(candidate)
        return found

    def structured(
        self, model: CatalogName, key: NameKey, name: str, arena: NameKey, via: str | None = None
    ) -> _Candidate | None:
        """The exact / alias / variant match between one model and one arena entry, if any.

        `via` (partial or fuzzy) says the names differ: the same date and variant rules apply, and
        the match takes that level.
        """
        version = (arena.core, arena.date, arena.prerelease)
        if not _variants_compatible(key, arena, version in self.hybrid):
            return None
        if key.moving and not arena.moving and arena.date is None:
            return None  # a moving alias (-latest) never takes the score of an undated, possibly old entry
        if not self._same_release(model, key, arena):
            return None
        relation = self._date_relation(model, key, arena)
        if relation is None:
            return None
        level, detail, when = relation
        mismatch = key.prerelease != arena.prerelease
        if mismatch and level == "exact":
            level, detail = "alias", "preview and release share this name"
        if via is not None:
            level, detail = via, f"{detail}; {_VIA[via]}"
        return _Candidate(_LEVELS.index(level), name, ModelMatch(name, level, detail), mismatch, when, version)

    def _same_release(self, model: CatalogName, key: NameKey, arena: NameKey) -> bool:
        """Whether a preview/release difference still allows the two names to be one model.

        A preview is not the release: o1-preview is not o1, gpt-4-turbo-preview not the dated GA
        gpt-4-turbo-2024-04-09. One model goes by both names only as the same dated snapshot
        (kimi-k2-0905-preview), as a preview the arena names without "preview" (gemini-3-pro),
        or as a host's name for a preview, released with it (gemini-3.1-pro for -preview).
        """
        return not (
            arena.prerelease != key.prerelease
            and (arena.prerelease or arena.date is not None)
            and not (key.date and _dates_equal(key.date, arena.date))
            and not self._hosts_preview(model, key, arena)
        )

    def _date_relation(self, model: CatalogName, key: NameKey, arena: NameKey) -> tuple[str, str, date | None] | None:
        """How the two names' dates relate: (level, detail, the version date an alias stands for), or None."""
        same_variants = key.variants == arena.variants
        if _dates_equal(key.date, arena.date):
            if same_variants:
                return "exact", "same name", None
            return "variant", f"serving variant {', '.join(sorted(arena.variants ^ key.variants))}", None
        level = "alias" if same_variants else "variant"
        if key.date is None and arena.date is not None:
            when: date | None = None
            if arena.date.startswith("rev:"):
                # A revision (gemini-2.0-flash-001) is what the undated name serves when the arena
                # ranks no other revision of it.
                if self.revisions[(arena.core, arena.variants)] != 1 or (arena.core, arena.variants) in self.undated:
                    return None
            elif key.moving and arena.date.startswith("????"):
                return None  # which year a moving alias meant is anyone's guess
            else:
                when = _version_date(arena.date, model)
                if when is None or not _fits_alias(model, when, key.moving):
                    return None
            return level, f"undated id standing for the {arena.date} version", when
        if key.date is not None and arena.date is None:
            # A dated snapshot takes an undated arena entry only when the arena ranks no dated version
            # of that model, the snapshot is not a preview, and it is the first version of the name.
            if key.prerelease or (arena.core, arena.variants) in self.dated_cores or not self._first(model, key, arena):
                return None
            return level, "dated id of the undated arena entry", None
        return None

    def _hosts_preview(self, model: CatalogName, key: NameKey, arena: NameKey) -> bool:
        if not arena.prerelease or key.date is not None or arena.date is not None:
            return False
        # Every release-named id must date from the preview's days: once the real release is out
        # (o1 three months after o1-preview), the release name is never the preview.
        preview = self.preview_releases.get(arena.core)
        latest = self.release_releases.get(arena.core)
        return preview is not None and latest is not None and latest <= preview + _PREVIEW_HOST_SLACK

    def _first(self, model: CatalogName, key: NameKey, arena: NameKey) -> bool:
        when = date_value(key.date, model.last_updated or model.release_date)
        if when is None:
            return True
        firsts = [self.first_versions.get(key.core), self.first_versions.get(arena.core)]
        return all(first is None or when <= first + _FIRST_VERSION_SLACK for first in firsts)


_VIA = {"partial": "the name leaves out the sizes", "fuzzy": "similar name within the lab"}


def _stems(core: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The core without its trailing size groups, one group at a time (17 b, 128 e, a 22 b)."""
    stems = []
    end = len(core)
    while end >= 4 and core[end - 1] in _SIZE_UNITS and core[end - 2].isdigit():
        end -= 2
        if end >= 3 and core[end - 1] == "a":
            end -= 1
        stem = core[:end]
        # The stem must still name one model: a word after the version (llama-4-maverick), or a
        # size of its own (qwen3-30b); a bare family and version (gemma-3) names many.
        first_number = next((i for i, t in enumerate(stem) if t.isdigit()), len(stem))
        if not (stem[-1] in _SIZE_UNITS or any(not t.isdigit() for t in stem[first_number + 1 :])):
            break
        stems.append(stem)
    return stems


def _variants_compatible(key: NameKey, arena: NameKey, hybrid: bool) -> bool:
    """Whether the model may take the entry's score despite different serving variants.

    The model may add quality-neutral variants (fp8, :free) and, for an entry that names none, an
    effort; the entry may add effort (high), precision (bf16), and a thinking mode when that is a
    request option of the model.
    """
    mine, theirs = key.variants, arena.variants
    if mine == theirs:  # usually both none
        return True
    neutral, efforts, extendable, modes = _variant_sets()
    extra = theirs
    if mine:
        own = mine - theirs - neutral
        # A host id pinned to an effort (gemini-3.1-pro-preview-high) is the API model at that
        # effort, fine for an entry that names no effort; never a different effort than the entry's.
        if own and not (own <= efforts and theirs.isdisjoint(extendable)):
            return False
        extra = theirs - mine
    if extra <= extendable:
        return True
    extra_modes = extra & modes
    if not (extra - extra_modes) <= extendable:
        return False
    return not extra_modes or _mode_is_option(key, arena, hybrid)


@functools.cache
def _variant_sets() -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]]:
    """serving_neutral, efforts a host id may pin, extendable and mode variants (read once)."""
    extendable, modes = extendable_variants(), mode_variants()
    return serving_neutral(), extendable - modes, extendable, modes


def _mode_is_option(key: NameKey, arena: NameKey, hybrid: bool) -> bool:
    """Whether the arena's thinking mode is a request option of the model rather than another model."""
    if key.instruct or arena.instruct:
        return False  # Qwen, Kimi...: the instruct and the thinking model are sold separately
    return arena.budget or arena.lab in thinking_parameter_labs() or hybrid


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


def _version_date(text: str, model: CatalogName) -> date | None:
    """The date of the version a dated arena name stands for, as an alias of `model` could reach it.

    A year-less date (gpt-3.5-turbo-0125) takes the year that puts it on or before the model's last
    update plus the alias slack; a month (mistral-medium-2508) counts from late in the month, as
    such versions ship mid-month or later.
    """
    known = [day for day in (model.release_date, model.last_updated) if day is not None]
    reference = max(known) + _ALIAS_AFTER_UPDATE if known else None
    when = date_value(text, reference)
    if when is not None and len(text) == 7:  # YYYY-MM
        when = when.replace(day=28)
    return when


def _fits_alias(model: CatalogName, when: date, moving: bool) -> bool:
    known = [day for day in (model.release_date, model.last_updated) if day is not None]
    if not known:
        return False
    released, updated = min(known), max(known)  # hosts sometimes date an update before the release
    earliest = released - _ALIAS_BEFORE_RELEASE
    if moving:
        earliest = max(earliest, updated - _ALIAS_MAX_STALENESS)
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
