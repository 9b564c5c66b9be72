"""scripts/release.py: version arithmetic, and a real --dry-run (bump, build, twine check) that changes nothing."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import llmhub

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "release.py"


def load_release() -> ModuleType:
    spec = importlib.util.spec_from_file_location("release", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


release = load_release()


@pytest.mark.parametrize(
    ("bump", "explicit", "expected"),
    [("patch", None, (1, 4, 3)), ("minor", None, (1, 5, 0)), ("major", None, (2, 0, 0)), (None, "1.10.0", (1, 10, 0))],
)
def test_next_version(bump: str | None, explicit: str | None, expected: tuple[int, int, int]) -> None:
    assert release.next_version((1, 4, 2), bump, explicit) == expected


@pytest.mark.parametrize(
    ("explicit", "message"), [("1.4.2", "not higher"), ("1.4", "not X.Y.Z"), ("0.9.9", "not higher")]
)
def test_next_version_refuses(explicit: str, message: str) -> None:
    with pytest.raises(release.ReleaseError, match=message):
        release.next_version((1, 4, 2), None, explicit)


def test_the_version_file_is_the_one_source(tmp_path: Path) -> None:
    assert release.read_version(REPO) == tuple(int(p) for p in llmhub.__version__.split("."))
    (tmp_path / release.VERSION_FILE).parent.mkdir(parents=True)
    (tmp_path / release.VERSION_FILE).write_text('"""doc"""\n\n__version__ = "0.3.9"\n')
    release.write_version(tmp_path, (0, 4, 0))
    assert (tmp_path / release.VERSION_FILE).read_text() == '"""doc"""\n\n__version__ = "0.4.0"\n'


def test_dry_run_builds_and_checks_the_bumped_package_and_changes_nothing(tmp_path: Path) -> None:
    version_file = REPO / release.VERSION_FILE
    before = version_file.read_text()
    secret = "pypi-AgEIcHlwaS5vcmc-dry-run-secret"
    major, minor, _ = release.read_version(REPO)
    bumped = f"{major}.{minor + 1}.0"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYPI_API_TOKEN": secret}
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "minor", "--dry-run", "--yes", "--test-pypi"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert f"-> {bumped} (dry run" in output
    assert f"llmhub-{bumped}-py3-none-any.whl" in output and f"llmhub-{bumped}.tar.gz" in output
    assert output.count("PASSED") == 2  # twine check, both files
    if not (REPO / ".env").exists():  # a maintainer's .env may hold the TestPyPI token
        assert "would upload to TestPyPI with $PYPI_TEST_API_TOKEN (NOT set)" in output
    assert "would upload to PyPI with $PYPI_API_TOKEN (set)" in output
    assert f"git tag -a v{bumped}" in output
    assert secret not in output
    assert version_file.read_text() == before
    assert not (REPO / "dist" / f"llmhub-{bumped}.tar.gz").exists()


def test_without_a_terminal_or_yes_it_asks_for_yes(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "patch", "--dry-run"],
        cwd=tmp_path, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 1
    assert "--yes" in done.stderr
