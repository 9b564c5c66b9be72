"""Run the test suite and write a Test Execution Report (TER): JSON for programs, Markdown for people.

    python -m llmhub.tools.run_tests_with_report [--output-dir DIR] [--no-markdown] [-- PYTEST ARGS...]
    make test-report

Writes `reports/test-execution/TER-YYYYMMDD-HHMM-<short_sha>.json` (and `.md`) and exits with
pytest's own exit code, so CI can use it in place of `pytest`. Report shape::

    {project, run_id, commit, branch, timestamp, environment{python, platform, llmhub_version, pytest_version},
     summary{total_tests, passed, failed, skipped, duration_seconds, status},
     suites[{name, path, summary, tests[{id, status, duration_seconds, tags, error}]}]}

A suite is one test file; a test's tags are its area (the folder under tests/) and its pytest markers.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = ["ReportCollector", "build_report", "main", "render_markdown", "write_report"]

DEFAULT_OUTPUT = Path("reports") / "test-execution"
_PLUMBING_MARKERS = {"parametrize", "usefixtures", "filterwarnings", "skip", "skipif", "xfail"}
_ERROR_LIMIT = 2000  # characters of a failure kept in the report; the console has the rest


@dataclass
class TestResult:
    """One test's outcome over its setup, call and teardown phases."""

    id: str
    status: str = "passed"
    duration_seconds: float = 0.0
    tags: list[str] = field(default_factory=list)
    error: str | None = None


class ReportCollector:
    """A pytest plugin that records every test's outcome, duration, tags and first error."""

    def __init__(self) -> None:
        self.results: dict[str, TestResult] = {}
        self.started = time.perf_counter()
        self.duration = 0.0

    def pytest_collection_modifyitems(self, items: list[Any]) -> None:
        """Note every collected test, with its tags, so tests that never run still appear."""
        for item in items:
            area = _area(item.nodeid)
            tags = [area] if area else []
            tags += sorted({m.name for m in item.iter_markers()} - _PLUMBING_MARKERS)
            self.results[item.nodeid] = TestResult(id=item.nodeid, tags=tags)

    def pytest_deselected(self, items: list[Any]) -> None:
        """Tests deselected (`-k`, `-m`) did not run: they are not in the report at all."""
        for item in items:
            self.results.pop(item.nodeid, None)

    def pytest_runtest_logreport(self, report: Any) -> None:
        """Fold one phase (setup, call, teardown) into the test's result: any failure fails it."""
        result = self.results.setdefault(report.nodeid, TestResult(id=report.nodeid))
        result.duration_seconds = round(result.duration_seconds + report.duration, 4)
        if report.skipped and result.status == "passed":
            result.status = "skipped"
            if hasattr(report, "wasxfail"):
                result.tags.append("xfail")
        elif report.failed and result.status != "failed":
            result.status = "failed"
            result.error = _error_text(report)

    def pytest_sessionfinish(self) -> None:
        """The run's wall time."""
        self.duration = round(time.perf_counter() - self.started, 3)


def _area(nodeid: str) -> str | None:
    parts = nodeid.split("::", 1)[0].split("/")
    return parts[1] if len(parts) > 2 and parts[0] == "tests" else None


def _error_text(report: Any) -> str:
    crash = getattr(getattr(report, "longrepr", None), "reprcrash", None)
    text = crash.message if crash is not None else str(getattr(report, "longreprtext", "") or report.longrepr)
    phase = "" if report.when == "call" else f"[{report.when}] "
    return (phase + text)[:_ERROR_LIMIT]


def _git(*args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], capture_output=True, text=True, timeout=10, check=False)
    except OSError:
        return None
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else None


def _summary(tests: list[TestResult], duration: float | None = None) -> dict[str, Any]:
    counts = {status: sum(1 for t in tests if t.status == status) for status in ("passed", "failed", "skipped")}
    return {
        "total_tests": len(tests),
        **counts,
        "duration_seconds": round(duration if duration is not None else sum(t.duration_seconds for t in tests), 3),
        "status": "failed" if counts["failed"] else "passed",
    }


