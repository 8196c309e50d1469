"""The display settings toolbar (显示设置): text size steps and high contrast persist across
pages and reloads and are applied before the first paint; read aloud (朗读) speaks the
page's main text with a Chinese voice, stops on request, and says so when it cannot."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import HEIGHT, MODES, STORAGE_KEY, install_checks, mode_script

# Runs before any page script, then records <html> at the first animation frame, which
# comes before the first paint: settings applied later than that would show a flash.
FIRST_FRAME_PROBE = """
window.__firstFrame = null;
requestAnimationFrame(function () {
  window.__firstFrame = {
    size: document.documentElement.getAttribute('data-zw-size'),
    className: document.documentElement.className,
  };
});
"""


@pytest.fixture
def fresh_page(browser, base_url):
    """A page in a context of its own (the toolbar writes localStorage)."""
    contexts = []

    def open_page(path: str, width: int = 375, init_scripts: tuple[str, ...] = ()):
        context = browser.new_context(viewport={"width": width, "height": HEIGHT})
        contexts.append(context)
        for script in init_scripts:
            context.add_init_script(script)
        page = context.new_page()
        page.goto(base_url + path)
        install_checks(page)
        return page

    yield open_page
    for context in contexts:
        context.close()


def body_text_px(page) -> float:
    return page.evaluate("parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)")


def pressed(page, selector: str) -> str | None:
    return page.locator(selector).get_attribute("aria-pressed")


def test_text_size_steps_apply_and_survive_reload_and_other_pages(fresh_page, path_of, base_url) -> None:
    page = fresh_page(path_of("plan"))
    assert body_text_px(page) >= MODES["default"].min_text_px
    assert pressed(page, "[data-zw-set-size=standard]") == "true"

    page.get_by_role("button", name="大", exact=True).click()
    assert page.evaluate("document.documentElement.getAttribute('data-zw-size')") == "large"
    assert pressed(page, "[data-zw-set-size=large]") == "true"
    assert pressed(page, "[data-zw-set-size=standard]") == "false"
    assert body_text_px(page) >= MODES["large"].min_text_px

    page.get_by_role("button", name="特大").click()
    assert body_text_px(page) >= MODES["xlarge"].min_text_px
    assert page.evaluate("zwChecks.overflowProblems()") == []

    page.reload()
    assert page.evaluate("document.documentElement.getAttribute('data-zw-size')") == "xlarge"
    assert pressed(page, "[data-zw-set-size=xlarge]") == "true"
    page.goto(base_url + path_of("help"))  # another page of the site
    assert body_text_px(page) >= MODES["xlarge"].min_text_px

    page.get_by_role("button", name="标准").click()
    assert page.evaluate("document.documentElement.hasAttribute('data-zw-size')") is False
    assert body_text_px(page) < MODES["large"].min_text_px
    page.reload()
    assert page.evaluate("document.documentElement.hasAttribute('data-zw-size')") is False


def test_high_contrast_toggles_and_survives_reload(fresh_page, path_of) -> None:
    page = fresh_page(path_of("task"))
    button = page.locator("[data-zw-contrast]")
    assert button.get_attribute("aria-pressed") == "false"
    button.click()
    assert page.evaluate("document.documentElement.classList.contains('zw-contrast')")
    assert button.get_attribute("aria-pressed") == "true"
    background = page.evaluate("zwChecks.parseColor(getComputedStyle(document.body).backgroundColor)")
    text = page.evaluate("zwChecks.parseColor(getComputedStyle(document.querySelector('main p')).color)")
    assert page.evaluate("([a, b]) => zwChecks.contrast(a, b)", [background[:3], text[:3]]) >= 7
    page.reload()
    assert page.evaluate("document.documentElement.classList.contains('zw-contrast')")
    page.locator("[data-zw-contrast]").click()
    assert not page.evaluate("document.documentElement.classList.contains('zw-contrast')")
    assert page.evaluate(f"JSON.parse(localStorage.getItem('{STORAGE_KEY}')).contrast") is False


@pytest.mark.parametrize("mode", ["xlarge", "contrast"])
def test_settings_are_applied_before_the_first_paint(fresh_page, path_of, mode: str) -> None:
    page = fresh_page(path_of("plan"), init_scripts=(mode_script(MODES[mode]), FIRST_FRAME_PROBE))
    page.wait_for_function("window.__firstFrame !== null")
    first = page.evaluate("window.__firstFrame")
    expected_size = MODES[mode].stored["size"]
    assert first["size"] == (None if expected_size == "standard" else expected_size)
    assert ("zw-contrast" in first["className"].split()) == MODES[mode].contrast
    assert "zw-js" in first["className"].split()


def test_first_paint_probe_sees_a_late_setting(path_of, browser, base_url) -> None:
    """Control for the test above: with the head script emptied, the probe must see no
    setting at the first frame (so it really observes the order of events)."""
    context = browser.new_context(viewport={"width": 375, "height": HEIGHT})
    context.add_init_script(mode_script(MODES["xlarge"]))
    context.add_init_script(FIRST_FRAME_PROBE)
    context.route("**/assets/prefs.js", lambda route: route.fulfill(body="", content_type="text/javascript"))
    page = context.new_page()
    page.goto(base_url + path_of("plan"))
    page.wait_for_function("window.__firstFrame !== null")
    assert page.evaluate("window.__firstFrame.size") is None
    context.close()


def test_head_script_is_synchronous_and_before_the_styles(fresh_page, path_of) -> None:
    page = fresh_page(path_of("home"))
    order = page.evaluate(
        """() => [...document.head.querySelectorAll('script, link[rel=stylesheet]')].map(el =>
             el.tagName === 'SCRIPT' ? 'script:' + el.getAttribute('src') + (el.async || el.defer ? ':async' : '') : 'css')"""
    )
    assert order[0].startswith("script:") and order[0].endswith("assets/prefs.js"), order


# ---- Read aloud -----------------------------------------------------------------------

# A stand-in for the browser's speech: records what the page asks it to say.
SPEECH_STUB = """
(function () {
  var voices = %(voices)s;
  window.__spoken = [];
  window.__cancelled = 0;
  window.SpeechSynthesisUtterance = function (text) { this.text = text; };
  var listeners = [];
  var synth = {
    speaking: false,
    pending: false,
    getVoices: function () { return voices; },
    addEventListener: function (type, fn) { listeners.push(fn); },
    speak: function (u) { window.__spoken.push({ text: u.text, lang: u.lang, voice: u.voice && u.voice.lang }); },
    cancel: function () { window.__cancelled += 1; },
  };
  Object.defineProperty(window, 'speechSynthesis', { value: synth, configurable: true });
})();
"""
ZH_VOICES = '[{"name": "Stub Mandarin", "lang": "zh-CN", "localService": true, "default": false}, {"name": "Stub English", "lang": "en-US", "localService": true, "default": true}]'
CHROME_WORDS = ["显示设置", "文字大小", "高对比度", "跳到正文", "网站导航", "数据最后更新", "无障碍声明", "网站信息"]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_read_aloud_speaks_the_main_text_and_stops(fresh_page, path_of, real_site) -> None:
    page = fresh_page(path_of("plan"), init_scripts=(SPEECH_STUB % {"voices": ZH_VOICES},))
    button = page.locator("[data-zw-read]")
    assert button.inner_text() == "朗读"
    button.click()
    expect(button).to_have_text("停止朗读")
    spoken = page.evaluate("window.__spoken")
    assert spoken, "nothing was spoken"
    assert {item["lang"] for item in spoken} == {"zh-CN"}
    assert {item["voice"] for item in spoken} == {"zh-CN"}, "the Chinese voice was not chosen"
    said = squash("".join(item["text"] for item in spoken))

    plan = real_site.plans[0]
    h1 = page.locator("main h1").first.inner_text()
    assert squash(h1) in said
    for task in plan.tasks[:3] + plan.tasks[-1:]:
        assert squash(task.text) in said, f"task {task.number} was not read"
    for word in CHROME_WORDS:
        assert word not in said, f"read aloud read the page's chrome: {word}"
    # Menus inside the article (breadcrumbs, the plan's contents) are not read either.
    for menu in page.locator("main nav").all():
        assert squash(menu.inner_text()) not in said, f"read aloud read a menu: {menu.inner_text()[:40]}"

    button.click()
    expect(button).to_have_text("朗读")
    assert page.evaluate("window.__cancelled") >= 1
    expect(page.locator("#zw-status")).to_contain_text("停止")


def test_read_aloud_says_when_there_is_no_chinese_voice(fresh_page, path_of) -> None:
    """No voice at all (voiceschanged never comes), or voices without Chinese."""
    for voices in ("[]", '[{"name": "Stub English", "lang": "en-US"}]'):
        page = fresh_page(path_of("task"), init_scripts=(SPEECH_STUB % {"voices": voices},))
        page.locator("[data-zw-read]").click()
        status = page.locator("#zw-status")
        expect(status).to_contain_text("没有中文语音", timeout=10_000)
        expect(status).to_be_visible()
        assert status.get_attribute("aria-live") == "polite"
        assert page.evaluate("window.__spoken") == []
        assert page.locator("[data-zw-read]").inner_text() == "朗读"


def test_read_aloud_says_when_the_browser_cannot_speak(fresh_page, path_of) -> None:
    no_speech = "Object.defineProperty(window, 'speechSynthesis', { value: undefined, configurable: true });"
    page = fresh_page(path_of("task"), init_scripts=(no_speech,))
    page.locator("[data-zw-read]").click()
    status = page.locator("#zw-status")
    expect(status).to_contain_text("不支持朗读")
    expect(status).to_be_visible()
