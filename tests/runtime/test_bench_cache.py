"""bench/bench_cache.py still runs and reports every row. Timings are printed, never asserted."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent.parent / "bench"


@pytest.mark.slow  # runs the benchmark in a subprocess, with the local server in another
def test_cache_benchmark_reports_hits_and_the_ratio() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH / "bench_cache.py"), "--calls", "30"], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-2000:]
    for row in ("hit, sync", "hit, async", "hit, sync, hooks on", "store: key + get", "no cache: to the server"):
        assert re.search(rf"^{re.escape(row)}\s+[\d.]+\s+[\d.]+$", done.stdout, re.M), row
    assert re.search(r"hit / call to the server: [\d.]+x; hit median \d+ us", done.stdout)
