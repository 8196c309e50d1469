"""The change-history pages in Chromium (issue 12): a task's 修改记录, a plan's history page and
最近更新, on a site built from the test repository of tests/gitrepo.py (a reworded text, a moved
deadline, changed units and themes, an added task, a report, a removed task).

Each page is axe clean and meets the floors (text size, 44 px targets, no sideways scroll) in
every display mode at 320, 375 and 1280 px; headings go down one level at a time; a
difference is told in words (〔删去：…〕〔新增：…〕), with line-through and underline beside
the tint, never by colour alone.
"""
from __future__ import annotations

from typing import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page

from generator.build import build_site
from tests.gitrepo import story_repo
from tests.helpers import ROOT

from .conftest import HEIGHT, MODES, WIDTHS, install_checks, mode_script, served
from .test_pages import AXE_MODES, AXE_TAGS, axe_problems

PAGES = {
    "task": "changqing/2022/12/",  # a moved deadline: a deletion and an insertion
    "units-task": "changqing/2022/7/",  # units and themes: a deletion, and a value that was empty
    "plan-history": "changqing/2022/history/",
    "updates": "updates/",
}


@pytest.fixture(scope="session")
def history_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    story = story_repo(tmp_path_factory.mktemp("history-repo"))
    out = tmp_path_factory.mktemp("history-site") / "site"
    build_site(story.repo.data, out, config_file=ROOT / "mkdocs.yml", search=False)
    with served(out) as url:
        yield url


def _open(browser: Browser, url: str, width: int, mode: str) -> tuple[Page, list[str]]:
    context = browser.new_context(viewport={"width": width, "height": HEIGHT})
    context.add_init_script(mode_script(MODES[mode]))
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(url, wait_until="load")
    install_checks(page)
    return page, requests


HEADING_LEVELS = "() => [...document.querySelectorAll('main h1, main h2, main h3, main h4, main h5, main h6')].map(h => +h.tagName[1])"


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", list(PAGES))
def test_history_pages_are_accessible(browser: Browser, history_url: str, kind: str, width: int, mode: str) -> None:
    page, requests = _open(browser, f"{history_url}/{PAGES[kind]}", width, mode)
    problems: list[str] = []
    problems += ["text: " + p for p in page.evaluate("px => zwChecks.textProblems(px)", MODES[mode].min_text_px)]
    problems += ["target: " + p for p in page.evaluate("zwChecks.targetProblems()")]
    problems += ["reflow: " + p for p in page.evaluate("zwChecks.overflowProblems()")]
    host = urlsplit(history_url).netloc
    problems += [f"request to another host: {url}" for url in requests if urlsplit(url).netloc != host]
    levels = page.evaluate(HEADING_LEVELS)
    assert levels[0] == 1 and all(b <= a + 1 for a, b in zip(levels, levels[1:])), f"heading levels {levels}"
    if mode in AXE_MODES:
        tags = AXE_TAGS + (["wcag2aaa"] if MODES[mode].contrast else [])
        problems += axe_problems(page, tags, sample=False)
    assert not problems, "\n".join(problems)
    page.context.close()


@pytest.mark.parametrize("mode", ("default", "contrast"))
def test_a_difference_is_told_in_words_not_colour(browser: Browser, history_url: str, mode: str) -> None:
    page, _ = _open(browser, f"{history_url}/{PAGES['task']}", 375, mode)
    change = page.locator(".zw-history .zw-change")
    assert change.locator("h3").inner_text() == "2024年5月6日：修改了完成时限"
    deleted, inserted = change.locator(".zw-diff__del"), change.locator(".zw-diff__ins")
    assert deleted.is_visible() and deleted.inner_text() == "〔删去：年〕"
    assert inserted.is_visible() and inserted.inner_text() == "〔新增：9月〕"
    assert "line-through" in deleted.locator("del").evaluate("e => getComputedStyle(e).textDecorationLine")
    assert "underline" in inserted.locator("ins").evaluate("e => getComputedStyle(e).textDecorationLine")
    whole = change.locator(".zw-diff__whole").inner_text()
    assert "修改前" in whole and "2022年年底前" in whole and "修改后" in whole and "2022年9月底前" in whole
    if MODES[mode].contrast:  # the tint goes: text on the mode's own black
        background = deleted.locator("del").evaluate("e => getComputedStyle(e).backgroundColor")
        assert background in ("rgba(0, 0, 0, 0)", "transparent")
    page.context.close()


def test_updates_links_open_the_changed_task(browser: Browser, history_url: str) -> None:
    page, _ = _open(browser, f"{history_url}/{PAGES['updates']}", 375, "default")
    page.get_by_role("link", name="长清区2022年第12项任务").click()
    page.wait_for_url("**/changqing/2022/12/")
    assert page.locator("#history-h").is_visible()
    page.get_by_role("link", name="2022年任务表的全部修改记录").click()
    page.wait_for_url("**/changqing/2022/history/")
    assert page.locator("h1").inner_text() == "长清区2022年政务公开重点工作任务：修改记录"
    page.context.close()
