"""Precision and recall of the LMArena -> catalog mapping against a hand-labelled set.

`tests/catalog/data/arena_labels.yaml` names, for several hundred leaderboard entries of both snapshot
generations, every models.dev entry that is the same model (or none). The mapping is built the way
users get it (a full catalog build over a snapshot directory) and scored pair by pair:

    precision  of the (arena entry, models.dev id) pairs predicted for labelled entries, the share correct
    recall     of the labelled correct pairs, the share predicted

Ids a labeller marked `unsure` count neither way. The 2026-07 generation is $LLMHUB_TEST_SNAPSHOTS; the
2026-09 one is its sibling directory `catalog-snapshots-2026-09`. `bench/bench_mapping.py` prints the
same figures with the wrong and missed pairs.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
import yaml

from llmhub.catalog.mapper import ArenaOverrides, CatalogName, describe_match, is_doubtful, match_arena
from llmhub.catalog.names import parse_name

LABELS = Path(__file__).resolve().parent / "data" / "arena_labels.yaml"
GENERATIONS = ("2026-07", "2026-09")
MIN_PRECISION = 0.97
MIN_RECALL = 0.90
_IMAGE_BOARD = "arena-catalog/data/leaderboard-image.json"


@dataclass
class Label:
    gen: str
    board: str
    arena: str
    ids: frozenset[str]
    unsure: frozenset[str] = frozenset()
    note: str = ""


@dataclass
class Score:
    """Pair counts for one generation (or all), with the pairs behind the errors."""

    correct: int = 0
    wrong: list[tuple[str, str, str]] = field(default_factory=list)
    """(board, arena name, models.dev id) predicted but not labelled correct."""
    missed: list[tuple[str, str, str]] = field(default_factory=list)
    """(board, arena name, models.dev id) labelled correct but not predicted."""
    entries: int = 0

    @property
    def precision(self) -> float:
        predicted = self.correct + len(self.wrong)
        return self.correct / predicted if predicted else 1.0

    @property
    def recall(self) -> float:
        labelled = self.correct + len(self.missed)
        return self.correct / labelled if labelled else 1.0

    def add(self, other: Score) -> None:
        self.correct += other.correct
        self.wrong += other.wrong
        self.missed += other.missed
        self.entries += other.entries


def load_labels(path: Path = LABELS) -> list[Label]:
    """The labelled set; `ids: none` is an entry with no correct match."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))["labels"]
    labels = []
    for entry in raw:
        ids = entry["ids"]
        labels.append(
            Label(
                gen=str(entry["gen"]),
                board=entry["board"],
                arena=entry["arena"],
                ids=frozenset() if ids == "none" else frozenset(ids),
                unsure=frozenset(entry.get("unsure") or ()),
                note=entry.get("note", ""),
            )
        )
    return labels


def generation_dirs(snapshots: str | None = None) -> dict[str, Path | None]:
    """Snapshot directory per generation (None when missing)."""
    base = snapshots or os.environ.get("LLMHUB_TEST_SNAPSHOTS")
    if not base:
        return dict.fromkeys(GENERATIONS)
    first = Path(base)
    found: dict[str, Path | None] = {"2026-07": first, "2026-09": first.parent / "catalog-snapshots-2026-09"}
    return {
        gen: path if path is not None and (path / "models.dev" / "api.json").is_file() else None
        for gen, path in found.items()
    }


@contextmanager
def _cache_dir(directory: Path) -> Iterator[None]:
    before = os.environ.get("LLMHUB_CACHE_DIR")
    os.environ["LLMHUB_CACHE_DIR"] = str(directory)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("LLMHUB_CACHE_DIR", None)
        else:
            os.environ["LLMHUB_CACHE_DIR"] = before


