"""theme/assets/status.js and generator/status.py give the same status, field by field.

Both implement docs/status-rules.md. Generated cases are computed in Python, then all of them are
evaluated in ONE page.evaluate call in Chromium. The clock tests render status_line() with the
project's Jinja environment and move Playwright's clock across a due date: the page changes
state without a rebuild.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Callable, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from playwright.sync_api import Browser, BrowserContext, Page, Route

from generator.deadlines import parse_deadline
from generator.model import Deadline, Report
from generator.render import make_env
from generator.status import CHINA, STATUS_CODES, status_inputs, task_status
from tests.test_status import report, status_cases

ROOT = Path(__file__).resolve().parents[2]
STATUS_JS = ROOT / "theme" / "assets" / "status.js"
ORIGIN = "http://status.test"  # answered by context.route below, never by the network
D = dt.date

Case = tuple[Deadline, tuple[Report, ...], dt.date]


def _edge_cases() -> list[Case]:
    """Hand-picked cases at the rules' edges, together reaching every status code."""
    due = parse_deadline("12月底前", 2023)  # 2023-12-31
    ongoing = parse_deadline("长期坚持", 2023)
    undated = parse_deadline("本文件印发后30日内", 2023)  # unresolved: no issue date
    none = parse_deadline(None, 2023)
    day = D(2023, 12, 31)
    one = dt.timedelta(days=1)
    return [
        (due, (), day),
        (due, (), day + one),
        (due, (report(D(2023, 6, 1), "推进中"),), day),
        (due, (report(D(2023, 6, 1), "推进中"), report(D(2023, 7, 1), "未启动")), day),
        (due, (report(day, "已完成"),), day + one),
        (due, (report(D(2024, 1, 12), "已完成"),), D(2024, 3, 1)),
        (due, (report(D(2023, 5, 1), "已完成"), report(D(2023, 6, 1), "已调整", "与第5项合并")), day),
        (due, (report(day, "推进中"), report(day, "已调整", " ")), day),
        (due, (report(day, "已调整", "\u00a0与第5项合并\ufeff\u3000"),), day),
        (due, (report(day, "已调整", "x"), report(day, "推进中")), day),
        (due, (report(D(2024, 1, 3), "已完成"),), day + one),
        (ongoing, (), day),
        (ongoing, (report(D(2023, 8, 31), "常态推进"),), D(2024, 2, 29)),
        (ongoing, (report(D(2023, 8, 31), "常态推进"),), D(2024, 3, 1)),
        (ongoing, (report(D(2023, 1, 5), "推进中"),), D(2023, 7, 6)),
        (undated, (), day),
        (undated, (report(D(2023, 2, 1), "推进中"),), day),
        (none, (report(D(2023, 2, 1), "未启动"),), day),
        (none, (report(D(2023, 2, 1), "已完成"),), day),
        (Deadline("12月底前", "due", None), (), day),
    ]


def _payload(cases: list[Case]) -> list[dict]:
    return [{"inputs": status_inputs(d, r), "asOf": as_of.isoformat()} for d, r, as_of in cases]


def _compare_in_browser(page: Page, cases: list[Case]) -> list[dict]:
    """Evaluate every case in one call; fail with the first disagreements and their inputs."""
    expected = [task_status(d, r, as_of).as_browser_dict() for d, r, as_of in cases]
    payload = _payload(cases)
    actual = page.evaluate("cases => cases.map(c => window.zwStatus.compute(c.inputs, c.asOf))", payload)
    wrong = [(payload[i], expected[i], actual[i]) for i in range(len(cases)) if expected[i] != actual[i]]
    assert not wrong, f"{len(wrong)} of {len(cases)} cases differ, e.g. " + "\n".join(map(repr, wrong[:3]))
    return actual


@pytest.fixture(scope="module")
def status_page(browser: Browser) -> Iterator[Page]:
    """A blank page with status.js loaded (module scope: hypothesis reuses it across examples)."""
    context = browser.new_context()
    page = context.new_page()
    page.goto("about:blank")
    page.add_script_tag(path=str(STATUS_JS))
    yield page
    context.close()


def test_edge_cases_agree_and_reach_every_status(status_page: Page) -> None:
    results = _compare_in_browser(status_page, _edge_cases())
    assert {r["code"] for r in results} == set(STATUS_CODES)
    assert any(r["stale"] for r in results) and any(r["changesOn"] for r in results)


