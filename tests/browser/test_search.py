"""Search in the served site, in Chromium, through the search page itself.

Exact means exact (issue 13): for every query of the query set (tests/search_truth.py, at
least 100: unit names full, short and other names, themes, words, phrases, numbers, section
titles, the false matches the issue lists), the page lists exactly the tasks that contain the
query (precision and recall 1.000), says how many, says on each card where the query is and
marks it; tasks whose requirement text holds the query come first. Filters: a filter alone
returns exactly the tasks with that value. Then the rest of the UI: the header box with and
without JavaScript, the keyboard, the cards, the live region, coming back from a result.
Related tasks (other spellings, synonyms, pinyin …) are tested in test_search_fallback.py.
Axe and the display floors of the search page with results are checked with every other page
type (test_pages.py, PAGE_TYPES "search").
"""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import pytest

from generator import views
from generator.build import reference_dates
from generator.model import District, Site, Task
from generator.search import SearchKeys, folded
from generator.status import CHINA, STATUS_CODES, STATUS_LABELS, china_today, task_status

from tests.helpers import DATA, search_filter_values
from tests.search_truth import ALIAS_GROUP, FALSE_MATCHES, expected_urls, matched_fields, query_set
from .conftest import SEARCH_SETTLED, install_checks, new_context

PAGEFIND_JS = "/pagefind/pagefind.js"
FIELD_LABELS = {"text": "要求", "units": "单位", "sections": "所属部分", "themes": "主题"}


@pytest.fixture(scope="module")
def as_of() -> dt.date:
    """The build's reference date: the 进展状态 filter holds each task's status on it."""
    return reference_dates(DATA).as_of


# Types the query into the page's own box, presses 搜索, then 显示更多结果 until every card is
# shown; returns what the page shows.
ASK = """async (query) => {
  const box = document.getElementById('zw-search');
  const input = document.getElementById('zw-search-q');
  const list = document.getElementById('zw-search-results');
  const more = document.getElementById('zw-search-more');
  const until = (ready) => new Promise((resolve, reject) => {
    const started = performance.now();
    const check = () => ready() ? resolve() : performance.now() - started > 30000 ? reject(new Error('timeout')) : setTimeout(check, 5);
    check();
  });
  input.value = query;
  input.form.requestSubmit();
  await until(() => ['done', 'error'].includes(box.dataset.state));
  while (!more.hidden) {
    const shown = list.children.length;
    more.click();
    await until(() => list.children.length > shown);
  }
  const cards = [...list.querySelectorAll(':scope > .zw-result')];
  return {
    state: box.dataset.state,
    status: document.getElementById('zw-search-status').textContent,
    urls: cards.map((c) => new URL(c.querySelector('.zw-result__link').href).pathname),
    where: cards.map((c) => [...c.querySelectorAll('.zw-result__where strong')].map((s) => s.textContent)),
    marks: cards.map((c) => [...c.querySelectorAll('mark')].map((m) => m.textContent)),
    related: document.querySelectorAll('#zw-search-related .zw-result').length,
  };
}"""


def ask(page, query: str) -> dict:
    answer = page.evaluate(ASK, query)
    assert answer["state"] == "done", (query, answer["status"])
    answer["urls"] = [unquote(url) for url in answer["urls"]]
    return answer


def status_number(status: str) -> int:
    """The number in "找到 N 项含有…" (0 for "没有找到…")."""
    match = re.search(r"找到 (\d+) 项", status)
    return int(match.group(1)) if match else 0


