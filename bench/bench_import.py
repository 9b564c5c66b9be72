"""Import and construction cost of the runtime, against any-llm's own import, in fresh interpreters.

    python bench/bench_import.py [--runs 15]

Prints the median wall time of `python -c <code>` for: nothing (interpreter start-up), `import
llmhub_runtime`, `import any_llm`, and constructing `LLMHub` from the bundled example config. The
goal: importing the runtime costs under 20% of importing any-llm (start-up subtracted from both).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "quickstart" / "llmhub.yaml"


def wall_ms(code: str, runs: int, env: dict[str, str] | None = None) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, env=env)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    import os

    env = {**os.environ, "LLMHUB_EXAMPLE_API_BASE": "http://127.0.0.1:9/v1", "LLMHUB_EXAMPLE_API_KEY": "x"}
    runs = args.runs
    # Warm the OS file cache (and any .pyc files) so the first measured run is not an outlier.
    for code in ("import llmhub_runtime", "import any_llm"):
        subprocess.run([sys.executable, "-c", code], check=True)

    baseline = wall_ms("pass", runs)
    runtime = wall_ms("import llmhub_runtime", runs)
    anyllm = wall_ms("import any_llm", runs)
    construct = wall_ms(f"from llmhub_runtime import LLMHub; LLMHub(config_path={str(EXAMPLE)!r})", runs, env)

    setup = (
        "import time; t=time.perf_counter(); from llmhub_runtime import LLMHub; "
        f"LLMHub(config_path={str(EXAMPLE)!r}); print((time.perf_counter()-t)*1000)"
    )
    in_process = statistics.median(
        float(subprocess.run([sys.executable, "-c", setup], env=env, capture_output=True, text=True, check=True).stdout)
        for _ in range(runs)
    )

    print(f"median wall time of a fresh interpreter ({runs} runs each)")
    print(f"  python -c pass                     {baseline:8.1f} ms")
    print(f"  import llmhub_runtime              {runtime:8.1f} ms  (+{runtime - baseline:.1f} ms)")
    print(f"  import any_llm                     {anyllm:8.1f} ms  (+{anyllm - baseline:.1f} ms)")
    print(f"  import + LLMHub(example config)    {construct:8.1f} ms  (+{construct - baseline:.1f} ms)")
    print(f"  import + construct, in-process     {in_process:8.1f} ms")
    ratio = (runtime - baseline) / (anyllm - baseline)
    print(f"import llmhub_runtime / import any_llm (start-up subtracted): {ratio:.1%} (goal < 20%)")


if __name__ == "__main__":
    main()