def predict(sources: Path, cache: Path) -> dict[tuple[str, str], set[str]]:
    """(board, arena name) -> the models.dev ids the catalog matched it to, for every board.

    Text and vision come from the catalog's arena listing. The catalog build does not read the image
    board; it is matched here the way the build matches the vision board (chat and image models).
    """
    from llmhub.catalog import ModelKind, build_catalog
    from llmhub.catalog.names import parse_day

    with _cache_dir(cache):
        catalog = build_catalog(sources_dir=sources, overrides=False, force_refresh=True)
    predicted: dict[tuple[str, str], set[str]] = {}
    for entry in catalog.arena:
        predicted[(entry.board, entry.arena_name)] = {m.modelsdev for m in entry.matches if m.modelsdev}
    image_file = sources / _IMAGE_BOARD
    if image_file.is_file() and not any(board == "image" for board, _ in predicted):
        names = list(json.loads(image_file.read_text(encoding="utf-8"))["full"])
        models = catalog.models
        rows = [
            CatalogName(i, m.model_id, parse_day(m.dates.release), parse_day(m.dates.last_updated))
            for i, m in enumerate(models)
            if m.kind in (ModelKind.chat, ModelKind.image)
        ]
        result = match_arena(names, rows, ArenaOverrides.shipped(), {i: m.canonical_id for i, m in enumerate(models)})
        for name in names:
            predicted[("image", name)] = {
                f"{models[i].identity.modelsdev_provider}/{models[i].identity.modelsdev_id}"
                for i in result.matches.get(name, ())
                if models[i].identity.modelsdev_provider
            }
    return predicted


def score(labels: list[Label], predicted: Mapping[tuple[str, str], set[str]]) -> Score:
    """Pair counts of one generation's predictions against its labels."""
    result = Score()
    for label in labels:
        key = (label.board, label.arena)
        if key not in predicted:
            raise AssertionError(f"{label.gen} {label.board}: {label.arena!r} is not on the leaderboard")
        got = predicted[key]
        result.entries += 1
        result.correct += len(got & label.ids)
        result.wrong += [(label.board, label.arena, i) for i in sorted(got - label.ids - label.unsure)]
        result.missed += [(label.board, label.arena, i) for i in sorted(label.ids - got)]
    return result


def evaluate(snapshots: str | None, cache_root: Path) -> dict[str, Score | None]:
    """Score per generation (None when its snapshots are missing) and "overall"."""
    labels = load_labels()
    scores: dict[str, Score | None] = {}
    overall = Score()
    for gen, sources in generation_dirs(snapshots).items():
        if sources is None:
            scores[gen] = None
            continue
        cache = cache_root / gen
        cache.mkdir(parents=True, exist_ok=True)
        found = score([label for label in labels if label.gen == gen], predict(sources, cache))
        scores[gen] = found
        overall.add(found)
    scores["overall"] = overall
    return scores


# --------------------------------------------------------------------------------------------- tests

SNAPSHOTS = os.environ.get("LLMHUB_TEST_SNAPSHOTS")
needs_snapshots = pytest.mark.skipif(
    not SNAPSHOTS, reason="LLMHUB_TEST_SNAPSHOTS is not set (.ci/run sets it to ../shared/catalog-snapshots)"
)


@pytest.fixture(scope="module")
def scores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Score | None]:
    return evaluate(SNAPSHOTS, tmp_path_factory.mktemp("mapping-quality"))


def test_labelled_set_is_large_and_mixed() -> None:
    labels = load_labels()
    assert len(labels) >= 220
    assert {label.gen for label in labels} == set(GENERATIONS)
    assert {label.board for label in labels} == {"text", "vision", "image"}
    assert sum(1 for label in labels if not label.ids) >= 40  # entries with no correct match
    assert len({(label.gen, label.board, label.arena) for label in labels}) == len(labels)
    for label in labels:
        assert not label.ids & label.unsure, label.arena
        assert all("/" in i for i in label.ids | label.unsure), label.arena


@needs_snapshots
@pytest.mark.parametrize("gen", GENERATIONS)
def test_precision_and_recall_per_generation(scores: dict[str, Score | None], gen: str) -> None:
    found = scores[gen]
    if found is None:
        pytest.skip(f"the {gen} snapshots are not next to LLMHUB_TEST_SNAPSHOTS")
    assert found.entries > 0
    assert found.precision >= MIN_PRECISION, (found.precision, found.wrong[:20])
    assert found.recall >= MIN_RECALL, (found.recall, found.missed[:20])


@needs_snapshots
def test_precision_and_recall_overall(scores: dict[str, Score | None]) -> None:
    overall = scores["overall"]
    assert overall is not None and overall.entries > 0
    assert overall.precision >= MIN_PRECISION, (overall.precision, overall.wrong[:20])
    assert overall.recall >= MIN_RECALL, (overall.recall, overall.missed[:20])


# ------------------------------------------------------------- the rules behind the figures, in small

D = date


