"""How fast `llmhub ui` shows the full catalog: the Catalog page in headless Chromium, on the 2026-09 snapshot.

    python bench/bench_ui.py [--sources DIR] [--runs 5] [--screenshots docs/ui]

DIR defaults to the 2026-09 snapshot beside $LLMHUB_TEST_SNAPSHOTS (or ../shared). The server runs
in this process on 127.0.0.1; the browser is Debian's chromium (/usr/bin/chromium, chromedriver),
with the same flags as tests/ui. Printed, in milliseconds from the start of the navigation to the
first page of rows on screen (the page records `performance.now()` when it is rendered):

    first     the first load: the server renders the whole catalog as JSON, the page fetches it
    reload    a reload, served from the JSON rendered once (median of --runs)   goal: < 1000 ms
    filter    one keystroke in the search box over every model (median)
    sort      sorting every model by input price (median)

With --screenshots DIR it also saves one PNG per page (catalog, model, compare, plan, edit) there:
the pictures in docs/ui.md. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
BASE = os.environ.get("LLMHUB_TEST_SNAPSHOTS") or str(REPO.parent / "shared" / "catalog-snapshots")
DEFAULT_SOURCES = str(Path(BASE).parent / "catalog-snapshots-2026-09")

SPEC = """\
project: support-desk
providers:
  openai: {env_key: OPENAI_API_KEY}
  anthropic: {env_key: ANTHROPIC_API_KEY}
  gemini: {env_key: GEMINI_API_KEY}
roles:
  llm.inference:
    description: Main reasoning model for answering customer questions
    preferences: {quality: high}
    traffic: {requests_per_day: 2000, input_tokens: 3000, output_tokens: 600}
  llm.preprocess:
    description: Classify incoming support tickets
    preferences: {cost: low, latency: low}
  llm.embedding:
    kind: embedding
    description: Vector embeddings for retrieval
"""


def wait_ready(driver: Any, page: str, timeout: float = 60.0) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if driver.execute_script("return document.body.dataset.ready") == page:
            return int(driver.execute_script("return document.body.dataset.readyMs"))
        time.sleep(0.01)
    raise TimeoutError(f"the {page} page did not render in {timeout:.0f} s")


def timed(driver: Any, script: str) -> float:
    """Milliseconds a synchronous page action takes (run inside the page)."""
    return float(driver.execute_script(f"var t = performance.now(); {script}; return performance.now() - t;"))


FILTER = "var q = document.getElementById('q'); q.value = arguments[0]; q.dispatchEvent(new Event('input'))"
SORT = "document.querySelector('th[data-key=price_in]').click()"


def screenshots(driver: Any, base: str, folder: Path) -> None:
    from selenium.webdriver.support.ui import Select

    folder.mkdir(parents=True, exist_ok=True)
    driver.refresh()  # the default order again
    wait_ready(driver, "catalog")
    driver.execute_script(FILTER.replace("arguments[0]", "'gpt-5'"))
    driver.save_screenshot(str(folder / "catalog.png"))
    pages = [
        ("model", "#model/openai:gpt-5.4-mini"),
        ("compare", "#compare/openai:gpt-5.4-mini,anthropic:claude-haiku-4-5,gemini:gemini-3.5-flash"),
        ("plan", "#plan"),
        ("edit", "#edit/llm.preprocess"),
    ]
    for name, target in pages:
        driver.execute_script("location.hash = arguments[0]", target)
        wait_ready(driver, name)
        driver.set_window_size(1400, 1000 if name in ("model", "compare") else 1500)
        if name == "edit":
            Select(driver.find_element("id", "f-quality")).select_by_value("high")
            Select(driver.find_element("id", "f-cost")).select_by_value("high")
            Select(driver.find_element("id", "f-latency")).select_by_value("")
            time.sleep(0.2)
            deadline = time.monotonic() + 30
            while driver.find_element("id", "preview").get_attribute("data-state") != "done":
                if time.monotonic() > deadline:
                    break
                time.sleep(0.05)
        driver.execute_script("window.scrollTo(0, 0)")
        time.sleep(0.3)
        driver.save_screenshot(str(folder / f"{name}.png"))
        print(f"screenshot  {folder / (name + '.png')}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", default=DEFAULT_SOURCES)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--screenshots", type=Path, default=None)
    args = parser.parse_args()

    from tests.ui.conftest import settings_for, start_chrome

    from llmhub.ui import UIServer, Workspace

    sources = Path(args.sources)
    if not (sources / "models.dev" / "api.json").is_file():
        sys.exit(f"{sources}: not a catalog snapshot; pass --sources DIR")
    work = Path(tempfile.mkdtemp(prefix="llmhub-bench-ui-"))
    (work / "project").mkdir()
    spec = work / "project" / "llmhub.spec.yaml"
    spec.write_text(SPEC)
    workspace = Workspace(spec, settings=settings_for(sources, work / "cache"))
    started = time.perf_counter()
    catalog = workspace.catalog
    print(
        f"catalog     {len(catalog)} models from {sources} in {time.perf_counter() - started:.2f} s (before the page)"
    )

    driver, reason = start_chrome()
    if driver is None:
        sys.exit(f"no browser: {reason}")
    server = UIServer(workspace, port=0)
    server.start()
    try:
        driver.get(server.url())
        first = wait_ready(driver, "catalog")
        size = len(json.dumps(json.loads(workspace.cache["catalog"]))) / 1e6
        reloads = []
        for _ in range(args.runs):
            driver.refresh()
            reloads.append(wait_ready(driver, "catalog"))
        filters = [
            timed(driver, FILTER.replace("arguments[0]", repr(text))) for text in ("g", "gp", "gpt", "gpt-5", "")
        ]
        sorts = [timed(driver, SORT) for _ in range(4)]
        count = driver.find_element("id", "count").text
        print(f"page        {count}, {size:.1f} MB of JSON")
        print(f"first       {first} ms (server renders the catalog JSON once)")
        print(f"reload      {statistics.median(reloads):.0f} ms median, best {min(reloads)} ms (goal < 1000 ms)")
        print(f"filter      {statistics.median(filters):.1f} ms per keystroke (median)")
        print(f"sort        {statistics.median(sorts):.1f} ms by input price (median)")
        if args.screenshots is not None:
            screenshots(driver, server.base, args.screenshots)
    finally:
        driver.quit()
        server.stop()


if __name__ == "__main__":
    main()
