"""The selection benchmark's invariants, on both catalog snapshot generations (bench/bench_selection.py).

The rule engine must pick, for every role of the benchmark specs in bench/selection/specs/: models
that meet every hard constraint and are the right kind, embedding fallbacks of the same model, no
duplicate fallbacks, the same bytes every time, picks that never get worse when quality is raised
nor dearer when cost is lowered, and the expert table's choice for at least 95% of the roles.
Each figure is also in docs/selection.md (`python bench/bench_selection.py --write-docs`).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from llmhub.catalog.models import CanonicalModel

pytestmark = pytest.mark.slow  # builds both snapshot catalogs and generates 57 roles on each

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench" / "bench_selection.py"
SPECS = ROOT / "bench" / "selection" / "specs"
EXPERT = ROOT / "bench" / "selection" / "expert.yaml"
SNAPSHOTS_VAR = "LLMHUB_TEST_SNAPSHOTS"
NEWER = "catalog-snapshots-2026-09"
GENERATIONS = ("2026-07", "2026-09")
MIN_EXPERT_AGREEMENT = 95.0
AGREEMENT_FLOOR = 89.0
"""Today's agreement on the weaker generation, rounded down: a change may not make picks worse."""
DISAGREEMENTS = ROOT / "bench" / "selection" / "disagreements.yaml"