def _matches(arena: list[str], models: list[str | tuple[str, date | None, date | None]]) -> dict[str, set[str]]:
    """arena name -> model ids matched (at any level) for (id, release, updated) rows."""
    rows = []
    for index, entry in enumerate(models):
        model_id, released, updated = (entry, None, None) if isinstance(entry, str) else entry
        rows.append(CatalogName(index, model_id, released, updated))
    result = match_arena(arena, rows, ArenaOverrides())
    return {name: {rows[i].model_id for i in found} for name, found in result.matches.items()}


@pytest.mark.parametrize(
    ("name", "core", "date", "variants"),
    [
        ("glm-5.2 (max)", "glm 5 2", None, {"max"}),  # bracketed effort
        ("gemini-3-flash (thinking-minimal)", "gemini 3 flash", None, {"thinking", "minimal"}),
        ("gemini-3.1-flash-image (nano-banana-2) [web-search]", "gemini 3 1 flash image", None, set()),  # notes
        ("mimo-v2-flash (non-thinking)", "mimo 2 flash", None, {"no-thinking"}),
        ("gemini-3.5-flash-medium", "gemini 3 5 flash", None, {"medium"}),  # trailing effort after a tier word
        ("krea-2-medium", "krea 2 medium", None, set()),  # ... but a size after a bare version
        ("gemini-3.0-pro-preview", "gemini 3 pro", None, set()),  # a .0 minor version is no version
        ("meta.llama3-3-70b-instruct-v1:0", "llama 3 3 70 b", None, set()),  # Bedrock's v1
        ("openai.gpt-oss-120b-1:0", "gpt oss 120 b", None, set()),
        ("deepseek-v3.2-251201", "deepseek 3 2", "2025-12-01", set()),  # YYMMDD
        ("ollama/deepseek-v4-flash:0731", "deepseek 4 flash", "????-07-31", set()),  # a date tag, not a revision
        ("step-1v-32k", "step 1 vision 32 k", None, set()),  # an attached v is the vision model
        ("claude-opus-4-5@eu", "claude opus 4 5", None, set()),  # host region
        ("mistral-large-3", "mistral large", "2025-12", set()),  # Mistral's version alias
        ("mistral-medium-3.1", "mistral medium", "2025-08", set()),
        ("qwen2.5-max", "qwen max", "2025-01-25", set()),  # renamed snapshot
        ("gpt-3.5-turbo-instruct", "gpt 3 5 turbo instruct", None, set()),  # OpenAI's instruct is its own model
    ],
)
def test_name_rules(name: str, core: str, date: str | None, variants: set[str]) -> None:
    key = parse_name(name)
    assert (" ".join(key.core), key.date, set(key.variants)) == (core, date, variants)


def test_name_flags() -> None:
    assert parse_name("claude-opus-4-20250514-thinking-16k").budget
    assert not parse_name("deepseek-v3.1-thinking").budget
    assert parse_name("qwen3-next-80b-a3b-instruct").instruct


