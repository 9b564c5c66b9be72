"""Packaging proof: the built wheel, installed into a fresh virtualenv, works as a new user's would.

    .venv/bin/python scripts/smoke_wheel.py

Builds the wheel with this environment's hatchling (no download), checks it carries rules/ and
prompts/, installs it with its dependencies into a new virtualenv (pip fetches them, from its cache
when warm), and there, in an empty project directory and offline, runs `llmhub --version`,
`llmhub init`, `llmhub generate --no-llm` and `llmhub doctor --no-network`. A missing package-data
file or dependency fails here rather than on a user's machine.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
REQUIRED_FILES = ("llmhub/_data/rules/kinds.yaml", "llmhub/_data/prompts/pick.md", "llmhub_runtime/py.typed")


def build_wheel(dist: Path) -> Path:
    """The wheel of this checkout, built with the installed hatchling (no build isolation, no download)."""
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist)]
    subprocess.run([*command, str(REPO)], check=True)
    wheel = next(dist.glob("llmhub-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    missing = [name for name in REQUIRED_FILES if name not in names]
    if missing:
        raise SystemExit(f"{wheel.name} lacks {', '.join(missing)}")
    return wheel


def main() -> None:
    """Build, install and run the wheel; exit non-zero with the reason on any failure."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="llmhub-wheel-") as work:
        root = Path(work)
        wheel = build_wheel(root / "dist")
        venv = root / "venv"
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [
                str(venv / "bin" / "python"),
                "-m",
                "pip",
                "install",
                "-q",
                "--disable-pip-version-check",
                f"{wheel}[cli]",
            ],
            check=True,
        )
        project = root / "project"
        project.mkdir()
        # A new user's shell: the venv on PATH, no key but a placeholder, no network needed (offline catalog).
        env = {
            "PATH": f"{venv / 'bin'}:/usr/bin:/bin",
            "HOME": str(root),
            "LLMHUB_CACHE_DIR": str(root / "cache"),
            "LLMHUB_OFFLINE": "1",
            "OPENAI_API_KEY": "sk-smoke-test-placeholder",
            "LANG": os.environ.get("LANG", "C.UTF-8"),
        }
        steps = [
            ["llmhub", "--version"],
            ["llmhub", "init"],
            ["llmhub", "generate", "--no-llm"],
            ["llmhub", "doctor", "--no-network"],
        ]
        for step in steps:
            done = subprocess.run(step, cwd=project, env=env, capture_output=True, text=True)
            if done.returncode != 0:
                raise SystemExit(f"`{' '.join(step)}` failed in the installed wheel:\n{done.stdout}\n{done.stderr}")
            if step[1] == "--version" and not done.stdout.startswith("llmhub "):
                raise SystemExit(f"unexpected --version output: {done.stdout!r}")
        where = subprocess.run(
            [str(venv / "bin" / "python"), "-c", "import llmhub; print(llmhub.__file__)"],
            cwd=project, env=env, capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
        if not where.startswith(str(venv)):
            raise SystemExit(f"not running the installed wheel: llmhub imported from {where}")
        if "sk-smoke-test-placeholder" in (project / "llmhub.yaml").read_text():
            raise SystemExit("a key value was written into llmhub.yaml")
        print(
            f"ok: {wheel.name} installed in a fresh virtualenv; --version, init, generate --no-llm and "
            f"doctor --no-network pass ({time.monotonic() - started:.0f} s)"
        )


if __name__ == "__main__":
    main()