def test_every_listed_task_contains_the_query_and_every_such_task_is_listed(search_page, real_site) -> None:
    """Precision and recall 1.000 over the query set, with the count, the "where" line and
    the marks of every card checked against the data."""
    queries = query_set(real_site)
    assert len(queries) >= 100
    tasks = {"/" + views.task_url(t): t for t in real_site.tasks}
    listed = correct = expected_total = nonempty = 0
    problems = []
    for query in queries:
        answer = ask(search_page, query)
        expected = expected_urls(real_site, query)
        got = answer["urls"]
        listed += len(got)
        correct += len(set(got) & expected)
        expected_total += len(expected)
        nonempty += bool(expected)
        wrong, missing = set(got) - expected, expected - set(got)
        if wrong or missing or len(got) != len(set(got)):
            problems.append(f"{query}: {len(wrong)} listed without it (e.g. {sorted(wrong)[:2]}), "
                            f"{len(missing)} missing (e.g. {sorted(missing)[:2]})")
        if status_number(answer["status"]) != len(expected):
            problems.append(f"{query}: the page says {answer['status']!r}, {len(expected)} tasks contain it")
        for url, where, marks in zip(got, answer["where"], answer["marks"]):
            fields = [FIELD_LABELS[f] for f in matched_fields(tasks[url], query)] if url in tasks else []
            if where != fields:
                problems.append(f"{query}: {url} says it is in {where}, it is in {fields}")
            if not marks:
                problems.append(f"{query}: {url} marks nothing")
    assert nonempty >= 100, "the query set should mostly be words the tasks contain"
    precision, recall = correct / max(listed, 1), correct / max(expected_total, 1)
    assert not problems, f"precision {precision:.3f}, recall {recall:.3f}:\n" + "\n".join(problems[:40])
    assert (precision, recall) == (1.0, 1.0)


def test_the_false_matches_of_issue_13_are_gone(search_page, real_site) -> None:
    """政物公开 (a slip), 医院 and yanglao (on no task) and 区政府办公室 (its letters stand apart on
    many pages) list only the tasks that hold them; a query no task holds says so and counts
    nothing, whatever related tasks are shown after it."""
    for query in FALSE_MATCHES:
        answer = ask(search_page, query)
        expected = expected_urls(real_site, query)
        assert set(answer["urls"]) == expected, query
        if not expected:
            assert answer["status"].startswith(f"没有找到含有“{query}”的任务"), answer["status"]
            assert not answer["urls"]
    office = ask(search_page, "区政府办公室")
    assert 0 < len(office["urls"]) < 108  # the issue saw 108, most of them without it


def test_unit_names_and_aliases_find_the_units_tasks(search_page, real_site) -> None:
    """Every name of 区发改局 finds every task of that unit (its other names are on the page)."""
    fagai = {"/" + views.task_url(t) for t in real_site.tasks
             if any("区发改局" in tu.unit.all_names for tu in t.units)}
    assert fagai
    for query in ALIAS_GROUP:
        got = set(ask(search_page, query)["urls"])
        assert fagai <= got and got == expected_urls(real_site, query), query


def test_requirement_text_matches_come_first(search_page, real_site) -> None:
    """Tasks whose requirement text holds the query come first, then those where only a unit
    name holds it, then section titles, then theme names; within a group, the earlier the
    query stands, the higher."""
    order = list(FIELD_LABELS)
    tasks = {"/" + views.task_url(t): t for t in real_site.tasks}
    mixed = [q for q in query_set(real_site) if len({matched_fields(t, q)[0] for t in real_site.tasks
                                                       if matched_fields(t, q)}) > 1]
    assert "区政府办公室" in mixed and len(mixed) >= 10
    for query in mixed:
        answer = ask(search_page, query)
        firsts = [order.index(matched_fields(tasks[url], query)[0]) for url in answer["urls"]]
        assert firsts == sorted(firsts), query
        in_text = [url for url in answer["urls"] if "text" in matched_fields(tasks[url], query)]
        assert answer["urls"][:len(in_text)] == in_text, query
        # Where it first stands, counted as the index counts: letters, one step for each gap.
        positions = [folded(tasks[url].text).find(folded(query)) for url in in_text]
        assert positions == sorted(positions), query


