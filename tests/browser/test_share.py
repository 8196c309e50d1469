"""Task pages, share and print (issue 12): the copy-link button with the clipboard and with its
fallback, the page's address and QR code, the 打印 button; and the task page and a notice sheet
checked by axe and against the site's floors in every display mode at 320, 375 and 1280 px."""
from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page

from generator import printsheets, views

from .conftest import MODES, SITE_URL, WIDTHS, Published, install_checks, new_context
from .test_pages import AXE_TAGS

COPIED = "已复制本页地址"
SELECTED = "地址已选中：请按 Ctrl+C 复制（手机上长按选中的地址，再点“复制”）。"
CLIPBOARD = ["clipboard-read", "clipboard-write"]


def _task(published: Published):
    return published.site.plans[1].tasks[4]


def _open(browser: Browser, url: str, *, init: str | None = None, width: int = 375,
          permissions: list[str] | None = None) -> Page:
    context = browser.new_context(viewport={"width": width, "height": 800}, permissions=permissions or [])
    if init:
        context.add_init_script(init)
    page = context.new_page()
    page.goto(url, wait_until="load")
    return page


def _announced(page: Page) -> str:
    status = page.locator(".zw-share [role=status]")
    page.wait_for_function("el => el.textContent.length > 0", arg=status.element_handle())
    return status.inner_text()


def _clipboard(browser: Browser, published: Published, text: str | None = None) -> str:
    """Write `text` to the browser's clipboard, or read it, from a page allowed to."""
    page = _open(browser, published.base_url + "/", permissions=CLIPBOARD)
    if text is not None:
        page.evaluate("text => navigator.clipboard.writeText(text)", text)
    value = page.evaluate("navigator.clipboard.readText()")
    page.context.close()
    return value


def _selection(page: Page) -> dict:
    return page.evaluate("""() => { const f = document.getElementById('zw-share-url');
        return {focused: document.activeElement === f, start: f.selectionStart, end: f.selectionEnd,
                length: f.value.length, readOnly: f.readOnly,
                visible: f.getBoundingClientRect().height > 0}; }""")


def test_copy_link_puts_the_published_address_on_the_clipboard(browser: Browser, published: Published) -> None:
    task = _task(published)
    address = SITE_URL + views.task_url(task)
    _clipboard(browser, published, "复制之前的内容")
    page = _open(browser, f"{published.base_url}/{views.task_url(task)}", permissions=CLIPBOARD)
    field = page.get_by_label("本页地址")
    assert field.input_value() == address and field.get_attribute("readonly") is not None
    page.get_by_role("button", name="复制本页地址").click()
    assert _announced(page).startswith(COPIED)
    assert page.evaluate("navigator.clipboard.readText()") == address
    page.context.close()


@pytest.mark.parametrize("breakage", [
    "Object.defineProperty(Navigator.prototype, 'clipboard', {get: () => undefined});",  # an old browser, or http
    "navigator.clipboard.writeText = () => Promise.reject(new Error('NotAllowedError'));",  # refused
])
def test_without_the_clipboard_api_the_address_is_selected_and_copied(browser: Browser, published: Published,
                                                                      breakage: str) -> None:
    task = _task(published)
    address = SITE_URL + views.task_url(task)
    assert _clipboard(browser, published, "复制之前的内容") == "复制之前的内容"
    page = _open(browser, f"{published.base_url}/{views.task_url(task)}", init=breakage, permissions=CLIPBOARD)
    page.get_by_role("button", name="复制本页地址").click()
    assert _announced(page) == COPIED + "。"  # the old copy command did it
    selection = _selection(page)
    assert selection == {"focused": True, "start": 0, "end": len(address), "length": len(address),
                         "readOnly": True, "visible": True}
    page.context.close()
    assert _clipboard(browser, published) == address


def test_where_nothing_can_copy_the_reader_is_told_to_copy_the_selected_address(browser: Browser,
                                                                                published: Published) -> None:
    task = _task(published)
    breakage = ("Object.defineProperty(Navigator.prototype, 'clipboard', {get: () => undefined});"
                "document.execCommand = () => false;")
    page = _open(browser, f"{published.base_url}/{views.task_url(task)}", init=breakage)
    page.get_by_role("button", name="复制本页地址").click()
    assert _announced(page) == SELECTED
    address = SITE_URL + views.task_url(task)
    assert _selection(page)["focused"] and page.evaluate("getSelection().toString() || "
                                                         "document.activeElement.value.substring("
                                                         "document.activeElement.selectionStart, "
                                                         "document.activeElement.selectionEnd)") == address
    page.context.close()


def test_the_task_page_shows_its_qr_code_and_prints(browser: Browser, published: Published) -> None:
    task = _task(published)
    address = SITE_URL + views.task_url(task)
    page = _open(browser, f"{published.base_url}/{views.task_url(task)}",
                 init="window.print = () => { window.zwPrints = (window.zwPrints || 0) + 1; };")
    code = page.get_by_role("img", name=f"二维码：用手机扫描，打开 {address}")
    assert code.is_visible() and code.bounding_box()["width"] >= 150
    assert page.locator(".zw-qr__url").inner_text() == address
    page.get_by_role("button", name="打印本页").click()
    assert page.evaluate("window.zwPrints") == 1
    page.emulate_media(media="print")
    assert not page.get_by_role("button", name="复制本页地址").is_visible()
    assert code.is_visible(), "a printed task page keeps its QR code"
    page.context.close()


def test_without_a_published_address_the_reader_shares_the_address_they_are_at(browser: Browser, base_url: str,
                                                                               real_site) -> None:
    """The session's real site is built without --site-url: no QR code, and the field holds the
    address in the browser's address bar (assets/share.js)."""
    path = "/" + views.task_url(real_site.plans[0].tasks[0])
    page = _open(browser, base_url + path, permissions=CLIPBOARD)
    assert page.locator(".zw-share svg, .zw-share img").count() == 0
    assert page.get_by_label("本页地址").input_value() == base_url + path
    page.get_by_role("button", name="复制本页地址").click()
    assert _announced(page).startswith(COPIED)
    assert page.evaluate("navigator.clipboard.readText()") == base_url + path
    page.context.close()


# ---- Accessibility and the floors, on a task page and a notice sheet ---------------------------

axe = Axe()


def _pages(published: Published) -> dict[str, str]:
    task = _task(published)
    return {"task": views.task_url(task), "sheet": printsheets.plan_sheet_url(task.plan)}


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", ["task", "sheet"])
def test_share_block_and_sheet_are_axe_clean_and_meet_the_floors(browser: Browser, published: Published,
                                                                kind: str, width: int, mode: str) -> None:
    context = new_context(browser, width, MODES[mode])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{published.base_url}/{_pages(published)[kind]}", wait_until="load")
    tags = AXE_TAGS + (["wcag2aaa"] if MODES[mode].contrast else [])
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": tags}, "resultTypes": ["violations"]})
    problems = [f"axe {v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes'][:3]]}"
                for v in results.response["violations"]]
    install_checks(page)
    problems += ["text: " + p for p in page.evaluate("px => zwChecks.textProblems(px)", MODES[mode].min_text_px)]
    problems += ["target: " + p for p in page.evaluate("zwChecks.targetProblems()")]
    problems += ["reflow: " + p for p in page.evaluate("zwChecks.overflowProblems()")]
    problems += ["script error: " + e for e in errors]
    context.close()
    assert not problems, "\n".join(problems[:20])
