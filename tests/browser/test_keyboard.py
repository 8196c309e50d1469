"""Keyboard use: a skip link first, a visible 3 px focus ring on every stop, a sensible
order (toolbar, header, content, footer), no trap, and a phone menu that opens and closes
with the keyboard."""
from __future__ import annotations

import pytest

from .conftest import PAGE_TYPE_NAMES, install_checks, new_context

FIRST_TABS = 15
# Page regions in the order Tab must visit them.
REGIONS = """el => el.closest('.zw-skip') ? 0 : el.closest('.zw-toolbar') ? 1 : el.closest('header') ? 2
                  : el.closest('main') ? 3 : el.closest('footer') ? 4 : -1"""


def focus_after_paint(page) -> dict | None:
    """zwChecks.focusState() once the browser has painted the focus move: Chromium may scroll
    a Tab-focused element into view in the next frame, not at once (seen on a loaded machine)."""
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    return page.evaluate("zwChecks.focusState()")


def focus_problems(state: dict | None, step: int) -> list[str]:
    if state is None:
        return [f"Tab {step}: nothing in the page has focus"]
    where = f"Tab {step} on {state['element']}"
    problems = []
    if state["outlineStyle"] in ("none", "hidden") or state["outlineWidth"] < 3:
        problems.append(f"{where}: ring {state['outlineStyle']} {state['outlineWidth']}px (need a 3 px ring)")
    if state["contrast"] < 3:
        problems.append(f"{where}: ring contrast {state['contrast']:.2f}:1 < 3:1")
    if not state["inView"]:
        problems.append(f"{where}: focused element is outside the window")
    elif state["covered"]:
        problems.append(f"{where}: focused element is covered by {state['coveredBy']}")
    return problems


@pytest.mark.parametrize("mode", ["default", "contrast"])
@pytest.mark.parametrize("width", [320, 1280])
@pytest.mark.parametrize("page_type", PAGE_TYPE_NAMES)
def test_focus_ring_is_visible_after_each_tab(visit, path_of, page_type: str, width: int, mode: str) -> None:
    page = visit(path_of(page_type), width, mode).page
    problems: list[str] = []
    for step in range(1, FIRST_TABS + 1):
        page.keyboard.press("Tab")
        if step > 1 and page.evaluate("document.activeElement === document.body"):
            break  # a short page: focus went past its last control
        problems += focus_problems(focus_after_paint(page), step)
    assert not problems, "\n".join(problems)


def test_focus_ring_is_visible_deep_in_the_content(visit, path_of) -> None:
    """Tabbing backwards from the footer (focus moving up the page) is where a sticky
    header would hide the focused link: check every stop of the plan page's last 40."""
    page = visit(path_of("plan"), 375, "default").page
    page.keyboard.press("End")
    page.locator("footer a").last.focus()
    problems: list[str] = []
    for step in range(1, 41):
        page.keyboard.press("Shift+Tab")
        problems += focus_problems(focus_after_paint(page), -step)
    assert not problems, "\n".join(problems)


def test_skip_link_comes_first_and_jumps_to_the_content(visit, path_of) -> None:
    page = visit(path_of("plan"), 375, "default").page
    page.keyboard.press("Tab")
    skip = page.locator(".zw-skip")
    assert page.evaluate("document.activeElement.className") == "zw-skip"
    assert skip.inner_text() == "跳到正文"
    box = skip.bounding_box()
    assert box and box["height"] >= 44 and box["width"] >= 44, box
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#zw-main"
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('main')"), "Tab after the skip link left the content"


@pytest.mark.parametrize("width", [375, 1280])
def test_tab_order_is_sensible_and_there_is_no_trap(visit, path_of, width: int) -> None:
    """Tab through the whole task page: regions come in reading order, every visible
    control is reached once, and focus leaves the page after the last one (no trap)."""
    page = visit(path_of("task"), width, "default").page
    focusable = page.evaluate(
        """() => [...document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')]
                 .filter(el => el.tabIndex >= 0 && el.getClientRects().length
                               && getComputedStyle(el).visibility !== 'hidden').length"""
    )
    seen: list[tuple[int, str]] = []
    for _ in range(focusable + 3):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement === document.body"):
            break  # focus went past the last control, out of the page
        region = page.evaluate(f"({REGIONS})(document.activeElement)")
        seen.append((region, page.evaluate("zwChecks.describe(document.activeElement)")))
    else:
        raise AssertionError(f"focus never left the page after {focusable + 3} Tabs: {seen[-5:]}")
    assert len(seen) == focusable, f"reached {len(seen)} of {focusable} controls"
    regions = [region for region, _ in seen]
    assert -1 not in regions, [name for region, name in seen if region == -1]
    assert regions == sorted(regions), f"Tab order jumps between regions: {seen}"
    assert set(regions) >= {0, 1, 2, 3, 4}


def test_phone_menu_button_works_with_the_keyboard(browser, base_url: str, path_of) -> None:
    context = new_context(browser, 375)
    page = context.new_page()
    page.goto(base_url + path_of("task"))
    install_checks(page)
    nav_links = page.locator("#zw-nav a")
    button = page.locator(".zw-menu-button")
    assert not nav_links.first.is_visible(), "the menu should start closed on a phone"
    assert button.get_attribute("aria-expanded") == "false"

    for _ in range(20):  # Tab to the button, as a keyboard user would
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('zw-menu-button')"):
            break
    else:
        raise AssertionError("the menu button cannot be reached with Tab")
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "true"
    assert nav_links.first.is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('#zw-nav')"), "Tab after opening should enter the menu"
    assert page.evaluate("zwChecks.targetProblems()") == []

    page.keyboard.press("Escape")
    assert button.get_attribute("aria-expanded") == "false"
    assert not nav_links.first.is_visible()
    assert page.evaluate("document.activeElement.classList.contains('zw-menu-button')"), "Escape should return to the button"

    page.keyboard.press("Space")
    assert button.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Space")
    assert button.get_attribute("aria-expanded") == "false"
    context.close()


def test_wide_screens_show_the_menu_without_a_button(visit, path_of) -> None:
    page = visit(path_of("task"), 1280, "default").page
    assert not page.locator(".zw-menu-button").is_visible()
    links = page.locator("#zw-nav a")
    assert links.count() >= 5
    for i in range(links.count()):
        assert links.nth(i).is_visible()
