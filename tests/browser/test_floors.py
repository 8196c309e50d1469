"""Floors everywhere (issue 14, point 4, and the phone part of point 3).

On every kind of page in generator/pages.py's CATALOGUE (and the 404 page), in the three text
sizes (标准, 大, 特大) at 320, 375 and 1280 px wide:
- every link and button outside running text is a target of at least 44 x 44 px (the display
  toolbar's 60 x 60), the download and footer links included. "Running text" is defined in
  docs/elderly-and-accessibility.md and measured by runningText in tests/browser/checks.js;
- the number of every ordered-list item (and the bullet of every list item) has room to show;
- on a phone the display toolbar and the header together take at most 30 % of a 320 x 640
  screen;
- a long page ends with a plain link back to its top, reachable with the keyboard.
And a plan page's contents list reaches every sub-section on a phone, as it does on a desktop.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable
from urllib.parse import quote

import pytest

from generator import history_views, printsheets, views
from generator.model import Site
from generator.pages import CATALOGUE

from .conftest import SEARCH_PAGE_QUERY, WIDTHS, _theme_district_path, _theme_path, _unit_path

MODE_NAMES = ("default", "large", "xlarge")  # 标准, 大, 特大
PHONE_WIDTHS = tuple(w for w in WIDTHS if w < 600)
# The phone: 320 x 640. The toolbar and header may take 30 % of its height.
PHONE_SCREEN_HEIGHT = 640
CHROME_SHARE = 0.30
# A page longer than this many screens is "long": it must end with a link back to the top.
LONG_PAGE_SCREENS = 2

NOT_FOUND = "404"


# ---- One page of each kind, from the real data --------------------------------------------

def _plan(site: Site):
    return site.plans[0]


def _first_status_page(site: Site, site_dir: Path) -> str:
    """The first of the plan's 按状态列出 pages that the build wrote (which statuses occur
    depends on the build's date)."""
    folder = site_dir / views.plan_url(_plan(site)) / "status"
    codes = sorted(p.name for p in folder.iterdir() if (p / "index.html").is_file())
    assert codes, f"no status page under {folder}"
    return f"/{views.plan_url(_plan(site))}status/{codes[0]}/"


KindPath = Callable[[Site, Path], str]

# Kinds with many pages: which one to open. Kinds with one fixed address use it.
MANY: dict[str, KindPath] = {
    "district": lambda s, d: "/" + views.district_url(_plan(s).district),
    "plan": lambda s, d: "/" + views.plan_url(_plan(s)),
    "plan_status": _first_status_page,
    "task": lambda s, d: "/" + views.task_url(_plan(s).tasks[0]),
    "unit": lambda s, d: _unit_path(s),
    "theme": lambda s, d: _theme_path(s),
    "theme_district": lambda s, d: _theme_district_path(s),
    "units_district": lambda s, d: "/" + views.units_district_url(_plan(s).district),
    "deadlines_district": lambda s, d: "/" + views.deadlines_district_url(_plan(s).district),
    "plan_history": lambda s, d: "/" + history_views.plan_history_url(_plan(s)),
    "plan_sheet": lambda s, d: "/" + printsheets.plan_sheet_url(_plan(s)),
    "unit_sheet": lambda s, d: _unit_path(s) + "print/",
    "district_sheet": lambda s, d: "/" + printsheets.district_sheet_url(_plan(s).district),
}
# The search page with a query, so its result cards are checked too.
QUERIES = {"search": "?q=" + quote(SEARCH_PAGE_QUERY)}
KIND_NAMES = [kind.name for kind in CATALOGUE] + [NOT_FOUND]


def kind_path(site: Site, site_dir: Path, name: str) -> str:
    if name == NOT_FOUND:
        return "/no-such-page/"
    if name in MANY:
        return MANY[name](site, site_dir)
    kind = next(k for k in CATALOGUE if k.name == name)
    assert kind.url is not None, f"page kind {name} has many pages: add it to MANY"
    return "/" + kind.url + QUERIES.get(name, "")


@pytest.fixture(scope="session")
def kind_paths(real_site: Site, site_dir: Path) -> dict[str, str]:
    """Page kind -> the address of one of its pages; each was built (a kind added to the
    catalogue without a way to find one of its pages stops here)."""
    paths = {name: kind_path(real_site, site_dir, name) for name in KIND_NAMES}
    for name, path in paths.items():
        folder = path.split("?")[0].strip("/")
        page_file = site_dir / ("404.html" if name == NOT_FOUND else f"{folder}/index.html" if folder else "index.html")
        assert page_file.is_file(), f"{name}: {page_file} was not built"
    return paths


