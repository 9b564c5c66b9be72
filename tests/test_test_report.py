"""The Test Execution Report tool, run as the README says, on a small suite with every outcome."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SAMPLE = """
import pytest

def test_ok():
    assert 1 + 1 == 2

@pytest.mark.slow
def test_fails():
    assert 1 + 1 == 3, "arithmetic is broken"

@pytest.mark.skip(reason="needs a GPU")
def test_skipped():
    pass

@pytest.fixture
def broken():
    raise RuntimeError("fixture exploded")

def test_setup_error(broken):
    pass
"""


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
        cwd=cwd, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout.strip()


def make_project(root: Path, body: str) -> Path:
    (root / "tests" / "area").mkdir(parents=True)
    (root / "tests" / "area" / "test_sample.py").write_text(body)
    (root / "pytest.ini").write_text("[pytest]\nmarkers =\n    slow: a slow test\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "sample")
    return root


REPORT_COMMAND = [
    sys.executable,
    "-m",
    "llmhub.tools.run_tests_with_report",
    "--",
    "tests",
    "-q",
    "-p",
    "no:cacheprovider",
]


def run_report(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        REPORT_COMMAND,
        cwd=root, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_report_files_shape_and_exit_code(tmp_path: Path) -> None:
    root = make_project(tmp_path, SAMPLE)
    done = run_report(root)
    assert done.returncode == 1  # pytest's own exit code
    sha = git(root, "rev-parse", "HEAD")
    [json_file] = (root / "reports" / "test-execution").glob("TER-*.json")
    assert json_file.name.startswith("TER-") and json_file.name.endswith(f"-{sha[:7]}.json")
    assert json_file.with_suffix(".md").is_file()
    report = json.loads(json_file.read_text())
    assert set(report) >= {"project", "run_id", "commit", "branch", "timestamp", "environment", "summary", "suites"}
    assert report["run_id"] == json_file.stem
    assert report["commit"] == sha and report["branch"] == "main"
    assert report["environment"]["python"] == ".".join(map(str, sys.version_info[:3]))
    summary = report["summary"]
    assert {k: summary[k] for k in ("total_tests", "passed", "failed", "skipped", "status")} == {
        "total_tests": 4, "passed": 1, "failed": 2, "skipped": 1, "status": "failed",
    }  # fmt: skip
    [suite] = report["suites"]
    assert suite["name"] == "area.test_sample" and suite["path"] == "tests/area/test_sample.py"
    tests = {t["id"].split("::")[1]: t for t in suite["tests"]}
    assert set(tests["test_ok"]) == {"id", "status", "duration_seconds", "tags", "error"}
    assert tests["test_ok"]["error"] is None
    assert tests["test_fails"]["tags"] == ["area", "slow"]
    assert "arithmetic is broken" in tests["test_fails"]["error"]
    assert tests["test_setup_error"]["status"] == "failed"
    assert tests["test_setup_error"]["error"].startswith("[setup] RuntimeError: fixture exploded")
    assert tests["test_skipped"]["status"] == "skipped"
    markdown = json_file.with_suffix(".md").read_text()
    assert "1 passed, 2 failed, 1 skipped" in markdown
    assert "`tests/area/test_sample.py::test_fails`: AssertionError: arithmetic is broken" in markdown


def test_a_green_run_exits_0_and_says_passed(tmp_path: Path) -> None:
    root = make_project(tmp_path, "def test_ok():\n    assert True\n")
    done = run_report(root)
    assert done.returncode == 0, done.stdout + done.stderr
    [json_file] = (root / "reports" / "test-execution").glob("TER-*.json")
    assert json.loads(json_file.read_text())["summary"]["status"] == "passed"


def test_deselected_tests_are_not_counted_as_passed(tmp_path: Path) -> None:
    root = make_project(tmp_path, SAMPLE)
    done = subprocess.run(
        [*REPORT_COMMAND, "-k", "test_ok"],
        cwd=root, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    [json_file] = (root / "reports" / "test-execution").glob("TER-*.json")
    summary = json.loads(json_file.read_text())["summary"]
    assert (summary["total_tests"], summary["passed"], summary["failed"]) == (1, 1, 0)
