"""`llmhub generate --no-llm` on a 12-role spec with a warm catalog, beside `llmhub --help`, in one run.

    python bench/bench_generate.py [--sources DIR] [--runs 7]

DIR defaults to $LLMHUB_TEST_SNAPSHOTS or ../shared/catalog-snapshots. The catalog is built once
(untimed) into a temporary cache; then both commands run as fresh processes, interleaved, and their
wall times are compared:

    help       `llmhub --help`: interpreter start-up plus the CLI's own imports
    generate   `llmhub generate --no-llm --force` on bench/data/twelve_roles.spec.yaml,
               writing llmhub.yaml to a temporary directory              goal: < 2x help

Medians of --runs runs; ratios only, nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SPEC = REPO / "bench" / "data" / "twelve_roles.spec.yaml"
DEFAULT_SOURCES = os.environ.get("LLMHUB_TEST_SNAPSHOTS") or str(REPO.parent / "shared" / "catalog-snapshots")


def llmhub_command() -> list[str]:
    script = Path(sys.executable).with_name("llmhub")
    return [str(script)] if script.exists() else [sys.executable, "-m", "llmhub"]


def timed(command: list[str], env: dict[str, str], cwd: str) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sources", default=DEFAULT_SOURCES)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    sources = str(Path(args.sources).resolve())
    work = tempfile.mkdtemp(prefix="llmhub-bench-generate-")
    env = {**os.environ, "LLMHUB_CACHE_DIR": str(Path(work) / "cache"), "LLMHUB_CATALOG_SOURCES": sources}
    env.pop("LLMHUB_GENERATOR_MODEL", None)
    llmhub = llmhub_command()
    output = str(Path(work) / "llmhub.yaml")
    generate = [*llmhub, "generate", "--no-llm", "--force", "--spec", str(SPEC), "--output", output]
    help_command = [*llmhub, "--help"]
    try:
        timed([*llmhub, "catalog", "refresh"], env, work)  # warm the cache, untimed
        timed(generate, env, work)  # and the generated file, so every timed run does the same work
        times: dict[str, list[float]] = {"help": [], "generate": []}
        order = random.Random(4)
        for _ in range(args.runs):
            pair = [("help", help_command), ("generate", generate)]
            order.shuffle(pair)
            for name, command in pair:
                times[name].append(timed(command, env, work))
        roles = sum(1 for line in Path(output).read_text().splitlines() if line.startswith("  llm."))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    help_s = statistics.median(times["help"])
    gen_s = statistics.median(times["generate"])
    print(f"runs: {args.runs} (medians); spec: {SPEC.name}, {roles} roles written; sources: {sources}")
    print(f"{'command':<34}{'median ms':>10}{'min ms':>10}")
    print(f"{'llmhub --help':<34}{help_s * 1000:>10.0f}{min(times['help']) * 1000:>10.0f}")
    print(f"{'llmhub generate --no-llm':<34}{gen_s * 1000:>10.0f}{min(times['generate']) * 1000:>10.0f}")
    print(f"generate / help: {gen_s / help_s:.2f}x (goal < 2x)")


if __name__ == "__main__":
    main()