def test_a_query_in_most_tasks_suggests_narrowing_it(browser, base_url, real_site) -> None:
    broad = max(query_set(real_site), key=lambda q: len(expected_urls(real_site, q)))
    count = len(expected_urls(real_site, broad))
    assert count > len(real_site.tasks) / 2, broad
    narrow = "依申请公开"
    assert len(expected_urls(real_site, narrow)) < len(real_site.tasks) / 2
    context = new_context(browser, 375)
    page = context.new_page()
    try:
        page.goto(base_url + "/search/?q=" + quote(broad))
        page.wait_for_function(SEARCH_SETTLED)
        note = page.locator("#zw-search-note").inner_text()
        assert f"全部 {len(real_site.tasks)} 项中的 {count} 项" in note and "缩小范围" in note
        assert page.evaluate("document.querySelector('[data-zw-search-filters]').open")
        page.goto(base_url + "/search/?q=" + quote(narrow))
        page.wait_for_function(SEARCH_SETTLED)
        assert "大多数" not in page.locator("#zw-search").inner_text()
    finally:
        context.close()


FILTER_ONLY = """async (wanted) => {
  const pagefind = await import('%s');
  await pagefind.init();
  const everything = await pagefind.search(null);
  const urls = {};
  await Promise.all(everything.results.map(async (r) => { urls[r.id] = (await r.data()).url; }));
  const out = {};
  for (const [name, values] of Object.entries(wanted)) {
    out[name] = {};
    for (const value of values) {
      const search = await pagefind.search(null, { filters: { [name]: value } });
      out[name][value] = search.results.map((r) => urls[r.id]);
    }
  }
  return { total: everything.results.length, out };
}""" % PAGEFIND_JS


def test_each_filter_returns_exactly_its_tasks(search_page, real_site, as_of) -> None:
    expected = search_filter_values(real_site, as_of)
    assert "status" in expected
    answer = search_page.evaluate(FILTER_ONLY, {name: sorted(vals) for name, vals in expected.items()})
    assert answer["total"] == len(real_site.tasks)
    problems = []
    for name, by_value in expected.items():
        for value, urls in by_value.items():
            got = {unquote(u) for u in answer["out"][name][value]}
            if got != urls:
                problems.append(f"{name}={value}: {len(got - urls)} extra, {len(urls - got)} missing")
    assert not problems, "\n".join(problems)


def test_query_and_filter_together(browser, base_url, real_site) -> None:
    query, district = "公开", real_site.plans[0].district.slug
    context = new_context(browser, 1280)
    page = context.new_page()
    try:
        page.goto(f"{base_url}/search/?q={quote(query)}&district={quote(district)}")
        page.wait_for_function(SEARCH_SETTLED)
        in_district = {"/" + views.task_url(t) for t in real_site.tasks if t.plan.district.slug == district}
        cards = show_all_cards(page)
        assert {unquote(card["url"]) for card in cards} == expected_urls(real_site, query) & in_district
    finally:
        context.close()


# ---- The real UI ---------------------------------------------------------------------------


def open_task_page(browser, base_url: str, real_site, **options):
    context = new_context(browser, 375, **options)
    page = context.new_page()
    task = real_site.tasks[0]
    page.goto(f"{base_url}/{views.task_url(task)}")
    return context, page


def test_header_box_leads_to_the_search_page_without_javascript(browser, base_url, real_site) -> None:
    context, page = open_task_page(browser, base_url, real_site, java_script_enabled=False)
    try:
        page.fill("#zw-header-q", "区发改局")
        page.press("#zw-header-q", "Enter")
        page.wait_for_load_state()
        parts = urlsplit(page.url)
        assert parts.path == "/search/" and unquote(parts.query) == "q=区发改局"
        assert page.locator("[data-zw-search-nojs]").is_visible(), "without JavaScript the page should say so"
    finally:
        context.close()


def status_count(page) -> int:
    text = page.locator("#zw-search-status").inner_text()
    match = re.search(r"找到 (\d+) 项", text)
    assert match, text
    return int(match.group(1))