def _bench() -> ModuleType:
    if "bench_selection" in sys.modules:
        return sys.modules["bench_selection"]
    spec = importlib.util.spec_from_file_location("bench_selection", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_selection"] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def _snapshots() -> dict[str, Path]:
    """Generation -> snapshot folder; skips (saying which) when the variable is unset or a folder is missing."""
    base = os.environ.get(SNAPSHOTS_VAR)
    if not base:
        pytest.skip(f"{SNAPSHOTS_VAR} is not set (.ci/run sets it to ../shared/catalog-snapshots)")
    folders = {"2026-07": Path(base), "2026-09": Path(base).parent / NEWER}
    for name, folder in folders.items():
        if not (folder / "models.dev" / "api.json").is_file():
            pytest.skip(f"catalog snapshot generation {name} is missing: no {folder / 'models.dev' / 'api.json'}")
    return folders


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """One benchmark run per generation (one catalog each, reused by every test here)."""
    folders = _snapshots()
    if not list(SPECS.glob("*.llmhub.spec.yaml")):
        pytest.skip(f"no benchmark specs in {SPECS}")
    bench = _bench()
    specs = bench.load_specs(SPECS)
    expert = bench.load_expert(EXPERT)
    work = tmp_path_factory.mktemp("selection-bench")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LLMHUB_CACHE_DIR", str(work / "cache"))
        # One process per generation (in parallel on two cores), each with its own catalog.
        measured = bench.evaluate_generations(list(folders.values()), specs, expert, work, cross_process=True)
    return dict(zip(folders, measured, strict=True))


def _findings(report: dict[str, Any], key: str) -> list[str]:
    return [f"{app}: {item}" for app, r in report["apps"].items() for item in r[key]]


@pytest.mark.parametrize("generation", GENERATIONS)
def test_every_role_and_preference_variant_generates(reports: dict[str, dict[str, Any]], generation: str) -> None:
    report = reports[generation]
    failed = _findings(report, "errors") + [
        f"{app}: {e}" for app, r in report["apps"].items() for e in r["monotonicity"]["errors"]
    ]
    assert failed == []


@pytest.mark.parametrize("generation", GENERATIONS)
def test_no_hard_constraint_violations(reports: dict[str, dict[str, Any]], generation: str) -> None:
    assert _findings(reports[generation], "hard_violations") == []


@pytest.mark.parametrize("generation", GENERATIONS)
def test_no_wrong_kind_primaries(reports: dict[str, dict[str, Any]], generation: str) -> None:
    assert _findings(reports[generation], "wrong_kind_primary") == []


@pytest.mark.parametrize("generation", GENERATIONS)
def test_no_wrong_kind_fallbacks(reports: dict[str, dict[str, Any]], generation: str) -> None:
    assert _findings(reports[generation], "wrong_kind_fallback") == []


@pytest.mark.parametrize("generation", GENERATIONS)
def test_embedding_fallbacks_serve_the_primary_model(reports: dict[str, dict[str, Any]], generation: str) -> None:
    assert _findings(reports[generation], "embedding_other_model_fallbacks") == []


@pytest.mark.parametrize("generation", GENERATIONS)
def test_no_duplicate_fallbacks(reports: dict[str, dict[str, Any]], generation: str) -> None:
    assert _findings(reports[generation], "duplicate_fallbacks") == []


@pytest.mark.parametrize("generation", GENERATIONS)
def test_generation_is_deterministic(reports: dict[str, dict[str, Any]], generation: str) -> None:
    apps = reports[generation]["apps"]
    assert reports[generation]["cross_process_error"] is None
    assert [f"{app}: {r['determinism_diff']}" for app, r in apps.items() if not r["deterministic"]] == []
    assert {app: r["deterministic_cross_process"] for app, r in apps.items()} == dict.fromkeys(apps, True)


@pytest.mark.parametrize("generation", GENERATIONS)
def test_raising_quality_never_lowers_the_measured_rating(reports: dict[str, dict[str, Any]], generation: str) -> None:
    violations = [v for r in reports[generation]["apps"].values() for v in r["monotonicity"]["quality_violations"]]
    assert violations == []


@pytest.mark.parametrize("generation", GENERATIONS)
def test_lowering_cost_never_picks_a_dearer_model(reports: dict[str, dict[str, Any]], generation: str) -> None:
    violations = [v for r in reports[generation]["apps"].values() for v in r["monotonicity"]["cost_violations"]]
    assert violations == []


def _disagreements(reports: dict[str, dict[str, Any]], generation: str) -> dict[tuple[str, str], str]:
    return {
        (app, d["role"]): d["pick"]
        for app, r in reports[generation]["apps"].items()
        for d in r["expert"]["disagreements"]
    }


@pytest.mark.parametrize("generation", GENERATIONS)
def test_every_disagreement_with_the_expert_is_documented_with_its_reason(
    reports: dict[str, dict[str, Any]], generation: str
) -> None:
    if not EXPERT.is_file():
        pytest.skip(f"no expert table at {EXPERT}")
    listed = yaml.safe_load(DISAGREEMENTS.read_text()).get(generation) or {}
    documented = {(app, role): entry["pick"] for app, roles in listed.items() for role, entry in roles.items()}
    assert all(entry.get("reason") for roles in listed.values() for entry in roles.values())
    assert _disagreements(reports, generation) == documented


@pytest.mark.parametrize("generation", GENERATIONS)
def test_expert_agreement_does_not_fall_below_todays(reports: dict[str, dict[str, Any]], generation: str) -> None:
    totals = reports[generation]["totals"]
    assert totals["expert_judged"] == 57
    assert totals["expert_pct"] >= AGREEMENT_FLOOR, _disagreements(reports, generation)


@pytest.mark.xfail(
    strict=True,
    reason="issue #13: expert agreement is 91.2% (2026-07) and 93.0% (2026-09) against the 95% goal; "
    "each disagreement and its reason is in bench/selection/disagreements.yaml",
)
@pytest.mark.parametrize("generation", GENERATIONS)
def test_expert_agreement_reaches_the_goal(reports: dict[str, dict[str, Any]], generation: str) -> None:
    assert reports[generation]["totals"]["expert_pct"] >= MIN_EXPERT_AGREEMENT


# The oracle itself, on plain stand-ins: no catalog data needed.


def _Model(
    model_id: str,
    inputs: tuple[str, ...] = ("text",),
    outputs: tuple[str, ...] = ("text",),
    price: float | None = 1.0,
    free_tier: bool = False,
) -> CanonicalModel:
    return CanonicalModel.build(
        provider="p",
        model_id=model_id,
        input_modalities=inputs,
        output_modalities=outputs,
        blended_price_per_million=price,
        free_tier=free_tier,
    )


class _Role:
    def __init__(self, kind: str, description: str = "") -> None:
        self.kind = kind
        self.description = description


@pytest.mark.parametrize(
    ("kind", "description", "model_id", "inputs", "outputs", "wrong"),
    [
        ("chat", "", "gpt-4.1-mini", ("text", "image"), ("text",), False),
        ("chat", "", "gpt-4o-mini-tts", ("text",), ("audio",), True),
        ("chat", "", "gemini-2.5-flash-preview-tts", ("text",), ("text",), True),
        ("tool", "", "text-embedding-3-small", ("text",), ("text",), True),
        ("chat", "", "whisper-large-v3", ("audio",), ("text",), True),
        ("chat", "", "llama-guard-4-12b", ("text",), ("text",), True),
        ("chat", "", "qwen3guard-gen-8b", ("text",), ("text",), True),
        ("chat", "", "lyria-3-pro-preview", ("text",), ("text", "audio"), True),
        ("chat", "", "gemini-2.5-flash-image", ("text", "image"), ("text", "image"), True),
        ("chat", "", "gpt-realtime", ("text", "audio"), ("text", "audio"), False),
        ("embedding", "", "gemini-embedding-001", ("text",), ("text",), False),
        ("embedding", "", "gpt-4.1-mini", ("text",), ("text",), True),
        ("embedding", "", "rerank-v3.5", ("text",), ("text",), True),
        ("image", "", "gpt-image-1", ("text", "image"), ("image",), False),
        ("image", "", "gpt-5.1", ("text", "image"), ("text", "image", "audio"), True),
        ("audio", "Transcribe voice notes (speech to text)", "whisper-1", ("audio",), ("text",), False),
        ("audio", "Transcribe voice notes (speech to text)", "gpt-4o-mini-tts", ("text",), ("audio",), True),
        ("audio", "Read stories aloud with a natural voice", "gpt-4o-mini-tts", ("text",), ("audio",), False),
        ("audio", "Read stories aloud with a natural voice", "whisper-1", ("audio",), ("text",), True),
        ("audio", "Read stories aloud with a natural voice", "lyria-3-pro", ("text",), ("text", "audio"), True),
    ],
)
def test_wrong_kind_oracle(
    kind: str, description: str, model_id: str, inputs: tuple[str, ...], outputs: tuple[str, ...], wrong: bool
) -> None:
    bench = _bench()
    verdict = bench.wrong_kind(_Role(kind, description), _Model(model_id, inputs, outputs), "p", model_id)
    assert (verdict is not None) == wrong, verdict


def test_unknown_prices_and_embedding_identity() -> None:
    bench = _bench()
    assert bench.known_price(_Model("allam-2-7b", price=0.0)) is None
    assert bench.known_price(_Model("gemma-4-31b-it:free", price=0.0)) == 0.0
    assert bench.known_price(_Model("x", price=None)) is None
    same = ("openai", "text-embedding-3-small", _Model("text-embedding-3-small"))
    hosted = ("openrouter", "openai/text-embedding-3-small", _Model("openai/text-embedding-3-small"))
    other = ("openai", "text-embedding-3-large", _Model("text-embedding-3-large"))
    assert bench.same_embedding_model(same, hosted)
    assert not bench.same_embedding_model(same, other)
