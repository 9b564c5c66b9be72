"""Release llmhub: bump the version, build, `twine check`, upload to TestPyPI and/or PyPI, print the tag commands.

    python scripts/release.py patch|minor|major [--dry-run] [--yes] [--test-pypi] [--no-pypi]
    python scripts/release.py --version 1.2.3 ...

The version lives in one place, `src/llmhub_runtime/_version.py` (hatch reads it for the package
metadata; `llmhub --version` prints it). Tokens come from the environment or the project's `.env`
(`PYPI_API_TOKEN`, `PYPI_TEST_API_TOKEN`), else a hidden prompt; they are handed to twine through
its environment (`TWINE_PASSWORD`), never on a command line, and never printed.

`--dry-run` does everything except upload, in a temporary copy of the checkout, so nothing in the
working tree changes: it bumps the copy, builds it, runs `twine check`, says which uploads would
happen with which token variable (set or not), and prints the git commands.
"""

from __future__ import annotations

import argparse
import getpass
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VERSION_FILE = Path("src") / "llmhub_runtime" / "_version.py"
_VERSION_LINE = re.compile(r'^__version__ = "(\d+)\.(\d+)\.(\d+)"$', re.MULTILINE)
_SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")
INDEXES = {
    "TestPyPI": ("https://test.pypi.org/legacy/", "PYPI_TEST_API_TOKEN"),
    "PyPI": ("https://upload.pypi.org/legacy/", "PYPI_API_TOKEN"),
}


class ReleaseError(Exception):
    """A step failed; the message says which and what to do."""


def read_version(root: Path) -> tuple[int, int, int]:
    """The version in `<root>/src/llmhub_runtime/_version.py`."""
    match = _VERSION_LINE.search((root / VERSION_FILE).read_text(encoding="utf-8"))
    if match is None:
        raise ReleaseError(f'{root / VERSION_FILE}: no `__version__ = "X.Y.Z"` line')
    major, minor, patch = (int(part) for part in match.groups())
    return major, minor, patch


def next_version(current: tuple[int, int, int], bump: str | None, explicit: str | None) -> tuple[int, int, int]:
    """The version to release: `explicit`, or `current` bumped; it must be higher than `current`."""
    if explicit is not None:
        match = _SEMVER.match(explicit)
        if match is None:
            raise ReleaseError(f"--version {explicit!r} is not X.Y.Z")
        major, minor, patch = (int(part) for part in match.groups())
        wanted = (major, minor, patch)
    elif bump == "major":
        wanted = (current[0] + 1, 0, 0)
    elif bump == "minor":
        wanted = (current[0], current[1] + 1, 0)
    elif bump == "patch":
        wanted = (current[0], current[1], current[2] + 1)
    else:
        raise ReleaseError("say what to release: patch, minor, major or --version X.Y.Z")
    if wanted <= current:
        raise ReleaseError(f"{_text(wanted)} is not higher than the current version {_text(current)}")
    return wanted


def _text(version: tuple[int, int, int]) -> str:
    return ".".join(map(str, version))


def write_version(root: Path, version: tuple[int, int, int]) -> None:
    """Replace the version line, keeping the rest of the file."""
    path = root / VERSION_FILE
    text = _VERSION_LINE.sub(f'__version__ = "{_text(version)}"', path.read_text(encoding="utf-8"), count=1)
    path.write_text(text, encoding="utf-8")


def copy_checkout(root: Path, target: Path) -> None:
    """Tracked and untracked-but-not-ignored files of the checkout, as they are on disk."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=root,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = root / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run a step; its output is returned (and shown only when it fails)."""
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise ReleaseError(f"`{' '.join(command[:4])} ...` failed:\n{done.stdout}{done.stderr}".rstrip())
    return done.stdout


def build(root: Path) -> list[Path]:
    """Build the sdist and wheel into `<root>/dist` (emptied first) with the installed backend, no download."""
    dist = root / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(root)], cwd=root)
    built = sorted(dist.iterdir())
    if not any(p.suffix == ".whl" for p in built) or not any(p.name.endswith(".tar.gz") for p in built):
        raise ReleaseError(f"the build left {', '.join(p.name for p in built) or 'nothing'} in {dist}")
    return built


def check(files: list[Path], root: Path) -> str:
    """`twine check --strict` on every built file."""
    env = {**os.environ, "NO_COLOR": "1"}  # plain PASSED/FAILED, for logs
    return run([sys.executable, "-m", "twine", "check", "--strict", *map(str, files)], cwd=root, env=env)