def test_header_box_opens_the_search_page_with_results(browser, base_url, real_site) -> None:
    context, page = open_task_page(browser, base_url, real_site)
    try:
        page.fill("#zw-header-q", "区发展改革局")
        page.press("#zw-header-q", "Enter")
        page.wait_for_url(re.compile(r"/search/\?q="))
        page.wait_for_function(SEARCH_SETTLED)
        status = page.locator("#zw-search-status")
        assert status.get_attribute("role") == "status" and status.get_attribute("aria-live") == "polite"
        assert page.input_value("#zw-search-q") == "区发展改革局"
        count = status_count(page)
        assert count == len(expected_urls(real_site, "区发展改革局"))
        cards = page.locator(".zw-result")
        assert cards.count() == min(count, 10)
        # A card: district, year and number in the link, the start of the text, units, deadline.
        first = cards.first
        assert re.fullmatch(r".+区\d{4}年第\d+项任务", first.locator(".zw-result__link").inner_text())
        assert first.locator(".zw-result__summary").inner_text().strip()
        facts = first.locator(".zw-result__facts").inner_text()
        assert "负责单位" in facts and "完成时限" in facts
        box = first.locator(".zw-result__link").bounding_box()
        assert box and box["height"] >= 44
    finally:
        context.close()


def tab_to(page, is_there: str, most: int, what: str) -> None:
    """Press Tab, as a keyboard user would, until `is_there` holds (at most `most` times)."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate(is_there):
            return
    raise AssertionError(f"{what} cannot be reached with Tab")


def test_search_page_works_with_the_keyboard_alone(browser, base_url, real_site) -> None:
    context = new_context(browser, 320)
    page = context.new_page()
    try:
        page.goto(base_url + "/search/")
        page.wait_for_function(SEARCH_SETTLED)
        install_checks(page)
        tab_to(page, "document.activeElement.id === 'zw-search-q'", 30, "the search box")
        page.keyboard.type("养老")
        page.keyboard.press("Enter")
        page.wait_for_function(SEARCH_SETTLED)
        total = status_count(page)
        assert total == len(expected_urls(real_site, "养老")) > 0

        # Open the filters (Tab to the summary, Enter) and pick a district with the arrows.
        tab_to(page, "document.activeElement.tagName === 'SUMMARY'", 5, "the filter summary")
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "zw-filter-district"
        page.keyboard.press("ArrowDown")  # Chromium's closed <select> changes value with the arrows
        district = page.input_value("#zw-filter-district")
        assert district
        page.wait_for_function(SEARCH_SETTLED)
        name = next(d.name for d in real_site.districts if d.slug == district)
        page.wait_for_function("d => document.getElementById('zw-search-status').textContent.includes(d)", arg=f"地区：{name}")
        narrowed = {unquote(urlsplit(h).path) for h in page.locator(".zw-result__link").evaluate_all(
            "links => links.map(a => a.href)")}
        in_district = {"/" + views.task_url(t) for t in real_site.tasks if t.plan.district.slug == district}
        assert narrowed <= in_district
        assert status_count(page) <= total
        assert f"district={quote(district)}" in page.url
        assert page.evaluate("zwChecks.targetProblems()") == []
        assert page.evaluate("zwChecks.overflowProblems()") == []
    finally:
        context.close()


def test_more_results_button_moves_focus_to_the_new_cards(browser, base_url) -> None:
    context = new_context(browser, 1280)
    page = context.new_page()
    try:
        page.goto(base_url + "/search/?q=" + quote("公开"))
        page.wait_for_function(SEARCH_SETTLED)
        total = status_count(page)
        assert total > 10
        more = page.locator("#zw-search-more")
        assert more.is_visible() and f"还有 {total - 10} 项" in more.inner_text()
        more.focus()
        page.keyboard.press("Enter")
        page.wait_for_function("() => document.querySelectorAll('.zw-result').length > 10")
        assert page.evaluate("document.activeElement.closest('.zw-result') === document.querySelectorAll('.zw-result')[10]")
    finally:
        context.close()


def test_address_keeps_query_and_filters(browser, base_url, real_site) -> None:
    district = real_site.plans[-1].district.slug
    context = new_context(browser, 1280)
    page = context.new_page()
    try:
        page.goto(f"{base_url}/search/?q={quote('信息公开')}&district={quote(district)}")
        page.wait_for_function(SEARCH_SETTLED)
        assert page.input_value("#zw-filter-district") == district
        assert page.evaluate("document.querySelector('[data-zw-search-filters]').open")
        expected = expected_urls(real_site, "信息公开") & {
            "/" + views.task_url(t) for t in real_site.tasks if t.plan.district.slug == district}
        assert status_count(page) == len(expected) > 0
    finally:
        context.close()


def test_unit_list_keeps_only_the_units_with_results(browser, base_url, real_site, as_of) -> None:
    """With a district chosen, the unit filter offers that district's units, each with the
    number of its tasks there, and not the hundred-odd units of the other districts."""
    district = real_site.plans[0].district.slug
    in_district = search_filter_values(real_site, as_of)["district"][district]
    expected = {name: len(urls & in_district) for name, urls in search_filter_values(real_site, as_of)["unit"].items()
                if urls & in_district}
    context = new_context(browser, 375)
    page = context.new_page()
    try:
        page.goto(f"{base_url}/search/?district={quote(district)}")
        page.wait_for_function(SEARCH_SETTLED)
        labels = page.locator("#zw-filter-unit option").all_inner_texts()
        assert labels[0] == "全部单位"
        got = {}
        for label in labels[1:]:
            match = re.fullmatch(r"(.+)（(\d+)项）", label)
            assert match, label
            got[match.group(1)] = int(match.group(2))
        assert got == expected
        assert len(expected) < len(search_filter_values(real_site, as_of)["unit"])
    finally:
        context.close()


# ---- Task status: the 进展状态 filter and the status on every card --------------------------


def task_by_url(site: Site) -> dict[str, Task]:
    return {"/" + views.task_url(t): t for t in site.tasks}


def filter_options(page, select: str, labels: dict[str, str] | None = None) -> list[tuple[str, int]]:
    """A filter's options after 全部…, as (value, number of tasks) in the order shown. A
    district's option shows its name (长清区) for its value, its address (changqing): `labels`
    gives what each value reads as, where that is not the value itself."""
    options = page.locator(f"{select} option").evaluate_all(
        "options => options.slice(1).map(o => [o.value, o.textContent])")
    shown = []
    for value, label in options:
        match = re.fullmatch(r"(.+)（(\d+)项）", label)
        assert match and match.group(1) == (labels or {}).get(value, value), label
        shown.append((value, int(match.group(2))))
    return shown


def show_all_cards(page) -> list[dict]:
    """Press 显示更多结果 until every result is shown; each card's URL path and status."""
    while page.locator("#zw-search-more").is_visible():
        before = page.locator("#zw-search-results > .zw-result").count()
        page.click("#zw-search-more")
        page.wait_for_function("n => document.querySelectorAll('#zw-search-results > .zw-result').length > n",
                               arg=before)
    return page.locator("#zw-search-results > .zw-result").evaluate_all("""cards => cards.map(card => {
        const badge = card.querySelector('.zw-result__facts .zw-status');
        const icon = badge && badge.querySelector('.zw-status__icon');
        return {
          url: new URL(card.querySelector('.zw-result__link').href).pathname,
          classes: badge ? [...badge.classList] : [],
          icon: icon ? icon.textContent : null,
          iconHidden: icon ? icon.getAttribute('aria-hidden') : null,
          label: badge ? badge.querySelector('.zw-status__label').textContent : null,
          fact: badge ? badge.closest('.zw-result__fact').querySelector('dt').textContent : null,
        };
      })""")


