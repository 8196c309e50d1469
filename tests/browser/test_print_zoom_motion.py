"""Printing a plan page, the reader's own browser text size at 200 %, and readers who ask
for reduced motion."""
from __future__ import annotations

import json

import pytest

from tests.conftest import CHROMIUM, CHROMIUM_ARGS

from .conftest import HEIGHT, install_checks, new_context

PT = 96 / 72  # CSS px per point


def test_plan_page_prints_as_a_clean_a4_list(browser, base_url: str, path_of, real_site) -> None:
    context = new_context(browser, 1280)
    page = context.new_page()
    page.goto(base_url + path_of("plan"))
    page.locator("[data-zw-set-size=xlarge]").click()  # print ignores the screen settings
    page.locator("[data-zw-contrast]").click()
    page.emulate_media(media="print")

    for chrome in (".zw-toolbar", ".zw-header", ".zw-skip", ".zw-footer nav"):
        assert page.locator(chrome).evaluate("el => getComputedStyle(el).display") == "none", chrome
    for task in real_site.plans[0].tasks[:2]:
        card = page.locator(f"#t-{task.key}")
        assert card.is_visible()
        text = card.locator(".task-card__text")
        size = text.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
        assert 11 * PT <= size <= 14 * PT, f"print text {size / PT:.1f}pt"
        assert text.evaluate("el => getComputedStyle(el).color") == "rgb(0, 0, 0)"
    link = page.locator(".task-card__title a").first
    assert link.evaluate("el => getComputedStyle(el).textDecorationLine") == "none"
    assert link.evaluate("el => getComputedStyle(el, '::after').content") in ("none", "normal")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)")
    assert page.locator(".zw-footer__updated").is_visible(), "a printout should say when the data last changed"

    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") > 3, "66 tasks should take several A4 pages"
    context.close()


@pytest.fixture(scope="module")
def big_text_browser(playwright_instance, tmp_path_factory):
    """Chromium with the reader's default text size at 200 % (32 px instead of 16 px): the
    browser setting that our rem/em sizes must follow."""
    profile = tmp_path_factory.mktemp("profile-200")
    (profile / "Default").mkdir()
    prefs = {"webkit": {"webprefs": {"default_font_size": 32}}}
    (profile / "Default" / "Preferences").write_text(json.dumps(prefs), encoding="utf-8")
    context = playwright_instance.chromium.launch_persistent_context(
        str(profile), executable_path=CHROMIUM, args=CHROMIUM_ARGS, viewport={"width": 1280, "height": HEIGHT}
    )
    yield context
    context.close()


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("page_type", ["home", "plan", "task", "help"])
def test_pages_follow_the_browser_text_size_at_200_percent(big_text_browser, base_url, path_of, page_type, width) -> None:
    page = big_text_browser.new_page()
    page.set_viewport_size({"width": width, "height": HEIGHT})
    page.goto(base_url + path_of(page_type))
    install_checks(page)
    assert page.evaluate("parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)") >= 36
    problems = page.evaluate("zwChecks.overflowProblems()") + page.evaluate("zwChecks.clippingProblems()")
    page.close()
    assert not problems, "\n".join(problems)


# Elements (or their ::before/::after) with a transition or an animation that takes time.
MOVING_ELEMENTS = """() => [...document.querySelectorAll('*')].flatMap(el => {
  for (const pseudo of [null, '::before', '::after']) {
    const s = getComputedStyle(el, pseudo);
    const times = (s.transitionDuration + ',' + s.animationDuration).split(',').map(parseFloat);
    if (times.some(t => t > 0)) return [el.tagName + (pseudo || '') + ' ' + el.className];
  }
  return [];
})"""


@pytest.mark.parametrize("page_type", ["home", "plan", "task"])
def test_nothing_moves_for_readers_who_ask_for_reduced_motion(browser, base_url, path_of, page_type) -> None:
    context = new_context(browser, 375, reduced_motion="reduce")
    page = context.new_page()
    page.goto(base_url + path_of(page_type))
    page.locator(".zw-menu-button").click()
    moving = page.evaluate(MOVING_ELEMENTS)
    assert page.evaluate("getComputedStyle(document.documentElement).scrollBehavior") == "auto"
    context.close()
    assert not moving, moving[:10]
