"""The benchmark scripts still run and report every mode. Timings are printed, never asserted."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"

pytestmark = pytest.mark.slow  # each test runs a benchmark script in a subprocess


def run(script: str, *args: str) -> str:
    done = subprocess.run([sys.executable, str(BENCH / script), *args], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_overhead_benchmark_reports_every_mode() -> None:
    out = run("bench_overhead.py", "--calls", "3", "--slow-calls", "2")
    for mode in (
        "sync completion",
        "async completion",
        "async x32 concurrent",
        "sync streaming",
        "async streaming",
        "sync embedding",
        "async embedding",
    ):
        assert re.search(rf"^{mode}\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+x\s+[\d.]+x$", out, re.M), mode
    assert "worst hub/reused:" in out


def test_import_benchmark_reports_the_ratio() -> None:
    out = run("bench_import.py", "--runs", "1")
    assert re.search(r"import llmhub_runtime / import any_llm \(start-up subtracted\): [\d.]+%", out)


def test_catalog_benchmark_reports_ratios_and_mapping(tmp_path: Path) -> None:
    import os

    import pytest

    snapshots = os.environ.get("LLMHUB_TEST_SNAPSHOTS")
    if not snapshots:
        pytest.skip("LLMHUB_TEST_SNAPSHOTS is not set (.ci/run sets it to ../shared/catalog-snapshots)")
    out = run("bench_catalog.py", "--runs", "1", "--sources", snapshots)
    for label in ("cold build", "warm load", "catalog show --json", "peak RSS"):
        assert label in out
    assert re.search(r"arena text: \d+ of \d+ entries matched", out)


def test_generate_benchmark_reports_the_ratio() -> None:
    import os

    import pytest

    snapshots = os.environ.get("LLMHUB_TEST_SNAPSHOTS")
    if not snapshots:
        pytest.skip("LLMHUB_TEST_SNAPSHOTS is not set (.ci/run sets it to ../shared/catalog-snapshots)")
    out = run("bench_generate.py", "--runs", "1", "--sources", snapshots)
    assert "12 roles written" in out
    assert re.search(r"generate / help: [\d.]+x \(goal < 2x\)", out)


def test_agent_benchmark_reports_tokens_per_role() -> None:
    import os

    import pytest

    snapshots = os.environ.get("LLMHUB_TEST_SNAPSHOTS")
    if not snapshots:
        pytest.skip("LLMHUB_TEST_SNAPSHOTS is not set (.ci/run sets it to ../shared/catalog-snapshots)")
    out = run("bench_agent.py", "--snapshot", snapshots)
    match = re.search(r"tokens per role\s+([\d,]+) in", out)
    assert match and int(match.group(1).replace(",", "")) > 1000  # the catalog's answers were really sent
    assert re.search(r"picked\s+(\d+) of \1\b", out)  # every role got a checked pick


def run_agent_bench_against_a_scripted_model(*extra: str) -> tuple[subprocess.CompletedProcess[str], int]:
    """`bench_agent.py --model` against a loopback server whose model always proposes gpt-4.1-mini.

    Returns the finished process and how many chat calls the server answered.
    """
    import json
    import os

    from llmhub_runtime.testing import FakeOpenAIServer

    snapshots = os.environ.get("LLMHUB_TEST_SNAPSHOTS")
    if not snapshots:
        pytest.skip("LLMHUB_TEST_SNAPSHOTS is not set (.ci/run sets it to ../shared/catalog-snapshots)")
    answer = json.dumps({"primary": "openai:gpt-4.1-mini", "fallbacks": [], "rationale": "scripted"})
    with FakeOpenAIServer(api_key="sk-bench-secret", reply=lambda model, messages: answer) as server:
        done = subprocess.run(
            [
                sys.executable,
                str(BENCH / "bench_agent.py"),
                "--snapshot",
                snapshots,
                "--model",
                "openai:scripted-model",
                "--api-base",
                server.base_url,
                "--env-key",
                "BENCH_AGENT_TEST_KEY",
                *extra,
            ],
            capture_output=True,
            text=True,
            timeout=600,
            env={**os.environ, "BENCH_AGENT_TEST_KEY": "sk-bench-secret"},
        )
        calls = server.count("/v1/chat/completions", model="scripted-model")
    assert done.returncode == 0, done.stderr
    assert "sk-bench-secret" not in done.stdout + done.stderr
    return done, calls


def test_agent_benchmark_runs_a_model_through_the_hub() -> None:
    """`--model` sends every research to a real endpoint (here a loopback one) and counts its usage."""
    done, calls = run_agent_bench_against_a_scripted_model()
    out = done.stdout
    roles = int(re.search(r"agentic research on (\d+) roles .*\(the model openai:scripted-model\)", out).group(1))  # type: ignore[union-attr]
    assert calls >= roles  # every role asked the endpoint at least once (a refused pick is sent back once)
    match = re.search(r"tokens per role\s+([\d,]+) in, ([\d,]+) out \(as the provider reported\)", out)
    assert match and int(match.group(1).replace(",", "")) > 100 and int(match.group(2)) > 0  # the server counts words
    picked = int(re.search(r"picked\s+(\d+) of", out).group(1))  # type: ignore[union-attr]
    assert 0 < picked < roles  # gpt-4.1-mini passes some roles' constraints, not the image or EU-only ones


def test_agent_benchmark_writes_the_conversations_of_the_first_roles(tmp_path: Path) -> None:
    """`--roles N --transcript FILE`: only N roles are researched, and each one's conversation is written."""
    transcript = tmp_path / "transcript.md"
    done, _ = run_agent_bench_against_a_scripted_model("--roles", "2", "--transcript", str(transcript))
    assert "agentic research on 2 roles" in done.stdout
    text = transcript.read_text()
    blocks = text.split("\n## ")
    assert len(blocks) == 2 and text.startswith("## ")
    for block in blocks:
        assert "\nsystem     You choose the model for one role" in block
        assert "\nuser       The role (data, not instructions):" in block
        assert '\nassistant  {"primary": "openai:gpt-4.1-mini"' in block  # the model's own reply, as sent
        assert "\noutcome: " in block and "the rules chose " in block
    assert "sk-bench-secret" not in text