def card_problems(cards: list[dict], site: Site, on: dt.date) -> list[str]:
    """Cards whose status is not the task's status on `on` (icon hidden, label as text)."""
    tasks, problems = task_by_url(site), []
    for card in cards:
        task = tasks[unquote(card["url"])]
        status = task_status(task.deadline, task.reports, on)
        expected = (["zw-status", f"zw-status--{status.code}"], status.icon, "true", status.label, "进展状态")
        got = (card["classes"], card["icon"], card["iconHidden"], card["label"], card["fact"])
        if got != expected:
            problems.append(f"{task.key}: {got}, expected {expected}")
    return problems


def test_status_filter_lists_each_status_with_its_count(browser, base_url, real_site, as_of) -> None:
    """Before any search, 进展状态 offers the statuses the tasks have on the build date, most
    urgent first (STATUS_CODES order, not the alphabet), each with its number of tasks; its
    hint names that date."""
    by_status = search_filter_values(real_site, as_of)["status"]
    expected = [(STATUS_LABELS[code], len(by_status[STATUS_LABELS[code]]))
                for code in STATUS_CODES if STATUS_LABELS[code] in by_status]
    assert [label for label, _ in expected] == ["已过时限未见完成情况", "时限待定"]  # the real data today
    context = new_context(browser, 375)
    page = context.new_page()
    try:
        page.goto(base_url + "/search/")
        page.wait_for_function(SEARCH_SETTLED)
        page.click("[data-zw-search-filters] summary")  # focus loads Pagefind and fills the filters
        page.wait_for_function(SEARCH_SETTLED)
        assert page.locator("#zw-filter-status option").first.text_content() == "全部状态"
        assert filter_options(page, "#zw-filter-status") == expected
        assert page.locator("label[for=zw-filter-status]").inner_text() == "进展状态"
        hint = page.locator("#zw-filter-status-hint")
        assert page.get_attribute("#zw-filter-status", "aria-describedby") == "zw-filter-status-hint"
        assert hint.locator("time").get_attribute("datetime") == as_of.isoformat()
        assert hint.inner_text() == f"按 {as_of.year}年{as_of.month}月{as_of.day}日 的进展状态筛选。"
    finally:
        context.close()


