"""Catalog build, cached load and `llmhub catalog show --json`, against merely parsing the same sources.

    python bench/bench_catalog.py [--sources DIR] [--runs 5]

DIR defaults to $LLMHUB_TEST_SNAPSHOTS or ../shared/catalog-snapshots. Every measurement runs in a
fresh Python process (so "cold" includes cold caches and loading the rules data) and times only the
work itself, not importing the modules it needs, except `catalog show --json`, which is the whole
command's wall time. Printed:

    parse     json.load of every source file the build reads (models.dev, the LMArena boards, LiteLLM)
    cold      build_catalog() with an empty cache (a new cache directory each run)  goal: <= 4x parse
    refresh   build_catalog(force_refresh=True) over that cache (`llmhub catalog refresh`)
    warm      build_catalog() served from the cache                          goal: <  parse
    show      `llmhub catalog show --json` wall time (interpreter start-up included)
    memory    peak RSS of the cold-build process                             goal: < 200 MB

plus the arena mapping statistics. Medians and bests of --runs runs, and each run's ratio to the
parses timed beside it (paired); ratios only, nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SOURCES = os.environ.get("LLMHUB_TEST_SNAPSHOTS") or str(REPO.parent / "shared" / "catalog-snapshots")

PARSE = """
import json, sys, time, resource
from pathlib import Path
d = Path(sys.argv[1])
# Every source file the build reads (the image board and LiteLLM only where the mirror has them).
files = ["models.dev/api.json", "arena-catalog/data/leaderboard-text-style-control.json",
         "arena-catalog/data/leaderboard-vision-style-control.json", "arena-catalog/data/leaderboard-image.json",
         "litellm/model_prices_and_context_window.json"]
files = [f for f in files if (d / f).is_file()]
t = time.perf_counter()
for f in files:
    with open(d / f, "rb") as handle:
        json.load(handle)
print(json.dumps({"seconds": time.perf_counter() - t}))
"""

BUILD = """
import json, sys, time, resource
from llmhub.catalog import build_catalog
if sys.argv[2] != "warm":
    # What building imports (the sources' parsers, the mapper, the fusion), before the clock starts:
    # the time is the build's, as it was when build_catalog's module imported them itself. A warm
    # load imports none of them.
    import llmhub.catalog.gather
t = time.perf_counter()
catalog = build_catalog(sources_dir=sys.argv[1], force_refresh=sys.argv[2] == "refresh", overrides=False)
seconds = time.perf_counter() - t
rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "rss_mb": rss_kb / 1024, "models": len(catalog)}))
"""


def run_child(code: str, *args: str, env: dict[str, str]) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=True, cwd=REPO
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sources", default=DEFAULT_SOURCES)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    sources = str(Path(args.sources).resolve())
    env = {**os.environ, "LLMHUB_CATALOG_SOURCES": sources}

    parse, cold, refresh, warm, show, rss = [], [], [], [], [], []
    beside: list[float] = []  # each run's parse time, timed before and after its builds
    models = 0
    for _ in range(args.runs):
        # A new, empty cache directory for every run: "cold" must not find the last run's catalog.
        env["LLMHUB_CACHE_DIR"] = tempfile.mkdtemp(prefix="llmhub-bench-cache-")
        before = run_child(PARSE, sources, env=env)["seconds"]
        parse.append(before)
        result = run_child(BUILD, sources, "cold", env=env)
        cold.append(result["seconds"])
        rss.append(result["rss_mb"])
        models = int(result["models"])
        refresh.append(run_child(BUILD, sources, "refresh", env=env)["seconds"])
        warm.append(run_child(BUILD, sources, "warm", env=env)["seconds"])
        beside.append((before + run_child(PARSE, sources, env=env)["seconds"]) / 2)
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "llmhub", "catalog", "show", "--json"],
            env=env,
            capture_output=True,
            check=True,
            cwd=REPO,
        )
        show.append(time.perf_counter() - started)

    p, c, r, w, s = (statistics.median(v) * 1000 for v in (parse, cold, refresh, warm, show))
    bp, bc, br, bw = (min(v) * 1000 for v in (parse, cold, refresh, warm))
    print(f"catalog from {sources}: {models} models; {args.runs} runs, each in a fresh process")
    print("  ratios: of the medians; 'paired', the median of each run's own ratio to the parses timed just")
    print("  before and after it (the steadiest when the machine's speed drifts); 'best', of the best runs")
    print(f"  parse (json.load of the source files)     {p:8.1f} ms                              best {bp:7.1f} ms")
    for label, times, median, best, goal in (
        ("cold build (empty cache)                  ", cold, c, bc, "(goal <= 4x)"),
        ("forced refresh (over a cached catalog)    ", refresh, r, br, ""),
        ("warm load (from the cache)                ", warm, w, bw, "(goal < 1x)"),
    ):
        paired = statistics.median(t / b for t, b in zip(times, beside, strict=True))
        print(
            f"  {label} {median:8.1f} ms {median / p:5.2f}x parse  paired {paired:5.2f}x"
            f"  best {best / bp:5.2f}x  {goal}".rstrip()
        )
    print(f"  llmhub catalog show --json (whole command) {s:8.1f} ms {s / p:5.2f}x parse")
    print(f"  peak RSS of the cold build                 {max(rss):8.1f} MB            (goal < 200 MB)")

    sys.path.insert(0, str(REPO / "src"))
    os.environ.update(env)
    from llmhub.catalog import build_catalog

    catalog = build_catalog(sources_dir=sources)
    for board in ("text", "vision"):
        entries = [e for e in catalog.arena if e.board == board]
        matched = [e for e in entries if e.matches]
        reasons = Counter(_reason_kind(e.reason or "") for e in entries if not e.matches)
        methods = Counter(m.quality.match for m in catalog if board == "text" and m.quality.match)
        scored = sum(1 for m in catalog if (m.quality.arena_id if board == "text" else m.vision.arena_id))
        print(f"arena {board}: {len(matched)} of {len(entries)} entries matched, {scored} catalog models scored")
        if methods:
            print("  models scored by method: " + ", ".join(f"{k} {v}" for k, v in methods.most_common()))
        print("  unmatched, why: " + ", ".join(f"{k} {v}" for k, v in reasons.most_common()))


def _reason_kind(reason: str) -> str:
    if reason.startswith("never matched"):
        return "excluded by overrides"
    if "dates or variants differ" in reason:
        return "same name, different date/variant (refused)"
    if "no catalog model is named like it" in reason:
        return "no such model in models.dev"
    return reason[:40]


if __name__ == "__main__":
    main()
