"""The four pages in a real headless Chromium, on the real catalog snapshots.

One browser for the module; each test opens the page it checks through the address `llmhub ui`
prints (the session key goes into a cookie), and waits for the page to say it is rendered.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from llmhub.ui import UIServer
from tests.ui.conftest import MARKUP_NAME, make_project

pytestmark = pytest.mark.slow

WAIT = 60.0


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_project(tmp_path_factory.mktemp("ui-pages") / "project")


@pytest.fixture(scope="module")
def server(serve: Callable[[Path], UIServer], project: Path) -> UIServer:
    return serve(project)


def open_page(browser: Any, server: UIServer, page: str, arg: str = "") -> None:
    """Sign in (the key becomes a cookie) if needed, go to `#page/arg` and wait until it is rendered."""
    from selenium.webdriver.support.ui import WebDriverWait

    if not browser.current_url.startswith(server.base):
        browser.get(server.url())
        WebDriverWait(browser, WAIT).until(lambda d: d.execute_script("return document.body.dataset.ready"))
    browser.execute_script("location.hash = arguments[0]", f"#{page}/{arg}" if arg else f"#{page}")
    WebDriverWait(browser, WAIT).until(lambda d: d.execute_script("return document.body.dataset.ready") == page)


def rows(browser: Any) -> list[str]:
    return [row.get_attribute("data-id") for row in browser.find_elements("css selector", "#catalog-body tr")]


def retype(field: Any, text: str) -> None:
    """Replace a field's text the way a person does (so the page sees input events)."""
    from selenium.webdriver.common.keys import Keys

    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(Keys.BACKSPACE)
    if text:
        field.send_keys(text)


def final_preview(browser: Any, lines: tuple[str, ...], absent: str) -> tuple[str, str] | None:
    """The pick and spec diff of a finished preview whose diff has every one of `lines` and no `absent`."""
    if browser.find_element("id", "preview").get_attribute("data-state") != "done":
        return None
    diff = browser.find_element("id", "spec-diff").text
    if absent in diff or not all(line in diff.splitlines() for line in lines):
        return None
    return browser.find_element("id", "preview-pick").text, diff