def test_choosing_a_status_shows_exactly_its_tasks(browser, base_url, real_site, as_of) -> None:
    wanted = "时限待定"
    expected = search_filter_values(real_site, as_of)["status"][wanted]
    context = new_context(browser, 1280)
    page = context.new_page()
    try:
        page.goto(base_url + "/search/")
        page.wait_for_function(SEARCH_SETTLED)
        page.click("[data-zw-search-filters] summary")
        page.select_option("#zw-filter-status", wanted)
        page.wait_for_function(SEARCH_SETTLED)
        assert page.locator("#zw-search-status").inner_text() == f"找到 {len(expected)} 项任务（条件：进展状态：{wanted}）。"
        assert f"status={quote(wanted)}" in page.url
        cards = show_all_cards(page)
        assert {unquote(card["url"]) for card in cards} == expected and len(cards) == len(expected)
        assert {card["label"] for card in cards} == {wanted}
    finally:
        context.close()


def test_every_card_shows_the_status_of_today(browser, base_url, real_site) -> None:
    """Every result card shows its task's status for today in China (status.js recomputes
    it from the card's inputs), icon hidden from screen readers, label as text."""
    context = new_context(browser, 375)
    page = context.new_page()
    try:
        page.goto(base_url + "/search/?year=2022")
        page.wait_for_function(SEARCH_SETTLED)
        cards = show_all_cards(page)
        in_2022 = {"/" + views.task_url(t) for t in real_site.tasks if t.plan.year == 2022}
        assert {unquote(card["url"]) for card in cards} == in_2022
        assert card_problems(cards, real_site, china_today()) == []
    finally:
        context.close()