def token_for(variable: str, root: Path, ask: bool) -> str | None:
    """A token from the environment, else the project's .env, else (when allowed) a hidden prompt."""
    value = os.environ.get(variable)
    if not value and (root / ".env").is_file():
        from dotenv import dotenv_values

        value = dotenv_values(root / ".env").get(variable) or None
    if not value and ask:
        value = getpass.getpass(f"{variable} (input hidden): ") or None
    return value


def upload(files: list[Path], index: str, token: str, root: Path) -> None:
    """`twine upload` with the token in twine's environment only."""
    url, _ = INDEXES[index]
    env = {**os.environ, "TWINE_USERNAME": "__token__", "TWINE_PASSWORD": token}
    output = run(
        [sys.executable, "-m", "twine", "upload", "--non-interactive", "--repository-url", url, *map(str, files)],
        cwd=root,
        env=env,
    )
    print(output.replace(token, "***").rstrip())


def confirm(question: str, assume_yes: bool) -> bool:
    """Ask a yes/no question; --yes answers yes, and with no terminal there is nobody to ask."""
    if assume_yes:
        return True
    if not sys.stdin.isatty():
        raise ReleaseError(f"{question} needs an answer; rerun with --yes to confirm non-interactively")
    return input(f"{question} [y/N] ").strip().lower() in ("y", "yes")


def main(argv: list[str] | None = None) -> int:
    """Run the release; returns the exit code."""
    parser = argparse.ArgumentParser(prog="scripts/release.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("bump", nargs="?", choices=("patch", "minor", "major"), help="which part to increase")
    parser.add_argument("--version", dest="explicit", metavar="X.Y.Z", help="release exactly this version")
    parser.add_argument("--dry-run", action="store_true", help="do everything but upload, in a temporary copy")
    parser.add_argument("--yes", "-y", action="store_true", help="answer yes to every question")
    parser.add_argument("--test-pypi", action="store_true", help="upload to TestPyPI first (asked when interactive)")
    parser.add_argument("--no-pypi", action="store_true", help="stop after TestPyPI (or after the checks)")
    args = parser.parse_args(argv)
    if args.bump and args.explicit:
        parser.error("give either patch|minor|major or --version, not both")
    try:
        return _release(args)
    except ReleaseError as exc:
        print(f"release: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("release: interrupted; nothing uploaded after this point", file=sys.stderr)
        return 130


def _release(args: argparse.Namespace) -> int:
    current = read_version(REPO)
    wanted = next_version(current, args.bump, args.explicit)
    tag = f"v{_text(wanted)}"
    mode = " (dry run: nothing is changed or uploaded)" if args.dry_run else ""
    print(f"Release llmhub {_text(current)} -> {_text(wanted)}{mode}")
    if not args.dry_run:
        dirty = run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO).strip()
        if dirty:
            raise ReleaseError("the working tree has uncommitted changes; commit or stash them first")
    if not confirm(f"Release {_text(wanted)}?", args.yes):
        print("Nothing done.")
        return 0

    with tempfile.TemporaryDirectory(prefix="llmhub-release-") as scratch:
        root = REPO
        if args.dry_run:
            root = Path(scratch)
            copy_checkout(REPO, root)
        write_version(root, wanted)
        print(f"1. version: {root / VERSION_FILE} now says {_text(wanted)}")
        files = build(root)
        print(f"2. built: {', '.join(p.name for p in files)}")
        for line in check(files, root).splitlines():
            print(f"3. twine check: {line.strip()}")
        targets = ["TestPyPI"] if args.test_pypi else []
        if not args.test_pypi and not args.yes and sys.stdin.isatty():
            targets = ["TestPyPI"] if confirm("Upload to TestPyPI first?", False) else []
        if not args.no_pypi:
            targets.append("PyPI")
        for index in targets:
            _, variable = INDEXES[index]
            if args.dry_run:
                state = "set" if token_for(variable, REPO, ask=False) else "NOT set"
                print(f"4. would upload to {index} with ${variable} ({state})")
                continue
            pause = index == "PyPI" and "TestPyPI" in targets
            if pause and not confirm("TestPyPI looks right; upload to PyPI?", args.yes):
                print("Stopped before PyPI.")
                break
            token = token_for(variable, REPO, ask=sys.stdin.isatty())
            if not token:
                raise ReleaseError(f"no token for {index}: set {variable} in the environment or .env")
            upload(files, index, token, root)
            print(f"4. uploaded to {index}")
    print("5. then tag the release:")
    print(f'   git commit -am "Release {tag}"')
    print(f'   git tag -a {tag} -m "llmhub {_text(wanted)}"')
    print("   git push origin HEAD --tags")
    return 0


if __name__ == "__main__":
    sys.exit(main())