def wait_for(browser: Any, condition: Callable[[Any], Any]) -> Any:
    """Wait until `condition` holds; elements the page re-rendered meanwhile are looked up again."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    ignored = (NoSuchElementException, StaleElementReferenceException)
    return WebDriverWait(browser, WAIT, ignored_exceptions=ignored).until(condition)


def click(browser: Any, selector: str) -> None:
    """Click the element `selector` names, looking it up again if the page re-rendered it."""
    wait_for(browser, lambda d: d.find_element("css selector", selector).click() or True)


def test_the_catalog_filter_narrows_and_sorts_the_table(browser: Any, server: UIServer) -> None:
    from selenium.webdriver.support.ui import Select

    open_page(browser, server, "catalog")
    total = browser.find_element("id", "count").text
    assert total.endswith(" models") and len(rows(browser)) == 100
    retype(browser.find_element("id", "q"), "gpt-4.1-mini")
    wait_for(browser, lambda d: rows(d) and all("gpt-4.1-mini" in r for r in rows(d)))
    Select(browser.find_element("id", "f-provider")).select_by_value("openai")
    found = wait_for(browser, lambda d: (shown := rows(d)) and all(r.startswith("openai:") for r in shown) and shown)
    assert "openai:gpt-4.1-mini" in found
    assert browser.find_element("id", "count").text != total
    retype(browser.find_element("id", "q"), "")
    wait_for(browser, lambda d: len(rows(d)) > 10)
    click(browser, "th[data-key=price_in]")

    def prices(d: Any) -> list[float]:
        cells = [c.text for c in d.find_elements("css selector", "#catalog-body tr td:nth-child(6)")]
        return [float(text.lstrip("$")) for text in cells if text.startswith("$")]

    values = wait_for(browser, lambda d: (found := prices(d)) == sorted(found) and len(found) > 10 and found)
    assert values[0] <= values[-1]


def test_names_from_the_catalog_are_shown_as_text(browser: Any, server: UIServer) -> None:
    from selenium.webdriver.support.ui import Select

    open_page(browser, server, "catalog")
    Select(browser.find_element("id", "f-provider")).select_by_value("evilcorp")
    wait_for(browser, lambda d: rows(d) == ["evilcorp:evil-1"])
    cell = browser.find_element("css selector", "#catalog-body tr td:nth-child(2)")
    assert MARKUP_NAME in cell.text
    assert not browser.find_elements("css selector", "#catalog-body img")
    assert browser.execute_script("return window.__xss") is None


def test_a_comparison_of_two_models(browser: Any, server: UIServer) -> None:
    from selenium.webdriver.support.ui import Select

    open_page(browser, server, "catalog")
    Select(browser.find_element("id", "f-provider")).select_by_value("")
    retype(browser.find_element("id", "q"), "openai:gpt-4.1")
    wait_for(browser, lambda d: "openai:gpt-4.1-mini" in rows(d) and "openai:gpt-4.1" in rows(d))
    for ident in ("openai:gpt-4.1", "openai:gpt-4.1-mini"):
        click(browser, f'tr[data-id="{ident}"] input[type=checkbox]')
    click(browser, "#compare-selected")
    wait_for(browser, lambda d: d.find_elements("css selector", "#compare-table"))
    heads = [th.text for th in browser.find_elements("css selector", "#compare-table thead th")]
    assert heads[1:] == ["openai:gpt-4.1", "openai:gpt-4.1-mini"]
    overall = browser.find_element("xpath", "//table[@id='compare-table']//tr[td[1][text()='overall']]")
    assert overall.text.count("measured") == 2
    browser.find_element("id", "compare-context").send_keys("1000")
    browser.find_element("id", "compare-go").click()
    wait_for(browser, lambda d: "1k tokens of context" in d.find_element("id", "compare-table").text)


def test_the_plan_chart_highlights_the_pick_on_the_frontier(browser: Any, server: UIServer) -> None:
    open_page(browser, server, "plan")
    section = browser.find_element("css selector", 'section.role[data-role="llm.inference"]')
    pick = section.find_element("css selector", "svg.chart circle[data-role=pick]")
    assert "pick" in pick.get_attribute("class").split()
    assert pick.get_attribute("data-frontier") == "true" and "on-frontier" in pick.get_attribute("class")
    chosen = section.find_element("xpath", ".//p[strong[text()='pick: ']]/a").text
    assert pick.get_attribute("data-id") == chosen
    assert section.find_elements("css selector", "svg.chart circle[data-role=fallback]")
    assert section.find_element("css selector", "svg.chart path.frontier").get_attribute("d").startswith("M")
    assert "/month" in section.find_element("css selector", ".projection").text
    assert section.find_elements("css selector", "table.tradeoffs tbody tr")
    description = section.find_element("css selector", ".role-description").text
    assert "<script>window.__xss=2</script>" in description
    assert browser.execute_script("return window.__xss") is None


def test_an_edit_changes_the_pick_saves_the_spec_and_generates_after_review(
    browser: Any, serve: Callable[[Path], UIServer], project: Path, tmp_path: Path
) -> None:
    from selenium.webdriver.support.ui import Select

    spec = make_project(tmp_path / "edited")
    shutil.copy(project.parent / "llmhub.catalog-overrides.yaml", spec.parent)
    editing = serve(spec)
    open_page(browser, editing, "edit", "llm.cheap")
    wait_for(browser, lambda d: d.find_elements("id", "preview-pick"))
    before = browser.find_element("id", "preview-pick").text
    Select(browser.find_element("id", "f-quality")).select_by_value("high")
    Select(browser.find_element("id", "f-cost")).select_by_value("high")
    Select(browser.find_element("id", "f-latency")).select_by_value("")
    # The preview of the last change: the spec's diff shows all three.
    after, _ = wait_for(
        browser, lambda d: final_preview(d, ("+      cost: high", "+      quality: high"), "+      latency")
    )
    assert after != before
    assert not (spec.parent / "llmhub.yaml").exists()

    browser.find_element("id", "save").click()
    wait_for(browser, lambda d: d.find_element("id", "save-status").text.startswith("Saved"))
    role = yaml.safe_load(spec.read_text())["roles"]["llm.cheap"]
    assert role["preferences"] == {"quality": "high", "cost": "high"}
    assert list((spec.parent / ".llmhub" / "backup").glob("llmhub.spec.*.yaml"))
    assert not (spec.parent / "llmhub.yaml").exists()  # the spec only: llmhub.yaml waits for the review

    browser.find_element("id", "review").click()
    wait_for(browser, lambda d: d.find_elements("id", "review-changes"))
    changes = browser.find_element("id", "review-changes").text
    assert "llm.cheap" in changes and after in changes
    browser.find_element("id", "apply").click()
    wait_for(browser, lambda d: d.find_element("id", "apply-status").text.startswith("Wrote"))
    written = yaml.safe_load((spec.parent / "llmhub.yaml").read_text())["roles"]["llm.cheap"]
    assert f"{written['provider']}:{written['model']}" == after