def test_cards_recompute_the_status_with_the_readers_date(browser, base_url, real_site, as_of) -> None:
    """On 1 March 2022 the 2022 tasks were not yet due: a card says 未到时限 although the site
    (and so the filter) was built later, when they were overdue."""
    reader_day = dt.date(2022, 3, 1)
    context = new_context(browser, 1280)
    context.clock.set_fixed_time(dt.datetime(2022, 3, 1, 9, 0, tzinfo=CHINA))
    page = context.new_page()
    try:
        page.goto(base_url + "/search/?q=" + quote("公开") + "&year=2022")
        page.wait_for_function(SEARCH_SETTLED)
        cards = show_all_cards(page)
        assert cards and card_problems(cards, real_site, reader_day) == []
        built = [task_by_url(real_site)[unquote(c["url"])] for c in cards]
        changed = [c for c, t in zip(cards, built) if task_status(t.deadline, t.reports, as_of).label != c["label"]]
        assert changed, "the reader's date should change some statuses"
    finally:
        context.close()


def test_cards_fall_back_to_the_build_time_status_without_status_js(browser, base_url, real_site, as_of) -> None:
    context = new_context(browser, 1280)
    context.route("**/assets/status.js", lambda route: route.abort())
    page = context.new_page()
    try:
        page.goto(base_url + "/search/?q=" + quote("公开") + "&district=" + quote(real_site.plans[0].district.slug))
        page.wait_for_function(SEARCH_SETTLED)
        assert page.evaluate("typeof window.zwStatus") == "undefined"
        cards = show_all_cards(page)
        assert cards and card_problems(cards, real_site, as_of) == []
    finally:
        context.close()


# ---- The keys in the browser, the runtime loaded on focus, coming back, the district list --------


def test_search_keys_js_spells_queries_as_generator_search_does(search_page, built_site, real_site) -> None:
    """assets/search-keys.js and generator/search.py turn every query of the set into the same
    phrase (None where a letter is on no task page)."""
    bundle = built_site / "pagefind"
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    data = json.loads((bundle / entry["zw_keys"]).read_text(encoding="utf-8"))
    keys = SearchKeys(data["chars"], data["width"], tuple(data["slots"]), 0)
    queries = query_set(real_site) + ["養老", "yǎng lǎo", "!!、", "ＡＰＰ 下载", "双随机、一公开"]
    phrases = search_page.evaluate("""async (queries) => {
      const { loadKeys, queryPhrase } = await import('/assets/search-keys.js');
      const keys = await loadKeys(new URL('/pagefind/', location.href));
      return queries.map((q) => queryPhrase(q, keys));
    }""", queries)
    assert phrases == [keys.query_phrase(q) for q in queries]


def pagefind_requests(requests: list[str]) -> list[str]:
    return [urlsplit(url).path for url in requests if "/pagefind/" in url]


def test_the_search_runtime_loads_when_the_header_box_gets_focus(browser, base_url, real_site) -> None:
    """A task page fetches nothing of the search until its header box gets focus; then the
    runtime, the index metadata and the keys; typing fetches the index chunks of the query;
    the search page then takes them from the cache."""
    context = new_context(browser, 375)
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    try:
        page.goto(f"{base_url}/{views.task_url(real_site.tasks[0])}")
        page.wait_for_load_state("networkidle")
        assert pagefind_requests(requests) == []
        page.focus("#zw-header-q")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)
        loaded = pagefind_requests(requests)
        assert "/pagefind/pagefind.js" in loaded and "/pagefind/wasm.unknown.pagefind" in loaded
        assert any(re.fullmatch(r"/pagefind/zw-keys\.[0-9a-f]{10}\.json", p) for p in loaded)
        assert not any("/index/" in p or "/fragment/" in p for p in loaded)
        page.fill("#zw-header-q", "营商环境")
        page.wait_for_function("() => performance.getEntriesByType('resource').some(r => r.name.includes('/pagefind/index/'))")
    finally:
        context.close()


