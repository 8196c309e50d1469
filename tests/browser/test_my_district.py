"""我的地区 (issue 14, point 3): the header lists no district; a reader remembers their own with
设为我的地区 on a district or plan page (assets/district-choice.js, localStorage), and from then
on every page's header has one link to it, within the header's floors. Without JavaScript or
storage nothing shows and nothing breaks; a stored value that is not an address of this site
is ignored."""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page

from generator import views
from generator.model import Site

from .conftest import MODES, install_checks, new_context

STORAGE_KEY = "zw-my-district"
MINE = "[data-zw-mine]"
SET_BUTTON = "[data-zw-mine-set]"
PHONE_SCREEN_HEIGHT, CHROME_SHARE = 640, 0.30  # docs/elderly-and-accessibility.md
CHROME_HEIGHT = """() => ['.zw-toolbar', '.zw-header'].map(s => document.querySelector(s)).filter(Boolean)
    .reduce((sum, el) => sum + el.getBoundingClientRect().height, 0)"""
LONG_NAME = "鄂尔多斯市伊金霍洛旗"  # a long county name: the header must not grow for it


def _store(value: object) -> str:
    """Init script: this value in localStorage under our key, before the page's scripts."""
    return f"localStorage.setItem({STORAGE_KEY!r}, {json.dumps(json.dumps(value))});"


def _stored(page: Page) -> dict | None:
    raw = page.evaluate(f"localStorage.getItem({STORAGE_KEY!r})")
    return json.loads(raw) if raw else None


def _two_districts(site: Site):
    first, second = site.plans[0], next(p for p in site.plans if p.district.slug != site.plans[0].district.slug)
    return first, second


def test_a_remembered_district_is_linked_from_every_header(browser, base_url: str, real_site: Site) -> None:
    mine, other = _two_districts(real_site)
    name = mine.district.name
    context = new_context(browser, 375)
    page = context.new_page()
    try:
        page.goto(base_url + "/" + views.district_url(mine.district))
        assert not page.locator(MINE).is_visible()  # nothing chosen yet
        button = page.locator(SET_BUTTON)
        assert button.inner_text() == "设为我的地区"
        button.focus()
        page.keyboard.press("Enter")  # a real button: the keyboard works
        link = page.locator(MINE)
        assert link.is_visible()
        assert "我的地区" in link.inner_text() and name in link.inner_text()
        assert name in page.locator("[data-zw-mine-status]").inner_text()
        assert _stored(page)["name"] == name
        assert button.inner_text() == "不再记住这个地区"

        page.goto(base_url + "/" + views.task_url(other.tasks[0]))  # another district, another depth
        link = page.locator(MINE)
        assert link.is_visible() and name in link.inner_text()
        link.click()
        page.wait_for_url(base_url + "/" + views.district_url(mine.district))

        page.goto(base_url + "/" + views.plan_url(mine))  # the plan page knows it is the one
        assert page.locator(SET_BUTTON).inner_text() == "不再记住这个地区"
        page.locator(SET_BUTTON).click()
        assert not page.locator(MINE).is_visible()
        assert _stored(page) is None
        assert page.locator(SET_BUTTON).inner_text() == "设为我的地区"
        assert "不再记住" in page.locator("[data-zw-mine-status]").inner_text()
        page.goto(base_url + "/" + views.task_url(other.tasks[0]))
        assert not page.locator(MINE).is_visible()
    finally:
        context.close()


@pytest.mark.parametrize("width", [320, 375, 1280])
def test_the_header_keeps_its_floors_with_a_long_district_name(browser, base_url: str, real_site: Site,
                                                               width: int) -> None:
    """With a district remembered (a long name), in 标准, 大 and 特大: the link is a 44 px target
    inside the window, nothing scrolls sideways, the toolbar and header stay within 30 % of a
    320 x 640 screen and grow by at most a tenth in large text."""
    plan = real_site.plans[0]
    heights = {}
    for mode in ("default", "large", "xlarge"):
        context = new_context(browser, width, MODES[mode])
        context.add_init_script(_store({"name": LONG_NAME, "url": "/" + views.district_url(plan.district)}))
        page = context.new_page()
        try:
            page.goto(base_url + "/" + views.plan_url(plan))
            install_checks(page)
            link = page.locator(MINE)
            assert link.is_visible(), mode
            assert LONG_NAME in link.inner_text()  # cut short on screen, whole for screen readers
            box = link.bounding_box()
            assert box["width"] >= 44 and box["height"] >= 44, (mode, box)
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, (mode, box)
            assert page.evaluate("zwChecks.targetProblems()") == [], mode
            assert page.evaluate("zwChecks.overflowProblems()") == [], mode
            heights[mode] = page.evaluate(CHROME_HEIGHT)
        finally:
            context.close()
    if width < 600:
        assert max(heights.values()) <= CHROME_SHARE * PHONE_SCREEN_HEIGHT, heights
    for mode in ("large", "xlarge"):
        assert heights[mode] <= 1.1 * heights["default"], heights


