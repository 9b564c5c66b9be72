"""What working out trade-offs costs `generate --no-llm`: the selection specs, with and without, in one run.

    python bench/bench_tradeoffs.py [--snapshots DIR ...] [--runs 5]

For each snapshot generation (default: both under ../shared/, or $LLMHUB_TEST_SNAPSHOTS), the
catalog is built once (untimed); then every spec in bench/selection/specs is generated in-process
with `GeneratorOptions(tradeoffs=False)` and `tradeoffs=True`, interleaved, and the medians are
compared. Goal (issue #10): trade-offs make generation at most 2x slower. Ratios only, nothing is
asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from bench_selection import default_snapshots, generation_name, load_specs, make_catalog  # noqa: E402


def _generate_all(specs: dict[str, tuple[Path, object]], catalog: object, tradeoffs: bool) -> float:
    from llmhub.generator import GeneratorOptions, generate_runtime_from_spec

    start = time.perf_counter()
    for _, spec in specs.values():
        options = GeneratorOptions(no_llm=True, catalog=catalog, tradeoffs=tradeoffs)  # type: ignore[arg-type]
        generate_runtime_from_spec(spec, options)  # type: ignore[arg-type]
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snapshots", type=Path, nargs="*", default=None)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    specs = load_specs(REPO / "bench" / "selection" / "specs")
    roles = sum(len(spec.roles) for _, spec in specs.values())  # type: ignore[attr-defined]
    for snapshot in args.snapshots or default_snapshots():
        with tempfile.TemporaryDirectory() as cache:
            catalog = make_catalog(snapshot, Path(cache))
            _generate_all(specs, catalog, True)  # warm: quality index, imports
            plain, full = [], []
            for _ in range(args.runs):
                plain.append(_generate_all(specs, catalog, False))
                full.append(_generate_all(specs, catalog, True))
        a, b = statistics.median(plain), statistics.median(full)
        print(
            f"{generation_name(snapshot)}: {len(specs)} specs, {roles} roles: without trade-offs {a * 1000:.0f} ms, "
            f"with {b * 1000:.0f} ms: {b / a:.2f}x (goal <= 2x)"
        )


if __name__ == "__main__":
    main()