def _generated_cases(count: int) -> list[Case]:
    """`count` cases drawn by hypothesis (collected, then checked in one browser call)."""
    cases: list[Case] = []

    @settings(max_examples=count, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
    @given(status_cases())
    def collect(case: Case) -> None:
        cases.append(case)

    collect()
    return cases


def test_generated_cases_agree_in_python_and_javascript(status_page: Page) -> None:
    cases = _generated_cases(300)
    assert len(cases) >= 200
    results = _compare_in_browser(status_page, cases)
    assert len({r["code"] for r in results}) >= 6  # the cases spread over the rules, not one corner


# ---- The page recomputes with the reader's clock -----------------------------------------


def _html(fragment: str) -> str:
    return (
        '<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8"><title>任务状态</title></head>'
        f'<body><main>{fragment}</main><script src="/status.js"></script></body></html>'
    )


@pytest.fixture
def open_status(browser: Browser) -> Iterator[Callable[..., Page]]:
    """Open a page holding `fragment` (rendered macros) with the clock fixed at `now`."""
    contexts: list[BrowserContext] = []

    def open_page(fragment: str, now: dt.datetime, javascript: bool = True) -> Page:
        context = browser.new_context(java_script_enabled=javascript)
        contexts.append(context)
        bodies = {"/": (_html(fragment), "text/html; charset=utf-8"), "/status.js": (STATUS_JS.read_text("utf-8"), "text/javascript")}

        def serve(route: Route) -> None:
            body, kind = bodies[route.request.url[len(ORIGIN):]]
            route.fulfill(status=200, body=body, content_type=kind)

        context.route(f"{ORIGIN}/**", serve)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.clock.set_fixed_time(now)
        page.goto(ORIGIN + "/", wait_until="load")
        assert not errors, errors
        return page

    yield open_page
    for context in contexts:
        context.close()


def _macro_html(macro: str, deadline: Deadline, reports: tuple[Report, ...], built_on: dt.date) -> str:
    """The macro rendered as the build does on `built_on` (the no-JavaScript fallback)."""
    module = make_env().get_template("_status.html.j2").module
    status = task_status(deadline, reports, built_on)
    return str(getattr(module, macro)(status, status_inputs(deadline, reports)))


SHOWN_JS = """() => {
  const line = document.querySelector('[data-zw-status]');
  const text = (name) => { const el = line.querySelector('[data-zw-status-' + name + ']'); return el ? el.textContent : null; };
  return {label: text('label'), icon: text('icon'), words: text('words'),
          code: line.getAttribute('data-zw-status-code'), class: line.getAttribute('class')};
}"""


def _shown(page: Page) -> dict[str, str | None]:
    """What the first status element shows: label, icon, words (None for a badge), code, class."""
    return page.evaluate(SHOWN_JS)


DUE_2030 = parse_deadline("2030年6月30日前", 2030)
BUILT_ON = D(2030, 1, 1)  # a site built half a year before the due date


def test_the_page_shows_not_due_until_the_due_date_ends_in_china(open_status) -> None:
    fragment = _macro_html("status_line", DUE_2030, (), BUILT_ON)
    page = open_status(fragment, dt.datetime(2030, 6, 30, 23, 30, tzinfo=CHINA))
    assert page.evaluate("window.zwStatus.todayInChina()") == "2030-06-30"
    shown = _shown(page)
    assert (shown["label"], shown["icon"], shown["code"]) == ("未到时限", "○", "not_due")
    assert shown["words"] == "未到完成时限（2030年6月30日），未见进展报告"


def test_the_same_page_shows_overdue_from_the_next_day_in_china(open_status) -> None:
    fragment = _macro_html("status_line", DUE_2030, (), BUILT_ON)
    # 00:30 on 1 July in China is still 30 June in UTC: the page must count in China's time.
    page = open_status(fragment, dt.datetime(2030, 7, 1, 0, 30, tzinfo=CHINA))
    assert page.evaluate("window.zwStatus.todayInChina()") == "2030-07-01"
    shown = _shown(page)
    assert (shown["label"], shown["icon"], shown["code"]) == ("已过时限未见完成情况", "!", "overdue")
    assert shown["words"] == "已过完成时限，未见完成情况：完成时限是 2030年6月30日，已过 1 天"
    classes = (shown["class"] or "").split()
    assert "zw-status--overdue" in classes and "zw-status--not_due" not in classes
    assert page.locator("[data-zw-status-icon]").first.get_attribute("aria-hidden") == "true"


def test_the_badge_is_recomputed_too(open_status) -> None:
    fragment = _macro_html("status_badge", DUE_2030, (), BUILT_ON)
    page = open_status(fragment, dt.datetime(2030, 8, 1, 9, 0, tzinfo=CHINA))
    shown = _shown(page)
    assert (shown["label"], shown["code"]) == ("已过时限未见完成情况", "overdue")


def test_without_javascript_the_build_time_status_stays(open_status) -> None:
    fragment = _macro_html("status_line", DUE_2030, (), BUILT_ON)
    page = open_status(fragment, dt.datetime(2030, 7, 1, 0, 30, tzinfo=CHINA), javascript=False)
    shown = _shown(page)
    assert (shown["label"], shown["code"]) == ("未到时限", "not_due")
    assert page.locator("[data-zw-status-words] time").first.get_attribute("datetime") == "2030-06-30"


def test_a_reason_with_markup_survives_the_attribute_and_unchanged_words_keep_their_dates(open_status) -> None:
    reason = '与"第5项"合并 <b>&amp;</b> \'引号\'\u3000'
    reports = (report(D(2030, 3, 2), "已调整", reason),)
    fragment = _macro_html("status_line", DUE_2030, reports, D(2030, 3, 2))
    page = open_status(fragment, dt.datetime(2030, 3, 2, 12, 0, tzinfo=CHINA))
    expected = task_status(DUE_2030, reports, D(2030, 3, 2))
    shown = _shown(page)
    assert (shown["code"], shown["words"]) == ("adjusted", expected.words)
    assert page.locator("[data-zw-status-words] time").count() == 1  # same day: the <time> is kept
    assert page.locator("b").count() == 0  # the reason's markup stays text
