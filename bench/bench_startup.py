"""The everyday commands that call no provider, beside `llmhub --help`, in one run.

    python bench/bench_startup.py [--runs 9]

Each command runs as a fresh process in a fresh project (made by `llmhub init` once, untimed),
interleaved in a shuffled order, and its median wall time is compared with `llmhub --help`
(interpreter start-up plus the CLI's own imports):

    init            `llmhub init --force` in the project                 goal: <= 1.5x help
    setup           `llmhub setup -y -p openai -p groq --force`          goal: <= 1.5x help
    spec validate   `llmhub spec validate --no-catalog`                  goal: <= 1.5x help
    env check       `llmhub env check` (the keys are set for the run)    goal: <= 1.5x help

None of them may import any-llm (a few seconds on its own); tests/cli/test_no_anyllm_import.py
checks that, this measures what is left. Ratios only, nothing is asserted.
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

GOAL = 1.5


def llmhub_command() -> list[str]:
    script = Path(sys.executable).with_name("llmhub")
    return [str(script)] if script.exists() else [sys.executable, "-m", "llmhub"]


def timed(command: list[str], env: dict[str, str], cwd: str, allowed: tuple[int, ...] = (0,)) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd)
    elapsed = time.perf_counter() - start
    if done.returncode not in allowed:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="llmhub-bench-startup-")
    env = {
        **os.environ,
        "LLMHUB_CACHE_DIR": str(Path(work) / "cache"),
        "OPENAI_API_KEY": "sk-bench",
        "GROQ_API_KEY": "gsk-bench",
        "LLMHUB_NO_DOTENV": "1",
    }
    llmhub = llmhub_command()
    commands = {
        "help": [*llmhub, "--help"],
        "init": [*llmhub, "init", "--force"],
        "setup": [*llmhub, "setup", "-y", "-p", "openai", "-p", "groq", "--force"],
        "spec validate": [*llmhub, "spec", "validate", "--no-catalog"],
        "env check": [*llmhub, "env", "check"],
    }
    try:
        timed(commands["init"], env, work)  # the project every timed command runs in
        for command in commands.values():
            timed(command, env, work)  # warm the file system cache and any bytecode
        times: dict[str, list[float]] = {name: [] for name in commands}
        order = random.Random(7)
        for _ in range(args.runs):
            names = list(commands)
            order.shuffle(names)
            for name in names:
                times[name].append(timed(commands[name], env, work))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    help_s = statistics.median(times["help"])
    print(f"runs: {args.runs} (medians), each a fresh process")
    print(f"{'command':<22}{'median ms':>10}{'min ms':>10}{'/ help':>9}")
    worst = 0.0
    for name, samples in times.items():
        ratio = statistics.median(samples) / help_s
        if name != "help":
            worst = max(worst, ratio)
        median_ms, min_ms = statistics.median(samples) * 1000, min(samples) * 1000
        print(f"{'llmhub ' + name:<22}{median_ms:>10.0f}{min_ms:>10.0f}{ratio:>8.2f}x")
    print(f"worst / help: {worst:.2f}x (goal <= {GOAL}x)")


if __name__ == "__main__":
    main()
