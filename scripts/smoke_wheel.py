"""Packaging smoke test: the built wheel alone (no checkout) carries rules/ and prompts/ and generates.

    .venv/bin/python scripts/smoke_wheel.py

Builds the wheel with this environment's hatchling (no download), unpacks it into a temporary
directory, and runs `llmhub --offline generate --no-llm` on the quickstart spec from there, with
this environment's site-packages supplying only the dependencies (the editable install of the
checkout is not on the path). Fails unless the rules come from inside the wheel.
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

PROBE = """
import sys
from llmhub._resources import data_dir
import llmhub
print(data_dir("rules"))
print(llmhub.__file__)
from llmhub.cli import app
sys.argv = ["llmhub", "--offline", "generate", "--no-llm", "--dry-run", "--spec", sys.argv[1]]
app()
"""


def main() -> None:
    """Build, unpack and run the wheel; exit non-zero with the reason on any failure."""
    with tempfile.TemporaryDirectory(prefix="llmhub-wheel-") as work:
        dist = Path(work) / "dist"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "wheel",
                "--no-deps",
                "--no-build-isolation",
                "-q",
                "-w",
                str(dist),
                str(REPO),
            ],
            check=True,
        )
        wheel = next(dist.glob("llmhub-*.whl"))
        unpacked = Path(work) / "site"
        with zipfile.ZipFile(wheel) as archive:
            names = archive.namelist()
            for required in (
                "llmhub/_data/rules/kinds.yaml",
                "llmhub/_data/prompts/pick.md",
                "llmhub_runtime/py.typed",
            ):
                if required not in names:
                    raise SystemExit(f"{wheel.name} lacks {required}")
            archive.extractall(unpacked)
        # PYTHONPATH entries are not site directories, so the editable install's .pth hook stays off.
        env = {
            "PYTHONPATH": f"{unpacked}:{sysconfig.get_paths()['purelib']}",
            "PATH": "/usr/bin:/bin",
            "LLMHUB_CACHE_DIR": str(Path(work) / "cache"),
        }
        spec = REPO / "examples" / "quickstart" / "llmhub.spec.yaml"
        done = subprocess.run(
            [sys.executable, "-s", "-c", PROBE, str(spec)], cwd=work, env=env, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise SystemExit(f"generate from the wheel failed:\n{done.stdout}\n{done.stderr}")
        rules_dir, module, *rest = done.stdout.splitlines()
        if not rules_dir.startswith(str(unpacked)) or not module.startswith(str(unpacked)):
            raise SystemExit(f"not running from the wheel: rules from {rules_dir}, llmhub from {module}")
        if "llm.inference:" not in "\n".join(rest):
            raise SystemExit(f"no llmhub.yaml printed:\n{done.stdout}")
        print(f"ok: {wheel.name} ({len(names)} files) generates llmhub.yaml with its own rules/ and prompts/")


if __name__ == "__main__":
    main()