# ---- The floors on every kind of page -------------------------------------------------------

CHROME_HEIGHT = """() => ['.zw-toolbar', '.zw-header']
    .map(s => document.querySelector(s)).filter(Boolean)
    .reduce((sum, el) => sum + el.getBoundingClientRect().height, 0)"""

# Links back to the top: to #top (the top of the document) or to the page's h1.
BACK_TO_TOP = """() => {
  const h1 = document.querySelector('main h1');
  const targets = ['#top'].concat(h1 && h1.id ? ['#' + h1.id] : []);
  return [...document.querySelectorAll('a[href]')].filter(a => targets.includes(a.getAttribute('href')));
}"""

# A long page's way back up: a link to the top after the main content, no more than a screen
# below its end, that can be seen and reached with Tab.
BACK_TO_TOP_PROBLEMS = f"""screens => {{
  const root = document.documentElement;
  if (root.scrollHeight <= screens * innerHeight) return [];
  const main = document.querySelector('main');
  const end = main.getBoundingClientRect().bottom;
  const links = ({BACK_TO_TOP})().filter(a =>
    main.compareDocumentPosition(a) & Node.DOCUMENT_POSITION_FOLLOWING || main.contains(a));
  const near = links.filter(a => {{
    const r = a.getBoundingClientRect();
    return r.top >= end - innerHeight && r.top <= end + innerHeight;
  }});
  if (!near.length) return ['no link back to the top at the end of a page of '
                            + Math.round(root.scrollHeight / innerHeight) + ' screens'];
  const link = near[near.length - 1];
  const style = getComputedStyle(link);
  const problems = [];
  if (link.tabIndex < 0 || link.closest('[inert], [aria-hidden=true]')) problems.push('the link back up cannot be reached with Tab');
  if (style.visibility === 'hidden' || style.display === 'none' || link.getClientRects().length === 0) problems.push('the link back up is hidden');
  const target = document.getElementById(link.getAttribute('href').slice(1));
  if (target && target.tagName !== 'H1' && target.getBoundingClientRect().top + scrollY > 1) {{
    problems.push('#top names an element below the top of the page');
  }}
  return problems;
}}"""


@pytest.mark.parametrize("mode", MODE_NAMES)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", KIND_NAMES)
def test_floors_hold_on_every_page_kind(visit, kind_paths, kind: str, width: int, mode: str) -> None:
    page = visit(kind_paths[kind], width, mode).page
    problems = ["target: " + p for p in page.evaluate("zwChecks.targetProblems()")]
    problems += ["list: " + p for p in page.evaluate("zwChecks.markerProblems()")]
    problems += ["back to top: " + p for p in page.evaluate(BACK_TO_TOP_PROBLEMS, LONG_PAGE_SCREENS)]
    if width in PHONE_WIDTHS:
        chrome = page.evaluate(CHROME_HEIGHT)
        allowed = CHROME_SHARE * PHONE_SCREEN_HEIGHT
        if chrome > allowed:
            problems.append(f"toolbar and header: {chrome:.0f} px > {allowed:.0f} px (30 % of a {width} x 640 screen)")
    assert not problems, f"{len(problems)} problems on {kind_paths[kind]}:\n" + "\n".join(problems[:40])


# ---- Running text, as the doc defines it ----------------------------------------------------

# (what, page kind, selector, in running text?) on generated pages, so the examples stay put.
RUNNING_TEXT_EXAMPLES = [
    ("a link in a sentence", "plan", ".plan-status p a", True),
    ("the phone number in the feedback sentence", "district", "a[href='tel:12345']", True),
    ("a download after the label 下载本表数据：", "plan", ".plan-links a[href$='.json']", False),
    ("a task link heading its list item", "district", ".overdue-list li > a", False),
    ("a part after the label 所属部分：", "task", ".task-section a", False),
    ("a footer link", "plan", ".zw-footer__links a", False),
    ("a menu link", "plan", "#zw-nav a", False),
    ("a district heading its line of 各地区", "districts", ".zw-places__list li > a", False),
]


@pytest.mark.parametrize(("what", "kind", "selector", "expected"), RUNNING_TEXT_EXAMPLES,
                         ids=[example[0] for example in RUNNING_TEXT_EXAMPLES])