def test_without_javascript_nothing_shows_and_the_districts_page_is_a_tap_away(browser, base_url: str,
                                                                               real_site: Site) -> None:
    plan = real_site.plans[0]
    context = browser.new_context(viewport={"width": 375, "height": 800}, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(base_url + "/" + views.district_url(plan.district))
        assert not page.locator(MINE).is_visible()
        assert not page.locator(SET_BUTTON).is_visible()
        page.locator("#zw-nav a", has_text="各地区").click()  # without JS the menu is open
        page.wait_for_url(base_url + "/" + views.DISTRICTS_URL)
        assert page.locator(".zw-places a", has_text=plan.district.name).first.is_visible()
    finally:
        context.close()


def test_a_browser_that_refuses_storage_is_told_so(browser, base_url: str, real_site: Site) -> None:
    plan = real_site.plans[0]
    context = new_context(browser, 375)
    context.add_init_script("Storage.prototype.setItem = function () { throw new DOMException('full', 'QuotaExceededError'); };")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(base_url + "/" + views.district_url(plan.district))
        page.locator(SET_BUTTON).click()
        assert "没能记住" in page.locator("[data-zw-mine-status]").inner_text()
        assert not page.locator(MINE).is_visible()
        assert errors == []
    finally:
        context.close()


@pytest.mark.parametrize("stored", [
    {"name": "长清区", "url": "https://example.com/changqing/"},  # another site
    {"name": "长清区", "url": "javascript:alert(1)"},
    {"name": "", "url": "/changqing/"},
    "not json {",
])
def test_a_stored_value_that_is_not_an_address_here_is_ignored(browser, base_url: str, real_site: Site,
                                                               stored: object) -> None:
    context = new_context(browser, 375)
    script = (f"localStorage.setItem({STORAGE_KEY!r}, {json.dumps(stored)});" if isinstance(stored, str)
              else _store(stored))
    context.add_init_script(script)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(base_url + "/" + views.task_url(real_site.tasks[0]))
        assert not page.locator(MINE).is_visible()
        assert page.locator(MINE).get_attribute("href") != "javascript:alert(1)"
        assert errors == []
    finally:
        context.close()


def test_the_link_is_there_at_the_first_paint(browser, base_url: str, real_site: Site) -> None:
    """The header shows the remembered district in the first frame that has the header: the
    page never jumps."""
    plan = real_site.plans[0]
    context = new_context(browser, 375, MODES["default"])
    context.add_init_script(_store({"name": plan.district.name, "url": "/" + views.district_url(plan.district)}))
    # At each frame (before its paint) until the header is there: is the link shown already?
    context.add_init_script("""window.__mineAtFirstFrame = null;
        (function probe() { requestAnimationFrame(() => { const a = document.querySelector('[data-zw-mine]');
          if (a) { window.__mineAtFirstFrame = !a.hidden; } else { probe(); } }); })();""")
    page = context.new_page()
    try:
        page.goto(base_url + "/" + views.task_url(real_site.tasks[-1]))
        page.wait_for_function("window.__mineAtFirstFrame !== null")
        assert page.evaluate("window.__mineAtFirstFrame") is True
    finally:
        context.close()


def test_a_choice_made_in_another_tab_shows_at_once(browser, base_url: str, real_site: Site) -> None:
    mine, other = _two_districts(real_site)
    context = new_context(browser, 1280)
    try:
        reading, choosing = context.new_page(), context.new_page()
        reading.goto(base_url + "/" + views.task_url(other.tasks[0]))
        choosing.goto(base_url + "/" + views.district_url(mine.district))
        assert not reading.locator(MINE).is_visible()
        choosing.locator(SET_BUTTON).click()
        reading.wait_for_function("() => !document.querySelector('[data-zw-mine]').hidden")
        assert mine.district.name in reading.locator(MINE).inner_text()
        choosing.locator(SET_BUTTON).click()  # and forgotten there: gone here too
        reading.wait_for_function("() => document.querySelector('[data-zw-mine]').hidden")
    finally:
        context.close()