@pytest.mark.parametrize(
    ("arena", "models", "entry", "expected"),
    [
        # A thinking budget is a request parameter: the plain API model is listed under both entries.
        (
            ["claude-opus-4-5-20251101", "claude-opus-4-5-20251101-thinking-32k"],
            [("claude-opus-4-5", D(2025, 11, 24), D(2025, 11, 24))],
            "claude-opus-4-5-20251101-thinking-32k",
            {"claude-opus-4-5"},
        ),
        # A hybrid the arena ranks in two modes: both modes are the same open model.
        (
            ["deepseek-v3.1", "deepseek-v3.1-thinking"],
            ["deepseek-ai/DeepSeek-V3.1"],
            "deepseek-v3.1-thinking",
            {"deepseek-ai/DeepSeek-V3.1"},
        ),
        (
            ["qwen3-235b-a22b", "qwen3-235b-a22b-no-thinking"],
            ["qwen/qwen3-235b-a22b"],
            "qwen3-235b-a22b-no-thinking",
            {"qwen/qwen3-235b-a22b"},
        ),
        # Sold separately: an instruct model never takes its sibling thinking model's entry.
        (
            ["qwen3-next-80b-a3b-instruct", "qwen3-next-80b-a3b-thinking"],
            ["qwen/qwen3-next-80b-a3b-instruct"],
            "qwen3-next-80b-a3b-thinking",
            set(),
        ),
        # gpt-5.5-instant is ChatGPT's model, not the gpt-5.5 API model at another setting.
        (["gpt-5.5", "gpt-5.5-instant"], ["openai/gpt-5.5"], "gpt-5.5-instant", set()),
        # A preview is not the later release ...
        (
            ["o1-preview"],
            [("o1-preview", D(2024, 9, 12), D(2024, 9, 12)), ("o1", D(2024, 12, 5), D(2024, 12, 5))],
            "o1-preview",
            {"o1-preview"},
        ),
        # ... unless a host merely dropped "preview" from the name of the only version out.
        (
            ["gemini-3.1-pro-preview"],
            [
                ("gemini-3.1-pro-preview", D(2026, 2, 19), D(2026, 2, 19)),
                ("gemini-3.1-pro", D(2026, 2, 19), D(2026, 2, 19)),
            ],
            "gemini-3.1-pro-preview",
            {"gemini-3.1-pro-preview", "gemini-3.1-pro"},
        ),
        # A later dated update is not the first version the arena ranked under the plain name.
        (
            ["deepseek-v4-flash"],
            [
                ("deepseek-v4-flash-0423", D(2026, 4, 23), D(2026, 4, 23)),
                ("deepseek-v4-flash-0731", D(2026, 7, 31), D(2026, 7, 31)),
            ],
            "deepseek-v4-flash",
            {"deepseek-v4-flash-0423"},
        ),
        # A host that leaves out the sizes of the only entry starting with its name; never a bare family.
        (
            ["llama-4-maverick-17b-128e-instruct"],
            ["meta-llama/llama-4-maverick"],
            "llama-4-maverick-17b-128e-instruct",
            {"meta-llama/llama-4-maverick"},
        ),
        (["gemma-3-27b-it"], ["google/gemma-3"], "gemma-3-27b-it", set()),
        # The only revision the arena ranks is what the undated name serves.
        (["gemini-2.0-flash-001"], ["google/gemini-2.0-flash"], "gemini-2.0-flash-001", {"google/gemini-2.0-flash"}),
        (["gemini-1.5-pro-001", "gemini-1.5-pro-002"], ["google/gemini-1.5-pro"], "gemini-1.5-pro-002", set()),
        # Mistral's version names and YYMM ids, both ways.
        (
            ["mistral-medium-2508"],
            ["mistralai/mistral-medium-3.1"],
            "mistral-medium-2508",
            {"mistralai/mistral-medium-3.1"},
        ),
        (["mistral-large-3"], ["mistral-large-2512"], "mistral-large-3", {"mistral-large-2512"}),
        # Hosts copy an alias's dates once: gpt-4o still serves 2024-08-06 though dated 2024-05-13.
        (
            ["gpt-4o-2024-05-13", "gpt-4o-2024-08-06"],
            [("302ai/gpt-4o", D(2024, 5, 13), D(2024, 5, 13))],
            "gpt-4o-2024-08-06",
            {"302ai/gpt-4o"},
        ),
        # Different models whose names differ by one letter.
        (["step-1v-32k"], ["stepfun/step-1-32k"], "step-1v-32k", set()),
        (["glm-5v-turbo"], ["z-ai/glm-5-turbo"], "glm-5v-turbo", set()),
        (
            ["gpt-3.5-turbo-1106"],
            [("gpt-3.5-turbo-instruct", D(2023, 9, 21), D(2023, 9, 21))],
            "gpt-3.5-turbo-1106",
            set(),
        ),
    ],
)
def test_mapping_rules(
    arena: list[str], models: list[str | tuple[str, date | None, date | None]], entry: str, expected: set[str]
) -> None:
    assert _matches(arena, models)[entry] == expected


def test_doubtful_matches_are_told_apart() -> None:
    assert is_doubtful("gpt-5-high", "openai/gpt-5", describe_match("gpt-5-high", "openai/gpt-5").method)
    assert is_doubtful("claude-opus-4-5-20251101", "anthropic--claude-4.5-opus", "fuzzy")
    assert describe_match("llama-4-maverick-17b-128e-instruct", "llama-4-maverick").method == "partial"
    # The same model quantised or free at a host is a variant, but nothing to look at.
    assert not is_doubtful("llama-3.3-70b-instruct", "Llama-3.3-70B-Instruct-FP8", "variant")
    assert not is_doubtful(
        "gpt-4.1-2025-04-14", "openai/gpt-4.1", describe_match("gpt-4.1-2025-04-14", "openai/gpt-4.1").method
    )