def test_running_text_is_what_the_doc_says(visit, kind_paths, what: str, kind: str, selector: str, expected: bool) -> None:
    page = visit(kind_paths[kind], 375, "default").page
    link = page.locator(selector).first
    assert link.count(), f"{selector} not found on {kind_paths[kind]}"
    assert link.evaluate("a => zwChecks.runningText(a)") is expected, what


# ---- The header stays compact in large text ---------------------------------------------------

@pytest.mark.parametrize("width", WIDTHS)
def test_header_stays_compact_in_large_text(visit, kind_paths, width: int) -> None:
    """大 and 特大 are for the content: the toolbar and header (with the wide screens' menu
    bar) grow by at most a tenth over 标准."""
    heights = {mode: visit(kind_paths["plan"], width, mode).page.evaluate(CHROME_HEIGHT) for mode in MODE_NAMES}
    for mode in ("large", "xlarge"):
        assert heights[mode] <= 1.1 * heights["default"], heights


# ---- Back to the top, with the keyboard ------------------------------------------------------

def test_back_to_top_link_works_with_the_keyboard(visit, kind_paths) -> None:
    """From the end of the longest page (a plan in 特大 on a phone), Shift+Tab reaches the link
    back up; Enter goes to the top, and the next Tab starts there, not back down the page."""
    page = visit(kind_paths["plan"], 320, "xlarge").page
    page.locator("footer a").last.focus()  # (not the End key: its smooth scroll outlives Enter)
    for _ in range(20):
        page.keyboard.press("Shift+Tab")
        if page.evaluate("document.activeElement.getAttribute('href') === '#top'"):
            break
    else:
        raise AssertionError("no link to #top within 20 Shift+Tabs of the end of the page")
    state = page.evaluate("zwChecks.focusState()")
    assert state["inView"] and not state["covered"], state
    assert page.evaluate("scrollY") > 10 * page.evaluate("innerHeight")
    page.keyboard.press("Enter")
    page.wait_for_function("scrollY === 0")
    page.keyboard.press("Tab")
    focused = page.evaluate("zwChecks.describe(document.activeElement)")
    assert page.evaluate("!!document.activeElement.closest('.zw-skip, .zw-toolbar, header')"), focused
    assert page.evaluate("scrollY") == 0, f"Tab after 返回顶部 went down the page, to {focused}"


# ---- A plan's contents reach every section ----------------------------------------------------

OPEN_HEIGHT = """nav => { const closed = nav.getBoundingClientRect().height;
  nav.querySelectorAll('details').forEach(d => { d.open = true; });
  const open = nav.getBoundingClientRect().height;
  nav.querySelectorAll('details').forEach(d => { d.open = false; });
  return [closed, open]; }"""


@pytest.mark.parametrize("mode", MODE_NAMES)
@pytest.mark.parametrize("width", WIDTHS)
def test_plan_contents_reach_every_section(visit, real_site, width: int, mode: str) -> None:
    """Every section heading of every plan is in its page's contents list, in page order, and
    a reader can get to each link: shown, or shown after tapping the summary of its part. On
    a phone the list starts with the parts only, at most half as tall as with all open."""
    for plan in real_site.plans:
        page = visit("/" + views.plan_url(plan), width, mode).page
        contents = page.locator("nav.plan-contents")
        expected = ["#" + views.section_anchor(section) for section in views.plan_outline(plan)]
        links = contents.locator("a")
        assert links.evaluate_all("links => links.map(a => a.getAttribute('href'))") == expected, plan.key
        if width in PHONE_WIDTHS and contents.locator("details").count():
            closed, opened = contents.evaluate(OPEN_HEIGHT)
            assert closed <= opened / 2, f"{plan.key}: the closed contents are {closed:.0f} px of {opened:.0f}"
        summaries = contents.locator("summary")
        for i in range(summaries.count()):
            if summaries.nth(i).is_visible():
                summaries.nth(i).click()
        hidden = [href for i, href in enumerate(expected) if not links.nth(i).is_visible()]
        assert not hidden, f"{plan.key} at {width} px, {mode}: contents links out of reach: {hidden}"
        last = links.nth(len(expected) - 1)  # a sub-section: its link leads to its heading
        last.click()
        heading = page.locator(expected[-1])
        page.wait_for_function("id => { const r = document.getElementById(id).getBoundingClientRect();"
                               " return r.top >= 0 && r.top < innerHeight; }", arg=expected[-1][1:])
        assert heading.is_visible()
