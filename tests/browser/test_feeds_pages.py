"""The feeds' pages in a browser: the 订阅更新 page (feeds on and off) and the feed link at the
end of a unit and a theme page, at 320, 375 and 1280 px in each display mode: axe finds no
serious problem, the floors hold (text size, 44 px targets, no sideways scrolling, line
length), and every feed address the page links answers with an Atom feed.

Feeds need the published address and the git history, which the shared site (tests/conftest.py,
built from a plain copy) has neither of: this module builds its own from a git repository of
the real data (tests/gitrepo.py) with --site-url, and serves it.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from generator.loader import load_site

from .conftest import MODES, WIDTHS, install_checks, new_context, served
from .test_pages import AXE_MODES, AXE_TAGS, axe_problems

ROOT = Path(__file__).resolve().parents[2]
SITE_URL = "https://example.github.io/zwgk/"


@pytest.fixture(scope="module")
def feeds_site(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The real data in a git repository with one later change, built with --site-url."""
    from generator.build import build_site
    from tests.gitrepo import DataRepo, move_deadline

    parent = tmp_path_factory.mktemp("feeds-site")
    repo = DataRepo.create(parent)
    repo.commit("第5项时限延至11月底", "2024-05-06 14:20", move_deadline("changqing-2022", 5, "2022年11月底前", "2022-11-30"))
    out = parent / "site"
    build_site(repo.data, out, config_file=ROOT / "mkdocs.yml", search=False, site_url=SITE_URL)
    site = load_site(repo.data)
    task = next(t for t in site.tasks if t.key == "changqing-2022-5")
    theme = min(site.themes, key=lambda th: sum(1 for t in site.tasks if th in t.themes) or 10**6)
    unit = task.units[0].unit
    return {"out": out, "paths": {"subscribe": "/subscribe/", "unit": f"/units/{unit.district}/{unit.id}/",
                                  "theme": f"/themes/{theme.id}/"}}


@pytest.fixture(scope="module")
def feeds_url(feeds_site: dict) -> Iterator[str]:
    with served(feeds_site["out"]) as url:
        yield url


@pytest.fixture(scope="module")
def no_feeds_url(built_site: Path) -> Iterator[str]:
    """The shared site: built without --site-url, so without feeds."""
    with served(built_site) as url:
        yield url


def _check(browser, url: str, width: int, mode: str) -> tuple[list[str], object, object]:
    context = new_context(browser, width, MODES[mode])
    page = context.new_page()
    failures: list[str] = []
    page.on("response", lambda r: r.status >= 400 and failures.append(f"{r.status} {r.url}"))
    page.on("pageerror", lambda e: failures.append(str(e)))
    page.goto(url, wait_until="load")
    install_checks(page)
    problems = ["text: " + p for p in page.evaluate("px => zwChecks.textProblems(px)", MODES[mode].min_text_px)]
    problems += ["target: " + p for p in page.evaluate("zwChecks.targetProblems()")]
    problems += ["reflow: " + p for p in page.evaluate("zwChecks.overflowProblems()")]
    if width >= 1280:
        problems += ["line length: " + p for p in page.evaluate("zwChecks.lineLengthProblems()")]
    if mode in AXE_MODES:
        tags = AXE_TAGS + (["wcag2aaa"] if MODES[mode].contrast else [])
        problems += ["axe: " + p for p in axe_problems(page, tags, sample=True)]
    problems += ["request: " + f for f in failures]
    return problems, page, context


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("which", ["subscribe", "unit", "theme"])
def test_feed_pages_meet_the_floors(browser, feeds_site: dict, feeds_url: str, which: str, width: int,
                                    mode: str) -> None:
    problems, page, context = _check(browser, feeds_url + feeds_site["paths"][which], width, mode)
    try:
        assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])
        feed_links = page.locator('main a[type="application/atom+xml"]')
        assert feed_links.count() >= 1
        if which == "subscribe":
            assert page.get_by_text("这一版网站没有订阅源").count() == 0
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_subscribe_page_says_when_there_are_no_feeds(browser, no_feeds_url: str, width: int) -> None:
    for mode in AXE_MODES:
        problems, page, context = _check(browser, no_feeds_url + "/subscribe/", width, mode)
        try:
            assert not problems, f"{mode}: {len(problems)} problems:\n" + "\n".join(problems[:40])
            assert page.get_by_text("这一版网站没有订阅源").is_visible()
            assert page.locator('a[type="application/atom+xml"]').count() == 0
            assert page.locator('link[type="application/atom+xml"]').count() == 0
        finally:
            context.close()


def test_every_feed_link_of_the_pages_answers_with_atom(browser, feeds_site: dict, feeds_url: str) -> None:
    """The visible links and the head's rel=alternate links open feeds on the served site."""
    context = new_context(browser, 375)
    try:
        page = context.new_page()
        for path in feeds_site["paths"].values():
            page.goto(feeds_url + path, wait_until="load")
            hrefs = page.eval_on_selector_all(
                'a[type="application/atom+xml"], link[rel="alternate"][type="application/atom+xml"]',
                "els => els.map(e => e.href)")
            assert len(hrefs) >= 2, path
            for href in sorted(set(hrefs)):
                response = context.request.get(href)
                assert response.status == 200, href
                assert response.text().lstrip().startswith("<?xml") and "<feed " in response.text(), href
    finally:
        context.close()
