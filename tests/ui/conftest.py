"""A project, a catalog and a server for the UI tests; a headless Chromium for the page tests.

The API tests run on the hand-written mini catalog (always here); the page tests on the real
snapshots ($LLMHUB_TEST_SNAPSHOTS), in Debian's chromium driven by selenium, and skip with the
reason when either cannot be had.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from llmhub.settings import Settings
from llmhub.ui import UIServer, Workspace

SNAPSHOTS = os.environ.get("LLMHUB_TEST_SNAPSHOTS")
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
CHROME_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1400,1000",
)
MARKUP_NAME = '<img src=x onerror="window.__xss=1">Evil & Co'
"""A display name a page must show as text, never run."""

SPEC = """\
project: ui-demo
providers:
  openai: {env_key: OPENAI_API_KEY}
  anthropic: {env_key: ANTHROPIC_API_KEY}
roles:
  llm.inference:
    description: Main reasoning model <script>window.__xss=2</script> for answers
    preferences: {quality: high}
    traffic: {requests_per_day: 1000, input_tokens: 2000, output_tokens: 500}
  llm.cheap:
    description: Classify support tickets
    preferences: {cost: low, latency: low}
"""

OVERRIDES = f"""\
version: 1
models:
  - provider: evilcorp
    model_id: evil-1
    display_name: '{MARKUP_NAME}'
    kind: chat
    callable: true
    context_tokens: 8000
    price_input_per_million: 90.0
    price_output_per_million: 90.0
"""


def make_project(directory: Path) -> Path:
    """A project with the spec above and a catalog override whose name is markup; returns the spec."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "llmhub.spec.yaml").write_text(SPEC)
    (directory / "llmhub.catalog-overrides.yaml").write_text(OVERRIDES)
    return directory / "llmhub.spec.yaml"


def settings_for(sources: Path, cache: Path) -> Settings:
    """Settings that build the catalog from `sources`, cached in `cache`, reading no .env."""
    return Settings(sources_dir=sources, cache_dir=cache, no_dotenv=True)


@pytest.fixture(scope="module")
def ui_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ui-cache")


@pytest.fixture(scope="module")
def snapshot_settings(ui_cache: Path) -> Settings:
    if not SNAPSHOTS or not (Path(SNAPSHOTS) / "models.dev" / "api.json").is_file():
        pytest.skip("LLMHUB_TEST_SNAPSHOTS is not set (.ci/run sets it to ../shared/catalog-snapshots)")
    return settings_for(Path(SNAPSHOTS), ui_cache)


@pytest.fixture(scope="module")
def serve(snapshot_settings: Settings) -> Iterator[Callable[[Path], UIServer]]:
    """Starts a server on a project's spec (on the snapshots' catalog); all are stopped at the end."""
    started: list[UIServer] = []

    def start(spec: Path) -> UIServer:
        server = UIServer(Workspace(spec, settings=snapshot_settings), port=0)
        server.start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def start_chrome() -> tuple[Any, str]:
    """Debian's chromium under selenium, headless with a fresh profile; or None and why it cannot start."""
    try:
        from selenium import webdriver
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        return None, "selenium is not installed (pip install -e '.[dev]')"
    for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not path.is_file():
            return None, f"{path} is missing (apt-get install {package}; .ci/run installs it where apt-get works)"
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*CHROME_FLAGS, f"--user-data-dir={tempfile.mkdtemp(prefix='llmhub-ui-chrome-')}"):
        options.add_argument(flag)
    try:
        return webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER))), ""
    except WebDriverException as exc:
        return None, f"chromium did not start: {(exc.msg or str(exc)).splitlines()[0]}"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    driver, reason = start_chrome()
    if driver is None:
        pytest.skip(reason)
    profile = driver.capabilities.get("chrome", {}).get("userDataDir")
    try:
        yield driver
    finally:
        driver.quit()
        if profile:
            shutil.rmtree(profile, ignore_errors=True)