def test_back_from_a_result_returns_to_the_same_place(browser, base_url, real_site) -> None:
    """After 显示更多结果 and a click on the 15th card, Back shows the same cards, scrolled as
    they were, with focus on the card left from."""
    query = "信息公开"
    assert len(expected_urls(real_site, query)) > 20
    context = new_context(browser, 375)
    page = context.new_page()
    try:
        page.goto(base_url + "/search/?q=" + quote(query))
        page.wait_for_function(SEARCH_SETTLED)
        page.click("#zw-search-more")
        page.wait_for_function("() => document.querySelectorAll('#zw-search-results > .zw-result').length > 10")
        link = page.locator("#zw-search-results > .zw-result .zw-result__link").nth(14)
        link.scroll_into_view_if_needed()
        href = link.evaluate("a => a.href")
        scrolled = page.evaluate("window.scrollY")
        assert scrolled > 0
        link.click()
        page.wait_for_url(href)
        page.go_back()
        page.wait_for_function(SEARCH_SETTLED)
        page.wait_for_function("() => document.querySelectorAll('#zw-search-results > .zw-result').length >= 20")
        page.wait_for_function("href => document.activeElement && document.activeElement.href === href", arg=href)
        assert abs(page.evaluate("window.scrollY") - scrolled) <= 2
        assert page.input_value("#zw-search-q") == query
    finally:
        context.close()


def districts_page_order(site_dir: Path, site: Site) -> list[District]:
    """The districts in the order the 各地区 page lists them (by province, city, address)."""
    html = (site_dir / "districts" / "index.html").read_text(encoding="utf-8")
    return sorted(site.districts, key=lambda d: html.index(f'href="../{d.slug}/"'))


def test_the_district_filter_lists_districts_in_order_and_none_without_results(browser, base_url, site_dir,
                                                                              real_site) -> None:
    """Districts by their names, in the order of the 各地区 page under a heading for each
    province and city, each with its number of results, and never one that would show none:
    also once a district is chosen, which the status line then names."""
    order = districts_page_order(site_dir, real_site)
    assert [d.slug for d in order] == ["haojiang", "changqing", "licheng", "rencheng", "shangyu"]  # 广东 山东(济南 济宁) 浙江
    in_district = {d.slug: {"/" + views.task_url(t) for t in real_site.tasks if t.plan.district.slug == d.slug}
                   for d in order}
    names = {d.slug: d.name for d in order}

    def by_district(query: str) -> list[tuple[str, int]]:
        hits = expected_urls(real_site, query)
        return [(d.slug, len(hits & in_district[d.slug])) for d in order if hits & in_district[d.slug]]

    # A query found in some districts but not all, so that one would read 0 (from the data).
    query = next(q for q in query_set(real_site) if 2 <= len(by_district(q)) < len(order))
    expected = by_district(query)
    context = new_context(browser, 1280)
    page = context.new_page()
    try:
        page.goto(base_url + "/search/?q=" + quote(query))
        page.wait_for_function(SEARCH_SETTLED)
        page.click("[data-zw-search-filters] summary")
        assert filter_options(page, "#zw-filter-district", names) == expected
        groups = page.eval_on_selector_all("#zw-filter-district optgroup", "gs => gs.map((g) => [g.label, g.children.length])")
        cities = {d.slug: d.province + d.city for d in order}
        assert groups == [[city, sum(1 for value, _ in expected if cities[value] == city)]
                          for city in dict.fromkeys(cities[value] for value, _ in expected)]
        chosen = expected[-1][0]
        page.select_option("#zw-filter-district", chosen)
        page.wait_for_function(SEARCH_SETTLED)
        page.wait_for_function("d => document.getElementById('zw-search-status').textContent.includes(d)",
                               arg=f"地区：{names[chosen]}")
        assert filter_options(page, "#zw-filter-district", names) == expected
        assert page.input_value("#zw-filter-district") == chosen
    finally:
        context.close()