def build_report(collector: ReportCollector, exit_code: int, now: datetime | None = None) -> dict[str, Any]:
    """The TER for one run, from what the collector saw and pytest's exit code."""
    from llmhub import __version__

    now = now or datetime.now(UTC)
    commit = _git("rev-parse", "HEAD") or "unknown"
    short = commit[:7] if commit != "unknown" else "nogit"
    by_file: dict[str, list[TestResult]] = {}
    for result in collector.results.values():
        by_file.setdefault(result.id.split("::", 1)[0], []).append(result)
    suites = [
        {
            "name": path.removeprefix("tests/").removesuffix(".py").replace("/", "."),
            "path": path,
            "summary": _summary(tests),
            "tests": [vars(t) for t in tests],
        }
        for path, tests in sorted(by_file.items())
    ]
    summary = _summary(list(collector.results.values()), collector.duration)
    if exit_code != 0:  # a collection error or an interrupted run fails the report even with no failed test
        summary["status"] = "failed"
    return {
        "project": "llmhub",
        "run_id": f"TER-{now:%Y%m%d-%H%M}-{short}",
        "commit": commit,
        "branch": _git("rev-parse", "--abbrev-ref", "HEAD") or "unknown",
        "timestamp": now.isoformat(timespec="seconds"),
        "environment": {
            "python": platform.python_version(),
            "implementation": platform.python_implementation(),
            "platform": platform.platform(),
            "os": sys.platform,
            "llmhub_version": __version__,
            "pytest_version": _pytest_version(),
        },
        "exit_code": exit_code,
        "summary": summary,
        "suites": suites,
    }


def _pytest_version() -> str:
    import pytest

    return str(pytest.__version__)


def render_markdown(report: dict[str, Any]) -> str:
    """A one-page summary: totals, the suites, and every failure with its error."""
    summary = report["summary"]
    mark = "✅" if summary["status"] == "passed" else "❌"
    env = report["environment"]
    lines = [
        f"# {report['run_id']} {mark} {summary['status']}",
        "",
        f"- commit `{report['commit']}` on `{report['branch']}`, {report['timestamp']}",
        f"- Python {env['python']} on {env['platform']}, llmhub {env['llmhub_version']}, "
        f"pytest {env['pytest_version']}",
        f"- {summary['total_tests']} tests: {summary['passed']} passed, {summary['failed']} failed, "
        f"{summary['skipped']} skipped in {summary['duration_seconds']} s (exit code {report['exit_code']})",
        "",
        "| suite | tests | passed | failed | skipped | seconds |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for suite in report["suites"]:
        s = suite["summary"]
        lines.append(
            f"| {suite['name']} | {s['total_tests']} | {s['passed']} | {s['failed']} | {s['skipped']} "
            f"| {s['duration_seconds']} |"
        )
    failures = [t for suite in report["suites"] for t in suite["tests"] if t["status"] == "failed"]
    if failures:
        lines += ["", "## Failures", ""]
        for test in failures:
            first = (test["error"] or "").strip().splitlines()
            lines.append(f"- `{test['id']}`: {first[0] if first else 'failed'}")
    skipped = [t for suite in report["suites"] for t in suite["tests"] if t["status"] == "skipped"]
    if skipped:
        lines += ["", f"{len(skipped)} skipped: " + ", ".join(f"`{t['id']}`" for t in skipped[:20])]
    return "\n".join(lines) + "\n"


def write_report(report: dict[str, Any], output_dir: Path, markdown: bool = True) -> list[Path]:
    """Write `<run_id>.json` (and `.md`) into `output_dir`; returns the paths written."""
    from llmhub_runtime.config_loader import atomic_write_text

    output_dir.mkdir(parents=True, exist_ok=True)
    written = [output_dir / f"{report['run_id']}.json"]
    atomic_write_text(written[0], json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    if markdown:
        written.append(output_dir / f"{report['run_id']}.md")
        atomic_write_text(written[1], render_markdown(report))
    return written


def main(argv: list[str] | None = None) -> int:
    """Run pytest with the collector, write the report, and return pytest's exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m llmhub.tools.run_tests_with_report",
        description="Run the tests and write a Test Execution Report (JSON and Markdown).",
    )
    parser.add_argument("--output-dir", type=Path, default=DEFAULT_OUTPUT, help=f"default: {DEFAULT_OUTPUT}")
    parser.add_argument("--no-markdown", action="store_true", help="write only the JSON report")
    parser.add_argument("pytest_args", nargs="*", help="passed to pytest (after --), e.g. tests/cli -k doctor")
    args = parser.parse_args(argv)
    try:
        import pytest
    except ImportError:
        print("run_tests_with_report: pytest is not installed; pip install 'llmhub[dev]'", file=sys.stderr)
        return 4
    collector = ReportCollector()
    exit_code = int(pytest.main(list(args.pytest_args), plugins=[collector]))
    report = build_report(collector, exit_code)
    for path in write_report(report, args.output_dir, markdown=not args.no_markdown):
        print(f"Test Execution Report: {path}")
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
